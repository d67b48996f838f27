"""The JSON API (/api/v1/): each kind of record, its filters, pages, languages, exact
amounts, limits and caching, on small explicit records."""

import json
from decimal import Decimal

import pytest

from cooperation.api.pagination import decode_cursor, encode_cursor
from cooperation.models import Figure, Pairing, Project, Publication
from tests.factories import (
    add_activity,
    make_beneficiary,
    make_pairing,
    make_project,
)

API = "/api/v1/"


def get(client, path, **query):
    response = client.get(f"{API}{path}", query)
    assert response.status_code == 200, (path, response.content[:500])
    return json.loads(response.content, parse_float=Decimal)


@pytest.fixture
def activity(world):
    world.projects = add_activity(world, 3)
    return world


def ids(page):
    return [row["id"] for row in page["results"]]


@pytest.mark.parametrize(
    "path",
    [
        "projects/",
        "pairings/",
        "beneficiaries/",
        "organizations/",
        "regions/",
        "sources/",
        "figures/",
    ],
)
def test_each_list_and_its_records_detail(client, activity, path):
    page = get(client, path)
    assert page["results"], path
    first = page["results"][0]
    assert first["url"].startswith("http://testserver/")
    assert get(client, f"{path}{first['id']}") == first


def test_project_has_ids_sources_and_published_links_only(client, activity):
    project = activity.projects[0]
    record = get(client, f"projects/{project.pk}")
    assert record["url"] == f"http://testserver{project.get_absolute_url()}"
    assert record["pairing_id"] == activity.pairing.pk
    assert record["quote"] == "项目原句"
    assert record["source_id"] == activity.source.pk
    assert record["funds"] == Decimal("100000.00")
    assert record["organizations"][0]["role"] == "implementer"
    assert len(record["beneficiary_ids"]) == 1


def test_drafts_are_absent_everywhere(client, activity):
    draft = Project.objects.get(status=Publication.DRAFT)
    assert draft.pk not in ids(get(client, "projects/", limit=100))
    assert client.get(f"{API}projects/{draft.pk}").status_code == 404
    figure_owners = {row["project_id"] for row in get(client, "figures/", limit=100)["results"]}
    assert draft.pk not in figure_owners
    draft_figure = Figure.objects.get(project=draft)
    assert client.get(f"{API}figures/{draft_figure.pk}").status_code == 404


def test_schema_is_served(client, db):
    schema = get(client, "openapi.json")
    assert schema["openapi"].startswith("3.")
    project_list = schema["paths"]["/api/v1/projects/"]["get"]
    names = {parameter["name"] for parameter in project_list["parameters"]}
    assert {"category", "year", "region", "q", "cursor", "limit", "lang"} <= names
    assert {"200", "304", "400", "429"} <= set(map(str, project_list["responses"]))


def test_lists_filter_as_the_public_lists_do(client, activity):
    other = make_project(activity.pairing, activity.source, category=Project.Category.HEALTH)
    health = get(client, "projects/", category="health")
    assert ids(health) == [other.pk]
    town = get(client, "projects/", region=activity.maoying.pk, limit=100)
    assert set(ids(town)) == {project.pk for project in activity.projects}
    village = activity.projects[0].locations.get()
    beneficiaries = get(client, "beneficiaries/", region=village.pk)
    assert [row["region_id"] for row in beneficiaries["results"]] == [village.pk]
    assert get(client, "pairings/", level="hospital")["results"] == []


def test_a_wrong_filter_is_a_400_in_the_lists_plain_words(client, world):
    response = client.get(f"{API}projects/", {"year": "二〇二三"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": ["请写一个整数。"]}
    response = client.get(f"{API}projects/", {"year": "1999"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": ["年份不能早于 2000 年。"]}
    response = client.get(f"{API}projects/", {"category": "nonsense", "lang": "en"})
    assert response.status_code == 400
    assert "category" in response.json()["errors"]
    assert client.get(f"{API}projects/", {"q": "x" * 101}).status_code == 400


def test_an_unknown_or_draft_record_to_filter_by_is_a_404(client, world):
    draft = make_project(world.pairing, world.source, status=Publication.DRAFT)
    make_beneficiary(world.source, status=Publication.DRAFT)
    response = client.get(f"{API}projects/", {"pairing": 10**9})
    assert response.status_code == 404
    assert response.json()["errors"]["pairing"] == ["没有这个选项，请从列表中选择。"]
    assert client.get(f"{API}figures/", {"project": draft.pk}).json()["results"] == []


@pytest.mark.parametrize(
    "query",
    [{"limit": "0"}, {"limit": "101"}, {"cursor": "!!"}, {"cursor": "A" * 11}, {"lang": "fr"}],
)
def test_wrong_paging_or_language_is_a_400(client, db, query):
    response = client.get(f"{API}projects/", query)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(query)


def test_a_path_that_names_no_record_is_a_json_404(client, db):
    for path in ("projects/abc", "projects/0", f"regions/{10**30}"):
        response = client.get(f"{API}{path}")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json; charset=utf-8"


def test_cursor_pages_are_stable_while_records_are_added(client, activity):
    first = get(client, "projects/", limit=2)
    assert first["next"].startswith("http://testserver/api/v1/projects/?")
    added = make_project(activity.pairing, activity.source)
    seen = ids(first)
    url = first["next"]
    while url:
        page = json.loads(client.get(url).content)
        seen += ids(page)
        url = page["next"]
    published = Project.objects.published().order_by("pk").values_list("pk", flat=True)
    assert seen == list(published)
    assert seen[-1] == added.pk


def test_cursor_is_the_last_id_in_base64url_letters():
    for last_id in (0, 1, 63, 64, 10**12, 2**60 - 1):
        assert decode_cursor(encode_cursor(last_id)) == last_id
    assert len(encode_cursor(2**60 - 1)) == 10


def test_lang_en_switches_display_names_and_links_but_not_fields(client, activity):
    project = activity.projects[0]
    Project.objects.filter(pk=project.pk).update(title_en="A fish farm")
    chinese = get(client, f"projects/{project.pk}")
    english = get(client, f"projects/{project.pk}", lang="en")
    assert set(chinese) == set(english)
    assert chinese["display_name"] == chinese["title"] == project.title
    assert english["display_name"] == english["title_en"] == "A fish farm"
    assert english["title"] == project.title
    assert english["url"] == f"http://testserver/en/projects/{project.slug}/"
    other = get(client, f"projects/{activity.projects[1].pk}", lang="en")
    assert other["display_name"] == activity.projects[1].title  # no English: the Chinese
    assert get(client, "projects/", lang="en")["lang"] == "en"


def test_the_root_lists_what_is_here(client, db):
    index = get(client, "")
    assert index["openapi"] == "http://testserver/api/v1/openapi.json"
    for name, url in index["lists"].items():
        assert client.get(url).status_code == 200, name


def test_a_project_of_an_unpublished_pairing_does_not_name_it(client, world):
    draft = make_pairing(
        world.nansha, world.ziyun, world.source, level=Pairing.Level.TOWN, status="draft"
    )
    project = make_project(draft, world.source)
    assert get(client, f"projects/{project.pk}")["pairing_id"] is None
    listed = {row["id"]: row["pairing_id"] for row in get(client, "projects/")["results"]}
    assert listed[project.pk] is None
    assert client.get(f"{API}pairings/{draft.pk}").status_code == 404
