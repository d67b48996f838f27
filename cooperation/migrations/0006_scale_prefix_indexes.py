"""Indexes for region roll-ups and organisation pages.

`Region.objects.within()` asks for every region whose path starts with an ancestor's
(`path LIKE '/17/53/%'`). Neither database reads a plain index for that: SQLite's LIKE
ignores case, so it needs an index that does too (COLLATE NOCASE; paths are digits and
slashes, so nothing is lost), and PostgreSQL needs the pattern operator class unless the
database's collation is C.
"""

from django.db import migrations, models

PREFIX_INDEX = {
    "sqlite": "CREATE INDEX region_path_prefix_idx ON cooperation_region (path COLLATE NOCASE)",
    "postgresql": "CREATE INDEX region_path_prefix_idx "
    "ON cooperation_region (path varchar_pattern_ops)",
}


def create_prefix_index(apps, schema_editor):
    statement = PREFIX_INDEX.get(schema_editor.connection.vendor)
    if statement:
        schema_editor.execute(statement)


def drop_prefix_index(apps, schema_editor):
    if schema_editor.connection.vendor in PREFIX_INDEX:
        schema_editor.execute("DROP INDEX region_path_prefix_idx")


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0005_scale_search")]

    operations = [
        migrations.AddIndex(
            model_name="beneficiary",
            index=models.Index(
                fields=["organization", "status", "name"], name="beneficiary_org_status_idx"
            ),
        ),
        migrations.RunPython(create_prefix_index, drop_prefix_index),
    ]
