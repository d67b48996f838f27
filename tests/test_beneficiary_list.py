import pytest
from django.urls import reverse

from cooperation.models import Beneficiary, Publication, Region
from tests.factories import (
    make_beneficiary,
    make_benefit,
    make_organization,
    make_project,
    make_region,
)

URL = reverse("cooperation:beneficiary-list")


def names(response):
    return [row.record.name for row in response.context["table"].page.object_list]


def test_lists_published_beneficiaries_only(world, client):
    make_beneficiary(world.source, name="黄鹤营村", region=world.huanghe)
    make_beneficiary(world.source, name="草稿村", status=Publication.DRAFT)

    response = client.get(URL)

    assert names(response) == ["黄鹤营村"]
    assert "草稿村" not in response.content.decode()


def test_filters_by_kind(world, client):
    make_beneficiary(world.source, name="紫云县人民医院", kind=Beneficiary.Kind.HOSPITAL)
    make_beneficiary(world.source, name="黄鹤营村", kind=Beneficiary.Kind.VILLAGE)

    assert names(client.get(URL, {"kind": "hospital"})) == ["紫云县人民医院"]


def test_region_filter_rolls_up_villages(world, client):
    make_beneficiary(world.source, name="黄鹤营村", region=world.huanghe)
    make_beneficiary(world.source, name="猫营镇劳动力", region=world.maoying)
    make_beneficiary(world.source, name="坝羊镇劳动力", region=world.bayang)

    assert names(client.get(URL, {"region": world.maoying.pk})) == ["猫营镇劳动力", "黄鹤营村"]


def test_region_select_offers_places_of_published_beneficiaries(world, client):
    make_beneficiary(world.source, region=world.bayang)
    make_beneficiary(world.source, region=world.huanghe, status=Publication.DRAFT)

    response = client.get(URL)
    options = list(response.context["filter"].form.fields["region"].widget.choices)

    assert options[1:] == [(world.bayang.pk, "紫云县 · 坝羊镇")]


def test_filters_by_side(world, client):
    make_beneficiary(world.source, name="南沙培训学员", region=world.nansha)
    make_beneficiary(world.source, name="黄鹤营村", region=world.huanghe)

    assert names(client.get(URL, {"side": "east"})) == ["南沙培训学员"]
    assert names(client.get(URL, {"side": "west"})) == ["黄鹤营村"]


def test_search_finds_names_descriptions_and_organisations(world, client):
    hospital = make_organization("紫云自治县人民医院", kind="hospital")
    make_beneficiary(world.source, name="县医院", organization=hospital)
    make_beneficiary(world.source, name="村", description="易地扶贫搬迁安置点旁")
    make_beneficiary(world.source, name="别的")

    assert names(client.get(URL, {"q": "人民医院"})) == ["县医院"]
    assert names(client.get(URL, {"q": "搬迁"})) == ["村"]


def test_counts_and_sorts_by_published_projects(world, client):
    busy = make_beneficiary(world.source, name="甲村")
    quiet = make_beneficiary(world.source, name="乙村")
    for _ in range(2):
        make_benefit(make_project(world.pairing, world.source), busy)
    make_benefit(make_project(world.pairing, world.source, status=Publication.DRAFT), quiet)

    response = client.get(URL, {"sort": "-project_count"})

    rows = response.context["table"].page.object_list
    assert [(row.record.name, row.record.project_count) for row in rows] == [
        ("甲村", 2),
        ("乙村", 0),
    ]


def test_sorts_by_region_with_placeless_beneficiaries_last(world, client):
    make_beneficiary(world.source, name="无地点")
    make_beneficiary(world.source, name="坝羊", region=world.bayang)

    assert names(client.get(URL, {"sort": "region"})) == ["坝羊", "无地点"]
    assert names(client.get(URL, {"sort": "-region"})) == ["坝羊", "无地点"]


def test_region_and_organisation_link_to_their_pages(world, client):
    hospital = make_organization("紫云自治县人民医院", kind="hospital")
    make_beneficiary(world.source, region=world.bayang, organization=hospital)

    content = client.get(URL).content.decode()

    assert f'href="{world.bayang.get_absolute_url()}"' in content
    assert f'href="{hospital.get_absolute_url()}"' in content


def build_beneficiaries(world, count):
    for number in range(count):
        village = make_region(f"村{count}-{number}", Region.Level.VILLAGE, world.maoying)
        beneficiary = make_beneficiary(
            world.source, region=village, organization=make_organization()
        )
        make_benefit(make_project(world.pairing, world.source), beneficiary)


@pytest.mark.parametrize("query", [{}, {"region": "TOWN", "q": "受益", "sort": "-project_count"}])
def test_query_count_does_not_grow_with_rows(world, client, django_assert_max_num_queries, query):
    query = {k: world.maoying.pk if v == "TOWN" else v for k, v in query.items()}
    build_beneficiaries(world, 3)
    with django_assert_max_num_queries(5) as small:
        assert client.get(URL, query).status_code == 200
    build_beneficiaries(world, 40)
    with django_assert_max_num_queries(5) as large:
        assert client.get(URL, query).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
