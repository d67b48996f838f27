"""Filters of the search page: the words a visitor looked for, marked in what was found."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from cooperation.search import is_word, searched_fields

register = template.Library()

# Characters of a passage shown on either side of the first match.
AROUND = 40


@register.filter
def marked(text, words):
    """The text, escaped, with every occurrence of the words (in any case) in <mark>."""
    text = "" if text is None else str(text)
    if not words:
        return escape(text)
    pattern = re.escape(words)
    if is_word(words):  # a Latin word is marked whole, as it is found (search.contains)
        pattern = f"(?<![a-z0-9]){pattern}(?:s|es)?(?![a-z0-9])"
    pieces, last = [], 0
    for match in re.finditer(pattern, text, flags=re.IGNORECASE):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(format_html("<mark>{}</mark>", match.group()))
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 every piece is escaped above


@register.filter
def passage(record, words):
    """Where the words stand in the record's searched texts other than its name or title
    (the result shows that already): the first such text, cut around the match; empty
    when only the name matched or the record was found through a place or body."""
    if not words:
        return ""
    folded = words.casefold()
    model = type(record)
    titles = {"title", "name", "title_en", "name_en"}
    for name in searched_fields(model):
        if name in titles:
            continue
        text = getattr(record, name, "") or ""
        start = text.casefold().find(folded)
        if start < 0:
            continue
        begin, end = max(start - AROUND, 0), min(start + len(words) + AROUND, len(text))
        cut = ("…" if begin else "") + text[begin:end] + ("…" if end < len(text) else "")
        return marked(cut, words)
    return ""
