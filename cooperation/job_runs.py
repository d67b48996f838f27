"""Jobs with a page (portal.models.Job): their state, progress and what went wrong.

The work itself is queued by cooperation.jobs.run_later, with the job's id as argument.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from portal.models import Job

logger = logging.getLogger(__name__)

PROGRESS_KEY = "job-progress:{}"
PROGRESS_EVERY_ROWS = 1000


class Progress:
    """Counts a job's rows and tells its page every PROGRESS_EVERY_ROWS. Inside a
    transaction (an import) the job's row cannot be written where others see it (SQLite
    locks the database for the import's writer), so the count goes to the cache as well,
    which every server shares with REDIS_URL and a thread shares with its server without."""

    def __init__(self, job, total):
        self.job, self.done, self.told = job, 0, 0
        job.total = total
        Job.objects.filter(pk=job.pk).update(total=total)

    def advance(self, rows=1):
        self.done += rows
        if self.done - self.told >= PROGRESS_EVERY_ROWS:
            self.tell()

    def tell(self):
        self.told = self.job.done = self.done
        cache.set(PROGRESS_KEY.format(self.job.pk), self.done, 24 * 3600)
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(done=self.done)


def progress_of(job):
    """(rows done, rows in all) of a job, the freshest known."""
    if job.state != Job.State.RUNNING:
        return job.done, job.total
    return max(job.done, cache.get(PROGRESS_KEY.format(job.pk)) or 0), job.total


def perform(job_pk, work):
    """Runs `work(job)` for a queued job, once: a job already taken (a message delivered
    twice) is left alone. What `work` raises marks the job failed, with the error for
    staff; the visitor's page says only that it failed."""
    taken = Job.objects.filter(pk=job_pk, state=Job.State.QUEUED).update(state=Job.State.RUNNING)
    if not taken:
        return
    job = Job.objects.get(pk=job_pk)
    try:
        work(job)
    except Exception as error:
        logger.exception("Job %s failed", job_pk)
        job.state, job.error = Job.State.FAILED, f"{type(error).__name__}: {error}"[:4000]
    else:
        job.state = Job.State.DONE
    job.finished_at = timezone.now()
    job.save()
    cache.delete(PROGRESS_KEY.format(job_pk))
