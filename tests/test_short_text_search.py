"""Text of one or two characters, most Chinese words: looked up through an index on both
databases, found in full even among many records that merely hold its characters, and
counted on the project list as a summary that may lag behind a rename, never a move."""

import pytest
from django.db import connection, transaction

from cooperation import search, site_search
from cooperation.models import Publication
from cooperation.search import candidates, searched_fields
from cooperation.site_search import MODELS
from tests.factories import make_project
from tests.test_summary_lag import refreshes

TEA = "茶叶"


@pytest.mark.parametrize("kind", sorted(MODELS))
@pytest.mark.parametrize("text", ["茶", TEA])
def test_short_text_is_looked_up_through_an_index_of_every_searched_table(db, kind, text):
    """The index's expression (migration 0018 on PostgreSQL) must stay the one the search
    asks for, or the search reads every row."""
    model = MODELS[kind]
    table = model._meta.db_table
    found = candidates(model, text, searched_fields(model))
    assert found is not None
    if connection.vendor == "sqlite":
        assert f"FROM {table}_terms" in found.sql
        return
    sql, params = found.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"{table.removeprefix('cooperation_')}_characters_idx" in plan, plan


@pytest.fixture
def few(monkeypatch):
    """FEW at 5, so that "many" candidates are a handful of records."""
    monkeypatch.setattr(search, "FEW", 5)
    monkeypatch.setattr(site_search, "FEW", 5)
    return 5


def test_a_short_text_is_found_among_more_records_holding_its_characters_than_are_read(
    world, client, few
):
    for number in range(few + 3):
        make_project(world.pairing, world.source, title=f"叶片{number}与茶园")
    wanted = {make_project(world.pairing, world.source, title=f"{TEA}基地{n}").pk for n in (1, 2)}

    response = client.get("/search/", {"q": TEA, "kind": "projects"})
    assert {project.pk for project in response.context["records"]} == wanted

    listed = client.get("/projects/", {"q": TEA})
    assert {row.record.pk for row in listed.context["table"].page.object_list} == wanted
    assert listed.context["table"].page.paginator.count == 2


def listed(client):
    response = client.get("/projects/", {"q": TEA})
    rows = response.context["table"].page.object_list
    count = response.context["table"].page.paginator.count
    return response.headers.get("X-Page-Cache"), count, {row.record.title for row in rows}


def test_a_common_text_search_count_lags_behind_a_rename_for_visitors_never_a_move(
    world, client, lag, few
):
    """Common text (more than FEW candidates) is counted by reading every match; rarer text
    is counted among its candidates' ids, read afresh each time, and never lags."""
    projects = [make_project(world.pairing, world.source, title=f"{TEA}基地{n}") for n in range(7)]
    titles = {project.title for project in projects}
    assert listed(client) == ("miss", 7, titles)

    first = projects[0]
    with transaction.atomic():
        first.title = "蔬菜基地"
        first.save()
    # The rows are read afresh; their count, a summary, is the one from before the rename.
    assert listed(client) == ("lagging", 7, titles - {f"{TEA}基地0"})

    refreshes(lag)
    assert listed(client)[:2] == ("miss", 6)

    with transaction.atomic():
        make_project(world.pairing, world.source, title=f"{TEA}合作社")
    assert listed(client)[:2] == ("miss", 7)

    with transaction.atomic():
        projects[1].status = Publication.DRAFT
        projects[1].save()
    assert listed(client)[:2] == ("miss", 6)
