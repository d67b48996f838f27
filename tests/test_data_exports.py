"""The list downloads are data: stable identifiers, ids and URLs, exact amounts, codes,
a data dictionary, and the figures with their sources and quotations."""

import csv
import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from cooperation import export_files, exports
from cooperation.models import Figure, Pairing, Publication, Qualifier
from tests.factories import (
    make_beneficiary,
    make_benefit,
    make_figure,
    make_pairing,
    make_project,
)
from tests.test_exports import read_export

PROJECTS = reverse("cooperation:project-list")


def english(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def funded(world):
    project = make_project(
        world.pairing,
        world.source,
        title="红芯薯产业园",
        title_en="Red-heart sweet potato park",
        locations=[world.huanghe, world.bayang],
        slug="hxs",
    )
    make_figure(
        world.source,
        Decimal("3056512.37"),
        project=project,
        qualifier=Qualifier.AT_LEAST,
        quote="投入帮扶资金305.65万元",
        quote_en="305.65 ten-thousand yuan of assistance funds",
    )
    make_project(world.pairing, world.source, title="草稿项目", status=Publication.DRAFT)
    return project


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_header_row_is_the_same_identifiers_in_both_languages(funded, client):
    chinese = csv_rows(client.get(PROJECTS, {"_export": "csv"}))[0]
    english_response = client.get(english("cooperation:project-list"), {"_export": "csv"})
    english_header = csv_rows(english_response)[0]

    assert chinese == english_header
    assert chinese[:4] == ["id", "url", "slug", "title"]
    assert {"title_en", "category", "category_label", "funds", "funds_unit"} <= set(chinese)
    assert {"funds_qualifier", "pairing_id", "location_ids", "source_id"} <= set(chinese)


def test_labels_switch_gives_the_page_languages_column_names(funded, client):
    chinese = csv_rows(client.get(PROJECTS, {"_export": "csv", "labels": "1"}))[0]
    english_rows = json.loads(
        client.get(english("cooperation:project-list"), {"_export": "json", "labels": "1"}).content
    )

    assert chinese[3] == "项目名称"
    assert "Project" in english_rows[0]
    assert "项目名称" not in english_rows[0]


def test_every_row_has_its_id_url_codes_and_labels(funded, client):
    (row,) = read_export(client.get(PROJECTS, {"_export": "json"}), "json")

    assert row["id"] == funded.pk
    assert row["url"] == "http://testserver/projects/hxs/"
    assert row["title_en"] == "Red-heart sweet potato park"
    assert (row["category"], row["category_label"]) == ("industry", "产业协作")
    assert row["pairing_id"] == funded.pairing_id
    assert sorted(row["location_ids"]) == sorted(funded.locations.values_list("pk", flat=True))
    assert (row["funds_unit"], row["funds_qualifier"]) == ("元", "at_least")


def test_json_amounts_are_the_stored_numbers_digit_for_digit(funded, client):
    response = client.get(PROJECTS, {"_export": "json"})

    assert b'"funds": 3056512.37,' in response.content
    (row,) = json.loads(response.content, parse_float=Decimal)
    assert row["funds"] == Decimal("3056512.37")


def test_csv_amount_is_plain_decimal_text(funded, client):
    (row,) = read_export(client.get(PROJECTS, {"_export": "csv"}), "csv")

    assert row["funds"] == "3056512.37"
    assert row["location_ids"].count(exports.LIST_SEPARATOR) == 1


def test_xlsx_has_numeric_amounts_and_a_data_dictionary(funded, client):
    response = client.get(PROJECTS, {"_export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))

    header, row = list(book.worksheets[0].iter_rows(values_only=True))
    assert dict(zip(header, row, strict=True))["funds"] == pytest.approx(3056512.37)
    assert book.sheetnames[1] == "labels"
    dictionary = list(book["labels"].iter_rows(values_only=True))
    assert dictionary[0] == exports.DICTIONARY_HEADERS
    by_name = {line[0]: line for line in dictionary[1:] if line[0]}
    assert by_name["title"][1:3] == ("项目名称", "Project")
    assert set(header) <= set(by_name)
    assert "撇号" in by_name["'"][3]


def test_figures_export_gives_the_filtered_projects_figures_with_sources(world, funded, client):
    other = make_project(world.pairing, world.source, title="茶叶基地", slug="tea")
    make_figure(world.source, 40, project=other, unit=Figure.Unit.PERSON)
    village = make_beneficiary(world.source, name="黄鹤营村", region=world.huanghe)
    benefit = make_benefit(funded, village)
    jobs = make_figure(
        world.source, 43, benefit=benefit, unit=Figure.Unit.PERSON, measure=Figure.Measure.JOBS
    )
    hidden = make_beneficiary(world.source, name="草稿村", status=Publication.DRAFT)
    make_figure(world.source, 7, benefit=make_benefit(funded, hidden), unit=Figure.Unit.PERSON)
    draft = make_project(world.pairing, world.source, title="红芯薯草稿", status=Publication.DRAFT)
    make_figure(world.source, 9, project=draft)

    response = client.get(PROJECTS, {"q": "红芯薯", "_export": "json", "table": "figures"})

    rows = json.loads(response.content, parse_float=Decimal)
    assert response["Content-Disposition"].startswith('attachment; filename="figures-')
    assert [row["value"] for row in rows] == [Decimal("3056512.37"), 43]
    funds, benefit_row = rows
    assert funds["project_id"] == funded.pk
    assert (funds["unit"], funds["qualifier"], funds["kind"]) == ("元", "at_least", "actual")
    assert (funds["period_kind"], funds["period_start"], funds["year"]) == (
        "flow",
        "2023-01-01",
        2023,
    )
    assert funds["source_id"] == world.source.pk
    assert funds["source_title"] == world.source.title
    assert funds["quote"] == "投入帮扶资金305.65万元"
    assert funds["quote_en"].startswith("305.65")
    assert funds["url"].endswith(f"/projects/hxs/#figure-{funds['id']}")
    assert benefit_row["id"] == jobs.pk
    assert (benefit_row["project_id"], benefit_row["beneficiary_id"]) == (funded.pk, village.pk)
    assert benefit_row["measure"] == "jobs"


def test_project_list_offers_the_figures_download(funded, client):
    response = client.get(PROJECTS, {"category": "industry", "page": "1"})

    files = [file.url for download in response.context["downloads"] for file in download.files]
    assert f"{PROJECTS}?category=industry&_export=csv" in files
    assert f"{PROJECTS}?category=industry&_export=csv&table=figures" in files
    assert "_export=xlsx&amp;table=figures" in response.content.decode()


def test_unknown_download_table_is_refused_with_the_choices(funded, client):
    response = client.get(PROJECTS, {"_export": "csv", "table": "people"})

    assert response.status_code == 400
    assert "figures" in response.content.decode()


def test_pairing_export_hides_a_draft_parent_and_names_the_parties(world, client):
    draft = make_pairing(world.nansha, world.ziyun, world.source, status=Publication.DRAFT)
    child = make_pairing(
        world.nansha,
        world.ziyun,
        world.source,
        level=Pairing.Level.HOSPITAL,
        east_count=8,
        west_count=15,
        parent=draft,
    )

    response = client.get(reverse("cooperation:pairing-list"), {"_export": "json"})

    rows = {row["id"]: row for row in json.loads(response.content)}
    assert draft.pk not in rows
    row = rows[child.pk]
    assert row["parent_id"] is None
    assert (row["level"], row["level_label"]) == ("hospital", "医院结对")
    assert (row["east_region_id"], row["east_count"], row["west_count"]) == (
        world.nansha.pk,
        8,
        15,
    )
    assert row["east_party"] == "南沙区8家医院"
    assert rows[world.pairing.pk]["project_count"] == 0


def test_beneficiary_export_has_ids_of_its_region_and_organisation(world, client):
    village = make_beneficiary(world.source, name="黄鹤营村", region=world.huanghe)

    (row,) = read_export(
        client.get(reverse("cooperation:beneficiary-list"), {"_export": "json"}), "json"
    )

    assert (row["id"], row["region_id"], row["organization_id"]) == (
        village.pk,
        world.huanghe.pk,
        None,
    )
    assert (row["kind"], row["project_count"]) == ("village", 0)


def test_large_download_is_streamed(funded, world, client, monkeypatch):
    monkeypatch.setattr(export_files, "STREAM_FROM_ROWS", 0)

    response = client.get(PROJECTS, {"_export": "csv", "table": "figures"})

    assert response.streaming
    assert len(list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig"))))) == 2


@pytest.mark.parametrize("export_format", ["csv", "json", "xlsx"])
@pytest.mark.parametrize("table", ["projects", "figures"])
def test_query_count_does_not_grow_with_rows(
    world, client, django_assert_max_num_queries, export_format, table
):
    def grow(count):
        for _number in range(count):
            project = make_project(world.pairing, world.source, locations=[world.huanghe])
            make_figure(world.source, 1000, project=project)
            village = make_beneficiary(world.source, region=world.huanghe)
            make_figure(world.source, 3, benefit=make_benefit(project, village), unit="人")

    query = {"_export": export_format, "table": table, "region": world.maoying.pk}
    grow(2)
    with django_assert_max_num_queries(8) as small:
        client.get(PROJECTS, query)
    grow(25)
    with django_assert_max_num_queries(8) as large:
        response = client.get(PROJECTS, query)
    assert len(read_export(response, export_format)) == 27 * (2 if table == "figures" else 1)
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize("value", ["<script>alert(1)</script>", "\x00", "figures" * 500, ""])
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_hostile_table_and_labels_values_are_answered_safely(funded, client, value, export_format):
    response = client.get(PROJECTS, {"_export": export_format, "table": value, "labels": value})

    assert response.status_code in (200, 400)
    assert b"<script>" not in response.content
    assert client.get(PROJECTS, {"table": value, "labels": value}).status_code == 200


@pytest.mark.parametrize("name", ["cooperation:pairing-list", "cooperation:beneficiary-list"])
def test_pairing_and_beneficiary_query_counts_do_not_grow_with_rows(
    world, client, django_assert_max_num_queries, name
):
    def grow(count):
        for _number in range(count):
            project = make_project(
                make_pairing(world.nansha, world.ziyun, world.source), world.source
            )
            make_benefit(project, make_beneficiary(world.source, region=world.huanghe))

    grow(2)
    with django_assert_max_num_queries(6) as small:
        client.get(reverse(name), {"_export": "json"})
    grow(20)
    with django_assert_max_num_queries(6) as large:
        response = client.get(reverse(name), {"_export": "json"})
    assert len(json.loads(response.content)) >= 22
    assert len(large.captured_queries) == len(small.captured_queries)
