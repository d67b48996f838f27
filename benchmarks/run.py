"""Benchmark the real server at several sizes of synthetic data, and check the targets.

    .venv/bin/python -m benchmarks [--sizes 1000 250000 [1000000]] [--reuse] [--results DIR]
    .venv/bin/python benchmarks/run.py …   (the same)

For each size it prepares a database (a SQLite file under the results folder, or, when
DATABASE_URL points at PostgreSQL, a database named after it with the size appended),
migrates it and runs `synthesize`. It then starts gunicorn with one worker per size on
127.0.0.1 and times, the sizes taking turns request by request: each public page and the
API warm, as an anonymous visitor; the first visit after an unrelated edit and after an
edit of what the page shows (benchmarks/editor.py saves the figure between requests); the
admin changelists in a staff session; the memory of a full export. It prints a table per
size and writes the report to <results>/latest-<database>.md. The number of requests is
fixed, each has a timeout, and the processes it starts are stopped however the run ends.
"""

import argparse
import contextlib
import datetime
import json
import os
import platform
import secrets
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import databases, pages, report, timing  # noqa: E402
from benchmarks.editor import Editor  # noqa: E402
from benchmarks.servers import Client, Server  # noqa: E402
from benchmarks.services import static_files_current  # noqa: E402

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


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "")
    memory_gb = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return (
        f"{cpu or platform.processor()}, {os.cpu_count()} cores, {memory_gb:.0f} GB RAM, "
        f"{platform.platform()}, Python {platform.python_version()}"
    )


def read_facts(env):
    output = databases.manage(
        env, "shell", "--no-imports", "-c", pages.facts_script(), capture=True
    )
    facts = json.loads(output.strip().splitlines()[-1])
    missing = [owner for owner, figure in facts["figures"].items() if figure is None]
    if missing:
        raise RuntimeError(f"No figure to edit for: {', '.join(missing)}.")
    return facts


def prepare_sizes(sizes, reuse, results, base_env, password, codes):
    """{size: (env, urls, facts)} and the notes on each database."""
    prepared, notes, kind = {}, [], None
    for size in sizes:
        kind, url = databases.database_for(size, os.environ.get("DATABASE_URL"), results)
        env = {**base_env, **SERVER_ENV, "DATABASE_URL": url}
        print(f"{size:,} projects on {kind}", flush=True)
        synthesized = databases.prepare(size, kind, url, env, reuse, results)
        databases.create_staff(env, databases.ADMIN_USER, password, codes)
        facts = read_facts(env)
        prepared[size] = (env, pages.page_urls(facts), facts)
        notes.append(
            f"{size:,}: {facts['projects']:,} projects, {facts['export_rows']:,} rows in the "
            f"10,000-row export, {facts['database']}." + (f" {synthesized}" if synthesized else "")
        )
    return prepared, notes, kind


def run(sizes, reuse, results=databases.RESULTS, edit_rounds=timing.EDIT_ROUNDS):
    results.mkdir(parents=True, exist_ok=True)
    secret = os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(40)
    base_env = {**os.environ, "DJANGO_SECRET_KEY": secret}
    password = secrets.token_urlsafe(16)
    codes = databases.backup_codes()
    if not static_files_current():
        databases.manage({**base_env, **SERVER_ENV}, "collectstatic", "--noinput", "-v", "0")
    prepared, notes, kind = prepare_sizes(sizes, reuse, results, base_env, password, codes)
    urls = {size: prepared[size][1] for size in sizes}
    with contextlib.ExitStack() as stack:
        servers = {
            size: stack.enter_context(Server(env, results / f"server-{kind}-{size}.log"))
            for size, (env, _urls, _facts) in prepared.items()
        }
        visitors = {size: Client(server.base) for size, server in servers.items()}
        staff = {size: Client(server.base) for size, server in servers.items()}
        print("Warm pages (anonymous visitors):", flush=True)
        results_by_size = timing.measure_warm(visitors, urls)
        print("First visit after an edit rolled back / an unrelated / a related edit:", flush=True)
        editors = {
            size: stack.enter_context(contextlib.closing(Editor(env)))
            for size, (env, *_) in prepared.items()
        }
        facts = {size: prepared[size][2] for size in sizes}
        timing.measure_edits(visitors, urls, editors, facts, results_by_size, edit_rounds)
        print("Admin changelists (staff session):", flush=True)
        # Logged in now: a session idle for DJANGO_SESSION_IDLE_SECONDS (30 min) ends.
        for client in staff.values():
            client.log_in(databases.ADMIN_USER, password, codes[0])
        admin = timing.measure_admin(staff, prepared[sizes[0]][2]["changelists"])
        memory = {
            size: timing.export_memory_growth(visitors[size], servers[size].worker)
            for size in sizes
        }
    requests = sum(client.requests for client in [*visitors.values(), *staff.values()])
    edit_ms = sorted(ms for editor in editors.values() for ms in editor.times_ms)
    notes.append(
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M}: warm = median of {timing.REQUESTS} to "
        f"{timing.MAX_REQUESTS} requests per page after {timing.WARMUP} warm-ups; after an "
        f"edit = median of {edit_rounds} first visits, each after one figure was saved "
        f"({len(edit_ms)} edits, median {edit_ms[len(edit_ms) // 2] if edit_ms else 0:.0f} ms "
        f"each); the sizes taking turns; {requests} requests in all; gunicorn with one worker "
        "per size; client on the same machine. After an edit, (hit) is a page the edit did not "
        "concern, (miss) one built afresh, (lagging) one built with a summary from before the "
        "edit while the server computed it again (cooperation/counting.py)."
    )
    notes.append(f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} at the end.")
    kinds = [(name, kind) for name, _url, kind, _concerns in pages.PAGES]
    table = report.markdown(
        report.evaluate(results_by_size, kinds), report.evaluate_admin(admin), memory, notes
    )
    (results / f"latest-{kind}.md").write_text(table)
    print()
    print(table)
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 250_000], metavar="N")
    parser.add_argument("--reuse", action="store_true", help="keep databases already prepared")
    parser.add_argument("--results", type=Path, default=databases.RESULTS, help="results folder")
    parser.add_argument(
        "--edit-rounds", type=int, default=timing.EDIT_ROUNDS, help="first visits per edit kind"
    )
    arguments = parser.parse_args()
    sizes = sorted(set(arguments.sizes))
    run(sizes, arguments.reuse, arguments.results.resolve(), max(arguments.edit_rounds, 1))


if __name__ == "__main__":
    main()
