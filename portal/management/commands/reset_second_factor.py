from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.second_factor import log, remove_devices


class Command(BaseCommand):
    help = (
        "Delete a user's second factor (authenticator app and backup codes), e.g. after a lost "
        "phone. The user sets up a new one at the next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"There is no user named {username!r}; nothing was reset.") from None
        authenticators, backup_code_sets = remove_devices(user)
        log.warning(
            "second factor reset: user=%r authenticators=%d backup_code_sets=%d",
            username,
            authenticators,
            backup_code_sets,
        )
        if not authenticators and not backup_code_sets:
            self.stdout.write(f"{username!r} had no second factor; nothing was removed.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed the second factor of {username!r}: {authenticators} authenticator "
                f"device(s) and {backup_code_sets} set(s) of backup codes. At the next sign-in "
                "at /admin/ they scan a new QR code and get new backup codes."
            )
        )
