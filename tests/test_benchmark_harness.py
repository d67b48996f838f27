"""The benchmark's pure parts (databases, URLs, verdicts, tables), its query-count header,
the cluster's nginx configuration and the load test's reading of locust's results."""

import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from benchmarks import cluster, databases, export_job, loadtest, pages, report, servers, timing
from benchmarks.editor import serve as serve_edits

QUERY_COUNT = "portal.middleware_querycount.QueryCountMiddleware"


def result(median_ms, queries=5, status=200, url="/", unrelated=None, related=None):
    page = {"url": url, "status": status, "median_ms": median_ms, "queries": queries}
    if unrelated is not None:
        page.update(unrelated_ms=unrelated, related_ms=related, edit_statuses=[status])
    return page


def one_size(**overrides):
    """One size's results: /healthz 2 ms, every page 5 ms warm, 6 ms after an unrelated
    edit and 50 ms after a related one, with 5 queries, unless overridden."""
    found = {
        name: result(5.0, url=url, unrelated=6.0, related=50.0) for name, url, *_ in pages.PAGES
    }
    found[pages.HEALTHZ] = result(2.0, url="/healthz")
    found.update(overrides)
    return found


KINDS = [(name, kind) for name, _url, kind, _concerns in pages.PAGES]


def rows_at(table, size):
    return {row["name"]: row for row in table[size]}


def test_sqlite_databases_are_files_under_results_one_per_size():
    assert databases.database_for(1000, None) == (
        "sqlite",
        f"sqlite:///{databases.RESULTS / 'benchmark-1000.sqlite3'}",
    )
    assert databases.database_for(1000, "sqlite:////tmp/x.sqlite3")[0] == "sqlite"


def test_postgresql_databases_take_the_size_after_the_configured_name():
    kind, url = databases.database_for(1_000_000, "postgres://postgres@127.0.0.1:5432/bench")
    assert (kind, url) == ("postgresql", "postgres://postgres@127.0.0.1:5432/bench_1000000")


FACTS = {
    "town": 42,
    "county": 41,
    "year": 2023,
    "province": 4,
    "project": "p-1",
    "pairing": 7,
    "beneficiary": 8,
    "organization": 9,
    "source": "s-1",
    "api_cursor": "CcQ",
}


def test_page_urls_fill_in_the_records_of_each_page():
    urls = {name: url for name, url, _kind, _concerns in pages.page_urls(FACTS)}
    assert urls["projects in a town"] == "/projects/?region=42"
    assert urls["project detail"] == "/projects/p-1/"
    assert urls["county page"] == "/regions/41/"
    assert urls["funds breakdown of a province"] == "/totals/funds/?region=4"
    assert urls["pairing detail"] == "/pairings/7/"
    assert urls["source detail"] == "/sources/s-1/"
    assert urls["search 茶叶"] == "/projects/?q=%E8%8C%B6%E5%8F%B6"
    assert urls[pages.API_DEEP_PAGE] == "/api/v1/projects/?cursor=CcQ"
    assert urls["flow diagram data of a county"] == "/api/v1/flows/?region=41&flow=jobs"
    assert all(url.startswith("/") for url in urls.values())


def test_every_public_page_says_which_record_a_related_edit_touches():
    names = {name for name, *_ in pages.PAGES}
    assert {"home", "project list", "project detail", "pairing detail", "API projects"} <= names
    assert {"flow diagram data, national", "funds breakdown (the largest)", "people"} <= names
    for name, _url, _kind, concerns in pages.PAGES:
        assert concerns in pages.CONCERNS or name == pages.HEALTHZ, name
    assert any(pages.EXPORT in url for _name, url, *_ in pages.PAGES)


def test_facts_script_is_python_that_finds_a_figure_for_each_edit():
    script = pages.facts_script()
    compile(script, "facts", "exec")
    assert ".filter(**{'category': 'talent'})" in script
    for owner in (*pages.CONCERNS, "unrelated"):
        assert f'"{owner}":' in script


def test_staff_account_script_gives_the_backup_codes_asked_for():
    codes = databases.backup_codes(3)
    assert len(set(codes)) == 3 and all(len(code) == 10 for code in codes)
    assert not set("".join(codes)) - set(databases.CODE_ALPHABET)
    script = databases.staff_account_script("bench", "pw", codes)
    compile(script, "staff", "exec")
    assert repr(codes) in script and "confirmed=True" in script


def test_median_is_in_milliseconds():
    assert timing.median_ms([0.003, 0.001, 0.002]) == pytest.approx(2.0)
    assert timing.median_ms([]) is None


def test_pages_within_the_targets_pass():
    table = report.evaluate({1000: one_size(), 250_000: one_size()}, KINDS)
    assert all(row["result"] == "pass" for rows in table.values() for row in rows)
    home = rows_at(table, 250_000)["home"]
    assert home["vs_healthz"] == pytest.approx(2.5)
    assert home["related_vs_healthz"] == pytest.approx(25)


def test_a_warm_page_over_three_times_healthz_fails():
    table = report.evaluate({1000: one_size(home=result(7.0, unrelated=7.0, related=9.0))}, KINDS)
    assert rows_at(table, 1000)["home"]["result"] == "FAIL: warm 3.5× healthz > 3"


class CacheStates:
    """A client whose page the cache answers "lagging" for the first `lagging` visits."""

    def __init__(self, log, size, lagging):
        self.log, self.size, self.lagging = log, size, lagging

    def get(self, url, timeout):
        self.lagging -= 1
        state = "lagging" if self.lagging >= 0 else "hit"
        self.log.append((self.size, state))
        return 200, 0.001, {"X-Page-Cache": state}, b""


def test_every_size_is_settled_before_any_size_is_edited(monkeypatch):
    monkeypatch.setattr(timing.time, "sleep", lambda seconds: None)
    log = []
    clients = {1000: CacheStates(log, 1000, 0), 250_000: CacheStates(log, 250_000, 2)}
    urls = {size: [("home", "/", "page", "national")] for size in clients}
    timing.settle_all(clients, urls, 0)
    # The larger size's refresh, still running, is waited for as well as the smaller's own.
    assert log == [(1000, "hit"), (250_000, "lagging"), (250_000, "lagging"), (250_000, "hit")]


def test_an_unrelated_edit_may_cost_at_most_half_the_warm_time_again():
    slow = one_size(**{"project list": result(5.0, unrelated=8.0, related=8.0)})
    assert (
        "unrelated edit 1.6× warm"
        in rows_at(report.evaluate({1000: slow}, KINDS), 1000)["project list"]["result"]
    )


def test_an_unrelated_edit_is_compared_with_a_first_visit_after_the_edit_rolled_back():
    page = result(0.6, unrelated=1.4, related=40.0)
    page["rolled_back_ms"] = 1.2
    table = report.evaluate({1000: one_size(**{"project list": page})}, KINDS)
    assert rows_at(table, 1000)["project list"]["result"] == "pass"
    page["unrelated_ms"] = 1.9  # 1.6× the visit after the rolled-back edit
    table = report.evaluate({1000: one_size(**{"project list": page})}, KINDS)
    assert (
        "unrelated edit 1.6× warm after a rolled-back edit"
        in rows_at(table, 1000)["project list"]["result"]
    )


def test_the_editor_saves_a_figure_or_does_the_same_work_and_rolls_it_back(world):
    from tests.factories import make_figure, make_project

    project = make_project(world.pairing, world.source)
    figure = make_figure(world.source, "100", project=project)
    before = figure.value
    answers = []
    serve_edits([f"rollback {figure.pk} +1\n"], answers.append)
    figure.refresh_from_db()
    assert figure.value == before
    serve_edits([f"{figure.pk} +1\n", "nonsense\n"], answers.append)
    figure.refresh_from_db()
    assert figure.value == before + 1
    assert [answer.split()[0] for answer in answers] == ["ok", "ok", "error"]


def test_the_editor_marks_a_name_shown_and_takes_the_mark_away_again(world):
    from tests.factories import make_project

    project = make_project(world.pairing, world.source)
    title, start_year = project.title, world.pairing.start_year
    answers = []
    serve_edits(
        [f"rename project {project.slug} +1\n", f"rename pairing {world.pairing.pk} +1\n"],
        answers.append,
    )
    project.refresh_from_db()
    world.pairing.refresh_from_db()
    assert project.title == title + "·"
    assert world.pairing.start_year == start_year + 1
    serve_edits(
        [f"rename project {project.slug} -1\n", f"rename pairing {world.pairing.pk} -1\n"],
        answers.append,
    )
    project.refresh_from_db()
    world.pairing.refresh_from_db()
    assert (project.title, world.pairing.start_year) == (title, start_year)
    assert [answer.split()[0] for answer in answers] == ["ok"] * 4


def test_the_editor_says_which_record_has_no_name_to_correct(world):
    world.ziyun.name = world.ziyun.short_name = ""
    world.ziyun.save()
    answers = []
    serve_edits([f"rename region {world.ziyun.pk} +1\n"], answers.append)
    (answer,) = answers
    assert answer.startswith("error") and f"region {world.ziyun.pk} has no name" in answer


def test_a_list_without_figures_names_the_first_record_it_shows_for_its_related_edit(client, world):
    from tests.factories import make_project

    make_project(world.pairing, world.source)
    body = client.get("/pairings/").content.decode()
    assert pages.renamed_record("pairing list", body) == ("pairing", str(world.pairing.pk))
    feed = client.get("/feeds/projects.atom").content.decode()
    kind, slug = pages.renamed_record("Atom feed of projects", feed)
    assert kind == "project" and f"/projects/{slug}/" in feed
    assert pages.renamed_record("home", body) is None


def test_a_page_every_edit_concerns_is_held_to_the_related_target_after_any_edit():
    assert "home" in pages.EVERY_EDIT_CONCERNS
    lagging = one_size(home=result(5.0, unrelated=40.0, related=40.0))  # 20× /healthz
    slow = one_size(home=result(5.0, unrelated=200.0, related=40.0))  # 100×
    assert rows_at(report.evaluate({1000: lagging}, KINDS), 1000)["home"]["result"] == "pass"
    assert (
        "edit elsewhere (it concerns this page) 100× healthz > 60"
        in rows_at(report.evaluate({1000: slow}, KINDS), 1000)["home"]["result"]
    )


def test_a_page_the_far_edit_concerns_at_a_size_is_held_to_the_related_target_after_it():
    lagging = result(0.6, unrelated=27.0, related=28.0)  # 45× /healthz, 45× warm
    table = report.evaluate({1000: one_size(**{"pairing detail": lagging})}, KINDS)
    assert "unrelated edit 45.0× warm" in rows_at(table, 1000)["pairing detail"]["result"]
    lagging["far_concerns_it"] = True
    table = report.evaluate({1000: one_size(**{"pairing detail": lagging})}, KINDS)
    assert rows_at(table, 1000)["pairing detail"]["result"] == "pass"


def test_a_related_edit_is_held_to_sixty_then_at_a_million_to_120_times_healthz():
    page = result(5.0, unrelated=5.0, related=200.0)  # 100× /healthz
    table = report.evaluate(
        {1000: one_size(), 250_000: one_size(home=page), 1_000_000: one_size(home=page)}, KINDS
    )
    assert "related edit 100× healthz > 60" in rows_at(table, 250_000)["home"]["result"]
    assert rows_at(table, 1_000_000)["home"]["result"] == "pass"


def test_a_page_slower_than_half_again_its_time_at_the_smallest_size_fails():
    table = report.evaluate(
        {1000: one_size(), 250_000: one_size(home=result(8.0, 5, 200, "/", 8.0, 9.0))}, KINDS
    )
    assert "1.60× the time at 1,000 > 1.5" in rows_at(table, 250_000)["home"]["result"]


def test_query_counts_must_be_equal_and_at_most_fifteen():
    grown = report.evaluate(
        {1000: one_size(), 250_000: one_size(home=result(5.0, 6, 200, "/", 5.0, 9.0))}, KINDS
    )
    assert "queries 5 → 6" in rows_at(grown, 250_000)["home"]["result"]
    many = report.evaluate({1000: one_size(home=result(5.0, 16, 200, "/", 5.0, 9.0))}, KINDS)
    assert rows_at(many, 1000)["home"]["result"] == "FAIL: queries 16 > 15"


def test_an_error_status_fails_even_when_fast_and_so_does_one_after_an_edit():
    table = report.evaluate({1000: one_size(home=result(1.0, status=404))}, KINDS)
    assert "status 404" in rows_at(table, 1000)["home"]["result"]
    after_edit = result(5.0, unrelated=5.0, related=9.0)
    after_edit["edit_statuses"] = [200, 500]
    table = report.evaluate({1000: one_size(home=after_edit)}, KINDS)
    assert "status [500] after edits" in rows_at(table, 1000)["home"]["result"]


def test_page_200_may_be_missing_from_the_smallest_data_set_only():
    deep = pages.DEEP_PAGE
    missing = result(5.0, status=404, unrelated=5.0, related=9.0)
    small = report.evaluate({1000: one_size(**{deep: missing}), 250_000: one_size()}, KINDS)
    assert rows_at(small, 1000)[deep]["result"] == "pass"
    large = report.evaluate({1000: one_size(), 250_000: one_size(**{deep: missing})}, KINDS)
    assert rows_at(large, 250_000)[deep]["result"].startswith("FAIL: status 404")


def test_the_export_is_shown_not_held_to_the_page_targets():
    table = report.evaluate({1000: one_size(**{pages.EXPORT_PAGE: result(900.0)})}, KINDS)
    assert rows_at(table, 1000)[pages.EXPORT_PAGE]["result"] == "pass"


def test_admin_changelists_are_held_to_half_again_their_time_at_the_smallest_size():
    admin = {
        1000: {"项目": result(40.0, url="/admin/p/"), "数字": result(40.0, url="/admin/f/")},
        250_000: {"项目": result(50.0, url="/admin/p/"), "数字": result(80.0, url="/admin/f/")},
    }
    rows = {row["label"]: row for row in report.evaluate_admin(admin)}
    assert rows["项目"]["result"] == "pass"
    assert rows["项目"]["ratio"] == pytest.approx(1.25)
    assert rows["数字"]["result"] == "FAIL: 2.00× the time at 1,000"
    faster = report.evaluate_admin({1000: {"项目": result(40.0)}, 250_000: {"项目": result(20.0)}})
    assert faster[0]["ratio"] == pytest.approx(0.5)
    redirected = {1000: {"项目": result(40.0, status=302)}, 250_000: {"项目": result(40.0)}}
    assert "status 302 at 1,000" in report.evaluate_admin(redirected)[0]["result"]


def test_markdown_has_a_table_per_size_the_admin_table_and_the_misses():
    table = report.evaluate(
        {1000: one_size(), 250_000: one_size(home=result(20.0, 5, 200, "/", 21.0, 50.0))}, KINDS
    )
    admin = report.evaluate_admin({1000: {"项目": result(40.0)}, 250_000: {"项目": result(44.0)}})
    text = report.markdown(table, admin, {250_000: 120.0}, ["Machine: test"])
    assert "### 1,000 projects" in text and "### 250,000 projects" in text
    assert "| home | 5.0 | 2.5 | — | 6.0 | 1.20 | 50.0 | 25 | 5 | — | pass |" in text
    assert "| 项目 | 40.0 | 44.0 | 1.10 | pass |" in text
    assert "all 250,000 projects: 120.0 MB (FAIL" in text
    assert "- Machine: test" in text
    assert "- Targets missed: 2." in text


def test_client_refuses_any_host_but_loopback():
    with pytest.raises(ValueError, match="127.0.0.1"):
        servers.Client("http://example.org:80")
    assert servers.Client("http://127.0.0.1:8000").base == "http://127.0.0.1:8000"


def test_free_port_is_a_real_port():
    assert 1024 <= servers.free_port() <= 65535


def test_nginx_config_sends_pages_to_both_app_servers_with_the_forwarded_headers(tmp_path):
    text = cluster.nginx_config(8080, [8001, 8002], tmp_path)
    assert "listen 127.0.0.1:8080;" in text
    assert "server 127.0.0.1:8001;" in text and "server 127.0.0.1:8002;" in text
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
    assert f"alias {cluster.STATIC_ROOT}/;" in text
    assert f"pid {tmp_path}/nginx.pid;" in text
    assert not re.search(r"@[A-Z_]+@", text)
    without_static = cluster.nginx_config(8080, [8001, 8002], tmp_path, static_root=None)
    assert "location /static/" not in without_static and "location / {" in without_static


def test_cluster_environment_shares_one_database_and_redis_behind_one_proxy():
    env = cluster.Cluster(database="h18i_never_started", port=8080, app_ports=[1, 2]).env
    assert env["DATABASE_URL"] == "postgres://postgres@127.0.0.1:5432/h18i_never_started"
    assert env["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert env["DJANGO_TRUSTED_PROXY_COUNT"] == "1"


LOCUST_STATS = [
    {
        "Name": "home",
        "Request Count": "90",
        "Failure Count": "0",
        "Requests/s": "1.5",
        "50%": "40",
        "99%": "300",
    },
    {
        "Name": "Aggregated",
        "Request Count": "3000",
        "Failure Count": "0",
        "Requests/s": "50.0",
        "50%": "120",
        "99%": "800",
    },
]


def test_load_test_targets_read_locust_aggregate_row():
    mix = loadtest.summary(LOCUST_STATS, {"hit": 3, "miss": 1})
    assert mix == {
        "hits": 0.75,
        "requests": 3000,
        "failures": 0,
        "rps": 50.0,
        "p50": 120.0,
        "p99": 800.0,
    }
    floor = {**mix, "rps": 100.0}
    results = dict(zip([name for name, *_ in loadtest.RUNS[:3]], [mix, floor, mix], strict=True))
    assert all(ok for _text, ok in loadtest.targets(results))
    results[loadtest.RUNS[1][0]] = {**mix, "rps": 200.0}
    missed = [text for text, ok in loadtest.targets(results) if not ok]
    assert missed == ["50 visitors: 50.0 requests/s = 25% of /healthz's 200.0 (target ≥ 40%)"]


def settings_middleware(**env):
    code = "import portal.settings as s; print(s.MIDDLEWARE[0])"
    environment = {**os.environ, "DJANGO_SECRET_KEY": "x", **env}
    output = subprocess.run(
        [sys.executable, "-c", code],
        cwd=databases.ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )
    return output.stdout.strip()


def test_query_count_middleware_is_on_only_when_asked_for():
    assert settings_middleware(PORTAL_QUERY_COUNT_HEADER="1") == QUERY_COUNT
    assert settings_middleware(PORTAL_QUERY_COUNT_HEADER="0") != QUERY_COUNT


def test_query_count_header_counts_the_queries_of_a_request(client, db, settings):
    settings.MIDDLEWARE = [QUERY_COUNT, *settings.MIDDLEWARE]
    assert client.get(reverse("healthz"))["X-Query-Count"] == "1"


def test_no_query_count_header_by_default(client, db):
    assert "X-Query-Count" not in client.get(reverse("healthz"))


def test_the_export_benchmark_reads_peak_memory_and_the_job_page():
    own = export_job.peak_mb(os.getpid())
    assert 10 < own < 10_000
    page = reverse("job", args=["a1b2-c3"])
    assert export_job.JOB_PAGE.search(f"http://127.0.0.1{page}").group(1) == "a1b2-c3"
