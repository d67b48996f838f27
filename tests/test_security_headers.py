import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, reverse

from cooperation import urls as public_urls
from portal.middleware import ADMIN_CSP_ADDITIONS, inline_hash

PROJECT_DIR = Path(__file__).resolve().parent.parent
HTTPS = {"secure": True}
SITE_POLICY = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
    "base-uri": {"'self'"},
    "object-src": {"'none'"},
}
SETTINGS_SHOWN = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
    "TRUSTED_PROXY_COUNT",
    "SECURE_PROXY_SSL_HEADER",
]


def production_env(**extra):
    """Only what the issue allows a production deployment to set, plus `extra`."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_AUDIT_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "xiezuo.example.gov.cn",
        "DATABASE_URL": "sqlite:////tmp/portal-deploy-check.sqlite3",
        **extra,
    }


def settings_in(env):
    code = (
        "import json, portal.settings as s; "
        f"print(json.dumps({{name: getattr(s, name, None) for name in {SETTINGS_SHOWN!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def policy(header):
    directives = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        directives[name] = set(sources)
    return directives


def public_pages():
    names = [
        f"cooperation:{pattern.name}"
        for pattern in public_urls.urlpatterns
        if isinstance(pattern, URLPattern) and not pattern.pattern.converters
    ]
    return ["healthz", "admin:login", *names]


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks: inline scripts, inline styles, event handlers."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.handlers = [], [], []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            # A data block (JSON, JSON-LD) is never run, so the policy has nothing to block.
            self._in_inline_script = attrs.get("type") not in (
                "application/json",
                "application/ld+json",
            )
        if tag == "style":
            self.styles.append("<style>")
        if "style" in attrs:
            self.styles.append(attrs["style"])
        self.handlers += [value for name, value in attrs.items() if name.startswith("on")]

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script and data.strip():
            self.scripts.append(data.strip())


def inline_code(response):
    parser = InlineCode()
    parser.feed(response.content.decode())
    return parser


def check_deploy(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


def test_check_deploy_is_clean_with_the_settings_readme_asks_for():
    result = check_deploy(production_env(DJANGO_TRUSTED_PROXY_COUNT="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_redirect_has_no_trusted_proxy():
    result = check_deploy(production_env())
    assert result.returncode != 0
    assert "portal.W001" in result.stderr
    assert "DJANGO_TRUSTED_PROXY_COUNT" in result.stderr


def test_production_defaults_are_secure():
    values = settings_in(production_env())
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "LANGUAGE_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "LANGUAGE_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CSRF_COOKIE_SAMESITE": "Lax",
        "LANGUAGE_COOKIE_SAMESITE": "Lax",
        "X_FRAME_OPTIONS": "DENY",
        "TRUSTED_PROXY_COUNT": 0,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_a_trusted_proxy_turns_on_the_forwarded_protocol():
    values = settings_in(production_env(DJANGO_TRUSTED_PROXY_COUNT="1"))
    assert values["TRUSTED_PROXY_COUNT"] == 1
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_make_run_variables_relax_https_for_loopback():
    values = settings_in(
        production_env(
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_SECURE_COOKIES="0",
            DJANGO_SECURE_HSTS_SECONDS="0",
        )
    )
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["LANGUAGE_COOKIE_SECURE"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_X_FRAME_OPTIONS", "ALLOWALL", "is not one of: DENY, SAMEORIGIN"),
        ("DJANGO_SECURE_REFERRER_POLICY", "everywhere", "is not one of"),
        ("DJANGO_SECURE_HSTS_SECONDS", "a year", "is not a whole number"),
        ("DJANGO_CSP_REPORT_ONLY", "perhaps", "is not a boolean"),
        ("DJANGO_TRUSTED_PROXY_COUNT", "-1", "below the least allowed value, 0"),
    ],
)
def test_bad_security_setting_stops_start_up(name, value, message):
    result = subprocess.run(
        [sys.executable, "-c", "import portal.settings"],
        cwd=PROJECT_DIR,
        env=production_env(**{name: value}),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert name in result.stderr
    assert message in result.stderr


def test_plain_http_is_redirected_to_https(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("healthz"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/healthz"


def test_https_requests_are_not_redirected(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz"), **HTTPS).status_code == 200


@pytest.mark.parametrize("url_name", public_pages())
def test_every_public_response_carries_the_security_headers(client, world, settings, url_name):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse(url_name), **HTTPS)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if url_name != "admin:login":
        assert policy(response["Content-Security-Policy"]) == SITE_POLICY


def test_not_found_page_carries_the_policy_too(client, db):
    response = client.get("/no-such-page/", **HTTPS)
    assert response.status_code == 404
    assert policy(response["Content-Security-Policy"]) == SITE_POLICY
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("url_name", [name for name in public_pages() if name != "admin:login"])
def test_public_pages_need_no_inline_code(client, world, url_name):
    found = inline_code(client.get(reverse(url_name)))
    assert found.scripts == []
    assert found.styles == []
    assert found.handlers == []


def test_report_only_mode_sends_the_policy_as_a_report(client, db, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get(reverse("healthz"))
    assert "Content-Security-Policy" not in response
    assert policy(response["Content-Security-Policy-Report-Only"]) == SITE_POLICY


# The admin ------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, world):
    user = get_user_model().objects.create_superuser("guanliyuan", password="Ziyun-Nansha-2023")
    client.force_login(user)
    return client


def admin_pages(world):
    project = world.pairing  # any record with history, import and export
    return [
        reverse("admin:index"),
        reverse("admin:cooperation_pairing_changelist"),
        reverse("admin:cooperation_pairing_add"),
        reverse("admin:cooperation_pairing_change", args=[project.pk]),
        reverse("admin:cooperation_pairing_history", args=[project.pk]),
        reverse("admin:cooperation_pairing_import"),
        reverse("admin:cooperation_pairing_export"),
        reverse("admin:cooperation_source_add"),
        reverse("admin:auth_user_changelist"),
        reverse("admin-audit"),
    ]


def test_admin_pages_run_no_inline_script_the_admin_policy_does_not_allow(superuser_client, world):
    allowed_handlers = set(ADMIN_CSP_ADDITIONS["script-src"])
    for url in admin_pages(world):
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        found = inline_code(response)
        assert found.scripts == [], url
        assert {inline_hash(code) for code in found.handlers} <= allowed_handlers, url
        admin_policy = policy(response["Content-Security-Policy"])
        assert admin_policy["script-src"] == {"'self'", *ADMIN_CSP_ADDITIONS["script-src"]}
        assert admin_policy["style-src"] == {"'self'", "'unsafe-inline'"}
        assert admin_policy["default-src"] == {"'self'"}
