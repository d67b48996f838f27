"""Build the bulk download of /data/ (cooperation/opendata.py).

Run it from a timer, not on every save: with --if-changed it does nothing while the data
version equals the one of the last build, and with --settle it waits until the data has
stood still that long, so that a burst of edits gives one build. For example, every five
minutes from cron:

    */5 * * * *  cd /srv/portal && .venv/bin/python manage.py build_open_data --if-changed

or a systemd timer with OnCalendar=*:0/5 running the same command. A run that finds
another build under way leaves it alone and exits.
"""

import datetime
import fcntl
import json
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cooperation import opendata
from cooperation.counting import data_version


class Command(BaseCommand):
    help = (
        "Write the published data as CSV files, datapackage.json and a zip into "
        "settings.OPEN_DATA_DIR, replacing the last build at once when complete."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="build only if the data changed since the last build",
        )
        parser.add_argument(
            "--settle",
            type=int,
            default=300,
            metavar="SECONDS",
            help="with --if-changed: build only once the data has not changed for this long, "
            "as seen by earlier runs (default 300; 0 builds at once)",
        )
        parser.add_argument(
            "--measure-memory",
            action="store_true",
            help="report the peak of Python memory the build took (tracemalloc; slower)",
        )

    def handle(self, *args, if_changed, settle, measure_memory, **options):
        if settle < 0:
            raise CommandError("--settle must be 0 or more seconds.")
        with build_lock() as locked:
            if not locked:
                self.stdout.write("Another build is running; nothing to do.")
                return
            if if_changed and not self.changed_and_settled(settle):
                return
            started = time.monotonic()
            if measure_memory:
                tracemalloc.start()
            result = opendata.build()
            if measure_memory:
                _size, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                self.stdout.write(f"Peak Python memory: {peak / 2**20:.1f} MiB")
        for download in result.files:
            rows = f"{download.rows:>9,} rows  " if download.rows is not None else " " * 16
            self.stdout.write(f"  {download.name:<28} {rows}{download.size:>12,} bytes")
        self.stdout.write(
            self.style.SUCCESS(
                f"Built open data of version {result.data_version} in "
                f"{time.monotonic() - started:.1f} s: {result.directory}"
            )
        )

    def changed_and_settled(self, settle):
        version = data_version()
        last = opendata.last_build()
        if last is not None and last.data_version == version:
            self.stdout.write(f"Data unchanged since the last build ({version}); nothing to do.")
            return False
        still = settled_for(version)
        if still < settle:
            self.stdout.write(
                f"Data changed {still:.0f} s ago; building once it has been still for "
                f"{settle} s (a later run)."
            )
            return False
        return True


@contextmanager
def build_lock():
    """Yields whether this process holds the build lock (False: a build is running)."""
    root = Path(settings.OPEN_DATA_DIR)
    root.mkdir(parents=True, exist_ok=True)
    with (root / opendata.LOCK).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def settled_for(version, now=None):
    """How long the data has stood at `version`, as the runs of --if-changed saw it: the
    first run that sees a new version notes it in pending.json."""
    path = Path(settings.OPEN_DATA_DIR) / opendata.PENDING
    now = now or timezone.now()
    try:
        pending = json.loads(path.read_text(encoding="utf-8"))
        if pending.get("data_version") == version:
            return (now - datetime.datetime.fromisoformat(pending["seen"])).total_seconds()
    except (OSError, ValueError, KeyError, TypeError):
        pass
    path.write_text(json.dumps({"data_version": version, "seen": now.isoformat()}))
    return 0.0
