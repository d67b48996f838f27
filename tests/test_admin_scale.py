"""The admin's changelists cost the same however large the tables grow: a fixed number of
queries, counts that stop at a cap instead of reading every row, an ordering an index
serves, and filters with a fixed few choices (cooperation/admin/base.py)."""

import io
import re

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation.admin.base import CappedPaginator, FlatChangelist
from cooperation.models import Figure, Project, Region

FLAT = [
    model
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, FlatChangelist)
]


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def synthesize(projects, seed):
    call_command("synthesize", projects=projects, seed=seed, stdout=io.StringIO())


@pytest.fixture
def superuser_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    client.force_login(user)
    return client


def visit(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in queries.captured_queries]


def test_every_cooperation_record_changelist_is_flat():
    names = {model._meta.model_name for model in FLAT}
    assert {"project", "figure", "pairing", "beneficiary", "benefit", "event"} <= names
    assert {"indicator", "region", "organization", "projectlocation"} <= names


def test_each_changelist_costs_the_same_queries_at_3_and_at_30_projects(superuser_client):
    synthesize(projects=3, seed=1)
    few = {model: len(visit(superuser_client, changelist(model))[1]) for model in FLAT}
    synthesize(projects=30, seed=2)
    assert Project.objects.count() == 33
    for model in FLAT:
        response, queries = visit(superuser_client, changelist(model))
        assert len(queries) == few[model], model
        rows = response.content.decode().count('class="action-select"')
        assert rows == min(model.objects.count(), FlatChangelist.list_per_page), model


def test_no_changelist_counts_or_lists_a_whole_table(superuser_client):
    synthesize(projects=30, seed=1)
    for model in FLAT:
        _response, queries = visit(superuser_client, changelist(model))
        table = model._meta.db_table
        for sql in queries:
            if "COUNT(" in sql.upper():
                # Counted through a LIMIT subquery: at most the cap's rows are read.
                assert f"LIMIT {CappedPaginator.cap + 1}" in sql, (model, sql)
            # Django's year filter and date hierarchy list a column's distinct values.
            assert not re.search(rf'SELECT DISTINCT .* FROM "{table}"', sql), (model, sql)


def test_the_count_stops_at_the_cap_and_the_pager_says_so(superuser_client, monkeypatch):
    synthesize(projects=30, seed=1)
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    response, queries = visit(superuser_client, changelist(Project))
    assert "10+" in response.content.decode()
    assert any("LIMIT 11" in sql for sql in queries if "COUNT(" in sql.upper())


def ordering_columns(model):
    model_admin = admin.site._registry[model]
    fields = [name.lstrip("-") for name in model_admin.get_ordering(request=None)]
    return ["pk" if name in ("pk", model._meta.pk.name) else name for name in fields]


def indexed_leading_fields(model):
    """The fields some index of the model begins with (the primary key included)."""
    meta = model._meta
    leading = {"pk"}
    leading |= {index.fields[0].lstrip("-") for index in meta.indexes if index.fields}
    leading |= {c.fields[0] for c in meta.constraints if getattr(c, "fields", None)}
    leading |= {f.name for f in meta.concrete_fields if f.unique or f.db_index}
    return leading


@pytest.mark.parametrize("model", FLAT, ids=lambda model: model._meta.model_name)
def test_default_ordering_begins_with_an_indexed_column(model):
    assert ordering_columns(model)[0] in indexed_leading_fields(model)


def test_the_page_query_reads_the_index_in_order_without_sorting(superuser_client):
    """The database's own plan for each changelist's page: no sort of the table."""
    synthesize(projects=30, seed=1)
    for model in FLAT:
        table = model._meta.db_table
        _response, queries = visit(superuser_client, changelist(model))
        page = next(
            sql
            for sql in queries
            if f'FROM "{table}"' in sql and "ORDER BY" in sql and "COUNT(" not in sql.upper()
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_sort = off")
                cursor.execute(f"EXPLAIN {page}")
                plan = " ".join(row[0] for row in cursor.fetchall())
                assert " Sort " not in f" {plan} ", (model, plan)
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {page}")
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert "TEMP B-TREE FOR ORDER BY" not in plan, (model, plan)


def test_project_county_filter_offers_counties_only_within_the_chosen_province(
    superuser_client,
):
    synthesize(projects=30, seed=1)
    url = changelist(Project)
    counties = Region.objects.filter(level=Region.Level.COUNTY, side="west")
    county = counties.first()
    province = county.ancestors()[0]
    page = superuser_client.get(url).content.decode()
    assert f"?county={county.pk}" not in page
    page = superuser_client.get(f"{url}?province={province.pk}").content.decode()
    assert f"county={county.pk}" in page
    others = counties.exclude(path__startswith=f"/{province.pk}/")
    assert not any(f"county={other.pk}" in page for other in others)
    listed = superuser_client.get(f"{url}?province={province.pk}&county={county.pk}")
    shown = set(listed.context["cl"].result_list.values_list("pk", flat=True))
    assert shown == set(Project.objects.in_region(county).values_list("pk", flat=True))


def test_year_filters_offer_fixed_years_and_filter_by_them(superuser_client):
    synthesize(projects=30, seed=1)
    url = changelist(Figure)
    response = superuser_client.get(f"{url}?year=2023")
    shown = list(response.context["cl"].result_list)
    assert shown and all(figure.year == 2023 for figure in shown)
    assert 'href="?year=2016"' in response.content.decode()
