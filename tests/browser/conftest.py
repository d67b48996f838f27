"""Playwright driving Debian's Chromium against the live server.

Skipped where there is no Chromium (a laptop); with PORTAL_REQUIRE_BROWSER=1 (CI) a
missing browser is a failure instead.
"""

import os
from pathlib import Path

import pytest
from django.test import override_settings

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# beside one unless told the access is deliberate. The live server runs in its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _plain_http_live_server():
    """The live server speaks plain HTTP; set before it starts and builds its middleware."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        LANGUAGE_COOKIE_SECURE=False,
    ):
        yield


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("PORTAL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Browser tests are required here but {CHROMIUM} does not exist.")
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
