"""Properties of the adding rules on random figure sets, through the code the pages use,
on whichever database the suite runs on (CI runs it on SQLite and on PostgreSQL):
no total counts a figure twice, a breakdown adds up to its total, the towns of a county
never add up to more than the county, the town bars are the towns' own totals, and
nothing cumulative, expected or a part is added."""

import datetime
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cooperation.attribution import programme_figures, region_figures, town_totals
from cooperation.models import Figure, Indicator, Qualifier, Region
from cooperation.models.periods import Period
from cooperation.totals import HEADLINE_BY_KEY, HEADLINES, Reason, breakdown, headline_totals
from tests.factories import make_figure, make_project, make_region

Measure, Unit, Scope = Figure.Measure, Figure.Unit, Figure.Scope
REPORTED = datetime.date(2023, 10, 26)
PERIODS = {
    "2022": (Period.FLOW, datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)),
    "2023": (Period.FLOW, datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)),
    "2023 to September": (Period.FLOW, datetime.date(2023, 1, 1), datetime.date(2023, 9, 30)),
    "a year to the report": (Period.FLOW, datetime.date(2022, 10, 27), REPORTED),
    "since 2021": (Period.CUMULATIVE, datetime.date(2021, 1, 1), REPORTED),
    "on the report's day": (Period.STOCK, None, REPORTED),
    "unknown": (Period.UNKNOWN, None, None),
}
PLACES = 5  # 猫营镇, 黄鹤营村 in it, 板当镇, 硐口村 in it, and 紫云县 itself

figures = st.lists(
    st.fixed_dictionaries(
        {
            "value": st.integers(min_value=1, max_value=10**9),
            "measure": st.sampled_from([Measure.ASSISTANCE_FUNDS, Measure.JOBS]),
            "other_unit": st.sampled_from([False] * 4 + [True]),
            "kind": st.sampled_from([Figure.Kind.ACTUAL] * 3 + [Figure.Kind.EXPECTED]),
            "period": st.sampled_from(list(PERIODS)),
            "qualifier": st.sampled_from([Qualifier.EXACT, Qualifier.AT_LEAST, Qualifier.ABOUT]),
            "owner": st.sampled_from(["project 0", "project 1", "project 2", "indicator"]),
            # Figures of the whole pairing are drawn seldom: each one sets aside the project
            # figures whose periods it may overlap, and leaves the towns nothing to add.
            "scope": st.sampled_from([Scope.OWNER] * 4 + [Scope.PLACES] * 3 + [Scope.PAIRING]),
            "places": st.sets(st.integers(0, PLACES - 1), min_size=1, max_size=3),
            "part_of": st.none() | st.integers(0, 20),
        }
    ),
    max_size=14,
)
locations = st.lists(
    st.sets(st.integers(0, PLACES - 1), min_size=1, max_size=2), min_size=3, max_size=3
)


def build(world, places, drawn_locations, drawn):
    projects = [
        make_project(world.pairing, world.source, locations=[places[i] for i in chosen])
        for chosen in drawn_locations
    ]
    indicator = Indicator.objects.create(pairing=world.pairing, measure=Measure.JOBS, year=2023)
    made = []
    for spec in drawn:
        kind, start, end = PERIODS[spec["period"]]
        headline_unit = Unit.YUAN if spec["measure"] == Measure.ASSISTANCE_FUNDS else Unit.PERSON
        owner = (
            {"indicator": indicator}
            if spec["owner"] == "indicator"
            else {"project": projects[int(spec["owner"].split()[1])]}
        )
        scope = spec["scope"]
        if scope == Scope.PAIRING and "indicator" in owner:
            scope = Scope.OWNER
        whole = (
            made[spec["part_of"]]
            if spec["part_of"] is not None and spec["part_of"] < len(made)
            else None
        )
        made.append(
            make_figure(
                world.source,
                spec["value"],
                measure=spec["measure"],
                unit=Unit.PERSON_TIME if spec["other_unit"] else headline_unit,
                kind=spec["kind"],
                qualifier=spec["qualifier"],
                period_kind=kind,
                period_start=start,
                period_end=end,
                scope=scope,
                places=[places[i] for i in spec["places"]] if scope == Scope.PLACES else [],
                part_of=whole,
                **owner,
            )
        )
    return made


def check_total(total, figure_sets, year):
    rows = list(breakdown(total.headline, figure_sets, year))
    refs = [row["ref"] for row in rows]
    assert len(refs) == len(set(refs)), "a figure is listed twice"
    added = [row for row in rows if row["reason"] == Reason.ADDED]
    assert len(added) == total.count
    assert (sum((row["value"] for row in added), Decimal(0)) if added else None) == total.value
    assert len(rows) == total.count + total.beside_count
    for figure in Figure.objects.filter(pk__in=[row["ref"] for row in added]):
        assert figure.kind == Figure.Kind.ACTUAL and figure.part_of_id is None
        assert figure.period_kind in (Period.FLOW, Period.UNKNOWN)
        assert figure.unit == total.headline.unit
        if year is not None:
            assert figure.year == year
    return {row["ref"] for row in added}


def shared_value(total):
    shared = [group.value for group in total.shared]
    return sum(shared, Decimal(0)) if shared else None


@settings(
    max_examples=30,
    # Without shrinking: an example takes a second, and shrinking one took minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn_locations=locations, drawn=figures, year=st.sampled_from([None, 2022, 2023]))
def test_random_figures_are_added_once_and_towns_stay_within_their_county(
    world, drawn_locations, drawn, year
):
    with transaction.atomic():
        bandang = make_region("板当镇", Region.Level.TOWN, world.ziyun)
        dongkou = make_region("硐口村", Region.Level.VILLAGE, bandang)
        places = [world.maoying, world.huanghe, bandang, dongkou, world.ziyun]
        build(world, places, drawn_locations, drawn)

        everywhere = programme_figures()
        bars = {town.town: town for town in town_totals(HEADLINE_BY_KEY["funds"], year)}
        county_sets = region_figures(world.ziyun)
        county_totals = {t.headline: t for t in headline_totals(county_sets, year)}
        towns = [(world.maoying, region_figures(world.maoying)), (bandang, region_figures(bandang))]
        town_totals_by_headline = [
            {t.headline: t for t in headline_totals(sets, year)} for _, sets in towns
        ]
        for headline_total in headline_totals(everywhere, year):
            national = check_total(headline_total, everywhere, year)
            in_county = check_total(county_totals[headline_total.headline], county_sets, year)
            assert in_county <= national
            in_towns = set()
            for (town, sets), totals in zip(towns, town_totals_by_headline, strict=True):
                town_total = totals[headline_total.headline]
                in_town = check_total(town_total, sets, year)
                assert in_town <= in_county
                if headline_total.headline.key == "funds":
                    bar = bars.get(town.pk)
                    assert (bar.own or None if bar else None) == town_total.value
                    assert (bar.shared or None if bar else None) == shared_value(town_total)
                assert not in_town & in_towns, "a figure is added in two towns"
                in_towns |= in_town
        transaction.set_rollback(True)


def test_the_headlines_cover_the_measures_the_strategy_draws():
    assert {h.measure for h in HEADLINES} >= {Measure.ASSISTANCE_FUNDS, Measure.JOBS}
