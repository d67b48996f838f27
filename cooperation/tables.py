"""Tables of the public lists. Columns hidden on the page (visible=False) appear only in
exports, which give money in 元 with its qualifier so that a spreadsheet can add it up."""

from functools import partialmethod
from inspect import getattr_static

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, F, IntegerField, Model, Value, When
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.rows import BoundRow
from django_tables2.utils import A, signature

from cooperation.formatting import yuan
from cooperation.models import Beneficiary, Pairing, Project, Qualifier

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


def export_column(verbose_name, **kwargs):
    return tables.Column(verbose_name=verbose_name, visible=False, orderable=False, **kwargs)


class PortalTable(tables.Table):
    url = export_column(_("网址"), empty_values=())

    class Meta:
        template_name = "django_tables2/portal.html"
        attrs = {"class": "table table-sm table-hover align-middle"}
        orderable = False
        sequence = ("...", "url")
        empty_text = _("没有符合条件的记录。")

    def value_url(self, record):
        return self.request.build_absolute_uri(record.get_absolute_url())


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
        exclude_from_export=True,
    )
    pairing = tables.Column(verbose_name=_("结对关系"))
    start_year = export_column(_("开始年份"))
    end_year = export_column(_("结束年份"))
    funds_yuan = export_column(_("帮扶资金（元）"), accessor="funds")
    funds_qualifier = export_column(_("资金限定"))
    summary = export_column(_("摘要"))

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
            "...",
            "url",
        )

    def render_title(self, record):
        return record.translated("title")

    def render_summary(self, record):
        return record.translated("summary")

    def render_locations(self, value):
        separator = pgettext("列举分隔符", "、")
        return separator.join(region.display_name for region in value.all())

    def value_locations(self, value):
        return self.render_locations(value)

    def render_amount(self, value, record):
        return yuan(value, record.funds_qualifier or Qualifier.EXACT)

    def render_pairing(self, value):
        return str(value) if value.is_published else "—"

    def value_pairing(self, value):
        return str(value) if value.is_published else ""

    def value_funds_qualifier(self, value):
        return Qualifier(value).label if value in Qualifier.values else value


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
    east_party = export_column(_("东部一方"), accessor="east_label")
    east_count = export_column(_("东部数量"))
    west_party = export_column(_("西部一方"), accessor="west_label")
    west_count = export_column(_("西部数量"))
    description = export_column(_("说明"))

    class Meta(PortalTable.Meta):
        model = Pairing
        fields = ()

    def render_parties(self, record):
        return str(record)

    def render_description(self, record):
        return record.translated("description")

    def value_parties(self, record):
        return str(record)


class BeneficiaryTable(PortalTable):
    name = SortColumn(verbose_name=_("名称"), linkify=True, sort_by="name")
    kind = SortColumn(verbose_name=_("类型"), sort_by=choice_rank("kind", Beneficiary.Kind))
    region = SortColumn(verbose_name=_("所在区域"), sort_by="region__name", linkify=True)
    organization = tables.Column(verbose_name=_("对应单位"), linkify=True)
    project_count = SortColumn(
        verbose_name=_("受益项目数"), sort_by="project_count", attrs=NUMBER_ATTRS
    )
    description = export_column(_("说明"))

    class Meta(PortalTable.Meta):
        model = Beneficiary
        fields = ()

    def render_name(self, record):
        return record.translated("name")

    def render_region(self, value):
        return value.display_name


def cell_values(table, names):
    """A function giving a record's values in the columns `names`, the same as
    django-tables2's BoundRow.get_cell_value(name) gives them, for exports of many rows.

    django-tables2 works out for every cell how to get its value: it reads the signature
    of the column's value method and, for a choice field, translates every label. Here
    that is worked out once per column, and the labels are translated once, in the
    language active when this is called. A column that cannot be read the same way (a
    link or many-to-many column, a value method wanting the row or **kwargs, a model's
    own get_<field>_display) is left to django-tables2, cell by cell.
    """
    readers = [cell_reader(table, table.columns[name]) for name in names]
    return lambda record: [read(record) for read in readers]


def cell_reader(table, bound_column):
    """BoundRow.get_cell_value(bound_column.name) as a function of the record."""
    column = bound_column.column
    read = value_reader(table.data.model, A(bound_column.accessor))
    call = value_caller(table, bound_column)
    if read is None or call is None or isinstance(column, (BaseLinkColumn, ManyToManyColumn)):
        return lambda record: BoundRow(record, table=table).get_cell_value(bound_column.name)

    def get(record):
        value = read(record)
        return None if value in column.empty_values else call(value, record)

    return get


def value_reader(model, accessor):
    """The accessor's value in a record of the model, or the label of its choice, as a
    function of the record; None where django-tables2 might read it otherwise."""
    path, _separator, name = accessor.rpartition(accessor.SEPARATOR)
    if model is None or not name:
        return None
    field = accessor.get_field(model)

    def resolve(record):
        try:
            return accessor.resolve(record)
        except Exception:
            return None

    if not getattr(field, "choices", None):
        return resolve
    display = getattr_static(field.model, f"get_{name}_display", None)
    if field.name != name or not isinstance(display, partialmethod):
        return None  # not the get_<field>_display() Django gives a choice field
    labels = {value: force_str(label, strings_only=True) for value, label in field.flatchoices}
    owner = A(path)

    def read(record):
        owner_record = owner.resolve(record, quiet=True)
        if not isinstance(owner_record, Model):
            return resolve(record)
        value = getattr(owner_record, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    return read


def value_caller(table, bound_column):
    """The column's value method as a function of (value, record), called with the
    arguments it names, as call_with_appropriate does; None if it wants others."""
    method = bound_column.value
    if getattr(method, "__func__", None) is tables.Column.value:
        method = bound_column.column.render  # which is all that Column.value calls
    if getattr(method, "__func__", None) is tables.Column.render:
        return lambda value, record: value
    arguments, takes_any = signature(method)
    given = {"column": bound_column.column, "bound_column": bound_column, "table": table}
    if takes_any or not set(arguments) <= {"value", "record", *given}:
        return None

    def call(value, record):
        cell = {"value": value, "record": record, **given}
        return method(**{name: cell[name] for name in arguments})

    return call
