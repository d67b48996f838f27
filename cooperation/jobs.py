"""Work done later, outside the web request: `run_later("module.function", *args)`.

The function is named by its dotted path and given JSON-serialisable arguments, so that the
same call can travel through a queue to another machine. It runs after the current
transaction commits (never for a transaction that rolls back, and never before the rows it
reads are visible to other connections):

- through Celery (portal/celery.py, the task cooperation.tasks.call) when a broker is
  configured: settings.CELERY_BROKER_URL, set from REDIS_URL. Any worker of any app server
  may take it (`celery -A portal worker`);
- else in a daemon thread of the server process (`make run` needs no broker). The thread
  opens its own database connection and closes it at the end; the request that asked has
  been answered by then or is answered without waiting for it.

A failure in the thread is logged, not raised: the caller has moved on. Work that must
report its failure to a person records it itself (portal.models.Job).
"""

import logging
import threading
from importlib import import_module

from django.conf import settings
from django.db import close_old_connections, connections, transaction

logger = logging.getLogger(__name__)


def run_later(dotted_path, *args, **kwargs):
    """Call the function at `dotted_path` with these arguments after the transaction commits,
    outside this request: on a Celery worker if there is a broker, else in a thread."""
    resolve(dotted_path)  # A misspelt path fails here, in the caller, not later unseen.
    transaction.on_commit(lambda: dispatch(dotted_path, args, kwargs))


def run_after(seconds, dotted_path, *args, **kwargs):
    """As run_later, not before `seconds` have passed (a Celery countdown, or a timer)."""
    resolve(dotted_path)
    transaction.on_commit(lambda: dispatch(dotted_path, args, kwargs, seconds))


def dispatch(dotted_path, args, kwargs, seconds=0):
    if queue_configured():
        from cooperation.tasks import call

        call.apply_async((dotted_path, list(args), kwargs), countdown=seconds or None)
    else:
        thread = threading.Timer(seconds, run_in_thread, args=(dotted_path, args, kwargs))
        thread.name, thread.daemon = f"run_later:{dotted_path}", True
        thread.start()


def queue_configured():
    return bool(getattr(settings, "CELERY_BROKER_URL", ""))


def resolve(dotted_path):
    module_name, _, name = dotted_path.rpartition(".")
    if not module_name:
        raise ValueError(f"{dotted_path!r} is not a dotted path to a function.")
    return getattr(import_module(module_name), name)


def run_now(dotted_path, args=(), kwargs=None):
    """Call the function at once, in this thread: what a worker or the thread does."""
    return resolve(dotted_path)(*args, **(kwargs or {}))


def run_in_thread(dotted_path, args, kwargs):
    close_old_connections()
    try:
        run_now(dotted_path, args, kwargs)
    except Exception:
        logger.exception("Background work %s failed", dotted_path)
    finally:
        connections.close_all()
