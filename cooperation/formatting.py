"""How figures read to Chinese readers: 305.65万元, 3.89亿元, 2750多万元, 约10人."""

from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cooperation.models import Qualifier

WAN = Decimal(10_000)
YI = Decimal(100_000_000)

# Chinese places 多 and 余 between the number and the unit ("2750多万元", "50余万元").
QUALIFIER_INFIX = {Qualifier.AT_LEAST: "多", Qualifier.MORE_THAN: "余"}


def plain_number(value):
    """A Decimal without trailing zeros or exponent: 305.6500 → '305.65', 1.0E+3 → '1000'."""
    text = format(Decimal(value).normalize(), "f")
    return text


def yuan_parts(value):
    """Split an amount in 元 into (number text, unit text) the way Chinese readers read it."""
    value = Decimal(value)
    if value >= YI:
        return plain_number(round(value / YI, 4)), "亿元"
    if value >= WAN:
        return plain_number(round(value / WAN, 4)), "万元"
    return plain_number(round(value, 2)), "元"


def quantity_text(value, unit, qualifier=Qualifier.EXACT):
    """A number with its unit and qualifier; amounts of money scaled to 万元/亿元."""
    if value is None:
        return ""
    if unit == "元":
        number, unit = yuan_parts(value)
    else:
        number = plain_number(value)
    chinese = (get_language() or "zh-hans").startswith("zh")
    if qualifier in QUALIFIER_INFIX and chinese:
        return f"{number}{QUALIFIER_INFIX[qualifier]}{unit}"
    if qualifier == Qualifier.ABOUT and chinese:
        return f"约{number}{unit}"
    prefix = {
        Qualifier.AT_LEAST: _("至少"),
        Qualifier.MORE_THAN: _("超过"),
        Qualifier.ABOUT: _("约"),
    }.get(qualifier, "")
    return f"{prefix} {number}{unit}".strip()


def yuan(value, qualifier=Qualifier.EXACT):
    return quantity_text(value, "元", qualifier)


def figure_text(figure):
    return quantity_text(figure.value, figure.unit, figure.qualifier)


def percent_text(value):
    if value is None:
        return ""
    return f"{plain_number(value)}%"
