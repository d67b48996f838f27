"""gunicorn started and stopped by the benchmark, and a browser-like client that only talks
to this machine, logs in to the admin with its second factor, and never follows a redirect
(a redirect to the login page is not the page asked for)."""

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 120
EXPORT_TIMEOUT = 900
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def worker_pid(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return int(children[0])


def rss_mb(pid, field="VmRSS"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def local_opener(*handlers):
    """A urllib opener that never goes through a proxy: every request stays on this machine."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects, *handlers)


def wait_for_health(base, process, log_name, seconds=60):
    opener = local_opener()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with opener.open(f"{base}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{base} did not answer /healthz; see {log_name}.")


def gunicorn_command(port, workers=1, timeout=EXPORT_TIMEOUT, config=None):
    command = [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi"]
    if config is not None:
        command += ["--config", str(config)]
    return command + [
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        str(timeout),
    ]


class Server:
    """gunicorn on 127.0.0.1, stopped on exit however the run ends."""

    def __init__(self, env, log, workers=1, port=None, config=None):
        self.port = port or free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = open(log, "w")  # noqa: SIM115 (closed in stop())
        self.workers = []
        self.process = subprocess.Popen(
            gunicorn_command(self.port, workers, config=config),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self):
        try:
            wait_for_health(self.base, self.process, self.log.name)
        except RuntimeError:
            self.stop()
            raise
        self.worker = worker_pid(self.process.pid)
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        self.workers = [int(pid) for pid in children.read_text().split()]
        return self

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
        for pid in self.workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.log.close()


class Client:
    """A browser-like HTTP client (cookies, CSRF) that only talks to this machine."""

    def __init__(self, base):
        if urllib.parse.urlsplit(base).hostname != HOST:
            raise ValueError(f"The benchmark only talks to {HOST}, not {base}.")
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = local_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.requests = 0

    def get(self, path, timeout=REQUEST_TIMEOUT, data=None, sink=None, headers=None):
        """(status, seconds, response headers, body or byte count); redirects not followed."""
        self.requests += 1
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
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

    def post(self, path, form, token_from=None):
        """POSTs `form` with the CSRF token of the page at `token_from` (default: `path`)."""
        _status, _s, _h, page = self.get(token_from or path)
        token = CSRF.search(page)
        if token is None:
            raise RuntimeError(f"No form with a CSRF token at {token_from or path}.")
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **form}).encode()
        headers = {"Referer": self.base + (token_from or path)}
        return self.get(path, data=data, headers=headers)

    def log_in(self, username, password, code):
        """Password, then one backup code on the second-factor page; fails loudly if either
        is refused."""
        status, _s, headers, _body = self.post(
            "/admin/login/?next=/admin/", {"username": username, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"The admin refused the password of {username} ({status}).")
        verify = "/admin/second-factor/?next=/admin/"
        status, _s, headers, _body = self.post(verify, {"code": code})
        if status != 302 or "/second-factor/" in headers.get("Location", ""):
            raise RuntimeError(f"The second-factor page refused the code ({status}).")
        status, _s, _h, _body = self.get("/admin/")
        if status != 200:
            raise RuntimeError(f"The admin index answered {status} after logging in.")
