"""Dashboard, regions, organisations, sources and people."""

from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext_lazy
from django.views.generic import DetailView, ListView, TemplateView

from cooperation.addresses import address, address_template
from cooperation.counting import NAMES, cached, capped, summary
from cooperation.dashboard import REGION_ROWS
from cooperation.flows import NATIONAL, chosen_flow, diagram, flow_scopes
from cooperation.invalidation import page_scopes
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
from cooperation.summaries import HOME_SCOPES, home_dashboard, region_summary
from cooperation.views.lists import PAGE_SIZE, PortalPaginator
from portal.page_cache import depends_on


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
        depends_on(self.request, *HOME_SCOPES)
        # The bars name places in the page's language.
        dashboard = home_dashboard(year)
        flows = drawn_diagram(None, self.request.GET.get("flow"), year, dashboard.years)
        return super().get_context_data(dashboard=dashboard, flow_diagram=flows, **kwargs)


def drawn_diagram(region, flow, year, years):
    """The flow diagram of `region` (None: national) drawn as HTML, a summary like the
    diagram itself (cooperation/counting.py): a province's hundreds of bands and links are
    read from the cache, not drawn again for each page built. `years`: those offered."""
    flow = chosen_flow(flow)
    offered = ",".join(str(choice) for choice in years)
    place = region.pk if region else NATIONAL
    return summary(
        f"flows-drawn:{place}:{flow}:{year}:{offered}:{get_language()}",
        lambda: render_to_string(
            "includes/flow_diagram.html",
            {"diagram": diagram(region, flow, year), "years": years},
        ),
        flow_scopes(region),
    )


class RegionListView(TemplateView):
    """Provinces › cities › counties, east and west."""

    template_name = "cooperation/region_list.html"
    levels = (Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY)

    def get_context_data(self, **kwargs):
        scopes = ("list:region", "names:region")
        depends_on(self.request, *scopes)
        return super().get_context_data(
            tree=cached(f"region-tree:{get_language()}", self.render_tree, scopes),
            breadcrumbs=[crumb(pgettext_lazy("复数", "区域"))],
            **kwargs,
        )

    def render_tree(self):
        """The tree as HTML, kept until a region changes. Each link is written as one
        string: through the template, the national programme's three thousand counties
        took 0.13 s after any region's change."""
        regions = Region.objects.filter(level__in=self.levels).order_by("name")
        template = address_template("cooperation:region-detail", "pk", get_language())
        below = defaultdict(list)
        for region in regions:
            href = address(template, region.pk)
            region.link = mark_safe(f'<a href="{href}">{escape(region.translated("name"))}</a>')
            below[region.parent_id].append(region)
        for region in regions:
            region.subregions = below[region.pk]
            if region.parent_id is not None:  # the template lists a city's counties
                counties = "".join(f"<li>{county.link}</li>" for county in region.subregions)
                region.counties = mark_safe(counties)
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
        depends_on(self.request, *page_scopes(region))
        summary = region_summary(region, year)
        breadcrumbs = [crumb(pgettext_lazy("复数", "区域"), "region-list")]
        breadcrumbs += [(str(a), a.get_absolute_url()) for a in region.ancestors()]
        breadcrumbs.append((str(region), None))
        return super().get_context_data(
            breadcrumbs=breadcrumbs,
            children=region.children.order_by("name"),
            summary=summary,
            organizations=Organization.objects.filter(region=region).order_by("kind", "name"),
            rows_shown=REGION_ROWS,
            flow_diagram=drawn_diagram(region, self.request.GET.get("flow"), year, summary.years),
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
        depends_on(self.request, "list:organization", *NAMES)
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
        scopes = page_scopes(organization)
        depends_on(self.request, *scopes)
        return super().get_context_data(
            breadcrumbs=[
                crumb(pgettext_lazy("复数", "单位"), "organization-list"),
                (str(organization), None),
            ],
            pairings=capped(
                Pairing.objects.published()
                .filter(Q(east_organization=organization) | Q(west_organization=organization))
                .select_related(*Pairing.PARTIES),
                scopes=scopes,
            ),
            roles=capped(
                ProjectOrganization.objects.filter(
                    organization=organization, project__status=Publication.PUBLISHED
                )
                .select_related("project")
                # Newest recorded first, read from the index: the model's order goes by
                # the project's year, which PostgreSQL finds by walking every project.
                .order_by("-project_id", "-role"),
                scopes=scopes,
            ),
            beneficiaries=capped(
                Beneficiary.objects.published()
                .filter(organization=organization)
                .select_related("region"),
                scopes=scopes,
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
        depends_on(self.request, "list:source")
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


# The kinds of record a source page groups, in the order it names them.
CITING_KINDS = {
    "projects": pgettext_lazy("复数", "协作项目"),
    "pairings": pgettext_lazy("复数", "结对关系"),
    "beneficiaries": pgettext_lazy("复数", "受益对象"),
    "benefits": pgettext_lazy("复数", "受益关系"),
    "figures": pgettext_lazy("复数", "数据"),
    "events": pgettext_lazy("复数", "大事记"),
    "regions": pgettext_lazy("复数", "区域"),
    "organizations": pgettext_lazy("复数", "单位"),
    "people": pgettext_lazy("复数", "人员"),
}


def citing_counts(source):
    return {name: records.count() for name, records in citing_records(source).items()}


class SourceDetailView(DetailView):
    """A source, and the published records that cite it: how many of each kind, and one
    kind at a time (?kind=figures), PAGE_SIZE records a page in the order they were
    recorded, each with its quoted sentence. The counts and each page of records are
    cached under the data's version, so that a visit costs the same few queries at any
    size of the data."""

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
        self.scopes = sorted(page_scopes(source))
        depends_on(self.request, *self.scopes)
        counts = summary(f"source:{source.pk}:counts", lambda: citing_counts(source), self.scopes)
        kinds = [
            (name, label, counts[name]) for name, label in CITING_KINDS.items() if counts[name]
        ]
        context = {
            "breadcrumbs": [
                crumb(pgettext_lazy("复数", "来源"), "source-list"),
                (source.translated("title"), None),
            ],
            "kinds": kinds,
            "address_is_web": source.url.startswith(("https://", "http://")),
        }
        names = [name for name, _label, _count in kinds]
        kind = self.request.GET.get("kind")
        if kind not in names:
            kind = names[0] if names else None
        if kind:
            context.update(self.records_of(source, kind, counts[kind]))
        return super().get_context_data(**context, **kwargs)

    def records_of(self, source, kind, count):
        records = (
            citing_records(source)[kind].order_by("pk").select_related(*SHOWN_WITH.get(kind, ()))
        )
        paginator = PortalPaginator(records, PAGE_SIZE, count_rows=lambda: count)
        page = paginator.get_page(self.request.GET.get("page"))
        return {
            "kind": kind,
            "kind_label": CITING_KINDS[kind],
            "kind_count": count,
            "records": cached(
                f"source:{source.pk}:{kind}:{page.number}",
                lambda: list(page.object_list),
                self.scopes,
            ),
            "paginator": paginator,
            "page_obj": page,
            "is_paginated": page.has_other_pages(),
            "query": urlencode({"kind": kind}),
        }


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
        depends_on(self.request, "list:person", *NAMES)
        return super().get_context_data(
            breadcrumbs=[crumb(pgettext_lazy("复数", "人员"))], **kwargs
        )
