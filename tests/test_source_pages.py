import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cooperation.models import Figure, Publication, Source
from cooperation.views.lists import PAGE_SIZE
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


@pytest.fixture(autouse=True)
def _chinese():
    """An English request leaves English active in the thread, which reverse() follows."""
    with translation.override("zh-hans"):
        yield


FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


def source_page(client, source, **query):
    response = client.get(reverse("cooperation:source-detail", kwargs={"slug": source.slug}), query)
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
    assert "未记录原文网址" not in html


def test_a_source_without_an_address_says_so_and_links_nowhere(world, client):
    source = make_source(publisher="中国乡村振兴网", published_on=datetime.date(2023, 10, 26))

    html = source_page(client, source).content.decode()

    assert "未记录原文网址" in html
    assert "中国乡村振兴网" in html and "2023-10-26" in html
    assert 'rel="noopener nofollow"' not in html


def test_an_address_that_is_not_a_web_address_is_shown_but_not_linked(world, client):
    source = make_source()
    Source.objects.filter(pk=source.pk).update(url="javascript:alert(1)")

    html = source_page(client, source).content.decode()

    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_the_article_page_names_its_publisher_and_date_and_no_address(db, client):
    call_command("loaddata", *FIXTURES, verbosity=0)
    article = Source.objects.get(slug="zgxczx-2023-10-26-nansha-ziyun")

    html = source_page(client, article).content.decode()

    assert '<dd class="col-sm-9">中国乡村振兴网</dd>' in html
    assert '<time datetime="2023-10-26">2023-10-26</time>' in html
    assert "未记录原文网址" in html
    assert "http" not in html.split("原文网址</dt>")[1].split("</dd>")[0]


def test_source_page_groups_what_cites_it_by_kind_with_counts(world, client):
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

    first = source_page(client, source).content.decode()
    for heading, kind in (
        ("协作项目", "projects"),
        ("结对关系", "pairings"),
        ("受益对象", "beneficiaries"),
        ("受益关系", "benefits"),
        ("数据", "figures"),
        ("大事记", "events"),
        ("区域", "regions"),
        ("单位", "organizations"),
        ("人员", "people"),
    ):
        assert f'href="?kind={kind}">{heading} <span class="badge' in first.replace(
            ' active" aria-current="page"', '"'
        )
    assert '<h3 class="h5" id="citing-records">协作项目 <span class="badge' in first
    assert "<q>建成标准化大宗茶叶加工厂</q>" in first
    assert "投入305.65万元" not in first  # the figures are a click away

    shown = {}
    for kind, quote in (
        ("projects", "建成标准化大宗茶叶加工厂"),
        ("pairings", "结成了新一轮东西部协作关系"),
        ("beneficiaries", "支持易地扶贫搬迁集中安置区"),
        ("benefits", "援建3个帮扶车间"),
        ("figures", "投入305.65万元"),
        ("events", "举行了“师带徒”签约仪式"),
        ("regions", "区域原句"),
        ("organizations", "医院原句"),
        ("people", "感触颇深地说道"),
    ):
        shown[kind] = source_page(client, source, kind=kind).content.decode()
        assert (
            f'<blockquote class="citation-quote mb-1" lang="zh-Hans"><q>{quote}</q>'
            in (shown[kind])
        )
        assert f'class="nav-link active" aria-current="page" href="?kind={kind}"' in shown[kind]
    assert "305.65万元" in shown["figures"]
    assert indicator.get_absolute_url() in shown["figures"]
    assert project.get_absolute_url() in shown["events"]
    assert "范献强</a>，广州市南沙区挂职紫云自治县副县长" in shown["people"]


def test_english_pages_name_records_in_english_and_keep_quotes_chinese(world, client):
    source = make_source(title="原标题", title_en="The article", publisher="中国乡村振兴网")
    Source.objects.filter(pk=source.pk).update(publisher_en="China Rural Revitalization")
    make_project(
        world.pairing, source, title="坝羊镇茶厂", title_en="Bayang tea factory", quote="建成茶厂"
    )

    response = client.get(f"/en{source.get_absolute_url()}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>The article</h1>" in html
    assert "China Rural Revitalization" in html
    assert ">Bayang tea factory</a>" in html
    assert '<blockquote class="citation-quote mb-1" lang="zh-Hans"><q>建成茶厂</q>' in html


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


def query_counts(client, source, query=""):
    """Queries of the first visit (which counts what cites the source), of a second visit
    (which reads it from the cache) and of the source list."""
    counts = []
    for url in (source.get_absolute_url() + query, source.get_absolute_url() + query, "/sources/"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts


def test_source_page_query_count_does_not_grow_with_the_data(world, client):
    add_activity(world, 1)
    make_indicator(world.pairing, Figure.Measure.JOBS, 2020, 10)
    make_event(world.source, pairing=world.pairing)
    small = query_counts(client, world.source)
    small_figures = query_counts(client, world.source, "?kind=figures&page=2")

    add_activity(world, 60)
    for _ in range(5):
        make_source()
    for year in (2021, 2022, 2023):
        make_indicator(world.pairing, Figure.Measure.JOBS, year, 10)
        make_event(world.source, pairing=world.pairing)
    large = query_counts(client, world.source)
    large_figures = query_counts(client, world.source, "?kind=figures&page=2")

    assert small == large
    assert small_figures == large_figures
    cold, warm, source_list = large
    assert warm <= 3 < cold <= 15
    assert source_list <= 3
    response = source_page(client, world.source, kind="figures", page=2)
    assert len(response.context["records"]) == PAGE_SIZE
    assert response.context["paginator"].count > 2 * PAGE_SIZE


def test_a_group_of_many_records_is_paginated_with_its_kind_kept(world, client):
    for number in range(53):
        make_project(world.pairing, world.source, title=f"项目{number:02d}")

    first = source_page(client, world.source, kind="projects").content.decode()
    last = source_page(client, world.source, kind="projects", page=3).content.decode()

    assert first.count('href="/projects/project-') == PAGE_SIZE
    assert ">项目00</a>" in first and ">项目25</a>" not in first
    assert 'href="?kind=projects&amp;page=2"' in first
    assert "第1页，共3页" in first
    assert last.count('href="/projects/project-') == 53 - 2 * PAGE_SIZE
    assert ">项目52</a>" in last


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "nothing"},
        {"kind": "__class__"},
        {"kind": "figures", "page": "abc"},
        {"kind": "projects", "page": "99999"},
        {"page": "-1"},
        {"kind": "\x00"},
    ],
)
def test_odd_kinds_and_pages_show_the_nearest_group_and_page(world, client, query):
    make_project(world.pairing, world.source, title="唯一的项目")

    response = source_page(client, world.source, **query)

    assert response.context["kind"] == "projects"
    assert "唯一的项目" in response.content.decode()
