"""Tables of the public lists. Their downloads are not these tables but the columns of
cooperation/exports.py, stable whatever the page shows."""

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, IntegerField, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from cooperation.formatting import yuan
from cooperation.models import Beneficiary, Pairing, Project, Qualifier

# Names a row may show of the places and organisations it links to.
ROW_NAMES = ("names:region", "names:organization")
NUMBER_ATTRS = {"th": {"class": "text-end"}, "td": {"class": "text-end text-nowrap"}}


def choice_rank(field, choices):
    """Sort choices in their declared order (计划中 → 已完成), not by their stored codes."""
    return Case(
        *(When(**{field: value}, then=Value(rank)) for rank, value in enumerate(choices.values)),
        default=Value(len(choices.values)),
        output_field=IntegerField(),
    )


def may_be_empty(model, name):
    try:
        return model._meta.get_field(name).null
    except FieldDoesNotExist:
        return True


class SortColumn(tables.Column):
    """Sorted by one expression, empty values last, ties broken by pk so pages are stable.

    A column that cannot be empty is sorted without NULLS LAST, so that PostgreSQL can
    read it in the order of a plain index, forwards or backwards.
    """

    def __init__(self, *args, sort_by, **kwargs):
        self.field_name = sort_by if isinstance(sort_by, str) else None
        self.sort_by = F(sort_by) if isinstance(sort_by, str) else sort_by
        kwargs.setdefault("orderable", True)
        super().__init__(*args, **kwargs)

    def order(self, queryset, is_descending):
        empty_last = self.field_name is None or may_be_empty(queryset.model, self.field_name)
        nulls = {"nulls_last": True} if empty_last else {}
        if is_descending:
            key, tie = self.sort_by.desc(**nulls), "-pk"
        else:
            key, tie = self.sort_by.asc(**nulls), "pk"
        return queryset.order_by(key, tie), True


class PortalTable(tables.Table):
    class Meta:
        template_name = "django_tables2/portal.html"
        attrs = {"class": "table table-sm table-hover align-middle"}
        orderable = False
        empty_text = _("没有符合条件的记录。")


class ProjectTable(PortalTable):
    title = SortColumn(verbose_name=_("项目名称"), linkify=True, sort_by="title_sort")
    category = SortColumn(verbose_name=_("类别"), sort_by=choice_rank("category", Project.Category))
    locations = tables.Column(verbose_name=_("地点"))
    years = SortColumn(verbose_name=_("年份"), sort_by="start_year")
    work_status = SortColumn(
        verbose_name=_("实施状态"), sort_by=choice_rank("work_status", Project.WorkStatus)
    )
    amount = SortColumn(
        verbose_name=_("帮扶资金"),
        accessor="funds",
        sort_by="funds",
        attrs=NUMBER_ATTRS,
    )
    pairing = tables.Column(verbose_name=_("结对关系"))

    class Meta(PortalTable.Meta):
        model = Project
        fields = ()
        sequence = (
            "title",
            "category",
            "locations",
            "years",
            "work_status",
            "amount",
            "pairing",
        )

    def render_title(self, record):
        return record.translated("title")

    @staticmethod
    def row_scopes(record):
        """What a row shows (cooperation/fragments.py): the project with its funds, the
        label of its pairing, and the names of its places."""
        return [f"project:{record.pk}", f"label:pairing:{record.pairing_id}", *ROW_NAMES]

    def render_locations(self, value):
        separator = pgettext("列举分隔符", "、")
        return separator.join(region.display_name for region in value.all())

    def render_amount(self, value, record):
        return yuan(value, record.funds_qualifier or Qualifier.EXACT)

    def render_pairing(self, value):
        return str(value) if value.is_published else "—"


class PairingTable(PortalTable):
    parties = tables.Column(
        verbose_name=_("结对双方"), accessor="pk", linkify=lambda record: record.get_absolute_url()
    )
    level = SortColumn(verbose_name=_("结对层级"), sort_by=choice_rank("level", Pairing.Level))
    mode = SortColumn(verbose_name=_("帮扶方式"), sort_by=choice_rank("mode", Pairing.Mode))
    start_year = SortColumn(verbose_name=_("起始年份"), sort_by="start_year")
    project_count = SortColumn(
        verbose_name=_("项目数"),
        sort_by="project_count",
        attrs=NUMBER_ATTRS,
        linkify=lambda record: f"{reverse('cooperation:project-list')}?pairing={record.pk}",
    )

    class Meta(PortalTable.Meta):
        model = Pairing
        fields = ()

    def render_parties(self, record):
        return str(record)

    @staticmethod
    def row_scopes(record):
        """The pairing, with the number of its projects, and the names of its parties."""
        return [f"pairing:{record.pk}", *ROW_NAMES]


class BeneficiaryTable(PortalTable):
    name = SortColumn(verbose_name=_("名称"), linkify=True, sort_by="name")
    kind = SortColumn(verbose_name=_("类型"), sort_by=choice_rank("kind", Beneficiary.Kind))
    region = SortColumn(verbose_name=_("所在区域"), sort_by="region__name", linkify=True)
    organization = tables.Column(verbose_name=_("对应单位"), linkify=True)
    project_count = SortColumn(
        verbose_name=_("受益项目数"), sort_by="project_count", attrs=NUMBER_ATTRS
    )

    class Meta(PortalTable.Meta):
        model = Beneficiary
        fields = ()

    def render_name(self, record):
        return record.translated("name")

    @staticmethod
    def row_scopes(record):
        """The beneficiary, with the number of its projects, and the names of its place
        and its organisation."""
        return [f"beneficiary:{record.pk}", *ROW_NAMES]

    def render_region(self, value):
        return value.display_name
