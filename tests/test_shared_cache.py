"""Two app servers sharing one Redis cache (settings.REDIS_URL): a page one of them built is
answered from the cache by the other, and a change made through one is seen at once
through the other. Each "server" is a test client with its own cache connection, made
anew for each request as a separate process would hold its own; the test's Redis database
is 1, under a key prefix of its own that it removes at the end.

Needs Redis on 127.0.0.1:6379: skipped without it, except in CI
(PORTAL_REQUIRE_SERVICES=1), where its absence fails the test."""

import os
import uuid
from contextlib import contextmanager

import pytest
from django.test import Client, override_settings

from cooperation.models import Publication
from tests.factories import make_project

REDIS_URL = "redis://127.0.0.1:6379/1"


@pytest.fixture
def redis_prefix():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Redis is not running at {REDIS_URL}; the shared cache needs it.")
        pytest.skip(f"no Redis at {REDIS_URL}")
    prefix = f"h18g-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    keys = list(connection.scan_iter(f"{prefix}:*"))
    if keys:
        connection.delete(*keys)


def cache_of(location, backend="django.core.cache.backends.redis.RedisCache", **more):
    return {"default": {"BACKEND": backend, "LOCATION": location, **more}}


class AppServer:
    """A test client whose requests go through a cache connection of their own."""

    def __init__(self, caches):
        self.client = Client()
        self.caches = caches

    @contextmanager
    def serving(self):
        # Changing CACHES closes the cache connections (django.test.signals): nothing of
        # the other server's stays in this process's cache objects.
        with override_settings(CACHES=self.caches, PAGE_CACHE=True):
            yield

    def get(self, path):
        with self.serving():
            response = self.client.get(path)
        return response, response.headers.get("X-Page-Cache")


def test_a_page_built_by_one_server_is_answered_from_the_cache_by_the_other(world, redis_prefix):
    shared = cache_of(REDIS_URL, KEY_PREFIX=redis_prefix)
    first, second = AppServer(shared), AppServer(shared)
    path = make_project(world.pairing, world.source).get_absolute_url()

    assert first.get(path)[1] == "miss"
    response, state = second.get(path)

    assert state == "hit" and response.status_code == 200


def test_servers_with_their_own_memory_caches_share_nothing(world):
    """The control: the same two servers, each with a local-memory cache."""
    local = "django.core.cache.backends.locmem.LocMemCache"
    first = AppServer(cache_of(f"h18g-first-{uuid.uuid4().hex}", local))
    second = AppServer(cache_of(f"h18g-second-{uuid.uuid4().hex}", local))
    path = make_project(world.pairing, world.source).get_absolute_url()

    assert first.get(path)[1] == "miss"
    assert second.get(path)[1] == "miss"


def test_a_publish_through_one_server_is_seen_at_once_through_the_other(world, redis_prefix):
    shared = cache_of(REDIS_URL, KEY_PREFIX=redis_prefix)
    first, second = AppServer(shared), AppServer(shared)
    draft = make_project(
        world.pairing, world.source, title="紫云红心薯产业园", status=Publication.DRAFT
    )
    for server in (first, second, first, second):
        server.get("/projects/")
    assert second.get("/projects/")[1] == "hit"

    with first.serving():
        draft.status = Publication.PUBLISHED
        draft.save()

    response, state = second.get("/projects/")
    assert state == "miss" and "紫云红心薯产业园" in response.content.decode()
    assert second.get(draft.get_absolute_url())[0].status_code == 200

    with first.serving():
        draft.status = Publication.DRAFT
        draft.save()

    response = second.get("/projects/")[0]
    assert "紫云红心薯产业园" not in response.content.decode()
    assert second.get(draft.get_absolute_url())[0].status_code == 404
