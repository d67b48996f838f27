"""The benchmark's databases: one per size, migrated and filled by `synthesize`, and a
staff account that can pass the admin's second factor with backup codes the harness knows."""

import secrets
import subprocess
import sys
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SEED = 1
ADMIN_USER = "benchmark"
BACKUP_CODES = 20
# portal.second_factor's alphabet, without 0/o, 1/l/i.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"

# A superuser, as publishers are, with a confirmed authenticator (or the second-factor page
# sends it to enrol) and fresh backup codes: each admin login spends one.
STAFF_ACCOUNT = """
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
user, _ = get_user_model().objects.get_or_create(username=%(username)r)
user.is_staff = user.is_superuser = True
user.set_password(%(password)r)
user.save()
TOTPDevice.objects.get_or_create(user=user, name="benchmark", defaults={"confirmed": True})
StaticDevice.objects.filter(user=user).delete()
device = StaticDevice.objects.create(user=user, name="benchmark", confirmed=True)
StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in %(codes)r)
"""


def database_for(size, database_url, results=RESULTS):
    """(kind, DATABASE_URL for this size): a SQLite file, or a PostgreSQL database per size."""
    if database_url and database_url.startswith(("postgres://", "postgresql://")):
        parts = urllib.parse.urlsplit(database_url)
        name = f"{parts.path.lstrip('/')}_{size}"
        return "postgresql", urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    return "sqlite", f"sqlite:///{results / f'benchmark-{size}.sqlite3'}"


def manage(env, *args, capture=False, timing=None):
    """Run manage.py; with `timing`, under /usr/bin/time writing "peak KB, seconds" there."""
    command = [sys.executable, "manage.py", *args]
    if timing is not None:
        command = ["/usr/bin/time", "-f", "%M %e", "-o", str(timing), *command]
    result = subprocess.run(
        command, cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else None


def postgres_admin_url(url):
    parts = urllib.parse.urlsplit(url)
    return parts.path.lstrip("/"), urllib.parse.urlunsplit(parts._replace(path="/postgres"))


def recreate_postgres(url, keep=False):
    """Drops and creates the database of `url` (unless `keep` and it exists); True if kept."""
    import psycopg

    name, admin_url = postgres_admin_url(url)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = found.fetchone() is not None
        if exists and keep:
            return True
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return False


def drop_postgres(url):
    import psycopg

    name, admin_url = postgres_admin_url(url)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(size, kind, url, env, reuse, results=RESULTS):
    """A migrated database with `size` synthetic projects; built afresh unless reusing."""
    if kind == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        exists = path.exists()
        if exists and not reuse:
            for extra in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{extra}").unlink(missing_ok=True)
    else:
        exists = recreate_postgres(url, keep=reuse)
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    if exists and reuse:
        print(f"  reusing {url}")
        return None
    timing = results / f"synthesize-{kind}-{size}.time"
    manage(env, "synthesize", "--projects", str(size), "--seed", str(SEED), timing=timing)
    peak_kb, seconds = timing.read_text().split()[-2:]
    peak_mb = int(peak_kb) // 1024
    return f"synthesize --projects {size:,}: {float(seconds):.0f} s, peak RSS {peak_mb} MB."


def backup_codes(count=BACKUP_CODES):
    return ["".join(secrets.choice(CODE_ALPHABET) for _ in range(10)) for _ in range(count)]


def staff_account_script(username, password, codes):
    return STAFF_ACCOUNT % {"username": username, "password": password, "codes": codes}


def create_staff(env, username, password, codes):
    """The staff account in the database of `env`, with these backup codes and no others."""
    manage(env, "shell", "--no-imports", "-c", staff_account_script(username, password, codes))
