"""`python -m benchmarks`: the benchmark of benchmarks/run.py (`make benchmark`)."""

from benchmarks.run import main

main()
