"""Summaries that may lag behind an edit of values for anonymous visitors while they are
computed again (cooperation/counting.py), never behind a move, never for staff; and the
narrow scopes of a figure's edit, of feeds, sitemaps and the site search."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from cooperation import counting, roles
from cooperation.counting import MOVES, cached, summary
from cooperation.models import Figure, Publication
from tests.factories import add_activity, make_figure, make_project, make_staff
from tests.test_invalidation import Elsewhere, replaced_by

LAGGING_NOTE = "本页的合计正在按最近一次修改重新计算"


def refreshes(pending):
    while pending:
        pending.pop(0)()


def visit(client, path):
    response = client.get(path)
    return response, response.headers.get("X-Page-Cache")


def edit_value(figure, value):
    with transaction.atomic():
        figure.value = Decimal(value)
        figure.save()


@pytest.fixture
def funded(world):
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    return make_figure(world.source, 1_234_567, project=project, places=[world.bayang])


def test_an_edit_of_a_value_lags_for_visitors_until_the_summary_is_computed_again(
    world, client, lag, funded
):
    page = f"/regions/{world.ziyun.pk}/"
    assert "123.4567万元" in visit(client, page)[0].content.decode()
    assert visit(client, page)[1] == "hit"

    edit_value(funded, 7_654_321)
    response, state = visit(client, page)

    text = response.content.decode()
    assert state == "lagging" and "no-store" in response["Cache-Control"]
    assert "123.4567万元" in text and LAGGING_NOTE in text
    # One refresh of each summary of the page (totals, diagram), however many visitors come.
    started = len(lag)
    assert started >= 1
    visit(client, page)
    assert len(lag) == started

    refreshes(lag)
    response, state = visit(client, page)
    assert state == "miss" and "765.4321万元" in response.content.decode()
    assert LAGGING_NOTE not in response.content.decode()
    assert visit(client, page)[1] == "hit"


def test_staff_never_see_a_lagging_summary(world, client, lag, funded):
    page = f"/regions/{world.ziyun.pk}/"
    visit(client, page)
    edit_value(funded, 7_654_321)
    client.force_login(make_staff(roles.EDITORS))

    response = client.get(page)

    assert "765.4321万元" in response.content.decode() and "X-Page-Cache" not in response
    assert lag == []


def unpublish(figure):
    figure.project.status = Publication.DRAFT
    figure.project.save()


def add_figure(figure):
    make_figure(figure.source, 5, project=figure.project)


@pytest.mark.parametrize(
    "move",
    [unpublish, add_figure, lambda figure: figure.delete(), lambda f: f.places.set([])],
    ids=["project unpublished", "figure added", "figure deleted", "place unlinked"],
)
def test_every_change_but_an_edit_of_values_is_a_move(world, funded, move):
    def change():
        with transaction.atomic():
            move(funded)

    assert replaced_by(change, [MOVES]) == {MOVES}


def test_an_unpublished_project_leaves_the_summaries_at_once(world, client, lag, funded):
    page = f"/regions/{world.ziyun.pk}/"
    title = funded.project.title
    assert title in visit(client, page)[0].content.decode()

    project = funded.project
    project.status = Publication.DRAFT
    with transaction.atomic():
        project.save()
    response, state = visit(client, page)

    assert state == "miss" and title not in response.content.decode()
    assert "123.4567万元" not in response.content.decode() and lag == []


def test_a_lag_ends_after_its_time_and_the_visitor_computes_the_summary(
    world, client, lag, funded, monkeypatch, settings
):
    page = f"/regions/{world.ziyun.pk}/"
    visit(client, page)
    edit_value(funded, 7_654_321)
    assert visit(client, page)[1] == "lagging"

    later = counting.time.time() + settings.SUMMARY_LAG_SECONDS + 1
    monkeypatch.setattr(counting.time, "time", lambda: later)
    response, state = visit(client, page)

    assert state == "miss" and "765.4321万元" in response.content.decode()


def test_no_lag_when_the_setting_is_zero(world, client, lag, funded, settings):
    settings.SUMMARY_LAG_SECONDS = 0
    page = f"/regions/{world.ziyun.pk}/"
    visit(client, page)
    edit_value(funded, 7_654_321)

    response, state = visit(client, page)

    assert state == "miss" and "765.4321万元" in response.content.decode()


def test_a_value_kept_under_current_versions_is_never_built_from_a_lagging_summary(
    db, lag, settings
):
    counting.request_started_here()
    try:
        counting.allow_lag()
        summary("sum", lambda: 1, ["totals"])
        counting.bump("totals")
        counting.request_started_here()
        counting.allow_lag()
        assert summary("sum", lambda: 2, ["totals"]) == 1  # lags
        kept = cached("outer", lambda: summary("sum", lambda: 3, ["totals"]), ["totals"])
    finally:
        counting.request_ended_here()
    assert kept == 3


def test_a_figure_edit_leaves_the_record_lists_feeds_sitemaps_and_search_cached(world, client, lag):
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    other = Elsewhere(world)
    jobs = make_figure(
        world.source, 30, project=project, measure=Figure.Measure.JOBS, unit=Figure.Unit.PERSON
    )
    funds = make_figure(world.source, 1000, project=project)
    unaffected = [
        "/projects/",
        "/pairings/",
        "/beneficiaries/",
        "/feeds/projects.atom",
        "/sitemap.xml",
        "/sitemap-projects.xml",
        "/search/?q=紫云",
        f"/feeds/regions/{other.sichuan.pk}.atom",
    ]
    for path in [*unaffected, "/api/v1/projects/", project.get_absolute_url()]:
        visit(client, path)

    edit_value(jobs, 31)

    assert [visit(client, path)[1] for path in unaffected] == ["hit"] * len(unaffected)
    assert visit(client, project.get_absolute_url())[1] == "miss"
    # The project lists show a project's own funds; the feeds and the sitemap do not.
    edit_value(funds, 2000)
    assert [visit(client, path)[1] for path in ["/projects/", "/api/v1/projects/"]] == ["miss"] * 2
    assert [visit(client, path)[1] for path in unaffected[1:]] == ["hit"] * 7


def test_a_project_change_reaches_its_feeds_and_the_sitemap(world, client, lag):
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    other = Elsewhere(world)
    paths = ["/feeds/projects.atom", f"/feeds/regions/{world.ziyun.pk}.atom"]
    paths += ["/sitemap-projects.xml", f"/feeds/regions/{other.sichuan.pk}.atom"]
    for path in paths:
        visit(client, path)

    project.title = "紫云红心薯冷链"
    with transaction.atomic():
        project.save()

    assert [visit(client, path)[1] for path in paths] == ["miss", "miss", "miss", "hit"]
    assert "紫云红心薯冷链" in visit(client, paths[0])[0].content.decode()


def test_an_edit_of_a_value_replaces_no_list_and_costs_the_same_at_any_size(world):
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    figure = make_figure(
        world.source, 30, project=project, measure=Figure.Measure.JOBS, unit=Figure.Unit.PERSON
    )
    lists = ["list:project", "list:pairing", "list:beneficiary", MOVES]

    assert replaced_by(lambda: edit_value(figure, 31), lists) == set()

    def queries():
        with CaptureQueriesContext(connection) as captured:
            edit_value(figure, figure.value + 1)
        return len(captured)

    few = queries()
    add_activity(world, 20)
    assert queries() == few
