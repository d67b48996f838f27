"""The Chinese admin is Chinese throughout, also on the pages of the packages it uses
(django-import-export's import pages, django-axes' login records), whose own catalogs lack
the strings that locale_vendor/ provides."""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import axes
import django.contrib.admin
import import_export
import pytest
import simple_history
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone


def package_strings(package):
    """Every English interface string of a package, from one of its shipped catalogs."""
    catalogs = sorted(Path(package.__file__).parent.glob("locale/*/LC_MESSAGES/django.mo"))
    largest = max(catalogs, key=lambda path: path.stat().st_size)
    with largest.open("rb") as mo:
        msgids = gettext.GNUTranslations(mo)._catalog
    strings = set()
    for key in msgids:
        text = key[0] if isinstance(key, tuple) else key
        # Words a visitor reads; not the catalog's header, format strings or code words.
        if re.fullmatch(r"[A-Z][A-Za-z ,.:'-]{2,}", text) and text not in ("Ok",):
            strings.add(text.strip())
    return strings


class Visible(HTMLParser):
    """The text a reader sees: no tags, scripts, styles or attribute values."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("script", "style", "svg", "title")

    def handle_endtag(self, tag):
        self.hidden -= tag in ("script", "style", "svg", "title")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(response):
    parser = Visible()
    parser.feed(response.content.decode())
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def english_left(text, strings):
    return sorted(
        s for s in strings if re.search(rf"(?<![A-Za-z]){re.escape(s)}(?![A-Za-z])", text)
    )


AXES = package_strings(axes)
IMPORT_EXPORT = package_strings(import_export)
ADMIN = package_strings(django.contrib.admin) | package_strings(simple_history)
# Django's own admin words that a page names for a package's unnamed parts.
UNNAMED = {"Axes", "Status", "Expiration", "Access Attempt", "Access Log", "Access Failure"}


@pytest.fixture
def login_records(db):
    now = timezone.now()
    seen = {"user_agent": "Mozilla/5.0", "ip_address": "203.0.113.9", "username": "bianji"}
    seen |= {"http_accept": "text/html", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(attempt_time=now, failures_since_start=2, **seen)
    AccessLog.objects.create(attempt_time=now, **seen)
    AccessFailureLog.objects.create(attempt_time=now, locked_out=False, **seen)


def test_the_package_strings_are_found():
    assert {"access attempts", "IP Address", "Failed Logins"} & AXES
    assert "Confirm import" in IMPORT_EXPORT
    assert "Model name" in ADMIN


def test_the_chinese_admin_index_names_the_login_records_in_chinese(admin_client, login_records):
    text = visible_text(admin_client.get(reverse("admin:index")))
    assert "登录保护" in text and "登录尝试" in text and "登录失败记录" in text
    assert english_left(text, AXES | IMPORT_EXPORT | ADMIN | UNNAMED) == []


@pytest.mark.parametrize("model", ["accessattempt", "accesslog", "accessfailurelog"])
def test_the_login_record_lists_are_in_chinese(admin_client, login_records, model):
    response = admin_client.get(reverse(f"admin:axes_{model}_changelist"))
    assert response.status_code == 200
    text = visible_text(response)
    assert "尝试时间" in text and "IP 地址" in text
    assert english_left(text, AXES | ADMIN | UNNAMED) == []


def test_a_login_record_is_shown_in_chinese(admin_client, login_records):
    attempt = AccessAttempt.objects.get()
    response = admin_client.get(reverse("admin:axes_accessattempt_change", args=[attempt.pk]))
    text = visible_text(response)
    assert "表单数据" in text and "请求信息" in text
    assert english_left(text, AXES | ADMIN | UNNAMED) == []


@pytest.mark.parametrize("model", ["project", "figure"])
def test_the_import_and_export_pages_are_in_chinese(admin_client, world, model):
    for view in ("import", "export", "changelist"):
        text = visible_text(admin_client.get(reverse(f"admin:cooperation_{model}_{view}")))
        assert english_left(text, IMPORT_EXPORT | ADMIN) == [], view


def test_the_english_admin_keeps_the_packages_english(admin_client, login_records):
    admin_client.cookies["django_language"] = "en"
    text = visible_text(admin_client.get(reverse("admin:axes_accessattempt_changelist")))
    assert "IP Address" in text
    assert "IP 地址" not in text
