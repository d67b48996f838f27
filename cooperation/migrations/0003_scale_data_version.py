"""The version of the data that cached counts and totals are stored under (cooperation/counting.py).

A plain one-row table rather than a model: nothing in the admin, the fixtures or the
history needs to see it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("cooperation", "0002_roles")]

    operations = [
        migrations.RunSQL(
            sql=[
                "CREATE TABLE cooperation_data_version "
                "(id integer PRIMARY KEY CHECK (id = 1), token varchar(32) NOT NULL)",
                "INSERT INTO cooperation_data_version (id, token) VALUES (1, '')",
            ],
            reverse_sql=["DROP TABLE cooperation_data_version"],
        ),
    ]
