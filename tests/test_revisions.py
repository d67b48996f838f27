"""Editing a published record never changes what the public sees: the edit is a revision,
written by an editor, approved by someone else, published by a publisher
(cooperation/publishing.py, cooperation/editing.py)."""

import json

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from cooperation import roles
from cooperation.models import Figure, Project, Publication, ReviewStep, Revision
from tests.factories import admin_import, confirm_import, csv_file, make_figure, make_project
from tests.factories import make_staff as staff
from tests.test_roles import project_form

DRAFT, PUBLISHED = Publication.DRAFT, Publication.PUBLISHED
State, Action = Revision.State, ReviewStep.Action


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def team(db):
    """An editor, a reviewer and a publisher, each with their own browser."""

    class Team:
        editor = signed_in(staff(roles.EDITORS, "bianji"))
        reviewer = signed_in(staff(roles.REVIEWERS, "shenhe"))
        publisher = signed_in(staff(roles.PUBLISHERS, "fabu"))

    return Team


@pytest.fixture
def live(world):
    project = make_project(
        world.pairing, world.source, title="紫云茶叶", slug="zy-tea", status=PUBLISHED
    )
    make_figure(world.source, 3_056_500, project=project, label="帮扶资金")
    return project


def change_url(record):
    return reverse(f"admin:cooperation_{record._meta.model_name}_change", args=[record.pk])


def said(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def with_figure(project, figure, **changes):
    """The project's change form with its one figure inline, as the page sends it."""
    data = project_form(project)
    fields = {
        "id": figure.pk,
        "project": project.pk,
        "measure": figure.measure,
        "label": figure.label,
        "value": str(figure.value),
        "unit": figure.unit,
        "qualifier": figure.qualifier,
        "kind": figure.kind,
        "period_kind": figure.period_kind,
        "period_start": figure.period_start or "",
        "period_end": figure.period_end or "",
        "period": figure.period,
        "scope": figure.scope,
        "source": figure.source_id,
    } | changes
    data |= {"figures-TOTAL_FORMS": "1", "figures-INITIAL_FORMS": "1"}
    return data | {f"figures-0-{name}": value for name, value in fields.items()}


def public_view(project):
    """What a visitor gets: the page's title and figure, and the list's CSV and JSON."""
    visitor = Client()
    page = visitor.get(project.get_absolute_url())
    csv = visitor.get(reverse("cooperation:project-list") + "?_export=csv").content.decode()
    rows = json.loads(visitor.get(reverse("cooperation:project-list") + "?_export=json").content)
    return page.context["project"].title, page.content.decode(), csv, rows


def step(client, revision, action, comment=""):
    url = reverse("admin:cooperation_revision_change", args=[revision.pk])
    return client.post(url, {"action": action, "comment": comment}, follow=True)


def the_revision(record):
    return Revision.objects.open().of(record).get()


# Writing ------------------------------------------------------------------------------


def test_an_edit_of_a_published_title_and_figure_waits_unseen(team, live):
    figure = live.figures.get()
    response = team.editor.post(
        change_url(live), with_figure(live, figure, value="9999999") | {"title": "紫云红茶"}
    )
    assert response.status_code == 302
    assert "已保存到修订中" in said(response)

    live.refresh_from_db()
    figure.refresh_from_db()
    assert (live.title, figure.value) == ("紫云茶叶", 3_056_500)
    title, page, csv, rows = public_view(live)
    assert title == "紫云茶叶" and "305.65万元" in page
    assert "紫云茶叶" in csv and "紫云红茶" not in csv
    assert "紫云红茶" not in json.dumps(rows, ensure_ascii=False)

    revision = the_revision(live)
    assert revision.state == State.DRAFT and revision.base is not None
    form = team.editor.get(change_url(live))
    assert form.context["adminform"].form.initial["title"] == "紫云红茶"
    assert "此页显示的是修订内容" in form.content.decode()


def test_an_import_row_changing_a_published_project_waits_unseen(team, live, world):
    header = ["slug", "title", "category", "pairing", "source"]
    row = ["zy-tea", "紫云红茶", "industry", world.pairing.pk, world.source.slug]
    confirm_import(
        team.editor, admin_import(team.editor, "project", "p.csv", csv_file(header, [row]))
    )
    live.refresh_from_db()
    assert live.title == "紫云茶叶"
    assert public_view(live)[0] == "紫云茶叶"
    assert the_revision(live).proposed[f"cooperation.project:{live.pk}"]["title"] == "紫云红茶"


def test_a_figure_added_in_its_own_form_to_a_published_project_waits(team, live, world):
    data = {
        "project": live.pk,
        "measure": Figure.Measure.ASSISTANCE_FUNDS,
        "label": "新增资金",
        "value": "100",
        "unit": Figure.Unit.YUAN,
        "qualifier": "exact",
        "kind": Figure.Kind.ACTUAL,
        "period_kind": "unknown",
        "scope": "owner",
        "source": world.source.pk,
    }
    response = team.editor.post(reverse("admin:cooperation_figure_add"), data)
    assert response.status_code == 302
    assert live.figures.count() == 1
    added = [f for f in the_revision(live).proposed.values() if f.get("label") == "新增资金"]
    assert len(added) == 1


def test_drafts_are_written_in_place(team, world):
    draft = make_project(world.pairing, world.source, title="紫云草稿", status=DRAFT)
    response = team.editor.post(change_url(draft), project_form(draft, title="紫云草稿（改）"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "紫云草稿（改）"
    assert not Revision.objects.exists()


# Review -------------------------------------------------------------------------------


def test_a_revision_goes_live_once_approved_and_published(team, live):
    figure = live.figures.get()
    team.editor.post(
        change_url(live), with_figure(live, figure, value="4000000") | {"title": "紫云红茶"}
    )
    revision = the_revision(live)
    step(team.editor, revision, Action.SUBMITTED)
    step(team.reviewer, revision, Action.APPROVED)
    assert public_view(live)[0] == "紫云茶叶"
    before = Project.objects.get(pk=live.pk).updated_at
    response = step(team.publisher, revision, Action.PUBLISHED)
    assert response.status_code == 200
    assert Project.objects.get(pk=live.pk).updated_at > before  # its "last updated"

    revision.refresh_from_db()
    assert revision.state == State.PUBLISHED
    title, page, csv, _rows = public_view(live)
    assert title == "紫云红茶" and "400万元" in page and "紫云红茶" in csv
    figure.refresh_from_db()
    assert figure.value == 4_000_000  # the same record, changed: its id and history stay
    assert [s.action for s in revision.steps.all()] == [
        Action.SAVED,
        Action.SUBMITTED,
        Action.APPROVED,
        Action.PUBLISHED,
    ]
    assert [s.username for s in revision.steps.all()] == ["bianji", "bianji", "shenhe", "fabu"]


def test_nobody_approves_what_they_submitted(team, live, world):
    both = staff(roles.EDITORS, "liangshou")
    both.groups.add(*roles_groups(roles.REVIEWERS))
    writer = signed_in(both)
    writer.post(change_url(live), project_form(live, title="紫云红茶"))
    revision = the_revision(live)
    step(writer, revision, Action.SUBMITTED)
    response = step(writer, revision, Action.APPROVED)
    assert "不能审核自己编写或提交的修订" in response.content.decode()
    revision.refresh_from_db()
    assert revision.state == State.SUBMITTED
    step(team.reviewer, revision, Action.APPROVED)
    revision.refresh_from_db()
    assert revision.state == State.APPROVED


def roles_groups(*names):
    from django.contrib.auth.models import Group

    return Group.objects.filter(name__in=names)


def test_a_revision_sent_back_returns_to_its_editor_with_the_comment(team, live):
    team.editor.post(change_url(live), project_form(live, title="紫云红茶"))
    revision = the_revision(live)
    step(team.editor, revision, Action.SUBMITTED)
    response = step(team.reviewer, revision, Action.RETURNED, "")
    assert "退回时请写明需要修改什么" in response.content.decode()
    step(team.reviewer, revision, Action.RETURNED, "标题与原文不符，请核对。")
    revision.refresh_from_db()
    assert revision.state == State.RETURNED

    waiting = team.editor.get(reverse("admin:cooperation_revision_changelist"))
    assert list(waiting.context["cl"].result_list) == [revision]
    page = team.editor.get(change_url(live)).content.decode()
    assert "标题与原文不符，请核对。" in page
    reviewer_list = team.reviewer.get(reverse("admin:cooperation_revision_changelist"))
    assert list(reviewer_list.context["cl"].result_list) == []


def test_the_waiting_list_shows_each_role_its_next_step(team, live):
    team.editor.post(change_url(live), project_form(live, title="紫云红茶"))
    revision = the_revision(live)
    url = reverse("admin:cooperation_revision_changelist")

    def waiting(client):
        return list(client.get(url).context["cl"].result_list)

    assert (waiting(team.editor), waiting(team.reviewer), waiting(team.publisher)) == (
        [revision],
        [],
        [],
    )
    step(team.editor, revision, Action.SUBMITTED)
    assert (waiting(team.editor), waiting(team.reviewer)) == ([], [revision])
    step(team.reviewer, revision, Action.APPROVED)
    assert (waiting(team.reviewer), waiting(team.publisher)) == ([], [revision])


def test_the_differences_page_shows_each_changed_field(team, live):
    figure = live.figures.get()
    data = with_figure(live, figure, value="4000000") | {"title": "紫云红茶", "summary": "新摘要"}
    team.editor.post(change_url(live), data)
    page = team.reviewer.get(the_revision(live).get_absolute_url())
    assert page.status_code == 200
    changed = {
        (str(name), old, new)
        for _label, _action, fields in page.context["changes"]
        for name, old, new in fields
    }
    assert {("项目名称", "紫云茶叶", "紫云红茶"), ("摘要", "—", "新摘要")} <= changed
    assert ("数值", "3056500.00", "4000000.00") in changed
    html = page.content.decode()
    assert "<del>紫云茶叶</del>" in html and "<ins>紫云红茶</ins>" in html


def test_an_edit_after_approval_needs_review_again(team, live):
    team.editor.post(change_url(live), project_form(live, title="紫云红茶"))
    revision = the_revision(live)
    step(team.editor, revision, Action.SUBMITTED)
    step(team.reviewer, revision, Action.APPROVED)
    team.editor.post(change_url(live), project_form(live, title="紫云绿茶"))
    revision.refresh_from_db()
    assert revision.state == State.DRAFT
    response = step(team.publisher, revision, Action.PUBLISHED)
    assert "不能执行这一步" in response.content.decode()
    assert public_view(live)[0] == "紫云茶叶"


def test_a_first_publication_is_reviewed_too(team, world):
    draft = make_project(world.pairing, world.source, title="紫云新项目", status=DRAFT)
    changelist = reverse("admin:cooperation_project_changelist")
    selected = {"_selected_action": [draft.pk]}
    response = team.publisher.post(changelist, selected | {"action": "publish"}, follow=True)
    assert "没有未完成的修订" in response.content.decode()
    team.editor.post(changelist, selected | {"action": "submit_for_review"})
    revision = the_revision(draft)
    assert revision.first_publication and revision.state == State.SUBMITTED
    step(team.reviewer, revision, Action.APPROVED)
    team.publisher.post(changelist, selected | {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == PUBLISHED
    assert Client().get(draft.get_absolute_url()).status_code == 200


def test_three_people_are_needed_under_sanshen(team, live, settings):
    settings.REVIEW_PEOPLE = 3
    both = staff(roles.REVIEWERS, "shenfa")
    both.groups.add(*roles_groups(roles.PUBLISHERS))
    reviewer_publisher = signed_in(both)
    team.editor.post(change_url(live), project_form(live, title="紫云红茶"))
    revision = the_revision(live)
    step(team.editor, revision, Action.SUBMITTED)
    step(reviewer_publisher, revision, Action.APPROVED)
    response = step(reviewer_publisher, revision, Action.PUBLISHED)
    assert "三审" in response.content.decode()
    assert public_view(live)[0] == "紫云茶叶"
    step(team.publisher, revision, Action.PUBLISHED)
    assert public_view(live)[0] == "紫云红茶"


def test_one_account_does_everything_only_in_solo_mode(live, settings, admin_user):
    owner = signed_in(admin_user)
    owner.post(change_url(live), project_form(live, title="紫云红茶"))
    revision = the_revision(live)
    step(owner, revision, Action.SUBMITTED)
    assert "不能审核自己" in step(owner, revision, Action.APPROVED).content.decode()
    assert "单人模式" not in owner.get(reverse("admin:index")).content.decode()

    settings.REVIEW_SOLO = True
    assert "单人模式" in owner.get(reverse("admin:index")).content.decode()
    step(owner, revision, Action.APPROVED)
    step(owner, revision, Action.PUBLISHED)
    assert public_view(live)[0] == "紫云红茶"


def test_a_removed_inline_figure_goes_only_when_published(team, live):
    figure = live.figures.get()
    data = with_figure(live, figure) | {"figures-0-DELETE": "on"}
    team.editor.post(change_url(live), data)
    assert Figure.objects.filter(pk=figure.pk).exists()
    revision = the_revision(live)
    step(team.editor, revision, Action.SUBMITTED)
    step(team.reviewer, revision, Action.APPROVED)
    step(team.publisher, revision, Action.PUBLISHED)
    assert not Figure.objects.filter(pk=figure.pk).exists()
    live.refresh_from_db()
    assert live.funds is None


def test_publishing_keeps_what_was_published_meanwhile(team, live, world):
    """Two changes to different fields: publishing one does not undo the other."""
    team.editor.post(change_url(live), project_form(live, title="紫云红茶"))
    revision = the_revision(live)
    Project.objects.filter(pk=live.pk).update(summary="发布后补充的摘要")
    step(team.editor, revision, Action.SUBMITTED)
    step(team.reviewer, revision, Action.APPROVED)
    step(team.publisher, revision, Action.PUBLISHED)
    live.refresh_from_db()
    assert (live.title, live.summary) == ("紫云红茶", "发布后补充的摘要")


# Reference records ---------------------------------------------------------------------


def test_reference_records_are_changed_by_publishers_only(team, world):
    url = change_url(world.maoying)
    assert team.editor.get(url).context["has_change_permission"] is False
    data = {"name": "猫营镇（改）", "level": world.maoying.level, "side": world.maoying.side}
    data |= {"parent": world.ziyun.pk, "short_name": "", "quote": "", "source_note": ""}
    team.editor.post(url, data)
    world.maoying.refresh_from_db()
    assert world.maoying.name == "猫营镇"
    response = team.publisher.post(url, data | {"source": world.source.pk})
    assert response.status_code == 302, response.context["errors"]
    world.maoying.refresh_from_db()
    assert world.maoying.name == "猫营镇（改）"
    assert world.maoying.history.first().history_username == "fabu"


def test_a_bulk_delete_of_live_figures_waits_in_the_revision(team, live):
    figure = live.figures.get()
    changelist = reverse("admin:cooperation_figure_changelist")
    selected = {"action": "delete_selected", "_selected_action": [figure.pk], "post": "yes"}
    response = team.editor.post(changelist, selected)
    assert response.status_code == 302
    assert Figure.objects.filter(pk=figure.pk).exists()
    revision = the_revision(live)
    assert response.url == revision.get_absolute_url()
    assert f"cooperation.figure:{figure.pk}" not in revision.proposed


def test_a_revert_from_history_of_a_live_project_waits_in_the_revision(team, live):
    version = live.history.get()
    Project.objects.filter(pk=live.pk).update(title="紫云红茶")
    url = reverse("admin:cooperation_project_simple_history", args=[live.pk, version.history_id])
    team.editor.post(url, project_form(live, title="紫云茶叶"))
    live.refresh_from_db()
    assert live.title == "紫云红茶"
    assert the_revision(live).proposed[f"cooperation.project:{live.pk}"]["title"] == "紫云茶叶"


def test_merging_applies_only_what_the_revision_changed():
    from cooperation.revisions import merged

    base = {"a:1": {"x": 1, "y": 1}, "a:2": {"x": 2}, "a:3": {"x": 3}}
    proposed = {"a:1": {"x": 9, "y": 1}, "a:3": {"x": 3}, "a:4": {"x": 4}}  # a:2 removed
    current = {"a:1": {"x": 1, "y": 7}, "a:2": {"x": 2}, "a:5": {"x": 5}}  # a:3 removed
    assert merged(current, base, proposed) == {
        "a:1": {"x": 9, "y": 7},
        "a:5": {"x": 5},
        "a:4": {"x": 4},
    }


def test_a_figure_added_to_a_live_page_is_published_without_taking_another_key(team, live, world):
    """The revision's new figure got its key in a rolled-back insert; SQLite may hand the
    same key to the next figure saved, which publishing must not overwrite."""
    figure = live.figures.get()
    data = with_figure(live, figure)
    new = {name.replace("figures-0-", "figures-1-"): value for name, value in data.items()}
    new = {name: value for name, value in new.items() if name.startswith("figures-1-")}
    new |= {"figures-1-id": "", "figures-1-label": "新增资金", "figures-1-value": "200"}
    team.editor.post(change_url(live), data | new | {"figures-TOTAL_FORMS": "2"})
    revision = the_revision(live)
    draft = make_project(world.pairing, world.source, title="紫云草稿", status=DRAFT)
    other = make_figure(world.source, 7, project=draft, label="草稿资金")
    step(team.editor, revision, Action.SUBMITTED)
    step(team.reviewer, revision, Action.APPROVED)
    step(team.publisher, revision, Action.PUBLISHED)
    other.refresh_from_db()
    assert (other.project, other.label, other.value) == (draft, "草稿资金", 7)
    assert sorted(live.figures.values_list("label", flat=True)) == ["帮扶资金", "新增资金"]


def test_a_record_withdrawn_with_a_pending_revision_keeps_its_changes(team, live):
    team.editor.post(change_url(live), project_form(live, title="紫云红茶"))
    Project.objects.filter(pk=live.pk).update(status=DRAFT)  # a publisher's takedown
    team.editor.post(change_url(live), project_form(live, title="紫云红茶", summary="补充"))
    live.refresh_from_db()
    assert (live.title, live.summary) == ("紫云红茶", "补充")
    revision = the_revision(live)
    step(team.editor, revision, Action.SUBMITTED)
    step(team.reviewer, revision, Action.APPROVED)
    step(team.publisher, revision, Action.PUBLISHED)
    live.refresh_from_db()
    assert (live.title, live.summary, live.status) == ("紫云红茶", "补充", PUBLISHED)
