"""The dashboard's numbers, aggregated in the database from published data only.

`compute_dashboard()` is the one entry point. It returns plain values (no
querysets, no text fixed in one language), so a caller can cache the result and
drop the cache whenever a status or a figure changes.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse

from cooperation.attribution import (
    category_figures,
    programme_figures,
    region_figures,
    shared_places,
    town_totals,
    unshared,
)
from cooperation.charts import YearPoint, year_chart
from cooperation.formatting import quantity_text
from cooperation.models import (
    Beneficiary,
    Event,
    Figure,
    Pairing,
    Project,
    ProjectLocation,
    Publication,
    Region,
    combine_qualifiers,
    year_over_year,
)
from cooperation.totals import (
    HEADLINE_BY_KEY,
    Headline,
    Total,
    flow_years,
    headline_totals,
    totals_by,
)

Measure = Figure.Measure
Unit = Figure.Unit

TOWN_BARS = 20
# What a region page lists in full before pointing to the filtered list.
REGION_ROWS = 20
LATEST_EVENTS = 8


@dataclass
class Comparison:
    """One indicator's latest-year total against the year before: a ratio, not a sum. It
    compares the two values as the sources give them, each in its own unit, and says so
    when the units differ (the article's 560人次 against 225人)."""

    measure: str
    unit: str
    current: Decimal
    current_qualifier: str
    previous: Decimal
    previous_qualifier: str
    previous_unit: str = ""
    # Every year's total of the measure, for its chart: (year, value, qualifier, unit).
    years: list = field(default_factory=list)

    @property
    def units_differ(self):
        return bool(self.previous_unit) and self.previous_unit != self.unit

    @property
    def unit_names(self):
        """The two units by name, in the reader's language."""
        return Unit(self.unit).label, Unit(self.previous_unit or self.unit).label

    @property
    def label(self):
        return Measure(self.measure).label

    @property
    def current_text(self):
        return quantity_text(self.current, self.unit, self.current_qualifier)

    @property
    def previous_text(self):
        return quantity_text(
            self.previous, self.previous_unit or self.unit, self.previous_qualifier
        )

    @property
    def ratio(self):
        return year_over_year(self.current, self.previous)

    @property
    def chart(self):
        """The measure's totals across the years; the table lists this year and the last."""
        if not self.years:
            return None
        latest = max(year for year, *_rest in self.years)
        previous = YearPoint(
            latest - 1, self.previous, self.previous_unit or self.unit, self.previous_qualifier
        )
        points = [YearPoint(y, value, unit, qual) for y, value, qual, unit in self.years]
        return year_chart(
            self.label,
            points,
            previous=previous,
            ratio=self.ratio,
            listed_years={latest, latest - 1},
        )


@dataclass
class Bar:
    """One bar of a chart of assistance funds, with the number of projects behind it."""

    label: str
    url: str
    value: Decimal | None
    qualifier: str
    project_count: int
    context: str = ""
    share: str = "0"
    breakdown_url: str = ""
    shared_text: str = ""

    @property
    def text(self):
        return quantity_text(self.value, Unit.YUAN, self.qualifier) if self.value else ""


@dataclass
class Dashboard:
    year: int | None
    years: list
    totals: list
    comparison_year: int | None
    comparisons: list
    categories: list
    towns: list
    events: list
    counts: dict = field(default_factory=dict)

    @property
    def year_charts(self):
        charts = (comparison.chart for comparison in self.comparisons)
        return [chart for chart in charts if chart is not None]


def compute_dashboard(year=None):
    """The home page's numbers; `year` narrows the headline totals to one calendar year."""
    comparison_year, comparisons = year_over_year_comparisons()
    projects_by_category = dict(
        Project.objects.published().order_by().values_list("category").annotate(Count("pk"))
    )
    return Dashboard(
        totals=headline_totals(programme_figures(), year=year),
        year=year,
        years=flow_years(),
        comparison_year=comparison_year,
        comparisons=comparisons,
        categories=category_bars(projects_by_category, year),
        towns=town_bars(year),
        events=latest_events(),
        counts={
            "projects": sum(projects_by_category.values()),
            "pairings": Pairing.objects.published().count(),
            "beneficiaries": Beneficiary.objects.published().count(),
        },
    )


@dataclass
class RegionSummary:
    """What a region page shows of the published records in the region or below it: how
    many, their totals, and the first REGION_ROWS of each."""

    year: int | None
    years: list
    project_count: int
    pairing_count: int
    beneficiary_count: int
    totals: list
    projects: list
    pairings: list
    beneficiaries: list


def region_summary(region, year=None):
    """Counted in the database, each part through the indexes of the region's places, with
    no OR across tables (which makes SQLite and PostgreSQL read every figure)."""
    within = Region.objects.within(region).values("pk")
    # The projects of these places, read from the (region, project) index alone.
    located = ProjectLocation.objects.filter(region__in=within).values("project_id")
    projects = Project.objects.published().filter(pk__in=located)
    pairings = Pairing.objects.published().filter(
        Q(east_region__in=within)
        | Q(west_region__in=within)
        | Q(east_organization__region__in=within)
        | Q(west_organization__region__in=within)
    )
    beneficiaries = Beneficiary.objects.published().filter(region__in=within)
    figures = region_figures(region)
    totals = headline_totals(figures, year=year, where={"region": region.pk})
    partners = shared_places(region, figures, [t.headline.measure for t in totals if t.shared])
    for total in totals:
        total.partners = partners.get(total.headline.measure, [])
    return RegionSummary(
        year=year,
        years=flow_years(),
        project_count=projects.count(),
        pairing_count=pairings.count(),
        beneficiary_count=beneficiaries.count(),
        totals=[total for total in totals if total.added or total.beside],
        projects=list(
            projects.order_by(F("funds").desc(nulls_last=True), "title", "pk")[:REGION_ROWS]
        ),
        pairings=list(pairings.select_related(*Pairing.PARTIES)[:REGION_ROWS]),
        beneficiaries=list(
            beneficiaries.select_related("region").order_by("name", "pk")[:REGION_ROWS]
        ),
    )


def year_over_year_comparisons():
    """The latest year of the annual indicators, and each measure against the year before,
    each year's value added by the rules (a county's indicator under its city's is not
    added to it). One query: the totals of each indicator year and unit."""
    figures = Figure.objects.filter(indicator__pairing__status=Publication.PUBLISHED).exclude(
        unit=Unit.PERCENT
    )
    in_any_unit = [Headline(m.value, m.label, m.value, None) for m in Measure]
    by_year_and_unit = totals_by(
        Concat(Cast("indicator__year", CharField()), Value(" "), "unit"),
        [unshared(figures)],
        None,
        in_any_unit,
    )
    sums, units = {}, {}
    for key, totals in by_year_and_unit.items():
        year, unit = key.split(" ", 1)
        for total in totals:
            if total.value is not None:
                sums[(total.headline.measure, int(year))] = (total.value, total.qualifier, unit)
                units.setdefault((total.headline.measure, int(year)), set()).add(unit)
    # A year's values in two units cannot be added, so that measure is not compared.
    sums = {key: value for key, value in sums.items() if len(units[key]) == 1}
    if not sums:
        return None, []
    latest = max(year for _measure, year in sums)
    comparisons = []
    for measure in Measure.values:
        if (measure, latest) not in sums or (measure, latest - 1) not in sums:
            continue
        current, current_qualifier, unit = sums[(measure, latest)]
        previous, previous_qualifier, previous_unit = sums[(measure, latest - 1)]
        comparisons.append(
            Comparison(
                measure=measure,
                unit=unit,
                current=current,
                current_qualifier=current_qualifier,
                previous=previous,
                previous_qualifier=previous_qualifier,
                previous_unit=previous_unit,
                years=[(year, *sums[(m, year)]) for m, year in sorted(sums) if m == measure],
            )
        )
    return latest, comparisons


def category_bars(count_by_category, year=None):
    """Assistance funds by project category, added by the rules; `count_by_category` gives
    the projects."""
    funds = HEADLINE_BY_KEY["funds"]
    by_category = totals_by(
        Coalesce("project__category", "benefit__project__category"),
        category_figures(),
        year,
        [funds],
    )
    project_list = reverse("cooperation:project-list")
    bars = []
    for category in Project.Category:
        if category not in count_by_category and category not in by_category:
            continue
        total = by_category.get(category, [Total(funds, year)])[0]
        total.where = {"category": category.value}
        bars.append(
            Bar(
                label=category.label,
                url=f"{project_list}?category={category.value}",
                value=total.value,
                qualifier=total.qualifier,
                project_count=count_by_category.get(category, 0),
                breakdown_url=total.breakdown_url,
            )
        )
    bars.sort(key=lambda bar: (-(bar.value or 0), -bar.project_count))
    return scaled(bars)


def town_bars(year=None):
    """Western towns by the assistance funds about them alone, and the amounts they share
    with other towns beside (counted once, in the county's total)."""
    funds = HEADLINE_BY_KEY["funds"]
    towns = town_totals(funds, year, TOWN_BARS)
    regions = Region.objects.select_related("parent").in_bulk([town.town for town in towns])
    bars = []
    for town in towns:
        region = regions[town.town]
        total = Total(funds, year, {"region": region.pk})
        bars.append(
            Bar(
                label=region.display_name,
                url=region.get_absolute_url(),
                value=town.own or None,
                qualifier=combine_qualifiers(town.own_qualifiers),
                project_count=town.projects,
                context=region.parent.display_name,
                breakdown_url=total.breakdown_url,
                shared_text=quantity_text(
                    town.shared, Unit.YUAN, combine_qualifiers(town.shared_qualifiers)
                )
                if town.shared
                else "",
            )
        )
    return scaled(bars)


def scaled(bars):
    """Give each bar its length as a percentage of the longest."""
    longest = max((bar.value or 0 for bar in bars), default=0)
    for bar in bars:
        if longest and bar.value:
            bar.share = format((bar.value * 100 / longest).quantize(Decimal("0.1")), "f")
    return bars


def latest_events():
    return list(
        Event.objects.published().select_related(
            "source",
            "project",
            *(f"pairing__{party}" for party in Pairing.PARTIES),
        )[:LATEST_EVENTS]
    )
