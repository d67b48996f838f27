"""Benchmark the real server at 1,000 and 250,000 synthetic projects, and check the targets.

    .venv/bin/python benchmarks/run.py [--sizes 1000 250000] [--reuse]

For each size it prepares a fresh database (a SQLite file under benchmarks/results/, or,
when DATABASE_URL points at PostgreSQL, a database named after it with the size
appended), migrates it and runs `synthesize`. It then starts gunicorn with one worker
per size on 127.0.0.1 and times the pages below with a plain HTTP client, the sizes
taking turns request by request. It prints a table and writes it to
benchmarks/results/latest-<database>.md. The number of requests is fixed, each has a
timeout, and the servers it starts are stopped however the run ends.
"""

import argparse
import contextlib
import datetime
import http.cookiejar
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
HOST = "127.0.0.1"
SEED = 1
WARMUP = 2
REQUESTS = 15
# Fast pages get more requests, up to these bounds, so that their medians are steadier.
MAX_REQUESTS = 45
SECONDS_PER_PAGE = 3
REQUEST_TIMEOUT = 120
EXPORT_TIMEOUT = 900
ADMIN_USER = "benchmark"

# How the project list spells its options; change them here when the list changes.
PROJECT_SORT = "sort=-amount"
DEEP_PAGE_NUMBER = 200
PAGE_SIZE = 25
PROJECT_PAGE = "page={deep_page}"
PROJECT_SEARCH = "q=" + urllib.parse.quote("茶叶")
PROJECT_TOWN = "region={town}"
EXPORT = "_export=csv"
# 人才交流 is 4% of synthetic projects: about 10,000 rows at 250,000 projects.
EXPORT_FILTER = "category=talent"

DEEP_PAGE = "project list page 200"
# The API's page after a cursor this many projects in (or 50 before the end, when fewer).
API_DEEP_ROWS = 10_000
API_DEEP_PAGE = "API projects 10,000 rows in"

# (name, URL, kind): "page" is public and held to the targets, "export" and "admin" are not.
PAGES = [
    ("healthz", "/healthz", "page"),
    ("home", "/", "page"),
    ("home, one year", "/?year={year}", "page"),
    ("project list", "/projects/", "page"),
    ("projects in a town", f"/projects/?{PROJECT_TOWN}", "page"),
    ("projects by amount", f"/projects/?{PROJECT_SORT}", "page"),
    ("search 茶叶", f"/projects/?{PROJECT_SEARCH}", "page"),
    (DEEP_PAGE, f"/projects/?{PROJECT_PAGE}", "page"),
    ("project detail", "/projects/{project}/", "page"),
    ("pairing list", "/pairings/", "page"),
    ("pairing detail", "/pairings/{pairing}/", "page"),
    ("beneficiary list", "/beneficiaries/", "page"),
    ("beneficiary detail", "/beneficiaries/{beneficiary}/", "page"),
    ("region list", "/regions/", "page"),
    ("province page", "/regions/{province}/", "page"),
    ("county page", "/regions/{county}/", "page"),
    ("town page", "/regions/{town}/", "page"),
    ("funds breakdown (the largest)", "/totals/funds/", "page"),
    ("funds breakdown of a province", "/totals/funds/?region={province}", "page"),
    ("jobs left out beside pairing totals", "/totals/jobs/?reason=in_pairing_figure", "page"),
    ("organization list", "/organizations/", "page"),
    ("organization detail", "/organizations/{organization}/", "page"),
    ("source list", "/sources/", "page"),
    ("source detail", "/sources/{source}/", "page"),
    ("people", "/people/", "page"),
    ("site search 紫云", "/search/?q=" + urllib.parse.quote("紫云"), "page"),
    ("site search 茶", "/search/?q=" + urllib.parse.quote("茶"), "page"),
    ("API projects", "/api/v1/projects/", "page"),
    (API_DEEP_PAGE, "/api/v1/projects/?cursor={api_cursor}", "page"),
    ("API funds total and breakdown", "/api/v1/totals/funds", "page"),
    ("flow diagram data, national", "/api/v1/flows/?level=national&flow=jobs", "page"),
    ("flow diagram data of a province", "/api/v1/flows/?region={province}", "page"),
    ("flow diagram data of a county", "/api/v1/flows/?region={county}&flow=jobs", "page"),
    ("home, investment flow diagram", "/?flow=investment", "page"),
    ("Atom feed of projects", "/feeds/projects.atom", "page"),
    ("Atom feed of a county", "/feeds/regions/{county}.atom", "page"),
    ("IATI file of a town", "/api/v1/iati/activities.xml?region={town}", "page"),
    ("sitemap index", "/sitemap.xml", "page"),
    ("sitemap of projects", "/sitemap-projects.xml", "page"),
    ("CSV export (~10,000 rows)", f"/projects/?{EXPORT_FILTER}&{EXPORT}", "export"),
    ("admin project changelist", "/admin/cooperation/project/", "admin"),
]
FULL_EXPORT = f"/projects/?{EXPORT}"

MAX_RATIO = 1.5
MAX_QUERIES = 15
MAX_LIST_VS_ADMIN = 0.5
MAX_EXPORT_GROWTH_MB = 100

# What the server needs to run on plain HTTP on loopback, as `make run` sets it.
SERVER_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "PORTAL_QUERY_COUNT_HEADER": "1",
    "DJANGO_API_RATE_LIMIT": "1000000",
    # The IATI file exists only once its reporting organisation is named.
    "DJANGO_IATI_REPORTING_ORG_REF": "XM-DAC-00000",
    "DJANGO_IATI_REPORTING_ORG_TYPE": "10",
    "DJANGO_IATI_REPORTING_ORG_NAME": "Benchmark",
}

# Run in `manage.py shell` against the benchmark database: what the URLs need, as JSON.
FACTS = """
import json, sqlite3
from django.db import connection
from django.db.models import Count
from cooperation.models import (
    Beneficiary, Figure, Organization, Pairing, Project, ProjectLocation, Region, Source,
)

# The record with the most links: the heaviest page of its kind.
def busiest(queryset, links):
    return queryset.annotate(links=Count(links)).order_by("-links", "pk").first()

# A project with events and beneficiaries, so that its page has the same parts at each size.
first = (
    Project.objects.published()
    .filter(events__isnull=False, benefits__isnull=False)
    .order_by("slug")
    .first()
)
place = ProjectLocation.objects.filter(project=first).select_related("region").first().region
town = place if place.level == Region.Level.TOWN else place.parent
province = Region.objects.get(pk=town.ancestor_ids[0])
if connection.vendor == "postgresql":
    major, minor = divmod(connection.pg_version, 10000)
    database = f"PostgreSQL {major}.{minor}"
else:
    database = f"SQLite {sqlite3.sqlite_version}"
published = Project.objects.published().count()
from cooperation.api.pagination import encode_cursor
cursor_row = max(1, min(%r, published - 50))
cursor_id = Project.objects.published().order_by("id").values_list("id", flat=True)[cursor_row - 1]
print(json.dumps({
    "project": first.slug,
    "town": town.pk,
    "county": town.parent_id,
    "year": Figure.objects.filter(year__isnull=False).order_by("-year")[0].year,
    "province": province.pk,
    "pairing": busiest(Pairing.objects.published(), "projects").pk,
    "beneficiary": busiest(Beneficiary.objects.published(), "benefits").pk,
    "organization": busiest(Organization.objects.all(), "roles").pk,
    "source": busiest(Source.objects.all(), "project").slug,
    "deep_page": min(%r, published // %r),
    "api_cursor": encode_cursor(cursor_id),
    "projects": Project.objects.count(),
    "export_rows": Project.objects.published().filter(**%r).count(),
    "database": database,
}))
"""

ADMIN_ACCOUNT = """
from django.contrib.auth import get_user_model
user, _ = get_user_model().objects.get_or_create(username=%r)
user.is_staff = user.is_superuser = True
user.set_password(%r)
user.save()
"""


# Pure parts


def database_for(size, database_url):
    """(kind, DATABASE_URL for this size): a SQLite file, or a PostgreSQL database per size."""
    if database_url and database_url.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlsplit(database_url)
        name = f"{parts.path.lstrip('/')}_{size}"
        return "postgresql", urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    return "sqlite", f"sqlite:///{RESULTS / f'benchmark-{size}.sqlite3'}"


def facts_script():
    return FACTS % (API_DEEP_ROWS, DEEP_PAGE_NUMBER, PAGE_SIZE, dict([EXPORT_FILTER.split("=")]))


def page_urls(facts):
    """The URLs at one size. Page 200 stands for a deep page: where there are fewer pages,
    the last full one (a short last page would not be the same work)."""
    facts = {"deep_page": DEEP_PAGE_NUMBER, **facts}
    return [(name, url.format(**facts), kind) for name, url, kind in PAGES]


def median_ms(seconds):
    return statistics.median(seconds) * 1000


def verdict(checks):
    failed = [text for text, ok in checks if not ok]
    return "pass" if not failed else "FAIL: " + "; ".join(failed)


def evaluate(small, large):
    """Rows of the table: each page at both sizes, with the targets it is held to."""
    rows = []
    admin = large.get("admin project changelist")
    for name, _url, kind in PAGES:
        a, b = small[name], large[name]
        ratio = b["median_ms"] / a["median_ms"] if a["median_ms"] else None
        checks = [(f"status {b['status']}", b["status"] == 200)]
        # The small data set may have fewer than 200 pages of projects.
        small_ok = {200, 404} if name == DEEP_PAGE else {200}
        checks.append((f"status {a['status']}", a["status"] in small_ok))
        if kind == "page":
            checks.append(
                (
                    f"ratio {ratio or 0:.2f} > {MAX_RATIO}",
                    ratio is not None and ratio <= MAX_RATIO,
                )
            )
            same = a["queries"] is not None and a["queries"] == b["queries"]
            checks.append(
                (
                    f"queries {a['queries']} → {b['queries']} (equal, ≤ {MAX_QUERIES})",
                    same and b["queries"] <= MAX_QUERIES,
                )
            )
        if name == "project list" and admin:
            share = b["median_ms"] / admin["median_ms"]
            checks.append(
                (
                    f"{share:.2f}× the admin changelist > {MAX_LIST_VS_ADMIN}",
                    share <= MAX_LIST_VS_ADMIN,
                )
            )
        rows.append(
            {
                "name": name,
                "url": b["url"],
                "small": a,
                "large": b,
                "ratio": ratio,
                "result": verdict(checks),
            }
        )
    return rows


def status_note(result):
    return "" if result["status"] == 200 else f" ({result['status']})"


def export_verdict(growth_mb):
    return verdict([(f"grew {growth_mb:.0f} MB", growth_mb < MAX_EXPORT_GROWTH_MB)])


def markdown(rows, sizes, memory, notes):
    small, large = sizes
    lines = [
        f"| page | URL | median ms at {small:,} | median ms at {large:,} | ratio "
        f"| queries at {small:,} | queries at {large:,} | targets |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        a, b = row["small"], row["large"]
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "—"
        lines.append(
            f"| {row['name']} | `{row['url']}` "
            f"| {a['median_ms']:.1f}{status_note(a)} | {b['median_ms']:.1f}{status_note(b)} "
            f"| {ratio} "
            f"| {a['queries'] if a['queries'] is not None else '—'} "
            f"| {b['queries'] if b['queries'] is not None else '—'} | {row['result']} |"
        )
    lines.append("")
    for size, growth in memory.items():
        lines.append(
            f"- Worker memory growth during a CSV export of all {size:,} projects: "
            f"{growth:.1f} MB ({export_verdict(growth)}, target < {MAX_EXPORT_GROWTH_MB} MB)."
        )
    lines += [f"- {note}" for note in notes]
    failures = sum(row["result"].startswith("FAIL") for row in rows) + sum(
        growth >= MAX_EXPORT_GROWTH_MB for growth in memory.values()
    )
    lines.append(f"- Targets missed: {failures}.")
    return "\n".join(lines) + "\n"


# Databases, processes, HTTP


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(env, *args, capture=False, timing=None):
    """Run manage.py; with `timing`, under /usr/bin/time writing "peak KB, seconds" there."""
    command = [sys.executable, "manage.py", *args]
    if timing is not None:
        command = ["/usr/bin/time", "-f", "%M %e", "-o", str(timing), *command]
    result = subprocess.run(
        command, cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else None


def prepare(size, kind, url, env, reuse):
    """A migrated database with `size` synthetic projects; built afresh unless reusing."""
    if kind == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        exists = path.exists()
        if exists and not reuse:
            for extra in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
    else:
        import psycopg

        parts = urllib.parse.urlsplit(url)
        name = parts.path.lstrip("/")
        admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = found.fetchone() is not None
            if not (exists and reuse):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
                connection.execute(f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    if exists and reuse:
        print(f"  reusing {url}")
        return None
    timing = RESULTS / f"synthesize-{kind}-{size}.time"
    manage(env, "synthesize", "--projects", str(size), "--seed", str(SEED), timing=timing)
    peak_kb, seconds = timing.read_text().split()[-2:]
    peak_mb = int(peak_kb) // 1024
    return f"synthesize --projects {size:,}: {float(seconds):.0f} s, peak RSS {peak_mb} MB."


def worker_pid(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return int(children[0])


def rss_mb(pid, field="VmRSS"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def local_opener(*handlers):
    """A urllib opener that never goes through a proxy: every request stays on this machine."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), *handlers)


class Server:
    """gunicorn with one worker on 127.0.0.1, stopped on exit however the run ends."""

    def __init__(self, env, log):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = open(log, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "portal.wsgi",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                "1",
                "--timeout",
                str(EXPORT_TIMEOUT),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self):
        opener = local_opener()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with opener.open(f"{self.base}/healthz", timeout=5) as response:
                    if response.status == 200:
                        self.worker = worker_pid(self.process.pid)
                        return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"The server did not answer /healthz; see {self.log.name}.")

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # A worker busy with a long request can outlive a killed master.
        with contextlib.suppress(AttributeError, ProcessLookupError):
            os.kill(self.worker, signal.SIGKILL)
        self.log.close()


class Client:
    """A browser-like HTTP client (cookies, CSRF) that only talks to the local server."""

    def __init__(self, base):
        if urllib.parse.urlsplit(base).hostname != HOST:
            raise ValueError(f"The benchmark only talks to {HOST}, not {base}.")
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = local_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.requests = 0

    def get(self, path, timeout=REQUEST_TIMEOUT, data=None, sink=None):
        """(status, seconds, response headers, body or byte count)."""
        self.requests += 1
        request = urllib.request.Request(self.base + path, data=data)
        started = time.perf_counter()
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            if sink is None:
                body = response.read()
            else:
                body = 0
                while chunk := response.read(1 << 16):
                    body += len(chunk)
                    sink()
            return response.status, time.perf_counter() - started, response.headers, body

    def log_in(self, username, password):
        _status, _s, _h, body = self.get("/admin/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": password,
                "next": "/admin/",
            }
        ).encode()
        status, _s, _h, body = self.get("/admin/login/?next=/admin/", data=form)
        if b'id="login-form"' in body:
            raise RuntimeError("Could not log in to the admin.")


def measure(clients, urls):
    """Median time, status and queries of each page at each size.

    The sizes take turns request by request, so that a change in the machine's load
    during the run weighs on both sides of a ratio alike.
    """
    results = {size: {} for size in clients}
    for index, (name, _url, _kind) in enumerate(PAGES):
        seconds = {size: [] for size in clients}
        last = {}
        started = time.monotonic()
        for round_ in range(WARMUP + MAX_REQUESTS):
            timed = round_ - WARMUP
            if timed >= REQUESTS and time.monotonic() - started > SECONDS_PER_PAGE:
                break
            for size, client in clients.items():
                url = urls[size][index][1]
                timeout = EXPORT_TIMEOUT if EXPORT in url else REQUEST_TIMEOUT
                status, elapsed, headers, body = client.get(url, timeout=timeout)
                if timed >= 0:
                    seconds[size].append(elapsed)
                last[size] = (url, status, headers.get("X-Query-Count"), len(body))
        line = [f"  {name:<28}"]
        for size in clients:
            url, status, count, length = last[size]
            results[size][name] = {
                "url": url,
                "status": status,
                "median_ms": median_ms(seconds[size]),
                "queries": int(count) if count is not None else None,
                "bytes": length,
                "requests": len(seconds[size]),
            }
            line.append(f"{results[size][name]['median_ms']:9.1f} ms q={count} {status}")
        print("  ".join(line))
    return results


def export_memory_growth(client, worker):
    """MB the worker's memory grew (its highest RSS) while streaming the full export."""
    try:  # Reset the kernel's high-water mark so that VmHWM is this export's peak.
        Path(f"/proc/{worker}/clear_refs").write_text("5")
        high_water = True
    except OSError:
        high_water = False
    before = rss_mb(worker)
    highest = before

    def sample():
        nonlocal highest
        highest = max(highest, rss_mb(worker))

    status, seconds, _headers, size = client.get(FULL_EXPORT, timeout=EXPORT_TIMEOUT, sink=sample)
    if high_water:
        highest = max(highest, rss_mb(worker, "VmHWM"))
    growth = highest - before
    print(
        f"  full export: {status}, {size / 1e6:.1f} MB in {seconds:.1f} s, "
        f"worker grew {growth:.1f} MB"
    )
    return growth


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "")
    memory_gb = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return (
        f"{cpu or platform.processor()}, {os.cpu_count()} cores, {memory_gb:.0f} GB RAM, "
        f"{platform.platform()}, Python {platform.python_version()}"
    )


def run(sizes, reuse):
    RESULTS.mkdir(parents=True, exist_ok=True)
    secret = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(40)
    base_env = {**os.environ, "DJANGO_SECRET_KEY": secret}
    password = secrets.token_urlsafe(16)
    manage({**base_env, **SERVER_ENV}, "collectstatic", "--noinput", "--verbosity", "0")
    envs, urls, notes, kind = {}, {}, [], None
    for size in sizes:
        kind, url = database_for(size, os.environ.get("DATABASE_URL"))
        env = envs[size] = {**base_env, **SERVER_ENV, "DATABASE_URL": url}
        print(f"{size:,} projects on {kind}")
        synthesized = prepare(size, kind, url, env, reuse)
        manage(env, "shell", "--no-imports", "-c", ADMIN_ACCOUNT % (ADMIN_USER, password))
        output = manage(env, "shell", "--no-imports", "-c", facts_script(), capture=True)
        facts = json.loads(output.strip().splitlines()[-1])
        urls[size] = page_urls(facts)
        notes.append(
            f"{size:,}: {facts['projects']:,} projects, {facts['export_rows']:,} rows in the "
            f"10,000-row export, {facts['database']}." + (f" {synthesized}" if synthesized else "")
        )
    with contextlib.ExitStack() as stack:
        servers = {
            size: stack.enter_context(Server(envs[size], RESULTS / f"server-{kind}-{size}.log"))
            for size in sizes
        }
        clients = {size: Client(server.base) for size, server in servers.items()}
        for client in clients.values():
            client.log_in(ADMIN_USER, password)
        results = measure(clients, urls)
        memory = {size: export_memory_growth(clients[size], servers[size].worker) for size in sizes}
    requests = sum(client.requests for client in clients.values())
    notes.append(
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M}: median of {REQUESTS} to {MAX_REQUESTS} "
        f"requests per page (more for fast pages) after {WARMUP} warm-ups, the sizes taking "
        f"turns; {requests} requests in all; gunicorn with one worker per size; client on the "
        "same machine."
    )
    notes.append(f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end.")
    rows = evaluate(results[sizes[0]], results[sizes[-1]])
    table = markdown(rows, (sizes[0], sizes[-1]), memory, notes)
    (RESULTS / f"latest-{kind}.md").write_text(table)
    print()
    print(table)
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[1000, 250_000], metavar="N")
    parser.add_argument("--reuse", action="store_true", help="keep databases already prepared")
    arguments = parser.parse_args()
    run(arguments.sizes, arguments.reuse)


if __name__ == "__main__":
    main()
