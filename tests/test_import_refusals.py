"""A malformed file is refused on a 200 page that says what to fix, in the admin's
language, never with a traceback, and nothing of it is imported."""

import os
import tempfile

import pytest
from django.urls import reverse

from cooperation import spreadsheets
from cooperation.models import Beneficiary, Project
from cooperation.resources import ProjectResource
from portal.models import Job
from tests.factories import admin_import, csv_file, make_beneficiary, xlsx_file
from tests.test_import_export import PROJECT_COLUMNS, project_rows


def refused(response, *phrases):
    """The page answered, said each phrase, showed no traceback, offered no import."""
    text = response.content.decode()
    assert response.status_code == 200
    for phrase in phrases:
        assert phrase in text, phrase
    assert "Traceback" not in text and "site-packages" not in text and "Error" not in text
    assert "confirm_form" not in response.context
    assert not Project.objects.filter(slug__startswith="zy-").exists()
    return text


def upload(client, content, name="projects.csv"):
    return admin_import(client, "project", name, content)


def test_an_empty_first_line_is_named(admin_client, world):
    content = b"\n" + csv_file(PROJECT_COLUMNS, project_rows(world))
    refused(upload(admin_client, content), "第一行是空行")


@pytest.mark.parametrize(
    ("encoding", "phrase"), [("gbk", "不是 UTF-8 编码"), ("utf-16", "UTF-16 编码")]
)
def test_a_file_in_another_encoding_is_told_to_be_saved_as_utf8(
    admin_client, world, encoding, phrase
):
    content = csv_file(PROJECT_COLUMNS, project_rows(world)).decode().encode(encoding)
    refused(upload(admin_client, content), phrase, "CSV UTF-8（逗号分隔）")


def test_a_missing_key_column_is_named(admin_client, world):
    rows = [row[1:] for row in project_rows(world)]
    refused(upload(admin_client, csv_file(PROJECT_COLUMNS[1:], rows)), "缺少“网址标识（slug）”列")


def test_an_unknown_column_is_named_with_the_known_ones(admin_client, world):
    header = ["titel" if column == "title" else column for column in PROJECT_COLUMNS]
    text = refused(upload(admin_client, csv_file(header, project_rows(world))), "未知的列：titel")
    listed = "网址标识（slug）、项目名称（title）、项目名称（英文）（title_en）、类别（category）"
    assert listed in text


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_two_rows_with_one_key_name_both_rows(admin_client, world, extension):
    rows = project_rows(world)
    rows[2][0] = rows[0][0]
    build = csv_file if extension == "csv" else xlsx_file
    content = build(PROJECT_COLUMNS, rows)
    refused(upload(admin_client, content, f"p.{extension}"), "第1行和第3行的“slug”都是“zy-tea”")


def test_two_rows_with_one_id_name_both_rows(admin_client, world):
    beneficiary = make_beneficiary(world.source, name="紫云县民族中学")
    header = ["id", "name", "kind", "source"]
    row = [beneficiary.pk, "紫云县民族中学", "school", world.source.slug]
    response = admin_import(admin_client, "beneficiary", "b.csv", csv_file(header, [row, row]))
    assert "第1行和第2行的“id”都是" in response.content.decode()
    assert "confirm_form" not in response.context
    assert Beneficiary.objects.count() == 1


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_file_over_the_direct_rows_goes_to_a_job_before_any_row_is_read(
    admin_client, world, monkeypatch, extension, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # The job reads the file from the storage.

    def no_row_may_be_read(*args, **kwargs):
        raise AssertionError("a row was read in the request")

    monkeypatch.setattr(ProjectResource, "import_row", no_row_may_be_read)
    monkeypatch.setattr(ProjectResource, "import_data", no_row_may_be_read)
    template = project_rows(world)[0]
    rows = [[f"zy-{n}", *template[1:]] for n in range(spreadsheets.IMPORT_DIRECT_ROWS + 1)]
    build = csv_file if extension == "csv" else xlsx_file
    response = upload(admin_client, build(PROJECT_COLUMNS, rows), f"p.{extension}")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin-job", args=[job.token])
    assert job.kind == Job.Kind.IMPORT_PREVIEW and job.state == Job.State.QUEUED


def test_the_background_import_is_stated_on_the_form(admin_client, db):
    response = admin_client.get(reverse("admin:cooperation_project_import"))
    text = f"超过 {spreadsheets.IMPORT_DIRECT_ROWS} 行的文件在后台预览和导入"
    assert text in response.content.decode()


def test_a_file_at_the_direct_rows_is_previewed_in_the_request(admin_client, world, settings):
    template = project_rows(world)[0]
    rows = [[f"zy-{n}", *template[1:]] for n in range(spreadsheets.IMPORT_DIRECT_ROWS)]
    response = upload(admin_client, csv_file(PROJECT_COLUMNS, rows))
    assert "confirm_form" in response.context
    assert not Job.objects.exists()


def test_a_file_that_is_not_a_workbook_is_named(admin_client, world):
    refused(upload(admin_client, b"PK\x03\x04 not really", "p.xlsx"), "不是有效的 Excel")


def test_the_messages_follow_the_admins_language(admin_client, world):
    admin_client.cookies["django_language"] = "en"
    content = b"\n" + csv_file(PROJECT_COLUMNS, project_rows(world))
    text = upload(admin_client, content).content.decode()
    assert "The first line is empty" in text


def test_a_refused_preview_leaves_no_temporary_file(admin_client, world, monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    refused(upload(admin_client, b"\n" + csv_file(PROJECT_COLUMNS, project_rows(world))))
    refused(upload(admin_client, "slug,标题\n".encode("gbk")), "不是 UTF-8")
    assert os.listdir(tmp_path) == []
    upload(admin_client, csv_file(PROJECT_COLUMNS, project_rows(world)))
    assert len(os.listdir(tmp_path)) == 1  # kept for the confirmation
