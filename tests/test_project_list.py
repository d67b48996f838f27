import pytest
from django.urls import reverse

from cooperation.models import Figure, Pairing, Project, Publication, Qualifier, Region
from tests.factories import make_figure, make_organization, make_pairing, make_project, make_region

URL = reverse("cooperation:project-list")


def titles(response):
    return [row.record.title for row in response.context["table"].page.object_list]


def test_lists_published_projects_only(world, client):
    make_project(world.pairing, world.source, title="已发布项目")
    make_project(world.pairing, world.source, title="草稿项目", status=Publication.DRAFT)
    make_project(world.pairing, world.source, title="归档项目", status=Publication.ARCHIVED)

    response = client.get(URL)

    assert response.status_code == 200
    assert titles(response) == ["已发布项目"]
    assert "草稿项目" not in response.content.decode()


def test_filters_by_category(world, client):
    make_project(world.pairing, world.source, title="车间", category=Project.Category.WORKSHOP)
    make_project(world.pairing, world.source, title="产业园", category=Project.Category.INDUSTRY)

    response = client.get(URL, {"category": "workshop"})

    assert titles(response) == ["车间"]


def test_filters_by_work_status(world, client):
    make_project(world.pairing, world.source, title="运营中", work_status="in_operation")
    make_project(world.pairing, world.source, title="计划中", work_status="planned")

    response = client.get(URL, {"work_status": "planned"})

    assert titles(response) == ["计划中"]


def test_year_matches_projects_running_that_year(world, client):
    make_project(world.pairing, world.source, title="跨年", start_year=2021, end_year=2023)
    make_project(world.pairing, world.source, title="当年", start_year=2022)
    make_project(world.pairing, world.source, title="次年", start_year=2023)
    make_project(world.pairing, world.source, title="只有结束年", start_year=None, end_year=2022)

    response = client.get(URL, {"year": 2022})

    assert sorted(titles(response)) == sorted(["跨年", "当年", "只有结束年"])


def test_region_filter_rolls_up_villages_into_their_town(world, client):
    make_project(world.pairing, world.source, title="村里", locations=[world.huanghe])
    make_project(world.pairing, world.source, title="镇上", locations=[world.maoying])
    make_project(world.pairing, world.source, title="别的镇", locations=[world.bayang])

    by_town = client.get(URL, {"region": world.maoying.pk})
    by_village = client.get(URL, {"region": world.huanghe.pk})

    assert sorted(titles(by_town)) == ["村里", "镇上"]
    assert titles(by_village) == ["村里"]


def test_project_in_two_villages_of_a_town_is_listed_once(world, client):
    other_village = make_region("另一村", Region.Level.VILLAGE, world.maoying)
    make_project(
        world.pairing, world.source, title="两村", locations=[world.huanghe, other_village]
    )

    response = client.get(URL, {"region": world.maoying.pk})

    assert titles(response) == ["两村"]


def test_region_select_offers_towns_and_villages_with_published_projects(world, client):
    make_project(world.pairing, world.source, locations=[world.huanghe])
    quiet_town = make_region("安静镇", Region.Level.TOWN, world.ziyun)
    make_project(world.pairing, world.source, locations=[quiet_town], status=Publication.DRAFT)

    response = client.get(URL)
    options = list(response.context["filter"].form.fields["region"].widget.choices)

    assert options[1:] == [
        (world.maoying.pk, "紫云县 · 猫营镇"),
        (world.huanghe.pk, "紫云县 · 猫营镇 · 黄鹤营村"),
    ]
    assert "安静镇" not in response.content.decode()


def test_region_select_is_in_the_language_of_each_visitor_whoever_came_first(world, client):
    make_project(world.pairing, world.source, locations=[world.huanghe])
    english = client.get("/en" + URL).content.decode()
    chinese = client.get(URL).content.decode()

    assert "紫云县 · 猫营镇</option>" in chinese
    assert "紫云县 · 猫营镇</option>" not in english
    assert f'<option value="{world.maoying.pk}">' in english


def test_region_select_follows_a_renamed_town_and_a_new_place_but_not_a_figure(world, client):
    project = make_project(world.pairing, world.source, locations=[world.huanghe])
    client.get(URL)
    make_figure(world.source, "100", project=project)
    assert "猫营镇</option>" in client.get(URL).content.decode()

    world.maoying.name = "猫营新镇"
    world.maoying.save()
    assert "紫云县 · 猫营新镇</option>" in client.get(URL).content.decode()

    make_project(world.pairing, world.source, locations=[world.bayang])
    assert f'<option value="{world.bayang.pk}">' in client.get(URL).content.decode()


def test_region_filter_accepts_any_town_by_id(world, client):
    make_project(world.pairing, world.source, locations=[world.huanghe])

    response = client.get(URL, {"region": world.bayang.pk})

    assert response.context["filter"].is_valid()
    assert titles(response) == []


def test_region_filter_refuses_a_county(world, client):
    make_project(world.pairing, world.source, locations=[world.huanghe])

    response = client.get(URL, {"region": world.ziyun.pk})

    assert response.status_code == 200
    assert "region" in response.context["filter"].errors


def test_filters_by_pairing_level(world, client):
    town_pairing = make_pairing(
        make_region("横沥镇", Region.Level.TOWN, world.nansha),
        world.maoying,
        world.source,
        level=Pairing.Level.TOWN,
        parent=world.pairing,
    )
    make_project(town_pairing, world.source, title="镇镇项目")
    make_project(world.pairing, world.source, title="县级项目")

    response = client.get(URL, {"pairing_level": "town"})

    assert titles(response) == ["镇镇项目"]


def test_filters_by_pairing_and_names_it(world, client):
    town_pairing = make_pairing(
        make_region("横沥镇", Region.Level.TOWN, world.nansha),
        world.maoying,
        world.source,
        level=Pairing.Level.TOWN,
    )
    make_project(town_pairing, world.source, title="镇镇项目")
    make_project(world.pairing, world.source, title="县级项目")

    response = client.get(URL, {"pairing": town_pairing.pk})

    assert titles(response) == ["镇镇项目"]
    content = response.content.decode()
    assert f'<a href="{town_pairing.get_absolute_url()}">横沥镇 → 猫营镇</a>' in content
    assert f'<input type="hidden" name="pairing" value="{town_pairing.pk}"' in content


def test_pairing_filter_refuses_a_draft_pairing(world, client):
    draft = make_pairing(world.nansha, world.maoying, world.source, status=Publication.DRAFT)
    make_project(draft, world.source)

    response = client.get(URL, {"pairing": draft.pk})

    assert titles(response) == []
    assert "pairing" in response.context["filter"].errors
    assert "结对关系：" in response.content.decode()


def test_filters_by_side_of_the_location(world, client):
    make_project(world.pairing, world.source, title="南沙销售", locations=[world.nansha])
    make_project(world.pairing, world.source, title="紫云车间", locations=[world.bayang])

    assert titles(client.get(URL, {"side": "east"})) == ["南沙销售"]
    assert titles(client.get(URL, {"side": "west"})) == ["紫云车间"]


@pytest.mark.parametrize(
    "field, text", [("title", "红芯薯产业园"), ("summary", "红芯薯"), ("description", "红芯")]
)
def test_search_finds_chinese_substrings(world, client, field, text):
    make_project(world.pairing, world.source, title="其他项目")
    found = make_project(world.pairing, world.source, **{"title": "项目甲", field: text})

    response = client.get(URL, {"q": "芯"})

    assert titles(response) == [found.title]


def test_search_never_finds_drafts(world, client):
    make_project(world.pairing, world.source, title="红芯薯草稿", status=Publication.DRAFT)

    response = client.get(URL, {"q": "红芯薯"})

    assert titles(response) == []


def test_filters_combine(world, client):
    make_project(world.pairing, world.source, title="红芯薯车间", category="workshop")
    make_project(world.pairing, world.source, title="红芯薯产业", category="industry")

    response = client.get(URL, {"q": "红芯薯", "category": "industry"})

    assert titles(response) == ["红芯薯产业"]


def test_sorts_by_amount_with_unfunded_projects_last(world, client):
    make_project(world.pairing, world.source, title="少", funds=500_000)
    make_project(world.pairing, world.source, title="无资金")
    make_project(world.pairing, world.source, title="多", funds=27_500_000)

    assert titles(client.get(URL, {"sort": "amount"})) == ["少", "多", "无资金"]
    assert titles(client.get(URL, {"sort": "-amount"})) == ["多", "少", "无资金"]


def test_sorts_by_title_and_by_years(world, client):
    make_project(world.pairing, world.source, title="乙", start_year=2021)
    make_project(world.pairing, world.source, title="甲", start_year=2023)

    assert titles(client.get(URL, {"sort": "years"})) == ["乙", "甲"]
    assert titles(client.get(URL, {"sort": "-years"})) == ["甲", "乙"]
    # Pinyin order (jiǎ before yǐ), not code points (乙 U+4E59 before 甲 U+7532).
    assert titles(client.get(URL, {"sort": "title"})) == ["甲", "乙"]
    assert titles(client.get(URL, {"sort": "-title"})) == ["乙", "甲"]


def test_title_sort_follows_pinyin_and_ignores_opening_quotation_marks(world, client):
    for title in ["“中”药材基地", "茶叶加工厂", "包装厂", "Alpha工坊"]:
        make_project(world.pairing, world.source, title=title)

    assert titles(client.get(URL, {"sort": "title"})) == [
        "Alpha工坊",
        "包装厂",
        "茶叶加工厂",
        "“中”药材基地",
    ]


def test_sorts_work_status_in_its_natural_order(world, client):
    make_project(world.pairing, world.source, title="完成", work_status="completed")
    make_project(world.pairing, world.source, title="计划", work_status="planned")
    make_project(world.pairing, world.source, title="运营", work_status="in_operation")

    assert titles(client.get(URL, {"sort": "work_status"})) == ["计划", "运营", "完成"]


def test_default_order_is_newest_first(world, client):
    make_project(world.pairing, world.source, title="旧", start_year=2021)
    make_project(world.pairing, world.source, title="新", start_year=2023)

    assert titles(client.get(URL)) == ["新", "旧"]


def test_sorting_by_a_hidden_column_is_ignored(world, client):
    make_project(world.pairing, world.source, title="乙", start_year=2021, funds=2)
    make_project(world.pairing, world.source, title="甲", start_year=2023, funds=1)

    response = client.get(URL, {"sort": "funds_yuan"})

    assert titles(response) == ["甲", "乙"]


def test_pages_hold_25_projects(world, client):
    for number in range(30):
        make_project(world.pairing, world.source, title=f"项目{number:02d}")

    first = client.get(URL, {"sort": "title"})
    second = client.get(URL, {"sort": "title", "page": 2})

    assert len(titles(first)) == 25
    assert titles(second) == [f"项目{number:02d}" for number in range(25, 30)]
    assert "page=2" in first.content.decode()


def test_per_page_in_the_query_is_ignored(world, client):
    for _number in range(30):
        make_project(world.pairing, world.source)

    for per_page in ("0", "-1", "1000000", "abc"):
        response = client.get(URL, {"per_page": per_page})
        assert response.status_code == 200
        assert len(titles(response)) == 25


def test_money_is_shown_in_wan_yuan_with_its_qualifier_right_aligned(world, client):
    project = make_project(world.pairing, world.source, title="产业园")
    make_figure(world.source, 27_500_000, project=project, qualifier=Qualifier.AT_LEAST)

    response = client.get(URL)

    cell = '<td class="text-end text-nowrap" data-label="帮扶资金">2750多万元</td>'
    assert cell in response.content.decode()


def test_money_in_yi_yuan(world, client):
    make_project(world.pairing, world.source, funds=389_000_000)

    assert "3.89亿元" in client.get(URL).content.decode()


def test_pairing_of_a_draft_pairing_is_not_shown(world, client):
    draft = make_pairing(
        make_region("保密区", Region.Level.COUNTY, world.guangzhou),
        world.ziyun,
        world.source,
        status=Publication.DRAFT,
    )
    make_project(draft, world.source, title="公开项目")

    response = client.get(URL)

    assert titles(response) == ["公开项目"]
    assert "保密区" not in response.content.decode()


def test_expected_figures_do_not_count_as_funds(world, client):
    project = make_project(world.pairing, world.source, title="鱼")
    make_figure(world.source, 32_000_000, project=project, kind=Figure.Kind.EXPECTED)

    response = client.get(URL)

    assert "3200万元" not in response.content.decode()


def test_organisation_names_are_not_searched_as_titles(world, client):
    project = make_project(world.pairing, world.source, title="普通项目")
    make_organization("红芯薯公司").roles.create(project=project, role="funder")

    assert titles(client.get(URL, {"q": "红芯薯"})) == []


def build_projects(world, count):
    for number in range(count):
        village = make_region(f"村{count}-{number}", Region.Level.VILLAGE, world.maoying)
        project = make_project(
            world.pairing, world.source, locations=[village, world.bayang], funds=1000 + number
        )
        make_figure(world.source, 5, project=project, measure="jobs", unit="人")


@pytest.mark.parametrize(
    "query", [{}, {"region": "TOWN", "sort": "-amount", "q": "项目", "year": 2023, "page": 2}]
)
def test_query_count_does_not_grow_with_rows(world, client, django_assert_max_num_queries, query):
    query = {k: world.maoying.pk if v == "TOWN" else v for k, v in query.items()}
    build_projects(world, 3)
    # With a region, one of them reads its few projects first (ProjectQuerySet.in_region).
    bound = 8 if "region" in query else 7
    with django_assert_max_num_queries(bound) as small:
        assert client.get(URL, query).status_code == 200
    build_projects(world, 40)
    with django_assert_max_num_queries(bound) as large:
        assert client.get(URL, query).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
