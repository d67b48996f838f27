"""Project, pairing and beneficiary lists: filtered, sorted, paginated and exported.

What a page costs does not grow with the data: the number of rows comes from the cache
(counted once per version of the data), each sort and filter has an index, and a file
of many rows is streamed instead of being built in memory, or, past
settings.EXPORT_JOB_FROM_ROWS, written by a job (cooperation/export_jobs.py).
"""

from functools import cached_property

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.export import ExportMixin, TableExport

from cooperation import export_files, export_jobs, exports
from cooperation.counting import FUNDS, NAMES, cached_count
from cooperation.filters import BeneficiaryFilter, PairingFilter, ProjectFilter
from cooperation.models import Beneficiary, Benefit, Pairing, Project, Publication
from cooperation.tables import BeneficiaryTable, PairingTable, ProjectTable, choice_rank
from portal.page_cache import depends_on

PAGE_SIZE = 25
EXPORT_FORMATS = export_files.FORMATS


class PortalExport(TableExport):
    """Only the formats of cooperation.exports, which writes the files."""

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in EXPORT_FORMATS


class PortalPaginator(Paginator):
    """Pages of PAGE_SIZE whatever ?per_page= says (0 or a million would hurt), of rows
    counted by the view (see count_rows)."""

    def __init__(self, object_list, per_page, *, count_rows, **kwargs):
        super().__init__(object_list, PAGE_SIZE, **kwargs)
        self.count_rows = count_rows

    @cached_property
    def count(self):
        return self.count_rows()


class BreadcrumbsMixin:
    """Puts `breadcrumbs`, a list of (label, url) after 首页, in the context; the last
    item is the current page and has no url."""

    def get_breadcrumbs(self):
        return []

    def get_context_data(self, **kwargs):
        kwargs.setdefault("breadcrumbs", self.get_breadcrumbs())
        return super().get_context_data(**kwargs)


class PortalListView(BreadcrumbsMixin, ExportMixin, SingleTableMixin, FilterView):
    url_name = None
    title = None
    description = None
    # What can be downloaded (cooperation.exports.Table), the list's own rows first.
    export_tables = ()
    export_class = PortalExport
    export_formats = EXPORT_FORMATS

    def get_breadcrumbs(self):
        return [(self.title, None)]

    def get_table_pagination(self, table):
        return {"paginator_class": PortalPaginator, "count_rows": self.count_rows}

    def count_rows(self):
        """The rows, counted once per version of the list for each set of filters. A
        text search's count reads every row that matches: it is a summary, which may lag
        behind an edit of values (cooperation/counting.py)."""
        counted = self.filterset.counted(self.object_list)
        return cached_count(counted, self.list_scopes(), lag=self.filterset.searches_text)

    def list_scopes(self):
        """What the list is of (cooperation/invalidation.py): its records, with the
        records they link to, and the region tree its filter reads."""
        return [f"list:{self.filterset._meta.model._meta.model_name}", "list:region", *NAMES]

    # What its columns show besides (the projects' funds).
    column_scopes = ()

    def get(self, request, *args, **kwargs):
        export_format = request.GET.get(self.export_trigger_param)
        if not self.export_class.is_valid_format(export_format):
            return super().get(request, *args, **kwargs)
        if not self.filter_for_export():
            # No file for a request the form rejects: show the page with its errors.
            return super().get(request, *args, **kwargs)
        return self.create_export(export_format)

    def filter_for_export(self):
        """Reads the filters as the page does; whether they are valid."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filters_invalid:
            return False
        self.object_list = self.filterset.qs
        return True

    @property
    def filters_invalid(self):
        return self.filterset.is_bound and not self.filterset.is_valid()

    def narrowed_to(self):
        """Filters without a visible field (a pairing's projects), as (label, record)."""
        if not self.filterset.is_bound or self.filters_invalid:
            return []
        form = self.filterset.form
        return [
            (field.label, form.cleaned_data[field.name])
            for field in form.hidden_fields()
            if form.cleaned_data.get(field.name)
        ]

    def get_context_data(self, **kwargs):
        depends_on(self.request, *self.list_scopes(), *self.column_scopes)
        self.filterset.offer_regions()
        context = super().get_context_data(**kwargs)
        table = context["table"]
        requested_page = self.request.GET.get(table.prefixed_page_field, "")
        context.update(
            title=self.title,
            description=self.description,
            filters_invalid=self.filters_invalid,
            narrowed_to=self.narrowed_to(),
            page_not_found=requested_page not in ("", str(table.page.number)),
            downloads=[]
            if self.filters_invalid
            else export_files.downloads(
                self.export_tables, self.request, self.export_trigger_param
            ),
        )
        return context

    def render_to_response(self, context, **kwargs):
        # Exports are answered in get(); this only renders the page.
        return super(ExportMixin, self).render_to_response(context, **kwargs)

    def sorted_records(self):
        """The whole filtered table in the page's sort order, not paginated."""
        table = self.table_class(data=self.get_table_data(), **self.get_table_kwargs())
        RequestConfig(self.request, paginate=False).configure(table)
        return table.data.data

    def export_records(self, name):
        """(records, how many) of the named download, following the page's filters."""
        return self.sorted_records(), self.count_rows()

    def export_table(self):
        """The download that ?table= names (the list's own rows by default), or None."""
        name = self.request.GET.get("table") or self.export_tables[0].name
        return {table.name: table for table in self.export_tables}.get(name)

    def create_export(self, export_format):
        table = self.export_table()
        if table is None:
            names = "、".join(table.name for table in self.export_tables)
            message = _("没有这个下载表格。table 可选：%(names)s。") % {"names": names}
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        records, count = self.export_records(table.name)
        if count > settings.EXPORT_JOB_FROM_ROWS:
            # Too long for a request: a job writes it, and its page shows the progress.
            return export_jobs.start(self.request, table, export_format, count)
        return export_files.download(table, records, count, export_format, self.request)


class ProjectListView(PortalListView):
    filterset_class = ProjectFilter
    table_class = ProjectTable
    template_name = "cooperation/project_list.html"
    url_name = "cooperation:project-list"
    title = pgettext_lazy("复数", "协作项目")
    description = _("东西部协作的项目：类别、地点、年份、实施状态和帮扶资金，可筛选、排序和导出。")
    export_tables = (exports.PROJECTS, exports.FIGURES)
    column_scopes = (FUNDS,)

    def get_queryset(self):
        return (
            Project.objects.published()
            .select_related(
                "pairing__east_region",
                "pairing__east_organization",
                "pairing__west_region",
                "pairing__west_organization",
            )
            .prefetch_related("locations")
            .order_by(F("start_year").desc(nulls_last=True), "title", "pk")
        )

    def export_records(self, name):
        if name == exports.FIGURES.name:
            figures = exports.figures_of(self.object_list)
            return figures, cached_count(figures)
        return super().export_records(name)


published_projects = Q(projects__status=Publication.PUBLISHED)


class ProjectCountMixin:
    """The number of published projects of each row. Counting them for every row only to
    show 25 would read every project, so they are counted for the page's rows alone,
    unless the rows are sorted by it or exported."""

    def counts_every_row(self):
        exporting = self.request.GET.get(self.export_trigger_param) in EXPORT_FORMATS
        sorts = self.request.GET.getlist(self.table_class._meta.order_by_field)
        return exporting or any("project_count" in sort for sort in sorts)

    def with_project_counts(self, queryset):
        if self.counts_every_row():
            return queryset.annotate(project_count=Count("projects", filter=published_projects))
        return queryset

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        if not self.counts_every_row():
            records = list(table.page.object_list.data)
            counts = dict(self.project_counts([record.pk for record in records]))
            for record in records:
                record.project_count = counts.get(record.pk, 0)
        return table


class PairingListView(ProjectCountMixin, PortalListView):
    filterset_class = PairingFilter
    table_class = PairingTable
    template_name = "cooperation/pairing_list.html"
    url_name = "cooperation:pairing-list"
    title = pgettext_lazy("复数", "结对关系")
    description = _("东西部协作的结对关系：区县、乡镇、村、企业、社会组织、医院和学校的结对帮扶。")
    export_tables = (exports.PAIRINGS,)

    def get_queryset(self):
        pairings = (
            Pairing.objects.published()
            .select_related(*Pairing.PARTIES)
            .order_by(
                F("parent_id").asc(nulls_first=True), choice_rank("level", Pairing.Level), "pk"
            )
        )
        return self.with_project_counts(pairings)

    def project_counts(self, pks):
        return (
            Project.objects.published()
            .filter(pairing__in=pks)
            .order_by()
            .values("pairing")
            .annotate(count=Count("pk"))
            .values_list("pairing", "count")
        )


class BeneficiaryListView(ProjectCountMixin, PortalListView):
    filterset_class = BeneficiaryFilter
    table_class = BeneficiaryTable
    template_name = "cooperation/beneficiary_list.html"
    url_name = "cooperation:beneficiary-list"
    title = pgettext_lazy("复数", "受益对象")
    description = _("东西部协作的受益对象：村、学校、医院、安置区和受益群体，以及使其受益的项目。")
    export_tables = (exports.BENEFICIARIES,)

    def get_queryset(self):
        beneficiaries = (
            Beneficiary.objects.published()
            .select_related("region", "organization")
            .order_by("name", "pk")
        )
        return self.with_project_counts(beneficiaries)

    def project_counts(self, pks):
        return (
            Benefit.objects.filter(beneficiary__in=pks, project__status=Publication.PUBLISHED)
            .order_by()
            .values("beneficiary")
            .annotate(count=Count("pk"))
            .values_list("beneficiary", "count")
        )
