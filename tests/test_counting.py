"""The cache of counts and totals: read under the data's version, which any change
replaces, and which a request reads once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.counting import (
    bump,
    cached,
    cached_count,
    capped,
    data_version,
    request_ended_here,
    request_started_here,
)
from cooperation.models import Project
from tests.factories import make_project


def test_a_change_to_a_record_gives_the_data_a_new_version(world):
    before = data_version()

    project = make_project(world.pairing, world.source)
    after_save = data_version()
    project.delete()

    assert len({before, after_save, data_version()}) == 3


def test_a_cached_value_is_computed_again_only_after_a_change(world):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached("answer", compute) == 1
    assert cached("answer", compute) == 1
    bump()
    assert cached("answer", compute) == 2


def test_cached_counts_follow_the_data(world):
    published = Project.objects.published()
    before = cached_count(published)

    make_project(world.pairing, world.source)

    assert cached_count(published) == before + 1


def test_a_request_reads_the_version_once_and_again_after_its_own_change(world):
    # The handlers of request_started and request_finished, called directly: sending those
    # signals would also close the test's database connection.
    request_started_here()
    try:
        with CaptureQueriesContext(connection) as queries:
            first = data_version()
            assert data_version() == first
        assert len(queries) == 1

        bump()
        assert data_version() != first
    finally:
        request_ended_here()


def test_a_page_reads_the_version_once(world, client):
    """The project list looks up its count and its region choices in the cache."""
    with CaptureQueriesContext(connection) as queries:
        client.get("/projects/")

    reads = [q for q in queries.captured_queries if "cooperation_data_version" in q["sql"]]
    assert len(reads) == 1


def test_outside_a_request_the_version_is_read_every_time(world):
    with CaptureQueriesContext(connection) as queries:
        data_version()
        data_version()

    assert len(queries) == 2


def test_capped_lists_the_first_and_counts_all(world):
    for _ in range(4):
        make_project(world.pairing, world.source)

    shown = capped(Project.objects.order_by("pk"), limit=3)

    assert len(shown) == 3
    assert shown.total == Project.objects.count()
    assert shown.is_cut
    assert not capped(Project.objects.all(), limit=50).is_cut
