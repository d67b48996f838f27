from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cooperation.models import Figure, Organization, Pairing, Publication, Region
from tests.factories import (
    add_activity,
    make_beneficiary,
    make_figure,
    make_organization,
    make_pairing,
    make_project,
    make_region,
)


def region_page(client, region):
    response = client.get(reverse("cooperation:region-detail", kwargs={"pk": region.pk}))
    assert response.status_code == 200
    return response


def test_region_list_shows_provinces_cities_and_counties_of_both_sides(world, client):
    response = client.get(reverse("cooperation:region-list"))

    assert response.status_code == 200
    html = response.content.decode()
    for region in (world.guangdong, world.guangzhou, world.nansha, world.guizhou, world.ziyun):
        assert f'<a href="{region.get_absolute_url()}">{region.name}</a>' in html
    assert "坝羊镇" not in html
    assert html.index(">东部</h2>") < html.index("广东省") < html.index(">西部</h2>")
    assert html.index(">西部</h2>") < html.index("贵州省")
    assert html.index("贵州省") < html.index("安顺市") < html.index("紫云苗族布依族自治县")


def test_region_page_has_breadcrumbs_of_its_ancestors(world, client):
    html = region_page(client, world.huanghe).content.decode()

    trail = html[html.index('class="breadcrumb') : html.index("</ol>")]
    for ancestor in (world.guizhou, world.anshun, world.ziyun, world.maoying):
        assert f'<a href="{ancestor.get_absolute_url()}">{ancestor.name}</a>' in trail
    assert 'aria-current="page">黄鹤营村</li>' in trail
    assert trail.index("贵州省") < trail.index("安顺市") < trail.index("猫营镇")


def test_region_page_lists_its_child_regions(world, client):
    html = region_page(client, world.ziyun).content.decode()

    assert f'<a href="{world.bayang.get_absolute_url()}">坝羊镇</a>' in html
    assert f'<a href="{world.maoying.get_absolute_url()}">猫营镇</a>' in html
    assert "黄鹤营村" not in html


def test_county_page_rolls_up_projects_and_totals_from_villages_below(world, client):
    make_project(
        world.pairing,
        world.source,
        title="黄鹤营村茶厂",
        locations=[world.huanghe],
        funds=2_000_000,
    )
    town_project = make_project(
        world.pairing,
        world.source,
        title="坝羊镇茶叶加工厂",
        locations=[world.bayang],
        funds=1_056_500,
    )
    make_figure(
        world.source,
        32_000_000,
        project=town_project,
        kind=Figure.Kind.EXPECTED,
        label="预计年产值",
    )
    make_project(
        world.pairing,
        world.source,
        title="草稿项目",
        locations=[world.huanghe],
        funds=9_000_000,
        status=Publication.DRAFT,
    )

    response = region_page(client, world.ziyun)

    assert [p.title for p in response.context["summary"].projects] == [
        "黄鹤营村茶厂",
        "坝羊镇茶叶加工厂",
    ]
    assert response.context["summary"].project_count == 2
    funds = {t.headline.key: t for t in response.context["summary"].totals}["funds"]
    assert funds.value == Decimal("3056500")
    html = response.content.decode()
    assert "305.65万元" in html
    assert "草稿项目" not in html
    assert "1205.65" not in html


def test_town_page_shows_only_what_happened_in_it(world, client):
    make_project(world.pairing, world.source, title="黄鹤营村茶厂", locations=[world.huanghe])
    make_project(world.pairing, world.source, title="坝羊镇茶叶加工厂", locations=[world.bayang])

    response = region_page(client, world.maoying)

    assert [p.title for p in response.context["summary"].projects] == ["黄鹤营村茶厂"]


def test_project_in_two_villages_of_a_county_is_counted_once(world, client):
    make_project(
        world.pairing, world.source, locations=[world.huanghe, world.bayang], funds=1_000_000
    )

    response = region_page(client, world.ziyun)

    assert response.context["summary"].project_count == 1
    assert response.context["summary"].totals[0].value == 1_000_000


def test_region_page_links_to_the_project_list_filtered_by_region(world, client):
    make_project(world.pairing, world.source, locations=[world.huanghe])

    html = region_page(client, world.ziyun).content.decode()

    assert f'href="{reverse("cooperation:project-list")}?region={world.ziyun.pk}"' in html


def test_region_page_limits_long_project_lists(world, client):
    for _ in range(22):
        make_project(world.pairing, world.source, locations=[world.huanghe])

    response = region_page(client, world.ziyun)

    assert len(response.context["summary"].projects) == 20
    assert response.context["summary"].project_count == 22
    assert f"?region={world.ziyun.pk}" in response.content.decode()


def test_region_page_lists_pairings_whose_party_is_in_it(world, client):
    town_pairing = make_pairing(
        world.nansha, world.bayang, world.source, level=Pairing.Level.TOWN, mode="layered"
    )
    hospital = make_organization(
        "紫云自治县人民医院", kind=Organization.Kind.HOSPITAL, region=world.maoying
    )
    hospital_pairing = make_pairing(
        world.nansha,
        None,
        world.source,
        level=Pairing.Level.HOSPITAL,
        west_organization=hospital,
        east_count=8,
    )
    make_pairing(world.nansha, world.maoying, world.source, status=Publication.DRAFT)

    maoying = region_page(client, world.maoying).context["summary"].pairings
    ziyun = region_page(client, world.ziyun).context["summary"].pairings
    nansha = region_page(client, world.nansha).context["summary"].pairings

    assert list(maoying) == [hospital_pairing]
    assert set(ziyun) == {world.pairing, town_pairing, hospital_pairing}
    assert set(nansha) == {world.pairing, town_pairing, hospital_pairing}


def test_region_page_lists_published_beneficiaries_in_it_and_below(world, client):
    make_beneficiary(world.source, name="黄鹤营村", region=world.huanghe)
    make_beneficiary(world.source, name="猫营镇安置区", region=world.maoying)
    make_beneficiary(world.source, name="草稿受益对象", region=world.huanghe, status="draft")
    make_beneficiary(world.source, name="坝羊镇", region=world.bayang)

    response = region_page(client, world.maoying)

    assert sorted(b.name for b in response.context["summary"].beneficiaries) == [
        "猫营镇安置区",
        "黄鹤营村",
    ]
    assert "草稿受益对象" not in response.content.decode()


def test_village_page_without_activity_renders(world, client):
    html = region_page(client, world.huanghe).content.decode()

    assert "<h1>黄鹤营村</h1>" in html
    assert "暂无已发布的项目" in html


def test_region_page_has_its_own_title_and_description(world, client):
    html = region_page(client, world.ziyun).content.decode()

    assert "<title>紫云苗族布依族自治县 · " in html
    assert '<meta name="description" content="紫云苗族布依族自治县及其下级区域' in html
    assert (
        f'<link rel="canonical" href="http://testserver{world.ziyun.get_absolute_url()}">' in html
    )


def test_unknown_region_is_404(world, client):
    assert client.get(reverse("cooperation:region-detail", kwargs={"pk": 99999})).status_code == 404
    assert client.get("/regions/abc/").status_code == 404
    assert client.get("/regions/1e3/").status_code == 404


def test_odd_query_strings_do_not_break_region_pages(world, client):
    url = reverse("cooperation:region-detail", kwargs={"pk": world.ziyun.pk})

    assert client.get(url, {"page": "x" * 3000, "region": "\x00"}).status_code == 200
    assert client.get(reverse("cooperation:region-list"), {"q": "'; --"}).status_code == 200


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_region_pages_query_count_does_not_grow_with_the_data(world, client):
    """The first visit after a change computes the region's summary; later visits read it
    from the cache. Either way the number of queries is the same at both sizes."""
    add_activity(world, 1)
    make_region("新村", Region.Level.VILLAGE, world.bayang)
    page = reverse("cooperation:region-detail", kwargs={"pk": world.ziyun.pk})
    regions = reverse("cooperation:region-list")
    small = [query_count(client, page), query_count(client, page), query_count(client, regions)]

    add_activity(world, 25)
    for _ in range(5):
        make_pairing(world.nansha, world.maoying, world.source, level=Pairing.Level.TOWN)
    large = [query_count(client, page), query_count(client, page), query_count(client, regions)]

    assert small == large
    cold, warm, region_list = large
    # Cold: the summary, the flow diagram's three queries and the reviewed-map check.
    assert warm <= 5 < cold <= 17
    assert region_list <= 2


def test_region_summary_is_recomputed_after_a_change(world, client):
    add_activity(world, 1)
    before = region_page(client, world.ziyun).context["summary"].project_count

    make_project(world.pairing, world.source, title="新增茶园", locations=[world.maoying])

    assert region_page(client, world.ziyun).context["summary"].project_count == before + 1


def test_region_roll_ups_read_the_prefix_index(world):
    """A later migration that rebuilds the region table on SQLite drops this index: it must
    create it again (migration 0006)."""
    within = Region.objects.within(world.ziyun).values("pk")
    sql, params = within.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "region_path_prefix_idx (path>? AND path<?)" in plan
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'region_path_prefix_idx'"
            )
            assert "varchar_pattern_ops" in cursor.fetchone()[0]


def test_region_list_shows_a_county_added_after_it_was_cached(world, client):
    client.get(reverse("cooperation:region-list"))

    make_region("镇宁布依族苗族自治县", Region.Level.COUNTY, world.anshun)
    html = client.get(reverse("cooperation:region-list")).content.decode()

    assert "镇宁布依族苗族自治县</a>" in html


def test_region_list_is_cached_per_language(world, client):
    client.get(reverse("cooperation:region-list"))

    with translation.override("en"):
        html = client.get(reverse("cooperation:region-list")).content.decode()

    assert ">East</h2>" in html
    assert ">东部</h2>" not in html
