"""Dashboard, regions, organisations, sources and people."""

from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import F, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import pgettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from cooperation.counting import cached
from cooperation.dashboard import compute_dashboard, headline_totals
from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Organization,
    Pairing,
    Person,
    Project,
    ProjectOrganization,
    Region,
    Side,
    Source,
)

# What a region page lists in full before pointing to the filtered list.
REGION_PAGE_ROWS = 20

PAIRING_PARTIES = (
    "east_region",
    "west_region",
    "east_organization",
    "west_organization",
)


def crumb(label, name=None, **kwargs):
    return (label, reverse(f"cooperation:{name}", kwargs=kwargs) if name else None)


class LenientPaginationMixin:
    """A page number out of range or not a number shows the nearest page, not a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class DashboardView(TemplateView):
    template_name = "cooperation/home.html"

    def get_context_data(self, **kwargs):
        dashboard = cached("dashboard", compute_dashboard)
        return super().get_context_data(dashboard=dashboard, **kwargs)


class RegionListView(TemplateView):
    """Provinces › cities › counties, east and west."""

    template_name = "cooperation/region_list.html"
    levels = (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY)

    def get_context_data(self, **kwargs):
        regions = Region.objects.filter(level__in=self.levels).order_by("name")
        below = defaultdict(list)
        for region in regions:
            below[region.parent_id].append(region)
        for region in regions:
            region.subregions = below[region.pk]
        sides = [
            (label, [p for p in below[None] if p.side == side]) for side, label in Side.choices
        ]
        return super().get_context_data(
            sides=sides, breadcrumbs=[crumb(pgettext_lazy("复数", "区域"))], **kwargs
        )


class RegionDetailView(DetailView):
    """A region and what happened in it or anywhere below it."""

    queryset = Region.objects.select_related("source")
    template_name = "cooperation/region_detail.html"
    context_object_name = "region"

    def get_context_data(self, **kwargs):
        region = self.object
        within = Region.objects.within(region)
        projects = Project.objects.published().in_region(region)
        project_ids = projects.values("pk")
        figures = Figure.objects.published().filter(
            Q(project__in=project_ids) | Q(benefit__project__in=project_ids)
        )
        pairings = (
            Pairing.objects.published()
            .filter(
                Q(east_region__in=within)
                | Q(west_region__in=within)
                | Q(east_organization__region__in=within)
                | Q(west_organization__region__in=within)
            )
            .select_related(*PAIRING_PARTIES)
        )
        beneficiaries = Beneficiary.objects.published().filter(region__in=within)
        ancestors = region.ancestors()
        breadcrumbs = [crumb(pgettext_lazy("复数", "区域"), "region-list")]
        breadcrumbs += [(a.name, a.get_absolute_url()) for a in ancestors]
        breadcrumbs.append((region.name, None))
        return super().get_context_data(
            breadcrumbs=breadcrumbs,
            children=region.children.order_by("name"),
            projects=projects.order_by(F("funds").desc(nulls_last=True), "title")[
                :REGION_PAGE_ROWS
            ],
            project_count=projects.count(),
            totals=[total for total in headline_totals(figures) if total.value is not None],
            pairings=pairings[:REGION_PAGE_ROWS],
            pairing_count=pairings.count(),
            beneficiaries=beneficiaries.select_related("region")[:REGION_PAGE_ROWS],
            beneficiary_count=beneficiaries.count(),
            organizations=Organization.objects.filter(region=region).order_by("kind", "name"),
            rows_shown=REGION_PAGE_ROWS,
            **kwargs,
        )


class OrganizationListView(LenientPaginationMixin, ListView):
    template_name = "cooperation/organization_list.html"
    context_object_name = "organizations"
    paginate_by = 50

    def get_queryset(self):
        organizations = Organization.objects.select_related("region").order_by("kind", "name")
        if self.kind:
            organizations = organizations.filter(kind=self.kind)
        return organizations

    @property
    def kind(self):
        kind = self.request.GET.get("kind", "")
        return kind if kind in Organization.Kind.values else ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kinds=Organization.Kind.choices,
            current_kind=self.kind,
            query=urlencode({"kind": self.kind}) if self.kind else "",
            breadcrumbs=[crumb(pgettext_lazy("复数", "单位"))],
            **kwargs,
        )


class OrganizationDetailView(DetailView):
    model = Organization
    template_name = "cooperation/organization_detail.html"
    context_object_name = "organization"
    queryset = Organization.objects.select_related("region", "parent", "source")

    def get_context_data(self, **kwargs):
        organization = self.object
        published_projects = Project.objects.published()
        return super().get_context_data(
            breadcrumbs=[
                crumb(pgettext_lazy("复数", "单位"), "organization-list"),
                (organization.name, None),
            ],
            pairings=Pairing.objects.published()
            .filter(Q(east_organization=organization) | Q(west_organization=organization))
            .select_related(*PAIRING_PARTIES),
            roles=ProjectOrganization.objects.filter(
                organization=organization, project__in=published_projects
            ).select_related("project"),
            beneficiaries=Beneficiary.objects.published()
            .filter(organization=organization)
            .select_related("region"),
            units=organization.units.order_by("name"),
            people=organization.people.filter(is_public_figure=True),
            **kwargs,
        )


class SourceListView(LenientPaginationMixin, ListView):
    model = Source
    template_name = "cooperation/source_list.html"
    context_object_name = "sources"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=[crumb(pgettext_lazy("复数", "来源"))], **kwargs
        )


SOURCE_GROUP_LIMIT = 50


class Capped(list):
    """The first records of a group, and how many the whole group holds."""

    def __init__(self, queryset, limit=SOURCE_GROUP_LIMIT):
        super().__init__(queryset[:limit])
        self.total = len(self) if len(self) < limit else queryset.count()

    @property
    def is_cut(self):
        return self.total > len(self)


class SourceDetailView(DetailView):
    """A source and every published record that cites it, each with its quoted sentence."""

    model = Source
    template_name = "cooperation/source_detail.html"
    context_object_name = "source"

    def get_object(self, queryset=None):
        # PostgreSQL refuses NUL characters in a query instead of finding nothing.
        if "\x00" in self.kwargs["slug"]:
            raise Http404
        return super().get_object(queryset)

    def get_context_data(self, **kwargs):
        source = self.object
        published_projects = Project.objects.published()
        figures = (
            Figure.objects.published()
            .filter(source=source)
            .select_related(
                "project",
                *(f"indicator__pairing__{party}" for party in PAIRING_PARTIES),
                "beneficiary",
                "benefit__project",
                "benefit__beneficiary",
            )
        )
        benefits = Benefit.objects.filter(
            source=source,
            project__in=published_projects,
            beneficiary__in=Beneficiary.objects.published(),
        ).select_related("project", "beneficiary")
        return super().get_context_data(
            breadcrumbs=[
                crumb(pgettext_lazy("复数", "来源"), "source-list"),
                (source.title, None),
            ],
            projects=Capped(published_projects.filter(source=source)),
            pairings=Capped(
                Pairing.objects.published().filter(source=source).select_related(*PAIRING_PARTIES)
            ),
            beneficiaries=Capped(Beneficiary.objects.published().filter(source=source)),
            benefits=Capped(benefits),
            figures=Capped(figures),
            events=Capped(
                Event.objects.published().filter(source=source).select_related("project", "pairing")
            ),
            regions=Capped(Region.objects.filter(source=source)),
            organizations=Capped(Organization.objects.filter(source=source)),
            people=Capped(Person.objects.filter(source=source, is_public_figure=True)),
            **kwargs,
        )


class PeopleView(LenientPaginationMixin, ListView):
    """Public officials named in the sources, with their posts. Nobody else."""

    template_name = "cooperation/people.html"
    context_object_name = "people"
    paginate_by = 100

    def get_queryset(self):
        return Person.objects.filter(is_public_figure=True).select_related(
            "organization", "region", "source"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            breadcrumbs=[crumb(pgettext_lazy("复数", "人员"))], **kwargs
        )
