"""Load test: concurrent visitors against gunicorn on 127.0.0.1, run by hand (`make loadtest`).

    .venv/bin/python benchmarks/load.py [--visitors 50] [--seconds 60] [--workers 4]
        [--projects 2000] [--database-url postgres://postgres@127.0.0.1:5432/portal_load]

It builds a throw-away database — a new SQLite file, or the loopback PostgreSQL database
given, which is EMPTIED first — with the article fixtures, plus `manage.py synthesize`
projects when that command exists. It then serves it with gunicorn in production mode
(DJANGO_DEBUG=0, plain HTTP as `make run` allows) on a free loopback port. Each visitor
fetches public pages and exports one after another, without pause, until the time is up
or the request budget is spent. Any answer other than 2xx/3xx, a short body, a timeout or
a connection error is a failure. It prints the count, failures, requests per second and
the 50th/99th percentile latency, stops the server, and exits 1 if anything failed.
"""

import argparse
import asyncio
import math
import os
import platform
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
REQUEST_TIMEOUT = 30
START_TIMEOUT = 30
SLOWEST_SHOWN = 5

# What the server needs to speak plain HTTP on loopback, as the Makefile's LOCAL_ENV sets it.
SERVER_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": HOST,
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_LOG_LEVEL": "WARNING",
}

# The visitors' pages as (kind, weight, paths); "{…}" is filled from the sitemap.
LISTS = [
    "/projects/",
    "/projects/?sort=-funds",
    "/projects/?sort=title&page=2",
    "/projects/?category=industry",
    "/projects/?work_status=in_operation&side=west",
    "/projects/?year=2023&sort=-start_year",
    "/projects/?q=" + quote("紫云"),
    "/projects/?q=" + quote("茶"),
    "/projects/?page=3",
    "/pairings/",
    "/pairings/?level=town",
    "/pairings/?mode=layered&sort=-start_year",
    "/pairings/?q=" + quote("南沙") + "&side=east",
    "/beneficiaries/",
    "/beneficiaries/?kind=village",
    "/beneficiaries/?side=west&sort=name",
    "/beneficiaries/?q=" + quote("村"),
]
EXPORTS = [
    "/projects/?_export=csv",
    "/projects/?_export=json",
    "/projects/?category=industry&_export=csv",
    "/pairings/?_export=csv",
    "/beneficiaries/?_export=json",
]
PLACES = ["/regions/", "/organizations/", "/sources/", "/people/", "{region}", "{source}"]
DETAILS = ["{project}", "{pairing}", "{beneficiary}", "{organization}"]
MIX = [
    ("dashboard", 10, ["/"]),
    ("list", 30, LISTS),
    ("detail", 35, DETAILS),
    ("region/source", 15, PLACES),
    ("export", 10, EXPORTS),
]
SITEMAP_SECTIONS = {
    "projects": "project",
    "pairings": "pairing",
    "beneficiaries": "beneficiary",
    "regions": "region",
    "organizations": "organization",
    "sources": "source",
}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=200_000, help="request budget")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--projects", type=int, default=2000, help="synthetic projects")
    parser.add_argument(
        "--database-url",
        help="a database on this machine to EMPTY and use (default: a new SQLite file)",
    )
    options = parser.parse_args()
    database = urlsplit(options.database_url or "sqlite://")
    if database.scheme != "sqlite" and database.hostname not in LOOPBACK_NAMES:
        parser.error("--database-url must point at a database on this machine")
    if not 1 <= options.visitors <= 500 or not 0 < options.seconds <= 600:
        parser.error("choose 1–500 visitors and at most 600 seconds")
    if options.max_requests < 1:
        parser.error("--max-requests must be at least 1")
    return options


def manage(env, *args):
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def has_command(env, name):
    listing = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return name in listing.stdout.split()


def prepare_database(env, projects):
    """Migrate, empty and fill the database; returns what it holds, for the report."""
    manage(env, "migrate", "--noinput")
    manage(env, "flush", "--noinput")
    manage(env, "loaddata", *sorted(str(path) for path in (ROOT / "fixtures").glob("*.json")))
    manage(env, "collectstatic", "--noinput")
    kind = urlsplit(env["DATABASE_URL"]).scheme
    if not projects:
        return f"{kind}, article fixtures only"
    if not has_command(env, "synthesize"):
        return f"{kind}, article fixtures only (no synthesize command)"
    manage(env, "synthesize", "--projects", str(projects))
    return f"{kind}, article fixtures + synthesize --projects {projects}"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


async def fetch(port, path):
    """(status, body, error) of one GET over a fresh connection, read to the end."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        "Accept-Language: zh-hans\r\nConnection: close\r\n\r\n"
    )
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(request.encode("ascii"))
        answer = await reader.read()
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line = head.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[1].isdigit():
        return None, body, "no HTTP answer"
    status = int(status_line[1])
    length = re.search(rb"(?im)^content-length:\s*(\d+)\s*$", head)
    if length and int(length.group(1)) != len(body):
        return status, body, f"body of {len(body)} bytes, {length.group(1)} announced"
    return status, body, None


async def wait_until_up(port, server):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            status, _body, _error = await asyncio.wait_for(fetch(port, "/healthz"), 2)
            if status == 200:
                return
        except (TimeoutError, OSError):
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {START_TIMEOUT} s")


async def records(port):
    """{"project": [paths], …} from the sitemap, which lists every published record."""
    status, body, error = await asyncio.wait_for(fetch(port, "/sitemap.xml"), REQUEST_TIMEOUT)
    if status != 200 or error:
        raise RuntimeError(f"/sitemap.xml answered {status} {error or ''}")
    sitemap = body.decode("utf-8", errors="replace")
    found = defaultdict(list)
    for location in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        path = urlsplit(location).path
        section = path.strip("/").split("/")[0]
        if section in SITEMAP_SECTIONS and path.count("/") == 3:
            found[SITEMAP_SECTIONS[section]].append(quote(path, safe="/%"))
    missing = set(SITEMAP_SECTIONS.values()) - set(found)
    if missing:
        raise RuntimeError(f"the sitemap lists no {', '.join(sorted(missing))}")
    return found


class Tally:
    def __init__(self, budget):
        self.budget = budget
        self.latencies = defaultdict(list)
        self.by_path = defaultdict(list)
        self.failures = []

    @property
    def count(self):
        return sum(len(times) for times in self.latencies.values())

    def add(self, kind, path, seconds, status, error):
        self.latencies[kind].append(seconds)
        self.by_path[path].append(seconds)
        if error or status is None or not 200 <= status < 400:
            self.failures.append((kind, path, status, error))


async def visitor(number, port, deadline, found, tally):
    draw = random.Random(number)
    kinds = [kind for kind, _weight, _paths in MIX]
    weights = [weight for _kind, weight, _paths in MIX]
    paths = {kind: paths for kind, _weight, paths in MIX}
    while time.monotonic() < deadline and tally.budget > 0:
        tally.budget -= 1
        kind = draw.choices(kinds, weights)[0]
        path = draw.choice(paths[kind])
        if path.startswith("{"):
            path = draw.choice(found[path.strip("{}")])
        started = time.perf_counter()
        try:
            status, _body, error = await asyncio.wait_for(fetch(port, path), REQUEST_TIMEOUT)
        except (TimeoutError, OSError) as problem:
            status, error = None, f"{type(problem).__name__}: {problem}"
        tally.add(kind, path, time.perf_counter() - started, status, error)


def percentile(sorted_values, share):
    """Nearest-rank percentile of an already sorted list."""
    return sorted_values[max(math.ceil(share * len(sorted_values)), 1) - 1]


def milliseconds(seconds):
    return f"{seconds * 1000:.0f} ms"


def report(options, data, tally, elapsed):
    every = sorted(t for times in tally.latencies.values() for t in times)
    print(
        f"\n{options.visitors} visitors, {options.seconds:g} s, gunicorn with "
        f"{options.workers} sync workers on {HOST}; database: {data}"
    )
    print(
        f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )
    print(f"requests      {tally.count}")
    print(f"failures      {len(tally.failures)}")
    print(f"requests/s    {tally.count / elapsed:.1f}")
    if every:
        print(f"latency p50   {milliseconds(percentile(every, 0.50))}")
        print(f"latency p99   {milliseconds(percentile(every, 0.99))}")
    for kind, _weight, _paths in MIX:
        times = sorted(tally.latencies[kind])
        if times:
            print(
                f"  {kind:<14} {len(times):>6}  p50 {milliseconds(percentile(times, 0.5)):>8}"
                f"  p99 {milliseconds(percentile(times, 0.99)):>8}"
            )
    slowest = sorted(tally.by_path.items(), key=lambda item: -statistics.median(item[1]))
    print("slowest pages (median under load, requests):")
    for path, times in slowest[:SLOWEST_SHOWN]:
        print(f"  {milliseconds(statistics.median(times)):>8} {len(times):>5}  {unquote(path)}")
    for kind, path, status, error in tally.failures[:20]:
        print(f"FAILED {kind} {path}: {status} {error or ''}")


async def load(options, port, server):
    await wait_until_up(port, server)
    found = await records(port)
    tally = Tally(options.max_requests)
    started = time.monotonic()
    deadline = started + options.seconds
    await asyncio.gather(
        *(visitor(number, port, deadline, found, tally) for number in range(options.visitors))
    )
    return tally, time.monotonic() - started


def main():
    options = arguments()
    with tempfile.TemporaryDirectory(prefix="portal-load-") as scratch:
        database_url = options.database_url or f"sqlite:///{scratch}/load.sqlite3"
        env = {
            **os.environ,
            **SERVER_ENV,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
        }
        print("Preparing the database…", flush=True)
        data = prepare_database(env, options.projects)
        port = free_port()
        log_path = Path(scratch) / "gunicorn.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "portal.wsgi",
                    f"--bind={HOST}:{port}",
                    f"--workers={options.workers}",
                    f"--timeout={REQUEST_TIMEOUT}",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                print(f"Loading http://{HOST}:{port}/ …", flush=True)
                tally, elapsed = asyncio.run(load(options, port, server))
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
        report(options, data, tally, elapsed)
        if tally.failures or not tally.count:
            print("\ngunicorn's log ends:\n" + log_path.read_text(errors="replace")[-3000:])
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
