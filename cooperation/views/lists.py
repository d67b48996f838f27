"""Project, pairing and beneficiary lists: filtered, sorted, paginated and exported."""

from urllib.parse import quote

from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin, TableExport

from cooperation.filters import BeneficiaryFilter, PairingFilter, ProjectFilter
from cooperation.models import Beneficiary, Pairing, Project, Publication
from cooperation.tables import BeneficiaryTable, PairingTable, ProjectTable, choice_rank

PAGE_SIZE = 25
EXPORT_FORMATS = (TableExport.CSV, TableExport.XLSX, TableExport.JSON)


class PortalExport(TableExport):
    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in EXPORT_FORMATS

    def export(self):
        content = super().export()
        if self.format == TableExport.CSV:
            # Excel opens a UTF-8 CSV as Chinese text only when it starts with a BOM.
            return "\ufeff" + content
        return content


class FixedPageSizePaginator(Paginator):
    """Pages of PAGE_SIZE whatever ?per_page= says (0 or a million would hurt)."""

    def __init__(self, object_list, per_page, **kwargs):
        super().__init__(object_list, PAGE_SIZE, **kwargs)


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
    export_name = None
    export_class = PortalExport
    export_formats = EXPORT_FORMATS
    table_pagination = {"per_page": PAGE_SIZE, "paginator_class": FixedPageSizePaginator}

    def get_breadcrumbs(self):
        return [(self.title, None)]

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
        context = super().get_context_data(**kwargs)
        table = context["table"]
        requested_page = self.request.GET.get(table.prefixed_page_field, "")
        context.update(
            title=self.title,
            description=self.description,
            filters_invalid=self.filters_invalid,
            narrowed_to=self.narrowed_to(),
            page_not_found=requested_page not in ("", str(table.page.number)),
        )
        return context

    def render_to_response(self, context, **kwargs):
        if self.filters_invalid:
            # No file for a request the form rejects: show the page with its errors.
            return super(ExportMixin, self).render_to_response(context, **kwargs)
        return super().render_to_response(context, **kwargs)

    def create_export(self, export_format):
        response = super().create_export(export_format)
        today = timezone.localdate().isoformat()
        ascii_name = f"{self.export_name}-{today}.{export_format}"
        local_name = quote(f"{self.title}-{today}.{export_format}")
        response["Content-Disposition"] = (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{local_name}"
        )
        return response

    def get_dataset_kwargs(self):
        return {"title": str(self.title)}


class ProjectListView(PortalListView):
    filterset_class = ProjectFilter
    table_class = ProjectTable
    template_name = "cooperation/project_list.html"
    url_name = "cooperation:project-list"
    title = pgettext_lazy("复数", "协作项目")
    description = _("东西部协作的项目：类别、地点、年份、实施状态和帮扶资金，可筛选、排序和导出。")
    export_name = "projects"

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


published_projects = Q(projects__status=Publication.PUBLISHED)


class PairingListView(PortalListView):
    filterset_class = PairingFilter
    table_class = PairingTable
    template_name = "cooperation/pairing_list.html"
    url_name = "cooperation:pairing-list"
    title = pgettext_lazy("复数", "结对关系")
    description = _("东西部协作的结对关系：区县、乡镇、村、企业、社会组织、医院和学校的结对帮扶。")
    export_name = "pairings"

    def get_queryset(self):
        return (
            Pairing.objects.published()
            .select_related("east_region", "east_organization", "west_region", "west_organization")
            .annotate(project_count=Count("projects", filter=published_projects))
            .order_by(
                F("parent_id").asc(nulls_first=True), choice_rank("level", Pairing.Level), "pk"
            )
        )


class BeneficiaryListView(PortalListView):
    filterset_class = BeneficiaryFilter
    table_class = BeneficiaryTable
    template_name = "cooperation/beneficiary_list.html"
    url_name = "cooperation:beneficiary-list"
    title = pgettext_lazy("复数", "受益对象")
    description = _("东西部协作的受益对象：村、学校、医院、安置区和受益群体，以及使其受益的项目。")
    export_name = "beneficiaries"

    def get_queryset(self):
        return (
            Beneficiary.objects.published()
            .select_related("region", "organization")
            .annotate(project_count=Count("projects", filter=published_projects))
            .order_by("name", "pk")
        )
