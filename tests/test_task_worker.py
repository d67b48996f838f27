"""Jobs run on a real Celery worker (`celery -A portal worker`) through Redis: an export job
writes its file and an import job imports a file, each counting its rows where the page
reads them.

The worker is a separate process: the test commits its records and queued jobs, then starts
the worker on the same data, with Redis database 2 as its broker. On SQLite the test's
in-memory database is copied to a file (SQLite's backup) for the worker; on PostgreSQL the
worker connects to the test database itself. What the worker did is read back from there.
Without Redis the test skips, unless PORTAL_REQUIRE_SERVICES=1 (CI),
where it fails.
"""

import csv
import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse

from cooperation import jobs, spreadsheets
from portal.celery import app
from portal.models import Job
from tests.factories import add_activity, admin_import, csv_file
from tests.test_import_export import PROJECT_COLUMNS, project_rows

BROKER = "redis://127.0.0.1:6379/2"
WAIT_SECONDS = 30
ROOT = Path(__file__).resolve().parent.parent


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        message = f"Redis at {BROKER} is needed for the worker test: {error}"
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return client


@pytest.fixture
def broker():
    client = redis_or_skip()
    client.flushdb()
    yield client
    client.flushdb()


def start_worker(database_url, media):
    environment = {
        **os.environ,
        "DJANGO_SECRET_KEY": "worker-test-key",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_MEDIA_ROOT": str(media),
        "DJANGO_OPEN_DATA_AFTER_CHANGES": "0",
    }
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "INFO"]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(worker):
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        output, _ = worker.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        output, _ = worker.communicate()
    return output.decode(errors="replace")


class WorkerDatabase:
    """The committed test data where the worker reads it, and a way to read what it wrote."""

    def __init__(self, tmp_path):
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "worker.sqlite3"
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{self.path}"
        else:
            given = connection.settings_dict
            user = given["USER"] + (f":{given['PASSWORD']}" if given["PASSWORD"] else "")
            self.url = f"postgres://{user}@{given['HOST']}:{given['PORT']}/{given['NAME']}"

    def rows(self, sql, params=()):
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as reader:
                return reader.execute(sql.replace("%s", "?"), params).fetchall()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as reader:
            return reader.execute(sql, params).fetchall()


def queue(settings, dotted_path, job):
    """Sends the job to the broker, as run_later does once the transaction commits."""
    settings.CELERY_BROKER_URL = app.conf.broker_url = BROKER
    jobs.dispatch(dotted_path, (job.pk,), {})


def finished(database, job, worker):
    """The job's row in the worker's database once it has finished."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        (row,) = database.rows(
            "SELECT state, done, total, file, error FROM portal_job WHERE id = %s", [job.pk]
        )
        if row[0] in ("done", "failed"):
            return row
        assert worker.poll() is None, "the worker stopped"
        time.sleep(0.2)
    pytest.fail(f"job {job.pk} did not finish within {WAIT_SECONDS} s")


@pytest.mark.django_db(transaction=True)  # Committed, so that the worker sees it all.
def test_an_export_and_an_import_run_on_a_celery_worker(
    broker, admin_client, world, settings, tmp_path, monkeypatch
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT, settings.CELERY_BROKER_URL = media, ""
    settings.EXPORT_JOB_FROM_ROWS = 2
    monkeypatch.setattr(spreadsheets, "IMPORT_DIRECT_ROWS", 2)
    titles = {project.title for project in add_activity(world, 3)}
    held = []
    with monkeypatch.context() as holding:  # The jobs wait for the worker's database.
        holding.setattr(jobs, "dispatch", lambda *args: held.append(args))
        admin_client.get(reverse("cooperation:project-list"), {"_export": "csv"})
        content = csv_file(PROJECT_COLUMNS, project_rows(world))
        admin_import(admin_client, "project", "p.csv", content)
    assert [path for path, *_ in held] == [
        "cooperation.export_jobs.write",
        "cooperation.import_jobs.preview",
    ]
    export = Job.objects.get(kind=Job.Kind.EXPORT)
    preview = Job.objects.get(kind=Job.Kind.IMPORT_PREVIEW)
    confirmed = Job.objects.create(kind=Job.Kind.IMPORT, user=preview.user, params=preview.params)
    database = WorkerDatabase(tmp_path)

    worker = start_worker(database.url, media)
    try:
        queue(settings, "cooperation.export_jobs.write", export)
        state, done, total, name, error = finished(database, export, worker)
        assert (state, done, total, error) == ("done", 3, 3, "")
        rows = list(csv.reader(io.StringIO((media / name).read_text(encoding="utf-8-sig"))))
        assert {row[rows[0].index("title")] for row in rows[1:]} == titles

        queue(settings, "cooperation.import_jobs.preview", preview)
        assert finished(database, preview, worker)[:3] == ("done", 3, 3)
        queue(settings, "cooperation.import_jobs.confirm", confirmed)
        assert finished(database, confirmed, worker)[:3] == ("done", 3, 3)
    finally:
        log = stop(worker)
    assert "cooperation.call" in log, log
    slugs = database.rows(
        "SELECT slug FROM cooperation_project WHERE slug LIKE %s ORDER BY slug", ["zy-%"]
    )
    assert [tuple(row) for row in slugs] == [("zy-fish",), ("zy-tea",), ("zy-workshop",)]
    assert django_settings.CELERY_TASK_ALWAYS_EAGER is False
