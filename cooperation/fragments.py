"""Pieces of pages kept rendered, one per record, under the version of the data each shows.

A list page is built again whenever a record it lists changes (the project lists whenever
any project's funds change), yet the rows of the records that did not change are the same
HTML as before, and rendering them is most of a list page's cost; so is an IATI file's
activities. A table that says what one of its rows shows (`row_scopes(record)`: scopes of
cooperation/invalidation.py) keeps each row under the tokens of those scopes, and the IATI
file each activity (cooperation/iati.py), so that the page after a change renders only the
pieces of the records that changed.

Pieces are read from and kept in the cache only in a request that read its tokens before
any data (an anonymous visitor's page, portal.page_cache), and kept only if nothing changed
since: a piece's data was read in between, so it is the data of the tokens it is kept under.
Elsewhere (staff pages, tests without the page cache) every piece is rendered.
"""

from django.core.cache import cache
from django.utils.translation import get_language

from cooperation.counting import EVERYTHING, tokens_since_start, versioned_key

PREFIX = "piece:"


class KeptPieces:
    """The pieces of some records, each in one or more variants, as kept for their data."""

    def __init__(self, name, scopes, tokens, may_keep, variants):
        self.may_keep = may_keep
        self.keys = {
            pk: versioned_key(f"{PREFIX}{name}:{pk}", {scope: tokens[scope] for scope in wanted})
            for pk, wanted in scopes.items()
        }
        self.found = cache.get_many(
            [f"{key}:{variant}" for key in self.keys.values() for variant in variants]
        )

    @classmethod
    def of(cls, name, scopes, variants=("",)):
        """The pieces of the records of `scopes` ({pk: the scopes its piece shows}) named
        `name`, or None where pieces may not be kept."""
        scopes = {pk: {*wanted, EVERYTHING} for pk, wanted in scopes.items()}
        read = tokens_since_start(set().union(*scopes.values()))
        return None if read is None else cls(name, scopes, *read, variants)

    def kept(self, pk, variant=""):
        """The piece kept for the record's data, or None."""
        return self.found.get(f"{self.keys[pk]}:{variant}")

    def keep(self, pk, piece, variant=""):
        if self.may_keep:
            cache.set(f"{self.keys[pk]}:{variant}", piece)

    def get(self, pk, render, variant=""):
        """The piece kept for the record's data, or render() (kept when it may be)."""
        piece = self.kept(pk, variant)
        if piece is None:
            piece = render()
            self.keep(pk, piece, variant)
        return piece


def rendered_row(row, render):
    """A table row's HTML: the one kept for its record's data, or render()."""
    table = row.table
    if not hasattr(table, "row_scopes"):
        return render()
    if not hasattr(table, "kept_rows"):
        page = getattr(table, "page", None)
        records = page.object_list.data if page is not None else table.data
        scopes = {record.pk: table.row_scopes(record) for record in records}
        name = f"{type(table).__name__}:{get_language()}"
        # Both classes of each row (even, odd): a row's place on the page may change.
        table.kept_rows = KeptPieces.of(name, scopes, variants=(0, 1))
    kept = table.kept_rows
    if kept is None or row.record.pk not in kept.keys:
        return render()
    return kept.get(row.record.pk, render, variant=row.row_counter % 2)
