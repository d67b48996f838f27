"""The multi-server deployment on one machine, all on loopback (`make cluster`, the cluster
test and `make loadtest` start it through this module):

    visitor ──▶ nginx :8080 ──┬──▶ app server 1: gunicorn :8001 ──┬──▶ PostgreSQL :5432
                (static files)└──▶ app server 2: gunicorn :8002 ──┤    (database portal_cluster)
                                   Celery worker (long jobs) ─────┴──▶ Redis :6379
                                                                        (cache db 3, queue db 13)

nginx is Debian's package run in the foreground with a config written to a temporary folder
from deploy/nginx.conf.template (not the system service). PostgreSQL and Redis are the
machine's own, started when they do not answer. The database is made afresh, migrated and
loaded with the article's fixtures (plus `synthesize` projects when asked); Redis's cache
and queue databases are emptied at the start and the end. Every process started here is
stopped by stop(), however the caller ends.

    .venv/bin/python -m benchmarks.cluster [--projects N] [--port 8080]   (Ctrl-C stops it)
"""

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: benchmarks/cluster.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import databases  # noqa: E402
from benchmarks.servers import HOST, free_port, gunicorn_command, wait_for_health  # noqa: E402
from benchmarks.services import (  # noqa: E402
    REDIS_PORT,
    STATIC_ROOT,
    ensure_postgres,
    missing_service,
    nginx_binary,
    readable_by_anyone,
    redis_command,
    static_files_current,
)

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
CACHE_DB = 3
QUEUE_DB = 13


class Cluster:
    """nginx, two app servers, a Celery worker, one PostgreSQL database and Redis."""

    def __init__(
        self,
        database="portal_cluster",
        port=None,
        app_ports=None,
        projects=0,
        workers=2,
        extra_env=None,
        keep_database=False,
        setup_script="",
    ):
        self.database_url = f"{POSTGRES}/{database}"
        self.port = port or free_port()
        self.app_ports = list(app_ports or (free_port(), free_port()))
        self.projects = projects
        self.workers = workers
        self.extra_env = extra_env or {}
        self.keep_database = keep_database
        self.setup_script = setup_script
        self.processes = []
        self.timings = {}
        self.work = Path(tempfile.mkdtemp(prefix="portal-cluster-"))
        self.url = f"http://{HOST}:{self.port}"
        self.app_urls = [f"http://{HOST}:{port}" for port in self.app_ports]
        self.env = self.environment()

    def environment(self):
        return {
            **os.environ,
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(40),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/{CACHE_DB}",
            "REDIS_QUEUE_DB": str(QUEUE_DB),
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_TRUSTED_PROXY_COUNT": "1",
            "DJANGO_API_RATE_LIMIT": "1000000",
            "DJANGO_REVIEW_SOLO": "1",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_MEDIA_ROOT": str(self.work / "media"),
            "GUNICORN_WORKERS": str(self.workers),
            **self.extra_env,
        }

    # Starting

    def start(self):
        try:
            for step in (self.prepare_services, self.prepare_database, self.start_processes):
                started = time.monotonic()
                step()
                self.timings[step.__name__] = time.monotonic() - started
        except BaseException:
            self.stop()
            raise
        return self

    __enter__ = start

    def __exit__(self, *exc):
        self.stop()

    def prepare_services(self):
        nginx_binary()
        ensure_postgres()
        try:
            redis_command("PING")
        except OSError:
            if shutil.which("redis-server") is None:
                raise missing_service("Redis is not installed (redis-server not found).") from None
            self.spawn(
                "redis", ["redis-server", "--port", str(REDIS_PORT), "--bind", HOST, "--save", ""]
            )
            self.wait(lambda: redis_command("PING") == "+PONG", "Redis")
        self.flush_redis()

    def flush_redis(self):
        for db in (CACHE_DB, QUEUE_DB):
            with contextlib.suppress(OSError):
                redis_command("FLUSHDB", db=db)

    def prepare_database(self):
        """A new database, migrated and loaded in one Django process (each start costs a
        second or two), then `setup_script` run in it; its last line is kept."""
        databases.recreate_postgres(self.database_url)
        commands = ["migrate", ["--noinput"]], ["load_fixtures", []]
        if self.projects:
            commands += (["synthesize", ["--projects", str(self.projects), "--seed", "1"]],)
        script = "from django.core.management import call_command\n" + "".join(
            f"call_command({name!r}, *{args!r}, verbosity=0)\n" for name, args in commands
        )
        output = self.manage(
            "shell", "--no-imports", "-c", script + self.setup_script, capture=True
        )
        self.setup_output = (output.strip().splitlines() or [""])[-1]
        if not static_files_current():
            self.manage("collectstatic", "--noinput", "--verbosity", "0")

    def start_processes(self):
        config = DEPLOY / "gunicorn.conf.py"
        for number, port in enumerate(self.app_ports, 1):
            self.spawn(f"app{number}", gunicorn_command(port, self.workers, 120, config))
        if (ROOT / "portal" / "celery.py").exists():
            celery = Path(sys.executable).parent / "celery"
            self.spawn(
                "worker",
                [str(celery), "-A", "portal", "worker", "--concurrency", "1", "-l", "WARNING"],
            )
        config_path = self.write_nginx_config()
        nginx = [nginx_binary(), "-c", str(config_path), "-p", str(self.work)]
        self.spawn("nginx", [*nginx, "-e", str(self.work / "error.log")])
        for url, (name, process, _log) in zip(
            [*self.app_urls, self.url], [*self.named("app"), *self.named("nginx")], strict=True
        ):
            wait_for_health(url, process, str(self.work / f"{name}.log"))

    def write_nginx_config(self):
        for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.work / folder).mkdir(exist_ok=True)
        user = ""
        if os.geteuid() == 0:
            # nginx's workers drop root: they must reach the static files and their temp dirs.
            user = "user nobody nogroup;"
            self.work.chmod(0o755)
            for folder in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
                shutil.chown(self.work / folder, "nobody", "nogroup")
        static_root = STATIC_ROOT if readable_by_anyone(STATIC_ROOT) or not user else None
        text = nginx_config(self.port, self.app_ports, self.work, user, static_root)
        path = self.work / "nginx.conf"
        path.write_text(text)
        return path

    def manage(self, *args, capture=False):
        return databases.manage(self.env, *args, capture=capture)

    def spawn(self, name, command):
        log = open(self.work / f"{name}.log", "w")  # noqa: SIM115 (closed in stop())
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append((name, process, log))
        return process

    def named(self, prefix):
        return [entry for entry in self.processes if entry[0].startswith(prefix)]

    def wait(self, ready, what, seconds=30):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if ready():
                    return
            time.sleep(0.2)
        raise missing_service(f"{what} did not start.")

    def log_tail(self, name, characters=3000):
        path = self.work / f"{name}.log"
        return path.read_text(errors="replace")[-characters:] if path.exists() else ""

    # Stopping

    def stop(self):
        """Stops every process started here (its whole process group), then empties Redis's
        databases and drops the database unless asked to keep it."""
        for _name, process, _log in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _name, process, log in reversed(self.processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        self.processes = []
        self.flush_redis()
        if not self.keep_database:
            with contextlib.suppress(Exception):
                databases.drop_postgres(self.database_url)
        shutil.rmtree(self.work, ignore_errors=True)


def nginx_config(port, app_ports, work, user="", static_root=STATIC_ROOT):
    """deploy/nginx.conf.template with this cluster's ports and folders filled in; without
    `static_root`, static files go to the app servers (whitenoise) like pages."""
    servers = "\n".join(f"        server {HOST}:{app_port};" for app_port in app_ports)
    names = {
        "@USER_DIRECTIVE@": user,
        "@WORK_DIR@": str(work),
        "@LISTEN_ADDRESS@": HOST,
        "@LISTEN_PORT@": str(port),
        "@UPSTREAM_SERVERS@": servers,
        "@UPSTREAM_LIST@": ", ".join(f"{HOST}:{app_port}" for app_port in app_ports),
        "@STATIC_ROOT@": str(static_root),
    }
    text = (DEPLOY / "nginx.conf.template").read_text()
    if static_root is None:
        text = re.sub(r"(?s) *# static files: begin\n.*# static files: end\n", "", text)
    for name, value in names.items():
        text = text.replace(name, value)
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=0, help="synthetic projects to add")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port")
    parser.add_argument("--app-ports", type=int, nargs=2, default=[8001, 8002])
    parser.add_argument("--database", default="portal_cluster")
    options = parser.parse_args()
    cluster = Cluster(options.database, options.port, options.app_ports, options.projects)
    print("Starting nginx, two app servers, a worker, PostgreSQL and Redis…", flush=True)
    with cluster:
        cluster.manage("ensure_admin")
        print(f"\nThe portal: {cluster.url}/ (admin: {cluster.url}/admin/)")
        print(f"App servers: {', '.join(cluster.app_urls)}; database {cluster.database_url};")
        print(f"cache redis://{HOST}:{REDIS_PORT}/{CACHE_DB}, queue db {QUEUE_DB}.")
        print(f"Logs and nginx.conf: {cluster.work}. Ctrl-C stops everything.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while all(process.poll() is None for _name, process, _log in cluster.processes):
                time.sleep(1)
            failed = [name for name, process, _log in cluster.processes if process.poll()]
            if failed:
                print(f"Stopped: {', '.join(failed)} exited; its log:\n")
                print(cluster.log_tail(failed[0]))


if __name__ == "__main__":
    main()
