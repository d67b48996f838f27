import pytest
from django.urls import reverse

from cooperation.models import Organization, Pairing, Publication, Region
from tests.factories import (
    make_hospital_pairing,
    make_organization,
    make_pairing,
    make_project,
    make_region,
)

URL = reverse("cooperation:pairing-list")


def labels(response):
    return [str(row.record) for row in response.context["table"].page.object_list]


@pytest.fixture
def hospitals(world):
    """南沙区8家医院 → 紫云县15家医院, counted, never named."""
    return make_hospital_pairing(world, start_year=2022)


@pytest.fixture
def enterprise(world):
    company = make_organization(
        "广州南沙某集团", region=world.nansha, kind=Organization.Kind.ENTERPRISE
    )
    return make_pairing(
        None,
        world.huanghe,
        world.source,
        level=Pairing.Level.ENTERPRISE_VILLAGE,
        east_organization=company,
        parent=world.pairing,
        description="企业结对帮扶黄鹤营村",
    )


def test_lists_published_pairings_with_counted_parties(world, hospitals, client):
    make_pairing(world.nansha, world.maoying, world.source, status=Publication.DRAFT)

    response = client.get(URL)

    assert labels(response) == ["南沙区 → 紫云县", "南沙区8家医院 → 紫云县15家医院"]
    assert "猫营镇" not in response.content.decode()


def test_filters_by_level_and_mode(world, hospitals, enterprise, client):
    assert labels(client.get(URL, {"level": "hospital"})) == [str(hospitals)]
    assert labels(client.get(URL, {"mode": "team_based"})) == [str(hospitals)]


def test_filters_by_start_year(world, hospitals, client):
    assert labels(client.get(URL, {"start_year": 2022})) == [str(hospitals)]


def test_search_finds_party_names_and_descriptions(world, hospitals, enterprise, client):
    assert labels(client.get(URL, {"q": "某集团"})) == [str(enterprise)]
    assert labels(client.get(URL, {"q": "帮扶黄鹤"})) == [str(enterprise)]
    assert len(labels(client.get(URL, {"q": "紫云"}))) == 2


def test_side_narrows_the_search_to_one_party(world, hospitals, enterprise, client):
    assert labels(client.get(URL, {"q": "黄鹤营", "side": "west"})) == [str(enterprise)]
    assert labels(client.get(URL, {"q": "黄鹤营", "side": "east"})) == []
    assert labels(client.get(URL, {"q": "南沙", "side": "west"})) == []


def test_counts_published_projects(world, client):
    make_project(world.pairing, world.source)
    make_project(world.pairing, world.source)
    make_project(world.pairing, world.source, status=Publication.DRAFT)

    response = client.get(URL)

    assert response.context["table"].page.object_list[0].record.project_count == 2


def test_project_count_links_to_the_pairing_projects(world, client):
    make_project(world.pairing, world.source)

    content = client.get(URL).content.decode()

    list_url = reverse("cooperation:project-list") + f"?pairing={world.pairing.pk}"
    assert f'<a href="{list_url}">1</a>' in content


def test_sorts_by_project_count_and_level(world, hospitals, client):
    make_project(hospitals, world.source)

    by_count = client.get(URL, {"sort": "-project_count"})
    by_level = client.get(URL, {"sort": "-level"})

    assert labels(by_count)[0] == str(hospitals)
    assert labels(by_level) == [str(hospitals), str(world.pairing)]


def test_unknown_sort_keeps_the_default_order(world, hospitals, client):
    response = client.get(URL, {"sort": "parties"})

    assert response.status_code == 200
    assert labels(response) == [str(world.pairing), str(hospitals)]


def test_pages_hold_25_pairings(world, client):
    for number in range(26):
        make_pairing(
            world.nansha,
            make_region(f"村{number}", Region.Level.VILLAGE, world.maoying),
            world.source,
            level=Pairing.Level.VILLAGE,
        )

    assert len(labels(client.get(URL))) == 25
    assert len(labels(client.get(URL, {"page": 2}))) == 2


def build_pairings(world, count):
    for number in range(count):
        village = make_region(f"村{count}-{number}", Region.Level.VILLAGE, world.maoying)
        company = make_organization(region=world.nansha)
        pairing = make_pairing(
            None,
            village,
            world.source,
            east_organization=company,
            parent=world.pairing,
            level=Pairing.Level.ENTERPRISE_VILLAGE,
        )
        make_project(pairing, world.source)


@pytest.mark.parametrize("query", [{}, {"q": "村", "side": "west", "sort": "-project_count"}])
def test_query_count_does_not_grow_with_rows(world, client, django_assert_max_num_queries, query):
    build_pairings(world, 3)
    with django_assert_max_num_queries(4) as small:
        assert client.get(URL, query).status_code == 200
    build_pairings(world, 40)
    with django_assert_max_num_queries(4) as large:
        assert client.get(URL, query).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
