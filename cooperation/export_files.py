"""The downloads of cooperation/exports.py as files and links: CSV, XLSX and JSON.

A file of more than STREAM_FROM_ROWS rows is streamed. One of more rows than
settings.EXPORT_JOB_FROM_ROWS is not written in the request at all: the list hands it to a
job (cooperation/export_jobs.py), which writes it with write_file to the storage.
"""

import csv
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from cooperation.exports import DICTIONARY_HEADERS, DICTIONARY_SHEET, LIST_SEPARATOR
from cooperation.spreadsheets import csv_cell, xlsx_file

CSV, XLSX, JSON = "csv", "xlsx", "json"
FORMATS = (CSV, XLSX, JSON)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    JSON: "application/json",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Files of more rows than this are streamed; smaller ones are sent in one piece.
STREAM_FROM_ROWS = 1000


# Links ---------------------------------------------------------------------------------

FORMAT_LABELS = {CSV: "CSV", XLSX: "Excel (XLSX)", JSON: "JSON"}


@dataclass(frozen=True)
class File:
    extension: str
    label: str
    content_type: str
    url: str


@dataclass(frozen=True)
class Download:
    title: str
    files: list


def downloads(tables, request, trigger):
    """Each table with its files for the page's filters and sort (the page number and a
    previous download's choices left out)."""
    query = request.GET.copy()
    for name in ("page", "table", "labels"):
        query.pop(name, None)
    offered = []
    for number, table in enumerate(tables):
        if number:
            query["table"] = table.name
        files = []
        for export_format in FORMATS:
            query[trigger] = export_format
            url = f"{request.path}?{query.urlencode()}"
            label, content_type = FORMAT_LABELS[export_format], CONTENT_TYPES[export_format]
            files.append(File(export_format, label, content_type, url))
        offered.append(Download(table.title, files))
    return offered


# Files -------------------------------------------------------------------------------


class Echo:
    """A file that hands back what is written to it, for csv.writer in a stream."""

    def write(self, text):
        return text


def csv_text(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return LIST_SEPARATOR.join(csv_text(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return csv_cell(value)
    return str(value)


def csv_lines(rows):
    """The rows as CSV (the csv module's excel dialect), with no cell a spreadsheet runs."""
    writer = csv.writer(Echo())
    yield "\ufeff"  # Excel opens a UTF-8 CSV as Chinese text only when it starts with a BOM.
    for row in rows:
        yield writer.writerow([csv_text(value) for value in row])


def json_value(value):
    """JSON of the value; a Decimal as the number it is, digit for digit (not a float)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list):
        return "[" + ", ".join(json_value(item) for item in value) + "]"
    if isinstance(value, date):
        value = value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def json_chunks(rows):
    """The rows as a JSON list of objects keyed by the header row."""
    rows = iter(rows)
    keys = [json.dumps(name, ensure_ascii=False) for name in next(rows)]
    yield "["
    for number, row in enumerate(rows):
        item = (
            "{"
            + ", ".join(f"{key}: {json_value(value)}" for key, value in zip(keys, row, strict=True))
            + "}"
        )
        yield item if number == 0 else ", " + item
    yield "]"


def xlsx_value(value):
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return value


def download(table, records, count, export_format, request):
    """The file of the records, written in the request (see EXPORT_JOB_FROM_ROWS)."""
    labels = request.GET.get("labels") == "1"
    if export_format == XLSX:
        rows = table.rows(records, request, labels)
        response = HttpResponse(xlsx_content(table, rows), content_type=CONTENT_TYPES[XLSX])
    else:
        write = csv_lines if export_format == CSV else json_chunks
        chunks = write(table.rows(records, request, labels))
        if count > STREAM_FROM_ROWS:
            response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[export_format])
        else:
            response = HttpResponse("".join(chunks), content_type=CONTENT_TYPES[export_format])
    ascii_name, local_name = file_names(table, export_format)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(local_name)}"
    )
    return response


def file_names(table, export_format):
    """(the file's name in ASCII, its name in the page's language), dated today."""
    today = timezone.localdate().isoformat()
    return (
        f"{table.name}-{today}.{export_format}",
        f"{table.title}-{today}.{export_format}",
    )


def xlsx_content(table, rows, output=None):
    """The workbook of the rows (header row first) and the table's data dictionary, written
    in openpyxl's write-only mode: memory stays flat however many rows."""
    headers = next(rows)
    return xlsx_file(
        headers,
        ([xlsx_value(value) for value in row] for row in rows),
        table.title,
        more_sheets=[(DICTIONARY_SHEET, DICTIONARY_HEADERS, table.dictionary())],
        output=output,
    )


def write_file(table, rows, export_format, output):
    """Writes the rows (header row first) as a file of the format to `output`, a binary
    file, a piece at a time."""
    if export_format == XLSX:
        xlsx_content(table, rows, output)
        return
    write = csv_lines if export_format == CSV else json_chunks
    for chunk in write(rows):
        output.write(chunk.encode())
