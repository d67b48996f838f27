from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cooperation.models import Source


class Command(BaseCommand):
    help = (
        "Load every fixture in fixtures/ into a database that holds no cooperation data yet. "
        "A database with data is left as it is, so edits made in the admin are never "
        "overwritten; `manage.py loaddata fixtures/*.json` reloads on purpose."
    )

    def handle(self, *args, **options):
        fixtures = sorted(
            str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json")
        )
        if Source.objects.exists():
            self.stdout.write(
                "The database already holds cooperation data; fixtures not reloaded "
                "(to reload them over it: python manage.py loaddata fixtures/*.json)."
            )
            return
        call_command("loaddata", *fixtures, verbosity=options["verbosity"])
