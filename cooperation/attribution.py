"""Which published figures a total is of: the programme, a pairing, a region, a category.

Each function returns sets of figures that share no figure, for cooperation.totals to add
by its rules. A figure is about places:
- scope "places": the places it lists (a joint amount lists all of them);
- scope "owner": its project's locations, or its beneficiary's region;
- scope "pairing" (every annual indicator's own figures): the pairing's western party.
A western region's figures are those with a place in it or below it, annotated `shared`
when they have a place outside it as well. An eastern region's figures are those of the
pairings whose eastern party lies in it: what that side gave, wherever it went.

Each set is read through the indexes of the region's places (no OR across tables, which
makes SQLite and PostgreSQL read every figure).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce

from cooperation.models import (
    Figure,
    Pairing,
    ProjectLocation,
    Publication,
    Region,
    Side,
)
from cooperation.totals import Reason, classified, in_decimal

Scope = Figure.Scope
PUBLISHED = Publication.PUBLISHED
Places = Figure.places.through


def unshared(figures):
    return figures.annotate(shared=Value(False, output_field=BooleanField()))


def programme_figures():
    """Every published figure: the home page's totals."""
    return [unshared(Figure.objects.published())]


def category_figures(category=None):
    """Figures of projects (and of their benefits) of one category, or of any category
    when `category` is None; figures about the whole pairing belong to no category."""
    about_project = Figure.objects.exclude(scope=Scope.PAIRING)
    of_projects = about_project.filter(project__status=PUBLISHED)
    of_benefits = about_project.filter(
        benefit__project__status=PUBLISHED, benefit__beneficiary__status=PUBLISHED
    )
    if category is not None:
        of_projects = of_projects.filter(project__category=category)
        of_benefits = of_benefits.filter(benefit__project__category=category)
    return [unshared(of_projects), unshared(of_benefits)]


def pairing_figures(pairing):
    """The published figures of a pairing and of the pairings layered directly on it (a
    county's under its city's): the rules keep the layers from being added twice."""
    layers = Pairing.objects.filter(Q(pk=pairing.pk) | Q(parent=pairing.pk)).values("pk")
    return [unshared(Figure.objects.published().filter(pairing__in=layers))]


class FiguresOf:
    """What a total is of: one region, else one pairing, else the pairings from one place
    to another (`east`, `west`: a band of the flow diagram), else one category, else the
    whole programme; the first given wins, on the breakdown page and in the API alike."""

    def __init__(self, region=None, pairing=None, category=None, east=None, west=None):
        self.region = region
        self.pairing = pairing if region is None else None
        given = region is None and self.pairing is None
        self.east, self.west = (east, west) if given else (None, None)
        given = given and east is None and west is None
        self.category = category if given else None

    @property
    def where(self):
        """The query parameters that name it."""
        if self.region is not None:
            return {"region": self.region.pk}
        if self.pairing is not None:
            return {"pairing": self.pairing.pk}
        if self.east is not None or self.west is not None:
            ends = {"east": self.east, "west": self.west}
            return {side: region.pk for side, region in ends.items() if region is not None}
        return {"category": self.category} if self.category else {}

    def sets(self):
        if self.region is not None:
            return region_figures(self.region)
        if self.pairing is not None:
            return pairing_figures(self.pairing)
        if self.east is not None or self.west is not None:
            return between(self.east, self.west)
        if self.category:
            return category_figures(self.category)
        return programme_figures()


def region_figures(region):
    """The published figures about the region or the places below it."""
    if region.side == Side.EAST:
        return given_by(region)
    within = Region.objects.within(region).values("pk")
    outside = ~Q(region__in=within)
    projects_here = ProjectLocation.objects.filter(region__in=within).values("project_id")
    listed_here = Places.objects.filter(region__in=within).values("figure_id")
    return [
        Figure.objects.filter(
            scope=Scope.OWNER, project__status=PUBLISHED, project__in=projects_here
        ).annotate(
            shared=Exists(ProjectLocation.objects.filter(outside, project=OuterRef("project")))
        ),
        Figure.objects.published()
        .filter(scope=Scope.PLACES, pk__in=listed_here)
        .annotate(shared=Exists(Places.objects.filter(outside, figure=OuterRef("pk")))),
        unshared(
            Figure.objects.filter(
                scope=Scope.OWNER,
                benefit__project__status=PUBLISHED,
                benefit__beneficiary__status=PUBLISHED,
                benefit__beneficiary__region__in=within,
            )
        ),
        unshared(
            Figure.objects.filter(
                scope=Scope.OWNER, beneficiary__status=PUBLISHED, beneficiary__region__in=within
            )
        ),
        unshared(about_pairings(Pairing.objects.filter(west_in(within)))),
    ]


def west_in(within):
    return Q(west_region__in=within) | Q(west_organization__region__in=within)


def about_pairings(pairings):
    """Figures about the whole of one of these pairings (an indicator's, or a project's
    given for its whole pairing), through the index of what each pairing reports."""
    return Figure.objects.published().filter(
        scope=Scope.PAIRING, pairing__in=pairings.filter(status=PUBLISHED).values("pk")
    )


def pairings_between(east=None, west=None):
    """The published pairings whose eastern party lies in `east` and whose western party
    lies in `west` (either may be None: anywhere)."""
    pairings = Pairing.objects.filter(status=PUBLISHED)
    for side, region in (("east", east), ("west", west)):
        if region is not None:
            within = Region.objects.within(region).values("pk")
            pairings = pairings.filter(
                Q(**{f"{side}_region__in": within})
                | Q(**{f"{side}_organization__region__in": within})
            )
    return pairings


def between(east=None, west=None):
    """Every published figure of the pairings from `east` to `west`: what that side gave
    that side, as given_by() is what a side gave anywhere."""
    pairings = pairings_between(east, west).values("pk")
    return [unshared(Figure.objects.published().filter(pairing__in=pairings))]


def given_by(region):
    """Every published figure of the pairings whose eastern party lies in the region."""
    within = Region.objects.within(region).values("pk")
    pairings = Pairing.objects.filter(
        Q(east_region__in=within) | Q(east_organization__region__in=within), status=PUBLISHED
    ).values("pk")
    return [unshared(Figure.objects.published().filter(pairing__in=pairings))]


def shared_places(region, figure_sets, measures):
    """For each measure, the names of the places outside the region that its shared
    figures are shared with, named at the level of the region."""
    if region.side == Side.EAST:
        return {}
    by_project, by_places = figure_sets[0], figure_sets[1]
    shared = {"shared": True, "measure__in": measures}
    place = "project__project_locations__region"
    rows = [
        *by_project.filter(**shared).values_list("measure", f"{place}__pk", f"{place}__path"),
        *by_places.filter(**shared).values_list("measure", "places__pk", "places__path"),
    ]
    # Each partner is named at the region's own level: a town's partner village by its town.
    depth = len(region.ancestor_ids)
    partners = {}
    for measure, pk, path in rows:
        if pk is None or pk == region.pk or path.startswith(region.subtree_path):
            continue
        chain = [int(part) for part in path.strip("/").split("/") if part] + [pk]
        partners.setdefault(measure, set()).add(chain[min(depth, len(chain) - 1)])
    names = Region.objects.in_bulk({pk for found in partners.values() for pk in found})
    return {
        measure: sorted(names[pk].display_name for pk in found if pk in names)
        for measure, found in partners.items()
    }


def town_totals(headline, year=None, limit=20):
    """The western towns with the largest totals of one headline, each as (town id, own
    value, own qualifiers, shared value, shared qualifiers, projects): `own` adds the
    figures the rules add whose places all lie in the town (or its villages), `shared`
    those with places in other towns too. One query; the same sets and rules as a town's
    own page, so a bar is the total its breakdown lists."""
    units = {headline.measure: headline.unit}
    added = (
        classified(Figure.objects.published().filter(measure=headline.measure), year, units)
        .filter(reason=Reason.ADDED)
        .order_by()
        .values(
            "value", "qualifier", ref=F("pk"), project_ref=Coalesce("project", "benefit__project")
        )
    )
    of_measure = Figure.objects.filter(
        measure=headline.measure, scope__in=[Scope.OWNER, Scope.PLACES]
    ).order_by()
    places = (
        Places.objects.filter(figure__measure=headline.measure, figure__scope=Scope.PLACES)
        .order_by()
        .values(figure_ref=F("figure_id"), place=F("region_id"))
        .union(
            of_measure.filter(scope=Scope.OWNER, project__isnull=False).values(
                figure_ref=F("pk"), place=F("project__project_locations__region")
            ),
            of_measure.filter(scope=Scope.OWNER, benefit__isnull=False).values(
                figure_ref=F("pk"), place=F("benefit__beneficiary__region")
            ),
            of_measure.filter(scope=Scope.OWNER, beneficiary__isnull=False).values(
                figure_ref=F("pk"), place=F("beneficiary__region")
            ),
            all=True,
        )
    )
    added_sql, added_params = added.query.sql_with_params()
    places_sql, places_params = places.query.sql_with_params()
    region = Region._meta.db_table
    sql = f"""
        WITH towned AS (
            SELECT DISTINCT place.figure_ref,
                   CASE WHEN here.side <> %s THEN NULL
                        WHEN here.level = %s THEN here.id
                        WHEN here.level = %s AND above.level = %s THEN here.parent_id
                   END AS town
            FROM ({places_sql}) place
            LEFT JOIN {region} here ON here.id = place.place
            LEFT JOIN {region} above ON above.id = here.parent_id
        ),
        spread AS (
            SELECT figure_ref, CASE WHEN COUNT(*) = 1 AND COUNT(town) = 1 THEN 1 ELSE 0 END AS own
            FROM towned GROUP BY figure_ref
        ),
        in_town AS MATERIALIZED (
            SELECT towned.town, spread.own, added.value, added.qualifier, added.project_ref
            FROM towned
            JOIN spread ON spread.figure_ref = towned.figure_ref
            JOIN ({added_sql}) added ON added.ref = towned.figure_ref
            WHERE towned.town IS NOT NULL
        ),
        top AS (
            SELECT town FROM in_town GROUP BY town
            ORDER BY SUM(CASE WHEN own = 1 THEN value ELSE 0 END) DESC, SUM(value) DESC, town
            LIMIT %s
        )
        SELECT town, own, qualifier, SUM(value), NULL
        FROM in_town WHERE town IN (SELECT town FROM top)
        GROUP BY town, own, qualifier
        UNION ALL
        SELECT town, 1, NULL, NULL, COUNT(DISTINCT project_ref)
        FROM in_town WHERE town IN (SELECT town FROM top)
        GROUP BY town
    """
    levels = [Side.WEST, Region.Level.TOWN, Region.Level.VILLAGE, Region.Level.TOWN]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*levels, *places_params, *added_params, limit])
        rows = cursor.fetchall()
    towns = {}
    for town, own, qualifier, value, projects in rows:
        entry = towns.setdefault(town, TownTotal(town))
        entry.add(bool(own), qualifier, in_decimal(value), projects)
    return sorted(towns.values(), key=lambda t: (-t.own, -t.shared, t.town))


@dataclass
class TownTotal:
    town: int
    own: Decimal = Decimal(0)
    own_qualifiers: list = field(default_factory=list)
    shared: Decimal = Decimal(0)
    shared_qualifiers: list = field(default_factory=list)
    projects: int = 0

    def add(self, own, qualifier, value, projects):
        if projects is not None:
            self.projects = projects
        elif own:
            self.own += value
            self.own_qualifiers.append(qualifier)
        else:
            self.shared += value
            self.shared_qualifiers.append(qualifier)
