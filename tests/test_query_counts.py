"""Every public page answers in the same number of queries, at most 15, whether the portal
holds a few synthetic projects or ten times as many. Pages are measured on their second
visit, once the counts and totals that are cached under the data's version are stored."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.public_urls import public_paths

MAX_QUERIES = 15


def synthesize(seed, projects):
    call_command("synthesize", projects=projects, seed=seed, stdout=io.StringIO())


def warm_query_count(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        if response.streaming:  # what a streamed answer reads counts too
            b"".join(response.streaming_content)
    assert response.status_code in (200, 302), path
    return len(queries)


@pytest.fixture
def pages(db, settings, tmp_path):
    """One path per public page, chosen while the data is small; the IATI file and the
    bulk download exist only once their publisher is named and a build has run. An IATI
    file holds a page of activities (the Link header gives the next): here one chunk's."""
    settings.IATI_MAX_ACTIVITIES = 100
    settings.IATI_REPORTING_ORG_REF = "XM-DAC-00000"
    settings.IATI_REPORTING_ORG_TYPE = "10"
    settings.IATI_REPORTING_ORG_NAME = "东西部协作信息公开平台"
    settings.OPEN_DATA_DIR = tmp_path / "open-data"
    synthesize(seed=1, projects=40)
    call_command("build_open_data", settle=0, stdout=io.StringIO())
    return {name: paths[0] for name, paths in public_paths().items() if paths}


def test_every_public_page_has_the_same_bounded_query_count_at_two_sizes(client, pages):
    small = {name: warm_query_count(client, path) for name, path in pages.items()}

    synthesize(seed=2, projects=400)
    large = {name: warm_query_count(client, path) for name, path in pages.items()}

    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large
    assert {"cooperation:project-list", "cooperation:region-detail", "sitemap"} <= set(large)
