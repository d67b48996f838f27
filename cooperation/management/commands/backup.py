import os
import sqlite3
import subprocess

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database to a new file while the site keeps running: "
        "SQLite's online backup for SQLite, pg_dump's custom format for PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to create (must not exist yet)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path, database, **options):
        connection = connections[database]
        try:
            # Created here, readable by its owner only: it holds password hashes.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise CommandError(f"{path} already exists; choose a new file name.") from None
        except OSError as error:
            raise CommandError(f"cannot create {path}: {error.strerror}") from None
        try:
            if connection.vendor == "sqlite":
                self.backup_sqlite(connection, path)
            elif connection.vendor == "postgresql":
                self.backup_postgresql(connection, path)
            else:
                raise CommandError(f"no backup method for the {connection.vendor} backend")
        except BaseException:
            os.remove(path)
            raise
        self.stdout.write(
            self.style.SUCCESS(f"Backed up the {connection.vendor} database to {path}")
        )

    def backup_sqlite(self, connection, path):
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            with target:
                connection.connection.backup(target)
        finally:
            target.close()

    def backup_postgresql(self, connection, path):
        settings = connection.settings_dict
        env = {
            **os.environ,
            "PGDATABASE": settings["NAME"],
            "PGHOST": settings["HOST"] or "",
            "PGPORT": str(settings["PORT"] or ""),
            "PGUSER": settings["USER"] or "",
            "PGPASSWORD": settings["PASSWORD"] or "",
        }
        env = {name: value for name, value in env.items() if value != ""}
        try:
            result = subprocess.run(
                ["pg_dump", "--format=custom", f"--file={path}"],
                env=env,
                capture_output=True,
                text=True,
            )
        except FileNotFoundError:
            raise CommandError("pg_dump is not installed (PostgreSQL client tools).") from None
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
