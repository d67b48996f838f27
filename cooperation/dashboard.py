"""The dashboard's numbers, aggregated in the database from published data only.

`compute_dashboard()` is the one entry point. It returns plain values (no
querysets, no text fixed in one language), so a caller can cache the result and
drop the cache whenever a status or a figure changes.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse

from cooperation.formatting import quantity_text
from cooperation.models import (
    Beneficiary,
    Event,
    Figure,
    Pairing,
    Project,
    ProjectLocation,
    Publication,
    Qualifier,
    Region,
    Side,
    combine_qualifiers,
    year_over_year,
)
from cooperation.totals import headline_totals, in_decimal

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


def compute_dashboard(year=None):
    """The home page's numbers; `year` narrows the headline totals to one calendar year."""
    figures = Figure.objects.published()
    comparison_year, comparisons = year_over_year_comparisons(figures)
    projects_by_category = dict(
        Project.objects.published().order_by().values_list("category").annotate(Count("pk"))
    )
    return Dashboard(
        totals=headline_totals(figures, year=year),
        year=year,
        years=flow_years(figures),
        comparison_year=comparison_year,
        comparisons=comparisons,
        categories=category_bars(projects_by_category),
        towns=town_bars(),
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

    project_count: int
    pairing_count: int
    beneficiary_count: int
    totals: list
    projects: list
    pairings: list
    beneficiaries: list


def region_summary(region):
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
    totals = headline_totals(
        Figure.objects.filter(project__in=located, project__status=Publication.PUBLISHED),
        Figure.objects.filter(
            benefit__project__in=located,
            benefit__project__status=Publication.PUBLISHED,
            benefit__beneficiary__status=Publication.PUBLISHED,
        ),
    )
    return RegionSummary(
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


def flow_years(figures):
    """The calendar years some published flow lies in: the years a visitor may choose."""
    years = figures.filter(year__isnull=False).order_by("-year").values_list("year", flat=True)
    return list(years.distinct())


def year_over_year_comparisons(figures):
    """The latest year of the annual indicators, and each measure against the year before."""
    rows = (
        figures.counted_in_totals()
        .filter(indicator__isnull=False)
        .exclude(unit=Unit.PERCENT)
        .order_by()
        .values("indicator__measure", "indicator__year", "unit", "qualifier")
        .annotate(total=Sum("value"))
    )
    sums, units = {}, {}
    for row in rows:
        key = (row["indicator__measure"], row["indicator__year"])
        value, qualifiers, unit = sums.get(key, (Decimal(0), [], row["unit"]))
        sums[key] = (value + row["total"], [*qualifiers, row["qualifier"]], unit)
        units.setdefault(key, set()).add(row["unit"])
    # A year's values in two units cannot be added, so that measure is not compared.
    sums = {key: value for key, value in sums.items() if len(units[key]) == 1}
    if not sums:
        return None, []
    latest = max(year for _measure, year in sums)
    comparisons = []
    for measure in Measure.values:
        if (measure, latest) not in sums or (measure, latest - 1) not in sums:
            continue
        current, current_qualifiers, unit = sums[(measure, latest)]
        previous, previous_qualifiers, previous_unit = sums[(measure, latest - 1)]
        comparisons.append(
            Comparison(
                measure=measure,
                unit=unit,
                current=current,
                current_qualifier=combine_qualifiers(current_qualifiers),
                previous=previous,
                previous_qualifier=combine_qualifiers(previous_qualifiers),
                previous_unit=previous_unit,
            )
        )
    return latest, comparisons


def project_funds():
    """Published actual assistance funds of a project or of one of its benefits."""
    return (
        Figure.objects.published()
        .counted_in_totals()
        .filter(measure=Measure.ASSISTANCE_FUNDS, unit=Unit.YUAN)
        .filter(Q(project__isnull=False) | Q(benefit__isnull=False))
        .annotate(about_project=Coalesce("project", "benefit__project"))
    )


def category_bars(count_by_category):
    """Assistance funds by project category; `count_by_category` gives the projects."""
    funds = (
        project_funds()
        .order_by()
        .values("qualifier", category=Coalesce("project__category", "benefit__project__category"))
        .annotate(total=Sum("value"))
    )
    funds_by_category = {}
    for row in funds:
        value, qualifiers = funds_by_category.get(row["category"], (Decimal(0), []))
        funds_by_category[row["category"]] = (value + row["total"], [*qualifiers, row["qualifier"]])
    project_list = reverse("cooperation:project-list")
    bars = []
    for category in Project.Category:
        if category not in count_by_category and category not in funds_by_category:
            continue
        value, qualifiers = funds_by_category.get(category, (None, []))
        bars.append(
            Bar(
                label=category.label,
                url=f"{project_list}?category={category.value}",
                value=value,
                qualifier=combine_qualifiers(qualifiers),
                project_count=count_by_category.get(category, 0),
            )
        )
    bars.sort(key=lambda bar: (-(bar.value or 0), -bar.project_count))
    return scaled(bars)


def town_of_location():
    """The western town of a project location: the town itself, or a village's town."""
    return Case(
        When(region__level=Region.Level.TOWN, then=F("region_id")),
        When(
            region__level=Region.Level.VILLAGE,
            region__parent__level=Region.Level.TOWN,
            then=F("region__parent_id"),
        ),
        output_field=IntegerField(),
    )


def town_bars():
    """Western towns by the assistance funds of the projects located in them or their villages.

    A project located in several towns counts in each of them, and once in each. One
    query: the ORM writes its two parts (each project's towns; each project's funds by
    qualifier, and each project once more with no funds, so that a plain join keeps the
    towns whose projects have none), which the database joins and adds up per town.
    SQLite indexes a plain join of two subqueries, but not an outer join.
    """
    placements = (
        ProjectLocation.objects.filter(
            project__status=Publication.PUBLISHED, region__side=Side.WEST
        )
        .annotate(project_ref=F("project_id"), town=town_of_location())
        .filter(town__isnull=False)
        .order_by()
        .values("project_ref", "town")
        .distinct()
    )
    funds = (
        project_funds()
        .order_by()
        .values(project_ref=F("about_project"), qualifier_ref=F("qualifier"))
        .annotate(total=Sum("value"))
    ).union(
        Project.objects.published()
        .order_by()
        .values(
            project_ref=F("pk"),
            qualifier_ref=Value(None, output_field=CharField()),
            total=Value(None, output_field=DecimalField()),
        ),
        all=True,
    )
    placements_sql, placements_params = placements.query.sql_with_params()
    funds_sql, funds_params = funds.query.sql_with_params()
    flags = [f"has_{number}" for number in range(len(Qualifier.values))]
    has_qualifier = [
        f"MAX(CASE WHEN funds.qualifier_ref = %s THEN 1 ELSE 0 END) AS {flag}" for flag in flags
    ]
    region = Region._meta.db_table
    sql = f"""
        SELECT town.id, town.name, town.short_name, county.name, county.short_name,
               totals.project_count, totals.funds, {", ".join(flags)}
        FROM (
            SELECT place.town, COUNT(DISTINCT place.project_ref) AS project_count,
                   SUM(funds.total) AS funds,
                   {", ".join(has_qualifier)}
            FROM ({placements_sql}) place
            JOIN ({funds_sql}) funds ON funds.project_ref = place.project_ref
            GROUP BY place.town
        ) totals
        JOIN {region} town ON town.id = totals.town
        JOIN {region} county ON county.id = town.parent_id
        ORDER BY totals.funds DESC NULLS LAST, totals.project_count DESC, town.name, town.id
        LIMIT %s
    """
    params = [*Qualifier.values, *placements_params, *funds_params, TOWN_BARS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    bars = []
    for pk, name, short_name, county, county_short, count, value, *has in rows:
        bars.append(
            Bar(
                label=short_name or name,
                url=reverse("cooperation:region-detail", kwargs={"pk": pk}),
                value=in_decimal(value),
                qualifier=combine_qualifiers(
                    qualifier
                    for qualifier, found in zip(Qualifier.values, has, strict=True)
                    if found
                ),
                project_count=count,
                context=county_short or county,
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
