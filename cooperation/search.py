"""Text search that finds its rows through an index instead of reading every row.

The search is the plain substring search (`icontains` on the searched fields)
everywhere; an index only narrows the rows it has to look at. SEARCHED names the
fields of each kind of record; on English pages their English versions (`<field>_en`)
are searched as well.

- PostgreSQL: GIN trigram indexes (pg_trgm) on UPPER() of each column serve Django's
  `UPPER(column) LIKE UPPER('%text%')` directly (migrations 0005 and 0012). Text of one
  or two characters, most Chinese words, has no trigram: it is looked up in a GIN index
  of each record's characters (`HasCharacters`, migration 0018), which finds the records
  holding every character of the text.
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
from django.db.models import BooleanField, F, Func, Q
from django.db.models.expressions import RawSQL

from cooperation.models import Project
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


# Text shorter than this has no trigram.
TRIGRAM = 3


def uses_fts():
    return connection.vendor == "sqlite"


def indexed_columns(table):
    """The columns a table's text indexes hold: its searched fields and their English versions."""
    return (*SEARCHED[table], *(f"{name}_en" for name in SEARCHED[table]))


class HasCharacters(Func):
    """Whether the record's searched columns hold every character of the text (in upper
    case): the expression of migration 0018's GIN index on PostgreSQL, column for column,
    so that the index serves it."""

    output_field = BooleanField()
    arg_joiner = " || ' ' || "
    template = "regexp_split_to_array(UPPER(%(expressions)s), '') @> %(characters)s"

    def __init__(self, model, text):
        columns = indexed_columns(model._meta.db_table)
        super().__init__(*(Func(F(c), template="COALESCE(%(expressions)s, '')") for c in columns))
        self.text = text

    def as_sql(self, compiler, connection, **extra):
        characters = "regexp_split_to_array(UPPER(%s), '')"
        sql, params = super().as_sql(compiler, connection, characters=characters, **extra)
        return sql, (*params, self.text)


def index_condition(model, text):
    """A condition that only narrows a search for `text` through an index the substring
    condition cannot use (short text on PostgreSQL), or None."""
    if connection.vendor == "postgresql" and len(text) < TRIGRAM:
        return HasCharacters(model, text)
    return None


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
    contain `text`, through its SQLite text index; None where there is no such index to
    ask (on PostgreSQL, or for short text the index cannot look up)."""
    if not uses_fts():
        return None
    if len(text) >= TRIGRAM:
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
    most FEW + 1 of them), found through an index; None where no index can narrow them."""
    condition = index_condition(model, text)
    if condition is not None:
        # Checked here as well: the first candidates must be matches, or a text found
        # in few records could be missed among many that merely hold its characters.
        found = model.objects.filter(condition).filter(contains(fields, text))
        return found.order_by().values("pk")[: FEW + 1]
    found = candidates_sql(model._meta.db_table, text, fields)
    return None if found is None else RawSQL(*found)


def project_candidates(text):
    """Ids of the projects whose Chinese text contains `text` or may, when they are few (at
    most FEW); None when every project is a candidate: for common text, or where no index
    can narrow them (PostgreSQL's trigram index serves the substring condition itself)."""
    found = candidates(Project, text, SEARCHED["cooperation_project"])
    if found is None:
        return None
    if isinstance(found, RawSQL):
        with connection.cursor() as cursor:
            cursor.execute(found.sql, found.params)
            ids = [row[0] for row in cursor.fetchall()]
    else:
        ids = [row["pk"] for row in found]
    return ids if len(ids) <= FEW else None
