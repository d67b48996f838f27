"""The site search behind the header's box, on the article's records, on small explicit
records and on synthetic data at two sizes."""

import io
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cooperation.models import (
    Beneficiary,
    Organization,
    Pairing,
    Project,
    Publication,
    Region,
    Source,
)
from cooperation.site_search import SHOWN
from tests.factories import make_organization, make_project, make_region

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


@pytest.fixture
def article(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Element:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children, self.text = tag, dict(attrs), [], ""

    def get(self, name):
        return self.attrs.get(name)

    def find(self, tag, **attrs):
        """Every element below with the tag and the attributes (a class is one of several)."""
        found = []
        for child in self.children:
            wanted = child.matches(tag, attrs)
            if wanted:
                found.append(child)
            found.extend(child.find(tag, **attrs))
        return found

    def matches(self, tag, attrs):
        if self.tag != tag:
            return False
        for name, value in attrs.items():
            if name == "class_":
                if value not in (self.get("class") or "").split():
                    return False
            elif self.get(name) != value:
                return False
        return True

    def all_text(self):
        return self.text + "".join(child.all_text() for child in self.children)


class Page(HTMLParser):
    """The page as a tree of elements, enough to find forms, sections and links."""

    def __init__(self, content):
        super().__init__()
        self.root = Element("root", {})
        self.open = [self.root]
        self.feed(content.decode())

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs)
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag):
        while len(self.open) > 1:
            if self.open.pop().tag == tag:
                break

    def handle_data(self, data):
        self.open[-1].text += data


def parsed(response):
    return Page(response.content).root


def result_links(response):
    (main,) = parsed(response).find("main")
    return {a.get("href") for li in main.find("li") for a in li.find("a")}


def search(client, words, language="zh-hans", **params):
    with translation.override(language):
        url = reverse("cooperation:search")
    return client.get(url, {"q": words, **params})


def found(response):
    """{kind: the set of links of its results} on a page of all kinds."""
    return {
        section.get("aria-labelledby").removeprefix("found-"): {
            a.get("href") for li in section.find("li") for a in li.find("a")
        }
        for section in parsed(response).find("section", class_="search-group")
    }


def links(records):
    return {record.get_absolute_url() for record in records}


def test_header_of_every_page_has_a_search_form(client, world):
    response = client.get(reverse("cooperation:project-list"))

    (header,) = parsed(response).find("header")
    (form,) = header.find("form", role="search")
    assert form.get("method") == "get"
    assert form.get("action") == reverse("cooperation:search")
    assert not form.find("input", name="csrfmiddlewaretoken")
    (box,) = form.find("input", name="q")
    assert form.find("label", **{"for": box.get("id")})


def test_ziyun_finds_every_project_the_county_the_bodies_in_it_and_the_source(client, article):
    ziyun = Region.objects.get(name="紫云苗族布依族自治县")
    projects = result_links(search(client, "紫云", kind="projects"))

    # Every project of the article stands in Ziyun or in one of its towns or villages;
    # four of them name it nowhere in their text.
    assert projects == links(Project.objects.published())
    assert len(projects) == Project.objects.count() >= 14
    groups = found(search(client, "紫云"))
    assert ziyun.get_absolute_url() in groups["regions"]
    assert groups["organizations"]  # all of them: test_ziyun_lists_every_organisation…
    assert Source.objects.get().get_absolute_url() in groups["sources"]


def test_ziyun_lists_every_organisation_located_in_it(client, article):
    ziyun = Region.objects.get(name="紫云苗族布依族自治县")
    shown = result_links(search(client, "紫云", kind="organizations"))

    in_ziyun = Organization.objects.filter(region__in=Region.objects.within(ziyun))
    assert links(in_ziyun) <= shown
    assert Organization.objects.get(name="坝羊镇农民工返乡创业园").get_absolute_url() in shown


def tea_records():
    return {
        "projects": links(Project.objects.filter(pk__in=[2, 10])),
        "pairings": links(Pairing.objects.filter(pk=3)),
        "beneficiaries": links(Beneficiary.objects.filter(pk=3)),
        "organizations": links(Organization.objects.filter(pk=21)),
    }


def test_tea_finds_every_published_record_that_mentions_tea(client, article):
    groups = found(search(client, "茶"))

    assert groups == tea_records()
    factory = Project.objects.get(title="坝羊镇标准化大宗茶叶加工厂")
    assert factory.get_absolute_url() in groups["projects"]


def test_tea_on_english_pages_finds_the_same_records(client, article):
    response = search(client, "tea", language="en")

    assert response.wsgi_request.path.startswith("/en/")
    assert found(response) == tea_records()


def test_found_words_are_marked_and_markup_in_records_is_escaped(client, world):
    make_project(world.pairing, world.source, title="<b>茶</b>叶加工厂")

    response = search(client, "茶")

    content = response.content.decode()
    assert "&lt;b&gt;<mark>茶</mark>&lt;/b&gt;叶加工厂" in content
    assert "<b>茶" not in content


def test_a_project_is_found_by_its_town_and_by_its_organisations(client, world):
    town = make_region("云雾镇", Region.Level.TOWN, world.ziyun)
    village = make_region("某村", Region.Level.VILLAGE, town)
    by_place = make_project(world.pairing, world.source, title="加工厂", locations=[village])
    by_body = make_project(world.pairing, world.source, title="培训")
    body = make_organization("云雾茶业公司")
    by_body.roles.create(organization=body, role="implementer")
    make_project(world.pairing, world.source, title="别处的项目")

    groups = found(search(client, "云雾"))

    assert groups["projects"] == links([by_place, by_body])


def test_drafts_are_not_found(client, world):
    make_project(world.pairing, world.source, title="草稿茶园", status=Publication.DRAFT)

    response = search(client, "草稿茶园")

    assert found(response) == {}
    assert "没有找到" in response.content.decode()


@pytest.mark.parametrize(
    "words, message",
    [
        ("", "请输入要查找的字词"),
        ("   ", "请输入要查找的字词"),
        ("茶" * 101, "最多 100 个字"),
        ("茶\x00", "无法识别的字符"),
    ],
)
def test_empty_overlong_or_unreadable_text_gets_a_plain_message(client, world, words, message):
    response = search(client, words)

    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "words",
    [
        "%",
        "_",
        '"',
        "'; DROP TABLE cooperation_project; --",
        "<script>alert(1)</script>",
        "NEAR(a b)",
        "a*",
        "{title}: x",
        "^",
        "🙂",
        "\u202e",
        "É",
        "ab",
    ],
)
def test_hostile_text_answers_a_page(client, world, words):
    response = search(client, words)

    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("kind", ["nothing", "", "projects", "regions"])
@pytest.mark.parametrize("page", ["", "0", "-1", "abc", "99999999999999999999"])
def test_any_kind_and_page_answer_a_page(client, world, kind, page):
    response = search(client, "紫云", kind=kind, page=page)

    assert response.status_code == 200


def test_a_group_shows_its_first_records_and_links_to_them_all(client, world):
    for number in range(SHOWN + 5):
        make_project(world.pairing, world.source, title=f"茶园{number:02d}")

    response = search(client, "茶园")

    (section,) = parsed(response).find("section", **{"aria-labelledby": "found-projects"})
    assert len(section.find("li")) == SHOWN
    (heading,) = section.find("h2")
    assert str(SHOWN + 5) in heading.all_text()
    (more,) = [a for p in section.find("p") for a in p.find("a")]
    everything = client.get(reverse("cooperation:search") + more.get("href"))
    assert len(result_links(everything)) == SHOWN + 5


def synthesize(seed, projects):
    call_command("synthesize", projects=projects, seed=seed, stdout=io.StringIO())


def warm_query_counts(client, paths):
    counts = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(queries)
    return counts


def test_search_makes_the_same_few_queries_at_two_sizes(client, db):
    paths = [
        reverse("cooperation:search") + query
        for query in ("?q=紫云", "?q=茶", "?q=茶叶", "?q=村", "?q=紫云&kind=projects")
    ]
    synthesize(seed=1, projects=40)
    small = warm_query_counts(client, paths)

    synthesize(seed=2, projects=400)
    large = warm_query_counts(client, paths)

    assert large == small
    assert max(large.values()) <= 15, large
