"""The charts of the years (pairing page, home page) and a project's timeline in a real
browser, in Chinese and English, on a desk and on a phone: drawn, within the page's width,
without a CSP violation or a request to another host, with no serious or critical axe
violation; a chart's point leads to its row of the table. Screenshots in test-artifacts/.

One fixture load for the four language and width pairs keeps the run short.
"""

import pytest

from cooperation.models import Pairing, Project
from tests.browser.test_page_fit import (
    FIXTURES,
    WIDTHS,
    axe_violations,
    in_language,
    page_overflow,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(transactional_db):
    from django.core.management import call_command

    call_command("loaddata", *FIXTURES, verbosity=0)


def pages():
    """{name: (Chinese path, the chart's selector)}: the Nansha–Ziyun pairing with its
    indicators, the project with the most events, and the home page."""
    project = Project.objects.get(slug="labour-cooperation-training-jobs")
    return {
        "pairing": (Pairing.objects.get(pk=3).get_absolute_url(), ".year-chart-svg"),
        "project": (project.get_absolute_url(), ".project-timeline-svg"),
        "home": ("/", ".year-chart-svg"),
    }


def check(browser, live_server, artifacts, language, width):
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        locale="zh-CN" if language == "zh" else "en-US",
    )
    page = context.new_page()
    failures, errors, elsewhere = [], [], []
    # The browser reports a CSP violation as a console error, as the other journeys read it.
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:"))
            else elsewhere.append(request.url)
        ),
    )
    for name, (path, chart) in pages().items():
        url = live_server.url + in_language(path, language)
        response = page.goto(url)
        if response.status != 200:
            failures.append(f"{url} answered {response.status}")
        drawn = page.locator(chart)
        if not drawn.count() or not drawn.first.is_visible():
            failures.append(f"{url}: no visible {chart}")
        overflow = page_overflow(page)
        if overflow:
            failures.append(f"{url} is wider than the viewport: {overflow}")
        failures.extend(f"{url} axe {violation}" for violation in axe_violations(page))
        if name == "pairing":
            section = page.locator("section[aria-labelledby=indicators-heading]")
            section.screenshot(path=artifacts / f"{language}-{width}-year-charts.png")
            point = page.locator("#indicator-chart-technical_staff a.year-chart-point").last
            target = point.get_attribute("href")
            point.click()
            row = page.locator(f"tr{target}")
            if not (page.url.endswith(target) and row.is_visible() and "43" in row.inner_text()):
                failures.append(f"{url}: the 2023 point did not lead to its row {target}")
        if name == "project":
            section = page.locator("section[aria-labelledby=timeline-heading]")
            section.screenshot(path=artifacts / f"{language}-{width}-project-timeline.png")
    context.close()
    failures.extend(f"console: {error}" for error in errors)
    failures.extend(f"request to another host: {url}" for url in elsewhere)
    return failures


def test_year_charts_and_timeline_in_both_languages_on_desk_and_phone(
    browser, live_server, artifacts, article
):
    failures = [
        f"{language} {width}px: {failure}"
        for language in ("zh", "en")
        for width in WIDTHS
        for failure in check(browser, live_server, artifacts, language, width)
    ]
    assert not failures, "\n".join(failures)
