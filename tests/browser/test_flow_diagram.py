"""The east→west flow diagram in a real browser: on the home page, a province's page and a
county's, at 1280 and 375 px, in Chinese and in English. A band opens the breakdown that
shows its value; a party opens the next level's page; nothing is fetched from another
host, the CSP is never violated (the browser reports a violation as a console error) and
axe finds nothing serious. One browser page per language and width visits all three."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from cooperation.models import Region
from tests.browser.test_page_fit import WIDTHS, axe_violations, in_language, page_overflow

FIXTURES = sorted(str(path) for path in (Path(__file__).parents[2] / "fixtures").glob("*.json"))

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(transactional_db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def views():
    """(kind, path, the path a click on the first western party opens)."""
    guizhou = Region.objects.get(name="贵州省")
    anshun = Region.objects.get(name="安顺市")
    ziyun = Region.objects.get(name="紫云苗族布依族自治县")
    return [
        ("home", "/", guizhou.get_absolute_url()),
        ("province", guizhou.get_absolute_url(), anshun.get_absolute_url()),
        ("county", ziyun.get_absolute_url(), ziyun.get_absolute_url()),
    ]


def check_views(browser, live_server, artifacts, language, width):
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        locale="zh-CN" if language == "zh" else "en-US",
    )
    page = context.new_page()
    own_host = urlsplit(live_server.url).netloc
    failures = []
    page.on(
        "request",
        lambda request: (
            failures.append(f"request to another host: {request.url}")
            if urlsplit(request.url).netloc not in (own_host, "")
            and not request.url.startswith("data:")
            else None
        ),
    )
    page.on(
        "console",
        lambda message: (
            failures.append(f"console error: {message.text}") if message.type == "error" else None
        ),
    )
    for kind, path, next_level in views():
        url = live_server.url + in_language(path, language)
        page.goto(url)
        diagram = page.locator("#flow-diagram")
        if kind == "home":
            diagram.screenshot(path=artifacts / f"{language}-{width}-flow-diagram.png")
        overflow = page_overflow(page)
        if overflow:
            failures.append(f"{kind} {url} is wider than the viewport: {overflow}")
        failures.extend(f"{kind} {url} axe {violation}" for violation in axe_violations(page))

        # A band opens its breakdown, which shows the value the table gives for it.
        value = page.locator(".flow-row .flow-row-value").first.inner_text().strip()
        page.locator("a.flow-band-link").first.click()
        page.wait_for_url("**/totals/**")
        summary = page.locator(".total-summary").inner_text()
        if value not in summary:
            failures.append(f"{kind}: the band's {value!r} is not in its breakdown: {summary!r}")
        page.go_back()

        # A western party opens the next level (a county's own page at the county level).
        page.locator("a.flow-party-link").last.click()
        page.wait_for_url(f"**{in_language(next_level, language)}**")
        if not page.locator("#flow-diagram").is_visible():
            failures.append(f"{kind}: the party's page {page.url} has no diagram")
    context.close()
    return failures


def test_the_flow_diagram_opens_breakdowns_and_next_levels(
    browser, live_server, artifacts, article
):
    failures = []
    for language in ("zh", "en"):
        for width in WIDTHS:
            found = check_views(browser, live_server, artifacts, language, width)
            failures += [f"{language} {width}px: {failure}" for failure in found]
    assert not failures, "\n".join(failures)
