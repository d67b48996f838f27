"""Spreadsheet import through the admin: a preview first, then all rows or none."""

import io
import re

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from import_export.tmp_storages import TempFolderStorage

from cooperation.models import Beneficiary, Figure, Pairing, Project, Publication
from cooperation.resources import ProjectResource
from tests.factories import (
    admin_import,
    confirm_import,
    csv_file,
    make_beneficiary,
    make_project,
    xlsx_file,
)

PROJECT_COLUMNS = ["slug", "title", "category", "pairing", "locations", "start_year", "source"]


def project_rows(world, bad=None):
    """Three projects of the Nansha ↔ Ziyun pairing; `bad` replaces cells of the second."""
    rows = [
        ["zy-tea", "紫云茶叶加工", "industry", world.pairing.pk, f"{world.bayang.pk}"],
        ["zy-fish", "坝羊生态鱼养殖", "industry", world.pairing.pk, f"{world.bayang.pk}"],
        ["zy-workshop", "猫营帮扶车间", "workshop", world.pairing.pk, f"{world.maoying.pk}"],
    ]
    rows = [row + [2023, world.source.slug] for row in rows]
    for column, value in (bad or {}).items():
        rows[1][PROJECT_COLUMNS.index(column)] = value
    return rows


def page_text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def row_cell(number):
    return re.compile(rf"<td>\s*{number}\s*</td>")


def forge_confirmation(client, model_name, file_name, content):
    """Post the confirmation step for a file that never passed the preview."""
    binary = file_name.endswith(".xlsx")
    storage = TempFolderStorage()
    storage.save(content)
    fields = {
        "import_file_name": storage.name,
        "original_file_name": file_name,
        "format": "1" if binary else "0",
        "resource": "0",
    }
    url = reverse(f"admin:cooperation_{model_name}_process_import")
    return client.post(url, fields, follow=True)


# The page ----------------------------------------------------------------------------


def test_project_import_page_answers(admin_client, db):
    assert reverse("admin:cooperation_project_import") == "/admin/cooperation/project/import/"
    response = admin_client.get("/admin/cooperation/project/import/")
    assert response.status_code == 200
    assert response.context["form"].fields["format"].choices[1:3] == [("0", "csv"), ("1", "xlsx")]
    assert "任何一行有误，整个文件都不会导入。" in response.content.decode()


@pytest.mark.parametrize("model", ["project", "beneficiary", "pairing", "figure"])
def test_import_and_export_pages_answer_for_each_spreadsheet_model(admin_client, db, model):
    assert admin_client.get(reverse(f"admin:cooperation_{model}_import")).status_code == 200
    assert admin_client.get(reverse(f"admin:cooperation_{model}_export")).status_code == 200


# One bad row: nothing imported, the row and the field named ----------------------------


@pytest.mark.parametrize("build", [csv_file, xlsx_file], ids=["csv", "xlsx"])
@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"category": "fishing"}, "category（类别）", "不是有效选项"),
        ({"pairing": 999}, "pairing（结对关系）", "找不到编号为“999”的结对关系。"),
        ({"pairing": ""}, "pairing（结对关系）", "不能为"),
        ({"locations": "9999"}, "locations（地点）", "找不到编号为“9999”的区域。"),
        ({"start_year": 1999}, "start_year（开始年份）", "2000"),
        ({"source": "no-such-source"}, "source（来源）", "找不到来源“no-such-source”。"),
    ],
    ids=["category", "unknown-pairing", "missing-pairing", "location", "year", "source"],
)
def test_file_with_one_bad_project_row_imports_nothing(
    admin_client, world, build, bad, field, message
):
    content = build(PROJECT_COLUMNS, project_rows(world, bad))
    file_name = "projects." + build.__name__.split("_")[0]
    response = admin_import(admin_client, "project", file_name, content)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    html = page_text(response)
    assert field in html
    assert message in html
    assert row_cell(2).search(html)
    assert [row.number for row in response.context["result"].invalid_rows] == [2]
    assert not Project.objects.exists()

    response = forge_confirmation(admin_client, "project", file_name, content)
    assert not Project.objects.exists()
    [notice] = [str(m) for m in get_messages(response.wsgi_request)]
    assert notice.startswith("未导入任何记录。第2行 " + field)
    assert message in notice


def test_bad_rows_are_all_reported_at_once(admin_client, world):
    rows = project_rows(world, {"category": "fishing"})
    rows[2][PROJECT_COLUMNS.index("pairing")] = 999
    response = admin_import(admin_client, "project", "p.csv", csv_file(PROJECT_COLUMNS, rows))
    assert [row.number for row in response.context["result"].invalid_rows] == [2, 3]
    assert not Project.objects.exists()


# A good file: preview, then confirm --------------------------------------------------------


@pytest.mark.parametrize("build", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_good_project_file_is_previewed_then_imported(admin_client, world, build):
    content = build(PROJECT_COLUMNS, project_rows(world))
    file_name = "projects." + build.__name__.split("_")[0]
    preview = admin_import(admin_client, "project", file_name, content)
    assert preview.status_code == 200
    assert "confirm_form" in preview.context
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new"] * 3
    assert "紫云茶叶加工" in preview.content.decode()
    assert not Project.objects.exists()

    response = confirm_import(admin_client, preview)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:cooperation_project_changelist")
    assert set(Project.objects.values_list("slug", flat=True)) == {
        "zy-tea",
        "zy-fish",
        "zy-workshop",
    }
    tea = Project.objects.get(slug="zy-tea")
    assert (tea.title, tea.pairing, tea.start_year) == ("紫云茶叶加工", world.pairing, 2023)
    assert list(tea.locations.all()) == [world.bayang]
    assert tea.status == Publication.DRAFT


def test_reimporting_a_file_updates_projects_by_slug(admin_client, world):
    # A draft is written in place (a published record's changes wait in a revision).
    make_project(world.pairing, world.source, title="旧名称", slug="zy-tea", status="draft")
    content = csv_file(PROJECT_COLUMNS, project_rows(world))
    preview = admin_import(admin_client, "project", "p.csv", content)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == [
        "update",
        "new",
        "new",
    ]
    confirm_import(admin_client, preview)
    assert Project.objects.get(slug="zy-tea").title == "紫云茶叶加工"
    assert Project.objects.count() == 3


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_exported_projects_import_back_unchanged(admin_client, world, extension):
    make_project(world.pairing, world.source, title="紫云红心薯", locations=[world.bayang])
    url = reverse("admin:cooperation_project_export")
    form = admin_client.get(url).context["form"]
    choice = next(key for key, label in form.fields["format"].choices if label == extension)
    columns = {name: "on" for name, field in form.fields.items() if field.initial is True}
    response = admin_client.post(url, {"format": choice, "resource": "0", **columns})
    assert response.status_code == 200
    exported = response.content
    if extension == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
        assert [cell.value for cell in sheet[1]] == ProjectResource().get_export_headers()
        assert "紫云红心薯" in [cell.value for cell in sheet[2]]
    else:
        assert "紫云红心薯" in exported.decode("utf-8-sig")
    preview = admin_import(admin_client, "project", f"export.{extension}", exported)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip"]


# Figures -----------------------------------------------------------------------------


FIGURE_COLUMNS = [
    "project",
    "beneficiary",
    "measure",
    "label",
    "value",
    "unit",
    "qualifier",
    "period_kind",
    "period_start",
    "period_end",
    "source",
]
YEAR_2023 = ["flow", "2023-01-01", "2023-12-31"]


def figure_rows(world, project, bad=None):
    rows = [
        [project.slug, "", "assistance_funds", "帮扶资金", "3056500", "元", "exact"],
        [project.slug, "", "assistance_funds", "帮扶资金", "27500000", "元", "at_least"],
        [project.slug, "", "jobs", "带动就业", "120", "人", "more_than"],
    ]
    rows = [row + YEAR_2023 + [world.source.slug] for row in rows]
    for column, value in (bad or {}).items():
        rows[1][FIGURE_COLUMNS.index(column)] = value
    return rows


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"project": ""}, None, "每条数据须且只能属于一个项目、年度指标、受益对象或受益关系。"),
        (
            {"project": "no-such-project"},
            "project（项目）",
            "找不到协作项目“no-such-project”。",
        ),
        ({"value": "-5"}, None, "数值不能为负。"),
        ({"value": "many"}, "value（数值）", "“many”不是有效的数字。"),
        ({"period_start": "去年"}, "period_start（期间开始）", "“去年”不是有效的日期"),
        ({"period_start": ""}, None, "发生额须有开始日期。"),
        ({"unit": "光年"}, "unit（单位）", "“光年”不是有效选项。可选：元、人、人次"),
    ],
    ids=["no-owner", "unknown-project", "negative", "not-a-number", "date", "flow", "unit"],
)
def test_file_with_one_bad_figure_row_imports_nothing(admin_client, world, bad, field, message):
    project = make_project(world.pairing, world.source, slug="zy-tea")
    content = csv_file(FIGURE_COLUMNS, figure_rows(world, project, bad))
    response = admin_import(admin_client, "figure", "figures.csv", content)
    assert "confirm_form" not in response.context
    html = page_text(response)
    if field:
        assert field in html
    assert message in html
    assert [row.number for row in response.context["result"].invalid_rows] == [2]
    assert not Figure.objects.exists()

    forge_confirmation(admin_client, "figure", "figures.csv", content)
    assert not Figure.objects.exists()
    project.refresh_from_db()
    assert project.funds is None


def test_figure_row_with_two_owners_imports_nothing(admin_client, world):
    project = make_project(world.pairing, world.source, slug="zy-tea")
    village = make_beneficiary(world.source, "黄鹤营村")
    content = csv_file(FIGURE_COLUMNS, figure_rows(world, project, {"beneficiary": village.pk}))
    response = admin_import(admin_client, "figure", "figures.csv", content)
    assert "每条数据须且只能属于一个项目、年度指标、受益对象或受益关系。" in page_text(response)
    assert [row.number for row in response.context["result"].invalid_rows] == [2]
    forge_confirmation(admin_client, "figure", "figures.csv", content)
    assert not Figure.objects.exists()


def test_good_figure_file_is_imported_and_sums_project_funds(admin_client, world):
    project = make_project(world.pairing, world.source, slug="zy-tea", status="draft")
    content = xlsx_file(FIGURE_COLUMNS, figure_rows(world, project))
    preview = admin_import(admin_client, "figure", "figures.xlsx", content)
    assert not Figure.objects.exists()
    confirm_import(admin_client, preview)
    assert Figure.objects.filter(project=project).count() == 3
    project.refresh_from_db()
    assert project.funds == 30556500
    assert project.funds_qualifier == "at_least"


# Beneficiaries and pairings ---------------------------------------------------------------


def test_beneficiaries_import_with_their_region(admin_client, world):
    header = ["name", "kind", "region", "source"]
    rows = [
        ["黄鹤营村", "village", world.huanghe.pk, world.source.slug],
        ["紫云县农村劳动力", "labourers", world.ziyun.pk, world.source.slug],
    ]
    confirm_import(
        admin_client, admin_import(admin_client, "beneficiary", "b.csv", csv_file(header, rows))
    )
    assert Beneficiary.objects.get(name="黄鹤营村").region == world.huanghe
    assert Beneficiary.objects.count() == 2


def test_pairing_import_checks_the_sides_and_names_the_place(admin_client, world):
    header = ["level", "parent", "east_region", "east_count", "west_region", "west_count", "source"]
    rows = [
        ["town", world.pairing.pk, world.nansha.pk, 14, world.ziyun.pk, 13, world.source.slug],
        ["village", world.pairing.pk, world.ziyun.pk, "", world.huanghe.pk, "", world.source.slug],
    ]
    response = admin_import(admin_client, "pairing", "p.csv", csv_file(header, rows))
    html = page_text(response)
    assert "east_region（东部区域）" in html
    assert "东部一方“紫云苗族布依族自治县”不在东部。" in html
    assert Pairing.objects.count() == 1
    rows[1][2] = world.nansha.pk
    preview = admin_import(admin_client, "pairing", "p.csv", csv_file(header, rows))
    confirm_import(admin_client, preview)
    assert Pairing.objects.filter(parent=world.pairing).count() == 2
    assert str(Pairing.objects.get(level="town")) == "南沙区14个乡镇 → 紫云县13个乡镇"
