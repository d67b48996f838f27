"""The admin's busiest pages fit a 1280 px window, in Chinese and in English: the project
change form, the project and figure changelists and the import page are no wider than
the window, and no changelist column is cut off (a column may sit in a table that
scrolls, as long as that table itself is within the window). One page per language
visits them all and reports every failure at once; the Chinese run also imports the
project template filled in with names, through preview and confirmation."""

from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db.models import Count

from cooperation import roles
from cooperation.models import Figure, Project
from tests.factories import make_staff

FIXTURES = sorted(str(path) for path in (Path(__file__).parents[2] / "fixtures").glob("*.json"))
PASSWORD = "Kp3-unused-in-production"
WIDTH = 1280

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Columns cut off: whose right edge lies beyond the window, or beyond the visible part of
# the table's scrolling box.
CUT_COLUMNS = """() => {
    const width = document.documentElement.clientWidth;
    const visibleRight = (element) => {
        let right = width;
        for (let node = element.parentElement; node; node = node.parentElement) {
            const overflow = getComputedStyle(node).overflowX;
            if (overflow !== "visible") {
                right = Math.min(right, node.getBoundingClientRect().right);
            }
        }
        return right;
    };
    return [...document.querySelectorAll("#result_list thead th")]
        .filter((th) => th.getBoundingClientRect().right > visibleRight(th) + 0.5)
        .map((th) => th.innerText.trim() || th.className);
}"""


@pytest.fixture
def article(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("loaddata", *FIXTURES, verbosity=0)
    # An earlier transactional test's flush removes the groups the migrations made.
    group, _created = Group.objects.get_or_create(name=roles.EDITORS)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="cooperation", codename__in=roles.codenames(roles.EDITORS)
        )
    )
    editor = make_staff(roles.EDITORS, "bianji")
    editor.set_password(PASSWORD)
    editor.save()


def signed_in(browser, live_server, language):
    context = browser.new_context(locale="zh-CN", viewport={"width": WIDTH, "height": 900})
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "bianji")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return context, page


def admin_pages():
    """The project with the most figures: its form's figure rows are the widest."""
    project = Project.objects.annotate(n=Count("figures")).order_by("-n", "pk").first()
    return {
        "project-change": f"/admin/cooperation/project/{project.pk}/change/",
        "project-changelist": "/admin/cooperation/project/",
        "figure-changelist": "/admin/cooperation/figure/",
        "project-import": "/admin/cooperation/project/import/",
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_admins_busiest_pages_fit_a_1280_px_window(
    browser, live_server, article, artifacts, language
):
    assert Figure.objects.exists()
    context, page = signed_in(browser, live_server, language)
    failures = []
    for kind, path in admin_pages().items():
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            failures.append(f"{kind}: {width} px wide")
        cut = page.evaluate(CUT_COLUMNS) if "changelist" in kind else []
        if cut:
            failures.append(f"{kind}: columns cut off: {cut}")
        page.screenshot(path=artifacts / f"admin-{kind}-{language}.png", full_page=True)
    context.close()
    assert failures == []


def test_the_project_template_filled_in_with_names_imports_in_the_browser(
    browser, live_server, article, tmp_path
):
    context, page = signed_in(browser, live_server, "zh-hans")
    page.goto(live_server.url + "/admin/cooperation/project/")
    with page.expect_download() as download:
        page.click("a.import-template-link")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_rows(2)
    for slug, title, place in (
        ("zy-tea", "紫云茶叶加工", "紫云自治县/坝羊镇"),
        ("zy-fish", "坝羊生态鱼养殖", "贵州省/安顺市/紫云自治县"),
    ):
        row = {
            "网址标识": slug,
            "项目名称": title,
            "类别": "产业协作",
            "结对关系": "南沙区—紫云自治县",
            "地点": place,
            "来源": "zgxczx-2023-10-26-nansha-ziyun",
        }
        sheet.append([row.get(column) for column in header])
    filled = tmp_path / "filled.xlsx"
    book.save(filled)

    page.goto(live_server.url + "/admin/cooperation/project/import/")
    page.select_option("#id_format", label="xlsx")
    page.set_input_files("#id_import_file", str(filled))
    page.click("input[type=submit]")
    page.click("input[name=confirm]")
    page.wait_for_url("**/admin/cooperation/project/")
    context.close()
    assert set(Project.objects.filter(slug__startswith="zy-").values_list("title", flat=True)) == {
        "紫云茶叶加工",
        "坝羊生态鱼养殖",
    }
