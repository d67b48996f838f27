"""A visitor's journey through the portal in a real browser, on a desk and on a phone."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from cooperation.models import Project, Region

FIXTURES = sorted(str(path) for path in (Path(__file__).parents[2] / "fixtures").glob("*.json"))

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(transactional_db):
    call_command("loaddata", *FIXTURES, verbosity=0)


def assert_fits(page, width):
    """Nothing on the page is wider than the viewport."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """width => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(-3).map(e => `${e.tagName}.${e.className}`)""",
        width,
    )
    assert scroll_width <= width, f"{page.url} is {scroll_width}px wide in {width}px: {wide}"


def funds_in_rows(page):
    """The cached funds of the projects listed, in the order shown."""
    slugs = [
        href.rstrip("/").rsplit("/", 1)[-1]
        for href in page.locator("table tbody tr td:first-child a").evaluate_all(
            "links => links.map(link => link.getAttribute('href'))"
        )
    ]
    funds = dict(Project.objects.filter(slug__in=slugs).values_list("slug", "funds"))
    return [funds[slug] for slug in slugs]


def visit(browser, live_server, artifacts, width, height):
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True, locale="zh-CN"
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    shot = f"{width}px"

    # The dashboard.
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("heading", level=1).is_visible()
    page.screenshot(path=artifacts / f"{shot}-1-dashboard.png", full_page=True)
    assert_fits(page, width)

    # A headline card opens the breakdown of what it added, each figure with its source.
    page.locator(".total-card a.total-breakdown").first.click()
    page.wait_for_url("**/totals/**")
    assert page.locator(".breakdown-added").count() >= 1
    assert page.locator(".breakdown-item .citation-quote").count() >= 1
    page.screenshot(path=artifacts / f"{shot}-1b-breakdown.png", full_page=True)
    assert_fits(page, width)
    page.go_back()

    # To the project list through the navigation (collapsed behind a toggler on a phone).
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="项目").click()
    page.wait_for_url("**/projects/")
    assert_fits(page, width)

    # Filter by a town: 猫营镇 and its villages.
    maoying = Region.objects.get(name="猫营镇")
    page.locator("select[name=region]").select_option(str(maoying.pk))
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**/projects/?*region={maoying.pk}*")
    expected = set(Project.objects.published().in_region(maoying).values_list("title", flat=True))
    shown = set(page.locator("table tbody tr td:first-child a").all_inner_texts())
    assert shown == expected and len(shown) >= 2

    # Sort by amount, largest first (the header link toggles the direction).
    header = page.locator("table thead th").filter(has_text="帮扶资金").locator("a")
    header.click()
    page.wait_for_url("**sort=*amount*")
    if "sort=amount" in page.url:
        page.locator("table thead th").filter(has_text="帮扶资金").locator("a").click()
        page.wait_for_url("**sort=-amount*")
    funds = [value for value in funds_in_rows(page) if value is not None]
    assert funds == sorted(funds, reverse=True) and funds
    page.screenshot(path=artifacts / f"{shot}-2-projects-filtered-sorted.png", full_page=True)
    assert_fits(page, width)

    # Download the CSV of exactly this filtered, sorted set.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").first.click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    title_column = rows[0].index("title")
    assert {row[title_column] for row in rows[1:]} == expected

    # Open the first project, then follow its source.
    first = page.locator("table tbody tr td:first-child a").first
    title = first.inner_text()
    first.click()
    assert page.get_by_role("heading", level=1).inner_text() == title
    page.screenshot(path=artifacts / f"{shot}-3-project.png", full_page=True)
    assert_fits(page, width)
    page.locator("main a[href*='/sources/']").first.click()
    page.wait_for_url("**/sources/**")
    assert "广东南沙与贵州紫云携手开启新征程" in page.get_by_role("heading", level=1).inner_text()
    assert_fits(page, width)

    # Switch to English: same page, English interface, Chinese data.
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/sources/**")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=artifacts / f"{shot}-4-source-english.png", full_page=True)
    assert_fits(page, width)
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Projects"
    ).click()
    page.wait_for_url("**/en/projects/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_fits(page, width)

    assert errors == []
    context.close()


def test_visitor_journey_on_a_desk(browser, live_server, artifacts, article):
    visit(browser, live_server, artifacts, 1280, 900)


def test_visitor_journey_on_a_phone(browser, live_server, artifacts, article):
    visit(browser, live_server, artifacts, 375, 812)
