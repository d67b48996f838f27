"""The benchmark's pure parts (its databases, URLs and verdicts) and its query-count header."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from benchmarks import run

QUERY_COUNT = "portal.middleware_querycount.QueryCountMiddleware"


def result(median_ms, queries=5, status=200, url="/"):
    return {"url": url, "status": status, "median_ms": median_ms, "queries": queries}


def results(**overrides):
    """One size's results, every page 10 ms with 5 queries unless overridden."""
    pages = {name: result(10.0, url=url) for name, url, _kind in run.PAGES}
    pages["admin project changelist"] = result(100.0, queries=9)
    pages.update(overrides)
    return pages


def row(rows, name):
    return next(r for r in rows if r["name"] == name)


def test_sqlite_databases_are_files_under_results_one_per_size():
    assert run.database_for(1000, None) == (
        "sqlite",
        f"sqlite:///{run.RESULTS / 'benchmark-1000.sqlite3'}",
    )
    assert run.database_for(1000, "sqlite:////tmp/x.sqlite3")[0] == "sqlite"


def test_postgresql_databases_take_the_size_after_the_configured_name():
    kind, url = run.database_for(250000, "postgres://postgres@127.0.0.1:5432/portal_bench")
    assert (kind, url) == ("postgresql", "postgres://postgres@127.0.0.1:5432/portal_bench_250000")


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
    urls = {name: url for name, url, _kind in run.page_urls(FACTS)}
    assert urls["projects in a town"] == "/projects/?region=42"
    assert urls["project detail"] == "/projects/p-1/"
    assert urls["province page"] == "/regions/4/"
    assert urls["county page"] == "/regions/41/"
    assert urls["home, one year"] == "/?year=2023"
    assert urls["funds breakdown of a province"] == "/totals/funds/?region=4"
    assert urls["pairing detail"] == "/pairings/7/"
    assert urls["beneficiary detail"] == "/beneficiaries/8/"
    assert urls["organization detail"] == "/organizations/9/"
    assert urls["source detail"] == "/sources/s-1/"
    assert urls["search 茶叶"] == "/projects/?q=%E8%8C%B6%E5%8F%B6"
    assert urls[run.API_DEEP_PAGE] == "/api/v1/projects/?cursor=CcQ"
    assert urls["IATI file of a town"] == "/api/v1/iati/activities.xml?region=42"
    assert all(url.startswith("/") for url in urls.values())


def test_every_page_asked_for_is_measured():
    names = {name for name, _url, _kind in run.PAGES}
    assert {"healthz", "home", "project list", "project detail", "pairing list"} <= names
    assert {"beneficiary list", "admin project changelist", "project list page 200"} <= names
    assert {"region list", "source detail", "organization detail", "people"} <= names
    assert {"funds breakdown (the largest)", "county page", "town page"} <= names
    assert any(run.EXPORT in url for _name, url, _kind in run.PAGES)


def test_median_is_in_milliseconds():
    assert run.median_ms([0.003, 0.001, 0.002]) == pytest.approx(2.0)


def test_pages_within_the_targets_pass():
    rows = run.evaluate(results(), results())
    assert all(r["result"] == "pass" for r in rows)
    assert row(rows, "home")["ratio"] == pytest.approx(1.0)


def test_a_page_more_than_half_as_slow_again_fails():
    rows = run.evaluate(results(), results(home=result(16.0)))
    assert row(rows, "home")["result"].startswith("FAIL: ratio 1.60")


def test_query_counts_must_be_equal_and_at_most_fifteen():
    grown = run.evaluate(results(), results(home=result(10.0, queries=6)))
    assert "queries 5 → 6" in row(grown, "home")["result"]
    many = run.evaluate(results(home=result(10.0, queries=16)), results(home=result(10.0, 16)))
    assert row(many, "home")["result"].startswith("FAIL")
    missing = run.evaluate(results(home=result(10.0, queries=None)), results())
    assert row(missing, "home")["result"].startswith("FAIL")


def test_an_error_status_fails_even_when_fast():
    rows = run.evaluate(results(), results(home=result(1.0, status=404)))
    assert "status 404" in row(rows, "home")["result"]


def test_project_list_must_take_at_most_half_the_admin_changelist():
    slow = run.evaluate(results(), results(**{"admin project changelist": result(15.0)}))
    assert "the admin changelist" in row(slow, "project list")["result"]
    assert row(slow, "admin project changelist")["result"] == "pass"


def test_export_and_admin_are_not_held_to_the_page_ratio():
    rows = run.evaluate(
        results(),
        results(
            **{"admin project changelist": result(900.0), "CSV export (~10,000 rows)": result(90.0)}
        ),
    )
    assert row(rows, "admin project changelist")["result"] == "pass"
    assert row(rows, "CSV export (~10,000 rows)")["result"] == "pass"


def test_markdown_table_shows_each_page_memory_and_the_misses():
    rows = run.evaluate(results(), results(home=result(20.0)))
    table = run.markdown(rows, (1000, 250000), {250000: 120.0}, ["Machine: test"])
    assert "| page | URL | median ms at 1,000 | median ms at 250,000 |" in table
    assert "| home | `/` | 10.0 | 20.0 | 2.00 | 5 | 5 | FAIL: ratio 2.00 > 1.5 |" in table
    assert "all 250,000 projects: 120.0 MB (FAIL" in table
    assert "- Machine: test" in table
    assert "- Targets missed: 2." in table


def test_client_refuses_any_host_but_loopback():
    with pytest.raises(ValueError, match="127.0.0.1"):
        run.Client("http://example.org:80")
    assert run.Client("http://127.0.0.1:8000").base == "http://127.0.0.1:8000"


def test_free_port_is_a_real_port():
    assert 1024 <= run.free_port() <= 65535


def settings_middleware(**env):
    code = "import portal.settings as s; print(s.MIDDLEWARE[0])"
    environment = {**os.environ, "DJANGO_SECRET_KEY": "x", **env}
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=run.ROOT, env=environment, capture_output=True, text=True
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


def test_page_200_may_be_missing_from_the_small_data_set_only():
    deep = run.DEEP_PAGE
    small = run.evaluate(results(**{deep: result(5.0, status=404)}), results(**{deep: result(5.0)}))
    assert row(small, deep)["result"] == "pass"
    table = run.markdown(small, (1000, 250000), {}, [])
    assert "| 5.0 (404) | 5.0 |" in table
    large = run.evaluate(results(), results(**{deep: result(5.0, status=404)}))
    assert row(large, deep)["result"] == "FAIL: status 404"


def test_facts_script_is_python_that_counts_the_export_filter():
    script = run.facts_script()
    compile(script, "facts", "exec")
    assert ".filter(**{'category': 'talent'})" in script
