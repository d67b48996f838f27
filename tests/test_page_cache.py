"""Whole pages cached for anonymous visitors (portal/page_cache.py): answered from the cache
while the data they show is unchanged, built afresh at once after a change that concerns
them, never for staff, never with a token or a cookie."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cooperation import counting, roles
from cooperation.models import Publication
from portal.page_cache import cacheable
from tests.factories import add_activity, make_project, make_staff
from tests.public_urls import public_paths
from tests.test_invalidation import Elsewhere


@pytest.fixture
def page_cache(settings, monkeypatch):
    settings.PAGE_CACHE = True
    # A lagging summary is computed again at once, in the request (a thread in production).
    monkeypatch.setattr(counting, "in_background", lambda work, name: work())
    cache.clear()
    yield
    cache.clear()


def visit(client, path, **headers):
    response = client.get(path, **headers)
    return response, response.headers.get("X-Page-Cache")


def warm(client, *paths):
    for path in paths:
        assert visit(client, path)[1] == "miss", path
        assert visit(client, path)[1] == "hit", path


def test_a_second_anonymous_visit_is_answered_from_the_cache_in_one_query(
    world, client, page_cache
):
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    path = project.get_absolute_url()
    first, state = visit(client, path)
    assert state == "miss" and first.status_code == 200

    with CaptureQueriesContext(connection) as queries:
        second, state = visit(client, path)

    assert state == "hit"
    assert len(queries) == 1
    assert second.content == first.content
    assert second["Cache-Control"] == "public, no-cache"
    assert second["ETag"] == first["ETag"]


def test_a_visitor_holding_the_etag_gets_304(world, client, page_cache):
    path = make_project(world.pairing, world.source).get_absolute_url()
    etag = client.get(path)["ETag"]

    response = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""


def test_staff_are_never_served_a_cached_page_and_theirs_are_not_kept(
    world, client, page_cache, django_user_model
):
    path = make_project(world.pairing, world.source).get_absolute_url()
    warm(client, path)
    client.force_login(make_staff(roles.EDITORS, "bianji"))

    for _ in range(2):
        response, state = visit(client, path)
        assert response.status_code == 200 and state is None
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]


def test_an_answer_that_uses_the_csrf_token_or_sets_a_cookie_is_not_kept():
    rf = RequestFactory()
    plain = rf.get("/projects/")
    assert cacheable(plain, HttpResponse("页面"))

    token = rf.get("/projects/")
    token.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    assert not cacheable(token, HttpResponse("页面"))

    cookie = HttpResponse("页面")
    cookie.set_cookie("visited", "1")
    assert not cacheable(rf.get("/projects/"), cookie)

    varies = HttpResponse("页面", headers={"Vary": "Cookie"})
    assert not cacheable(rf.get("/projects/"), varies)


def test_the_feedback_form_with_its_token_is_never_cached(db, client, page_cache):
    for _ in range(2):
        response, state = visit(client, "/feedback/")
        assert response.status_code == 200 and state is None


def test_a_published_draft_appears_at_once_everywhere(world, client, page_cache):
    draft = make_project(
        world.pairing, world.source, title="紫云红心薯产业园", status=Publication.DRAFT
    )
    draft.locations.set([world.bayang])
    lists = ["/projects/", f"/regions/{world.ziyun.pk}/", "/api/v1/projects/"]
    warm(client, *lists)
    assert visit(client, draft.get_absolute_url())[0].status_code == 404

    draft.status = Publication.PUBLISHED
    draft.save()

    for path in lists:
        response, state = visit(client, path)
        assert state == "miss" and "紫云红心薯产业园" in response.content.decode(), path
    assert visit(client, draft.get_absolute_url())[0].status_code == 200


def test_an_unpublished_project_vanishes_at_once_from_every_page(world, client, page_cache):
    project = make_project(
        world.pairing, world.source, title="紫云红心薯产业园", locations=[world.bayang]
    )
    showing = [
        project.get_absolute_url(),
        f"/en{project.get_absolute_url()}",
        "/projects/",
        f"/pairings/{world.pairing.pk}/",
        f"/regions/{world.ziyun.pk}/",
        f"/regions/{world.guizhou.pk}/",
        f"/api/v1/projects/{project.pk}",
        "/api/v1/projects/",
        "/feeds/projects.atom",
        f"/feeds/pairings/{world.pairing.pk}.atom",
        f"/feeds/regions/{world.ziyun.pk}.atom",
    ]
    warm(client, *showing)
    assert all("紫云红心薯产业园" in client.get(path).content.decode() for path in showing)

    project.status = Publication.DRAFT
    project.save()

    for path in showing:
        response = client.get(path)
        assert response.status_code == 404 or "紫云红心薯产业园" not in response.content.decode(), (
            path
        )


def test_an_unrelated_edit_leaves_a_page_cached_and_a_related_one_does_not(
    world, client, page_cache
):
    other = Elsewhere(world)
    here = make_project(world.pairing, world.source, locations=[world.bayang])
    there = make_project(other.pairing, world.source, locations=[other.yanyuan])
    pages = [
        here.get_absolute_url(),
        f"/regions/{world.ziyun.pk}/",
        f"/pairings/{world.pairing.pk}/",
    ]
    warm(client, *pages)

    there.title = "盐源苹果冷链"
    there.save()
    assert [visit(client, path)[1] for path in pages] == ["hit", "hit", "hit"]

    here.title = "紫云红心薯冷链"
    here.save()
    # The region's and pairing's summaries list the project: they lag behind its new title
    # for one visit, while they are computed again.
    assert [visit(client, path)[1] for path in pages] == ["miss", "lagging", "lagging"]
    assert [visit(client, path)[1] for path in pages] == ["hit", "miss", "miss"]
    assert "紫云红心薯冷链" in visit(client, pages[1])[0].content.decode()


def test_chinese_and_english_pages_are_cached_apart(world, client, page_cache):
    warm(client, "/projects/")

    english, state = visit(client, "/en/projects/")

    assert state == "miss"
    assert english["Content-Language"] == "en"
    assert visit(client, "/projects/")[0]["Content-Language"] == "zh-hans"


def test_the_order_of_query_parameters_does_not_matter(world, client, page_cache):
    assert visit(client, "/projects/?category=industry&page=1")[1] == "miss"

    assert visit(client, "/projects/?page=1&category=industry")[1] == "hit"
    assert visit(client, "/projects/?page=1&category=education")[1] == "miss"


def test_the_api_rate_limit_counts_answers_from_the_cache(world, client, page_cache, settings):
    settings.API_RATE_LIMIT = 3
    answers = [client.get("/api/v1/projects/") for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert answers[2].headers.get("X-Page-Cache") == "hit"
    assert "Retry-After" in answers[3]


def test_the_api_keeps_its_etag_of_the_answer(world, client, page_cache):
    make_project(world.pairing, world.source)
    first = client.get("/api/v1/projects/")
    second = client.get("/api/v1/projects/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.headers.get("X-Page-Cache") == "miss"
    assert second.status_code == 304


def test_exports_are_never_cached(world, client, page_cache):
    make_project(world.pairing, world.source)
    for _ in range(2):
        response, state = visit(client, "/projects/?_export=csv")
        assert response.status_code == 200 and state is None


def test_a_page_that_declares_nothing_is_built_again_after_any_change(world, client, page_cache):
    other = Elsewhere(world)
    warm(client, "/search/?q=紫云")

    make_project(other.pairing, world.source, title="盐源苹果冷链")

    assert visit(client, "/search/?q=紫云")[1] == "miss"


def test_every_public_page_is_answered_from_the_cache_as_it_was_built(world, client, page_cache):
    add_activity(world, 2)
    paths = [path for paths in public_paths().values() for path in paths[:1]]
    built = {path: client.get(path) for path in paths}

    for path in paths:
        answer = client.get(path)
        assert answer.status_code == built[path].status_code, path
        if answer.headers.get("X-Page-Cache") == "hit":
            assert answer.content == built[path].content, path
    hits = [path for path in paths if client.get(path).headers.get("X-Page-Cache") == "hit"]
    assert {"/", "/projects/", "/api/v1/projects/"} <= set(hits)


def test_an_unpublished_pairing_leaves_its_projects_pages_at_once(world, client, page_cache):
    project = make_project(world.pairing, world.source)
    pairing_page = world.pairing.get_absolute_url()
    warm(client, project.get_absolute_url())
    assert pairing_page in client.get(project.get_absolute_url()).content.decode()

    world.pairing.status = Publication.DRAFT
    world.pairing.save()

    response, state = visit(client, project.get_absolute_url())
    assert state == "miss" and pairing_page not in response.content.decode()
