from django.urls import reverse

from cooperation.models import Organization, Pairing, ProjectOrganization, Publication
from tests.factories import (
    add_activity,
    make_beneficiary,
    make_organization,
    make_pairing,
    make_person,
    make_project,
    make_role,
)


def organization_page(client, organization):
    url = reverse("cooperation:organization-detail", kwargs={"pk": organization.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_organization_list_shows_name_kind_and_region(world, client):
    make_organization("广州市第一人民医院", kind=Organization.Kind.HOSPITAL, region=world.nansha)
    make_organization("紫云薯来食品有限公司", region=world.ziyun)

    response = client.get(reverse("cooperation:organization-list"))

    html = response.content.decode()
    assert "广州市第一人民医院" in html and "紫云薯来食品有限公司" in html
    assert "医院" in html
    assert f'<a href="{world.nansha.get_absolute_url()}">南沙区</a>' in html


def test_organization_list_filters_by_kind(world, client):
    make_organization("广州市第一人民医院", kind=Organization.Kind.HOSPITAL)
    make_organization("紫云薯来食品有限公司")

    response = client.get(reverse("cooperation:organization-list"), {"kind": "hospital"})

    assert [o.name for o in response.context["organizations"]] == ["广州市第一人民医院"]


def test_organization_list_ignores_unknown_kind_and_bad_page(world, client):
    for _ in range(3):
        make_organization()
    url = reverse("cooperation:organization-list")

    for query in (
        {"kind": "nonsense"},
        {"kind": "\x00"},
        {"page": "abc"},
        {"page": "999"},
        {"page": "\x00"},
    ):
        response = client.get(url, query)
        assert response.status_code == 200
        assert len(response.context["organizations"]) == 3


def test_organization_list_paginates_and_keeps_the_kind(world, client):
    for _ in range(55):
        make_organization(kind=Organization.Kind.SCHOOL)
    url = reverse("cooperation:organization-list")

    first = client.get(url, {"kind": "school"})
    second = client.get(url, {"kind": "school", "page": 2})

    assert len(first.context["organizations"]) == 50
    assert len(second.context["organizations"]) == 5
    assert 'href="?kind=school&amp;page=2"' in first.content.decode()


def test_organization_page_shows_kind_region_and_pairings(world, client):
    hospital = make_organization(
        "紫云自治县人民医院", kind=Organization.Kind.HOSPITAL, region=world.ziyun
    )
    team = make_pairing(
        world.nansha,
        None,
        world.source,
        level=Pairing.Level.HOSPITAL,
        mode=Pairing.Mode.TEAM_BASED,
        west_organization=hospital,
    )
    make_pairing(
        world.nansha,
        None,
        world.source,
        level=Pairing.Level.HOSPITAL,
        west_organization=hospital,
        status=Publication.DRAFT,
        description="草稿结对",
    )

    response = organization_page(client, hospital)

    assert list(response.context["pairings"]) == [team]
    html = response.content.decode()
    assert "<h1>紫云自治县人民医院</h1>" in html
    assert "医院" in html
    assert f'<a href="{world.ziyun.get_absolute_url()}">紫云苗族布依族自治县</a>' in html
    assert "组团式帮扶" in html


def test_organization_page_lists_published_projects_with_its_role(world, client):
    company = make_organization("广东农垦旅游集团有限公司", region=world.guangzhou)
    project = make_project(world.pairing, world.source, title="乡村旅游带")
    draft = make_project(world.pairing, world.source, title="草稿项目", status=Publication.DRAFT)
    make_role(project, company, ProjectOrganization.Role.OPERATOR)
    make_role(draft, company, ProjectOrganization.Role.FUNDER)

    response = organization_page(client, company)

    assert [(r.project.title, r.role) for r in response.context["roles"]] == [
        ("乡村旅游带", ProjectOrganization.Role.OPERATOR)
    ]
    html = response.content.decode()
    assert "运营方" in html
    assert "草稿项目" not in html


def test_organization_page_shows_its_beneficiary_rows_and_public_people(world, client):
    school = make_organization("紫云县民族中学", kind=Organization.Kind.SCHOOL, region=world.ziyun)
    make_beneficiary(world.source, name="民族中学粤黔育才班", organization=school)
    make_beneficiary(world.source, name="草稿受益", organization=school, status="draft")
    make_person("李校长", "紫云县民族中学校长", organization=school)
    make_person("王某", "学生家长", organization=school, is_public_figure=False)

    html = organization_page(client, school).content.decode()

    assert "民族中学粤黔育才班" in html
    assert "草稿受益" not in html
    assert "李校长" in html
    assert "王某" not in html


def test_unknown_organization_is_404(world, client):
    url = reverse("cooperation:organization-detail", kwargs={"pk": 4242})
    assert client.get(url).status_code == 404
    assert client.get("/organizations/x/").status_code == 404


def test_organization_pages_query_count_does_not_grow_with_the_data(
    world, client, django_assert_max_num_queries
):
    company = make_organization("大企业", region=world.ziyun)

    def grow(count):
        for project in add_activity(world, count):
            make_role(project, company)
            make_beneficiary(world.source, organization=company)
            make_person(organization=company)

    grow(1)
    with django_assert_max_num_queries(12):
        organization_page(client, company)
    with django_assert_max_num_queries(3):
        client.get(reverse("cooperation:organization-list"))

    grow(20)
    with django_assert_max_num_queries(12):
        organization_page(client, company)
    with django_assert_max_num_queries(3):
        client.get(reverse("cooperation:organization-list"))


def test_an_organization_in_many_projects_lists_the_first_and_links_to_all(world, client):
    company = make_organization("大企业", region=world.ziyun)
    projects = add_activity(world, 53)
    for project in projects:
        make_role(project, company)
    other = make_project(world.pairing, world.source, title="别家项目")

    response = organization_page(client, company)
    html = response.content.decode()

    assert response.context["roles"][0].project == projects[-1]  # newest recorded first

    assert html.count('<tr><td data-label="项目名称"><a href="/projects/') == 50
    assert "仅列出前 50 条，共 53 条。" in html
    link = f'href="/projects/?organization={company.pk}"'
    assert link in html
    listed = client.get(f"/projects/?organization={company.pk}")
    assert listed.status_code == 200
    assert listed.context["table"].paginator.count == 53
    assert other.title not in listed.content.decode()
    assert "参与单位：" in listed.content.decode()


def test_an_unknown_organization_filter_is_a_form_error_not_a_crash(world, client):
    response = client.get("/projects/", {"organization": "99999"})

    assert response.status_code == 200
    assert response.context["filters_invalid"]
