"""Rows of the public tables kept rendered, per record, language and version of its data.

A list page is built again whenever a record it lists changes (the project lists whenever
any project's funds change), yet the rows of the records that did not change are the same
HTML as before, and rendering them is most of a list page's cost. A table that says what
one of its rows shows (`row_scopes(record)`: scopes of cooperation/invalidation.py) keeps
each row under the tokens of those scopes, so that the page after a change renders only the
rows of the records that changed.

Rows are read from and kept in the cache only in a request that read its tokens before any
data (an anonymous visitor's page, portal.page_cache), and kept only if nothing changed
since: a row's data was read in between, so it is the data of the tokens it is kept under.
Elsewhere (staff pages, tests without the page cache) every row is rendered.
"""

from django.core.cache import cache
from django.utils.translation import get_language

from cooperation.counting import EVERYTHING, tokens_since_start, versioned_key

PREFIX = "row:"


class KeptRows:
    """The rows of the page of a table being rendered: the HTML kept for each, by key."""

    def __init__(self, table, tokens, may_keep, scopes):
        self.may_keep = may_keep
        name = f"{PREFIX}{type(table).__name__}:{get_language()}"
        self.keys = {
            pk: versioned_key(f"{name}:{pk}", {scope: tokens[scope] for scope in wanted})
            for pk, wanted in scopes.items()
        }
        # Both classes of each row (odd, even): a row's place on the page may change.
        self.found = cache.get_many([f"{key}:{odd}" for key in self.keys.values() for odd in (0, 1)])

    @classmethod
    def of(cls, table):
        """The kept rows of the table's page, or None where rows may not be kept."""
        page = getattr(table, "page", None)
        records = page.object_list.data if page is not None else table.data
        scopes = {record.pk: {*table.row_scopes(record), EVERYTHING} for record in records}
        read = tokens_since_start(set().union(*scopes.values()))
        return None if read is None else cls(table, *read, scopes)

    def html(self, row, render):
        key = f"{self.keys[row.record.pk]}:{row.row_counter % 2}"
        html = self.found.get(key)
        if html is None:
            html = render()
            if self.may_keep:
                cache.set(key, html)
        return html


def rendered_row(row, render):
    """The row's HTML: the one kept for its record's data, or render()."""
    table = row.table
    if not hasattr(table, "row_scopes"):
        return render()
    if not hasattr(table, "kept_rows"):
        table.kept_rows = KeptRows.of(table)
    kept = table.kept_rows
    if kept is None or row.record.pk not in kept.keys:
        return render()
    return kept.html(row, render)
