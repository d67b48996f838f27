"""What the parser hands back: plain frozen records, so that intake can keep them in a session
or compare them, and the command can print them, without the ORM."""

import datetime
from dataclasses import dataclass
from decimal import Decimal


def decimal_text(value):
    """An exact Decimal as plain text without exponent or trailing zeros: 389000000.00 →
    '389000000', 305.650 → '305.65'."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Period:
    words: str
    kind: str
    start: datetime.date | None = None
    end: datetime.date | None = None

    def as_json(self):
        return {
            "words": self.words,
            "kind": self.kind,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True)
class Found:
    text: str
    start: int
    end: int
    value: Decimal
    value_max: Decimal | None
    unit: str
    model_unit: str
    qualifier: str
    kind: str
    measure: str
    label: str
    period: Period | None
    sentence: Sentence

    def as_json(self):
        return {
            "text": self.text,
            "value": decimal_text(self.value),
            "value_max": None if self.value_max is None else decimal_text(self.value_max),
            "unit": self.unit,
            "model_unit": self.model_unit,
            "qualifier": self.qualifier,
            "kind": self.kind,
            "period": self.period.as_json() if self.period else None,
            "sentence": self.sentence.text,
            "start": self.start,
            "end": self.end,
            "measure": self.measure,
            "label": self.label,
        }
