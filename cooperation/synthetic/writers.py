"""How the synthesizer's rows reach the database, chunk by chunk.

Rows come as unsaved model instances, at most a chunk of projects' worth at a time (with
what hangs off them); a writer sets what save() would derive from the Chinese texts, gives
the rows primary keys, writes them and keeps only counts, so memory does not grow with the
size of the data set.

- SQLite: bulk_create in batches (multi-row INSERT … RETURNING), as the synthesizer always
  did; the same seed gives the same rows and the same primary keys on an empty database.
- PostgreSQL (cooperation/synthetic/postgresql.py): primary keys drawn from each table's
  sequence in one query a chunk, then COPY FROM STDIN; a large load puts the loaded tables'
  secondary indexes and foreign keys aside and puts them back exactly when it is done.

Nothing goes through save() or signals, so synthetic rows get no change history
(simple_history) and no audit-chain entries: they are test data, not anyone's edit.
"""

import functools
from contextlib import contextmanager

from django.db import connection

from cooperation import pinyin
from cooperation.models import Project, Region
from cooperation.synthetic.vocabulary import BATCH_SIZE


def english_place(row):
    row.name_en = pinyin.place_name(row.name)
    row.short_name_en = pinyin.place_name(row.short_name) if row.short_name else ""


# Titles repeat (the same village, product and pattern in many projects), and pypinyin
# took a fifth of a run; a bounded memory of them keeps it from growing with the run.
title_sort_key = functools.lru_cache(maxsize=2**16)(pinyin.sort_key)


def title_sort(row):
    row.title_sort = title_sort_key(row.title)


# What save() would derive from the Chinese texts, set here because no row is saved.
DERIVED_ON_SAVE = {Region: english_place, Project: title_sort}


class Writer:
    """bulk_create in batches of BATCH_SIZE rows."""

    def __init__(self):
        self.counts = {}
        self.largest_write = 0  # the most rows handed over at once, for the tests

    def insert(self, model, rows):
        derive = DERIVED_ON_SAVE.get(model)
        if derive:
            for row in rows:
                derive(row)
        if rows:
            self.write(model, rows)
        name = model._meta.model_name
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        self.largest_write = max(self.largest_write, len(rows))
        return rows

    def write(self, model, rows):
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)

    @contextmanager
    def loading(self, progress):
        """Around the whole run: a writer may set up and undo what makes loading fast."""
        yield

    def refresh_statistics(self):
        """Give SQLite's planner statistics of the new rows, as PostgreSQL's writer does:
        without them it takes an equality on any index for a narrow one, and reads a town's
        few projects by walking every published project in the list's order."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
