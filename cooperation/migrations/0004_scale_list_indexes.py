"""Indexes for the sorts and filters of the public lists.

The portable ones are in the models' Meta. A list that puts empty values last (ORDER BY
… DESC NULLS LAST) can only walk a PostgreSQL index written with the same NULLS
modifier, which SQLite cannot write (nor needs: it puts NULLs first, so its plain
indexes already give that order). Those are created here on PostgreSQL only.
"""

from django.db import migrations, models

POSTGRESQL_INDEXES = {
    # Public project list in its default order: newest first (undated last), then title.
    "project_list_order_pg_idx": "cooperation_project "
    "(status, start_year DESC NULLS LAST, title, id)",
    # Public project list filtered by category, in the default order.
    "project_category_order_pg_idx": "cooperation_project "
    "(status, category, start_year DESC NULLS LAST, title, id)",
    # Public project list sorted by year, oldest first.
    "project_year_asc_pg_idx": "cooperation_project (status, start_year, id)",
    # Public project list sorted by year, newest first.
    "project_year_desc_pg_idx": "cooperation_project (status, start_year DESC NULLS LAST, id DESC)",
    # Public project list sorted by amount of funds, largest first.
    "project_funds_desc_pg_idx": "cooperation_project (status, funds DESC NULLS LAST, id DESC)",
    # Public pairing list in its default order: top-level pairings first, then by parent.
    "pairing_list_order_pg_idx": "cooperation_pairing (status, parent_id NULLS FIRST)",
}


def create_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, columns in POSTGRESQL_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {name} ON {columns}")


def drop_postgresql_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in POSTGRESQL_INDEXES:
            schema_editor.execute(f"DROP INDEX {name}")


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0003_scale_data_version")]

    operations = [
        migrations.AddIndex(
            model_name="beneficiary",
            index=models.Index(fields=["status", "name"], name="beneficiary_status_name_idx"),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(
                fields=["status", "-start_year", "title", "id"], name="project_list_order_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="project",
            index=models.Index(fields=["status", "title"], name="project_status_title_idx"),
        ),
        migrations.RunPython(create_postgresql_indexes, drop_postgresql_indexes),
    ]
