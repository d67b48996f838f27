"""Pieces of pages kept rendered for their record's data (cooperation/fragments.py): after
a change, a list page renders again only the rows of the records that changed, and an IATI
file only their activities."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache

from cooperation import counting, fragments, iati
from cooperation.models import Figure
from cooperation.tables import ProjectTable
from tests.factories import make_project

PATH = "/projects/"


@pytest.fixture
def rendered(world, settings, monkeypatch):
    """The titles of the project rows rendered (not taken from the cache), visit by visit."""
    settings.PAGE_CACHE = True
    monkeypatch.setattr(counting, "in_background", lambda work, name: work())
    cache.clear()
    titles = []
    render_title = ProjectTable.render_title

    def counted(table, record):
        titles.append(record.title)
        return render_title(table, record)

    monkeypatch.setattr(ProjectTable, "render_title", counted)
    yield titles
    cache.clear()


def projects(world, count):
    return [
        make_project(world.pairing, world.source, title=f"项目{n}", funds=1000 * (n + 1))
        for n in range(count)
    ]


def visit(client, titles, path=PATH):
    titles.clear()
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_change_of_funds_renders_only_the_row_of_its_project(world, client, rendered):
    first, second, third = projects(world, 3)
    visit(client, rendered)
    assert sorted(rendered) == ["项目0", "项目1", "项目2"]

    figure = Figure.objects.get(project=second)
    figure.value = Decimal("250000")
    figure.save()
    page = visit(client, rendered)

    assert rendered == ["项目1"]  # the page was built again, with two rows kept
    assert "25万元" in page
    assert first.title in page and third.title in page


def test_a_renamed_place_renders_every_row_that_names_it(world, client, rendered):
    project = make_project(world.pairing, world.source, title="坝羊项目", locations=[world.bayang])
    make_project(world.pairing, world.source, title="无地点项目")
    visit(client, rendered)

    world.bayang.name = "坝羊新镇"
    world.bayang.save()
    page = visit(client, rendered)

    assert sorted(rendered) == sorted([project.title, "无地点项目"])
    assert "坝羊新镇" in page


def test_rows_are_kept_apart_by_language(world, client, rendered):
    make_project(world.pairing, world.source, title="茶叶基地", title_en="Tea base")
    assert "茶叶基地" in visit(client, rendered)
    english = visit(client, rendered, f"/en{PATH}")
    assert rendered == ["茶叶基地"]  # rendered again, in English
    assert "Tea base" in english


def test_a_row_is_not_kept_when_the_data_changed_while_the_page_was_built(
    world, client, rendered, monkeypatch
):
    project, _other = projects(world, 2)
    read = fragments.tokens_since_start

    def changed_meanwhile(scopes):
        counting.bump(f"project:{project.pk}")
        return read(scopes)

    monkeypatch.setattr(fragments, "tokens_since_start", changed_meanwhile)
    visit(client, rendered)
    monkeypatch.setattr(fragments, "tokens_since_start", read)
    visit(client, rendered)

    assert sorted(rendered) == ["项目0", "项目1"]  # nothing was kept the first time


def test_pages_built_for_a_session_render_every_row_and_keep_none(world, client, rendered):
    projects(world, 2)
    client.cookies["sessionid"] = "a-visitor-with-a-session"
    visit(client, rendered)
    visit(client, rendered)

    assert sorted(rendered) == ["项目0", "项目1"]
    assert not [key for key in cache._cache if fragments.PREFIX in key]


@pytest.fixture
def built_activities(rendered, settings, monkeypatch):
    """The titles of the projects whose IATI activity was built, visit by visit."""
    settings.IATI_REPORTING_ORG_REF = "XM-DAC-00000"
    settings.IATI_REPORTING_ORG_TYPE = "10"
    settings.IATI_REPORTING_ORG_NAME = "测试发布者"
    titles = []
    activity = iati.activity

    def counted(project, reporter, origin):
        titles.append(project.title)
        return activity(project, reporter, origin)

    monkeypatch.setattr(iati, "activity", counted)
    return titles


def iati_file(client, titles, world):
    titles.clear()
    response = client.get("/api/v1/iati/activities.xml", {"region": world.bayang.pk})
    assert response.status_code == 200
    # The file says when it was generated; the rest is what the activities hold.
    return re.sub(r'generated-datetime="[^"]+"', "", response.content.decode())


def test_an_iati_file_builds_again_only_the_activities_of_changed_projects(
    world, client, built_activities
):
    here = [
        make_project(world.pairing, world.source, title=f"坝羊{n}", locations=[world.bayang])
        for n in range(3)
    ]
    figure = Figure.objects.create(
        project=here[1],
        source=world.source,
        measure=Figure.Measure.ASSISTANCE_FUNDS,
        unit=Figure.Unit.YUAN,
        value=Decimal("1000"),
        kind=Figure.Kind.ACTUAL,
    )
    iati_file(client, built_activities, world)
    assert sorted(built_activities) == ["坝羊0", "坝羊1", "坝羊2"]

    figure.value = Decimal("4321")
    figure.save()
    kept = iati_file(client, built_activities, world)
    assert built_activities == ["坝羊1"]
    assert "4321" in kept

    cache.clear()
    assert iati_file(client, built_activities, world) == kept  # as if built whole
    assert len(built_activities) == 3


def test_a_pairing_keeps_its_indicators_drawn_until_one_of_them_changes(world, client, monkeypatch):
    from cooperation.views import details
    from tests.factories import make_indicator

    drawn = []
    charts = details.indicator_charts
    monkeypatch.setattr(details, "indicator_charts", lambda rows: drawn.append(1) or charts(rows))
    indicator = make_indicator(world.pairing, Figure.Measure.JOBS, 2023, 120)
    project = make_project(world.pairing, world.source, funds=1000)
    path = world.pairing.get_absolute_url()
    client.get(path)

    funds = Figure.objects.get(project=project)
    funds.value = Decimal("2000")
    funds.save()
    client.get(path)
    assert len(drawn) == 1  # a project's figure leaves the indicators as they were drawn

    figure = indicator.figures.get()
    figure.value = Decimal("345")
    figure.save()
    assert "345" in client.get(path).content.decode()
    assert len(drawn) == 2
