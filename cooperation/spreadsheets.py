"""Spreadsheet files in and out of the portal: safe to open, and refused with a reason.

Out. A spreadsheet runs a text cell that starts with =, +, - or @, and with a tab or a
carriage return before one of them (OWASP, "CSV Injection"). Every export, public or
admin, writes such a cell so that it is shown and not run: in CSV behind an apostrophe,
which spreadsheets read as "text follows"; in XLSX as a string cell marked quote-prefixed,
which keeps the text exactly as stored. A plain number ("-12.5") is not a formula and is
left alone; numbers written as numbers stay numbers.

In. A file is read whole and checked before any row is imported: it must be UTF-8 (CSV),
start with a line of column names, hold no formula, and be at most IMPORT_MAX_BYTES long.
Anything else is refused with a FileRefused that says what to fix. A file of more than
IMPORT_DIRECT_ROWS rows is previewed and imported by jobs (cooperation/import_jobs.py),
with a progress bar, since it would outlast the web worker's timeout. On the way in, the
apostrophe of an exported cell is taken off again, so an exported file imports as it was.
"""

import csv
import io
import re
import zipfile

import openpyxl
import tablib
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_MARK = "'"
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# Measured on 2 busy cores: 30–50 ms a row for the preview and 50–100 ms for the import
# (about 16 queries a row), so 200 rows finish each in at most about 20 s, inside
# gunicorn's 30 s. Larger files go to jobs (cooperation/import_jobs.py).
IMPORT_DIRECT_ROWS = 200
# A file is read whole into memory (about 10× its size as Python objects) by the job.
IMPORT_MAX_BYTES = 20 * 1024 * 1024
# The import template's drop-down lists cover this many rows (a template is filled by hand).
IMPORT_TEMPLATE_ROWS = 200


NOT_XLSX = _("这不是有效的 Excel（.xlsx）文件。请在 Excel 中另存为 .xlsx 后再导入。")
SAVE_AS_UTF8 = _(
    "在 Excel 中“另存为”选择“CSV UTF-8（逗号分隔）”，或在 WPS、记事本中选择 UTF-8 编码。"
)


class FileRefused(ValueError):
    """A file that cannot be imported as it is; the message says what to fix."""


def would_run(value):
    """Whether a spreadsheet would take this cell for a formula."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    )


def csv_cell(value):
    return TEXT_MARK + value if would_run(value) else value


def xlsx_sheet_title(title):
    return re.sub(r"[\[\]:*?/\\]", " ", str(title or "Sheet"))[:31] or "Sheet"


def xlsx_file(headers, rows, title=None, more_sheets=(), output=None):
    """The rows as an XLSX file whose text cells are always strings, never formulas;
    `more_sheets` are further (title, headers, rows), such as a data dictionary. Written to
    `output` (a binary file) if given, else returned as bytes."""
    book = openpyxl.Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet_title, sheet_headers, sheet_rows in ((title, headers, rows), *more_sheets):
        sheet = book.create_sheet(xlsx_sheet_title(sheet_title))
        sheet.freeze_panes = "A2"
        sheet.append([xlsx_cell(sheet, header, font=bold) for header in sheet_headers])
        for row in sheet_rows:
            sheet.append([xlsx_cell(sheet, value) for value in row])
    if output is not None:
        book.save(output)
        return None
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def xlsx_cell(sheet, value, font=None):
    if not isinstance(value, str):
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=value)
    else:
        # Characters XML cannot hold (control characters) would make the file unreadable.
        text = ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
        cell = openpyxl.cell.WriteOnlyCell(sheet, value=None)
        cell.value, cell.data_type = text, "s"
        cell.quotePrefix = would_run(text)
    if font is not None:
        cell.font = font
    return cell


# Admin formats ----------------------------------------------------------------------


class CSV(base_formats.CSV):
    """CSV in UTF-8, read as bytes so that another encoding is named, not mis-read."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            safe.append([csv_cell(value) for value in row])
        return "\ufeff" + safe.export("csv")

    def create_dataset(self, in_stream, **kwargs):
        check_size(in_stream)
        lines = list(csv.reader(io.StringIO(utf8_text(in_stream), newline="")))
        return checked_dataset(lines, formula_at=csv_formula)


class XLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        return xlsx_file(dataset.headers or [], dataset, dataset.title)

    def create_dataset(self, in_stream):
        check_size(in_stream)
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
            raise FileRefused(NOT_XLSX) from None
        sheet = book.worksheets[0]
        lines = [
            [Formula(cell.value) if cell.data_type == "f" else cell.value for cell in row]
            for row in sheet.iter_rows()
        ]
        book.close()
        return checked_dataset(lines, formula_at=lambda value: isinstance(value, Formula))


class Formula(str):
    """A formula cell of an imported workbook, kept only to be refused."""


def csv_formula(value):
    return value.startswith("=")


def check_size(content):
    if len(content) > IMPORT_MAX_BYTES:
        raise FileRefused(
            _("文件超过 %(limit)d MB，请分成几个文件导入。")
            % {"limit": IMPORT_MAX_BYTES // (1024 * 1024)}
        )


def rows_at_most(content, input_format):
    """At least as many as the file's rows of data, counted without reading its cells: its
    line breaks (CSV), or the sheet's stated size (XLSX). Decides whether a job imports it."""
    if not isinstance(input_format, XLSX):
        lines = content.count(b"\n") + (0 if content.endswith(b"\n") else 1)
        return max(0, lines - 1)
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        sheet = book.worksheets[0]
        rows = sheet.max_row
        if rows is None:  # The file states no size (write-only files): count its rows.
            rows = sum(1 for _row in sheet.iter_rows(values_only=True))
        book.close()
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, IndexError):
        return 0  # Refused with its reason by the form, in the request.
    return max(0, rows - 1)


def utf8_text(content):
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(_("文件是 UTF-16 编码。请保存为 UTF-8：") + SAVE_AS_UTF8)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise FileRefused(
            _("文件不是 UTF-8 编码（第 %(line)d 行起无法读取，可能是 GBK）。请保存为 UTF-8：")
            % {"line": line}
            + SAVE_AS_UTF8
        ) from None


def checked_dataset(lines, formula_at):
    """A dataset of the lines, the first of them the column names, or FileRefused.

    Rows are numbered as in the import's messages: the first row after the names is 1.
    Blank rows (a spreadsheet's trailing ones) are dropped.
    """
    if not lines or not any(cell_text(cell) for cell in lines[0]):
        raise FileRefused(
            _(
                "第一行是空行。第一行须为列名（见上方字段），数据从第二行开始。请删除文件开头的空行。"
            )
        )
    headers = [cell_text(cell) for cell in lines[0]]
    while headers and not headers[-1]:
        headers.pop()
    if "" in headers:
        raise FileRefused(
            _("第 %(column)d 列没有列名。请为每一列填写列名，或删除该列。")
            % {"column": headers.index("") + 1}
        )
    repeated = sorted({name for name in headers if headers.count(name) > 1})
    if repeated:
        raise FileRefused(
            _("列名重复：%(names)s。每列的列名只能出现一次。") % {"names": "、".join(repeated)}
        )
    rows = [line for line in lines[1:] if any(cell_text(cell) for cell in line)]
    dataset = tablib.Dataset(headers=headers)
    for number, line in enumerate(rows, 1):
        if any(cell_text(cell) for cell in line[len(headers) :]):
            raise FileRefused(
                _("第%(row)d行的单元格比列名多。请为多出的列填写列名，或删除多余的内容。")
                % {"row": number}
            )
        cells = list(line[: len(headers)]) + [""] * (len(headers) - len(line))
        for column, value in zip(headers, cells, strict=True):
            if isinstance(value, str) and formula_at(value):
                raise FileRefused(
                    _(
                        "第%(row)d行“%(column)s”列是公式（%(formula)s）。请改为公式的结果（粘贴为数值）后再导入。"
                    )
                    % {"row": number, "column": column, "formula": value[:40]}
                )
        dataset.append([unmarked(value) for value in cells])
    return dataset


def cell_text(value):
    return "" if value is None else str(value).strip()


def unmarked(value):
    """An exported cell's text as it was stored, without the apostrophe csv_cell added."""
    if isinstance(value, str) and value.startswith(TEXT_MARK) and would_run(value[1:]):
        return value[1:]
    return value
