"""The XLSX template of each importable model: downloaded, filled in with names, imported."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from cooperation import roles
from cooperation.models import Project, Publication
from cooperation.resources import ProjectResource
from tests.factories import admin_import, confirm_import, make_project, make_staff

MODELS = ["project", "beneficiary", "pairing", "figure"]


def download(client, model="project"):
    response = client.get(reverse(f"admin:cooperation_{model}_import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_of(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True) if any(row)]


def filled_in(book, rows):
    """The template with its example row replaced by `rows` ({column: value}), saved."""
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def two_projects(world, place="紫云县/坝羊镇"):
    return [
        {
            "网址标识": "zy-tea",
            "项目名称": "紫云茶叶加工",
            "类别": "产业协作",
            "结对关系": "南沙区—紫云县",
            "地点": place,
            "开始年份": 2023,
            "来源": world.source.slug,
        },
        {
            "网址标识": "zy-workshop",
            "项目名称": "猫营帮扶车间",
            "类别": "帮扶车间",
            "结对关系": "广州市南沙区 紫云县",
            "地点": "猫营镇",
            "开始年份": 2023,
            "实施状态": "已完成",
            "来源": world.source.title,
        },
    ]


@pytest.mark.parametrize("model", MODELS)
def test_each_importable_model_has_a_template_linked_from_its_pages(admin_client, world, model):
    book = download(admin_client, model)
    assert book.sheetnames[1:] == ["可选值", "列说明"]
    link = reverse(f"admin:cooperation_{model}_import_template")
    for view in ("changelist", "import"):
        page = admin_client.get(reverse(f"admin:cooperation_{model}_{view}"))
        assert f'href="{link}"' in page.content.decode()


def test_the_template_is_filled_in_with_names_and_imported(admin_client, world):
    book = download(admin_client)
    header, example = rows_of(book.worksheets[0])
    assert header[:5] == ["网址标识", "项目名称", "项目名称（英文）", "类别", "结对关系"]
    assert len(example) == len(header)

    preview = admin_import(admin_client, "project", "p.xlsx", filled_in(book, two_projects(world)))
    assert "confirm_form" in preview.context
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new", "new"]
    confirm_import(admin_client, preview)
    tea, workshop = Project.objects.get(slug="zy-tea"), Project.objects.get(slug="zy-workshop")
    assert (tea.pairing, list(tea.locations.all())) == (world.pairing, [world.bayang])
    assert (workshop.category, workshop.work_status) == ("workshop", "completed")
    assert list(workshop.locations.all()) == [world.maoying]
    assert tea.status == workshop.status == Publication.DRAFT


def test_a_row_naming_an_unknown_place_is_refused_with_its_row_column_and_nearest_names(
    admin_client, world
):
    rows = two_projects(world)
    rows[1]["地点"] = "猫英镇"
    response = admin_import(
        admin_client, "project", "p.xlsx", filled_in(download(admin_client), rows)
    )
    assert "confirm_form" not in response.context
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2
    [message] = invalid.error_dict["地点"]
    assert "找不到区域“猫英镇”" in message
    assert "猫营镇（贵州省/安顺市/紫云苗族布依族自治县/猫营镇）" in message
    text = re.sub(r"\s+", " ", response.content.decode())
    assert "猫营镇（贵州省/安顺市/紫云苗族布依族自治县/猫营镇）" in text
    assert not Project.objects.exists()


def test_the_example_row_is_a_real_record_and_imports_as_no_change(admin_client, world):
    make_project(world.pairing, world.source, title="紫云红心薯", locations=[world.bayang])
    book = download(admin_client)
    header, example = rows_of(book.worksheets[0])
    row = dict(zip(header, example, strict=True))
    assert (row["项目名称"], row["结对关系"], row["地点"]) == (
        "紫云红心薯",
        "南沙区 → 紫云县",
        "坝羊镇",
    )
    output = io.BytesIO()
    book.save(output)
    preview = admin_import(admin_client, "project", "p.xlsx", output.getvalue())
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip"]


def test_the_choices_sheet_lists_labels_with_codes_and_the_names(admin_client, world):
    book = download(admin_client)
    choices = book["可选值"]
    header = [cell.value for cell in choices[1]]
    columns = {name: [row[header.index(name)] for row in rows_of(choices)[1:]] for name in header}
    pairs = zip(columns["类别"], columns["类别（代码或路径）"], strict=True)
    assert ("产业协作", "industry") in pairs
    assert "南沙区 → 紫云县" in columns["结对关系"]
    assert "贵州省/安顺市/紫云苗族布依族自治县/坝羊镇" in columns["地点（代码或路径）"]
    lists = {str(v.sqref): v for v in book.worksheets[0].data_validations.dataValidation}
    category = lists["D2:D201"]
    assert category.type == "list" and category.formula1.startswith("'可选值'!$A$2:$A$")
    notes = {row[1]: row for row in rows_of(book["列说明"])}
    assert "贵州省/安顺市/紫云自治县" in notes["locations"][3]
    assert notes["slug"][2] == "是"


def test_the_english_admin_gets_an_english_template(admin_client, world):
    admin_client.cookies["django_language"] = "en"
    header = rows_of(download(admin_client).worksheets[0])[0]
    with translation.override("en"):
        assert header == ProjectResource().get_export_headers()
    assert header[:2] == ["URL slug", "Project"]


def test_a_template_follows_the_import_permission(admin_client, world, settings):
    settings.IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"  # a permission nobody is given
    admin_client.force_login(make_staff(roles.EDITORS, "bianji"))
    response = admin_client.get(reverse("admin:cooperation_project_import_template"))
    assert response.status_code == 403
