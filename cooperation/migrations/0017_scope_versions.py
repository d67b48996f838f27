"""The data's versions, one per scope (cooperation/counting.py, cooperation/invalidation.py).

The one-row table of 0003 becomes a row per scope ("project:12", "region:7", "totals", …):
a change replaces the tokens of the scopes it can be seen under, so that cached pages and
values of other scopes stay valid. A scope without a row has never changed (token "").
"""

import uuid

from django.db import migrations


def first_tokens(apps, schema_editor):
    # Whatever was cached under the old single version is not valid under the new ones.
    token = uuid.uuid4().hex
    with schema_editor.connection.cursor() as cursor:
        for scope in ("everything", "any"):
            cursor.execute(
                "INSERT INTO cooperation_data_version (scope, token) VALUES (%s, %s)",
                [scope, token],
            )


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0016_reviewed_map")]

    operations = [
        migrations.RunSQL(
            sql=[
                "DROP TABLE cooperation_data_version",
                "CREATE TABLE cooperation_data_version "
                "(scope varchar(200) PRIMARY KEY, token varchar(32) NOT NULL)",
            ],
            reverse_sql=[
                "DROP TABLE cooperation_data_version",
                "CREATE TABLE cooperation_data_version "
                "(id integer PRIMARY KEY CHECK (id = 1), token varchar(32) NOT NULL)",
                "INSERT INTO cooperation_data_version (id, token) VALUES (1, '')",
            ],
        ),
        migrations.RunPython(first_tokens, migrations.RunPython.noop),
    ]
