"""Amounts as exact JSON numbers.

Amounts are stored as Decimals (figures: 18 digits, 2 of them decimals; a project's funds:
16 and 2). JSON numbers are decimal text of any length, so the API writes each Decimal's
own digits (`format(value, "f")`) and never passes it through a binary float: what is
stored to the 分 is what is sent. A reader that parses numbers into IEEE-754 doubles keeps
every value of at most 15 significant digits exactly, i.e. every amount below 10¹³ 元
(ten trillion) with its 分; larger ones need a decimal parser (Python's
`json.loads(text, parse_float=Decimal)`, or any big-number JSON library).

The renderer refuses rather than rounds: a float, or a Decimal that is not finite, in
the output is a programming error, raised instead of written.
"""

import datetime
import json
from decimal import Decimal
from typing import Annotated

from django.utils.functional import Promise
from ninja.renderers import BaseRenderer
from pydantic import WithJsonSchema

AMOUNT_NOTE = (
    "An exact decimal number written with the stored digits (at most 2 decimals: 元 to the "
    "分), never rounded through binary floating point. Values below 10^13 (15 significant "
    "digits) read exactly into an IEEE-754 double too; read larger ones with a decimal parser."
)

Amount = Annotated[Decimal, WithJsonSchema({"type": "number", "description": AMOUNT_NOTE})]


class InexactNumber(TypeError):
    """A number the API will not write because it could not be written exactly."""


def exact_json(value):
    """`value` as JSON text, Decimals written digit for digit."""
    return "".join(_chunks(value))


def _chunks(value):
    if value is None or isinstance(value, bool | int | str):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise InexactNumber(f"{value} has no JSON number")
        yield format(value, "f")
    elif isinstance(value, float):
        raise InexactNumber(f"{value!r} is a binary float: amounts must be Decimals")
    elif isinstance(value, Promise):
        yield json.dumps(str(value), ensure_ascii=False)
    elif isinstance(value, datetime.date | datetime.datetime):
        yield json.dumps(value.isoformat())
    elif isinstance(value, dict):
        yield "{"
        for number, (key, item) in enumerate(value.items()):
            yield ("," if number else "") + json.dumps(str(key), ensure_ascii=False) + ":"
            yield from _chunks(item)
        yield "}"
    elif isinstance(value, list | tuple):
        yield "["
        for number, item in enumerate(value):
            if number:
                yield ","
            yield from _chunks(item)
        yield "]"
    else:
        raise TypeError(f"{type(value).__name__} is not written as JSON")


class ExactJSONRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return exact_json(data)
