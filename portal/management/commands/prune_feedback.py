from django.core.management.base import BaseCommand

from portal.models import Feedback


class Command(BaseCommand):
    help = (
        f"Delete visitors' feedback received more than {Feedback.RETENTION_DAYS} days ago, as "
        "the notice under the form promises. Each new feedback does the same; run this from "
        "cron so that it happens on a site that receives none."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, dry_run, **options):
        expired = Feedback.objects.expired()
        if dry_run:
            self.stdout.write(f"Would delete {expired.count()} feedback.")
            return
        count, _by_model = expired.delete()
        self.stdout.write(f"Deleted {count} feedback older than {Feedback.RETENTION_DAYS} days.")
