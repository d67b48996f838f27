"""A correction's way to the public in a real browser: an editor changes a published
project's title, a reviewer signs in with a new authenticator and approves, a publisher
publishes, and only then does the public page change."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django_otp.oath import TOTP

from cooperation import publishing, roles
from cooperation.models import Project, Revision
from tests.factories import make_staff

FIXTURES = sorted(str(path) for path in (Path(__file__).parents[2] / "fixtures").glob("*.json"))
PASSWORD = "Kp3-unused-in-production"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("loaddata", *FIXTURES, verbosity=0)
    # An earlier transactional test's flush removes the groups the migrations made (Django
    # makes the permissions again after a flush, not the groups).
    for role in (roles.EDITORS, roles.REVIEWERS, roles.PUBLISHERS):
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="cooperation", codename__in=roles.codenames(role)
            )
        )


@pytest.fixture
def contexts(browser):
    """Browser contexts, closed after the test so that no request outlives it."""
    opened = []

    def new_context(**options):
        opened.append(browser.new_context(**options))
        return opened[-1]

    yield new_context
    for context in opened:
        context.close()


def sign_in(contexts, live_server, username):
    page = contexts(locale="zh-CN").new_page()
    errors = []
    page.on("response", lambda answer: errors.append(answer.url) if answer.status >= 400 else None)
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return page, errors


def staff(role, username):
    user = make_staff(role, username)
    user.set_password(PASSWORD)
    user.save()
    return user


def test_a_correction_reaches_the_public_only_through_review(
    contexts, live_server, article, artifacts
):
    project = Project.objects.published().order_by("pk").first()
    old_title = project.title
    staff(roles.EDITORS, "bianji")
    staff(roles.REVIEWERS, "shenhe")
    publisher = staff(roles.PUBLISHERS, "fabu")

    page, editor_errors = sign_in(contexts, live_server, "bianji")
    page.goto(f"{live_server.url}/admin/cooperation/project/{project.pk}/change/")
    assert "保存的修改将成为一个修订" in page.locator(".review-status").inner_text()
    page.fill("#id_title", old_title + "（更正）")
    page.click("input[name=_save]")
    assert "已保存到修订中" in page.locator(".messagelist").inner_text()
    public = contexts().new_page()
    public.goto(live_server.url + project.get_absolute_url())
    assert public.locator("h1").inner_text().strip() == old_title
    page.goto(f"{live_server.url}/admin/cooperation/revision/")
    page.click("#result_list tbody a")
    assert page.locator(".revision-diff del").first.inner_text() == old_title
    page.click("button[value=submitted]")
    assert "待审核" in page.locator(".revision strong").inner_text()

    page, reviewer_errors = sign_in(contexts, live_server, "shenhe")
    page.wait_for_url("**/admin/second-factor/enrol/**")  # a reviewer must enrol first
    assert page.locator("#second-factor-qr svg").count() == 1
    secret = page.locator("#second-factor-secret").inner_text().replace(" ", "")
    page.fill("#id_code", f"{TOTP(_base32(secret)).token():06d}")
    page.click("#second-factor-form input[type=submit]")
    assert page.locator("#backup-codes li").count() == 10
    page.screenshot(path=artifacts / "staff-backup-codes.png", full_page=True)
    page.click("text=我已保存，继续")
    page.goto(f"{live_server.url}/admin/cooperation/revision/")
    page.click("#result_list tbody a")
    page.screenshot(path=artifacts / "staff-revision.png", full_page=True)
    page.click("button[value=approved]")
    assert "待发布" in page.locator(".revision strong").inner_text()

    revision = Revision.objects.get()
    publishing.step(publisher, revision, publishing.Action.PUBLISHED)
    public.goto(live_server.url + project.get_absolute_url())
    assert public.locator("h1").inner_text().strip() == old_title + "（更正）"
    assert editor_errors == [] and reviewer_errors == []


def _base32(secret):
    from base64 import b32decode

    return b32decode(secret + "=" * (-len(secret) % 8))
