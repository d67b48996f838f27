"""GET /api/v1/flows/: the flow diagram's parties and bands, with the pages' numbers."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.flows import diagram
from cooperation.models import Qualifier
from tests.factories import make_figure, make_project

pytestmark = pytest.mark.django_db
URL = "/api/v1/flows/"


@pytest.fixture
def funded(world):
    make_project(world.pairing, world.source, locations=[world.bayang], funds="1234567.89")
    project = make_project(world.pairing, world.source, locations=[world.maoying])
    make_figure(world.source, 100, project=project, qualifier=Qualifier.ABOUT)
    return world


def answer(client, query=""):
    response = client.get(f"{URL}?{query}")
    return response, json.loads(response.content, parse_float=Decimal)


def test_national_flows_are_the_diagrams_bands_with_exact_values(client, funded):
    response, body = answer(client)
    assert response.status_code == 200
    (band,) = body["bands"]
    shown = diagram(None, "funds").bands[0]
    assert (band["from_id"], band["to_id"]) == (funded.guangdong.pk, funded.guizhou.pk)
    assert band["value"] == shown.value == Decimal("1234667.89")
    assert band["qualifier"] == Qualifier.ABOUT
    assert band["unit"] == "元"
    assert band["url"].endswith(shown.url)
    assert body["level"] == "national" and body["region_id"] is None


def test_a_regions_flows_are_its_view_one_level_down(client, funded):
    _response, body = answer(client, f"region={funded.guizhou.pk}&flow=funds")
    assert body["level"] == "province"
    assert [(b["from_name"], b["to_name"]) for b in body["bands"]] == [("广州市", "安顺市")]
    assert body["west"][0]["page_url"].endswith(funded.anshun.get_absolute_url() + "#flow-diagram")


def test_a_band_with_nothing_to_add_has_a_null_value(client, funded):
    _response, body = answer(client, "flow=jobs")
    assert body["bands"][0]["value"] is None
    assert body["bands"][0]["count"] == 0


def test_names_follow_the_language(client, funded):
    _response, body = answer(client, "lang=en")
    assert body["east"][0]["name"] == funded.guangdong.name_en
    assert "/en/" in body["bands"][0]["url"]


@pytest.mark.parametrize(
    "query, level, status",
    [
        ("level=county", "national", 200),
        ("level=national&region={county}", "national", 200),
        ("level=city&region={county}", "county", 200),
        ("region=999999", None, 404),
        ("flow=nonsense", None, 400),
    ],
)
def test_the_region_decides_the_level(client, funded, query, level, status):
    response, body = answer(client, query.format(county=funded.ziyun.pk))
    assert response.status_code == status
    assert body.get("level") == level


def test_the_flows_cost_the_same_queries_at_any_size(client, world, django_assert_num_queries):
    make_project(world.pairing, world.source, locations=[world.bayang], funds=1000)
    with CaptureQueriesContext(connection) as few:
        client.get(f"{URL}?region={world.ziyun.pk}")
    for _ in range(20):
        make_project(world.pairing, world.source, locations=[world.bayang], funds=1000)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(f"{URL}?region={world.ziyun.pk}")
