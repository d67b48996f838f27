import datetime
import pickle
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from cooperation.dashboard import compute_dashboard
from cooperation.models import Figure, Pairing, Project, Publication, Qualifier, Side
from tests.factories import (
    add_activity,
    make_beneficiary,
    make_benefit,
    make_event,
    make_figure,
    make_indicator,
    make_pairing,
    make_project,
    make_region,
)

Measure = Figure.Measure


def totals_by_key(response):
    return {total.headline.key: total for total in response.context["dashboard"].totals}


def get_dashboard(client):
    response = client.get(reverse("cooperation:home"))
    assert response.status_code == 200
    return response


def test_headline_totals_add_up_published_actual_figures(world, client):
    project = make_project(world.pairing, world.source, locations=[world.bayang], funds=3_056_500)
    make_figure(world.source, 389_000_000, project=project, measure=Measure.INVESTMENT)
    make_figure(
        world.source, 3, project=project, measure=Measure.ENTERPRISES, unit=Figure.Unit.ITEM
    )
    make_figure(
        world.source, 5, project=project, measure=Measure.ENTERPRISES, unit=Figure.Unit.ENTERPRISE
    )
    make_figure(world.source, 130, project=project, measure=Measure.JOBS, unit=Figure.Unit.PERSON)
    make_indicator(world.pairing, Measure.JOBS, 2023, 5005)
    make_indicator(world.pairing, Measure.LABOUR_TRAINING, 2023, 568, unit=Figure.Unit.PERSON_TIME)
    make_figure(world.source, 217_000_000, project=project, measure=Measure.SALES)

    response = get_dashboard(client)

    totals = totals_by_key(response)
    assert totals["funds"].value == Decimal("3056500")
    assert totals["investment"].value == Decimal("389000000")
    assert totals["enterprises"].value == 5  # the 3个 are in another unit, shown beside
    assert [group.reason for group in totals["enterprises"].beside] == ["other_unit"]
    assert totals["jobs"].value == 5005
    assert totals["labour-training"].value == 568
    assert totals["sales"].value == Decimal("217000000")
    for text in ("305.65万元", "3.89亿元", "5家", "5005人", "568人次", "2.17亿元", "2023年"):
        assert text in response.content.decode()


def test_an_annual_indicator_is_the_total_and_project_figures_are_not_added_to_it(world, client):
    project = make_project(world.pairing, world.source)
    make_figure(world.source, 130, project=project, measure=Measure.JOBS, unit=Figure.Unit.PERSON)
    assert totals_by_key(get_dashboard(client))["jobs"].value == 130

    make_indicator(world.pairing, Measure.JOBS, 2023, 5005)

    assert totals_by_key(get_dashboard(client))["jobs"].value == 5005


def test_a_sum_with_an_at_least_figure_reads_as_at_least(world, client):
    make_project(world.pairing, world.source, funds=3_056_500)
    approximate = make_project(world.pairing, world.source)
    make_figure(world.source, 27_500_000, project=approximate, qualifier=Qualifier.AT_LEAST)

    response = get_dashboard(client)

    funds = totals_by_key(response)["funds"]
    assert funds.qualifier == Qualifier.AT_LEAST
    assert funds.text == "3055.65多万元"
    assert "3055.65多万元" in response.content.decode()


def test_exact_figures_add_up_to_an_exact_total(world, client):
    make_project(world.pairing, world.source, funds=100_000)
    make_project(world.pairing, world.source, funds=200_000)

    funds = totals_by_key(get_dashboard(client))["funds"]

    assert funds.qualifier == Qualifier.EXACT
    assert funds.text == "30万元"


def test_expected_and_target_figures_stay_out_of_the_totals(world, client):
    project = make_project(world.pairing, world.source, funds=100_000)
    make_figure(world.source, 32_000_000, project=project, kind=Figure.Kind.EXPECTED)
    make_figure(world.source, 9_000_000, project=project, kind=Figure.Kind.TARGET)

    assert totals_by_key(get_dashboard(client))["funds"].value == 100_000


def test_a_part_of_another_figure_is_not_counted_twice(world, client):
    project = make_project(world.pairing, world.source)
    whole = make_figure(world.source, 590_000_000, project=project, measure=Measure.INVESTMENT)
    make_figure(
        world.source, 389_000_000, project=project, measure=Measure.INVESTMENT, part_of=whole
    )

    assert totals_by_key(get_dashboard(client))["investment"].value == 590_000_000


@pytest.mark.parametrize("status", [Publication.DRAFT, Publication.ARCHIVED])
def test_unpublished_projects_stay_out_of_totals_charts_and_timeline(world, client, status):
    make_project(world.pairing, world.source, locations=[world.bayang], funds=100_000)
    hidden = make_project(
        world.pairing,
        world.source,
        locations=[world.huanghe],
        funds=9_990_000,
        category=Project.Category.HEALTH,
        status=status,
    )
    make_event(world.source, title="未发布项目的签约", project=hidden)

    response = get_dashboard(client)

    dashboard = response.context["dashboard"]
    assert totals_by_key(response)["funds"].value == 100_000
    assert [bar.label for bar in dashboard.categories] == [Project.Category.INDUSTRY.label]
    assert [bar.label for bar in dashboard.towns] == ["坝羊镇"]
    assert dashboard.events == []
    assert dashboard.counts["projects"] == 1
    html = response.content.decode()
    assert "999万元" not in html
    assert "未发布项目的签约" not in html
    assert "猫营镇" not in html


def test_draft_pairing_figures_and_events_stay_off_the_dashboard(world, client):
    draft = make_pairing(world.nansha, world.ziyun, world.source, status=Publication.DRAFT)
    make_indicator(draft, Measure.JOBS, 2023, 5005)
    make_indicator(draft, Measure.JOBS, 2022, 4000)
    make_event(world.source, title="草稿结对的活动", pairing=draft)

    response = get_dashboard(client)

    dashboard = response.context["dashboard"]
    assert totals_by_key(response)["jobs"].value is None
    assert dashboard.comparisons == []
    assert dashboard.events == []
    assert "草稿结对的活动" not in response.content.decode()


def test_benefit_figures_count_only_when_project_and_beneficiary_are_published(world, client):
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    draft_site = make_beneficiary(world.source, region=world.bayang, status=Publication.DRAFT)
    benefit = make_benefit(project, draft_site)
    make_figure(world.source, 3_056_500, benefit=benefit)

    assert totals_by_key(get_dashboard(client))["funds"].value is None

    draft_site.status = Publication.PUBLISHED
    draft_site.save()
    response = get_dashboard(client)

    assert totals_by_key(response)["funds"].value == 3_056_500
    assert response.context["dashboard"].towns[0].text == "305.65万元"


def test_year_over_year_ratios_are_computed_from_the_two_years(world, client):
    for measure, current, previous in [
        (Measure.TECHNICAL_STAFF, 43, 40),
        (Measure.WEST_TECHNICAL_STAFF, 282, 47),
        (Measure.CADRE_TRAINING, 560, 225),
        (Measure.TECHNICAL_TRAINING, 1526, 1355),
    ]:
        make_indicator(world.pairing, measure, 2023, current)
        make_indicator(world.pairing, measure, 2022, previous)
    make_indicator(world.pairing, Measure.SECONDED_CADRES, 2023, 5)

    response = get_dashboard(client)

    dashboard = response.context["dashboard"]
    assert dashboard.comparison_year == 2023
    ratios = {c.measure: c.ratio for c in dashboard.comparisons}
    assert ratios == {
        Measure.TECHNICAL_STAFF: Decimal("107.50"),
        Measure.WEST_TECHNICAL_STAFF: Decimal("600.00"),
        Measure.CADRE_TRAINING: Decimal("248.89"),
        Measure.TECHNICAL_TRAINING: Decimal("112.62"),
    }
    html = response.content.decode()
    for text in ("107.5%", "600%", "248.89%", "112.62%", "1355人"):
        assert text in html


def test_year_over_year_compares_the_latest_year_with_the_one_before(world, client):
    for year, value in [(2021, 10), (2022, 20), (2023, 30)]:
        make_indicator(world.pairing, Measure.JOBS, year, value)

    dashboard = get_dashboard(client).context["dashboard"]

    [comparison] = dashboard.comparisons
    assert (comparison.current, comparison.previous, comparison.ratio) == (30, 20, 150)


def test_year_over_year_adds_up_the_same_measure_across_pairings(world, client):
    other = make_pairing(world.nansha, world.bayang, world.source, level=Pairing.Level.TOWN)
    make_indicator(world.pairing, Measure.JOBS, 2023, 30)
    make_indicator(world.pairing, Measure.JOBS, 2022, 20)
    make_indicator(other, Measure.JOBS, 2023, 15)
    make_indicator(other, Measure.JOBS, 2022, 10)

    [comparison] = get_dashboard(client).context["dashboard"].comparisons

    assert (comparison.current, comparison.previous, comparison.ratio) == (45, 30, 150)


def test_category_chart_gives_numbers_as_text_and_bar_lengths_as_svg_attributes(world, client):
    make_project(world.pairing, world.source, funds=2_000_000)
    make_project(world.pairing, world.source, funds=500_000, category=Project.Category.WORKSHOP)
    make_project(world.pairing, world.source, category=Project.Category.LABOUR)

    response = get_dashboard(client)

    bars = response.context["dashboard"].categories
    assert [(bar.label, bar.text, bar.share, bar.project_count) for bar in bars] == [
        (Project.Category.INDUSTRY.label, "200万元", "100.0", 1),
        (Project.Category.WORKSHOP.label, "50万元", "25.0", 1),
        (Project.Category.LABOUR.label, "", "0", 1),
    ]
    html = response.content.decode()
    assert '<rect class="bar-chart-fill" x="0" y="0" width="25.0" height="10"/>' in html
    assert "200万元" in html and "50万元" in html
    assert 'href="/projects/?category=workshop"' in html


def test_town_chart_rolls_villages_up_and_keeps_amounts_shared_with_other_towns_apart(
    world, client
):
    village = make_region("黄鹤营二村", world.huanghe.Level.VILLAGE, world.maoying)
    make_project(world.pairing, world.source, locations=[world.huanghe, village], funds=400_000)
    make_project(world.pairing, world.source, locations=[world.maoying], funds=100_000)
    make_project(world.pairing, world.source, locations=[world.bayang, world.huanghe], funds=10)

    towns = get_dashboard(client).context["dashboard"].towns

    assert [(bar.label, bar.value, bar.shared_text, bar.project_count) for bar in towns] == [
        ("猫营镇", Decimal("500000"), "10元", 3),
        ("坝羊镇", None, "10元", 1),
    ]
    assert towns[0].context == "紫云县"
    assert towns[0].url == world.maoying.get_absolute_url()


def test_town_chart_keeps_the_qualifier_of_its_figures(world, client):
    project = make_project(world.pairing, world.source, locations=[world.huanghe])
    make_figure(world.source, 500_000, project=project, qualifier=Qualifier.MORE_THAN)
    make_project(world.pairing, world.source, locations=[world.bayang], funds=100_000)

    towns = {bar.label: bar for bar in get_dashboard(client).context["dashboard"].towns}

    assert towns["猫营镇"].text == "50余万元"
    assert towns["坝羊镇"].text == "10万元"


def test_town_chart_leaves_out_eastern_towns(world, client):
    east_town = make_region("横沥镇", world.bayang.Level.TOWN, world.nansha)
    make_project(world.pairing, world.source, locations=[east_town], funds=100_000)

    assert get_dashboard(client).context["dashboard"].towns == []
    assert east_town.side == Side.EAST


def test_latest_events_are_on_the_timeline_newest_first(world, client):
    project = make_project(world.pairing, world.source)
    make_event(
        world.source, title="师带徒签约仪式", date=datetime.date(2023, 7, 19), project=project
    )
    make_event(
        world.source,
        title="区长率队调研",
        date=datetime.date(2023, 6, 1),
        date_precision="month",
        pairing=world.pairing,
    )

    response = get_dashboard(client)

    assert [e.title for e in response.context["dashboard"].events] == [
        "师带徒签约仪式",
        "区长率队调研",
    ]
    html = response.content.decode()
    assert '<time datetime="2023-07-19">2023年7月19日</time>' in html
    assert "2023年6月</time>" in html
    assert html.index("师带徒签约仪式") < html.index("区长率队调研")


def test_dashboard_links_to_every_list(world, client):
    html = get_dashboard(client).content.decode()

    for name in (
        "project-list",
        "pairing-list",
        "beneficiary-list",
        "region-list",
        "organization-list",
        "source-list",
        "people",
    ):
        assert f'href="{reverse(f"cooperation:{name}")}"' in html


def test_empty_dashboard_renders(db, client):
    response = get_dashboard(client)

    assert response.context["dashboard"].comparisons == []
    assert "暂无已发布的数据" in response.content.decode()


def test_dashboard_has_no_inline_script_style_or_handler(world, client):
    add_activity(world, 2)
    make_indicator(world.pairing, Measure.JOBS, 2023, 30)
    make_indicator(world.pairing, Measure.JOBS, 2022, 20)

    html = get_dashboard(client).content.decode()

    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None
    assert re.search(r"\sstyle=", html) is None
    assert re.search(r"\son[a-z]+=", html) is None


def test_dashboard_result_can_be_cached(world):
    add_activity(world, 2)
    make_indicator(world.pairing, Measure.JOBS, 2023, 30)
    make_indicator(world.pairing, Measure.JOBS, 2022, 20)
    dashboard = compute_dashboard()

    copy = pickle.loads(pickle.dumps(dashboard))

    assert [t.text for t in copy.totals] == [t.text for t in dashboard.totals]
    assert [b.text for b in copy.towns] == [b.text for b in dashboard.towns]
    assert copy.comparisons[0].ratio == 150


def test_dashboard_query_count_does_not_grow_with_the_data(
    world, client, django_assert_max_num_queries
):
    add_activity(world, 1)
    # One query a part of the page (two for the town chart: its totals, then the towns'
    # names), one of them for the years a visitor may choose; three for the flow diagram
    # (pairing ends, totals, names) and one for the reviewed map, if any.
    with django_assert_max_num_queries(15):
        get_dashboard(client)

    add_activity(world, 15)
    for year in (2022, 2023):
        make_indicator(world.pairing, Measure.JOBS, year, 10)
        make_indicator(world.pairing, Measure.CADRE_TRAINING, year, 10)
    with django_assert_max_num_queries(15):
        response = get_dashboard(client)
    assert len(response.context["dashboard"].events) == 8
