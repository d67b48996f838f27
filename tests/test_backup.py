import os
import shutil
import sqlite3
import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cooperation.models import Source
from tests.factories import make_source


def source_titles_in_sqlite(path):
    with sqlite3.connect(path) as copy:
        rows = copy.execute("SELECT slug, title FROM cooperation_source ORDER BY slug").fetchall()
    return rows


def source_titles_in_postgresql(database):
    params = connection.get_connection_params()
    params["dbname"] = database
    with psycopg.connect(**params) as copy:
        return copy.execute("SELECT slug, title FROM cooperation_source ORDER BY slug").fetchall()


def restore_sqlite(backup, tmp_path):
    """The README procedure: stop the site, copy the backup over the database file."""
    restored = tmp_path / "db.sqlite3"
    shutil.copyfile(backup, restored)
    return source_titles_in_sqlite(restored)


def restore_postgresql(backup, tmp_path):
    """The README procedure: pg_restore into an empty database."""
    database = f"{connection.settings_dict['NAME']}_restored"
    admin = connection.get_connection_params()
    with psycopg.connect(**admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{database}"')
        server.execute(f'CREATE DATABASE "{database}"')
    try:
        settings = connection.settings_dict
        env = {**os.environ, "PGHOST": settings["HOST"], "PGPORT": str(settings["PORT"])}
        env["PGUSER"] = settings["USER"]
        if settings["PASSWORD"]:
            env["PGPASSWORD"] = settings["PASSWORD"]
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={database}", str(backup)],
            env=env,
            check=True,
        )
        return source_titles_in_postgresql(database)
    finally:
        with psycopg.connect(**admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{database}"')


RESTORE = {"sqlite": restore_sqlite, "postgresql": restore_postgresql}


def test_backup_restores_the_data_as_it_was(transactional_db, tmp_path):
    make_source(slug="nansha-ziyun", title="广东南沙与贵州紫云携手开启新征程")
    make_source(slug="report-2023", title="2023年东西部协作工作报告")
    at_backup = sorted(Source.objects.values_list("slug", "title"))
    backup = tmp_path / "portal.backup"

    call_command("backup", str(backup))
    Source.objects.filter(slug="nansha-ziyun").update(title="改动后的标题")
    make_source(slug="after-backup", title="备份之后的来源")

    restored = RESTORE[connection.vendor](backup, tmp_path)

    assert [tuple(row) for row in restored] == at_backup
    assert sorted(Source.objects.values_list("slug", "title")) != at_backup


def test_backup_file_is_private(transactional_db, tmp_path):
    backup = tmp_path / "portal.backup"
    call_command("backup", str(backup))
    assert backup.stat().st_mode & 0o777 == 0o600
    assert backup.stat().st_size > 0


def test_backup_never_overwrites_a_file(db, tmp_path):
    backup = tmp_path / "portal.backup"
    backup.write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(backup))
    assert backup.read_text() == "an older backup"
