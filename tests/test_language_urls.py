"""The language is in the address: Chinese at the root, English under /en/. A public page is
the same for every visitor (no cookie, no CSRF token, nothing varying on the browser's
language), links to itself in the other language, and an English page links only to English
pages."""

from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from tests.factories import add_activity
from tests.test_sitemap import sitemap_paths

FIXTURES = sorted(str(path) for path in (Path(__file__).parent.parent / "fixtures").glob("*.json"))

# Addresses outside the public pages, which keep one address whatever the language: the
# API (its language is ?lang=) and the bulk download's files and catalogue are data.
UNPREFIXED = (
    "/admin/",
    "/static/",
    "/healthz",
    "/sitemap",
    "/i18n/",
    "/api/v1/",
    "/data/files/",
    "/data/catalog.jsonld",
)
# The feedback form is the one public page with a POST form, so it needs the CSRF cookie.
NEEDS_A_COOKIE = "feedback:form"


class Links(HTMLParser):
    """<html lang>, the hreflang alternates of <head>, and every address the page links to
    or sends a form to, with the tag and attributes it was found on."""

    def __init__(self, content):
        super().__init__()
        self.lang = None
        self.alternates = {}
        self.links = []
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "link" and attrs.get("rel") == "alternate" and "hreflang" in attrs:
            self.alternates[attrs["hreflang"]] = attrs["href"]
        elif tag == "a" and "href" in attrs:
            self.links.append((attrs["href"], attrs))
        elif tag == "form":
            self.links.append((attrs.get("action", ""), attrs))


def english(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def chinese(name, **kwargs):
    with translation.override("zh-hans"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def article(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture
def pages(world):
    add_activity(world, 2)
    project = world.pairing.projects.first()
    return [
        ("cooperation:home", {}),
        ("cooperation:project-list", {}),
        ("cooperation:project-detail", {"slug": project.slug}),
        ("cooperation:pairing-detail", {"pk": world.pairing.pk}),
        ("cooperation:region-detail", {"pk": world.ziyun.pk}),
        ("cooperation:source-detail", {"slug": world.source.slug}),
    ]


# Which language ----------------------------------------------------------------------------


def test_unprefixed_public_page_is_chinese_whatever_the_browser_or_a_cookie_says(pages, client):
    client.cookies["django_language"] = "en"

    for name, kwargs in pages:
        response = client.get(chinese(name, **kwargs), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

        assert response.status_code == 200, name
        assert response["Content-Language"] == "zh-hans", name
        assert Links(response.content.decode()).lang == "zh-hans", name


def test_english_address_is_english_whatever_the_browser_or_a_cookie_says(pages, client):
    client.cookies["django_language"] = "zh-hans"

    for name, kwargs in pages:
        url = english(name, **kwargs)
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

        assert url.startswith("/en/")
        assert response.status_code == 200, name
        assert response["Content-Language"] == "en", name
        assert Links(response.content.decode()).lang == "en", name


def test_english_page_not_found_is_english_and_chinese_one_chinese(db, client):
    assert Links(client.get("/en/no-such-page/").content.decode()).lang == "en"
    assert Links(client.get("/no-such-page/").content.decode()).lang == "zh-hans"


def test_admin_still_follows_the_staff_members_language(db, client):
    login = reverse("admin:login")

    response = client.get(login, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "Accept-Language" in response["Vary"]

    client.cookies["django_language"] = "zh-hans"
    assert client.get(login, HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "zh-hans"


def test_staff_health_and_sitemap_addresses_have_no_language_prefix(db, client):
    with translation.override("en"):
        assert reverse("admin:index") == "/admin/"
        assert reverse("healthz") == "/healthz"
        assert reverse("sitemap") == "/sitemap.xml"
        assert reverse("second-factor:verify").startswith("/admin/second-factor/")

    for url in ("/en/admin/", "/en/healthz", "/en/sitemap.xml"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    "url",
    ["/en", "/EN/projects/", "/en-us/projects/", "/zh-hans/projects/", "/en/%FF/", "/en//"],
)
def test_odd_language_prefixes_never_fail(db, client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="xx;q=abc")

    assert response.status_code in (200, 301, 302, 404), url


# The same for every visitor ---------------------------------------------------------------


def test_public_get_sets_no_cookie_carries_no_csrf_token_and_varies_on_nothing(
    world, client, pages
):
    """Vary is absent from a public page: its language comes from the address alone."""
    client.cookies["django_language"] = "en"
    urls = sitemap_paths(client)
    urls += [url + "?page=2&sort=-funds" for url in urls if url.endswith("/projects/")]
    urls += ["/no-such-page/", "/en/no-such-page/"]

    assert any(url.startswith("/en/") for url in urls)
    for url in urls:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code in (200, 404), url
        assert not response.cookies, url
        assert "csrfmiddlewaretoken" not in response.content.decode(), url
        assert "Vary" not in response, (url, response.get("Vary"))


# Alternates and the switcher ----------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_public_page_names_itself_in_both_languages_with_its_query(pages, client, language):
    for name, kwargs in pages:
        query = "?q=%E8%8C%B6&page=1"
        here = chinese(name, **kwargs)
        there = english(name, **kwargs)
        url = here if language == "zh-hans" else there

        page = Links(client.get(url + query).content.decode())

        assert page.alternates == {
            "zh-Hans": f"http://testserver{here}{query}",
            "en": f"http://testserver{there}{query}",
            "x-default": f"http://testserver{here}{query}",
        }, name


def test_switcher_marks_the_current_language_and_keeps_the_query(world, client):
    url = english("cooperation:project-list") + "?category=industry"

    page = Links(client.get(url).content.decode())

    switcher = [
        (href, attrs["hreflang"], attrs.get("aria-current"))
        for href, attrs in page.links
        if "hreflang" in attrs
    ]
    assert switcher == [
        ("/projects/?category=industry", "zh-Hans", None),
        ("/en/projects/?category=industry", "en", "true"),
    ]


# An English page links only to English pages ------------------------------------------------


def public(path):
    return not path.startswith(UNPREFIXED)


def view_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def kind(address):
    """A page's kind: its URL name, and whether a query string narrows it."""
    return view_name(address.path), bool(address.query)


def crawl(client, start, per_kind=2, levels=3):
    """Visit `start`, then the pages it links to, `levels` deep, at most `per_kind` pages of
    each kind: {page: (its URL name, [the same-site public addresses it links to])}. Every
    page but the feedback form is checked to set no cookie."""
    found = {}
    kinds = Counter()
    queue = deque([(start, 0)])
    while queue:
        url, level = queue.popleft()
        if url in found:
            continue
        response = client.get(url)
        assert response.status_code in (200, 404), url
        name = view_name(urlsplit(url).path)
        if name != NEEDS_A_COOKIE:
            assert not response.cookies, url
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = Links(response.content.decode())
        found[url] = (name, [])
        for href, attrs in page.links:
            if attrs.get("hreflang") and attrs["hreflang"] != page.lang:
                continue  # the language switcher's other language
            address = urlsplit(urljoin(f"http://testserver{url}", href))
            if address.netloc != "testserver" or not public(address.path):
                continue
            target = address.path + (f"?{address.query}" if address.query else "")
            found[url][1].append(target)
            follow = level < levels and "_export" not in address.query and target not in found
            if follow and kinds[kind(address)] < per_kind:
                kinds[kind(address)] += 1
                queue.append((target, level + 1))
    return found


def test_every_link_of_an_english_page_stays_english(article, client):
    found = crawl(client, english("cooperation:home"))
    found.update(crawl(client, "/en/no-such-page/", levels=0))

    assert {name for name, _links in found.values()} >= {
        "cooperation:home",
        "cooperation:project-list",
        "cooperation:project-detail",
        "cooperation:pairing-list",
        "cooperation:pairing-detail",
        "cooperation:beneficiary-list",
        "cooperation:beneficiary-detail",
        "cooperation:region-list",
        "cooperation:region-detail",
        "cooperation:organization-list",
        "cooperation:organization-detail",
        "cooperation:source-list",
        "cooperation:source-detail",
        "cooperation:people",
        "cooperation:total-breakdown",
        None,  # the page not found
    }
    for page, (_name, links) in found.items():
        assert page.startswith("/en/"), page
        assert links, page
        for link in links:
            assert link.startswith("/en/"), (page, link)


def test_every_link_of_a_chinese_page_stays_chinese(article, client):
    found = crawl(client, chinese("cooperation:home"), per_kind=1, levels=2)

    assert len(found) > 10
    for page, (_name, links) in found.items():
        for link in links:
            assert not link.startswith("/en/"), (page, link)
