import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

ENROLMENT = """
The admin asks for a second factor after the password (等保 2.0 level 3):
  1. Sign in at /admin/ with the user name and password above.
  2. Scan the QR code shown with an authenticator app on your phone (e.g. 腾讯身份验证器,
     Google Authenticator or FreeOTP; or type in the key shown below it), then enter the
     6-digit code the app shows.
  3. Keep the 10 backup codes shown next offline (print or write them down): each one signs
     you in once without the phone.
Lost the phone and the backup codes? Run `manage.py reset_second_factor USERNAME`; that user
sets up a new authenticator at the next sign-in.
"""


class Command(BaseCommand):
    help = "Create a superuser with a random password if the database has none."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "An admin account already exists; its password is unchanged. A lost second "
                "factor is reset with `manage.py reset_second_factor USERNAME`."
            )
            return
        password = secrets.token_urlsafe(15)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                "Created the admin account (shown once, keep it safe):\n"
                f"  user name: {username}\n  password:  {password}\n"
                "Log in at /admin/ and change the password."
            )
        )
        self.stdout.write(ENROLMENT)
