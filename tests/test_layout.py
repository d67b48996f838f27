from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_beneficiary, make_figure, make_project

NAVIGATION = [
    ("cooperation:home", "首页"),
    ("cooperation:project-list", "项目"),
    ("cooperation:pairing-list", "结对关系"),
    ("cooperation:beneficiary-list", "受益对象"),
    ("cooperation:region-list", "区域"),
    ("cooperation:source-list", "来源"),
    ("cooperation:people", "人员"),
]


DATA_BLOCK = "application/ld+json"


class Tags(HTMLParser):
    """Every start tag of a page as (name, attributes), and the text inside <script>."""

    def __init__(self, content):
        super().__init__()
        self.tags = []
        self.script_text = []
        self._in_script = False
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        # A JSON-LD data block is never run, so the CSP allows it (cooperation/jsonld.py).
        self._in_script = tag == "script" and dict(attrs).get("type") != DATA_BLOCK

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)

    def find(self, tag, **attrs):
        return [
            found
            for name, found in self.tags
            if name == tag and all(found.get(key) == value for key, value in attrs.items())
        ]


@pytest.fixture
def pages(world):
    project = make_project(world.pairing, world.source, locations=[world.huanghe], funds=10_000)
    make_figure(world.source, 3, project=project, measure="jobs", unit="人")
    beneficiary = make_beneficiary(world.source, region=world.huanghe)
    return [
        reverse("cooperation:project-list"),
        reverse("cooperation:project-list") + "?year=abc",
        reverse("cooperation:pairing-list"),
        reverse("cooperation:beneficiary-list"),
        project.get_absolute_url(),
        world.pairing.get_absolute_url(),
        beneficiary.get_absolute_url(),
    ]


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Tags(response.content.decode())


def test_pages_carry_no_inline_script_or_style(pages, client):
    for url in pages:
        tags = parsed(client, url)
        assert tags.script_text == [], url
        for name, attrs in tags.tags:
            assert "style" not in attrs, (url, name)
            assert not [key for key in attrs if key.startswith("on")], (url, name)
            if name == "script" and attrs.get("type") != DATA_BLOCK:
                assert attrs["src"].startswith("/static/"), url
        assert not tags.find("style"), url


def test_page_language_follows_the_address(pages, client):
    assert parsed(client, pages[0]).find("html")[0]["lang"] == "zh-hans"

    with translation.override("en"):
        english = reverse("cooperation:project-list")

    assert parsed(client, english).find("html")[0]["lang"] == "en"


def test_header_has_the_programme_name_and_every_section(client, world):
    content = client.get(reverse("cooperation:project-list")).content.decode()

    assert "东西部协作信息公开平台" in content
    for name, label in NAVIGATION:
        assert f'href="{reverse(name)}"' in content
        assert f">{label}</a>" in content


def test_navigation_marks_the_current_section(pages, client):
    tags = parsed(client, pages[4])

    current = [attrs["href"] for attrs in tags.find("a", **{"aria-current": "page"})]
    assert current == [reverse("cooperation:project-list")]


def test_skip_link_leads_to_the_main_landmark(pages, client):
    tags = parsed(client, pages[0])

    assert tags.find("a", href="#main")
    assert tags.find("main", id="main")
    assert tags.find("header")
    assert tags.find("footer")
    assert tags.find("nav", **{"aria-label": "主导航"})


def language_links(tags):
    return [
        (link["href"], link["hreflang"], link.get("aria-current"))
        for link in tags.find("a")
        if "hreflang" in link
    ]


def test_language_switcher_links_to_the_same_page_in_each_language(pages, client):
    here = pages[0] + "?q=%E7%BA%A2"
    tags = parsed(client, here)

    assert not tags.find("form", action=reverse("set_language"))
    assert not tags.find("input", name="csrfmiddlewaretoken")
    assert language_links(tags) == [
        (here, "zh-Hans", "true"),
        (f"/en{here}", "en", None),
    ]


def test_switching_language_returns_to_the_page_in_english(client, world):
    url = reverse("cooperation:project-list")
    english = {hreflang: href for href, hreflang, _ in language_links(parsed(client, url))}

    tags = parsed(client, english["en"])

    assert english["en"] == f"/en{url}"
    assert tags.find("html")[0]["lang"] == "en"
    assert language_links(tags) == [(url, "zh-Hans", None), (english["en"], "en", "true")]


def test_every_filter_field_has_a_label(pages, client):
    for url in pages[:4]:
        tags = parsed(client, url)
        form = [attrs for name, attrs in tags.tags if name in ("input", "select")]
        label_targets = {attrs.get("for") for attrs in tags.find("label")}
        for field in form:
            if field.get("type") in ("hidden", "submit"):
                continue
            assert field["id"] in label_targets, (url, field)


def test_tables_scroll_sideways_on_a_phone(pages, client):
    for url in (pages[0], pages[2], pages[3], pages[5]):
        content = client.get(url).content.decode()
        assert content.count('<div class="table-responsive') == content.count("<table")


def test_footer_names_sources_and_publisher(client, world):
    content = client.get(reverse("cooperation:project-list")).content.decode()
    footer = content[content.index("<footer") :]

    assert f'href="{reverse("cooperation:source-list")}"' in footer
    assert "整理发布" in footer


def test_breadcrumbs_start_at_home(pages, client):
    tags = parsed(client, pages[0])

    assert tags.find("nav", **{"aria-label": "当前位置"})
    assert tags.find("li", **{"class": "breadcrumb-item active", "aria-current": "page"})


def test_stylesheets_are_served_from_the_portal(pages, client):
    tags = parsed(client, pages[0])

    hrefs = [attrs["href"] for attrs in tags.find("link", rel="stylesheet")]
    assert hrefs == ["/static/vendor/bootstrap/bootstrap.min.css", "/static/css/portal.css"]
