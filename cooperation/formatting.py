"""How figures read: 305.65万元, 3.89亿元, 2750多万元 in Chinese; 3.0565 million yuan in English."""

from decimal import Decimal

from django.utils.translation import get_language

from cooperation.models import Qualifier

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)

# Chinese places 多 and 余 between the number and the unit ("2750多万元", "50余万元").
QUALIFIER_INFIX = {Qualifier.AT_LEAST: "多", Qualifier.MORE_THAN: "余"}
QUALIFIER_PREFIX = {Qualifier.ABOUT: "约"}

# English counts in millions and billions, so the scaling is not a translation of 万/亿.
ENGLISH_QUALIFIER = {
    Qualifier.AT_LEAST: "at least",
    Qualifier.MORE_THAN: "more than",
    Qualifier.ABOUT: "about",
}
ENGLISH_UNIT = {
    "元": "yuan",
    "人": "people",
    "人次": "person-times",
    "期": "sessions",
    "批": "batches",
    "节": "lessons",
    "种": "kinds",
    "斤": "jin",
}


def plain_number(value, grouped=False):
    """A Decimal without trailing zeros or exponent: 305.6500 → '305.65', 1.0E+3 → '1000'."""
    return format(Decimal(value).normalize(), ",f" if grouped else "f")


def yuan_parts(value):
    """Split an amount in 元 into (number text, unit text) the way Chinese readers read it."""
    value = Decimal(value)
    if value >= YI:
        return plain_number(round(value / YI, 4)), "亿元"
    if value >= WAN:
        return plain_number(round(value / WAN, 4)), "万元"
    return plain_number(round(value, 2)), "元"


def english_parts(value, unit):
    value = Decimal(value)
    if unit == "元" and value >= BILLION:
        return plain_number(round(value / BILLION, 4)), " billion yuan"
    if unit == "元" and value >= MILLION:
        return plain_number(round(value / MILLION, 4)), " million yuan"
    word = ENGLISH_UNIT.get(unit, "")
    if unit == "%":
        return plain_number(value), "%"
    return plain_number(round(value, 2), grouped=True), f" {word}" if word else ""


def is_chinese():
    return (get_language() or "zh-hans").startswith("zh")


def quantity_text(value, unit, qualifier=Qualifier.EXACT):
    """A number with its unit and qualifier; amounts of money scaled to 万元/亿元."""
    if value is None:
        return ""
    if not is_chinese():
        number, unit_text = english_parts(value, unit)
        return f"{ENGLISH_QUALIFIER.get(qualifier, '')} {number}{unit_text}".strip()
    if unit == "元":
        number, unit = yuan_parts(value)
    else:
        number = plain_number(value)
    infix = QUALIFIER_INFIX.get(qualifier, "")
    return f"{QUALIFIER_PREFIX.get(qualifier, '')}{number}{infix}{unit}"


def yuan(value, qualifier=Qualifier.EXACT):
    return quantity_text(value, "元", qualifier)


def figure_text(figure):
    return quantity_text(figure.value, figure.unit, figure.qualifier)


def percent_text(value):
    if value is None:
        return ""
    return f"{plain_number(value)}%"
