"""The ways out of the portal agree: the public project list, its CSV export and the API
list the same projects, record for record, under the same filters; and a draft project is
in none of them, nor in the bulk download, the Atom feeds or the IATI file."""

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command

from cooperation import opendata
from cooperation.models import Project, ProjectLocation, Publication, Region
from tests.factories import make_figure, make_project

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
DRAFT_SLUG = "draft-agreement-check"
DRAFT_TITLE = "草稿项目不得流出"
PROJECT_LINK = re.compile(r'href="/projects/([^/"?#]+)/"')


@pytest.fixture
def data(db, settings, tmp_path):
    """The article's projects, 60 synthetic ones, and a draft in Ziyun that every
    filter below would match if it were published."""
    settings.OPEN_DATA_DIR = tmp_path / "open-data"
    settings.IATI_REPORTING_ORG_REF = "XM-DAC-00000"
    settings.IATI_REPORTING_ORG_TYPE = "10"
    settings.IATI_REPORTING_ORG_NAME = "东西部协作信息公开平台"
    call_command("loaddata", *FIXTURES, verbosity=0)
    call_command("synthesize", projects=60, seed=7, stdout=io.StringIO())
    model = Project.objects.published().filter(title__contains="茶").order_by("pk").first()
    draft = make_project(
        model.pairing,
        model.source,
        title=DRAFT_TITLE + "茶",
        slug=DRAFT_SLUG,
        status=Publication.DRAFT,
        category=model.category,
        work_status=model.work_status,
        start_year=model.start_year,
    )
    for location in model.locations.all():
        ProjectLocation.objects.create(project=draft, region=location)
    make_figure(draft.source, "4321.00", project=draft)
    return draft


def filter_combinations():
    tea = Project.objects.published().filter(title__contains="茶").order_by("pk").first()
    town = (
        Region.objects.filter(level=Region.Level.TOWN, name="坝羊镇")
        .values_list("pk", flat=True)
        .get()
    )
    return [
        {"category": tea.category},
        {"year": 2023, "pairing_level": "county"},
        {"region": town, "work_status": tea.work_status},
        {"q": "茶"},
        {"side": "west", "category": "industry", "year": 2022},
    ]


def list_slugs(client, query):
    """The projects the public list shows, page after page."""
    slugs, page = [], 1
    while True:
        response = client.get("/projects/?" + urlencode({**query, "page": page}))
        found = PROJECT_LINK.findall(response.content.decode())
        if response.status_code != 200 or not found or set(found) <= set(slugs):
            return slugs
        slugs += [slug for slug in found if slug not in slugs]
        page += 1


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def export_slugs(client, query):
    response = client.get("/projects/?" + urlencode({**query, "_export": "csv"}))
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(body(response).decode("utf-8-sig")))
    return [row["slug"] for row in rows]


def api_slugs(client, query):
    slugs, url = [], "/api/v1/projects/?" + urlencode({**query, "limit": 7})
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        page = json.loads(response.content)
        slugs += [row["slug"] for row in page["results"]]
        url = page["next"]
    return slugs


def test_list_export_and_api_agree_record_for_record_on_five_filters(client, data):
    shown_somewhere = set()
    for query in filter_combinations():
        listed = list_slugs(client, query)
        assert listed, f"{query} shows nothing, so it would prove nothing"
        assert len(listed) == len(set(listed))
        assert sorted(export_slugs(client, query)) == sorted(listed), query
        assert sorted(api_slugs(client, query)) == sorted(listed), query
        assert DRAFT_SLUG not in listed
        shown_somewhere |= set(listed)
    # The filters are not empty ones: between them they show a good share of the projects.
    assert len(shown_somewhere) >= 10


def test_a_draft_leaves_by_no_way_out(client, data):
    call_command("build_open_data", settle=0, stdout=io.StringIO())
    current = settings.OPEN_DATA_DIR / opendata.CURRENT
    tables = sorted(current.glob("*.csv"))
    assert current / "projects.csv" in tables
    ziyun = Region.objects.get(name="紫云苗族布依族自治县")

    ways_out = {
        "list": body(client.get("/projects/?q=茶")),
        "export": body(client.get("/projects/?_export=json")),
        "api": body(client.get("/api/v1/projects/?limit=100&q=茶")),
        "bulk download": b"".join(path.read_bytes() for path in tables),
        "feed": body(client.get("/feeds/projects.atom")),
        "region feed": body(client.get(f"/feeds/regions/{ziyun.pk}.atom")),
        "IATI": body(client.get("/api/v1/iati/activities.xml?q=茶")),
    }
    for way, content in ways_out.items():
        assert DRAFT_SLUG.encode() not in content, way
        assert DRAFT_TITLE.encode() not in content, way
    # Each way out was looked at while it had tea projects to show.
    for way in ("list", "api", "feed", "IATI"):
        assert "茶".encode() in ways_out[way], way
