"""The portal in two languages: Simplified Chinese by default, English on request.

The interface is translated; the data (names of places, projects, quotes) stays in
Chinese. The committed catalog must be complete and compiled, because `make run`
on a fresh machine has no GNU gettext to compile it.
"""

import csv
import datetime
import io
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf.urls.i18n import i18n_patterns
from django.core.management import call_command
from django.db import models
from django.test import Client
from django.urls import path, reverse
from django.utils import translation

from cooperation.formatting import quantity_text, yuan
from cooperation.models import (
    Beneficiary,
    Event,
    Organization,
    Pairing,
    Project,
    Qualifier,
    Region,
    Source,
)
from portal.urls import urlpatterns as portal_urlpatterns
from tests.factories import make_event, make_pairing

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOG.with_suffix(".mo")
FIXTURES = sorted(str(path) for path in (REPO / "fixtures").glob("*.json"))

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sd]|\{\w*\}")
ENGLISH_NAVIGATION = [
    "Home",
    "Projects",
    "Pairings",
    "Beneficiaries",
    "Organisations",
    "Regions",
    "Sources",
    "People",
]
CHINESE_NAVIGATION = ["首页", "项目", "结对关系", "受益对象", "单位", "区域", "来源", "人员"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
ATTRIBUTES_READ = ("aria-label", "title", "alt", "placeholder")
INTERFACE_TAGS = {"th", "label", "dt", "button", "caption", "figcaption", "legend", "summary"}


def broken_view(request):
    raise RuntimeError("a bug")


# This module doubles as a URLconf: the portal's URLs plus a view that fails (500 page).
urlpatterns = [
    *i18n_patterns(path("broken/", broken_view), prefix_default_language=False),
    *portal_urlpatterns,
]


# The catalog -----------------------------------------------------------------------


def catalog():
    return polib.pofile(str(CATALOG))


def messages(catalog_file):
    """(context, msgid) → translation(s) of every entry that is not obsolete."""
    found = {}
    for entry in catalog_file:
        if entry.obsolete or not entry.msgid:
            continue
        if entry.msgid_plural:
            translated = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
        else:
            translated = entry.msgstr
        found[(entry.msgctxt, entry.msgid)] = translated
    return found


def test_english_catalog_has_no_untranslated_or_fuzzy_entries():
    po = catalog()

    assert po.metadata["Language"] == "en"
    assert not po.metadata_is_fuzzy
    assert [entry.msgid for entry in po.untranslated_entries()] == []
    assert [entry.msgid for entry in po.fuzzy_entries()] == []
    assert [entry.msgid for entry in po.obsolete_entries()] == []
    assert len(po) > 400


def test_english_plurals_have_one_and_other_forms():
    po = catalog()

    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    plurals = [entry for entry in po if entry.msgid_plural]
    assert plurals
    for entry in plurals:
        assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid
        assert all(entry.msgstr_plural.values()), entry.msgid


def test_translations_keep_every_placeholder():
    for entry in catalog():
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        expected = set(PLACEHOLDER.findall(sources[-1]))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translated in translations:
            assert set(PLACEHOLDER.findall(translated)) == expected, entry.msgid


def test_translations_are_english():
    """Only examples of Chinese source wording (in “quotes”) may stay in a translation."""
    for key, translated in messages(catalog()).items():
        for text in translated if isinstance(translated, tuple) else [translated]:
            assert not CJK.search(re.sub(r"“[^”]*”", "", text)), key


def test_compiled_catalog_is_up_to_date_with_the_po_file():
    compiled = polib.mofile(str(COMPILED))

    assert messages(compiled) == messages(catalog())
    assert compiled.metadata["Plural-Forms"] == catalog().metadata["Plural-Forms"]


def test_catalog_holds_every_string_marked_for_translation(tmp_path):
    """Strings marked after this catalog was made must be added and translated
    (`make messages`, then fill in locale/en/LC_MESSAGES/django.po)."""
    if shutil.which("xgettext") is None:
        if os.environ.get("PORTAL_REQUIRE_GETTEXT") == "1":
            pytest.fail("GNU gettext (xgettext) is required here but is not installed")
        pytest.skip("GNU gettext (xgettext) is not installed")
    for name in ("cooperation", "portal", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "manage.py", tmp_path)
    (tmp_path / "locale").mkdir()
    env = {**os.environ, "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "x"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "en", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    marked = set(messages(polib.pofile(str(tmp_path / CATALOG.relative_to(REPO)))))
    translated = set(messages(catalog()))

    assert sorted(marked - translated, key=str) == [], "marked but missing from the catalog"
    assert sorted(translated - marked, key=str) == [], "in the catalog but no longer marked"


# Numbers, dates and counted parties -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "english", "chinese"),
    [
        ("27500000", "元", Qualifier.AT_LEAST, "at least 27.5 million yuan", "2750多万元"),
        ("500000", "元", Qualifier.MORE_THAN, "more than 500,000 yuan", "50余万元"),
        ("3056500", "元", Qualifier.EXACT, "3.0565 million yuan", "305.65万元"),
        ("389000000", "元", Qualifier.EXACT, "389 million yuan", "3.89亿元"),
        ("1250000000", "元", Qualifier.ABOUT, "about 1.25 billion yuan", "约12.5亿元"),
        ("8000", "元", Qualifier.EXACT, "8,000 yuan", "8000元"),
        ("10", "人", Qualifier.ABOUT, "about 10 people", "约10人"),
        ("1", "人", Qualifier.EXACT, "1 person", "1人"),
        ("1526", "人次", Qualifier.EXACT, "1,526 person-times", "1526人次"),
        ("10", "种", Qualifier.MORE_THAN, "more than 10 kinds", "10余种"),
        ("2000000", "斤", Qualifier.EXACT, "2,000,000 jin", "200万斤"),
        ("12", "家", Qualifier.EXACT, "12", "12家"),
        ("1", "所", Qualifier.EXACT, "1", "1所"),
        ("95", "%", Qualifier.EXACT, "95%", "95%"),
    ],
)
def test_quantities_read_naturally_in_each_language(value, unit, qualifier, english, chinese):
    with translation.override("en"):
        assert quantity_text(Decimal(value), unit, qualifier) == english
    with translation.override("zh-hans"):
        assert quantity_text(Decimal(value), unit, qualifier) == chinese


def test_a_fraction_of_people_is_plural_in_english():
    with translation.override("en"):
        assert quantity_text(Decimal("1.5"), "人") == "1.5 people"


def test_money_filter_keeps_the_qualifier_in_english():
    with translation.override("en"):
        assert yuan(Decimal("27500000"), Qualifier.AT_LEAST) == "at least 27.5 million yuan"


def test_event_dates_follow_the_language(world):
    day = make_event(world.source, pairing=world.pairing, date=datetime.date(2023, 7, 19))
    month = make_event(
        world.source,
        pairing=world.pairing,
        date=datetime.date(2023, 6, 1),
        date_precision=Event.Precision.MONTH,
    )
    year = make_event(
        world.source,
        pairing=world.pairing,
        date=datetime.date(2023, 1, 1),
        date_precision=Event.Precision.YEAR,
    )

    with translation.override("zh-hans"):
        assert [day.date_text, month.date_text, year.date_text] == [
            "2023年7月19日",
            "2023年6月",
            "2023年",
        ]
    with translation.override("en"):
        assert [day.date_text, month.date_text, year.date_text] == [
            "July 19, 2023",
            "June 2023",
            "2023",
        ]


def test_counted_parties_are_counted_in_english_without_invented_names(world):
    pairing = make_pairing(
        world.nansha,
        world.ziyun,
        world.source,
        level=Pairing.Level.TOWN,
        east_count=14,
        west_count=1,
        parent=world.pairing,
    )

    with translation.override("zh-hans"):
        assert str(pairing) == "南沙区14个乡镇 → 紫云县1个乡镇"
    with translation.override("en"):
        assert str(pairing) == "14 towns in Nansha District → 1 town in Ziyun County"


# Pages -----------------------------------------------------------------------------


class Page(HTMLParser):
    """Text of a page with the tags around it, and the attributes a reader hears."""

    def __init__(self, content):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.texts = []
        self.attributes = []
        self.tags = []
        self.feed(content)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        for name in ATTRIBUTES_READ:
            if attrs.get(name):
                self.attributes.append((tag, name, attrs[name], self.language(attrs)))
        if tag == "meta" and attrs.get("name") == "description":
            self.attributes.append((tag, "content", attrs["content"], self.language(attrs)))
        if tag not in VOID:
            self.open.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        if data.strip():
            self.texts.append((data, list(self.open)))

    def language(self, attrs=None):
        for _tag, open_attrs in [*self.open, ("", attrs or {})][::-1]:
            if open_attrs.get("lang"):
                return open_attrs["lang"]
        return ""

    def html_lang(self):
        return next(attrs["lang"] for tag, attrs in self.tags if tag == "html")

    def text_within(self, tag, **attrs):
        """Texts inside every element `tag` with the given attributes."""
        return [
            text
            for text, ancestors in self.texts
            if any(
                name == tag and all(found.get(k) == v for k, v in attrs.items())
                for name, found in ancestors
            )
        ]

    def navigation(self, label):
        """The link texts of the <nav> with this aria-label."""
        return [
            text
            for text, ancestors in self.texts
            if ("nav", label) in [(tag, attrs.get("aria-label")) for tag, attrs in ancestors]
            and ancestors[-1][0] == "a"
        ]

    def english_texts(self):
        """Texts and read attributes, leaving out script, style and anything marked as
        another language (the switcher's 简体中文 button)."""
        for text, ancestors in self.texts:
            if any(tag in ("script", "style") for tag, _attrs in ancestors):
                continue
            languages = [attrs["lang"] for _tag, attrs in ancestors if attrs.get("lang")]
            if languages and languages[-1] != "en":
                continue
            yield text, ancestors
        for tag, name, value, language in self.attributes:
            if language in ("", "en"):
                yield value, [(tag, {name: value})]


def data_text():
    """Every text the portal stores: what may appear in Chinese on an English page."""
    values = []
    for model in apps.get_app_config("cooperation").get_models():
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
        ]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            values.extend(value for value in row if value)
    return "\n".join(values)


@pytest.fixture
def article(db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def public_pages():
    project = Project.objects.published().filter(figures__isnull=False).first()
    pairing = Pairing.objects.published().filter(children__isnull=False).first()
    beneficiary = Beneficiary.objects.get(name="紫云自治县农村劳动力")
    region = Region.objects.get(name="猫营镇")
    organization = Organization.objects.filter(roles__isnull=False).first()
    source = Source.objects.first()
    return {
        "home": reverse("cooperation:home"),
        "project list": reverse("cooperation:project-list"),
        "project list, bad filter": reverse("cooperation:project-list") + "?year=abc",
        "project": project.get_absolute_url(),
        "pairing list": reverse("cooperation:pairing-list"),
        "pairing": pairing.get_absolute_url(),
        "beneficiary list": reverse("cooperation:beneficiary-list"),
        "beneficiary": beneficiary.get_absolute_url(),
        "region list": reverse("cooperation:region-list"),
        "region": region.get_absolute_url(),
        "organisation list": reverse("cooperation:organization-list"),
        "organisation": organization.get_absolute_url(),
        "source list": reverse("cooperation:source-list"),
        "source": source.get_absolute_url(),
        "people": reverse("cooperation:people"),
        "not found": reverse("cooperation:home") + "no-such-page/",
    }


PAGES = [
    "home",
    "project list",
    "project list, bad filter",
    "project",
    "pairing list",
    "pairing",
    "beneficiary list",
    "beneficiary",
    "region list",
    "region",
    "organisation list",
    "organisation",
    "source list",
    "source",
    "people",
    "not found",
]


def visit(client, url):
    response = client.get(url)
    assert response.status_code == (404 if url.endswith("/no-such-page/") else 200), url
    return Page(response.content.decode())


def assert_english_outside_the_data(page, url, stored):
    assert page.html_lang() == "en", url
    assert page.navigation("Main navigation") == ENGLISH_NAVIGATION, url
    for text, ancestors in page.english_texts():
        tags = {tag for tag, _attrs in ancestors}
        if tags & INTERFACE_TAGS and "option" not in tags:
            assert not CJK.search(text), (url, [tag for tag, _ in ancestors], text)
        for run in CJK.findall(text):
            assert run in stored, (url, [tag for tag, _ in ancestors], text)


@pytest.mark.parametrize("name", PAGES)
def test_english_page_has_no_chinese_outside_the_data(article, client, name):
    with translation.override("en"):
        url = public_pages()[name]

    assert_english_outside_the_data(visit(client, url), url, data_text())


def test_every_page_in_the_sitemap_is_english_outside_the_data(article, client):
    def locations(url):
        found = re.findall(r"<loc>([^<]+)</loc>", client.get(url).content.decode())
        return [re.sub(r"^https?://[^/]+", "", location) for location in found]

    every = [url for section in locations(reverse("sitemap")) for url in locations(section)]
    urls = [url for url in every if url.startswith("/en/")]
    stored = data_text()

    assert len(urls) > 50
    for url in urls:
        assert_english_outside_the_data(visit(client, url), url, stored)


@pytest.mark.parametrize("name", PAGES)
def test_chinese_is_the_default_language(article, client, name):
    page = visit(client, public_pages()[name])

    assert page.html_lang() == "zh-hans"
    assert page.navigation("主导航") == CHINESE_NAVIGATION


def test_filter_form_is_labelled_in_english(article, client):
    with translation.override("en"):
        page = visit(client, reverse("cooperation:project-list"))

    labels = [text.strip() for text in page.text_within("label", **{"class": "form-label"})]
    assert labels == [
        "Keywords",
        "Category",
        "Work status",
        "Year",
        "Town or village",
        "Pairing level",
        "East or west",
    ]
    assert "Filter" in page.text_within("button", type="submit")


def test_english_address_is_english_whatever_the_browser_asks(article, client):
    with translation.override("en"):
        home = reverse("cooperation:home")

    page = Page(client.get(home, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())

    assert page.html_lang() == "en"
    assert page.navigation("Main navigation") == ENGLISH_NAVIGATION


def test_server_error_page_is_translated(db, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    visitor = Client(raise_request_exception=False)

    response = visitor.get("/en/broken/")

    assert response.status_code == 500
    page = Page(response.content.decode())
    assert page.html_lang() == "en"
    assert page.text_within("h1") == ["Server error"]
    assert not [text for text, _ in page.english_texts() if CJK.search(text)]


@pytest.mark.parametrize("name", ["project", "region", "project list, bad filter"])
def test_language_switcher_returns_to_the_same_page(article, client, name):
    url = public_pages()[name]
    with translation.override("en"):
        english = public_pages()[name]

    def switcher(page):
        return {
            attrs["hreflang"]: attrs["href"]
            for tag, attrs in page.tags
            if tag == "a" and "hreflang" in attrs
        }

    page = visit(client, url)
    assert not [
        attrs for tag, attrs in page.tags if tag == "form" and attrs.get("method") == "post"
    ]
    assert switcher(page) == {"zh-Hans": url, "en": english}

    page = visit(client, english)
    assert page.html_lang() == "en"
    assert switcher(page) == {"zh-Hans": url, "en": english}
    assert visit(client, switcher(page)["zh-Hans"]).html_lang() == "zh-hans"


def test_english_export_has_identifiers_with_english_labels_and_names(article, client):
    with translation.override("en"):
        url = reverse("cooperation:project-list")
    response = client.get(url, {"_export": "csv"})
    labelled = client.get(url, {"_export": "csv", "labels": "1"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = next(csv.reader(io.StringIO(labelled.content.decode("utf-8-sig"))))
    assert list(rows[0])[:4] == ["id", "url", "slug", "title"]
    assert header[3:5] == ["Project", "Project title (English)"]
    assert "at_least" in [row["funds_qualifier"] for row in rows]
    assert "Industrial cooperation" in [row["category_label"] for row in rows]
    assert "Cooperation%20projects" in response["Content-Disposition"]


# The admin -------------------------------------------------------------------------


def test_admin_speaks_english_to_an_english_speaking_staff_user(article, admin_client):
    admin_client.cookies["django_language"] = "en"

    index = admin_client.get(reverse("admin:index")).content.decode()
    changelist = admin_client.get(reverse("admin:cooperation_pairing_changelist")).content.decode()

    assert 'lang="en"' in index
    assert "East–West Cooperation Information Portal · Administration" in index
    for label in ("Pairings", "Cooperation projects", "Beneficiaries", "Figures", "Sources"):
        assert f">{label}</a>" in index
    assert "结对关系" not in index
    assert "Publish the approved revisions of the selected records" in changelist
    assert "Pairing level" in changelist
    assert "14 towns in Nansha District" in changelist
    figure_form = admin_client.get(reverse("admin:cooperation_figure_add")).content.decode()
    for label in ("Indicator:", "Unit:", "Qualifier:", "Kind:", "Person-times", "At least"):
        assert label in figure_form


def test_admin_is_chinese_by_default(article, admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()

    assert 'lang="zh-hans"' in index
    assert "东西部协作信息公开平台 · 管理后台" in index
    assert ">结对关系</a>" in index
    assert "Administration" not in index
