"""Writing synthetic rows to PostgreSQL with COPY, and loading a large data set fast.

COPY cannot return the primary keys it writes, so a chunk's keys are drawn first from the
table's own sequence (nextval, one query for the chunk: safe beside other writers) and set
on the rows, together with the foreign keys of rows that point at rows of the same chunk.

A large load (LARGE_LOAD projects or more, and at least as many as the table holds) runs
in one transaction that first drops the loaded tables' secondary indexes (not unique ones,
which are checks) and foreign keys, and creates them again at the end from their own
definitions (pg_get_indexdef, pg_get_constraintdef): building an index or checking a key
once over the loaded table is much faster than keeping it up to date row by row. If the
run fails, the transaction's rollback puts them back. The loaded tables are locked for
the run: a large load is for a load-test database, not one people are working in.
"""

import operator
from contextlib import contextmanager

from django.db import connection, transaction

from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Indicator,
    Organization,
    Pairing,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Region,
)
from cooperation.synthetic.writers import Writer

LARGE_LOAD = 50_000

LOADED = [
    Region,
    Organization,
    Pairing,
    Beneficiary,
    Indicator,
    Figure,
    Figure.places.through,
    Event,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Benefit,
]

SECONDARY_INDEXES = """
    SELECT c.relname, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
    FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
    WHERE c.relname = ANY(%s) AND NOT i.indisunique AND NOT i.indisprimary
    ORDER BY c.relname, i.indexrelid
"""
FOREIGN_KEYS = """
    SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
    FROM pg_constraint
    WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
    ORDER BY conrelid::regclass::text, conname
"""


class Layout:
    """How to COPY one model's rows: its columns, and how to read them off an instance."""

    def __init__(self, model):
        meta = model._meta
        fields = meta.concrete_fields
        self.table = meta.db_table
        self.pk = meta.pk
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        self.values = operator.attrgetter(*(f.attname for f in fields))
        self.relations = [f for f in fields if f.is_relation]


class CopyWriter(Writer):
    def __init__(self, projects):
        super().__init__()
        self.projects = projects
        self.layouts = {}

    def layout(self, model):
        if model not in self.layouts:
            self.layouts[model] = Layout(model)
        return self.layouts[model]

    def write(self, model, rows):
        layout = self.layout(model)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [layout.table, layout.pk.column, len(rows)],
            )
            keys = sorted(key for (key,) in cursor.fetchall())
            for row, key in zip(rows, keys, strict=True):
                row.pk = key
                row._state.adding, row._state.db = False, connection.alias
                for field in layout.relations:
                    if getattr(row, field.attname) is None:
                        target = field.get_cached_value(row, None)
                        if target is not None:
                            setattr(row, field.attname, target.pk)
            statement = (
                f"COPY {connection.ops.quote_name(layout.table)} ({layout.columns}) FROM STDIN"
            )
            with cursor.cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(layout.values(row))

    def is_large(self):
        return self.projects >= max(LARGE_LOAD, Project.objects.count())

    @contextmanager
    def loading(self, progress):
        if not self.is_large():
            yield
            return
        tables = [model._meta.db_table for model in LOADED]
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(SECONDARY_INDEXES, [tables])
            indexes = cursor.fetchall()
            cursor.execute(FOREIGN_KEYS, [tables])
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
            for _table, name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
            progress(f"{len(indexes)} indexes and {len(keys)} foreign keys put aside")
            yield
            progress("creating indexes and checking foreign keys again")
            for _table, _name, definition in indexes:
                cursor.execute(definition)
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
            progress(f"{len(indexes)} indexes and {len(keys)} foreign keys put back")

    def refresh_statistics(self):
        """Let PostgreSQL's planner know the new rows at once. Its autovacuum would, but
        only minutes later; until then it plans for the empty tables."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
