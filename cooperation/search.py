"""Text search that finds its rows through an index instead of reading every row.

The search is the plain substring search (`icontains` on the searched fields)
everywhere; an index only narrows the rows it has to look at. SEARCHED names the
fields of each kind of record; on English pages their English versions (`<field>_en`)
are searched as well.

- PostgreSQL: GIN trigram indexes (pg_trgm) on UPPER() of each column serve Django's
  `UPPER(column) LIKE UPPER('%text%')` directly (migrations 0005 and 0012). Text of one
  or two characters has no trigram, so PostgreSQL plans those as it sees fit.
- SQLite: an FTS5 table with the trigram tokenizer per searched table, `<table>_text`,
  holds each record's searched columns (kept in step by triggers, migration 0012). Text
  of three characters or more is looked up as a phrase in the searched columns; shorter
  text by the index's terms that start with it (each column is stored with two padding
  characters, so every character starts a trigram).

The substring condition is always applied as well, so the index may only ever find too
much, never too little: results are the same as the plain search on both databases.
"""

import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from cooperation.models.base import in_english

# Up to this many candidates are handed to a query by id; more means the text is common.
FEW = 1000
LAST_CHARACTER = "\U0010ffff"
WORD_ENDS = re.compile(r"^[A-Za-z0-9](.*[A-Za-z0-9])?$", re.DOTALL)

# The Chinese fields searched in each table; migration 0012 indexes them and their
# English versions.
SEARCHED = {
    "cooperation_project": ("title", "summary", "description"),
    "cooperation_region": ("name", "short_name"),
    "cooperation_organization": ("name", "short_name", "description"),
    "cooperation_person": ("name", "post"),
    "cooperation_source": ("title", "publisher", "author", "description"),
    "cooperation_beneficiary": ("name", "description"),
    "cooperation_pairing": ("description",),
}


def uses_fts():
    return connection.vendor == "sqlite"


def folded(text):
    """The text as the trigram tokenizer stores it (ASCII letters in lower case), or None
    when it holds a non-ASCII letter with case, which the tokenizer folds its own way."""
    cased = [c for c in text if not c.isascii() and c.lower() != c.upper()]
    return None if cased else text.lower()


def searched_fields(model):
    """The model's searched fields in the page's language: the Chinese ones, and on
    English pages their English versions first."""
    chinese = SEARCHED[model._meta.db_table]
    return (*(f"{name}_en" for name in chinese), *chinese) if in_english() else chinese


def is_word(text):
    """Whether the text begins and ends with a Latin letter or digit, as an English word."""
    return bool(WORD_ENDS.match(text))


def word_pattern(text):
    """A regular expression, the same in Python and PostgreSQL, for the text as a whole
    word or words in English, plurals in -s and -es included: "tea" is not in "team"."""
    return f"(^|[^a-z0-9]){re.escape(text.lower())}(s|es)?([^a-z0-9]|$)"


def contains(fields, text):
    """The substring condition: any of the fields contains the text; in an English field
    a Latin word is looked for as a whole word."""
    condition = Q()
    for field in fields:
        found = Q(**{f"{field}__icontains": text})
        if field.endswith("_en") and is_word(text):
            found &= Q(**{f"{field}__iregex": word_pattern(text)})
        condition |= found
    return condition


def candidates_sql(table, text, columns):
    """(sql, params) selecting at most FEW + 1 ids of the table's rows whose columns may
    contain `text`, through its text index; None where there is no index to ask (on
    PostgreSQL, or for short text the index cannot look up)."""
    if not uses_fts():
        return None
    if len(text) >= 3:
        phrase = '"' + text.replace('"', '""') + '"'
        query = "{" + " ".join(columns) + "} : " + phrase
        sql = f"SELECT rowid FROM {table}_text WHERE {table}_text MATCH %s LIMIT %s"
        return sql, [query, FEW + 1]
    start = folded(text)
    if start is None:
        return None
    in_columns = ", ".join(["%s"] * len(columns))
    sql = (
        f"SELECT DISTINCT doc FROM {table}_terms WHERE term >= %s AND term <= %s "
        f"AND col IN ({in_columns}) LIMIT %s"
    )
    return sql, [start, start + LAST_CHARACTER * 2, *columns, FEW + 1]


def candidates(model, text, fields):
    """A subquery of the ids of the model's rows whose fields may contain `text` (at
    most FEW + 1 of them), or None (see candidates_sql)."""
    found = candidates_sql(model._meta.db_table, text, fields)
    return None if found is None else RawSQL(*found)


def project_candidates(text):
    """Ids of the projects whose Chinese text may contain `text`, when they are few (at
    most FEW); None when every project is a candidate: on PostgreSQL (its index serves the
    substring condition itself), for common text, or for text the index cannot look up."""
    table = "cooperation_project"
    found = candidates_sql(table, text, SEARCHED[table])
    if found is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*found)
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= FEW else None
