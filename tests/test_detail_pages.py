import datetime
import re

import pytest
from django.urls import reverse

from cooperation.models import Beneficiary, Benefit, Figure, Pairing, Publication, Qualifier
from tests.factories import (
    make_beneficiary,
    make_benefit,
    make_event,
    make_figure,
    make_hospital_pairing,
    make_indicator,
    make_organization,
    make_pairing,
    make_person,
    make_project,
    make_region,
    make_role,
)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def project(world):
    project = make_project(
        world.pairing,
        world.source,
        title="红芯薯产业园",
        slug="红芯薯产业园",
        category="industry",
        work_status="in_operation",
        start_year=2022,
        end_year=2023,
        locations=[world.huanghe],
        summary="南沙区帮扶紫云县建设的红芯薯产业园。",
        quote="共建红芯薯产业园",
        source_note="“产业园”按来源的说法记录。",
    )
    make_figure(
        world.source,
        27_500_000,
        project=project,
        qualifier=Qualifier.AT_LEAST,
        period="2023年前三季度",
        quote="投入帮扶资金2750多万元",
    )
    make_figure(
        world.source,
        32_000_000,
        project=project,
        measure=Figure.Measure.OUTPUT_VALUE,
        label="年产值",
        kind=Figure.Kind.EXPECTED,
        quote="预计年产值3200万元",
    )
    return project


def test_draft_and_archived_projects_are_404(world, client):
    for status in (Publication.DRAFT, Publication.ARCHIVED):
        hidden = make_project(world.pairing, world.source, status=status)
        assert client.get(hidden.get_absolute_url()).status_code == 404


def test_unknown_slug_is_404(world, client):
    url = reverse("cooperation:project-detail", kwargs={"slug": "没有这个项目"})

    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/projects/%00/",
        "/projects/a%00b/",
        "/projects/" + "x" * 5000 + "/",
        "/pairings/99999999999999999999999/",
        "/beneficiaries/99999999999999999999999/",
    ],
)
def test_odd_addresses_are_404(world, client, path):
    assert client.get(path).status_code == 404


def test_draft_pairing_and_beneficiary_are_404(world, client):
    pairing = make_pairing(world.nansha, world.maoying, world.source, status=Publication.DRAFT)
    beneficiary = make_beneficiary(world.source, status=Publication.DRAFT)

    assert client.get(pairing.get_absolute_url()).status_code == 404
    assert client.get(beneficiary.get_absolute_url()).status_code == 404


def test_project_page_shows_its_facts(project, world, client):
    content = page(client, project.get_absolute_url())

    assert '<h1 class="h2">红芯薯产业园</h1>' in content
    assert "产业协作" in content
    assert "已投产运营" in content
    assert "2022–2023" in content
    assert f'<a href="{world.pairing.get_absolute_url()}">南沙区 → 紫云县</a>' in content
    for region in (world.guizhou, world.anshun, world.ziyun, world.maoying, world.huanghe):
        assert f'<a href="{region.get_absolute_url()}">{region.display_name}</a>' in content


def test_project_page_shows_figures_with_kind_qualifier_period_and_source(project, world, client):
    content = page(client, project.get_absolute_url())

    assert "2750多万元" in content
    assert "3200万元" in content
    assert "2023年前三季度" in content
    assert '<span class="badge figure-kind figure-kind-actual">实际</span>' in content
    assert '<span class="badge figure-kind figure-kind-expected">预计</span>' in content
    assert "<q>投入帮扶资金2750多万元</q>" in content
    assert "<q>预计年产值3200万元</q>" in content
    assert f'<a href="{world.source.get_absolute_url()}">{world.source.title}</a>' in content


def test_project_page_shows_its_own_source_and_note(project, client):
    content = page(client, project.get_absolute_url())

    assert "<q>共建红芯薯产业园</q>" in content
    assert "“产业园”按来源的说法记录。" in content


def test_sub_figures_follow_their_whole(project, world, client):
    whole = project.figures.get(measure=Figure.Measure.ASSISTANCE_FUNDS)
    make_figure(world.source, 5_000_000, project=project, label="用于冷库", part_of=whole)

    content = page(client, project.get_absolute_url())

    assert content.index("2750多万元") < content.index("其中：用于冷库") < content.index("3200万元")


def test_project_page_lists_organisations_with_roles(project, client):
    company = make_organization("贵州紫云某农业公司")
    make_role(project, company, role="operator")

    content = page(client, project.get_absolute_url())

    assert f'<a href="{company.get_absolute_url()}">贵州紫云某农业公司</a>（运营方）' in content


def test_project_page_shows_how_published_beneficiaries_benefit(project, world, client):
    village = make_beneficiary(world.source, name="黄鹤营村", region=world.huanghe)
    benefit = make_benefit(project, village, kind=Benefit.Kind.JOBS, description="带动务工")
    make_figure(
        world.source,
        120,
        benefit=benefit,
        measure="jobs",
        label="带动就业",
        unit="人",
        qualifier=Qualifier.MORE_THAN,
    )
    make_benefit(project, make_beneficiary(world.source, name="草稿村", status="draft"))

    content = page(client, project.get_absolute_url())

    assert f'<a href="{village.get_absolute_url()}">黄鹤营村</a>' in content
    assert "受益方式：就业。带动务工" in content
    assert "120余人" in content
    assert "草稿村" not in content


def test_project_page_hides_a_draft_pairing(world, client):
    draft = make_pairing(world.nansha, world.maoying, world.source, status=Publication.DRAFT)
    project = make_project(draft, world.source)

    content = page(client, project.get_absolute_url())

    assert draft.get_absolute_url() not in content


def test_project_timeline_lists_events_oldest_first_with_public_people(project, world, client):
    official = make_person("范献强", "南沙区挂职紫云自治县副县长")
    private = make_person("张三", "村民", is_public_figure=False)
    later = make_event(world.source, "投产", datetime.date(2023, 9, 1), project=project)
    earlier = make_event(world.source, "签约", datetime.date(2023, 3, 1), project=project)
    later.people.add(official, private)

    content = page(client, project.get_absolute_url())

    assert content.index(f'id="event-{earlier.pk}"') < content.index(f'id="event-{later.pk}"')
    assert "范献强（南沙区挂职紫云自治县副县长）" in content
    assert "张三" not in content


def test_project_page_title_description_and_breadcrumbs(project, client):
    content = page(client, project.get_absolute_url())

    assert "<title>红芯薯产业园 - 协作项目 - 东西部协作信息公开平台</title>" in content
    assert '<meta name="description" content="南沙区帮扶紫云县建设的红芯薯产业园。">' in content
    assert f'<a href="{reverse("cooperation:project-list")}">协作项目</a>' in content
    assert '<li class="breadcrumb-item active" aria-current="page">红芯薯产业园</li>' in content


@pytest.fixture
def hospitals(world):
    return make_hospital_pairing(world, start_year=2022, quote="南沙区8家医院与紫云县15家医院结对")


def test_pairing_page_shows_counted_parties_as_counts(hospitals, world, client):
    content = page(client, hospitals.get_absolute_url())

    assert "南沙区8家医院" in content
    assert "紫云县15家医院" in content
    assert "医院结对" in content
    assert "组团式帮扶" in content
    assert "2022" in content
    assert f'<a href="{world.pairing.get_absolute_url()}">南沙区 → 紫云县</a>' in content
    assert "<q>南沙区8家医院与紫云县15家医院结对</q>" in content
    assert "<title>南沙区8家医院 → 紫云县15家医院 - 结对关系" in content


def test_pairing_page_lists_published_children_and_projects(hospitals, world, client):
    draft_child = make_pairing(
        world.nansha, world.maoying, world.source, parent=world.pairing, status="draft"
    )
    make_project(world.pairing, world.source, title="公开项目", funds=3_056_500)
    make_project(world.pairing, world.source, title="草稿项目", status="draft")

    content = page(client, world.pairing.get_absolute_url())

    assert f'<a href="{hospitals.get_absolute_url()}">南沙区8家医院 → 紫云县15家医院</a>' in content
    assert draft_child.get_absolute_url() not in content
    assert "公开项目" in content
    assert "305.65万元" in content
    assert "草稿项目" not in content


def test_pairing_page_shows_ten_newest_projects_and_links_to_all(world, client):
    for number in range(12):
        make_project(
            world.pairing, world.source, title=f"项目{number:02d}", start_year=2012 + number
        )

    content = page(client, world.pairing.get_absolute_url())

    assert "项目11" in content
    assert "项目02" in content
    assert "项目01" not in content
    list_url = reverse("cooperation:project-list") + f"?pairing={world.pairing.pk}"
    assert f'<a href="{list_url}">查看全部 12 个项目</a>' in content


def test_pairing_page_computes_year_over_year_ratio(world, client):
    make_indicator(world.pairing, Figure.Measure.SECONDED_CADRES, 2022, 40)
    current = make_indicator(world.pairing, Figure.Measure.SECONDED_CADRES, 2023, 43)
    make_indicator(world.pairing, Figure.Measure.TECHNICAL_STAFF, 2023, 10)

    content = page(client, world.pairing.get_absolute_url())

    row = re.search(rf'<tr id="indicator-{current.pk}">(.*?)</tr>', content, re.S).group(1)
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
    assert [cell.strip() for cell in cells[:5]] == [
        "东部选派挂职干部",
        "2023",
        "43人",
        "40人",
        "107.5%",
    ]
    assert "广东南沙与贵州紫云携手开启新征程" in cells[5]


def test_pairing_events_leave_out_those_of_draft_projects(world, client):
    make_event(world.source, "结对签约", pairing=world.pairing)
    draft = make_project(world.pairing, world.source, status="draft")
    make_event(world.source, "草稿项目投产", pairing=world.pairing, project=draft)

    content = page(client, world.pairing.get_absolute_url())

    assert "结对签约" in content
    assert "草稿项目投产" not in content


def test_organisation_party_links_to_its_page(world, client):
    company = make_organization("广州南沙某集团", region=world.nansha)
    pairing = make_pairing(
        None,
        world.huanghe,
        world.source,
        east_organization=company,
        level=Pairing.Level.ENTERPRISE_VILLAGE,
    )

    content = page(client, pairing.get_absolute_url())

    assert f'<a href="{company.get_absolute_url()}">广州南沙某集团</a>' in content


def test_beneficiary_page_shows_kind_region_organisation_and_projects(world, client):
    hospital = make_organization("紫云自治县人民医院", kind="hospital", region=world.ziyun)
    beneficiary = make_beneficiary(
        world.source,
        name="紫云县人民医院",
        kind=Beneficiary.Kind.HOSPITAL,
        region=world.ziyun,
        organization=hospital,
        quote="紫云自治县人民医院",
    )
    make_figure(
        world.source,
        15,
        beneficiary=beneficiary,
        measure="people",
        unit="人",
        label="师带徒",
        qualifier=Qualifier.ABOUT,
    )
    project = make_project(world.pairing, world.source, title="组团式医疗帮扶")
    benefit = make_benefit(project, beneficiary, kind=Benefit.Kind.SERVICES)
    make_figure(world.source, 50, benefit=benefit, measure="people", unit="人次", label="义诊")
    make_benefit(
        make_project(world.pairing, world.source, title="草稿项目", status="draft"), beneficiary
    )

    content = page(client, beneficiary.get_absolute_url())

    assert "医院" in content
    assert f'<a href="{world.guizhou.get_absolute_url()}">贵州省</a>' in content
    assert f'<a href="{world.ziyun.get_absolute_url()}">紫云县</a>' in content
    assert f'<a href="{hospital.get_absolute_url()}">紫云自治县人民医院</a>' in content
    assert "约15人" in content
    assert f'<a href="{project.get_absolute_url()}">组团式医疗帮扶</a>' in content
    assert "50人次" in content
    assert "受益方式：服务与设施" in content
    assert "草稿项目" not in content
    assert "<title>紫云县人民医院 - 受益对象" in content


def build_project_graph(world, project, count):
    for number in range(count):
        village = make_region(f"村{count}-{number}", "village", world.maoying)
        project.project_locations.create(region=village)
        make_role(project, make_organization())
        beneficiary = make_beneficiary(world.source, region=village)
        benefit = make_benefit(project, beneficiary)
        make_figure(world.source, 5, benefit=benefit, measure="jobs", unit="人")
        make_figure(world.source, 1000 + number, project=project)
        event = make_event(world.source, project=project)
        event.people.add(make_person())


def assert_same_query_count(client, url, grow, bound, django_assert_max_num_queries):
    grow(3)
    with django_assert_max_num_queries(bound) as small:
        assert client.get(url).status_code == 200
    grow(40)
    with django_assert_max_num_queries(bound) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_project_page_query_count_is_fixed(project, world, client, django_assert_max_num_queries):
    assert_same_query_count(
        client,
        project.get_absolute_url(),
        lambda count: build_project_graph(world, project, count),
        9,
        django_assert_max_num_queries,
    )


def test_pairing_page_query_count_is_fixed(world, client, django_assert_max_num_queries):
    def grow(count):
        for number in range(count):
            year = 2000 + number + (0 if count == 3 else 10)
            make_indicator(world.pairing, Figure.Measure.SECONDED_CADRES, year, number + 1)
            make_project(world.pairing, world.source, locations=[world.bayang], funds=number + 1)
            village = make_region(f"村{count}-{number}", "village", world.maoying)
            make_pairing(
                world.nansha,
                village,
                world.source,
                parent=world.pairing,
                level=Pairing.Level.VILLAGE,
            )
            make_event(world.source, pairing=world.pairing).people.add(make_person())

    # Nine for the page's parts, three for its totals (the data's version, the totals, the
    # years a visitor may choose), which are cached until the data change, and the version
    # of its indicators, whose section is kept drawn until they change.
    assert_same_query_count(
        client, world.pairing.get_absolute_url(), grow, 13, django_assert_max_num_queries
    )


def test_beneficiary_page_query_count_is_fixed(world, client, django_assert_max_num_queries):
    beneficiary = make_beneficiary(world.source, region=world.huanghe)

    def grow(count):
        for _number in range(count):
            benefit = make_benefit(make_project(world.pairing, world.source), beneficiary)
            make_figure(world.source, 5, benefit=benefit, measure="jobs", unit="人")
            make_figure(world.source, 5, beneficiary=beneficiary, measure="jobs", unit="人")

    assert_same_query_count(
        client, beneficiary.get_absolute_url(), grow, 7, django_assert_max_num_queries
    )


def test_a_beneficiary_of_many_projects_shows_the_first_and_links_to_all(world, client):
    beneficiary = make_beneficiary(world.source, region=world.huanghe)
    for number in range(23):
        make_benefit(
            make_project(world.pairing, world.source, title=f"项目{number:02d}"), beneficiary
        )
    make_project(world.pairing, world.source, title="别处项目")

    html = page(client, beneficiary.get_absolute_url())

    assert html.count('class="benefit card') == 20
    assert "项目00" in html and "项目22" not in html
    assert "仅列出前 20 条，共 23 条。" in html
    listed = client.get("/projects/", {"beneficiary": beneficiary.pk})
    assert f'href="/projects/?beneficiary={beneficiary.pk}"' in html
    assert listed.context["table"].paginator.count == 23
    assert "别处项目" not in listed.content.decode()


def test_a_draft_beneficiary_cannot_filter_the_project_list(world, client):
    draft = make_beneficiary(world.source, status=Publication.DRAFT)

    response = client.get("/projects/", {"beneficiary": draft.pk})

    assert response.status_code == 200
    assert response.context["filters_invalid"]
