"""Delete finished jobs older than --days (2 by default) with their files, and uploads of
imports that were never confirmed. Run it daily from cron or a systemd timer:

    15 3 * * *  cd /srv/portal && .venv/bin/python manage.py prune_jobs --days 2
"""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from portal.models import Job


class Command(BaseCommand):
    help = "Delete jobs (exports, imports) older than --days, and their files."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=2, help="keep jobs this many days")

    def handle(self, *args, days, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more.")
        old = Job.objects.older_than(days)
        files = 0
        for job in old.iterator():
            names = [job.file.name] if job.file else []
            names += [job.params["upload"]] if job.params.get("upload") else []
            for name in names:
                if default_storage.exists(name):
                    default_storage.delete(name)
                    files += 1
        count, _ = old.delete()
        self.stdout.write(f"Deleted {count} jobs and {files} files older than {days} days.")
