"""A whole-list XLSX export through the task queue, timed, with the worker's peak memory.

    .venv/bin/python -m benchmarks.export_job [--projects 250000] [--format xlsx]

It starts the cluster (benchmarks/cluster.py: nginx, two app servers, a Celery worker with
one child, PostgreSQL and Redis) with that many synthetic projects, asks nginx for the
project list's export as a visitor would, follows the job's page and status to the end,
downloads the file, and prints the rows, the size, the time and the peak resident memory
of every worker process (VmHWM, read from /proc before the worker stops). Target (issue
#18): under 300 MB.
"""

import argparse
import json
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/export_job.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.cluster import Cluster  # noqa: E402
from benchmarks.servers import Client  # noqa: E402

MAX_WORKER_MB = 300
JOB_PAGE = re.compile(r"/jobs/([-\w]+)/")
TIMEOUT_SECONDS = 1800


def peak_mb(pid):
    """A process's peak resident memory (VmHWM), in MB, with its children's."""
    peaks = []
    for task in [pid, *children(pid)]:
        status = Path(f"/proc/{task}/status")
        if status.exists():
            found = re.search(r"VmHWM:\s+(\d+) kB", status.read_text())
            peaks.append(int(found.group(1)) / 1024 if found else 0)
    return max(peaks, default=0)


def children(pid):
    found = []
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found += [int(path.parent.name), *children(int(path.parent.name))]
    return found


def export(cluster, export_format):
    """(job token, seconds to the end of the job, file bytes, last status)."""
    client = Client(cluster.url)
    started = time.monotonic()
    status, _s, headers, _body = client.get(f"/projects/?_export={export_format}")
    location = headers.get("Location", "")
    token = JOB_PAGE.search(location)
    if status != 302 or token is None:
        raise RuntimeError(f"The export did not start a job: {status} {location!r}")
    token = token.group(1)
    state = {}
    while time.monotonic() - started < TIMEOUT_SECONDS:
        _status, _s, _h, body = client.get(f"/jobs/{token}/status.json")
        state = json.loads(body)
        if state["finished"]:
            break
        time.sleep(1)
    seconds = time.monotonic() - started
    if state.get("state") != "done":
        raise RuntimeError(f"The export job ended as {state}")
    _status, _s, _h, size = client.get(f"/jobs/{token}/file", sink=lambda: None, timeout=600)
    return token, seconds, size, state


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=250_000)
    parser.add_argument("--format", default="xlsx", choices=["xlsx", "csv"])
    arguments = parser.parse_args()
    print(f"Starting the cluster with {arguments.projects:,} synthetic projects…", flush=True)
    with Cluster(database="portal_export_job", projects=arguments.projects, workers=1) as cluster:
        worker = cluster.named("worker")[0][1]
        _token, seconds, size, state = export(cluster, arguments.format)
        peak = peak_mb(worker.pid)
    verdict = "pass" if peak < MAX_WORKER_MB else "FAIL"
    print(
        f"{arguments.format.upper()} export of {state['total']:,} rows through the queue: "
        f"{seconds:.0f} s to the end of the job, {size / 1024 / 1024:.0f} MiB; "
        f"worker peak memory {peak:.0f} MB ({verdict}, target < {MAX_WORKER_MB} MB)."
    )
    return 0 if verdict == "pass" else 1


if __name__ == "__main__":
    sys.exit(main())
