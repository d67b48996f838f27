import re
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cooperation.models import Publication
from cooperation.sitemaps import SITEMAPS, ProjectSitemap
from tests.factories import (
    add_activity,
    make_beneficiary,
    make_organization,
    make_pairing,
    make_person,
    make_project,
)

NAMESPACE = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "xhtml": "http://www.w3.org/1999/xhtml",
}


def locations(client, url, element):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    return [
        loc.text.removeprefix("http://testserver")
        for loc in root.findall(f"sm:{element}/sm:loc", NAMESPACE)
    ]


def sitemap_paths(client):
    """Every address of every section page that the index lists."""
    return [
        path
        for section in locations(client, "/sitemap.xml", "sitemap")
        for path in locations(client, section, "url")
    ]


@pytest.fixture
def public_and_draft(world):
    records = {
        "project": make_project(world.pairing, world.source, slug="chaye"),
        "draft_project": make_project(
            world.pairing, world.source, slug="draft-chaye", status=Publication.DRAFT
        ),
        "archived_project": make_project(
            world.pairing, world.source, slug="old-chaye", status=Publication.ARCHIVED
        ),
        "draft_pairing": make_pairing(
            world.nansha, world.maoying, world.source, status=Publication.DRAFT
        ),
        "beneficiary": make_beneficiary(world.source, region=world.huanghe),
        "draft_beneficiary": make_beneficiary(world.source, status=Publication.DRAFT),
        "organization": make_organization(region=world.ziyun),
    }
    make_person(source=world.source)
    return records


def test_sitemap_lists_every_public_page(world, client, public_and_draft):
    paths = sitemap_paths(client)

    expected = [
        reverse(f"cooperation:{name}")
        for name in (
            "home",
            "project-list",
            "pairing-list",
            "beneficiary-list",
            "region-list",
            "organization-list",
            "source-list",
            "people",
        )
    ]
    expected += [
        public_and_draft["project"].get_absolute_url(),
        world.pairing.get_absolute_url(),
        public_and_draft["beneficiary"].get_absolute_url(),
        public_and_draft["organization"].get_absolute_url(),
        world.source.get_absolute_url(),
        world.huanghe.get_absolute_url(),
        world.guangdong.get_absolute_url(),
    ]
    for path in expected:
        assert path in paths
    assert len(paths) == len(set(paths))


def test_sitemap_lists_every_page_in_english_too_with_its_alternates(
    world, client, public_and_draft
):
    project = public_and_draft["project"].get_absolute_url()
    with translation.override("en"):
        english = public_and_draft["project"].get_absolute_url()
    section = reverse("sitemap-section", kwargs={"section": "projects"})
    root = ElementTree.fromstring(client.get(section).content)

    urls = {
        url.find("sm:loc", NAMESPACE).text: {
            link.get("hreflang"): link.get("href") for link in url.findall("xhtml:link", NAMESPACE)
        }
        for url in root.findall("sm:url", NAMESPACE)
    }

    assert english == f"/en{project}"
    alternates = {
        "zh-hans": f"http://testserver{project}",
        "en": f"http://testserver{english}",
        "x-default": f"http://testserver{project}",
    }
    assert urls[f"http://testserver{project}"] == alternates
    assert urls[f"http://testserver{english}"] == alternates


def test_sitemap_never_lists_drafts(world, client, public_and_draft):
    paths = sitemap_paths(client)

    for key in ("draft_project", "archived_project", "draft_pairing", "draft_beneficiary"):
        assert public_and_draft[key].get_absolute_url() not in paths


def test_public_pages_have_title_description_canonical_and_no_inline_code(
    world, client, public_and_draft
):
    add_activity(world, 1)

    for path in sitemap_paths(client):
        html = client.get(path).content.decode()
        assert re.search(r"<title>[^<]+</title>", html), path
        assert re.search(r'<meta name="description" content="[^"]+">', html), path
        assert f'<link rel="canonical" href="http://testserver{path}">' in html, path
        # Only JSON-LD data blocks may be inline: they are never run.
        inline = r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/ld\+json\")"
        assert re.search(inline, html) is None, path
        assert re.search(r"\sstyle=", html) is None, path
        assert re.search(r"\son[a-z]+=", html) is None, path


def test_sitemap_pages_are_cut_at_a_fixed_size(world, client, monkeypatch):
    monkeypatch.setattr(ProjectSitemap, "limit", 3)
    add_activity(world, 7)

    sections = locations(client, "/sitemap.xml", "sitemap")
    project_pages = [section for section in sections if "sitemap-projects.xml" in section]

    assert project_pages == [
        "/sitemap-projects.xml",
        "/sitemap-projects.xml?p=2",
        "/sitemap-projects.xml?p=3",
    ]
    # Each page holds `limit` projects, each in Chinese and in English.
    assert [len(locations(client, page, "url")) for page in project_pages] == [6, 6, 2]


def test_the_pages_are_counted_again_when_a_project_is_published_not_when_renamed(
    world, client, monkeypatch
):
    monkeypatch.setattr(ProjectSitemap, "limit", 1)
    make_project(world.pairing, world.source, slug="one")
    draft = make_project(world.pairing, world.source, slug="two", status=Publication.DRAFT)
    assert client.get("/sitemap-projects.xml?p=2").status_code == 404

    draft.status = Publication.PUBLISHED
    draft.save()
    assert "/projects/two/" in client.get("/sitemap-projects.xml?p=2").content.decode()

    with CaptureQueriesContext(connection) as queries:
        draft.title = "改名"
        draft.save()
        assert client.get("/sitemap-projects.xml?p=2").status_code == 200
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]


def test_unknown_sitemap_sections_and_pages_are_404(world, client):
    for url in ("/sitemap-nothing.xml", "/sitemap-projects.xml?p=99", "/sitemap-projects.xml?p=x"):
        assert client.get(url).status_code == 404


def query_counts(client):
    """Queries of the index and of the first page of projects, on a first visit (which
    counts the records) and on a second (which reads the counts from the cache)."""
    counts = []
    for url in ("/sitemap.xml", "/sitemap.xml", "/sitemap-projects.xml", "/sitemap-projects.xml"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts


def test_sitemap_query_count_does_not_grow_with_the_data(world, client):
    add_activity(world, 1)
    small = query_counts(client)

    add_activity(world, 20)
    large = query_counts(client)

    # The first visit may count less: a section whose records did not change keeps its count.
    assert small[1:] == large[1:] and large[0] <= small[0]
    index_cold, index_warm, projects_cold, projects_warm = large
    assert index_warm == 1 and index_cold <= 12
    assert projects_warm == 2 and projects_cold <= 3


def test_the_index_gives_each_section_its_latest_change(world, client, public_and_draft):
    response = client.get("/sitemap.xml")

    project = public_and_draft["project"]
    project.refresh_from_db()
    # Written in the site's time zone (Asia/Shanghai), whose date runs 8 hours ahead of UTC.
    local_date = timezone.localtime(project.updated_at).date().isoformat()
    assert f"<lastmod>{local_date}" in response.content.decode()


def test_the_cached_index_follows_the_data(world, client, monkeypatch):
    monkeypatch.setattr(ProjectSitemap, "limit", 3)
    add_activity(world, 3)
    before = locations(client, "/sitemap.xml", "sitemap")

    add_activity(world, 1)
    after = locations(client, "/sitemap.xml", "sitemap")

    assert "/sitemap-projects.xml?p=2" not in before
    assert "/sitemap-projects.xml?p=2" in after
    assert client.get("/sitemap.xml")["X-Robots-Tag"] == "noindex, noodp, noarchive"


def test_each_record_is_at_its_own_address_in_each_language(world, client):
    add_activity(world, 2)
    for sitemap_class in SITEMAPS.values():
        if getattr(sitemap_class, "model", None) is None:
            continue
        sitemap = sitemap_class()
        for record in sitemap.items()[:5]:
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    assert sitemap.location(record) == record.get_absolute_url()


@pytest.mark.parametrize("section", ["projects", "pairings", "beneficiaries", "regions"])
def test_record_sections_write_what_djangos_own_sitemap_writes(
    world, client, public_and_draft, section, monkeypatch
):
    """The record sections write each address as one string; Django's sitemap, its
    per-address work and its template, gives the same document."""
    from django.contrib.sitemaps import Sitemap

    url = f"/sitemap-{section}.xml"
    ours = client.get(url).content.decode()
    monkeypatch.setattr(SITEMAPS[section], "_urls", Sitemap._urls)
    monkeypatch.setattr(SITEMAPS[section], "template_name", "sitemap.xml")
    cache.clear()  # the page as it was kept would be ours again
    django = client.get(url).content.decode()
    assert "<url>" in ours and "x-default" in ours
    assert re.sub(r">\s+<", "><", ours.strip()) == re.sub(r">\s+<", "><", django.strip())
