"""The public lists' downloads as data: CSV, XLSX and JSON of the filtered rows.

Every file has the same columns whatever the interface language: a header row of stable
identifiers (the models' field names, `<fk>_id` for a reference, `url` for the public
page), or with `?labels=1` the column names of the page's language. Amounts are numbers
as stored (JSON numbers of the exact Decimal text, plain Decimal text in CSV, numeric
cells in XLSX) with their unit and qualifier in their own columns; choices are their
stored codes, with a `_label` column beside for people. Several values in one cell (a
project's places) are a JSON list, joined by LIST_SEPARATOR elsewhere. An XLSX file has
a second sheet, the data dictionary: identifier, Chinese and English name, description.

Text cells are neutralised as cooperation.spreadsheets says; the dictionary says so too.
The files and the links to them are written by cooperation/export_files.py.
"""

from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cooperation.models import Beneficiary, Figure, Pairing, Project, Publication
from cooperation.quantities import Unit

# Records are read in chunks of this many, each with its prefetched relations.
EXPORT_CHUNK_ROWS = 2000
LIST_SEPARATOR = ";"
DICTIONARY_SHEET = "labels"
DICTIONARY_HEADERS = ("identifier", "label_zh", "label_en", "description")
TEXT_MARK_NOTE = _(
    "CSV 中以 = + - @ 或制表符、回车开头的文本，前面加了一个撇号（'），使电子表格把它当作"
    "文本显示而不当作公式执行；撇号不属于数据。XLSX 中这样的单元格标为文本，内容不变；"
    "JSON 中的文本与存储的完全相同。"
)
LIST_NOTE = _("一个单元格中有多个值时（如多个地点），JSON 中为列表，CSV 和 XLSX 中以“;”分隔。")


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    read: object  # (record, request) -> value
    description: str = ""


def field(model, name, description=None, label=None):
    """A column of the model's field, named by it and read as stored."""
    model_field = model._meta.get_field(name)
    return Column(
        name,
        label or model_field.verbose_name,
        lambda record, request: getattr(record, name),
        model_field.help_text if description is None else description,
    )


def choice(model, name, label_name):
    """The stored code of a choice field, and its label in the page's language beside it."""
    return [
        field(model, name, description=codes_description(model, name)),
        Column(
            f"{name}_label",
            label_name,
            lambda record, request: getattr(record, f"get_{name}_display")(),
            _("代码在本页语言中的名称。"),
        ),
    ]


def codes_description(model, name):
    codes = ", ".join(code for code, label in model._meta.get_field(name).flatchoices)
    return format_lazy("{}{}", _("代码，取值："), codes)


def reference(name, label, published=None):
    """`<name>_id`; with `published`, only when that record is public."""

    def read(record, request):
        if published is not None and not published(record):
            return None
        return getattr(record, f"{name}_id")

    return Column(f"{name}_id", label, read, _("所指记录的编号。"))


def page_url(record, request):
    return request.build_absolute_uri(record.get_absolute_url())


ID = Column("id", _("编号"), lambda record, request: record.pk, _("记录的编号，不会改变。"))
URL = Column("url", _("网址"), page_url, _("本记录在门户上的公开网页。"))
SOURCE_ID = reference("source", _("来源编号"))


class Table:
    """One downloadable table: its columns, and what its records need to be read."""

    def __init__(self, name, title, columns, related=(), annotate=None):
        self.name, self.title, self.columns = name, title, columns
        self.related, self.annotate = related, annotate or {}

    def prepare(self, records):
        if self.annotate:
            records = records.annotate(**self.annotate)
        if self.related:
            records = records.select_related(*self.related)
        return records

    def rows(self, records, request, labels=False):
        """The header row, then each record's values. Records are read in chunks, each
        with its prefetched relations, so that memory stays flat however many rows."""
        yield [force_str(column.label if labels else column.name) for column in self.columns]
        readers = [column.read for column in self.columns]
        for record in self.prepare(records).iterator(chunk_size=EXPORT_CHUNK_ROWS):
            yield [read(record, request) for read in readers]

    def dictionary(self):
        """The data dictionary: a row for each column, then its notes."""
        rows = [
            [column.name, in_language(column.label, "zh-hans"), in_language(column.label, "en")]
            + [force_str(column.description)]
            for column in self.columns
        ]
        notes = [("'", TEXT_MARK_NOTE), (LIST_SEPARATOR, LIST_NOTE)]
        return [*rows, [], *([mark, "", "", force_str(note)] for mark, note in notes)]


def in_language(text, language):
    with translation.override(language):
        return force_str(text)


def pairing_shown(project):
    return project.pairing.is_published


def place_names(project, request):
    return [region.display_name for region in project.locations.all()]


def funds_unit(project, request):
    return Unit.YUAN.value if project.funds is not None else None


PROJECTS = Table(
    "projects",
    pgettext_lazy("复数", "协作项目"),
    [
        ID,
        URL,
        field(Project, "slug"),
        field(Project, "title"),
        field(Project, "title_en"),
        *choice(Project, "category", _("类别名称")),
        *choice(Project, "work_status", _("实施状态名称")),
        field(Project, "start_year"),
        field(Project, "end_year"),
        field(Project, "funds"),
        Column("funds_unit", _("资金单位"), funds_unit, _("帮扶资金的单位：元。")),
        field(
            Project,
            "funds_qualifier",
            _(
                "资金是否确数：exact 确数，at_least 多（至少），about 约，"
                "more_than 余（超过），less_than 不足（少于）。"
            ),
        ),
        reference("pairing", _("结对关系编号"), published=pairing_shown),
        Column(
            "pairing",
            _("结对关系"),
            lambda project, request: str(project.pairing) if pairing_shown(project) else None,
        ),
        Column(
            "location_ids",
            _("地点编号"),
            lambda project, request: [region.pk for region in project.locations.all()],
            _("项目所在区域的编号。"),
        ),
        Column("locations", _("地点"), place_names),
        field(Project, "summary"),
        field(Project, "summary_en"),
        SOURCE_ID,
    ],
)


def party_columns(side, region_label, organization_label, party_label):
    return [
        reference(f"{side}_region", region_label),
        reference(f"{side}_organization", organization_label),
        field(Pairing, f"{side}_count"),
        Column(
            f"{side}_party",
            party_label,
            lambda pairing, request: getattr(pairing, f"{side}_label"),
            _("名称，或来源只给出数量时的计数说法（如“南沙区8家医院”）。"),
        ),
    ]


PROJECT_COUNT = Column(
    "project_count",
    _("项目数"),
    lambda record, request: record.project_count,
    _("已发布的协作项目数。"),
)

PAIRINGS = Table(
    "pairings",
    pgettext_lazy("复数", "结对关系"),
    [
        ID,
        URL,
        Column("name", _("结对双方"), lambda pairing, request: str(pairing)),
        *choice(Pairing, "level", _("结对层级名称")),
        *choice(Pairing, "mode", _("帮扶方式名称")),
        reference(
            "parent",
            _("上级结对编号"),
            published=lambda pairing: pairing.parent_status == Publication.PUBLISHED,
        ),
        *party_columns("east", _("东部区域编号"), _("东部单位编号"), _("东部一方")),
        *party_columns("west", _("西部区域编号"), _("西部单位编号"), _("西部一方")),
        field(Pairing, "start_year"),
        PROJECT_COUNT,
        field(Pairing, "description"),
        field(Pairing, "description_en"),
        SOURCE_ID,
    ],
    annotate={"parent_status": F("parent__status")},
)

BENEFICIARIES = Table(
    "beneficiaries",
    pgettext_lazy("复数", "受益对象"),
    [
        ID,
        URL,
        field(Beneficiary, "name"),
        field(Beneficiary, "name_en"),
        *choice(Beneficiary, "kind", _("类型名称")),
        reference("region", _("所在区域编号")),
        Column(
            "region",
            _("所在区域"),
            lambda record, request: record.region.display_name if record.region_id else None,
        ),
        reference("organization", _("对应单位编号")),
        Column(
            "organization",
            _("对应单位"),
            lambda record, request: str(record.organization) if record.organization_id else None,
        ),
        PROJECT_COUNT,
        field(Beneficiary, "description"),
        field(Beneficiary, "description_en"),
        SOURCE_ID,
    ],
)


def figure_project(figure):
    return figure.project if figure.project_id else figure.benefit.project


def figure_url(figure, request):
    return page_url(figure_project(figure), request) + f"#figure-{figure.pk}"


FIGURES = Table(
    "figures",
    _("协作项目的数据"),
    [
        ID,
        Column("url", _("网址"), figure_url, _("显示本数据的项目网页。")),
        Column(
            "project_id",
            _("项目编号"),
            lambda figure, request: figure_project(figure).pk,
            _("本数据所属的项目，或其受益关系所属的项目。"),
        ),
        reference("benefit", _("受益关系编号")),
        Column(
            "beneficiary_id",
            _("受益对象编号"),
            lambda figure, request: figure.benefit.beneficiary_id if figure.benefit_id else None,
            _("本数据属于受益关系时，受益对象的编号。"),
        ),
        *choice(Figure, "measure", _("指标名称")),
        field(Figure, "label"),
        field(Figure, "label_en"),
        field(Figure, "value", _("数值，单位见 unit；资金以元计。")),
        field(Figure, "unit", _("单位代码，如 元、人、%。")),
        field(
            Figure,
            "qualifier",
            _(
                "数值是否确数：exact 确数，at_least 多（至少），about 约，"
                "more_than 余（超过），less_than 不足（少于）。"
            ),
        ),
        field(Figure, "kind", _("actual 实际，expected 预计，target 目标。")),
        field(Figure, "period_kind", codes_description(Figure, "period_kind")),
        field(Figure, "period_start"),
        field(Figure, "period_end"),
        field(Figure, "period"),
        field(Figure, "period_en"),
        field(Figure, "scope", _("owner 所属记录，places 所列地点，pairing 整个结对关系。")),
        field(Figure, "year"),
        reference("part_of", _("所属数据编号")),
        SOURCE_ID,
        Column(
            "source_title",
            _("来源标题"),
            lambda figure, request: figure.source.translated("title"),
        ),
        field(Figure, "quote"),
        field(Figure, "quote_en"),
    ],
    related=("project", "benefit__project", "source"),
)


def figures_of(projects):
    """The published figures of the projects and of their benefits, in the order entered."""
    chosen = projects.order_by().prefetch_related(None).values("pk")
    return (
        Figure.objects.published()
        .filter(Q(project__in=chosen) | Q(benefit__project__in=chosen))
        .order_by("pk")
    )
