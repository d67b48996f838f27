"""The east→west flow diagram's data (cooperation.flows) and its place on the home page and
the region pages: every band and party is a total of the totals module, over the same set
of figures its breakdown page lists."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation.attribution import FiguresOf
from cooperation.flows import diagram
from cooperation.models import Figure, Qualifier, Region, Side
from cooperation.models.periods import Period
from cooperation.totals import HEADLINE_BY_KEY, headline_totals
from tests.factories import make_figure, make_pairing, make_project, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_pairings(world):
    """Nansha → Ziyun with 2,000,000 元 (at least), and a second chain, 杭州市西湖区 →
    四川省某县, with 1,000,000 元."""
    make_project(world.pairing, world.source, locations=[world.bayang], funds=1_500_000)
    project = make_project(world.pairing, world.source, locations=[world.maoying])
    make_figure(world.source, 500_000, project=project, qualifier=Qualifier.AT_LEAST)
    zhejiang = make_region("浙江省", side=Side.EAST)
    hangzhou = make_region("杭州市", Region.Level.CITY, zhejiang)
    xihu = make_region("西湖区", Region.Level.COUNTY, hangzhou)
    sichuan = make_region("四川省", side=Side.WEST)
    city = make_region("凉山州", Region.Level.CITY, sichuan)
    county = make_region("布拖县", Region.Level.COUNTY, city)
    world.second = make_pairing(xihu, county, world.source)
    make_project(world.second, world.source, locations=[county], funds=1_000_000)
    world.zhejiang, world.sichuan, world.buto = zhejiang, sichuan, county
    return world


def total_of(flow, **where):
    headline = HEADLINE_BY_KEY[flow]
    return headline_totals(FiguresOf(**where).sets(), None, [headline])[0]


def band(view, east, west):
    return next(b for b in view.bands if b.east.region == east and b.west.region == west)


def test_each_band_is_the_total_of_the_pairings_between_its_parties(two_pairings):
    w = two_pairings
    view = diagram(None, "funds")
    for east, west in ((w.guangdong, w.guizhou), (w.zhejiang, w.sichuan)):
        expected = total_of("funds", east=east, west=west)
        shown = band(view, east, west)
        assert (shown.value, shown.qualifier, shown.total.count) == (
            expected.value,
            expected.qualifier,
            expected.count,
        )
    assert band(view, w.guangdong, w.guizhou).value == Decimal("2000000.00")


def test_an_eastern_party_is_its_regions_own_total(two_pairings):
    """What an eastern province gave is what its region page adds."""
    view = diagram(None, "funds")
    guangdong = next(p for p in view.east if p.region == two_pairings.guangdong)
    assert guangdong.value == total_of("funds", region=two_pairings.guangdong).value
    assert guangdong.url.endswith(f"?east={two_pairings.guangdong.pk}")


def test_a_qualifier_is_kept_in_the_band(two_pairings):
    shown = band(diagram(None, "funds"), two_pairings.guangdong, two_pairings.guizhou)
    assert shown.qualifier == Qualifier.AT_LEAST
    assert shown.text == total_of("funds", region=two_pairings.guangdong).text


def test_band_widths_are_proportional_to_their_values(two_pairings):
    view = diagram(None, "funds")
    wide = band(view, two_pairings.guangdong, two_pairings.guizhou)
    narrow = band(view, two_pairings.zhejiang, two_pairings.sichuan)
    assert wide.thickness == pytest.approx(2 * narrow.thickness)


def test_a_band_with_nothing_to_add_is_marked_and_listed(two_pairings):
    """Only a cumulative sales figure: nothing the rules add, so no zero is drawn."""
    make_figure(
        two_pairings.source,
        800,
        project=make_project(two_pairings.pairing, two_pairings.source),
        measure=Figure.Measure.SALES,
        label="销售额",
        year=None,
        period_kind=Period.CUMULATIVE,
        period_end=datetime.date(2023, 10, 26),
    )
    view = diagram(None, "sales")
    shown = band(view, two_pairings.guangdong, two_pairings.guizhou)
    assert shown.is_empty and shown.value is None
    page = client_get(reverse("cooperation:home") + "?flow=sales")
    assert "flow-band-empty" in page
    assert "无可加总数据" in table_of(page)


def test_a_province_view_shows_its_cities_and_their_partners(two_pairings):
    view = diagram(two_pairings.guizhou, "funds")
    assert [(b.east.region, b.west.region) for b in view.bands] == [
        (two_pairings.guangzhou, two_pairings.anshun)
    ]
    assert view.bands[0].url.endswith(
        f"?east={two_pairings.guangzhou.pk}&west={two_pairings.anshun.pk}"
    )


def test_a_county_view_shows_the_eastern_parties_paired_to_it(two_pairings):
    view = diagram(two_pairings.ziyun, "funds")
    assert [(b.east.region, b.west.region) for b in view.bands] == [
        (two_pairings.nansha, two_pairings.ziyun)
    ]
    assert view.east[0].page_url.startswith(two_pairings.nansha.get_absolute_url())


def test_a_band_opens_a_breakdown_that_shows_its_value(client, two_pairings):
    for region in (None, two_pairings.guizhou, two_pairings.ziyun):
        for shown in diagram(region, "funds").bands:
            response = client.get(shown.url)
            assert response.status_code == 200
            assert shown.text in response.content.decode()


def test_every_value_of_the_diagram_is_in_its_table(client, two_pairings):
    """Without JavaScript or SVG, the table holds every band's and party's value."""
    for url, region in (
        (reverse("cooperation:home"), None),
        (two_pairings.guizhou.get_absolute_url(), two_pairings.guizhou),
        (two_pairings.ziyun.get_absolute_url(), two_pairings.ziyun),
    ):
        table = table_of(client_get(url))
        view = diagram(region, "funds")
        for shape in [*view.bands, *view.parties]:
            assert shape.text in table, f"{shape.text} not in the table of {url}"
        assert table.count('data-label="') == 3 * (len(view.bands) + len(view.parties))


def test_the_picker_chooses_the_measure_and_year(client, two_pairings):
    page = client_get(reverse("cooperation:home") + "?flow=jobs&year=2023")
    assert '<option value="jobs" selected>' in page
    assert '<option value="2023" selected>' in page
    assert "帮助农村劳动力就业流向示意图（非地图）" in page


def test_english_pages_name_the_parties_in_english(client, two_pairings):
    table = table_of(client_get("/en/"))
    assert two_pairings.guangdong.name_en in table
    assert "广东省" not in table


@pytest.mark.parametrize("level", ["national", "province", "county"])
def test_the_diagram_costs_the_same_queries_at_3_and_30_projects(
    world, django_assert_num_queries, level
):
    place = {"national": None, "province": world.guizhou, "county": world.ziyun}[level]
    for _ in range(3):
        make_project(world.pairing, world.source, locations=[world.bayang], funds=1000)
    with CaptureQueriesContext(connection) as few:
        diagram(place, "funds")
    for _ in range(27):
        make_project(world.pairing, world.source, locations=[world.maoying], funds=1000)
    with django_assert_num_queries(len(few.captured_queries)):
        bigger = diagram(place, "funds")
    assert bigger.bands[0].value == Decimal("30000.00")


def client_get(url):
    from django.test import Client

    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def table_of(page):
    found = re.search(
        r'<table class="table table-sm align-middle flow-table">.*?</table>', page, re.S
    )
    assert found, "no flow table"
    return found.group(0)
