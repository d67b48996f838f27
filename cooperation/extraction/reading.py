"""The text the grammar matches against, and its sentences.

Matching runs on a normalised copy of the input: traditional characters turned simplified by
OpenCC (5.92億元 → 5.92亿元, 個 → 个) and full-width letters, digits and signs turned ASCII
(５．９２ → 5.92, ％ → %). The copy has exactly the input's length, character for character,
so every offset found in it is an offset into the input, and spans are cut from the input as
written. OpenCC's phrase tables almost always keep the length; when a text would change length
it is converted one character at a time instead.
"""

import functools
import re

from .results import Sentence

# Full-width ASCII variants (！ to ～) to ASCII, except the full-width comma and colon-like
# marks that Chinese text uses as punctuation: the comma must never read as a thousands
# separator (分别为100，200，300人 are three numbers).
FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if code != 0xFF0C}
FULL_WIDTH[0x3000] = 0x20  # ideographic space

# Sentence ends: 。！？； and their ASCII forms (matched in the normalised text), line breaks,
# and the other full stops of traditional and full-width text, ｡ and ． (matched in the input,
# since normalising makes ． a decimal point): ． before a digit is one (５．９２).
SENTENCE_END = re.compile(r"[。!?;\n\r]")
OTHER_FULL_STOP = re.compile(r"｡|．(?![0-9０-９])")


@functools.cache
def _simplifier():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text):
    converted = _simplifier().convert(text)
    if len(converted) == len(text):
        return converted
    characters = []
    for character in text:
        one = _simplifier().convert(character)
        characters.append(one if len(one) == 1 else character)
    return "".join(characters)


def normalise(text):
    """The input with simplified characters and ASCII digits and signs, offset for offset."""
    return simplified(text).translate(FULL_WIDTH)


def sentences(text):
    """The text split at sentence ends and line breaks (commas do not split), each sentence
    with its offsets in `text`, stripped of surrounding whitespace; empty ones dropped."""
    normal = normalise(text)
    found, start = [], 0
    ends = sorted(
        [match.end() for match in SENTENCE_END.finditer(normal)]
        + [match.end() for match in OTHER_FULL_STOP.finditer(text)]
    )
    for end in [*ends, len(text)]:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped and not all(character in "。｡．!?;！？；" for character in stripped):
            offset = start + (len(piece) - len(piece.lstrip()))
            found.append(Sentence(len(found), offset, offset + len(stripped), stripped))
        start = end
    return found


def same_paragraph(text, earlier, later):
    """Whether no line break separates two sentences: a period stated early in a paragraph
    (今年…；…) still holds for the figures of its later sentences."""
    return "\n" not in text[earlier.end : later.start]
