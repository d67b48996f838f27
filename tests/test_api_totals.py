"""The API's totals are the pages' totals: on the article's records, the home page's
headline cards, a region page's and a breakdown page's, figure for figure."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from cooperation.models import Figure, Project, Publication, Region
from tests.factories import make_figure

API = "/api/v1/"
FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


@pytest.fixture
def article(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def get(client, path, **query):
    response = client.get(f"{API}{path}", query)
    assert response.status_code == 200, response.content[:300]
    return json.loads(response.content, parse_float=Decimal)


def as_numbers(totals):
    return [(total.headline.key, total.value, total.qualifier, total.count) for total in totals]


def api_numbers(answer):
    return [
        (total["key"], total["value"], total["qualifier"], total["count"])
        for total in answer["results"]
    ]


@pytest.mark.parametrize("year", [None, 2022, 2023])
def test_totals_are_the_home_pages_headline_cards(client, article, year):
    home = client.get(reverse("cooperation:home"), {"year": year} if year else {})
    cards = home.context["dashboard"].totals
    query = {"year": year} if year else {}
    api = get(client, "totals/", **query)
    assert api_numbers(api) == as_numbers(cards)
    funds = next(total for total in api["results"] if total["key"] == "funds")
    assert funds["value"] is not None and funds["unit"] == "元"
    assert funds["url"].startswith("http://testserver/totals/funds/")


def test_a_regions_totals_are_its_pages(client, article):
    ziyun = Region.objects.get(name="紫云苗族布依族自治县")
    page = client.get(reverse("cooperation:region-detail", kwargs={"pk": ziyun.pk}))
    shown = page.context["summary"].totals
    api = get(client, "totals/", region=ziyun.pk)
    listed = {row[0]: row for row in api_numbers(api)}
    assert [listed[key] for key, *_rest in as_numbers(shown)] == as_numbers(shown)


def test_a_breakdown_lists_the_figures_its_total_added(client, article):
    answer = get(client, "totals/funds", reason="added", limit=3)
    total = answer["total"]
    added, url = list(answer["figures"]), answer["next"]
    while url:
        page = json.loads(client.get(url).content, parse_float=Decimal)
        added += page["figures"]
        url = page["next"]
    assert {figure["reason"] for figure in added} == {"added"}
    assert sum(figure["value"] for figure in added) == total["value"]
    assert len(added) == total["count"]
    assert all(figure["quote"] and figure["source_url"] for figure in added)


def test_a_breakdown_pages_through_every_kind_once(client, article):
    """Pages go by kind, then id; the cursor carries both, so none is skipped or repeated."""
    project = Project.objects.published().order_by("pk").first()
    for kind in (Figure.Kind.EXPECTED, Figure.Kind.TARGET, Figure.Kind.EXPECTED):
        make_figure(project.source, 1_000_000, project=project, kind=kind)
    whole = get(client, "totals/funds", limit=100)
    assert whole["next"] is None
    url, paged = "/api/v1/totals/funds?limit=2", []
    while url:
        page = json.loads(client.get(url).content)
        paged += [(figure["kind"], figure["id"]) for figure in page["figures"]]
        url = page["next"]
    assert paged == [(figure["kind"], figure["id"]) for figure in whole["figures"]]
    assert paged == sorted(paged)
    assert {kind for kind, _id in paged} == {"actual", "expected", "target"}


def test_totals_leave_drafts_out(client, article):
    before = get(client, "totals/")
    project = Figure.objects.filter(project__isnull=False).first().project
    project.status = Publication.DRAFT
    project.save()
    after = get(client, "totals/")
    assert api_numbers(after) != api_numbers(before)
    home = client.get(reverse("cooperation:home")).context["dashboard"].totals
    assert api_numbers(after) == as_numbers(home)


def test_an_unknown_region_or_total_is_a_404(client, article):
    assert client.get(f"{API}totals/", {"region": 10**9}).status_code == 404
    assert client.get(f"{API}totals/nothing").status_code == 404
