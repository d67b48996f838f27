"""Cursor pagination: every list is in the order of its records' ids, and a page's cursor
is the last id it holds, written in the 64 letters of base64url.

New records take larger ids, so they join the end of the list and never shift the pages
a client has read. Each page is read with `id > cursor ORDER BY id LIMIT n` (never OFFSET),
so the 10,000th page costs what the first does. Every string of 1 to 10 such letters is a
well-formed cursor (one that is past the last record gives an empty page); anything else
is refused.
"""

from ninja import Query

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
DIGIT = {letter: value for value, letter in enumerate(ALPHABET)}
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{1,10}$"
DEFAULT_LIMIT = 25
MAX_LIMIT = 100

CursorQuery = Query(
    None,
    pattern=CURSOR_PATTERN,
    description="Opaque: the `next` link of the previous page carries it. Omit for page one.",
)
LimitQuery = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Records per page.")


def encode_cursor(last_id):
    letters = ""
    while True:
        last_id, digit = divmod(last_id, 64)
        letters = ALPHABET[digit] + letters
        if not last_id:
            return letters


def decode_cursor(cursor):
    """The id a cursor stands for; `cursor` already matches CURSOR_PATTERN."""
    value = 0
    for letter in cursor:
        value = value * 64 + DIGIT[letter]
    return value


def page(request, records, cursor, limit, key="pk"):
    """The records after the cursor (by `key`, the id) and the absolute URL of the next
    page, or None on the last page."""
    if cursor:
        records = records.filter(**{f"{key}__gt": decode_cursor(cursor)})
    rows = list(records.order_by(key)[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1][key] if isinstance(rows[-1], dict) else rows[-1].pk
    return rows, next_url(request, encode_cursor(last))


def next_url(request, cursor):
    query = request.GET.copy()
    query["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
