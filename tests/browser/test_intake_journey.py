"""The article brought in through intake in a real browser: an editor pastes it, accepts
every quantity of one paragraph into a new draft project, and finds the figures as drafts
citing their sentences, absent from every public page until the project is published."""

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import Client

from cooperation import publishing, roles
from cooperation.models import Figure, Intake, Pairing, Project, Publication
from tests.factories import make_staff
from tests.public_urls import public_paths

ROOT = Path(__file__).parents[2]
FIXTURES = sorted(str(path) for path in (ROOT / "fixtures").glob("*.json"))
ARTICLE = (ROOT / "tests" / "data" / "article.txt").read_text(encoding="utf-8")
PASSWORD = "Kp3-unused-in-production"
PARAGRAPH_WITH = "305.65万元"
NEW_PROJECT = "录入：安置区帮扶车间与就业车间"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(transactional_db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("loaddata", *FIXTURES, verbosity=0)
    for role in roles.ROLES:  # a flush by an earlier transactional test removed the groups
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="cooperation", codename__in=roles.codenames(role)
            )
        )


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


def staff(role, username):
    user = make_staff(role, username)
    user.set_password(PASSWORD)
    user.save()
    return user


def shown_anywhere(texts):
    """The public pages (every one the URLconf and the sitemap list) that show any of the
    texts, as written or as JSON escapes them."""
    visitor, found = Client(), []
    forms = {form for text in texts for form in (text, json.dumps(text)[1:-1])}
    for paths in public_paths().values():
        for path in paths:
            response = visitor.get(path)
            body = b"".join(response) if response.streaming else response.content
            content = body.decode("utf-8", "replace")
            found += [path for form in forms if form in content]
    return found


def test_an_article_paragraph_comes_in_as_drafts_citing_its_sentences(
    page, live_server, article, artifacts
):
    editor = staff(roles.EDITORS, "bianji")
    errors = []
    page.on("response", lambda answer: errors.append(answer.url) if answer.status >= 400 else None)
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "bianji")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.goto(live_server.url + "/admin/cooperation/intake/add/")
    page.fill("#id_title", "广东南沙与贵州紫云携手开启新征程,共谱粤黔协作新篇章")
    page.fill("#id_publisher", "中国乡村振兴网")
    page.fill("#id_author", "罗建国")
    page.fill("#id_published_on", "2023-10-26")
    page.fill("#id_text", ARTICLE)
    page.click("#intake-start-form input[type=submit]")
    page.wait_for_url("**/admin/cooperation/intake/*/change/")
    intake = Intake.objects.get()
    assert intake.source is not None  # the article's source, known by its title and date
    assert page.locator(".intake-sentences mark").count() == len(intake.proposals) >= 60

    pairing = Pairing.objects.get(level=Pairing.Level.COUNTY)
    paragraph = next(
        proposal["paragraph"]
        for proposal in intake.proposals.values()
        if proposal["text"] == PARAGRAPH_WITH
    )
    section = page.locator(f"#paragraph-{paragraph}")
    rows = section.locator(".intake-proposal")
    assert rows.count() == 5
    for index in range(rows.count()):
        row = rows.nth(index)
        row.locator(".field-target select").select_option(f"new:{pairing.pk}")
        row.locator(".field-project_title input").fill(NEW_PROJECT)
    section.locator("button[name=accept_paragraph]").click()
    page.wait_for_load_state()
    assert (
        "已接受 5 条：5 条写入草稿，0 条进入待审修订" in page.locator(".messagelist").inner_text()
    )
    assert page.locator(f"#paragraph-{paragraph} .intake-made").count() == 5
    page.locator(f"#paragraph-{paragraph}").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "zh-1280-intake-review.png")

    project = Project.objects.get(title=NEW_PROJECT)
    figures = list(Figure.objects.filter(project=project).order_by("pk"))
    assert project.status == Publication.DRAFT and len(figures) == 5
    sentences = {
        proposal["sentence"]
        for proposal in intake.proposals.values()
        if proposal["paragraph"] == paragraph
    }
    assert {figure.quote for figure in figures} == sentences
    assert all(figure.source == intake.source for figure in figures)
    section.locator(".intake-made a").first.click()
    assert page.locator("#id_quote").input_value() == figures[0].quote

    assert shown_anywhere([NEW_PROJECT]) == []
    visitor = Client()
    assert visitor.get(project.get_absolute_url()).status_code == 404
    for figure in figures:
        assert visitor.get(f"/api/v1/figures/{figure.pk}").status_code == 404

    reviewer, publisher = staff(roles.REVIEWERS, "shenhe"), staff(roles.PUBLISHERS, "fabu")
    revision = publishing.start(editor, project)
    publishing.step(editor, revision, publishing.Action.SUBMITTED)
    publishing.step(reviewer, revision, publishing.Action.APPROVED)
    publishing.step(publisher, revision, publishing.Action.PUBLISHED)
    public = visitor.get(project.get_absolute_url()).content.decode()
    assert NEW_PROJECT in public and figures[0].quote in public
    assert errors == []
