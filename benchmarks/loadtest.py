"""The load test (`make loadtest`): locust, headless, against the cluster of cluster.py.

    .venv/bin/python -m benchmarks.loadtest [--projects 1000] [--workers 2]

It starts the cluster (nginx, two app servers, PostgreSQL, Redis, a worker) with the
article's fixtures and `synthesize --projects N`, then runs locust (benchmarks/locustfile.py)
through nginx, one run after another:

0. 10 visitors for 15 s over the mix, not counted: the caches fill as on any working day;
1. 50 visitors for 60 s over the visitors' mix of pages and API calls;
2. 50 visitors for 20 s asking for /healthz only: what the same setup serves at its floor;
3. 200 visitors for 30 s over the mix;
4. 4 visitors for 20 s downloading exports, measured apart from the pages.

It prints each run's requests, failures, requests/s, median and p99, the share of answers
the page cache served (X-Page-Cache: hit), the first failures,
and the targets of issue #18: no failure, p99 under 1 s and at least 40% of /healthz's
requests/s at 50 visitors; no failure at 200. Exits 1 when a target is missed. Every
request goes to 127.0.0.1; every run is bounded in time, and the cluster stops at the end.
"""

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/loadtest.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cluster import Cluster  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"
MAX_P99_MS = 1000
MIN_SHARE_OF_HEALTHZ = 0.4
SAMPLE = 500

# Run in the cluster's database after it is filled: the records visitors visit, as JSON.
RECORDS = f"""
import json
from cooperation.models import Beneficiary, Organization, Pairing, Project, Region
def sample(queryset, field="pk"):
    return list(queryset.order_by("?").values_list(field, flat=True)[:{SAMPLE}])
print(json.dumps({{
    "project": sample(Project.objects.published(), "slug"),
    "pairing": sample(Pairing.objects.published()),
    "beneficiary": sample(Beneficiary.objects.published()),
    "organization": sample(Organization.objects.filter(roles__isnull=False).distinct()),
    "region": sample(Region.objects.filter(level__in=["province", "city", "county", "town"])),
}}))
"""

# (name, user class, users, seconds)
WARM_UP = ("warm-up, 10 visitors", "Visitor", 10, 15)
RUNS = [
    ("mix, 50 visitors", "Visitor", 50, 60),
    ("/healthz, 50 visitors", "HealthzVisitor", 50, 20),
    ("mix, 200 visitors", "Visitor", 200, 30),
    ("exports, 4 visitors", "Exporter", 4, 20),
]


def locust(host, user_class, users, seconds, prefix, env):
    """Runs locust headless (its own table goes to <prefix>.log); returns the rows of its
    stats CSV and of its failures CSV, and its count of page-cache answers."""
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        host,
        "--users",
        str(users),
        "--spawn-rate",
        str(max(users // 2, 1)),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        user_class,
    ]
    tally = Path(f"{prefix}_tally.json")
    with open(f"{prefix}.log", "w") as log:
        subprocess.run(
            command,
            cwd=ROOT,
            env={**env, "PORTAL_LOADTEST_TALLY": str(tally)},
            check=True,
            timeout=seconds + 120,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    counted = json.loads(tally.read_text()) if tally.exists() else {}
    return read_csv(f"{prefix}_stats.csv"), read_csv(f"{prefix}_failures.csv"), counted


def read_csv(path):
    with open(path, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def summary(stats, counted=None):
    """locust's "Aggregated" row as numbers, with the share of page-cache hits."""
    row = next(row for row in stats if row["Name"] == "Aggregated")
    counted = counted or {}
    answers = sum(counted.values())
    return {
        "hits": counted.get("hit", 0) / answers if answers else None,
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"] or 0),
        "p99": float(row["99%"] or 0),
    }


def targets(results):
    """(text, ok) for issue #18's load targets, from {run name: summary}."""
    mix, floor, crowd = (results[name] for name, *_rest in RUNS[:3])
    share = mix["rps"] / floor["rps"] if floor["rps"] else 0
    return [
        (f"50 visitors: {mix['failures']} failures (target 0)", mix["failures"] == 0),
        (f"50 visitors: p99 {mix['p99']:.0f} ms (target < {MAX_P99_MS})", mix["p99"] < MAX_P99_MS),
        (
            f"50 visitors: {mix['rps']:.1f} requests/s = {share:.0%} of /healthz's "
            f"{floor['rps']:.1f} (target ≥ {MIN_SHARE_OF_HEALTHZ:.0%})",
            share >= MIN_SHARE_OF_HEALTHZ,
        ),
        (f"200 visitors: {crowd['failures']} failures (target 0)", crowd["failures"] == 0),
    ]


def table(results, per_name):
    lines = [
        "| run | requests | failures | requests/s | p50 ms | p99 ms | cache hits |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, result in results.items():
        hits = "—" if result["hits"] is None else f"{result['hits']:.0%}"
        lines.append(
            f"| {name} | {result['requests']} | {result['failures']} | {result['rps']:.1f} "
            f"| {result['p50']:.0f} | {result['p99']:.0f} | {hits} |"
        )
    lines += [
        "",
        "| kind (50 visitors) | requests | median ms | p99 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for row in per_name:
        lines.append(f"| {row['Name']} | {row['Request Count']} | {row['50%']} | {row['99%']} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=1000, help="synthetic projects")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    options = parser.parse_args()
    print(f"Starting the cluster with {options.projects:,} synthetic projects…", flush=True)
    with Cluster(
        database="portal_loadtest",
        projects=options.projects,
        workers=options.workers,
        setup_script=RECORDS,
    ) as cluster:
        records = cluster.work / "records.json"
        records.write_text(cluster.setup_output)
        env = {**cluster.env, "PORTAL_LOADTEST_RECORDS": str(records)}
        results, first_failures, per_name = {}, [], []
        for number, (name, user_class, users, seconds) in enumerate([WARM_UP, *RUNS]):
            print(f"locust: {name} for {seconds} s through {cluster.url}", flush=True)
            prefix = cluster.work / f"locust-{number}"
            stats, failures, counted = locust(cluster.url, user_class, users, seconds, prefix, env)
            if number == 0:
                continue
            results[name] = summary(stats, counted)
            first_failures += [(name, row) for row in failures[:5]]
            if name == RUNS[0][0]:
                per_name = [row for row in stats if row["Name"] != "Aggregated"]
            elif user_class == "Exporter":
                per_name += [row for row in stats if row["Name"] != "Aggregated"]
        print()
        print(table(results, per_name))
        for name, row in first_failures:
            print(f"FAILED in {name}: {row['Name']}: {row['Error']} × {row['Occurrences']}")
        if first_failures:
            print("\napp server 1's log ends:\n" + cluster.log_tail("app1"))
    checks = targets(results)
    print()
    for text, ok in checks:
        print(f"{'pass' if ok else 'FAIL'}: {text}")
    return 0 if all(ok for _text, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
