"""How figures read: 305.65万元, 3.89亿元, 2750多万元, 约10人 to Chinese readers, and
"3.0565 million yuan", "at least 27.5 million yuan", "about 10 people" to English ones."""

from decimal import Decimal

from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext as _

from cooperation.quantities import Qualifier, Unit

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
MILLION = Decimal(1_000_000)
BILLION = Decimal(1_000_000_000)

UNIT_WORDS = {
    Unit.PERSON: ngettext_lazy("%(number)s人", "%(number)s人", "count"),
    Unit.PERSON_TIME: ngettext_lazy("%(number)s人次", "%(number)s人次", "count"),
    Unit.SESSION: ngettext_lazy("%(number)s期", "%(number)s期", "count"),
    Unit.BATCH: ngettext_lazy("%(number)s批", "%(number)s批", "count"),
    Unit.LESSON: ngettext_lazy("%(number)s节", "%(number)s节", "count"),
    Unit.KIND: ngettext_lazy("%(number)s种", "%(number)s种", "count"),
    Unit.JIN: ngettext_lazy("%(number)s斤", "%(number)s斤", "count"),
    Unit.PAIR: ngettext_lazy("%(number)s对", "%(number)s对", "count"),
    Unit.MU: ngettext_lazy("%(number)s亩", "%(number)s亩", "count"),
    Unit.HOUSEHOLD: ngettext_lazy("%(number)s户", "%(number)s户", "count"),
    Unit.TONNE: ngettext_lazy("%(number)s吨", "%(number)s吨", "count"),
    Unit.TIMES: ngettext_lazy("%(number)s倍", "%(number)s倍", "count"),
}
MEASURE_WORDS = {Unit.ITEM, Unit.ENTERPRISE, Unit.SCHOOL}
UNSCALED = {Unit.PERCENT, Unit.TIMES}

# Chinese places 多 and 余 between the number and the unit ("2750多万元", "50余万元").
QUALIFIER_INFIX = {Qualifier.AT_LEAST: "多", Qualifier.MORE_THAN: "余"}


def plain_number(value):
    """A Decimal without trailing zeros or exponent: 305.6500 → '305.65', 1.0E+3 → '1000'."""
    text = format(Decimal(value).normalize(), "f")
    return text


def grouped_number(value):
    """plain_number with thousands separators, as English readers expect: '2,000,000'."""
    return format(Decimal(value).normalize(), ",f")


def yuan_parts(value):
    """Split an amount in 元 into (number text, unit text) the way Chinese readers read it."""
    value = Decimal(value)
    if value >= YI:
        return plain_number(round(value / YI, 4)), "亿元"
    if value >= WAN:
        return plain_number(round(value / WAN, 4)), "万元"
    return plain_number(round(value, 2)), "元"


def count_parts(value, unit):
    """A large count scaled the way Chinese readers read it: 2000000斤 → ('200', '万斤').

    Counts below 十万 stay whole (5005人, 1526人次); percentages and multiples never scale.
    """
    value = Decimal(value)
    if unit in UNSCALED:
        return plain_number(value), unit
    if value >= YI:
        return plain_number(round(value / YI, 4)), f"亿{unit}"
    if value >= 10 * WAN:
        return plain_number(round(value / WAN, 4)), f"万{unit}"
    return plain_number(value), unit


def plural_count(value):
    """The count that picks a plural form: a fraction is never singular ('1.5 people')."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else 2


def yuan_in_words(value):
    """An amount in 元 in millions and billions: '3.0565 million yuan', '500,000 yuan'."""
    value = Decimal(value)
    if value >= BILLION:
        return _("%(number)s十亿元") % {"number": grouped_number(round(value / BILLION, 5))}
    if value >= MILLION:
        return _("%(number)s百万元") % {"number": grouped_number(round(value / MILLION, 6))}
    return _("%(number)s元") % {"number": grouped_number(round(value, 2))}


def count_in_words(value, unit):
    """A count with its unit as a word; a measure word English has no noun for (个, 家, 所)
    is dropped: '12'."""
    words = UNIT_WORDS.get(unit)
    if words is None:
        return grouped_number(value) if unit in MEASURE_WORDS else f"{grouped_number(value)}{unit}"
    return words % {"number": grouped_number(value), "count": plural_count(value)}


def quantity_text(value, unit, qualifier=Qualifier.EXACT):
    """A number with its unit and qualifier; amounts of money scaled to 万元/亿元 in Chinese
    and to millions or billions of yuan in other languages."""
    if value is None:
        return ""
    if not (get_language() or "zh-hans").startswith("zh"):
        text = yuan_in_words(value) if unit == "元" else count_in_words(value, unit)
        qualified = {
            Qualifier.AT_LEAST: _("至少%(quantity)s"),
            Qualifier.MORE_THAN: _("超过%(quantity)s"),
            Qualifier.ABOUT: _("约%(quantity)s"),
            Qualifier.LESS_THAN: _("不足%(quantity)s"),
        }.get(qualifier)
        return qualified % {"quantity": text} if qualified else text
    number, unit = yuan_parts(value) if unit == "元" else count_parts(value, unit)
    if qualifier in QUALIFIER_INFIX:
        return f"{number}{QUALIFIER_INFIX[qualifier]}{unit}"
    if qualifier == Qualifier.ABOUT:
        return f"约{number}{unit}"
    if qualifier == Qualifier.LESS_THAN:
        return f"不足{number}{unit}"
    return f"{number}{unit}"


def yuan(value, qualifier=Qualifier.EXACT):
    return quantity_text(value, "元", qualifier)


def figure_text(figure):
    return quantity_text(figure.value, figure.unit, figure.qualifier)


def percent_text(value):
    if value is None:
        return ""
    return f"{plain_number(value)}%"


def period_text(kind, start, end):
    """A period read from its dates: 2023年, 2023-01-01至2023-09-30, 截至2023-10-26累计."""
    if kind == "flow" and start and end:
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            if start.year == end.year:
                return _("%(year)d年") % {"year": start.year}
            return _("%(first)d—%(last)d年") % {"first": start.year, "last": end.year}
        return _("%(start)s至%(end)s") % {"start": start.isoformat(), "end": end.isoformat()}
    if kind == "cumulative" and end:
        if start:
            dates = {"start": start.isoformat(), "end": end.isoformat()}
            return _("%(start)s至%(end)s累计") % dates
        return _("截至%(end)s累计") % {"end": end.isoformat()}
    if kind == "stock" and end:
        return _("截至%(end)s") % {"end": end.isoformat()}
    return ""


def period_label(words, kind, start, end):
    """The source's words for a period, with the dates they were read as when the words
    alone do not say them (今年, 一年来, 截至目前); else the dates alone."""
    dates = period_text(kind, start, end)
    if not words or not dates or any(character.isdigit() for character in words):
        return words or dates
    return _("%(words)s（%(dates)s）") % {"words": words, "dates": dates}
