"""Dashboard, regions, organisations, sources and people."""

from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, pgettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from cooperation.counting import CAPPED_ROWS, Capped, cached, capped
from cooperation.dashboard import (
    REGION_ROWS,
    compute_dashboard,
    region_summary,
)
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
    Publication,
    Region,
    Side,
    Source,
)
from cooperation.models.base import FIRST_YEAR, LAST_YEAR


def crumb(label, name=None, **kwargs):
    return (label, reverse(f"cooperation:{name}", kwargs=kwargs) if name else None)


def chosen_year(request):
    """The year a visitor chose (?year=2023), or None for all years; anything else is
    read as all years."""
    value = request.GET.get("year", "")
    if len(value) == 4 and value.isdigit() and FIRST_YEAR <= int(value) <= LAST_YEAR:
        return int(value)
    return None


class LenientPaginationMixin:
    """A page number out of range or not a number shows the nearest page, not a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


class DashboardView(TemplateView):
    template_name = "cooperation/home.html"

    def get_context_data(self, **kwargs):
        year = chosen_year(self.request)
        dashboard = cached(f"dashboard:{year}", lambda: compute_dashboard(year))
        return super().get_context_data(dashboard=dashboard, **kwargs)


class RegionListView(TemplateView):
    """Provinces › cities › counties, east and west."""

    template_name = "cooperation/region_list.html"
    levels = (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            tree=cached(f"region-tree:{get_language()}", self.render_tree),
            breadcrumbs=[crumb(pgettext_lazy("复数", "区域"))],
            **kwargs,
        )

    def render_tree(self):
        """The tree as HTML: a thousand links are read from the cache, not rendered anew."""
        regions = Region.objects.filter(level__in=self.levels).order_by("name")
        below = defaultdict(list)
        for region in regions:
            below[region.parent_id].append(region)
        for region in regions:
            region.subregions = below[region.pk]
        sides = [
            (label, [p for p in below[None] if p.side == side]) for side, label in Side.choices
        ]
        return render_to_string("includes/region_tree.html", {"sides": sides})


class RegionDetailView(DetailView):
    """A region and what happened in it or anywhere below it."""

    queryset = Region.objects.select_related("source")
    template_name = "cooperation/region_detail.html"
    context_object_name = "region"

    def get_context_data(self, **kwargs):
        region = self.object
        year = chosen_year(self.request)
        summary = cached(f"region:{region.pk}:{year}", lambda: region_summary(region, year))
        breadcrumbs = [crumb(pgettext_lazy("复数", "区域"), "region-list")]
        breadcrumbs += [(a.name, a.get_absolute_url()) for a in region.ancestors()]
        breadcrumbs.append((region.name, None))
        return super().get_context_data(
            breadcrumbs=breadcrumbs,
            children=region.children.order_by("name"),
            summary=summary,
            organizations=Organization.objects.filter(region=region).order_by("kind", "name"),
            rows_shown=REGION_ROWS,
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
        return super().get_context_data(
            breadcrumbs=[
                crumb(pgettext_lazy("复数", "单位"), "organization-list"),
                (organization.name, None),
            ],
            pairings=capped(
                Pairing.objects.published()
                .filter(Q(east_organization=organization) | Q(west_organization=organization))
                .select_related(*Pairing.PARTIES)
            ),
            roles=capped(
                ProjectOrganization.objects.filter(
                    organization=organization, project__status=Publication.PUBLISHED
                )
                .select_related("project")
                # Newest recorded first, read from the index: the model's order goes by
                # the project's year, which PostgreSQL finds by walking every project.
                .order_by("-project_id", "-role")
            ),
            beneficiaries=capped(
                Beneficiary.objects.published()
                .filter(organization=organization)
                .select_related("region")
            ),
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


def citing_records(source):
    """Each kind of public record that cites the source, by the name the page uses."""
    published = Publication.PUBLISHED
    records = {
        "projects": Project.objects.published(),
        "pairings": Pairing.objects.published(),
        "beneficiaries": Beneficiary.objects.published(),
        "benefits": Benefit.objects.filter(
            project__status=published, beneficiary__status=published
        ),
        "figures": Figure.objects.published(),
        "events": Event.objects.published(),
        "regions": Region.objects.all(),
        "organizations": Organization.objects.all(),
        "people": Person.objects.filter(is_public_figure=True),
    }
    return {name: queryset.filter(source=source) for name, queryset in records.items()}


# What each group's rows show of the records they link to.
SHOWN_WITH = {
    "pairings": Pairing.PARTIES,
    "benefits": ("project", "beneficiary"),
    "figures": (
        "project",
        *(f"indicator__pairing__{party}" for party in Pairing.PARTIES),
        "beneficiary",
        "benefit__project",
        "benefit__beneficiary",
    ),
    "events": ("project", "pairing"),
}


def cited_by(source):
    """For each group, the first records that cite the source (the first recorded, shown
    in their usual order) and how many records the group holds."""
    groups = {}
    for name, records in citing_records(source).items():
        first = records.order_by("pk").values("pk")[:CAPPED_ROWS]
        shown = list(records.filter(pk__in=first).select_related(*SHOWN_WITH.get(name, ())))
        total = len(shown) if len(shown) < CAPPED_ROWS else records.count()
        groups[name] = Capped(shown, total)
    return groups


class SourceDetailView(DetailView):
    """A source and the published records that cite it, each with its quoted sentence."""

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
        return super().get_context_data(
            breadcrumbs=[
                crumb(pgettext_lazy("复数", "来源"), "source-list"),
                (source.title, None),
            ],
            **cached(f"source:{source.pk}", lambda: cited_by(source)),
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
