import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation.models import Figure, Publication
from tests.factories import (
    add_activity,
    make_beneficiary,
    make_benefit,
    make_event,
    make_figure,
    make_indicator,
    make_organization,
    make_pairing,
    make_person,
    make_project,
    make_region,
    make_source,
)


def source_page(client, source):
    response = client.get(reverse("cooperation:source-detail", kwargs={"slug": source.slug}))
    assert response.status_code == 200
    return response


def test_source_list_shows_every_source(world, client):
    make_source(title="紫云县2023年政府工作报告", publisher="紫云县人民政府", slug="ziyun-2023")

    html = client.get(reverse("cooperation:source-list")).content.decode()

    assert "广东南沙与贵州紫云携手开启新征程" in html
    assert '<a class="fw-semibold" href="/sources/ziyun-2023/">紫云县2023年政府工作报告</a>' in html
    assert "紫云县人民政府" in html


def test_source_page_shows_title_publisher_author_date_and_url(world, client):
    source = make_source(
        title="广东南沙与贵州紫云携手开启新征程",
        publisher="中国乡村振兴网",
        author="罗建国",
        published_on=datetime.date(2023, 10, 26),
        url="https://www.example.org/article.html",
    )

    html = source_page(client, source).content.decode()

    assert "<h1>广东南沙与贵州紫云携手开启新征程</h1>" in html
    assert "中国乡村振兴网" in html and "罗建国" in html
    assert '<time datetime="2023-10-26">2023-10-26</time>' in html
    assert 'href="https://www.example.org/article.html"' in html


def test_source_page_lists_everything_that_cites_it_with_the_quote(world, client):
    source = make_source(slug="南沙紫云-2023")
    pairing = make_pairing(world.nansha, world.ziyun, source, quote="结成了新一轮东西部协作关系")
    project = make_project(
        pairing, source, title="坝羊镇大宗茶叶加工厂", quote="建成标准化大宗茶叶加工厂"
    )
    make_figure(source, 3_056_500, project=project, label="投入资金", quote="投入305.65万元")
    site = make_beneficiary(
        source, name="易地扶贫搬迁集中安置区", quote="支持易地扶贫搬迁集中安置区"
    )
    make_benefit(project, site, source=source, quote="援建3个帮扶车间")
    indicator = make_indicator(pairing, Figure.Measure.TECHNICAL_STAFF, 2023, 43, source=source)
    make_event(source, title="师带徒签约仪式", project=project, quote="举行了“师带徒”签约仪式")
    make_region(
        "猫营产业园区所在镇", world.bayang.Level.TOWN, world.ziyun, source=source, quote="区域原句"
    )
    make_organization("广州市第一人民医院", source=source, quote="医院原句")
    make_person("范献强", "广州市南沙区挂职紫云自治县副县长", source=source, quote="感触颇深地说道")

    response = source_page(client, source)

    html = response.content.decode()
    for quote in (
        "结成了新一轮东西部协作关系",
        "建成标准化大宗茶叶加工厂",
        "投入305.65万元",
        "支持易地扶贫搬迁集中安置区",
        "援建3个帮扶车间",
        "举行了“师带徒”签约仪式",
        "区域原句",
        "医院原句",
        "感触颇深地说道",
    ):
        assert f"“{quote}”" in html
    for heading in (
        "协作项目",
        "结对关系",
        "受益对象",
        "受益关系",
        "数据",
        "大事记",
        "区域",
        "单位",
        "人员",
    ):
        assert f'>{heading} <span class="badge' in html
    assert "305.65万元" in html
    assert indicator.get_absolute_url() in html
    assert project.get_absolute_url() in html


def test_source_page_leaves_out_drafts_and_private_people(world, client):
    source = make_source()
    draft = make_project(
        world.pairing, source, title="草稿项目", status=Publication.DRAFT, quote="草稿原句"
    )
    make_figure(source, 9_990_000, project=draft, quote="草稿数据原句")
    make_event(source, title="草稿大事", project=draft)
    draft_pairing = make_pairing(world.nansha, world.ziyun, source, status=Publication.DRAFT)
    make_indicator(draft_pairing, Figure.Measure.JOBS, 2023, 5005, source=source)
    make_beneficiary(source, name="草稿受益对象", status=Publication.DRAFT)
    make_person("王某", "村民", source=source, is_public_figure=False)

    response = source_page(client, source)

    html = response.content.decode()
    for hidden in (
        "草稿项目",
        "草稿原句",
        "草稿数据原句",
        "999万元",
        "草稿大事",
        "草稿受益对象",
        "5005",
        "王某",
    ):
        assert hidden not in html
    assert "暂无已发布的记录引用本来源" in html


def test_unknown_or_odd_source_address_is_404(world, client):
    url = reverse("cooperation:source-detail", kwargs={"slug": "no-such-source"})
    assert client.get(url).status_code == 404
    assert client.get("/sources/%00/").status_code == 404
    assert client.get("/sources/" + "长" * 500 + "/").status_code == 404


def test_bad_page_numbers_on_the_source_list_are_not_errors(world, client):
    url = reverse("cooperation:source-list")
    for page in ("abc", "0", "99999", "1" * 400):
        assert client.get(url, {"page": page}).status_code == 200


def query_counts(client, source):
    """Queries of the first visit (which finds what cites the source), of a second visit
    (which reads it from the cache) and of the source list."""
    counts = []
    for url in (source.get_absolute_url(), source.get_absolute_url(), "/sources/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts


def test_source_page_query_count_does_not_grow_with_the_data(world, client):
    add_activity(world, 1)
    make_indicator(world.pairing, Figure.Measure.JOBS, 2020, 10)
    make_event(world.source, pairing=world.pairing)
    small = query_counts(client, world.source)

    add_activity(world, 60)
    for _ in range(5):
        make_source()
    for year in (2021, 2022, 2023):
        make_indicator(world.pairing, Figure.Measure.JOBS, year, 10)
        make_event(world.source, pairing=world.pairing)
    large = query_counts(client, world.source)

    # Only the first visit counts the groups that are cut, once per version of the data.
    assert small[1:] == large[1:]
    cold, warm, source_list = large
    assert warm <= 2 < cold <= 20
    assert source_list <= 2
    response = source_page(client, world.source)
    assert len(response.context["figures"]) == 50
    assert response.context["figures"].total > 50


def test_a_source_cited_by_many_records_lists_the_first_and_says_how_many(
    world, client, django_assert_max_num_queries
):
    for number in range(53):
        make_project(world.pairing, world.source, title=f"项目{number:02d}")
    with django_assert_max_num_queries(25):
        html = source_page(client, world.source).content.decode()
    assert html.count('href="/projects/project-') == 50
    assert "仅列出前 50 条，共 53 条。" in html
