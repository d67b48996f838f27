"""The XLSX template an admin downloads to fill in for an import, in the admin's language.

Sheet one is the import itself: the header row and one example row, taken from a real
record where one exists (its key kept, so that a template imported unchanged changes
nothing), with drop-down lists for choices and names. Sheet two lists the valid choices
(each label beside its code) and the names of places, pairings, organisations, projects
and sources, at most LISTED of each; sheet three says how to fill each column. Every text
cell is written as text, never as a formula (cooperation/spreadsheets.py).
"""

import io

import openpyxl
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from cooperation.import_widgets import OWN_KEYS, Choice, Reference, References, key_of
from cooperation.models import Beneficiary, Organization, Pairing, Project, Region, Source
from cooperation.spreadsheets import IMPORT_TEMPLATE_ROWS, xlsx_sheet_title
from cooperation.spreadsheets import xlsx_cell as text_cell

LISTED = 1000
HEADER = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE = Font(italic=True, color="595959")

# Written for a column when no record exists yet to copy.
EXAMPLES = {
    "slug": "ziyun-tea-processing",
    "title": "紫云茶叶加工",
    "name": "黄鹤营村",
    "label": "帮扶资金",
    "value": 3056500,
    "start_year": 2023,
    "period_start": "2023-01-01",
    "period_end": "2023-12-31",
}


def template_workbook(resource):
    """The template's bytes for one resource (made in the admin's language)."""
    model = resource._meta.model
    columns = resource.get_import_fields()
    book = openpyxl.Workbook()
    data = book.active
    data.title = xlsx_sheet_title(model._meta.verbose_name_plural)
    choices = book.create_sheet(xlsx_sheet_title(_("可选值")))
    notes = book.create_sheet(xlsx_sheet_title(_("列说明")))

    data.append([text_cell(data, field.column_name, font=HEADER) for field in columns])
    data.append([text_cell(data, value, font=EXAMPLE) for value in example_row(resource)])
    data.freeze_panes = "A2"
    for number, field in enumerate(columns, 1):
        data.cell(1, number).fill = HEADER_FILL
        width = max(12, 2 * len(field.column_name) + 4)
        data.column_dimensions[get_column_letter(number)].width = width

    lists = list_columns(resource, columns)
    letters = write_lists(choices, lists)
    for number, field in enumerate(columns, 1):
        name = field.column_name
        if name in lists and not isinstance(field.widget, References):
            strict = isinstance(field.widget, Choice)
            letter, last = letters[name], len(lists[name]) + 1
            source = f"{quote_sheetname(choices.title)}!${letter}$2:${letter}${last}"
            add_drop_down(data, get_column_letter(number), source, strict)
    write_notes(notes, resource, columns, lists)

    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def example_row(resource):
    """A real record's row (the first one), else a plausible one."""
    model = resource._meta.model
    record = model.objects.order_by("pk").first()
    columns = resource.get_import_fields()
    if record is not None:
        return [cell(field.export(record, force_native_type=True)) for field in columns]
    return [cell(made_up(resource, field)) for field in columns]


def made_up(resource, field):
    if isinstance(field.widget, Choice):
        return field.widget.render(field.widget.choices[0][0])
    if isinstance(field.widget, Reference | References):
        first = field.widget.model.objects.order_by("pk").first()
        names = resource.names
        return key_of(names, field.widget.model, first.pk) if first else ""
    return EXAMPLES.get(field.attribute, "")


def cell(value):
    return "" if value is None else value


def list_columns(resource, columns):
    """{column name: [(value to write, its code or path)]} for each column with a list."""
    lists = {}
    for field in columns:
        widget = field.widget
        if isinstance(widget, Choice):
            lists[field.column_name] = [(str(label), code) for code, label in widget.choices]
        elif isinstance(widget, Reference | References) and widget.model in NAMED:
            lists[field.column_name] = NAMED[widget.model](resource.names)
    return lists


def region_names(names):
    ordered = sorted(names.regions, key=names.region_path)[:LISTED]
    return [(names.region_key(pk), names.region_path(pk)) for pk in ordered]


def organization_names(names):
    ordered = sorted(names.organizations.values(), key=lambda o: o.name)[:LISTED]
    return [(o.label, names.region_path(o.parent_id)) for o in ordered]


def pairing_names(names):
    pairings = list(names.pairings)[:LISTED]
    return [(names.pairing_key(pk), names.pairings[pk].get_level_display()) for pk in pairings]


def own_names(model):
    def listed(names):
        key = OWN_KEYS[model][0][0]
        rows = model.objects.order_by("pk").values_list(key, "title")[:LISTED]
        return [(str(slug), title) for slug, title in rows]

    return listed


NAMED = {
    Region: region_names,
    Organization: organization_names,
    Pairing: pairing_names,
    Project: own_names(Project),
    Source: own_names(Source),
}


def write_lists(sheet, lists):
    """Each list in two columns, what to write and beside it its code (or path); the
    letter of each list's first column."""
    letters = {}
    for number, (column, entries) in enumerate(lists.items()):
        first = 2 * number + 1
        letters[column] = get_column_letter(first)
        aside = _("%(column)s（代码或路径）") % {"column": column}
        write_text(sheet, 1, first, column).font = HEADER
        write_text(sheet, 1, first + 1, aside).font = HEADER
        for row, (value, detail) in enumerate(entries, 2):
            write_text(sheet, row, first, value)
            write_text(sheet, row, first + 1, detail)
        for offset in (0, 1):
            sheet.column_dimensions[get_column_letter(first + offset)].width = 24
    sheet.freeze_panes = "A2"
    return letters


def write_text(sheet, row, column, value):
    target = sheet.cell(row, column)
    written = text_cell(sheet, str(value))
    target.value, target.data_type = written.value, "s"
    target.quotePrefix = written.quotePrefix
    return target


def add_drop_down(sheet, letter, source, strict):
    """A drop-down list from the choices sheet. For a choice a warning when something else
    is written; for names only a suggestion, since a path or a short name is as good."""
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.showErrorMessage = strict
    validation.errorStyle = "warning"
    validation.error = _("请从列表中选择，或填写“可选值”表中的代码。")
    validation.add(f"{letter}2:{letter}{IMPORT_TEMPLATE_ROWS + 1}")
    sheet.add_data_validation(validation)


def write_notes(sheet, resource, columns, lists):
    titles = (_("列名"), _("字段名"), _("必填"), _("怎样填写"))
    for number, title in enumerate(titles, 1):
        write_text(sheet, 1, number, title).font = HEADER
    name_of = {id(field): name for name, field in resource.fields.items()}
    for row, field in enumerate(columns, 2):
        cells = (
            field.column_name,
            name_of[id(field)],
            _("是") if required(resource, field) else "",
            how_to_fill(resource, field, lists),
        )
        for number, text in enumerate(cells, 1):
            write_text(sheet, row, number, text).alignment = Alignment(
                wrap_text=True, vertical="top"
            )
    after = len(columns) + 3
    write_text(
        sheet,
        after,
        1,
        _(
            "第2行是示例：取自已有记录时保留了它的编号或标识，原样导入不会改变任何记录。请改写或删除这一行。"
        ),
    )
    write_text(
        sheet, after + 1, 1, _("列名可用中文、英文或字段名；列的顺序不限，不需要的列可以删除。")
    )
    for letter, width in zip("ABCD", (22, 18, 8, 90), strict=True):
        sheet.column_dimensions[letter].width = width


def required(resource, field):
    model_field = resource_field(resource, field)
    if model_field is None or model_field.primary_key or field.attribute == "status":
        return False
    if field.attribute in resource.get_import_id_fields():
        return True
    return not model_field.blank and not model_field.has_default()


def resource_field(resource, field):
    try:
        return resource._meta.model._meta.get_field(field.attribute)
    except models.FieldDoesNotExist:
        return None


def how_to_fill(resource, field, lists):
    """What a cell of this column may hold, in a sentence or two."""
    widget = field.widget
    model_field = resource_field(resource, field)
    said = [str(model_field.help_text)] if model_field is not None and model_field.help_text else []
    if field.attribute == "id":
        said.append(_("留空为新增记录；填写已有记录的编号则更新该记录。"))
    elif field.attribute in resource.get_import_id_fields():
        said.append(_("按这一列找到要更新的记录：已有则更新，没有则新增。"))
    elif field.attribute == "status":
        said.append(_("导入不改变发布状态：新记录为草稿，已有记录保持原状态。"))
    elif isinstance(widget, Choice):
        said.append(_("从下拉列表选择，或填写“可选值”表中的代码。"))
    elif isinstance(widget, Reference | References):
        said.append(str(REFERENCE_HINTS.get(widget.model, _("填写编号。"))))
        if isinstance(widget, References):
            said.append(_("多个用分号分隔。"))
        if len(lists.get(field.column_name, ())) >= LISTED:
            said.append(
                _("“可选值”表只列出前 %(count)d 个，其他名称同样可用。") % {"count": LISTED}
            )
    elif isinstance(model_field, models.DateField):
        said.append(_("日期写作2023-10-26。"))
    elif isinstance(model_field, models.DecimalField):
        said.append(_("只写数字，不带单位和千分位，如3056500。"))
    elif isinstance(model_field, models.PositiveSmallIntegerField | models.PositiveIntegerField):
        said.append(_("只写数字，如2023。"))
    return " ".join(said)


REFERENCE_HINTS = {
    Region: gettext_lazy(
        "按名称或路径填写，如“紫云自治县”或“贵州省/安顺市/紫云自治县”，全称、简称均可；同名时写出上级路径。也可填编号。"
    ),
    Organization: gettext_lazy("按单位名称或简称填写，也可填编号。"),
    Pairing: gettext_lazy(
        "按双方名称填写，东部在前，如“南沙区—紫云自治县”或“广州市南沙区 紫云县”；"
        "只给出数量的结对写作“南沙区14个乡镇—紫云自治县13个乡镇”。也可填编号。"
    ),
    Project: gettext_lazy("按网址标识或项目名称填写。"),
    Source: gettext_lazy("按来源的标识或标题填写。"),
    Beneficiary: gettext_lazy("按名称填写；同名时填编号。"),
}
