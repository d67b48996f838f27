"""The API's exact amounts, rate limit, ETags, docs page and query counts."""

import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.api.amounts import InexactNumber, exact_json
from cooperation.models import Figure
from tests.factories import add_activity, make_beneficiary, make_figure, make_project

API = "/api/v1/"
# Figure.value: DecimalField(max_digits=18, decimal_places=2).
LARGEST_STORABLE = Decimal("9999999999999999.99")
LARGEST_ON_SQLITE = Decimal("9999999999999.99")


def test_amounts_are_written_with_their_stored_digits():
    assert Figure._meta.get_field("value").max_digits == 18
    assert exact_json({"value": LARGEST_STORABLE}) == '{"value":9999999999999999.99}'
    assert exact_json([Decimal("3056500.07"), Decimal("0.10")]) == "[3056500.07,0.10]"
    assert json.loads(exact_json(LARGEST_STORABLE), parse_float=Decimal) == LARGEST_STORABLE


@pytest.mark.parametrize("value", [0.1, Decimal("NaN"), Decimal("Infinity")])
def test_inexact_numbers_are_refused_not_rounded(value):
    with pytest.raises(InexactNumber):
        exact_json({"value": value})


def test_an_amount_with_fen_round_trips_through_the_api(client, world):
    project = make_project(world.pairing, world.source)
    figure = make_figure(world.source, "3056500.07", project=project)
    response = client.get(f"{API}figures/{figure.pk}")
    assert b'"value":3056500.07,' in response.content
    assert json.loads(response.content)["value"] == 3056500.07  # a double reader too
    assert json.loads(response.content, parse_float=Decimal)["value"] == Decimal("3056500.07")


def test_the_largest_exactly_storable_amount_round_trips_through_the_api(client, world):
    # Figure.value holds 18 digits; SQLite keeps a NUMERIC of more than 15 significant
    # digits as a double, so there the largest exact amount has 15.
    largest = LARGEST_STORABLE if connection.vendor != "sqlite" else LARGEST_ON_SQLITE
    # A beneficiary's: a project's own funds (Project.funds) hold 16 digits, not 18.
    beneficiary = make_beneficiary(world.source)
    figure = make_figure(world.source, largest, beneficiary=beneficiary)
    response = client.get(f"{API}figures/{figure.pk}")
    assert f'"value":{largest},'.encode() in response.content
    assert json.loads(response.content, parse_float=Decimal)["value"] == largest


def test_too_many_requests_from_one_address_get_429_and_retry_after(client, db, settings):
    cache.clear()
    settings.API_RATE_LIMIT = 2
    assert client.get(f"{API}sources/").status_code == 200
    assert client.get(f"{API}regions/").status_code == 200
    refused = client.get(f"{API}sources/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["retry_after"] == int(refused["Retry-After"])
    assert refused.json()["detail"]
    other_address = client.get(f"{API}sources/", REMOTE_ADDR="203.0.113.9")
    assert other_address.status_code == 200
    cache.clear()


def test_etag_gives_304_until_the_data_changes(client, world):
    first = client.get(f"{API}projects/")
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    unchanged = client.get(f"{API}projects/", HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == etag
    make_project(world.pairing, world.source)
    changed = client.get(f"{API}projects/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.addresses, self.inline = [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.addresses += [value for name, value in attrs if name in ("src", "href") and value]
        self.inline += [name for name, _value in attrs if name.startswith("on") or name == "style"]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append(data)


def test_docs_page_loads_only_the_sites_own_files(client, db):
    response = client.get(f"{API}docs")
    assert response.status_code == 200
    page = Page()
    page.feed(response.content.decode())
    assert page.inline == []
    assert page.addresses
    assert all(address.startswith("/static/") for address in page.addresses), page.addresses
    assert b"http://" not in response.content and b"https://" not in response.content
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def warm_queries(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


LISTS = [
    "projects/?limit=100",
    "pairings/?limit=100",
    "beneficiaries/?limit=100",
    "organizations/?limit=100",
    "regions/?limit=100",
    "sources/",
    "figures/?limit=100",
    "totals/",
    "totals/funds?limit=100",
]


def test_lists_make_the_same_few_queries_at_two_sizes(client, world):
    add_activity(world, 2)
    small = {path: warm_queries(client, f"{API}{path}") for path in LISTS}
    add_activity(world, 12)
    large = {path: warm_queries(client, f"{API}{path}") for path in LISTS}
    assert large == small
    assert max(large.values()) <= 8, large
