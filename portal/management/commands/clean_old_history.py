from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Disabled here: it ignores the 180-day retention. Use prune_history instead."

    def add_arguments(self, parser):
        parser.add_argument("args", nargs="*")
        parser.add_argument("--days", type=int)
        parser.add_argument("--auto", action="store_true")

    def handle(self, *args, **options):
        raise CommandError(
            "clean_old_history is disabled because it can delete history younger than the "
            "180-day retention; use `manage.py prune_history --days N` instead."
        )
