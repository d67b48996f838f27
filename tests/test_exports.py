import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django_tables2.rows import BoundRow

from cooperation.models import Pairing, Publication, Qualifier
from cooperation.views.lists import BeneficiaryListView, PairingListView, ProjectListView
from tests.factories import (
    make_beneficiary,
    make_benefit,
    make_figure,
    make_pairing,
    make_project,
)

PROJECTS = reverse("cooperation:project-list")


def read_export(response, export_format):
    """The exported rows as a list of dicts keyed by the column headers."""
    if export_format == "csv":
        text = response.content.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(text)))
    if export_format == "json":
        return json.loads(response.content)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def projects(world):
    big = make_project(
        world.pairing, world.source, title="红芯薯产业园", locations=[world.huanghe], slug="hxs"
    )
    make_figure(world.source, 27_500_000, project=big, qualifier=Qualifier.AT_LEAST)
    make_project(world.pairing, world.source, title="红芯薯车间", funds=500_000, slug="cj")
    make_project(world.pairing, world.source, title="茶叶基地", funds=3_056_500, slug="cy")
    make_project(world.pairing, world.source, title="红芯薯草稿", status=Publication.DRAFT)
    return big


@pytest.mark.parametrize("export_format", ["csv", "json", "xlsx"])
def test_export_holds_exactly_the_filtered_sorted_projects(projects, client, export_format):
    response = client.get(PROJECTS, {"q": "红芯薯", "sort": "amount", "_export": export_format})

    rows = read_export(response, export_format)

    assert response.status_code == 200
    assert [row["title"] for row in rows] == ["红芯薯车间", "红芯薯产业园"]


@pytest.mark.parametrize("export_format", ["csv", "json", "xlsx"])
def test_export_gives_money_in_yuan_with_its_qualifier(projects, client, export_format):
    response = client.get(PROJECTS, {"sort": "-amount", "_export": export_format})

    first = read_export(response, export_format)[0]

    assert first["title"] == "红芯薯产业园"
    assert Decimal(str(first["funds"])) == Decimal(27_500_000)
    assert (first["funds_unit"], first["funds_qualifier"]) == ("元", "at_least")
    assert first["locations"] in ("黄鹤营村", ["黄鹤营村"])
    assert (first["category"], first["category_label"]) == ("industry", "产业协作")
    assert first["url"] == "http://testserver" + projects.get_absolute_url()
    assert "amount" not in first


def test_export_covers_every_page(world, client):
    for number in range(30):
        make_project(world.pairing, world.source, title=f"项目{number:02d}")

    response = client.get(PROJECTS, {"sort": "title", "page": 2, "_export": "json"})

    assert [row["title"] for row in json.loads(response.content)] == [
        f"项目{number:02d}" for number in range(30)
    ]


def test_export_never_holds_drafts(projects, client):
    response = client.get(PROJECTS, {"_export": "csv"})

    assert "草稿" not in response.content.decode("utf-8-sig")
    assert len(read_export(response, "csv")) == 3


@pytest.mark.parametrize(
    "export_format, content_type",
    [
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_export_is_a_named_download(projects, client, export_format, content_type):
    response = client.get(PROJECTS, {"_export": export_format})

    disposition = response["Content-Disposition"]
    assert response["Content-Type"] == content_type
    assert disposition.startswith('attachment; filename="projects-')
    assert disposition.endswith(f".{export_format}")
    assert "filename*=UTF-8''%E5%8D%8F%E4%BD%9C%E9%A1%B9%E7%9B%AE-" in disposition  # 协作项目


def test_csv_starts_with_a_bom_for_excel(projects, client):
    response = client.get(PROJECTS, {"_export": "csv"})

    assert response.content.startswith("\ufeffid,url,".encode())


@pytest.mark.parametrize("export_format", ["yaml", "xls", "latex", "ods", ""])
def test_other_export_formats_show_the_page(projects, client, export_format):
    response = client.get(PROJECTS, {"_export": export_format})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_export_with_invalid_filters_shows_the_page_with_errors(projects, client):
    response = client.get(PROJECTS, {"year": "abc", "_export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "year" in response.context["filter"].errors


def test_pairing_export_keeps_counts_as_counts(world, client):
    hospitals = make_pairing(
        world.nansha,
        world.ziyun,
        world.source,
        level=Pairing.Level.HOSPITAL,
        east_count=8,
        west_count=15,
        parent=world.pairing,
    )

    response = client.get(
        reverse("cooperation:pairing-list"), {"level": "hospital", "_export": "json"}
    )

    (row,) = json.loads(response.content)
    assert row == row | {
        "id": hospitals.pk,
        "url": "http://testserver" + hospitals.get_absolute_url(),
        "name": "南沙区8家医院 → 紫云县15家医院",
        "level": "hospital",
        "level_label": "医院结对",
        "mode": "one_to_one",
        "mode_label": "结对帮扶",
        "start_year": 2021,
        "project_count": 0,
        "east_party": "南沙区8家医院",
        "east_count": 8,
        "west_party": "紫云县15家医院",
        "west_count": 15,
        "description": "",
    }


def test_beneficiary_export_is_filtered_and_has_no_drafts(world, client):
    village = make_beneficiary(world.source, name="黄鹤营村", region=world.huanghe)
    make_beneficiary(world.source, name="坝羊镇", region=world.bayang)
    make_beneficiary(world.source, name="草稿村", region=world.huanghe, status=Publication.DRAFT)
    make_benefit(make_project(world.pairing, world.source), village)

    response = client.get(
        reverse("cooperation:beneficiary-list"),
        {"region": world.maoying.pk, "_export": "csv"},
    )

    rows = read_export(response, "csv")
    assert [(row["name"], row["region"], row["project_count"]) for row in rows] == [
        ("黄鹤营村", "黄鹤营村", "1")
    ]


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_export_query_count_does_not_grow_with_rows(
    world, client, django_assert_max_num_queries, export_format
):
    def grow(count):
        for _number in range(count):
            make_project(world.pairing, world.source, locations=[world.huanghe], funds=1000)

    grow(3)
    with django_assert_max_num_queries(6) as small:
        client.get(PROJECTS, {"_export": export_format, "region": world.maoying.pk})
    grow(40)
    with django_assert_max_num_queries(6) as large:
        response = client.get(PROJECTS, {"_export": export_format, "region": world.maoying.pk})
    assert len(read_export(response, export_format)) == 43
    assert len(large.captured_queries) == len(small.captured_queries)


LIST_VIEWS = [ProjectListView, PairingListView, BeneficiaryListView]


@pytest.mark.parametrize("view_class", LIST_VIEWS)
def test_export_reads_no_cell_through_django_tables2(world, client, monkeypatch, view_class):
    """Asking django-tables2 for each cell costs ten times as much; no column needs it."""
    village = make_beneficiary(world.source, region=world.huanghe)
    make_benefit(make_project(world.pairing, world.source, locations=[world.huanghe]), village)

    def refuse(row, name):
        raise AssertionError(f"column {name} read through BoundRow.get_cell_value")

    monkeypatch.setattr(BoundRow, "get_cell_value", refuse)

    response = client.get(reverse(view_class.url_name), {"_export": "csv"})

    assert len(read_export(response, "csv")) >= 1
