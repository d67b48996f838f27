"""A place's totals add only what is about that place: amounts given 分别 (each) count on
each place, joint amounts are shown as shared and counted once above; and every computed
number on the home page and a region page lists, on its breakdown page, what it added."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from cooperation.attribution import category_figures, region_figures
from cooperation.dashboard import region_summary
from cooperation.models import Figure, Region
from cooperation.totals import HEADLINE_BY_KEY, Reason, breakdown, headline_totals
from tests.factories import (
    make_beneficiary,
    make_benefit,
    make_figure,
    make_pairing,
    make_project,
    make_region,
)

FUNDS = HEADLINE_BY_KEY["funds"]
Scope = Figure.Scope


def funds_of(region, year=None):
    return headline_totals(region_figures(region), year, [FUNDS])[0]


@pytest.fixture
def places(world):
    """A second town with a village, beside 猫营镇 (with 黄鹤营村) and 坝羊镇."""
    world.bandang = make_region("板当镇", Region.Level.TOWN, world.ziyun)
    world.dongkou = make_region("硐口村", Region.Level.VILLAGE, world.bandang)
    world.cuihe = make_region("翠河村", Region.Level.VILLAGE, world.bandang)
    return world


def test_an_amount_given_each_counts_once_on_each_place(places):
    world = places
    project = make_project(world.pairing, world.source, locations=[world.ziyun])
    for village in (world.huanghe, world.dongkou, world.cuihe):
        make_figure(world.source, 5_000_000, project=project, scope=Scope.PLACES, places=[village])

    assert funds_of(world.huanghe).value == Decimal(5_000_000)
    assert funds_of(world.maoying).value == Decimal(5_000_000)
    assert funds_of(world.bandang).value == Decimal(10_000_000)
    assert funds_of(world.ziyun).value == Decimal(15_000_000)
    assert funds_of(world.bayang).value is None


def test_a_joint_amount_is_shared_on_each_place_and_counted_once_above(places, client):
    world = places
    project = make_project(world.pairing, world.source, locations=[world.maoying])
    make_figure(
        world.source,
        27_500_000,
        project=project,
        scope=Scope.PLACES,
        places=[world.bayang, world.dongkou],
    )

    for town, partner in ((world.bayang, "板当镇"), (world.bandang, "坝羊镇")):
        total = funds_of(town)
        assert total.value is None
        assert [group.reason for group in total.beside] == [Reason.SHARED]
        assert total.shared_text == "2750万元"
        page = client.get(town.get_absolute_url())
        assert f"另有2750万元与{partner}共同" in re.sub(r"\s+", " ", page.content.decode())
    assert funds_of(world.ziyun).value == Decimal(27_500_000)
    assert funds_of(world.guizhou).value == Decimal(27_500_000)


def test_a_project_in_two_towns_shares_its_funds_between_them(places):
    world = places
    make_project(world.pairing, world.source, locations=[world.huanghe, world.bayang], funds=600)

    assert funds_of(world.maoying).value is None
    assert funds_of(world.maoying).shared_text == "600元"
    assert funds_of(world.ziyun).value == Decimal(600)


def test_a_benefit_figure_counts_where_its_beneficiary_is(places):
    world = places
    project = make_project(world.pairing, world.source, locations=[world.ziyun])
    village = make_beneficiary(world.source, region=world.cuihe)
    make_figure(world.source, 300, benefit=make_benefit(project, village))

    assert funds_of(world.bandang).value == Decimal(300)
    assert funds_of(world.maoying).value is None


def test_a_figure_of_the_whole_pairing_counts_on_the_west_county_not_on_its_towns(places):
    world = places
    project = make_project(world.pairing, world.source, locations=[world.huanghe])
    make_figure(world.source, 900, project=project, scope=Scope.PAIRING)

    assert funds_of(world.ziyun).value == Decimal(900)
    assert funds_of(world.maoying).value is None


def test_an_eastern_region_totals_what_its_pairings_gave(places):
    world = places
    make_project(world.pairing, world.source, locations=[world.huanghe], funds=700)
    other_east = make_region("浙江省")
    other = make_pairing(other_east, world.ziyun, world.source)
    make_project(other, world.source, locations=[world.bayang], funds=50)

    assert funds_of(world.guangdong).value == Decimal(700)
    assert funds_of(other_east).value == Decimal(50)
    assert funds_of(world.ziyun).value == Decimal(750)


def test_town_bars_never_add_up_to_more_than_the_county(places, client):
    world = places
    make_project(world.pairing, world.source, locations=[world.huanghe], funds=100)
    make_project(world.pairing, world.source, locations=[world.huanghe, world.cuihe], funds=40)
    make_project(world.pairing, world.source, locations=[world.ziyun], funds=7)
    bars = client.get(reverse("cooperation:home")).context["dashboard"].towns

    by_town = {bar.label: (bar.value, bar.shared_text) for bar in bars}
    assert by_town == {"猫营镇": (Decimal(100), "40元"), "板当镇": (None, "40元")}
    county = funds_of(world.ziyun).value
    assert sum(bar.value or 0 for bar in bars) <= county == Decimal(147)


# Every computed number links to a breakdown that lists what it added ---------------------


def listed_on_breakdown(client, url):
    """The figures a breakdown page lists as added, read from every page of its list."""
    listed, page = [], 1
    while True:
        joiner = "&" if "?" in url else "?"
        response = client.get(f"{url}{joiner}reason={Reason.ADDED}&page={page}")
        assert response.status_code == 200
        html = response.content.decode()
        listed += [
            int(pk) for pk in re.findall(r'class="breakdown-item[^"]*" id="figure-(\d+)"', html)
        ]
        if not response.context["page_obj"].has_next():
            return listed
        page += 1


def value_of(pks):
    figures = Figure.objects.filter(pk__in=pks)
    assert figures.count() == len(pks) == len(set(pks))
    return sum((figure.value for figure in figures), Decimal(0)) if pks else None


def load_article():
    fixtures = sorted(Path(settings.BASE_DIR, "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)


@pytest.mark.parametrize("year", [None, 2023])
def test_every_number_on_the_home_page_adds_up_on_its_breakdown(db, client, year):
    load_article()
    home = client.get(reverse("cooperation:home"), {"year": year} if year else {})
    html = home.content.decode()
    dashboard = home.context["dashboard"]
    numbers = [(card.breakdown_url, card.value) for card in dashboard.totals]
    numbers += [(bar.breakdown_url, bar.value) for bar in dashboard.categories + dashboard.towns]
    assert len(numbers) > 6
    for url, value in numbers:
        assert url.replace("&", "&amp;") in html
        assert value_of(listed_on_breakdown(client, url)) == value


def test_every_total_on_a_region_page_adds_up_on_its_breakdown(db, client):
    load_article()
    for name in ("紫云苗族布依族自治县", "板当镇", "四大寨乡", "黄鹤营村", "南沙区"):
        region = Region.objects.get(name=name)
        page = client.get(region.get_absolute_url())
        totals = page.context["summary"].totals
        assert totals
        for total in totals:
            assert total.breakdown_url.replace("&", "&amp;") in page.content.decode()
            assert value_of(listed_on_breakdown(client, total.breakdown_url)) == total.value


def test_the_articles_places_show_what_the_article_says(db, client):
    load_article()
    expected = {"黄鹤营村": "500万元", "猫营镇": "500万元", "板当镇": "1000万元"}
    for name, text in expected.items():
        assert funds_of(Region.objects.get(name=name)).text == text
    for name, partner in (("四大寨乡", "格凸河镇"), ("格凸河镇", "四大寨乡")):
        summary = region_summary(Region.objects.get(name=name))
        funds = next(total for total in summary.totals if total.headline == FUNDS)
        assert funds.value is None and funds.shared_text == "2750多万元"
        assert funds.partners == [partner]
    bars = {bar.label: bar for bar in client.get("/").context["dashboard"].towns}
    assert bars["猫营镇"].text == "500万元" and bars["板当镇"].text == "1000万元"
    assert bars["四大寨乡"].value is None and bars["四大寨乡"].shared_text == "2750多万元"


def test_category_bars_add_up_to_the_funds_headline_without_the_pairing_figures(db, client):
    load_article()
    dashboard = client.get("/").context["dashboard"]
    funds = next(total for total in dashboard.totals if total.headline == FUNDS)
    in_bars = sum(bar.value or 0 for bar in dashboard.categories)
    about_pairings = [
        row["value"]
        for row in breakdown(FUNDS, [Figure.objects.filter(scope=Scope.PAIRING)], None)
        if row["reason"] == Reason.ADDED
    ]
    assert in_bars + sum(about_pairings, Decimal(0)) == funds.value
    assert headline_totals(category_figures("industry"), None, [FUNDS])[0].value == next(
        bar.value for bar in dashboard.categories if bar.url.endswith("category=industry")
    )


@pytest.mark.parametrize(
    "query", ["region=abc", "region=99999999", "region=1&category=x", "reason=zzz"]
)
def test_odd_breakdown_queries_are_answered(db, client, query):
    load_article()
    response = client.get(f"/totals/funds/?{query}")
    assert response.status_code == 200


def test_a_breakdown_groups_what_it_added_by_year_province_and_pairing(places, client):
    world = places
    zhejiang = make_region("浙江省")
    other = make_pairing(zhejiang, world.ziyun, world.source)
    make_project(world.pairing, world.source, locations=[world.huanghe], funds=700)
    project = make_project(other, world.source, locations=[world.bayang], funds=50)
    make_figure(world.source, 5, project=project, year=2022)

    page = client.get(reverse("cooperation:total-breakdown", kwargs={"key": "funds"}))
    groups, total = page.context["groups"], page.context["total"]
    assert total.value == Decimal(755)
    for rows in (groups["years"], groups["provinces"], groups["pairings"]):
        assert sum(row.total.value for row in rows) == total.value
    assert [row.label for row in groups["provinces"]] == ["广东省 → 贵州省", "浙江省 → 贵州省"]
    assert [row.total.value for row in groups["years"]] == [Decimal(750), Decimal(5)]


def test_a_pairing_page_totals_its_figures_and_links_each_to_its_breakdown(db, client):
    load_article()
    pairing = Figure.objects.get(value=50_050_000 / 10_000, unit="人").pairing
    page = client.get(pairing.get_absolute_url())
    totals = {total.headline.key: total for total in page.context["totals"]}
    assert totals["jobs"].text == "5005人"
    for total in totals.values():
        assert total.breakdown_url.replace("&", "&amp;") in page.content.decode()
        assert value_of(listed_on_breakdown(client, total.breakdown_url)) == total.value
