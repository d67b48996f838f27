"""Project, pairing and beneficiary pages. Each shows only published records (a draft is
404) and loads what it shows in a fixed number of queries."""

from django.db.models import Exists, F, OuterRef, Prefetch
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.views.generic import DetailView

from cooperation.charts import indicator_charts
from cooperation.counting import YEARS, Capped, cached, capped
from cooperation.invalidation import page_scopes
from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Pairing,
    Person,
    Project,
    ProjectOrganization,
    Region,
    year_over_year,
)
from cooperation.summaries import pairing_totals
from cooperation.timelines import project_timeline
from cooperation.totals import flow_years
from cooperation.views.lists import (
    BeneficiaryListView,
    BreadcrumbsMixin,
    PairingListView,
    ProjectListView,
)
from cooperation.views.pages import chosen_year
from portal.page_cache import depends_on

PROJECTS_SHOWN = 10
# Each benefit is a card with its figures: a village helped by hundreds of projects shows
# the first of them and links to the rest in the project list.
BENEFITS_SHOWN = 20


def published(model, field):
    """The linked record is published. An EXISTS rather than a join on the status, so that
    SQLite reads the few links of this record instead of every published record in the
    order of its status index."""
    return Exists(model.objects.published().filter(pk=OuterRef(field)))


def cited_figures():
    return Figure.objects.select_related("source")


def in_reading_order(figures):
    """Each figure followed by its "其中" parts."""
    figures = list(figures)
    parts = {}
    for figure in figures:
        if figure.part_of_id:
            parts.setdefault(figure.part_of_id, []).append(figure)
    ordered = []
    shown = {figure.pk for figure in figures}
    for figure in figures:
        if figure.part_of_id in shown:
            continue
        ordered.append(figure)
        ordered.extend(parts.get(figure.pk, []))
    return ordered


def with_ancestors(regions):
    """[(region, [its ancestors, top first]), …] with one query for all the ancestors."""
    regions = list(regions)
    ancestor_ids = {pk for region in regions for pk in region.ancestor_ids}
    by_id = Region.objects.in_bulk(ancestor_ids) if ancestor_ids else {}
    return [
        (region, [by_id[pk] for pk in region.ancestor_ids if pk in by_id]) for region in regions
    ]


def timeline(events):
    return (
        events.select_related("source")
        .prefetch_related(Prefetch("people", queryset=Person.objects.filter(is_public_figure=True)))
        .order_by("date", "pk")
    )


class PortalDetailView(BreadcrumbsMixin, DetailView):
    list_view = None

    def get_breadcrumbs(self):
        return [
            (self.list_view.title, reverse(self.list_view.url_name)),
            (str(self.object), None),
        ]


class ProjectDetailView(PortalDetailView):
    template_name = "cooperation/project_detail.html"
    list_view = ProjectListView

    def get_object(self, queryset=None):
        # PostgreSQL refuses a NUL in a query: a slug with one can match nothing.
        if "\x00" in self.kwargs["slug"]:
            raise Http404
        return super().get_object(queryset)

    def get_queryset(self):
        return Project.objects.published().select_related(
            "source", *(f"pairing__{field}" for field in Pairing.PARTIES)
        )

    def get_context_data(self, **kwargs):
        project = self.object
        depends_on(self.request, *page_scopes(project))
        benefits = (
            project.benefits.filter(published(Beneficiary, "beneficiary"))
            .select_related("beneficiary__region", "source")
            .prefetch_related(Prefetch("figures", queryset=cited_figures()))
            .order_by("beneficiary__name", "pk")
        )
        benefits = [(benefit, in_reading_order(benefit.figures.all())) for benefit in benefits]
        figures = in_reading_order(project.figures.select_related("source"))
        events = list(timeline(project.events.all()))
        return super().get_context_data(
            pairing=project.pairing if project.pairing.is_published else None,
            locations=with_ancestors(project.locations.all()),
            roles=ProjectOrganization.objects.filter(project=project)
            .select_related("organization")
            .order_by("role", "organization__name"),
            benefits=benefits,
            figures=figures,
            events=events,
            project_timeline=project_timeline(
                events, [*figures, *(figure for _benefit, shown in benefits for figure in shown)]
            ),
            **kwargs,
        )


class IndicatorRow:
    """One year of an annual indicator, beside the year before when the portal has it."""

    def __init__(self, indicator, previous):
        self.indicator = indicator
        self.figure = indicator.actual
        self.previous = previous.actual if previous is not None else None
        # Expected and target values of the year: shown apart from the actual one.
        self.planned = [f for f in indicator.figures.all() if f.kind != Figure.Kind.ACTUAL]
        self.ratio = None
        if self.figure and self.previous and self.figure.unit == self.previous.unit:
            self.ratio = year_over_year(self.figure.value, self.previous.value)


def indicator_rows(indicators):
    by_key = {(indicator.measure, indicator.year): indicator for indicator in indicators}
    return [
        IndicatorRow(indicator, by_key.get((indicator.measure, indicator.year - 1)))
        for indicator in indicators
    ]


def indicators_section(pairing):
    """The pairing's annual indicators, table and charts, as HTML kept until one of them,
    one of their figures or a source's name changes (cooperation/invalidation.py)."""

    def render():
        indicators = pairing.indicators.prefetch_related(
            Prefetch("figures", queryset=cited_figures())
        ).order_by("measure", "-year")
        rows = indicator_rows(list(indicators))
        context = {
            "indicators": rows,
            "indicator_charts": indicator_charts(rows),
            "planned_shown": any(row.planned for row in rows),
        }
        return render_to_string("includes/pairing_indicators.html", context)

    scopes = [f"indicators:pairing:{pairing.pk}", "names:source"]
    return cached(f"pairing-indicators:{pairing.pk}:{get_language()}", render, scopes)


class PairingDetailView(PortalDetailView):
    template_name = "cooperation/pairing_detail.html"
    list_view = PairingListView

    def get_queryset(self):
        return Pairing.objects.published().select_related(
            "source", *Pairing.PARTIES, *(f"parent__{field}" for field in Pairing.PARTIES)
        )

    def get_context_data(self, **kwargs):
        pairing = self.object
        depends_on(self.request, *page_scopes(pairing))
        parent = pairing.parent if pairing.parent_id and pairing.parent.is_published else None
        projects = pairing.projects.published()
        year = chosen_year(self.request)
        totals = pairing_totals(pairing, year)
        return super().get_context_data(
            totals=[total for total in totals if total.added or total.beside],
            year=year,
            years=cached("flow-years", flow_years, [YEARS]),
            parent=parent,
            children=pairing.children.published().select_related(*Pairing.PARTIES),
            projects=projects.prefetch_related("locations").order_by(
                F("start_year").desc(nulls_last=True), "title", "pk"
            )[:PROJECTS_SHOWN],
            project_count=projects.count(),
            all_projects_url=f"{reverse(ProjectListView.url_name)}?pairing={pairing.pk}",
            indicators_section=indicators_section(pairing),
            events=timeline(Event.objects.published().filter(pairing=pairing)),
            **kwargs,
        )


class BeneficiaryDetailView(PortalDetailView):
    template_name = "cooperation/beneficiary_detail.html"
    list_view = BeneficiaryListView

    def get_queryset(self):
        return Beneficiary.objects.published().select_related("region", "organization", "source")

    def get_context_data(self, **kwargs):
        beneficiary = self.object
        depends_on(self.request, *page_scopes(beneficiary))
        benefits = (
            Benefit.objects.filter(published(Project, "project"), beneficiary=beneficiary)
            .select_related("project", "source")
            .prefetch_related(Prefetch("figures", queryset=cited_figures()))
            .order_by("project__title", "pk")
        )
        shown = capped(benefits, BENEFITS_SHOWN)
        region = with_ancestors([beneficiary.region]) if beneficiary.region_id else []
        return super().get_context_data(
            region=region[0] if region else None,
            figures=in_reading_order(beneficiary.figures.select_related("source")),
            benefits=Capped(
                [(benefit, in_reading_order(benefit.figures.all())) for benefit in shown],
                shown.total,
            ),
            all_projects_url=f"{reverse(ProjectListView.url_name)}?beneficiary={beneficiary.pk}",
            **kwargs,
        )
