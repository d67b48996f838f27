"""No proxy is trusted unless DJANGO_TRUSTED_PROXY_COUNT says so, and every cookie is locked
down: Secure (with DJANGO_SECURE_COOKIES), HttpOnly and SameSite.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.checks import run_checks
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PROJECT_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "Ziyun-Nansha-2023"
FORWARDED_HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def forwarded_https_is_believed(trusted_proxy_count):
    """Whether a request claiming X-Forwarded-Proto: https is secure, in a fresh interpreter."""
    code = (
        "import django; django.setup(); from django.test import RequestFactory; "
        "print(RequestFactory().get('/', HTTP_X_FORWARDED_PROTO='https').is_secure())"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DJANGO_SECRET_KEY": "x",
        "DJANGO_TRUSTED_PROXY_COUNT": str(trusted_proxy_count),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return {"True": True, "False": False}[result.stdout.strip()]


def test_forwarded_https_is_believed_only_behind_a_trusted_proxy():
    assert forwarded_https_is_believed(0) is False
    assert forwarded_https_is_believed(1) is True


def test_by_default_a_forwarded_https_claim_is_still_redirected(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("healthz"), **FORWARDED_HTTPS)
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/healthz"


def test_behind_a_trusted_proxy_forwarded_https_is_not_redirected(client, db, settings):
    # What DJANGO_TRUSTED_PROXY_COUNT=1 sets at start-up (checked in a fresh interpreter above).
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz"), **FORWARDED_HTTPS).status_code == 200


# The deploy check -------------------------------------------------------------------------


def deploy_check_ids():
    return {message.id for message in run_checks(include_deployment_checks=True)}


def test_deploy_check_warns_when_https_redirect_trusts_no_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXY_COUNT = 0
    assert "portal.W001" in deploy_check_ids()


@pytest.mark.parametrize(("redirect", "proxies"), [(True, 1), (False, 0)])
def test_deploy_check_is_silent_with_a_proxy_or_without_the_redirect(settings, redirect, proxies):
    settings.SECURE_SSL_REDIRECT = redirect
    settings.TRUSTED_PROXY_COUNT = proxies
    assert "portal.W001" not in deploy_check_ids()


def test_the_warning_is_for_check_deploy_only(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.TRUSTED_PROXY_COUNT = 0
    assert "portal.W001" not in {message.id for message in run_checks()}
    call_command("check", fail_level="WARNING")  # as CI runs it: raises on any warning


# Cookies ----------------------------------------------------------------------------------


def test_every_cookie_the_portal_sets_is_secure_http_only_and_same_site(client, db, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    admin = get_user_model().objects.create_superuser("guanliyuan", password=PASSWORD)
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)

    responses = [
        client.get(reverse("admin:login"), secure=True),
        client.post(
            reverse("admin:login"),
            {"username": "guanliyuan", "password": PASSWORD},
            secure=True,
        ),
        client.post(
            reverse("second-factor:verify"),
            {"code": f"{totp(device.bin_key):06d}"},
            secure=True,
        ),
        client.post(reverse("set_language"), {"language": "en", "next": "/"}, secure=True),
        client.post(reverse("admin:auth_group_add"), {"name": "审核"}, secure=True),
    ]

    seen = set()
    for response in responses:
        assert response.status_code in (200, 302), response
        for name, cookie in response.cookies.items():
            seen.add(name)
            assert cookie["secure"] is True, name
            assert cookie["httponly"] is True, name
            assert cookie["samesite"] == "Lax", name
    assert seen == {
        settings.CSRF_COOKIE_NAME,
        settings.SESSION_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        "messages",
    }
