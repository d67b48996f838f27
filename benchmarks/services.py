"""The machine's services the cluster stands on, found or started: nginx (Debian's
package), PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379; and what nginx's
workers and collectstatic's output need. What cannot be had raises ServiceMissing."""

import shutil
import socket
import stat
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC_ROOT = ROOT / "staticfiles"
HOST = "127.0.0.1"
REDIS_PORT = 6379


class ServiceMissing(RuntimeError):
    """nginx, PostgreSQL or Redis cannot be had here: the cluster test fails on it where
    services are required (PORTAL_REQUIRE_SERVICES=1, as in CI) and skips otherwise."""


missing_service = ServiceMissing


def nginx_binary():
    found = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None
    )
    if found is None:
        raise missing_service("nginx is not installed: apt-get install -y nginx")
    return found


def redis_command(*words, db=0):
    """Sends one command to Redis (RESP, no client library); returns the first reply line."""
    with socket.create_connection((HOST, REDIS_PORT), timeout=3) as sock:
        payload = b""
        for command in (("SELECT", str(db)), words):
            payload += f"*{len(command)}\r\n".encode()
            for word in command:
                payload += f"${len(word.encode())}\r\n{word}\r\n".encode()
        sock.sendall(payload)
        replies = b""
        while replies.count(b"\r\n") < 2:
            chunk = sock.recv(4096)
            if not chunk:
                break
            replies += chunk
    return replies.split(b"\r\n")[1].decode()


def postgres_answers():
    return subprocess.run(["pg_isready", "-h", HOST, "-p", "5432", "-q"]).returncode == 0


def ensure_postgres():
    """PostgreSQL on 127.0.0.1:5432, started with the machine's cluster when it is down."""
    if shutil.which("pg_isready") is None:
        raise missing_service("PostgreSQL is not installed (pg_isready not found).")
    if postgres_answers():
        return
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if versions:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"],
            check=False,
        )
        for _ in range(30):
            if postgres_answers():
                return
            time.sleep(1)
    raise missing_service("PostgreSQL does not answer on 127.0.0.1:5432.")


def readable_by_anyone(folder):
    """Whether nginx's workers (user nobody) can read the files of `folder`."""
    folder = Path(folder)
    if not folder.is_dir() or not folder.stat().st_mode & stat.S_IROTH:
        return False
    return all(part.stat().st_mode & stat.S_IXOTH for part in [folder, *folder.parents])


def static_files_current():
    """Whether collectstatic's manifest is newer than every file under static/: collecting
    again takes most of a minute (every file compressed twice)."""
    manifest = STATIC_ROOT / "staticfiles.json"
    if not manifest.exists():
        return False
    collected = manifest.stat().st_mtime
    return all(path.stat().st_mtime <= collected for path in (ROOT / "static").rglob("*"))
