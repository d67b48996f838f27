from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from cooperation.formatting import percent_text, quantity_text, yuan
from cooperation.models import Figure, Qualifier


@pytest.mark.parametrize(
    ("value", "qualifier", "text"),
    [
        (389000000, Qualifier.EXACT, "3.89亿元"),
        (3056500, Qualifier.EXACT, "305.65万元"),
        (27500000, Qualifier.AT_LEAST, "2750多万元"),
        (500000, Qualifier.MORE_THAN, "50余万元"),
        (5000000, Qualifier.ABOUT, "约500万元"),
        (Decimal("9999.50"), Qualifier.EXACT, "9999.5元"),
        (10000, Qualifier.EXACT, "1万元"),
        (0, Qualifier.EXACT, "0元"),
    ],
)
def test_money_reads_in_wan_and_yi_with_its_qualifier(value, qualifier, text):
    with translation.override("zh-hans"):
        assert yuan(value, qualifier) == text


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "text"),
    [
        (1526, Figure.Unit.PERSON, Qualifier.EXACT, "1526人"),
        (10, Figure.Unit.KIND, Qualifier.MORE_THAN, "10余种"),
        (99999, Figure.Unit.PERSON, Qualifier.EXACT, "99999人"),
        (300, Figure.Unit.PERSON_TIME, Qualifier.ABOUT, "约300人次"),
        (2000000, Figure.Unit.JIN, Qualifier.EXACT, "200万斤"),
        (2000000, Figure.Unit.JIN, Qualifier.AT_LEAST, "200多万斤"),
        (150000000, Figure.Unit.PERSON, Qualifier.EXACT, "1.5亿人"),
        (96, Figure.Unit.PERCENT, Qualifier.EXACT, "96%"),
        (3000, Figure.Unit.MU, Qualifier.LESS_THAN, "不足3000亩"),
        (150000, Figure.Unit.MU, Qualifier.EXACT, "15万亩"),
        (1200, Figure.Unit.HOUSEHOLD, Qualifier.MORE_THAN, "1200余户"),
        (2, Figure.Unit.TIMES, Qualifier.EXACT, "2倍"),
    ],
)
def test_counts_scale_to_wan_only_from_one_hundred_thousand(value, unit, qualifier, text):
    with translation.override("zh-hans"):
        assert quantity_text(value, unit, qualifier) == text


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "text"),
    [
        (389000000, "元", Qualifier.EXACT, "389 million yuan"),
        (3056500, "元", Qualifier.EXACT, "3.0565 million yuan"),
        (27500000, "元", Qualifier.AT_LEAST, "at least 27.5 million yuan"),
        (500000, "元", Qualifier.MORE_THAN, "more than 500,000 yuan"),
        (1200000000, "元", Qualifier.ABOUT, "about 1.2 billion yuan"),
        (1526, "人", Qualifier.EXACT, "1,526 people"),
        (10, "种", Qualifier.MORE_THAN, "more than 10 kinds"),
        (40, "%", Qualifier.EXACT, "40%"),
        (3000, "亩", Qualifier.LESS_THAN, "less than 3,000 mu"),
        (12, "户", Qualifier.EXACT, "12 households"),
        (1, "户", Qualifier.EXACT, "1 household"),
        (500, "吨", Qualifier.ABOUT, "about 500 tonnes"),
        (6, "对", Qualifier.EXACT, "6 pairs"),
        (2, "倍", Qualifier.EXACT, "2 times"),
    ],
)
def test_english_readers_get_millions_and_english_words(value, unit, qualifier, text):
    with translation.override("en"):
        assert quantity_text(value, unit, qualifier) == text


def test_empty_value_reads_as_nothing():
    assert quantity_text(None, "元") == ""
    assert percent_text(None) == ""


def test_percent_drops_trailing_zeros():
    assert percent_text(Decimal("107.50")) == "107.5%"
    assert percent_text(Decimal("600.00")) == "600%"


def test_template_filters_format_money_and_figures():
    figure = Figure(value=Decimal(27500000), unit="元", qualifier=Qualifier.AT_LEAST)
    template = Template(
        "{% load cooperation %}{{ funds|yuan }}|{{ funds|yuan:'more_than' }}|{{ figure|figure }}"
    )
    with translation.override("zh-hans"):
        html = template.render(Context({"funds": Decimal(3056500), "figure": figure}))
    assert html == "305.65万元|305.65余万元|2750多万元"
