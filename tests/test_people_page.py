from django.urls import reverse

from cooperation.models import Organization
from tests.factories import make_organization, make_person, make_source


def people_page(client, **query):
    response = client.get(reverse("cooperation:people"), query)
    assert response.status_code == 200
    return response


def test_people_page_shows_public_officials_with_post_organisation_and_source(world, client):
    county = make_organization("紫云自治县人民政府", kind=Organization.Kind.GOVERNMENT)
    make_person(
        "范献强",
        "广州市南沙区挂职紫云自治县副县长",
        organization=county,
        region=world.ziyun,
        source=world.source,
        quote="广州市南沙区挂职紫云自治县副县长范献强感触颇深地说道",
    )

    html = people_page(client).content.decode()

    assert "范献强" in html
    assert "广州市南沙区挂职紫云自治县副县长" in html
    assert f'<a href="{county.get_absolute_url()}">紫云自治县人民政府</a>' in html
    assert f'<a href="{world.source.get_absolute_url()}">' in html
    assert "<q>广州市南沙区挂职紫云自治县副县长范献强感触颇深地说道</q>" in html


def test_people_page_never_shows_private_individuals(world, client):
    make_person("赵健翔", "紫云自治县就业局副局长")
    make_person("张三", "务工人员", is_public_figure=False)

    response = people_page(client)

    assert [p.name for p in response.context["people"]] == ["赵健翔"]
    assert "张三" not in response.content.decode()
    assert "务工人员" not in response.content.decode()


def test_people_page_survives_bad_page_numbers(world, client):
    make_person("赵健翔", "紫云自治县就业局副局长")

    for page in ("last", "abc", "-3", "100000"):
        assert [p.name for p in people_page(client, page=page).context["people"]] == ["赵健翔"]


def test_people_page_query_count_does_not_grow_with_the_data(
    world, client, django_assert_max_num_queries
):
    source = make_source()
    make_person(source=source, organization=make_organization(), region=world.ziyun)
    with django_assert_max_num_queries(2):
        people_page(client)

    for _ in range(30):
        make_person(source=source, organization=make_organization(), region=world.bayang)
    with django_assert_max_num_queries(2):
        response = people_page(client)
    assert len(response.context["people"]) == 31
