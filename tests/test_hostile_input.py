"""Hostile input against every public URL: random and adversarial query strings, paths and
headers, sent as raw bytes the way a scanner would.

Whatever arrives, the portal answers without a server error or a traceback, echoes
nothing that could run as script, and redirects only within the site. The examples are
derandomized, so a run is repeatable; the article's records are loaded once per module.
"""

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import transaction
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperation.filters import BeneficiaryFilter, PairingFilter, ProjectFilter
from cooperation.models import Project, Publication
from tests.factories import make_project
from tests.public_urls import job_paths, public_paths, public_url_names

FIXTURES = sorted(
    str(path) for path in (Path(django_settings.BASE_DIR) / "fixtures").glob("*.json")
)
URL_NAMES = public_url_names()

pytestmark = [
    pytest.mark.django_db,
    # django-tables2 warns when a sort name holds a dot; visitors' sort names often do.
    pytest.mark.filterwarnings("ignore:Use '__' to separate path components:DeprecationWarning"),
]

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
RAW_MARKUP = ("<script>alert(", "<img src=x onerror", "onerror=alert(1)>")
TRACEBACK_TEXT = ("Traceback (most recent call last)", "Exception Value:", 'File "/')

PARAMETERS = sorted(
    {
        name
        for filterset in (ProjectFilter, PairingFilter, BeneficiaryFilter)
        for name in filterset.base_filters
    }
    | {"q", "sort", "page", "per_page", "_export", "table", "labels", "p", "kind", "next"}
    | {"language"}
)
NUMBERS = [
    "0",
    "-1",
    "-0",
    "1.5",
    "1e3",
    "1e309",
    "-1e309",
    "inf",
    "NaN",
    "0x1F",
    "１２",
    str(10**30),
    str(-(10**30)),
    str(2**63),
    "9" * 10_000,
]
TEXTS = [
    "",
    " ",
    "x" * 10_000,
    "红" * 10_000,
    "\x00",
    "a\x00b",
    "\u202eexe.txt",
    "\u200f\u200e\u200b",
    "🙂🇨🇳👨‍👩‍👧",
    "\ufeff",
    "\\ud800",
    "\r\nSet-Cookie: stolen=1",
]
INJECTIONS = [
    "'; DROP TABLE cooperation_project; --",
    "' OR '1'='1",
    "1) OR (1=1",
    "%' --",
    "\\",
    SCRIPT,
    IMAGE,
    "javascript:alert(1)",
    "{{ 7|add:7 }}{% debug %}",
    "../../../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "\\\\evil.example",
]
SORTS = ["-", "--", "---title", "-title", "title", "-funds", "funds,-title", "__class__", "pk"]
EXPORTS = ["csv", "CSV", "json", "xlsx", "latex", "tsv", "ods", "csv\x00", "json;csv", "yaml"]
VALUES = NUMBERS + TEXTS + INJECTIONS + SORTS + EXPORTS

# Raw pieces no browser would send: broken or truncated escapes, a UTF-8-encoded lone
# surrogate, overlong and invalid bytes, empty keys, separators alone.
BROKEN_QUERY_PIECES = [
    b"%",
    b"%%",
    b"%zz",
    b"q=%",
    b"q=%E4%B8",
    b"q=%ED%A0%80",
    b"q=%C0%AF",
    b"q=%FF%FE",
    b"q=%00",
    b"q=\xff\xfe",
    b"q=\xe7\xba\xa2",
    b"=",
    b"==",
    b"&&",
    b";",
    b"q",
    b"sort=%2D%2D",
    b"page=%2D1",
    b"_export=%63sv",
    b"q=%3Cscript%3Ealert(1)%3C/script%3E",
    b"q[]=1",
    b"q=" + IMAGE.encode(),
]
BROKEN_PATH_SEGMENTS = [
    b"",
    b".",
    b"..",
    b"%",
    b"%zz",
    b"\x00",
    b"\xff\xfe",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"0",
    b"-1",
    str(10**30).encode(),
    b"9" * 10_000,
    b"x" * 10_000,
    SCRIPT.encode(),
    IMAGE.encode(),
    "紫云🙂\u202e".encode(),
    b"'; DROP TABLE cooperation_project; --",
]
ACCEPT_LANGUAGES = ["", "*", "en", "zh-hans", "xx-YY;q=abc", "en;q=1e309", "a" * 10_000, "\x00"]

HYPOTHESIS = settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def paths(django_db_setup, django_db_blocker):
    """One path per public URL, a real published record for each page of a record. The
    article is loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", *FIXTURES, verbosity=0)
        published = Project.objects.published().select_related("pairing", "source").first()
        make_project(published.pairing, published.source, status=Publication.DRAFT)
        every = {**public_paths(), **job_paths()}
        yield {name: paths[0] for name, paths in every.items()}
        transaction.set_rollback(True)


def encoded(text):
    return quote(text, safe="").encode()


values = st.one_of(
    st.sampled_from(VALUES),
    st.text(max_size=30),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(str),
)
parameter_names = st.one_of(st.sampled_from(PARAMETERS), st.text(min_size=1, max_size=10))
pairs = st.builds(
    lambda name, value: encoded(name) + b"=" + encoded(value), parameter_names, values
)
query_strings = st.lists(st.one_of(pairs, st.sampled_from(BROKEN_QUERY_PIECES)), max_size=6).map(
    b"&".join
)
segments = st.one_of(
    st.sampled_from(BROKEN_PATH_SEGMENTS),
    st.binary(max_size=20),
    st.text(max_size=20).map(str.encode),
)


class Markup(HTMLParser):
    """Collects what in a page could run script: inline <script> bodies and on* handlers.
    The portal's own pages have neither (its CSP forbids them)."""

    def __init__(self):
        super().__init__()
        self.runnable = []
        self._in_script = self._in_data_block = False

    def handle_starttag(self, tag, attrs):
        self.runnable += [f"{tag} {name}" for name, _value in attrs if name.startswith("on")]
        # JSON-LD is a data block, never run, but what a visitor sent must not end it early:
        # its whole body has to stay one JSON document.
        self._in_data_block = tag == "script" and dict(attrs).get("type") == "application/ld+json"
        self._in_script = tag == "script" and not self._in_data_block

    def handle_endtag(self, tag):
        self._in_script = self._in_data_block = False

    def handle_data(self, data):
        if self._in_data_block:
            try:
                json.loads(data)
            except ValueError:
                self.runnable.append(data)
        elif self._in_script and data.strip():
            self.runnable.append(data)


def send(client, path_info, query_string=b"", accept_language=""):
    """A GET with the path and query string exactly as given, as a WSGI server passes them
    (bytes read as latin-1)."""
    return client.generic(
        "GET",
        "/",
        PATH_INFO=path_info.decode("latin-1"),
        QUERY_STRING=query_string.decode("latin-1"),
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )


def assert_answered_safely(response):
    assert response.status_code < 500
    body = response.content.decode("utf-8", errors="replace")
    for text in TRACEBACK_TEXT + RAW_MARKUP:
        assert text not in body
    if response.get("Content-Type", "").startswith("text/html"):
        markup = Markup()
        markup.feed(body)
        assert markup.runnable == []
    location = urlsplit(response.get("Location", ""))
    assert location.netloc in ("", "testserver")
    assert location.scheme in ("", "http", "https")


def test_every_public_url_has_a_page_to_visit(paths):
    assert set(paths) == set(URL_NAMES)
    assert all(paths.values())
    assert {"cooperation:project-detail", "sitemap", "healthz"} <= set(paths)


@pytest.mark.parametrize("name", URL_NAMES)
@given(query_string=query_strings, accept_language=st.sampled_from(ACCEPT_LANGUAGES))
@HYPOTHESIS
def test_random_query_strings_are_answered_safely(
    paths, client, name, query_string, accept_language
):
    response = send(client, paths[name].encode(), query_string, accept_language)

    assert_answered_safely(response)


@pytest.mark.parametrize("name", URL_NAMES)
@given(segment=segments, position=st.integers(min_value=0, max_value=3), replace=st.booleans())
@HYPOTHESIS
def test_odd_path_segments_are_answered_safely(paths, client, name, segment, position, replace):
    parts = paths[name].encode().split(b"/")
    position = min(position, len(parts) - 1) or 1
    parts[position : position + replace] = [segment]

    response = send(client, b"/".join(parts))

    assert_answered_safely(response)


@pytest.mark.parametrize("name", URL_NAMES)
def test_each_adversarial_value_in_every_parameter_is_answered_safely(paths, client, name):
    for value in VALUES:
        query_string = b"&".join(
            encoded(parameter) + b"=" + encoded(value) for parameter in PARAMETERS
        )
        assert_answered_safely(send(client, paths[name].encode(), query_string))
    assert_answered_safely(send(client, paths[name].encode(), b"&".join(BROKEN_QUERY_PIECES)))


@pytest.mark.parametrize("name", URL_NAMES)
def test_each_odd_segment_in_place_of_the_record_is_answered_safely(paths, client, name):
    path = paths[name].encode()
    prefix = path.rstrip(b"/").rsplit(b"/", 1)[0] if path.endswith(b"/") else path
    for segment in BROKEN_PATH_SEGMENTS:
        assert_answered_safely(send(client, prefix + b"/" + segment + b"/"))
        assert_answered_safely(send(client, path + segment))


@pytest.mark.parametrize("name", ["cooperation:project-list", "cooperation:beneficiary-list"])
@pytest.mark.parametrize("fragment", [SCRIPT, IMAGE])
def test_html_typed_into_the_search_comes_back_escaped(paths, client, name, fragment):
    response = client.get(paths[name], {"q": fragment, "sort": fragment, "page": fragment})

    content = response.content.decode()
    assert response.status_code == 200
    assert fragment not in content
    assert f'value="{escape(fragment)}"' in content


@pytest.mark.parametrize("name", URL_NAMES)
def test_a_thousand_repeated_parameters_are_answered_safely(paths, client, name):
    query_string = b"&".join([b"sort=-title", b"q=%3Cscript%3E", b"page=-1"] * 400)

    response = send(client, paths[name].encode(), query_string)

    assert_answered_safely(response)
