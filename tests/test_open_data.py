"""The bulk download (/data/): its build, its Frictionless data package, its page, files and
DCAT catalogue, and its memory at two sizes."""

import csv
import datetime
import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import frictionless
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from cooperation import opendata
from cooperation.models import Figure, Project, ProjectLocation, Publication
from tests.factories import make_figure, make_project

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
DRAFT_TITLE = "草稿项目不得公开"


@pytest.fixture(autouse=True)
def open_data_dir(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path / "open-data"
    settings.OPEN_DATA_LICENSE_NAME = settings.OPEN_DATA_LICENSE_URL = ""
    settings.OPEN_DATA_PUBLISHER = ""
    return settings.OPEN_DATA_DIR


@pytest.fixture
def article(db):
    """The article's records, and a draft project with a location and a figure of its own."""
    call_command("loaddata", *FIXTURES, verbosity=0)
    published = Project.objects.published().select_related("pairing", "source").first()
    draft = make_project(
        published.pairing,
        published.source,
        title=DRAFT_TITLE,
        slug="draft-must-stay-private",
        status=Publication.DRAFT,
        quote="草稿原句不得公开",
    )
    ProjectLocation.objects.create(project=draft, region=published.locations.first())
    make_figure(draft.source, "12345678.90", project=draft, quote="草稿数据原句")
    return draft


def build(*options):
    out = io.StringIO()
    call_command("build_open_data", *options, stdout=out)
    return out.getvalue()


def read_csv(name):
    path = settings.OPEN_DATA_DIR / opendata.CURRENT / name
    with path.open(encoding="utf-8", newline="") as content:
        return list(csv.DictReader(content))


def test_build_is_a_valid_data_package_without_drafts(article):
    build()
    current = settings.OPEN_DATA_DIR / opendata.CURRENT
    report = frictionless.validate(str(current / opendata.PACKAGE))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "message"])

    descriptor = json.loads((current / opendata.PACKAGE).read_text(encoding="utf-8"))
    names = {resource["name"] for resource in descriptor["resources"]}
    assert {"projects", "pairings", "beneficiaries", "figures", "sources", "people"} <= names
    assert "licenses" not in descriptor and "contributors" not in descriptor
    assert descriptor["sources"][0]["publisher"] == "中国乡村振兴网"
    projects = next(r for r in descriptor["resources"] if r["name"] == "projects")
    assert {"fields": "pairing_id", "reference": {"resource": "pairings", "fields": "id"}} in (
        projects["schema"]["foreignKeys"]
    )

    with zipfile.ZipFile(current / opendata.ZIP) as bundle:
        assert sorted(bundle.namelist()) == sorted(
            [opendata.PACKAGE, *(r["path"] for r in descriptor["resources"])]
        )
    for resource in descriptor["resources"]:
        text = (current / resource["path"]).read_text(encoding="utf-8")
        assert DRAFT_TITLE not in text and "草稿" not in text, resource["path"]
    assert str(article.pk) not in {row["id"] for row in read_csv("projects.csv")}
    for name in ("figures.csv", "project_locations.csv", "benefits.csv", "events.csv"):
        assert str(article.pk) not in {row["project_id"] for row in read_csv(name)}, name
    assert len(read_csv("projects.csv")) == Project.objects.published().count()
    assert len(read_csv("figures.csv")) == Figure.objects.published().count()


def test_amounts_are_plain_numbers_and_formulas_are_shown_not_run(world):
    make_project(
        world.pairing, world.source, title="=HYPERLINK(1)", funds="27500000", quote="@SUM(1)"
    )
    build()
    (project,) = read_csv("projects.csv")
    assert project["funds"] == "27500000.00"
    assert project["title"] == "'=HYPERLINK(1)" and project["quote"] == "'@SUM(1)"
    assert project["url"] == reverse("cooperation:project-detail", kwargs={"slug": project["slug"]})
    (figure,) = read_csv("figures.csv")
    assert figure["value"] == "27500000.00" and figure["unit"] == "元"
    descriptor = json.loads((settings.OPEN_DATA_DIR / "current" / "datapackage.json").read_text())
    fields = {f["name"]: f for f in descriptor["resources"][5]["schema"]["fields"]}
    assert "A leading '" in fields["title"]["description"]
    assert "A leading '" not in fields["funds"]["description"]


def test_licence_and_publisher_appear_only_when_set(world, settings, client):
    settings.OPEN_DATA_LICENSE_NAME = "CC-BY-4.0"
    settings.OPEN_DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
    settings.OPEN_DATA_PUBLISHER = "示例主办单位"
    build()
    path = settings.OPEN_DATA_DIR / "current" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    assert descriptor["licenses"] == [
        {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}
    ]
    assert descriptor["contributors"] == [{"title": "示例主办单位", "role": "publisher"}]
    assert frictionless.validate(str(path)).valid
    catalogue = client.get(reverse("open-data-catalog")).json()
    dataset = catalogue["dcat:dataset"][0]
    assert dataset["dct:license"] == {"@id": settings.OPEN_DATA_LICENSE_URL}
    assert catalogue["dct:publisher"]["foaf:name"] == "示例主办单位"


def test_if_changed_skips_then_rebuilds_after_a_change(world):
    build()
    first = opendata.last_build()
    assert "unchanged" in build("--if-changed", "--settle", "0")
    assert opendata.last_build().build_id == first.build_id

    make_project(world.pairing, world.source, title="新项目")
    build("--if-changed", "--settle", "0")
    second = opendata.last_build()
    assert second.build_id != first.build_id and second.data_version != first.data_version
    assert [row["title"] for row in read_csv("projects.csv")] == ["新项目"]
    # The build before stays until the next is done, older ones go.
    make_project(world.pairing, world.source)
    build()
    builds = {path.name for path in (settings.OPEN_DATA_DIR / "builds").iterdir()}
    assert builds == {second.build_id, opendata.last_build().build_id}


def test_settle_waits_until_the_data_stood_still(world):
    build()
    make_project(world.pairing, world.source)
    assert "later run" in build("--if-changed", "--settle", "300")
    assert opendata.last_build().data_version != opendata.data_version()
    pending = settings.OPEN_DATA_DIR / opendata.PENDING
    seen = json.loads(pending.read_text())
    earlier = datetime.datetime.fromisoformat(seen["seen"]) - datetime.timedelta(seconds=301)
    pending.write_text(json.dumps({**seen, "seen": earlier.isoformat()}))
    build("--if-changed", "--settle", "300")
    assert opendata.last_build().data_version == opendata.data_version()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_data_page_says_when_nothing_was_built(db, client, language):
    prefix = "/en" if language == "en" else ""
    response = client.get(f"{prefix}/data/")
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
    assert response.context["build"] is None
    assert client.get(reverse("open-data-file", kwargs={"name": "projects.csv"})).status_code == 404
    catalogue = client.get(reverse("open-data-catalog")).json()
    assert catalogue["dcat:dataset"][0]["dcat:distribution"] == []


def test_data_page_lists_the_files_and_the_view_serves_them(world, client):
    make_project(world.pairing, world.source, funds=1000)
    build()
    page = client.get(reverse("cooperation:open-data")).content.decode()
    built = opendata.last_build()
    for download in built.files:
        assert reverse("open-data-file", kwargs={"name": download.name}) in page
    assert built.data_version in page and "尚未设定许可" in page

    url = reverse("open-data-file", kwargs={"name": "projects.csv"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="projects.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).startswith(b"id,slug,title")
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    package = client.get(reverse("open-data-file", kwargs={"name": "datapackage.json"}))
    assert package["Content-Disposition"].startswith("inline")
    assert client.get("/en/data/").status_code == 200


@pytest.mark.parametrize(
    "name",
    ["..%2F..%2Fportal%2Fsettings.py", "..", "build.lock", "pending.json", "current", "x.csv"],
)
def test_names_outside_the_last_build_are_404(world, client, name):
    build()
    assert client.get(f"/data/files/{name}").status_code == 404


def test_catalogue_describes_every_download(world, client):
    build()
    response = client.get(reverse("open-data-catalog"))
    assert response["Content-Type"] == "application/ld+json"
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog" and "dcat" in catalogue["@context"]
    (dataset,) = catalogue["dcat:dataset"]
    assert "dct:license" not in dataset and "dct:publisher" not in catalogue
    urls = {d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]}
    assert urls == {
        f"http://testserver/data/files/{download.name}" for download in opendata.last_build().files
    }
    assert dataset["dct:modified"]["@value"] == opendata.last_build().created.isoformat()


def peak_memory_of_a_build():
    tracemalloc.start()
    try:
        opendata.build()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_projects(db, monkeypatch):
    monkeypatch.setattr(opendata, "CHUNK_ROWS", 50)
    call_command("synthesize", projects=60, seed=1, stdout=io.StringIO())
    peak_memory_of_a_build()  # the first build also fills Django's caches
    small = peak_memory_of_a_build()
    call_command("synthesize", projects=600, seed=2, stdout=io.StringIO())
    rows = sum(d.rows or 0 for d in opendata.last_build().files)
    large = peak_memory_of_a_build()
    grown_rows = sum(d.rows or 0 for d in opendata.last_build().files) - rows
    assert grown_rows > 5000
    # Ten times the rows; the peak may grow by a little (the package lists one more source).
    assert large - small < 300_000, (small, large)
