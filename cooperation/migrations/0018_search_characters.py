"""PostgreSQL: a GIN index of each searched record's characters, for text too short for a
trigram (one or two characters: most Chinese words). It holds the characters of the
record's searched columns and their English versions, in upper case; the search asks it
for the records holding every character of the text (cooperation.search.HasCharacters,
whose expression must stay this one for the index to serve it) and then checks the
substring. SQLite's trigram tables (0012) already serve short text: nothing changes there.
"""

import importlib

from django.db import migrations

# The searched columns of each table, as 0012 made their trigram indexes.
CHINESE = importlib.import_module("cooperation.migrations.0012_search_english").CHINESE


def index_name(table):
    return f"{table.removeprefix('cooperation_')}_characters_idx"


def characters(table):
    columns = (*CHINESE[table], *(f"{name}_en" for name in CHINESE[table]))
    joined = " || ' ' || ".join(f"COALESCE({column}, '')" for column in columns)
    return f"regexp_split_to_array(UPPER({joined}), '')"


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in CHINESE:
        schema_editor.execute(
            f"CREATE INDEX {index_name(table)} ON {table} USING gin (({characters(table)}))"
        )
        # The planner knows how common a character is only from the index's statistics.
        schema_editor.execute(f"ANALYZE {table}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in CHINESE:
        schema_editor.execute(f"DROP INDEX {index_name(table)}")


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0017_scope_versions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
