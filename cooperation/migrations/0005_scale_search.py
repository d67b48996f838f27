"""Indexes for the project text search (cooperation/search.py).

PostgreSQL: pg_trgm GIN indexes on UPPER() of each searched column, the expression that
Django's icontains compares, so that `?q=` reads the index instead of every row.

SQLite: an FTS5 table with the trigram tokenizer holding each project's title, summary
and description, each followed by two padding characters (so that every character of
the text starts a trigram, for one- and two-character searches), and a vocabulary table
over its terms. Triggers keep it in step with the projects. A migration that rebuilds
cooperation_project on SQLite (Django does so for some field changes) drops these
triggers: it must create them again (tests/test_search.py fails until it does).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Project search (?q=) in each column: UPPER(column) LIKE UPPER('%text%').
POSTGRESQL_INDEXES = {
    "project_title_trgm_idx": "title",
    "project_summary_trgm_idx": "summary",
    "project_description_trgm_idx": "description",
}

PADDED = "new.title || char(31, 31), new.summary || char(31, 31), new.description || char(31, 31)"
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE cooperation_project_text "
    "USING fts5(title, summary, description, tokenize = 'trigram')",
    "CREATE VIRTUAL TABLE cooperation_project_terms "
    "USING fts5vocab(cooperation_project_text, instance)",
    "INSERT INTO cooperation_project_text (rowid, title, summary, description) "
    f"SELECT id, {PADDED.replace('new.', '')} FROM cooperation_project",
    "CREATE TRIGGER cooperation_project_text_insert AFTER INSERT ON cooperation_project BEGIN "
    "INSERT INTO cooperation_project_text (rowid, title, summary, description) "
    f"VALUES (new.id, {PADDED}); END",
    "CREATE TRIGGER cooperation_project_text_update "
    "AFTER UPDATE OF id, title, summary, description ON cooperation_project BEGIN "
    "DELETE FROM cooperation_project_text WHERE rowid = old.id; "
    "INSERT INTO cooperation_project_text (rowid, title, summary, description) "
    f"VALUES (new.id, {PADDED}); END",
    "CREATE TRIGGER cooperation_project_text_delete AFTER DELETE ON cooperation_project BEGIN "
    "DELETE FROM cooperation_project_text WHERE rowid = old.id; END",
]
SQLITE_DROP = [
    "DROP TRIGGER cooperation_project_text_delete",
    "DROP TRIGGER cooperation_project_text_update",
    "DROP TRIGGER cooperation_project_text_insert",
    "DROP TABLE cooperation_project_terms",
    "DROP TABLE cooperation_project_text",
]


def create_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name, column in POSTGRESQL_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX {name} ON cooperation_project USING gin (UPPER({column}) gin_trgm_ops)"
            )
    elif vendor == "sqlite":
        for statement in SQLITE_CREATE:
            schema_editor.execute(statement)


def drop_search_indexes(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for name in POSTGRESQL_INDEXES:
            schema_editor.execute(f"DROP INDEX {name}")
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0004_scale_list_indexes")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
