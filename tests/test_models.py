from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cooperation.models import (
    Beneficiary,
    Event,
    Figure,
    Indicator,
    Pairing,
    Project,
    Publication,
    Qualifier,
    Region,
    Side,
    combine_qualifiers,
    year_over_year,
)
from tests.factories import (
    make_beneficiary,
    make_benefit,
    make_event,
    make_figure,
    make_indicator,
    make_organization,
    make_pairing,
    make_project,
    make_region,
)

DRAFT, PUBLISHED, ARCHIVED = Publication.DRAFT, Publication.PUBLISHED, Publication.ARCHIVED


# Year over year and qualifiers ---------------------------------------------------


@pytest.mark.parametrize(
    ("current", "previous", "ratio"),
    [
        (43, 40, Decimal("107.50")),
        (282, 47, Decimal("600.00")),
        (560, 225, Decimal("248.89")),
        (1526, 1355, Decimal("112.62")),
        (Decimal("0"), 40, Decimal("0.00")),
    ],
)
def test_year_over_year_is_this_years_value_over_last_years(current, previous, ratio):
    assert year_over_year(current, previous) == ratio


@pytest.mark.parametrize(("current", "previous"), [(43, 0), (43, None), (None, 40)])
def test_year_over_year_without_two_values_is_unknown(current, previous):
    assert year_over_year(current, previous) is None


@pytest.mark.parametrize(
    ("qualifiers", "combined"),
    [
        ([], Qualifier.EXACT),
        ([Qualifier.EXACT, Qualifier.EXACT], Qualifier.EXACT),
        ([Qualifier.EXACT, Qualifier.AT_LEAST], Qualifier.AT_LEAST),
        ([Qualifier.MORE_THAN, Qualifier.MORE_THAN], Qualifier.MORE_THAN),
        ([Qualifier.MORE_THAN, Qualifier.EXACT], Qualifier.AT_LEAST),
        ([Qualifier.MORE_THAN, Qualifier.AT_LEAST], Qualifier.AT_LEAST),
        ([Qualifier.AT_LEAST, Qualifier.ABOUT, Qualifier.EXACT], Qualifier.ABOUT),
        ([Qualifier.LESS_THAN, Qualifier.EXACT], Qualifier.LESS_THAN),
        ([Qualifier.LESS_THAN, Qualifier.LESS_THAN], Qualifier.LESS_THAN),
        # a lower bound plus an upper bound bounds the sum neither way
        ([Qualifier.LESS_THAN, Qualifier.MORE_THAN], Qualifier.ABOUT),
        ([Qualifier.AT_LEAST, Qualifier.LESS_THAN, Qualifier.EXACT], Qualifier.ABOUT),
    ],
)
def test_a_sum_is_as_approximate_as_its_least_exact_term(qualifiers, combined):
    assert combine_qualifiers(qualifiers) == combined


def test_project_funds_keep_the_qualifier_of_their_figures(world):
    project = make_project(world.pairing, world.source, funds=3056500)
    make_figure(world.source, 27500000, project=project, qualifier=Qualifier.AT_LEAST)
    make_figure(world.source, 1000000, project=project, kind=Figure.Kind.EXPECTED)
    project.refresh_from_db()
    assert project.funds == Decimal(30556500)
    assert project.funds_qualifier == Qualifier.AT_LEAST


# Pairing.clean(): east is east, west is west, children inside their parent -------


def test_western_place_on_the_east_side_is_refused_by_name(world):
    pairing = Pairing(
        level=Pairing.Level.COUNTY,
        east_region=world.ziyun,
        west_region=world.ziyun,
        source=world.source,
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        pairing.clean()
    assert caught.value.message_dict["east_region"] == ["东部一方“紫云苗族布依族自治县”不在东部。"]
    assert "west_region" not in caught.value.message_dict


def test_eastern_place_on_the_west_side_is_refused_by_name(world):
    pairing = Pairing(
        level=Pairing.Level.COUNTY,
        east_region=world.nansha,
        west_region=world.nansha,
        source=world.source,
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        pairing.clean()
    assert caught.value.message_dict["west_region"] == ["西部一方“南沙区”不在西部。"]


def test_eastern_organisation_on_the_west_side_is_refused_by_name(world):
    hospital = make_organization("南沙区人民医院", region=world.nansha)
    pairing = Pairing(
        level=Pairing.Level.HOSPITAL,
        east_region=world.nansha,
        west_organization=hospital,
        source=world.source,
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        pairing.clean()
    assert caught.value.message_dict["west_organization"] == ["西部一方“南沙区”不在西部。"]


def test_pairing_with_parties_on_their_own_sides_is_clean(world):
    world.pairing.clean()
    child = Pairing(
        level=Pairing.Level.TOWN,
        parent=world.pairing,
        east_region=world.nansha,
        west_region=world.bayang,
        source=world.source,
    )
    child.clean()


def test_child_pairing_outside_its_parents_region_is_refused(world):
    xixiu = make_region("西秀区", Region.Level.COUNTY, world.anshun)
    child = Pairing(
        level=Pairing.Level.TOWN,
        parent=world.pairing,
        east_region=world.nansha,
        west_region=make_region("旧州镇", Region.Level.TOWN, xixiu),
        source=world.source,
    )
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        child.clean()
    assert caught.value.message_dict["west_region"] == [
        "“旧州镇”不在上级结对的“紫云苗族布依族自治县”之内。"
    ]


def test_child_pairing_organisation_outside_its_parents_region_is_refused(world):
    baiyun = make_region("白云区", Region.Level.COUNTY, world.guangzhou)
    company = make_organization("白云某公司", region=baiyun)
    child = Pairing(
        level=Pairing.Level.ENTERPRISE_VILLAGE,
        parent=world.pairing,
        east_organization=company,
        west_region=world.huanghe,
        source=world.source,
    )
    with pytest.raises(ValidationError) as caught:
        child.clean()
    assert list(caught.value.message_dict) == ["east_organization"]


def test_organisation_party_without_region_cannot_be_checked(world):
    pairing = Pairing(
        level=Pairing.Level.ENTERPRISE_VILLAGE,
        east_organization=make_organization("某企业"),
        west_region=world.huanghe,
        source=world.source,
    )
    with pytest.raises(ValidationError) as caught:
        pairing.clean()
    assert list(caught.value.message_dict) == ["east_organization"]


# Region tree ---------------------------------------------------------------------


def test_region_side_follows_its_province_on_save(world):
    town = make_region("宗地镇", Region.Level.TOWN, world.ziyun, side=Side.EAST)
    assert town.side == Side.WEST
    town.refresh_from_db()
    assert town.side == Side.WEST
    assert town.ancestors() == [world.guizhou, world.anshun, world.ziyun]


def test_region_cannot_be_placed_under_its_own_descendant(world):
    world.ziyun.parent = world.huanghe
    with pytest.raises(ValidationError) as caught:
        world.ziyun.clean()
    assert "parent" in caught.value.message_dict


def test_region_cannot_be_placed_under_itself(world):
    world.ziyun.parent = world.ziyun
    with pytest.raises(ValidationError) as caught:
        world.ziyun.clean()
    assert "parent" in caught.value.message_dict


def test_region_cannot_sit_under_a_lower_or_equal_level(world):
    county = Region(name="某县", level=Region.Level.COUNTY, parent=world.bayang)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        county.clean()
    assert caught.value.message_dict["level"] == ["县（区）不能位于乡镇（街道）之下。"]
    province = Region(name="某省", level=Region.Level.PROVINCE, parent=world.guangdong)
    with pytest.raises(ValidationError):
        province.clean()


def test_region_below_the_province_needs_a_parent_in_full_clean(world):
    town = Region(name="无上级镇", level=Region.Level.TOWN, side=Side.WEST)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        town.full_clean()
    assert caught.value.messages == ["省级区域没有上级，其他区域必须有上级。"]


def test_moving_a_region_moves_its_whole_subtree(world):
    guangxi = make_region("广西壮族自治区", side=Side.WEST)
    baise = make_region("百色市", Region.Level.CITY, guangxi)
    world.ziyun.parent = baise
    world.ziyun.full_clean()
    world.ziyun.save()
    world.huanghe.refresh_from_db()
    assert world.huanghe.ancestors() == [guangxi, baise, world.ziyun, world.maoying]
    assert set(Region.objects.within(guangxi)) == {
        guangxi,
        baise,
        world.ziyun,
        world.bayang,
        world.maoying,
        world.huanghe,
    }
    assert not Region.objects.within(world.anshun).filter(pk=world.huanghe.pk).exists()


def test_a_province_that_changes_side_takes_its_subtree_along(world):
    world.guizhou.side = Side.EAST
    world.guizhou.save()
    world.huanghe.refresh_from_db()
    assert world.huanghe.side == Side.EAST


# Guarded deletes -----------------------------------------------------------------


def test_region_in_use_cannot_be_deleted(world):
    with pytest.raises(ProtectedError):
        world.ziyun.delete()
    assert Region.objects.filter(pk=world.ziyun.pk).exists()


def test_region_with_children_cannot_be_deleted(world):
    with pytest.raises(ProtectedError):
        world.maoying.delete()


def test_region_named_by_a_project_location_cannot_be_deleted(world):
    make_project(world.pairing, world.source, locations=[world.huanghe])
    with pytest.raises(ProtectedError):
        world.huanghe.delete()


def test_unused_region_can_be_deleted(world):
    world.huanghe.delete()
    assert not Region.objects.filter(name="黄鹤营村").exists()


def test_organisation_in_use_cannot_be_deleted(world):
    hospital = make_organization("紫云自治县人民医院", region=world.ziyun)
    make_beneficiary(world.source, "紫云县医务人员", organization=hospital)
    with pytest.raises(ProtectedError):
        hospital.delete()
    with pytest.raises(ProtectedError):
        world.ziyun.delete()


def test_pairing_with_projects_cannot_be_deleted(world):
    project = make_project(world.pairing, world.source)
    with pytest.raises(ProtectedError):
        world.pairing.delete()
    assert Project.objects.filter(pk=project.pk).exists()


def test_beneficiary_linked_to_a_project_cannot_be_deleted(world):
    project = make_project(world.pairing, world.source)
    village = make_beneficiary(world.source, "黄鹤营村", region=world.huanghe)
    make_benefit(project, village)
    with pytest.raises(ProtectedError):
        village.delete()


def test_source_cited_by_a_record_cannot_be_deleted(world):
    with pytest.raises(ProtectedError):
        world.source.delete()


# published() -----------------------------------------------------------------------


def test_published_projects_exclude_drafts_and_archived(world):
    shown = make_project(world.pairing, world.source, status=PUBLISHED)
    make_project(world.pairing, world.source, status=DRAFT)
    make_project(world.pairing, world.source, status=ARCHIVED)
    assert list(Project.objects.published()) == [shown]


def test_published_pairings_exclude_drafts_and_archived(world):
    make_pairing(world.nansha, world.bayang, world.source, status=DRAFT, parent=world.pairing)
    make_pairing(world.nansha, world.maoying, world.source, status=ARCHIVED, parent=world.pairing)
    assert list(Pairing.objects.published()) == [world.pairing]


def test_published_beneficiaries_exclude_drafts_and_archived(world):
    shown = make_beneficiary(world.source, status=PUBLISHED)
    make_beneficiary(world.source, status=DRAFT)
    make_beneficiary(world.source, status=ARCHIVED)
    assert list(Beneficiary.objects.published()) == [shown]


def test_figures_are_published_with_their_owner(world):
    shown = make_project(world.pairing, world.source, status=PUBLISHED)
    hidden = make_project(world.pairing, world.source, status=DRAFT)
    visible = make_figure(world.source, 100, project=shown)
    make_figure(world.source, 200, project=hidden)
    village = make_beneficiary(world.source, status=PUBLISHED)
    draft_village = make_beneficiary(world.source, status=DRAFT)
    village_figure = make_figure(world.source, 10, beneficiary=village, unit="人")
    make_figure(world.source, 20, beneficiary=draft_village, unit="人")
    benefit_figure = make_figure(world.source, 5, benefit=make_benefit(shown, village), unit="人")
    make_figure(world.source, 6, benefit=make_benefit(shown, draft_village), unit="人")
    make_figure(world.source, 7, benefit=make_benefit(hidden, village), unit="人")
    indicator = make_indicator(world.pairing, Figure.Measure.SECONDED_CADRES, 2023, 43)
    draft_pairing = make_pairing(
        world.nansha, world.bayang, world.source, status=DRAFT, parent=world.pairing
    )
    make_indicator(draft_pairing, Figure.Measure.SECONDED_CADRES, 2023, 4)
    assert set(Figure.objects.published()) == {
        visible,
        village_figure,
        benefit_figure,
        indicator.figures.get(),
    }


def test_indicators_are_published_with_their_pairing(world):
    shown = make_indicator(world.pairing, Figure.Measure.SECONDED_CADRES, 2023, 43)
    draft_pairing = make_pairing(
        world.nansha, world.bayang, world.source, status=DRAFT, parent=world.pairing
    )
    make_indicator(draft_pairing, Figure.Measure.SECONDED_CADRES, 2023, 4)
    assert list(Indicator.objects.published()) == [shown]


def test_events_are_published_with_their_project_or_pairing(world):
    shown_project = make_project(world.pairing, world.source, status=PUBLISHED)
    hidden_project = make_project(world.pairing, world.source, status=DRAFT)
    draft_pairing = make_pairing(
        world.nansha, world.bayang, world.source, status=DRAFT, parent=world.pairing
    )
    of_pairing = make_event(world.source, pairing=world.pairing)
    of_project = make_event(world.source, project=shown_project, pairing=draft_pairing)
    make_event(world.source, project=hidden_project, pairing=world.pairing)
    make_event(world.source, pairing=draft_pairing)
    assert set(Event.objects.published()) == {of_pairing, of_project}


# Figure.clean() ------------------------------------------------------------------


def test_figure_clean_needs_exactly_one_owner(world):
    project = make_project(world.pairing, world.source)
    village = make_beneficiary(world.source)
    for owners in ({}, {"project": project, "beneficiary": village}):
        figure = Figure(value=1, unit="人", measure="people", label="x", **owners)
        with pytest.raises(ValidationError):
            figure.clean()


def test_figure_part_must_not_exceed_its_whole(world):
    project = make_project(world.pairing, world.source)
    whole = make_figure(world.source, 1000, project=project)
    part = Figure(value=2000, unit="元", project=project, part_of=whole)
    with pytest.raises(ValidationError) as caught:
        part.clean()
    assert "part_of" in caught.value.message_dict


def test_str_and_urls_read_for_people(world):
    project = make_project(world.pairing, world.source, slug="chaye")
    assert str(world.pairing) == "南沙区 → 紫云县"
    assert project.get_absolute_url() == "/projects/chaye/"
    counted = Pairing(
        level=Pairing.Level.SOCIAL_VILLAGE,
        east_region=world.nansha,
        east_count=20,
        west_region=world.ziyun,
        west_count=34,
    )
    with translation.override("zh-hans"):
        assert str(counted) == "南沙区20家社会组织 → 紫云县34个村"


def test_figure_of_a_record_being_added_counts_its_owner(world):
    unsaved = Project(title="新项目", slug="new", category="industry", pairing=world.pairing)
    figure = Figure(value=1, unit="元", measure="assistance_funds", label="资金", project=unsaved)
    figure.clean()


def test_a_figure_follows_the_pairing_of_its_owner(world):
    project = make_project(world.pairing, world.source)
    benefit = make_benefit(project, make_beneficiary(world.source))
    on_project = make_figure(world.source, 1, project=project)
    on_benefit = make_figure(world.source, 1, benefit=benefit)
    assert on_project.pairing == on_benefit.pairing == world.pairing

    other = make_pairing(make_region("浙江省"), world.ziyun, world.source)
    project.pairing = other
    project.save()

    on_project.refresh_from_db()
    on_benefit.refresh_from_db()
    assert on_project.pairing == on_benefit.pairing == other


def test_a_projects_own_funds_leave_out_parts_pairing_figures_and_cumulative_beside_flows(
    world,
):
    since = {"period_kind": "cumulative", "period_start": None, "year": None}
    project = make_project(world.pairing, world.source)
    whole = make_figure(world.source, 1000, project=project)
    make_figure(world.source, 400, project=project, part_of=whole)
    make_figure(world.source, 500, project=project, kind=Figure.Kind.EXPECTED)
    make_figure(world.source, 9000, project=project, scope=Figure.Scope.PAIRING)
    make_figure(world.source, 4800, project=project, period_end=whole.period_end, **since)
    project.refresh_from_db()
    assert project.funds == 1000

    alone = make_project(world.pairing, world.source)
    make_figure(world.source, 4800, project=alone, period_end=whole.period_end, **since)
    alone.refresh_from_db()
    assert alone.funds == 4800  # a lone cumulative value, as itself

    make_figure(world.source, 100, project=alone, period_end=whole.period_end, **since)
    alone.refresh_from_db()
    assert alone.funds is None  # two cumulative values are never added


def test_saving_a_project_that_keeps_its_pairing_leaves_its_figures_alone(world):
    project = make_project(world.pairing, world.source)
    make_figure(world.source, 1, project=project)
    project = Project.objects.get(pk=project.pk)
    project.title = "改名"
    with CaptureQueriesContext(connection) as queries:
        project.save()
    # Its figures are read to know which pages to refresh (cooperation.invalidation), and
    # never written.
    writes = [q["sql"] for q in queries if not q["sql"].startswith("SELECT")]
    assert queries and not [sql for sql in writes if '"cooperation_figure"' in sql]
