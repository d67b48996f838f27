"""Project text search that finds its rows through an index instead of reading every row.

The search is the plain substring search (`icontains` on the title, summary and
description) everywhere; an index only narrows the rows it has to look at.

- PostgreSQL: GIN trigram indexes (pg_trgm) on UPPER() of each column serve Django's
  `UPPER(column) LIKE UPPER('%text%')` directly. Text of one or two characters has no
  trigram, so PostgreSQL plans those as it sees fit (usually walking the list's order).
- SQLite: an FTS5 table with the trigram tokenizer holds each project's text (kept in
  step by triggers, migration 0005_scale_search). Text of three characters or more is
  looked up as a phrase; shorter text by the index's terms that start with it (each
  column is stored with two padding characters, so every character starts a trigram).
  When the text is rare, the projects it names are the candidates; when it is common,
  the candidates are not needed: walking the list's own order finds a page quickly.

The substring condition is always applied as well, so the index may only ever find too
much, never too little: results are the same as the plain search on both databases.
"""

from django.db import connection

FTS_TABLE = "cooperation_project_text"
FTS_TERMS = "cooperation_project_terms"
# Up to this many candidates are handed to the query by id; more means the text is common.
FEW = 1000
LAST_CHARACTER = "\U0010ffff"


def uses_fts():
    return connection.vendor == "sqlite"


def folded(text):
    """The text as the trigram tokenizer stores it (ASCII letters in lower case), or None
    when it holds a non-ASCII letter with case, which the tokenizer folds its own way."""
    cased = [c for c in text if not c.isascii() and c.lower() != c.upper()]
    return None if cased else text.lower()


def project_candidates(text):
    """Ids of the projects whose text may contain `text`, when they are few (at most FEW);
    None when every project is a candidate: on PostgreSQL (its index serves the substring
    condition itself), for common text, or for text the index cannot look up."""
    if not uses_fts():
        return None
    if len(text) >= 3:
        phrase = '"' + text.replace('"', '""') + '"'
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s"
        params = [phrase, FEW + 1]
    else:
        start = folded(text)
        if start is None:
            return None
        sql = f"SELECT DISTINCT doc FROM {FTS_TERMS} WHERE term >= %s AND term <= %s LIMIT %s"
        params = [start, start + LAST_CHARACTER * 2, FEW + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = [row[0] for row in cursor.fetchall()]
    return found if len(found) <= FEW else None
