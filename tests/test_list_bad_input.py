import pytest
from django.urls import reverse

from tests.factories import make_beneficiary, make_project

LISTS = ["cooperation:project-list", "cooperation:pairing-list", "cooperation:beneficiary-list"]


@pytest.fixture
def rows(world):
    for number in range(30):
        make_project(world.pairing, world.source, title=f"项目{number:02d}", funds=number + 1)
        make_beneficiary(world.source, name=f"受益{number:02d}", region=world.huanghe)


def shown(response):
    return [row.record for row in response.context["table"].page.object_list]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    "sort", ["nope", "-", "", "title,nonsense", "__class__", "-" * 500, "funds_yuan", "url"]
)
def test_unknown_sort_column_is_ignored(rows, client, name, sort):
    response = client.get(reverse(name), {"sort": sort})

    assert response.status_code == 200
    assert len(shown(response)) >= 1


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("page", ["999", "99999999999999999999999"])
def test_page_past_the_end_shows_the_last_page_with_a_note(rows, client, name, page):
    response = client.get(reverse(name), {"page": page})

    table = response.context["table"]
    assert response.status_code == 200
    assert table.page.number == table.paginator.num_pages
    assert "没有所请求的页码" in response.content.decode()


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "1e3", "\x00", "🙂", "9" * 5000])
def test_page_that_is_not_a_page_number_shows_a_page(rows, client, name, page):
    response = client.get(reverse(name), {"page": page})

    assert response.status_code == 200
    assert len(shown(response)) >= 1


@pytest.mark.parametrize(
    "name, field, value",
    [
        ("cooperation:project-list", "year", "abc"),
        ("cooperation:project-list", "year", "1.5"),
        ("cooperation:project-list", "year", "99999"),
        ("cooperation:project-list", "year", "99999999999999999999999"),
        ("cooperation:project-list", "region", "999999"),
        ("cooperation:project-list", "region", "abc"),
        ("cooperation:project-list", "region", "-1"),
        ("cooperation:project-list", "region", "99999999999999999999999"),
        ("cooperation:project-list", "region", "9" * 5000),
        ("cooperation:project-list", "year", "9" * 5000),
        ("cooperation:project-list", "category", "xyz"),
        ("cooperation:project-list", "work_status", "'; DROP TABLE x; --"),
        ("cooperation:project-list", "pairing_level", "1"),
        ("cooperation:project-list", "side", "north"),
        ("cooperation:pairing-list", "level", "xyz"),
        ("cooperation:pairing-list", "mode", "xyz"),
        ("cooperation:pairing-list", "start_year", "abc"),
        ("cooperation:pairing-list", "side", "north"),
        ("cooperation:beneficiary-list", "kind", "xyz"),
        ("cooperation:beneficiary-list", "region", "999999"),
        ("cooperation:beneficiary-list", "side", "north"),
    ],
)
def test_wrong_filter_value_shows_the_error_and_no_rows(rows, client, name, field, value):
    response = client.get(reverse(name), {field: value})

    assert response.status_code == 200
    assert field in response.context["filter"].errors
    assert shown(response) == []
    content = response.content.decode()
    assert "筛选条件有误" in content
    assert f'id="id_{field}_error"' in content
    assert "_export=csv" not in content


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("q", ["红" * 10_000, "紫云\x00", "a\x00b"])
def test_overlong_or_nul_text_is_refused_in_the_form(rows, client, name, q):
    response = client.get(reverse(name), {"q": q})

    assert response.status_code == 200
    assert "q" in response.context["filter"].errors
    assert "\x00" not in response.content.decode()


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize(
    "q", ["🙂🇨🇳", "' OR 1=1 --", "%", "_", "\\", '"; SELECT * FROM auth_user; --', "项目%"]
)
def test_odd_text_is_searched_literally(rows, client, name, q):
    response = client.get(reverse(name), {"q": q})

    assert response.status_code == 200
    assert response.context["filter"].is_valid()
    assert shown(response) == []


@pytest.mark.parametrize("name", LISTS)
def test_html_in_the_search_is_escaped(rows, client, name):
    response = client.get(reverse(name), {"q": "<script>alert(1)</script>"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_repeated_parameters_use_the_last_value(rows, client):
    response = client.get(reverse("cooperation:project-list") + "?q=xyz&q=项目01")

    assert [project.title for project in shown(response)] == ["项目01"]


def test_blank_values_are_no_filter(rows, client):
    response = client.get(
        reverse("cooperation:project-list"),
        {"q": "   ", "year": "", "region": "", "category": "", "sort": ""},
    )

    assert response.context["filter"].is_valid()
    assert len(shown(response)) == 25


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"q": "茶" * 101}, "最多 100 个字，请缩短后再试。"),
        ({"year": "二〇二三"}, "年份请写四位数字，例如 2023。"),
        ({"year": "1999"}, "年份不能早于 2000 年。"),
        ({"year": "2101"}, "年份不能晚于 2100 年。"),
        ({"category": "tea"}, "没有这个选项，请从列表中选择。"),
    ],
)
def test_a_filter_value_that_cannot_be_used_is_explained_in_plain_words(rows, client, query, said):
    page = client.get(reverse("cooperation:project-list"), query).content.decode()
    assert said in page
    assert "确保" not in page and "Ensure" not in page
