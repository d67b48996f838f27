"""Each rule holds in the database itself, whatever path the data takes (no clean() here)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from cooperation.models import (
    Benefit,
    Event,
    Indicator,
    Pairing,
    Project,
    Region,
    Side,
)
from tests.factories import (
    make_beneficiary,
    make_figure,
    make_pairing,
    make_project,
    make_region,
)


def rejected(create, constraint=None):
    """Run create() and expect the database to refuse it, naming the check constraint.

    Unique violations are named differently by SQLite (columns) and PostgreSQL (index),
    so only check constraints are matched by name.
    """
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        create()
    if constraint:
        assert constraint in str(caught.value)


@pytest.fixture
def project(world):
    return make_project(world.pairing, world.source)


# Figures ---------------------------------------------------------------------------


def test_negative_figure_value_is_rejected(world, project):
    rejected(lambda: make_figure(world.source, -1, project=project), "figure_value_non_negative")
    make_figure(world.source, 0, project=project)


@pytest.mark.parametrize("year", [1999, 2101])
def test_figure_year_outside_2000_to_2100_is_rejected(world, project, year):
    rejected(
        lambda: make_figure(world.source, 1, project=project, year=year), "figure_year_in_range"
    )


@pytest.mark.parametrize("year", [2000, 2100, None])
def test_figure_year_at_the_bounds_or_empty_is_accepted(world, project, year):
    make_figure(world.source, 1, project=project, year=year)


def test_figure_without_owner_is_rejected(world):
    rejected(lambda: make_figure(world.source, 1), "figure_has_one_owner")


def test_figure_with_two_owners_is_rejected(world, project):
    village = make_beneficiary(world.source)
    rejected(
        lambda: make_figure(world.source, 1, project=project, beneficiary=village),
        "figure_has_one_owner",
    )


def test_percent_over_100_is_rejected(world, project):
    rejected(
        lambda: make_figure(world.source, 100.5, project=project, unit="%", measure="rate"),
        "figure_percent_at_most_100",
    )
    make_figure(world.source, 100, project=project, unit="%", measure="rate")
    make_figure(world.source, 150, project=project, unit="人", measure="people")


# Projects --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "constraint"),
    [("start_year", "project_start_year_in_range"), ("end_year", "project_end_year_in_range")],
)
@pytest.mark.parametrize("year", [1999, 2101])
def test_project_year_outside_2000_to_2100_is_rejected(world, field, constraint, year):
    fields = {"start_year": None, field: year}
    rejected(lambda: make_project(world.pairing, world.source, **fields), constraint)


def test_project_ending_before_it_starts_is_rejected(world):
    rejected(
        lambda: make_project(world.pairing, world.source, start_year=2023, end_year=2022),
        "project_ends_after_it_starts",
    )
    make_project(world.pairing, world.source, start_year=2023, end_year=2023)


def test_negative_project_funds_are_rejected(project):
    rejected(
        lambda: Project.objects.filter(pk=project.pk).update(funds=-1),
        "project_funds_non_negative",
    )


def test_duplicate_project_slug_is_rejected(world):
    make_project(world.pairing, world.source, slug="紫云-茶叶")
    rejected(lambda: make_project(world.pairing, world.source, slug="紫云-茶叶"))


def test_duplicate_project_beneficiary_link_is_rejected(world, project):
    village = make_beneficiary(world.source)
    Benefit.objects.create(project=project, beneficiary=village, kind="jobs", source=world.source)
    rejected(
        lambda: Benefit.objects.create(
            project=project, beneficiary=village, kind="funds", source=world.source
        )
    )


# Pairings and indicators -------------------------------------------------------------


@pytest.mark.parametrize("year", [1999, 2101])
def test_pairing_year_outside_2000_to_2100_is_rejected(world, year):
    rejected(
        lambda: make_pairing(world.nansha, world.ziyun, world.source, start_year=year),
        "pairing_start_year_in_range",
    )


@pytest.mark.parametrize("side", ["east", "west"])
def test_pairing_side_without_region_or_organisation_is_rejected(world, side):
    parties = {"east_region": world.nansha, "west_region": world.ziyun, f"{side}_region": None}
    rejected(
        lambda: Pairing.objects.create(level="county", source=world.source, **parties),
        f"pairing_{side}_party_named",
    )


@pytest.mark.parametrize("field", ["east_count", "west_count"])
def test_pairing_count_of_zero_is_rejected(world, field):
    rejected(
        lambda: make_pairing(world.nansha, world.ziyun, world.source, **{field: 0}),
        "pairing_counts_positive",
    )


def test_pairing_cannot_be_its_own_parent(world):
    rejected(
        lambda: Pairing.objects.filter(pk=world.pairing.pk).update(parent=world.pairing),
        "pairing_not_its_own_parent",
    )


@pytest.mark.parametrize("year", [1999, 2101])
def test_indicator_year_outside_2000_to_2100_is_rejected(world, year):
    rejected(
        lambda: Indicator.objects.create(pairing=world.pairing, measure="jobs", year=year),
        "indicator_year_in_range",
    )


def test_duplicate_indicator_for_pairing_measure_and_year_is_rejected(world):
    Indicator.objects.create(pairing=world.pairing, measure="jobs", year=2023)
    Indicator.objects.create(pairing=world.pairing, measure="jobs", year=2022)
    rejected(lambda: Indicator.objects.create(pairing=world.pairing, measure="jobs", year=2023))


# Regions ---------------------------------------------------------------------------


def test_town_without_parent_is_rejected(db):
    rejected(
        lambda: make_region("无上级镇", Region.Level.TOWN, side=Side.WEST),
        "region_only_provinces_are_roots",
    )


def test_province_with_parent_is_rejected(world):
    rejected(
        lambda: make_region("某省", Region.Level.PROVINCE, parent=world.guangdong),
        "region_only_provinces_are_roots",
    )


def test_duplicate_division_code_is_rejected(world):
    make_region("宗地镇", Region.Level.TOWN, world.ziyun, division_code="520425100000")
    rejected(
        lambda: make_region("大营镇", Region.Level.TOWN, world.ziyun, division_code="520425100000")
    )
    make_region("四大寨乡", Region.Level.TOWN, world.ziyun, division_code="")
    make_region("白石岩乡", Region.Level.TOWN, world.ziyun, division_code="")


def test_duplicate_name_under_one_parent_is_rejected(world):
    rejected(lambda: make_region("坝羊镇", Region.Level.TOWN, world.ziyun))
    make_region("坝羊镇", Region.Level.TOWN, world.nansha)


# Events ----------------------------------------------------------------------------


def test_event_without_pairing_or_project_is_rejected(world):
    rejected(
        lambda: Event.objects.create(
            title="师带徒签约", kind="signing", date=datetime.date(2023, 7, 19), source=world.source
        ),
        "event_belongs_to_pairing_or_project",
    )


def test_event_dated_before_2000_is_rejected(world):
    rejected(
        lambda: Event.objects.create(
            title="旧事",
            kind="other",
            date=datetime.date(1999, 12, 31),
            pairing=world.pairing,
            source=world.source,
        ),
        "event_date_in_range",
    )
