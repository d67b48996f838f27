"""The multi-server deployment, driven over HTTP: nginx in front of two gunicorn app servers
sharing one PostgreSQL database and one Redis (benchmarks/cluster.py, `make cluster`).

The cluster gets a database of its own (dropped at the end) and Redis's databases 3 (cache)
and 13 (queue), emptied before and after. A staff account publishes through app server A's
admin; anonymous visitors read through app server B, A and nginx. Where nginx, PostgreSQL
or Redis cannot be had the tests skip, unless PORTAL_REQUIRE_SERVICES=1 (CI), where they
fail.
"""

import json
import os
import re
import secrets
import urllib.parse

import pytest

from benchmarks import databases
from benchmarks.cluster import Cluster
from benchmarks.servers import Client
from benchmarks.services import ServiceMissing

STAFF = "cluster-staff"
DRAFT_TITLE = "集群测试待发布项目"
NEVER_TITLE = "集群测试始终草稿项目"

# Two drafts copied from a published project of the fixtures: one to publish, one never.
DRAFTS = """
import json
from django.contrib.contenttypes.models import ContentType
from cooperation.models import Project
made = {}
for slug, title in (("cluster-publish", %r), ("cluster-never", %r)):
    project = Project.objects.published().order_by("pk").first()
    project.pk = project.id = None
    project.slug, project.title, project.title_en, project.status = slug, title, "", "draft"
    project.save()
    made[slug] = project.pk
made["content_type"] = ContentType.objects.get_for_model(Project).pk
print(json.dumps(made))
"""


class Tally:
    """Counts the anonymous answers the page cache served from its store."""

    def __init__(self):
        self.hits = self.answers = 0

    def note(self, headers):
        self.answers += 1
        self.hits += headers.get("X-Page-Cache") == "hit"


@pytest.fixture
def cluster(request):
    password, codes = secrets.token_urlsafe(16), databases.backup_codes(5)
    setup = databases.staff_account_script(STAFF, password, codes)
    cluster = Cluster(
        database=f"portal_cluster_test_{os.getpid()}",
        workers=1,
        setup_script=setup + DRAFTS % (DRAFT_TITLE, NEVER_TITLE),
    )
    try:
        cluster.start()
    except ServiceMissing as missing:
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail(f"The cluster test needs it: {missing}")
        pytest.skip(str(missing))
    cluster.tally = Tally()
    cluster.password, cluster.codes = password, codes
    try:
        cluster.records = json.loads(cluster.setup_output)
        yield cluster
    finally:
        cluster.stop()
    tally = cluster.tally
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(
            f"\ncluster page cache: {tally.hits} hits of {tally.answers} anonymous answers "
            f"({tally.hits / max(tally.answers, 1):.0%})"
        )


def visit(cluster, client, path):
    """(status, body text) of an anonymous visit; counted for the hit rate."""
    status, _seconds, headers, body = client.get(path)
    cluster.tally.note(headers)
    return status, body.decode("utf-8", errors="replace")


def entrances(cluster):
    """A fresh anonymous visitor at app server A, app server B and nginx."""
    return {
        "app server A": Client(cluster.app_urls[0]),
        "app server B": Client(cluster.app_urls[1]),
        "nginx": Client(cluster.url),
    }


def staff_on_a(cluster):
    client = Client(cluster.app_urls[0])
    client.log_in(STAFF, cluster.password, cluster.codes.pop())
    return client


def take_step(staff, revision_url, action):
    status, _s, headers, _body = staff.post(revision_url, {"action": action, "comment": ""})
    assert status == 302, f"{action}: {status}"
    return headers


def test_the_cluster_shows_a_publication_everywhere_at_once_and_never_a_draft_or_staff_page(
    cluster,
):
    """One test, so that one cluster serves it even when pytest-xdist spreads tests over
    workers: each step below names the behaviour it shows."""
    a_page_built_on_one_app_server_is_served_from_the_shared_cache_by_the_other(cluster)
    a_project_published_through_app_server_a_is_shown_through_b_and_nginx_at_once(cluster)
    a_draft_is_never_shown_through_any_entrance(cluster)
    staff_answers_are_never_cached_nor_shown_to_visitors(cluster)


def a_page_built_on_one_app_server_is_served_from_the_shared_cache_by_the_other(cluster):
    """Both app servers asked for nginx's address, as nginx asks them: A builds each page
    and B answers from the cache they share."""
    pages = ["/", "/pairings/", "/regions/", "/api/v1/projects/", "/api/v1/flows/?level=national"]
    front = {"Host": urllib.parse.urlsplit(cluster.url).netloc}
    first, second = Client(cluster.app_urls[0]), Client(cluster.app_urls[1])
    for path in pages:
        status, _s, headers, _body = first.get(path, headers=front)
        cluster.tally.note(headers)
        assert status == 200, path
    for path in pages:
        status, _s, headers, _body = second.get(path, headers=front)
        cluster.tally.note(headers)
        assert (status, headers.get("X-Page-Cache")) == (200, "hit"), path


def a_project_published_through_app_server_a_is_shown_through_b_and_nginx_at_once(cluster):
    """B's cached list is not served once the project is published: the next visit shows it."""
    pk, content_type = cluster.records["cluster-publish"], cluster.records["content_type"]
    visitors = entrances(cluster)
    search = "/search/?q=" + urllib.parse.quote(DRAFT_TITLE)
    for name, client in visitors.items():
        assert DRAFT_TITLE not in visit(cluster, client, "/projects/")[1], name
        status, _s, headers, _body = client.get("/projects/")
        cluster.tally.note(headers)
        assert headers.get("X-Page-Cache") == "hit", name
        assert visit(cluster, client, "/projects/cluster-publish/")[0] == 404, name
        assert "/projects/cluster-publish/" not in visit(cluster, client, search)[1], name

    staff = staff_on_a(cluster)
    start = f"/admin/cooperation/revision/start/{content_type}/{pk}/"
    status, _s, headers, _body = staff.post(
        start, {}, token_from=f"/admin/cooperation/project/{pk}/change/"
    )
    assert status == 302, status
    revision = urllib.parse.urlsplit(headers["Location"]).path
    take_step(staff, revision, "approved")
    take_step(staff, revision, "published")

    for name, client in visitors.items():
        status, page = visit(cluster, client, "/projects/cluster-publish/")
        assert (status, DRAFT_TITLE in page) == (200, True), name
        assert DRAFT_TITLE in visit(cluster, client, "/projects/")[1], name
        assert "/projects/cluster-publish/" in visit(cluster, client, search)[1], name
        assert visit(cluster, client, f"/api/v1/projects/{pk}")[0] == 200, name


def a_draft_is_never_shown_through_any_entrance(cluster):
    """Not its page, nor in the list, the search or the API, before or after staff open it."""
    staff = staff_on_a(cluster)
    pk = cluster.records["cluster-never"]
    search = "/search/?q=" + urllib.parse.quote(NEVER_TITLE)
    assert staff.get(f"/admin/cooperation/project/{pk}/change/")[0] == 200
    assert staff.get("/projects/cluster-never/")[0] == 404
    for name, client in entrances(cluster).items():
        for _ in range(2):
            assert visit(cluster, client, "/projects/cluster-never/")[0] == 404, name
            assert NEVER_TITLE not in visit(cluster, client, "/projects/")[1], name
            assert "/projects/cluster-never/" not in visit(cluster, client, search)[1], name
            assert visit(cluster, client, f"/api/v1/projects/{pk}")[0] == 404, name


def staff_answers_are_never_cached_nor_shown_to_visitors(cluster):
    """A staff session through nginx gets pages built for it, marked private."""
    staff = Client(cluster.url)
    staff.log_in(STAFF, cluster.password, cluster.codes.pop())
    for _ in range(3):
        status, _s, headers, _body = staff.get("/projects/")
        assert status == 200
        assert "X-Page-Cache" not in headers
        assert "private" in headers["Cache-Control"] and "no-store" in headers["Cache-Control"]
    for name, client in entrances(cluster).items():
        status, page = visit(cluster, client, "/projects/")
        assert status == 200 and STAFF not in page, name
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page).group(1)
        assert client.get(stylesheet)[0] == 200, (name, stylesheet)
        assert not re.search(r"csrfmiddlewaretoken|/admin/logout/", page), name
