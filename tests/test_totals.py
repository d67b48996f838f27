"""The adding rules of cooperation/totals.py, one test a rule, and the article's totals."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation.attribution import programme_figures
from cooperation.models import Figure, Qualifier
from cooperation.models.periods import Period
from cooperation.totals import HEADLINE_BY_KEY, Reason, breakdown, headline_totals
from tests.factories import (
    make_beneficiary,
    make_benefit,
    make_figure,
    make_indicator,
    make_project,
)

Measure, Unit = Figure.Measure, Figure.Unit
FUNDS, JOBS = HEADLINE_BY_KEY["funds"], HEADLINE_BY_KEY["jobs"]


def total(headline, year=None):
    return headline_totals(programme_figures(), year=year, headlines=[headline])[0]


def reasons(headline, year=None, figure_sets=None):
    listed = breakdown(headline, figure_sets or programme_figures(), year)
    return sorted((int(row["value"]), row["reason"]) for row in listed)


@pytest.fixture
def project(world):
    return make_project(world.pairing, world.source)


def flow(start, end):
    return {"period_kind": Period.FLOW, "period_start": start, "period_end": end}


def test_flows_of_one_measure_and_unit_are_added(world, project):
    make_figure(world.source, 100, project=project, year=2022)
    make_figure(world.source, 200, project=project, year=2023)
    assert total(FUNDS).value == 300
    assert total(FUNDS).period_label == "2022—2023年"


def test_a_part_is_not_added_on_top_of_its_whole(world, project):
    whole = make_figure(world.source, 258, project=project, measure=Measure.JOBS, unit=Unit.PERSON)
    make_figure(
        world.source, 172, project=project, measure=Measure.JOBS, unit=Unit.PERSON, part_of=whole
    )
    assert total(JOBS).value == 258
    assert reasons(JOBS) == [(172, Reason.PART), (258, Reason.ADDED)]


def test_expected_values_are_not_added_to_actual_ones(world, project):
    make_figure(world.source, 100, project=project)
    make_figure(world.source, 3200, project=project, kind=Figure.Kind.EXPECTED)
    assert total(FUNDS).value == 100
    assert (3200, Reason.NOT_ACTUAL) in reasons(FUNDS)


def test_a_cumulative_value_is_shown_beside_never_added(world, project):
    make_figure(world.source, 100, project=project, year=2023)
    cumulative = {"period_kind": Period.CUMULATIVE, "period_end": datetime.date(2023, 10, 26)}
    make_figure(world.source, 480, project=project, **cumulative)
    assert total(FUNDS).value == 100
    assert reasons(FUNDS) == [(100, Reason.ADDED), (480, Reason.CUMULATIVE)]


def test_a_lone_cumulative_value_is_shown_as_itself(world, project):
    end = datetime.date(2023, 10, 26)
    make_figure(world.source, 480, project=project, period_kind=Period.CUMULATIVE, period_end=end)
    shown = total(FUNDS)
    assert shown.value is None
    assert shown.lone_text == "480元" and "2023-10-26" in str(shown.lone_period)


def test_one_year_adds_only_the_flows_inside_it(world, project):
    make_figure(world.source, 1120, project=project, year=2023)
    make_figure(world.source, 2750, project=project, year=2022)
    make_figure(world.source, 305, project=project, year=None)  # period unknown
    year_before = flow(datetime.date(2022, 10, 27), datetime.date(2023, 10, 26))
    make_figure(world.source, 5005, project=project, **year_before)
    assert total(FUNDS, 2023).value == 1120
    assert reasons(FUNDS, 2023) == [
        (305, Reason.UNKNOWN_PERIOD),
        (1120, Reason.ADDED),
        (2750, Reason.OTHER_YEAR),
        (5005, Reason.CROSSES_YEAR),
    ]
    assert total(FUNDS, 2023).period_label == "2023年"


def test_one_year_says_the_span_of_what_it_added_not_the_whole_year(world, project):
    nine_months = flow(datetime.date(2023, 1, 1), datetime.date(2023, 9, 30))
    make_figure(world.source, 592, project=project, period="2023年前三季度", **nine_months)
    assert total(FUNDS, 2023).period_label == "2023年前三季度"
    make_figure(world.source, 8, project=project, **nine_months)
    assert total(FUNDS, 2023).period_label == "2023-01-01至2023-09-30"


def test_all_years_add_flows_and_unknown_periods_and_say_the_periods_differ(world, project):
    make_figure(world.source, 1120, project=project, year=2023)
    make_figure(world.source, 305, project=project, year=None)
    assert total(FUNDS).value == 1425
    assert total(FUNDS).period_label == "期间不一"


def test_a_project_figure_is_not_added_to_an_overlapping_figure_of_the_whole_pairing(
    world, project
):
    labour = make_project(world.pairing, world.source)
    labourers = make_beneficiary(world.source, "农村劳动力")
    year_before = flow(datetime.date(2022, 10, 27), datetime.date(2023, 10, 26))
    make_figure(
        world.source,
        5005,
        benefit=make_benefit(labour, labourers),
        measure=Measure.JOBS,
        unit=Unit.PERSON,
        scope=Figure.Scope.PAIRING,
        **year_before,
    )
    three_quarters = flow(datetime.date(2023, 1, 1), datetime.date(2023, 9, 30))
    jobs = {"measure": Measure.JOBS, "unit": Unit.PERSON, "project": project}
    make_figure(world.source, 258, **jobs, **three_quarters)
    make_figure(world.source, 130, **jobs, year=None)
    make_figure(world.source, 40, **jobs, year=2021)  # before the pairing's year: disjoint
    assert total(JOBS).value == 5005 + 40
    assert reasons(JOBS) == [
        (40, Reason.ADDED),
        (130, Reason.IN_PAIRING_FIGURE),
        (258, Reason.IN_PAIRING_FIGURE),
        (5005, Reason.ADDED),
    ]


def test_in_one_year_a_project_figure_is_still_not_added_to_the_pairings_figure(world, project):
    indicator = make_indicator(world.pairing, Measure.JOBS, 2023, 5005)
    make_figure(world.source, 258, project=project, measure=Measure.JOBS, unit=Unit.PERSON)

    assert total(JOBS, 2023).value == Decimal(5005)
    assert reasons(JOBS, 2023) == [(258, Reason.IN_PAIRING_FIGURE), (5005, Reason.ADDED)]
    assert indicator.figures.count() == 1


def test_a_qualifier_of_any_part_carries_into_the_total(world, project):
    make_figure(world.source, 100, project=project)
    make_figure(world.source, 27_500_000, project=project, qualifier=Qualifier.AT_LEAST)
    assert total(FUNDS).qualifier == Qualifier.AT_LEAST
    assert total(FUNDS).text == "2750.01多万元"


def test_another_unit_is_listed_and_not_added(world, project):
    make_figure(world.source, 5, project=project, measure=Measure.ENTERPRISES, unit=Unit.ITEM)
    enterprises = HEADLINE_BY_KEY["enterprises"]
    assert total(enterprises).value is None
    assert reasons(enterprises) == [(5, Reason.OTHER_UNIT)]


def test_drafts_are_neither_added_nor_listed(world):
    draft = make_project(world.pairing, world.source, status="draft")
    make_figure(world.source, 100, project=draft)
    assert total(FUNDS).value is None and reasons(FUNDS) == []


# The article's data ----------------------------------------------------------------------


def load_article():
    fixtures = sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)


def shown_numbers(html):
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize("year", [None, 2022, 2023])
def test_every_headline_card_links_to_a_breakdown_that_adds_up_to_it(db, client, year):
    load_article()
    home = client.get(reverse("cooperation:home"), {"year": year} if year else {})
    for card in home.context["dashboard"].totals:
        page = client.get(card.breakdown_url)
        assert page.status_code == 200
        assert card.breakdown_url in home.content.decode()
        listed = list(breakdown(card.headline, programme_figures(), year))
        added = [row["value"] for row in listed if row["reason"] == Reason.ADDED]
        assert len(added) == card.count
        assert (sum(added, Decimal(0)) if added else None) == card.value
        assert len(listed) == card.count + card.beside_count
        if card.value is not None:
            assert card.text in shown_numbers(page.content.decode())


def test_the_articles_headlines_claim_only_what_the_article_supports(db, client):
    load_article()
    html = shown_numbers(client.get(reverse("cooperation:home")).content.decode())
    totals = {t.headline.key: t for t in client.get("/").context["dashboard"].totals}
    assert totals["jobs"].text == "5005人"
    assert "一年来" in str(totals["jobs"].period_label)
    assert "5966" not in html and "7155.65" not in html and "4234" not in html
    assert totals["funds"].text == "6675.65多万元"
    assert str(totals["funds"].period_label) == "期间不一"
    assert [g.reason for g in totals["funds"].beside] == [Reason.CUMULATIVE]
    assert totals["sales"].lone_text == "2.17亿元"
    assert "合计" not in str(totals["sales"].lone_period)


def test_a_ratio_compares_the_two_values_in_their_own_units_and_says_so(db, client):
    load_article()
    html = shown_numbers(client.get(reverse("cooperation:home")).content.decode())
    assert "225人次" not in html
    assert "225人" in html
    assert "单位不同：本年为人次，上一年为人" in html
    assert "248.89%" in html


def test_a_breakdown_page_costs_a_fixed_number_of_queries(db, client, world, project):
    make_figure(world.source, 100, project=project)
    url = reverse("cooperation:total-breakdown", kwargs={"key": "funds"})
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(30):
        make_figure(world.source, 100, project=make_project(world.pairing, world.source))
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 15
