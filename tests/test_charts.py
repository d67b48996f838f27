"""Charts of the years and project timelines (cooperation/charts.py and timelines.py):
their geometry, the rules they keep (expected values beside the actual line, never on
it; one unit to a scale; the qualifier in every tooltip), and that the page's tables hold
every value drawn, so that nothing is lost with JavaScript off or in a screen reader."""

import datetime
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from cooperation.charts import LinearScale, YearPoint, value_ticks, year_chart
from cooperation.formatting import percent_text
from cooperation.models import Figure, Pairing, Project, year_over_year
from cooperation.timelines import project_timeline
from tests.factories import make_indicator

FIXTURES = sorted(str(path) for path in (Path(__file__).parents[1] / "fixtures").glob("*.json"))
Kind, Measure = Figure.Kind, Figure.Measure


@pytest.fixture
def article(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def nansha_ziyun():
    return Pairing.objects.get(pk=3)


def text_of(fragment):
    """The visible text of an HTML fragment, tags dropped and entities read."""
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment))


def between(page, start, end):
    """The part of the page from the first `start` to the next `end`."""
    first = page.index(start)
    return page[first : page.index(end, first)]


def titles(fragment):
    return [html.unescape(title) for title in re.findall(r"<title>(.*?)</title>", fragment)]


def point(year, value, kind=Kind.ACTUAL, unit="人", qualifier="exact"):
    return YearPoint(year, Decimal(value), unit, qualifier, kind)


# Geometry.


def test_linear_scale_maps_the_ends_exactly_and_rounds_to_a_tenth():
    y = LinearScale(Decimal(0), Decimal(60), Decimal(108), Decimal(10))

    assert (y(0), y(60), y(30), y(43)) == (108.0, 10.0, 59.0, 37.8)


def test_value_ticks_start_at_zero_end_at_or_above_the_largest_and_stay_whole_for_counts():
    assert value_ticks([Decimal(43), Decimal(40)]) == [0, 20, 40, 60]
    assert value_ticks([Decimal(5)]) == [0, 2, 4, 6]
    assert value_ticks([Decimal(1)]) == [0, 1]
    assert value_ticks([Decimal("0.5")]) == [0, Decimal("0.2"), Decimal("0.4"), Decimal("0.6")]


def test_years_stand_in_order_on_equal_slots_and_higher_values_stand_higher():
    chart = year_chart("专业技术人才", [point(2023, 43), point(2022, 40), point(2021, 10)])

    xs = [mark.x for mark in chart.actual]
    ys = [mark.y for mark in chart.actual]
    assert [mark.point.year for mark in chart.actual] == [2021, 2022, 2023]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    assert ys[0] > ys[1] > ys[2]  # SVG's y grows downwards
    assert [tick.text for tick in chart.year_ticks] == ["2021", "2022", "2023"]


def test_an_expected_value_is_never_a_point_of_the_actual_line():
    chart = year_chart(
        "帮助就业",
        [
            point(2022, 40),
            point(2023, 43),
            point(2023, 43, Kind.EXPECTED),
            point(2024, 50, "target"),
        ],
    )

    vertices = re.findall(r"[ML]([\d.]+) ([\d.]+)", chart.line)
    assert [(float(x), float(y)) for x, y in vertices] == [(m.x, m.y) for m in chart.actual]
    for mark in chart.others:
        assert (mark.x, mark.y) not in {(m.x, m.y) for m in chart.actual}
        assert f"{mark.x} {mark.y}" not in chart.line
    expected, target = chart.others
    assert expected.shape.startswith("M") and expected.shape.endswith("Z")
    assert expected.shape != target.shape
    assert [kind for kind, _label in chart.kinds] == ["actual", "expected", "target"]


def test_a_missing_year_breaks_the_line():
    chart = year_chart("帮助就业", [point(2020, 1), point(2021, 2), point(2023, 3)])

    assert chart.line.count("M") == 2 and chart.line.count("L") == 1


def test_a_value_in_another_unit_is_left_out_of_the_scale_and_named():
    chart = year_chart("党政干部培训", [point(2023, 560, unit="人次"), point(2022, 225)])

    assert chart.unit == "人次"
    assert [mark.point.year for mark in chart.actual] == [2023]
    assert "2022年：225人" in chart.left_out_text


def test_a_tooltip_keeps_the_qualifier_and_the_kind():
    assert point(2022, 27_500_000, unit="元", qualifier="at_least").title == (
        "2022年：2750多万元（实际）"
    )
    assert point(2024, 10, Kind.EXPECTED, qualifier="about").title == "2024年：约10人（预计）"


def test_timeline_orders_dated_entries_and_lists_unknown_periods_apart(world):
    source = world.source
    pairing = world.pairing
    project = Project.objects.create(
        pairing=pairing, source=source, title="车间", slug="workshop", status="published"
    )
    late = project.events.create(
        source=source, title="投产", kind="launch", date=datetime.date(2023, 7, 19)
    )
    early = project.events.create(
        source=source,
        title="签约",
        kind="signing",
        date=datetime.date(2022, 3, 1),
        date_precision="month",
    )
    flow = Figure(
        source=source,
        project=project,
        measure=Measure.JOBS,
        label="就业",
        value=Decimal(9),
        unit="人",
        period_kind="flow",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 9, 30),
        pk=1,
    )
    undated = Figure(
        source=source,
        project=project,
        measure=Measure.OUTPUT,
        label="产量",
        value=Decimal(2),
        unit="斤",
        kind=Kind.EXPECTED,
        pk=2,
    )

    timeline = project_timeline([late, early], [flow, undated])

    assert [entry.url for entry in timeline.entries] == [
        f"#event-{early.pk}",
        "#figure-1",
        f"#event-{late.pk}",
    ]
    assert timeline.undated == [undated]
    month, span, day = timeline.entries
    assert month.width > 1.5 and not month.is_point  # a month is drawn as its month
    assert day.is_point and span.x < day.x < span.x + span.width
    assert [tick.text for tick in timeline.year_ticks] == ["2022", "2023"]


# The article's pages.


def test_pairing_chart_shows_last_year_and_the_same_ratio_as_year_over_year(article, client):
    page = client.get(nansha_ziyun().get_absolute_url()).content.decode()

    card = between(page, 'id="indicator-chart-technical_staff"', "</figure>")
    ratio = year_over_year(Decimal(43), Decimal(40))
    assert ratio == Decimal("107.50")
    assert "107.5%" in text_of(between(card, "year-chart-ratio", "</dd>"))
    assert "40人" in text_of(card) and "43人" in text_of(card)
    assert titles(card) == ["2022年：40人（实际）", "2023年：43人（实际）"]


def test_every_value_drawn_on_the_pairing_page_is_in_its_table(article, client):
    page = client.get(nansha_ziyun().get_absolute_url()).content.decode()

    charts = between(page, 'year-charts"', 'class="table table-sm align-middle indicator-table"')
    table = text_of(between(page, "indicator-table", "</table>"))
    drawn = titles(charts)
    assert len(drawn) == 10  # the eleven indicators, less the 225人 not drawn beside 人次
    for title in drawn:
        value = re.match(r"\d{4}年：(.*)（", title).group(1)
        assert value in table, title
    for link in re.findall(r'<a href="(#indicator-\d+)"', charts):
        assert f'id="{link[1:]}"' in page


def test_an_expected_value_is_drawn_apart_and_listed_in_the_pairing_table(world, client):
    indicator = make_indicator(world.pairing, Measure.JOBS, 2023, 30)
    make_indicator(world.pairing, Measure.JOBS, 2022, 20)
    Figure.objects.create(
        source=world.source,
        indicator=indicator,
        measure=Measure.JOBS,
        label="就业",
        value=Decimal(40),
        unit="人",
        qualifier="about",
        kind=Kind.EXPECTED,
    )

    page = client.get(world.pairing.get_absolute_url()).content.decode()

    card = between(page, 'id="indicator-chart-jobs"', "</figure>")
    assert "2023年：约40人（预计）" in titles(card)
    assert 'class="year-chart-mark-expected"' in card
    assert "150%" in text_of(card)  # the ratio is of the actual values, 30 against 20
    table = text_of(between(page, "indicator-table", "</table>"))
    assert "约40人" in table and "预计" in table


def test_project_timeline_keeps_qualifiers_and_its_table_holds_every_entry(article, client):
    project = Project.objects.get(figures__pk=25)  # 2750多万元 last year, and expected output

    page = client.get(project.get_absolute_url()).content.decode()

    svg = between(page, 'class="project-timeline-svg"', "</svg>")
    table = text_of(between(page, "project-timeline-table", "</table>"))
    assert any("2750多万元" in title for title in titles(svg))
    for title in titles(svg):
        what = title.split("：", 1)[1].rsplit("（", 1)[0]
        assert what in table, title
    undated = text_of(between(page, 'id="timeline-undated"', "</ul>"))
    assert "期间不详" in undated and "200万斤" in undated and "预计" in undated


def test_home_charts_follow_the_comparison_table(article, client):
    response = client.get(reverse("cooperation:home"))
    page = response.content.decode()

    charts = between(page, 'year-charts"', "comparison-table")
    table = text_of(between(page, "comparison-table", "</table>"))
    ratios = [text_of(ratio).strip() for ratio in re.findall(r'ratio">(.*?)</dd>', charts)]
    comparisons = response.context["dashboard"].comparisons
    assert ratios == [percent_text(comparison.ratio) for comparison in comparisons]
    assert sorted(ratios) == ["107.5%", "112.62%", "248.89%", "600%"]
    for title in titles(charts):
        assert re.match(r"\d{4}年：(.*)（", title).group(1) in table


def test_home_lists_the_years_its_table_leaves_out_under_the_chart(world, client):
    for year, value in [(2021, 10), (2022, 20), (2023, 30)]:
        make_indicator(world.pairing, Measure.JOBS, year, value)

    page = client.get(reverse("cooperation:home")).content.decode()

    extra = text_of(between(page, "year-chart-table", "</table>"))
    assert "2021" in extra and "10人" in extra
    assert "2023" not in extra


def test_charts_and_timeline_cost_no_extra_queries(article, client, django_assert_max_num_queries):
    pairing_url = nansha_ziyun().get_absolute_url()
    project_url = Project.objects.get(pk=11).get_absolute_url()  # events and figures
    for url in (pairing_url, project_url):
        client.get(url)  # the cached totals and counts
    # The pages cost 10 and 9 queries before the charts; the charts add none.
    with django_assert_max_num_queries(10):
        assert "year-chart-svg" in client.get(pairing_url).content.decode()
    with django_assert_max_num_queries(9):
        assert "project-timeline-svg" in client.get(project_url).content.decode()
