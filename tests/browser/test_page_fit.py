"""Every public page kind, in Chinese and in English, on a desk (1280 px) and on a phone
(375 px): nothing wider than the viewport, no table cell squeezed until its text breaks
letter by letter, no serious or critical axe-core violation, and a screenshot of each in
test-artifacts/. English data pages must read as English: little CJK outside quotations.

axe-core comes from the pinned PyPI package axe-playwright-python, which bundles axe.min.js,
so nothing is fetched at run time and pip keeps its version with the rest.

One browser page per language and width visits all the kinds and reports every failure at
once, so a run costs four fixture loads, not one per page.
"""

import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.db.models import Count

from cooperation.models import Beneficiary, Organization, Pairing, Project, Region, Source

FIXTURES = sorted(str(path) for path in (Path(__file__).parents[2] / "fixtures").glob("*.json"))
WIDTHS = {1280: 900, 375: 812}
BLOCKING_IMPACTS = {"serious", "critical"}
ENGLISH_DATA_KINDS = {
    "project-list",
    "project-detail",
    "pairing-list",
    "pairing-detail",
    "beneficiary-list",
    "beneficiary-detail",
    "region-list",
    "region-detail",
}
MAX_CJK_SHARE = 0.05
# Han ideographs and radicals, CJK punctuation, kana, compatibility and full-width forms.
CJK_RANGES = (
    "\\u2e80-\\u2fdf\\u3000-\\u303f\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff"
    "\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uffef"
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Axe()


@pytest.fixture
def article(transactional_db, settings, tmp_path):
    """The article's records, and a bulk download built from them for the /data/ page."""
    call_command("loaddata", *FIXTURES, verbosity=0)
    settings.OPEN_DATA_DIR = tmp_path / "open-data"
    call_command("build_open_data", settle=0, stdout=io.StringIO())


def page_kinds():
    """{kind: Chinese path} for every public page kind, the detail pages on the records
    with the most to show."""
    project = Project.objects.published().annotate(n=Count("figures")).order_by("-n", "pk").first()
    pairing = Pairing.objects.published().annotate(n=Count("projects")).order_by("-n", "pk").first()
    beneficiary = (
        Beneficiary.objects.published().annotate(n=Count("benefits")).order_by("-n", "pk").first()
    )
    organization = Organization.objects.annotate(n=Count("roles")).order_by("-n", "pk").first()
    county = Region.objects.filter(level=Region.Level.COUNTY).order_by("-pk").first()
    return {
        "home": "/",
        "project-list": "/projects/",
        "project-detail": project.get_absolute_url(),
        "pairing-list": "/pairings/",
        "pairing-detail": pairing.get_absolute_url(),
        "beneficiary-list": "/beneficiaries/",
        "beneficiary-detail": beneficiary.get_absolute_url(),
        "organization-list": "/organizations/",
        "organization-detail": organization.get_absolute_url(),
        "region-list": "/regions/",
        "region-detail": county.get_absolute_url(),
        "source-list": "/sources/",
        "source-detail": Source.objects.order_by("pk").first().get_absolute_url(),
        "people": "/people/",
        "totals-funds": "/totals/funds/",
        "search": "/search/?q=%E7%B4%AB%E4%BA%91",  # 紫云
        "feedback": "/feedback/",
        "open-data": "/data/",
        "not-found": "/no-such-page/",
    }


def in_language(path, language):
    """The same page in English lives under /en/; Chinese is at the root."""
    return path if language == "zh" else f"/en{path}"


def page_overflow(page):
    """None when the document fits its viewport, else what sticks out past its right edge."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const scroll = document.documentElement.scrollWidth;
            if (scroll <= width) return null;
            const wide = [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .slice(-3)
                .map(e => `<${e.tagName.toLowerCase()} class="${e.className}">`);
            return `${scroll}px wide in ${width}px: ${wide.join(', ')}`;
        }"""
    )


SQUEEZED_CELLS = """() => {
    // A cell is squeezed when its text is broken letter by letter: on average two
    // characters or fewer a line, or a short Latin word or number (2023, million)
    // split across lines. Lines are told apart by the tops of the characters' boxes.
    const found = [];
    const cells = document.querySelectorAll('main table td, main table th');
    for (const cell of cells) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        const tops = [];
        const chars = [];
        let fontSize = parseFloat(getComputedStyle(cell).fontSize);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const parent = node.parentElement;
            if (parent.closest('.visually-hidden, [aria-hidden="true"]')) continue;
            for (let i = 0; i < node.length; i++) {
                const character = node.data[i];
                if (/\\s/.test(character)) { chars.push({character: ' ', top: null}); continue; }
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const box = range.getClientRects()[0];
                if (!box || box.width === 0) continue;
                chars.push({character, top: box.top, height: box.height});
                tops.push(box.top);
            }
        }
        if (tops.length <= 3) continue;
        const lines = [];
        for (const {top, height} of chars.filter(c => c.top !== null)) {
            if (!lines.some(line => Math.abs(line - top) < height / 2)) lines.push(top);
        }
        let broken = null;
        const text = chars.map(c => c.character).join('');
        for (const match of text.matchAll(/[A-Za-z0-9]{2,12}/g)) {
            const word = chars.slice(match.index, match.index + match[0].length);
            const first = word[0].top;
            if (word.some(c => Math.abs(c.top - first) >= c.height / 2)) {
                broken = match[0];
                break;
            }
        }
        if (lines.length > 1 && (tops.length / lines.length <= 2 || broken)) {
            const table = cell.closest('table');
            const section = cell.closest('section, main');
            const heading = section.querySelector('h1, h2, h3, caption');
            const row = cell.closest('tr');
            const header = cell.dataset.label || cell.tagName.toLowerCase();
            const where = (heading ? heading.textContent.trim() : table.className).slice(0, 40);
            const shown = JSON.stringify(text.trim().slice(0, 30));
            found.push(
                `"${where}" row ${row.rowIndex} [${header}] ${shown}: ` +
                `${tops.length} characters on ${lines.length} lines, ` +
                `${Math.round(cell.getBoundingClientRect().width / fontSize * 10) / 10}em wide` +
                (broken ? `, "${broken}" broken` : '')
            );
        }
    }
    return found;
}"""


def squeezed_cells(page):
    """Table cells whose text breaks letter by letter, each named by its section, row and
    column."""
    return page.evaluate(SQUEEZED_CELLS)


def axe_violations(page):
    """Serious and critical axe-core violations as 'rule (impact): targets'."""
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        + (f" and {len(violation['nodes']) - 5} more" if len(violation["nodes"]) > 5 else "")
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def cjk_share(page):
    """The share of the characters in <main> that are CJK, leaving out text inside an element
    marked lang="zh…" (a quotation kept as the source wrote it). Returns (share, CJK count,
    all counted characters)."""
    return page.evaluate(
        """ranges => {
            const main = document.querySelector('main');
            const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
            const cjk = new RegExp(`[${ranges}]`, 'u');
            let all = 0;
            let chinese = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const parent = node.parentElement;
                if (parent.closest('script, style, template')) continue;
                const marked = parent.closest('[lang]');
                if (marked && /^zh/i.test(marked.getAttribute('lang'))) continue;
                if (!parent.checkVisibility()) continue;
                for (const character of node.data) {
                    if (/\\s/.test(character)) continue;
                    all += 1;
                    if (cjk.test(character)) chinese += 1;
                }
            }
            return [all ? chinese / all : 0, chinese, all];
        }""",
        CJK_RANGES,
    )


def check_every_page(browser, live_server, artifacts, language, width):
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS[width]},
        locale="zh-CN" if language == "zh" else "en-US",
    )
    page = context.new_page()
    failures = []
    for kind, path in page_kinds().items():
        url = live_server.url + in_language(path, language)
        response = page.goto(url)
        expected = 404 if kind == "not-found" else 200
        if response.status != expected:
            failures.append(f"{kind} {url}: answered {response.status}, not {expected}")
        page.screenshot(path=artifacts / f"{language}-{width}-{kind}.png", full_page=True)
        overflow = page_overflow(page)
        if overflow:
            failures.append(f"{kind} {url} is wider than the viewport: {overflow}")
        failures.extend(f"{kind} {url} squeezed cell {cell}" for cell in squeezed_cells(page))
        failures.extend(f"{kind} {url} axe {violation}" for violation in axe_violations(page))
    context.close()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_public_page_fits_and_passes_axe(
    browser, live_server, artifacts, article, language, width
):
    check_every_page(browser, live_server, artifacts, language, width)


def test_english_data_pages_are_mostly_english(browser, live_server, article):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    shares = {}
    for kind, path in page_kinds().items():
        if kind in ENGLISH_DATA_KINDS:
            response = page.goto(live_server.url + in_language(path, "en"))
            assert response.status == 200, f"{page.url} answered {response.status}"
            shares[f"{kind} {page.url}"] = cjk_share(page)
    context.close()
    too_chinese = {
        where: f"{share:.1%} CJK ({chinese} of {counted} characters)"
        for where, (share, chinese, counted) in shares.items()
        if share >= MAX_CJK_SHARE or not counted
    }
    assert not too_chinese, "\n".join(f"{where}: {text}" for where, text in too_chinese.items())
