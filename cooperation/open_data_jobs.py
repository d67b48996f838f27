"""The bulk download (/data/) rebuilt as a task once changes have settled.

A save, delete or relink of a cooperation record schedules `build` OPEN_DATA_SETTLE_SECONDS
later (settings, 300 by default), unless one is already scheduled: a burst of edits gives one
task. The task runs `build_open_data --if-changed --settle N`, which builds only when the
data has stood still for N seconds and differs from the last build; if the data changed
again meanwhile it schedules itself once more. A timer (cron or systemd) running the same
command still works and shares its lock; with a task queue it is not needed.

Receivers note at most one change a second per thread, so that a large import does not ask
the cache on every row.
"""

import io
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db.models.signals import m2m_changed, post_delete, post_save

from cooperation.jobs import run_after

SCHEDULED_KEY = "open-data-build-scheduled"
recent = threading.local()


def connect():
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(changed, dispatch_uid=f"open-data-{id(signal)}")


def changed(sender, raw=False, **kwargs):
    if raw or sender._meta.app_label != "cooperation":
        return
    now = time.monotonic()
    if now - getattr(recent, "noted", -10.0) < 1:
        return
    recent.noted = now
    schedule()


def schedule():
    settle = settings.OPEN_DATA_SETTLE_SECONDS
    if cache.add(SCHEDULED_KEY, True, timeout=settle + 60):
        run_after(settle, "cooperation.open_data_jobs.build")


def build():
    """The task: builds the bulk download if the data changed and has settled."""
    from cooperation import opendata
    from cooperation.counting import data_version

    cache.delete(SCHEDULED_KEY)
    settle = settings.OPEN_DATA_SETTLE_SECONDS
    call_command("build_open_data", "--if-changed", "--settle", str(settle), stdout=io.StringIO())
    last = opendata.last_build()
    if last is None or last.data_version != data_version():
        schedule()
