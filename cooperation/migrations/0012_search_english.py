"""Text indexes for the site search (cooperation/site_search.py) over every kind it finds,
in Chinese and English.

SQLite: one FTS5 trigram table per searched table, `<table>_text`, holding each record's
searched columns and their English versions, each followed by two padding characters (see
migration 0005), with a vocabulary table `<table>_terms` and triggers that keep it in
step. The project table of 0005 is made again with the English columns. A migration that
rebuilds one of these tables on SQLite drops its triggers: it must create them again
(`sqlite_triggers(table)` gives them).

PostgreSQL: pg_trgm GIN indexes on UPPER() of each searched column, the expression that
Django's icontains compares.
"""

import importlib

from django.db import migrations

scale_search = importlib.import_module("cooperation.migrations.0005_scale_search")

# The searched columns of each table, as cooperation/search.py names them in SEARCHED.
CHINESE = {
    "cooperation_project": ("title", "summary", "description"),
    "cooperation_region": ("name", "short_name"),
    "cooperation_organization": ("name", "short_name", "description"),
    "cooperation_person": ("name", "post"),
    "cooperation_source": ("title", "publisher", "author", "description"),
    "cooperation_beneficiary": ("name", "description"),
    "cooperation_pairing": ("description",),
}
COLUMNS = {table: (*names, *(f"{name}_en" for name in names)) for table, names in CHINESE.items()}
# Made by migration 0005 already: only its English columns are new.
INDEXED_BY_0005 = {"cooperation_project": {"title", "summary", "description"}}


def padded(columns, prefix):
    return ", ".join(f"{prefix}{column} || char(31, 31)" for column in columns)


def sqlite_triggers(table):
    columns = COLUMNS[table]
    names = ", ".join(columns)
    insert = (
        f"INSERT INTO {table}_text (rowid, {names}) VALUES (new.id, {padded(columns, 'new.')});"
    )
    return [
        f"CREATE TRIGGER {table}_text_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {table}_text_update AFTER UPDATE OF id, {names} ON {table} BEGIN "
        f"DELETE FROM {table}_text WHERE rowid = old.id; {insert} END",
        f"CREATE TRIGGER {table}_text_delete AFTER DELETE ON {table} BEGIN "
        f"DELETE FROM {table}_text WHERE rowid = old.id; END",
    ]


def sqlite_create(table):
    columns = COLUMNS[table]
    names = ", ".join(columns)
    return [
        f"CREATE VIRTUAL TABLE {table}_text USING fts5({names}, tokenize = 'trigram')",
        f"CREATE VIRTUAL TABLE {table}_terms USING fts5vocab({table}_text, instance)",
        f"INSERT INTO {table}_text (rowid, {names}) SELECT id, {padded(columns, '')} FROM {table}",
        *sqlite_triggers(table),
    ]


def sqlite_drop(table):
    return [
        f"DROP TRIGGER IF EXISTS {table}_text_delete",
        f"DROP TRIGGER IF EXISTS {table}_text_update",
        f"DROP TRIGGER IF EXISTS {table}_text_insert",
        f"DROP TABLE IF EXISTS {table}_terms",
        f"DROP TABLE IF EXISTS {table}_text",
    ]


def postgresql_indexes():
    """{index name: (table, column)} for every column 0005 did not index."""
    indexes = {}
    for table, columns in COLUMNS.items():
        for column in columns:
            if column not in INDEXED_BY_0005.get(table, ()):
                short = table.removeprefix("cooperation_")
                indexes[f"{short}_{column}_trgm_idx"] = (table, column)
    return indexes


def create_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, (table, column) in postgresql_indexes().items():
            schema_editor.execute(
                f"CREATE INDEX {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
            )
    elif vendor == "sqlite":
        for statement in scale_search.SQLITE_DROP:
            schema_editor.execute(statement)
        for table in COLUMNS:
            for statement in sqlite_create(table):
                schema_editor.execute(statement)


def drop_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name in postgresql_indexes():
            schema_editor.execute(f"DROP INDEX {name}")
    elif vendor == "sqlite":
        for table in COLUMNS:
            for statement in sqlite_drop(table):
                schema_editor.execute(statement)
        for statement in scale_search.SQLITE_CREATE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0011_english_texts")]

    operations = [migrations.RunPython(create_search_indexes, drop_search_indexes)]
