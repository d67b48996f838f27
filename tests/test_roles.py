"""Editors enter records as drafts; only publishers publish, unpublish and delete."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from cooperation import roles
from cooperation.models import Beneficiary, Pairing, Project, Publication
from tests.factories import (
    admin_import,
    confirm_import,
    make_beneficiary,
    make_pairing,
    make_project,
)

DRAFT, PUBLISHED = Publication.DRAFT, Publication.PUBLISHED
PUBLISHABLE = [Project, Pairing, Beneficiary]


def perms(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def changelist(model):
    return reverse(f"admin:cooperation_{model._meta.model_name}_changelist")


def make_record(world, model, status):
    if model is Project:
        return make_project(world.pairing, world.source, status=status)
    if model is Pairing:
        return make_pairing(
            world.nansha, world.bayang, world.source, status=status, parent=world.pairing
        )
    return make_beneficiary(world.source, status=status)


def run_action(client, model, action, records):
    return client.post(
        changelist(model),
        {"action": action, "_selected_action": [record.pk for record in records]},
        follow=True,
    )


# The groups -------------------------------------------------------------------------


def test_migrations_create_the_three_roles_with_their_permissions(db):
    editors, reviewers = perms(roles.EDITORS), perms(roles.REVIEWERS)
    publishers = perms(roles.PUBLISHERS)
    for model in roles.MODELS:
        assert {("cooperation", f"view_{model}")} <= editors & reviewers & publishers
        for action in ("add", "change", "delete"):
            assert ("cooperation", f"{action}_{model}") in publishers
            assert ("cooperation", f"{action}_{model}") not in reviewers
    for model in roles.RECORDS:
        assert {("cooperation", f"add_{model}"), ("cooperation", f"change_{model}")} <= editors
    for model in roles.REFERENCE:
        assert not {("cooperation", f"{action}_{model}") for action in ("add", "change")} & editors
    for model in roles.PUBLISHABLE:
        assert ("cooperation", f"delete_{model}") not in editors
        assert ("cooperation", f"publish_{model}") in publishers
        assert ("cooperation", f"publish_{model}") not in editors | reviewers
    assert ("cooperation", "review_revision") in reviewers
    assert ("cooperation", "review_revision") not in editors | publishers
    assert {app for app, _codename in editors | reviewers} == {"cooperation"}
    # Besides the records, publishers read and handle visitors' error reports (纠错).
    assert {(app, codename) for app, codename in publishers if app != "cooperation"} == {
        ("portal", "view_feedback"),
        ("portal", "change_feedback"),
        ("portal", "delete_feedback"),
    }


def test_granting_the_roles_again_keeps_what_another_app_gave(db):
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    state = MigrationLoader(connection).project_state().apps
    roles.grant(state, [roles.PUBLISHERS])

    publishers = perms(roles.PUBLISHERS)
    assert ("portal", "view_feedback") in publishers
    assert ("cooperation", "publish_project") in publishers


def test_roles_cover_every_model_in_the_admin():
    registered = admin.site._registry
    names = {
        model._meta.model_name for model in registered if model._meta.app_label == "cooperation"
    }
    # Revisions are seen by every role; intakes by whoever may add projects and figures
    # (cooperation.intake.may_intake).
    assert set(roles.MODELS) == names - {"revision", "intake"}


# Editors ----------------------------------------------------------------------------


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda m: m._meta.model_name)
def test_editor_is_not_offered_publishing_or_deleting(editor, world, model):
    make_record(world, model, DRAFT)
    response = editor.get(changelist(model))
    assert response.status_code == 200
    action_form = response.context["action_form"]
    offered = (
        {name for name, _label in action_form.fields["action"].choices} if action_form else set()
    )
    assert not offered & {"publish", "unpublish", "delete_selected"}


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda m: m._meta.model_name)
def test_editor_forcing_the_publish_action_changes_nothing(editor, world, model):
    record = make_record(world, model, DRAFT)
    run_action(editor, model, "publish", [record])
    record.refresh_from_db()
    assert record.status == DRAFT


def test_editor_forcing_unpublish_or_delete_changes_nothing(editor, world):
    record = make_project(world.pairing, world.source, status=PUBLISHED)
    draft = make_project(world.pairing, world.source, status=DRAFT)
    run_action(editor, Project, "unpublish", [record])
    run_action(editor, Project, "delete_selected", [draft])
    editor.post(
        changelist(Project),
        {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"},
    )
    record.refresh_from_db()
    assert record.status == PUBLISHED
    assert Project.objects.filter(pk=draft.pk).exists()


def test_editor_sees_status_read_only_and_cannot_publish_by_editing(editor, world):
    project = make_project(world.pairing, world.source, status=DRAFT, title="紫云茶叶")
    url = reverse("admin:cooperation_project_change", args=[project.pk])
    response = editor.get(url)
    assert response.status_code == 200
    assert "status" not in response.context["adminform"].form.fields
    assert "status" in response.context["adminform"].readonly_fields
    data = {
        "title": "紫云茶叶加工",
        "slug": project.slug,
        "category": project.category,
        "pairing": project.pairing_id,
        "status": PUBLISHED,
        "work_status": project.work_status,
        "start_year": "2023",
        "end_year": "",
        "summary": "",
        "description": "",
        "source": world.source.pk,
        "quote": "",
        "source_note": "",
    }
    for prefix in ("project_locations", "roles", "figures", "benefits", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = editor.post(url, data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "紫云茶叶加工"
    assert project.status == DRAFT


def test_editor_cannot_open_the_delete_page(editor, world):
    project = make_project(world.pairing, world.source, status=DRAFT)
    response = editor.get(reverse("admin:cooperation_project_delete", args=[project.pk]))
    assert response.status_code == 403
    response = editor.post(
        reverse("admin:cooperation_project_delete", args=[project.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


# Publishers -------------------------------------------------------------------------


@pytest.mark.parametrize("model", PUBLISHABLE, ids=lambda m: m._meta.model_name)
def test_publisher_publishes_reviewed_drafts_and_unpublishes_through_the_changelist(
    publisher, world, model
):
    from django.test import Client

    from cooperation import publishing
    from tests.factories import make_staff

    first, second = make_record(world, model, DRAFT), make_record(world, model, DRAFT)
    editor, reviewer = make_staff(roles.EDITORS), make_staff(roles.REVIEWERS)
    for record in (first, second):
        revision = publishing.start(editor, record)
        publishing.step(editor, revision, publishing.Action.SUBMITTED)
        publishing.step(reviewer, revision, publishing.Action.APPROVED)
    response = run_action(publisher, model, "publish", [first, second])
    assert response.status_code == 200
    assert "发布：2 条修订。" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (PUBLISHED, PUBLISHED)
    assert Client().get(first.get_absolute_url()).status_code == 200
    response = run_action(publisher, model, "unpublish", [first])
    assert "已撤回 1 条记录。" in response.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (DRAFT, PUBLISHED)


def test_publisher_cannot_delete_a_published_record(publisher, world):
    project = make_project(world.pairing, world.source, status=PUBLISHED)
    delete_url = reverse("admin:cooperation_project_delete", args=[project.pk])
    assert publisher.get(delete_url).status_code == 403
    assert publisher.post(delete_url, {"post": "yes"}).status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()


def test_publisher_deletes_a_record_once_unpublished(publisher, world):
    project = make_project(world.pairing, world.source, status=PUBLISHED)
    run_action(publisher, Project, "unpublish", [project])
    delete_url = reverse("admin:cooperation_project_delete", args=[project.pk])
    response = publisher.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not Project.objects.filter(pk=project.pk).exists()


def test_bulk_delete_with_a_published_record_deletes_nothing(publisher, world):
    published = make_project(world.pairing, world.source, status=PUBLISHED)
    draft = make_project(world.pairing, world.source, status=DRAFT)
    response = publisher.post(
        changelist(Project),
        {"action": "delete_selected", "_selected_action": [published.pk, draft.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert "所选记录中有 1 条已发布，未删除任何记录。" in response.content.decode()
    assert set(Project.objects.all()) == {published, draft}


def test_bulk_delete_of_drafts_asks_then_deletes(publisher, world):
    drafts = [make_project(world.pairing, world.source, status=DRAFT) for _ in range(2)]
    selected = {"action": "delete_selected", "_selected_action": [d.pk for d in drafts]}
    response = publisher.post(changelist(Project), selected)
    assert response.status_code == 200
    assert response.context["queryset"].count() == 2
    response = publisher.post(changelist(Project), selected | {"post": "yes"})
    assert response.status_code == 302
    assert not Project.objects.exists()


def test_publisher_cannot_delete_a_pairing_that_has_projects(publisher, world):
    child = make_pairing(
        world.nansha, world.bayang, world.source, status=DRAFT, parent=world.pairing
    )
    make_project(child, world.source, status=DRAFT)
    delete_url = reverse("admin:cooperation_pairing_delete", args=[child.pk])
    response = publisher.get(delete_url)
    assert response.status_code == 200
    assert response.context["protected"]
    publisher.post(delete_url, {"post": "yes"})
    assert Pairing.objects.filter(pk=child.pk).exists()


def project_form(project, **fields):
    data = {
        "title": project.title,
        "slug": project.slug,
        "category": project.category,
        "pairing": project.pairing_id,
        "work_status": project.work_status,
        "start_year": project.start_year or "",
        "end_year": "",
        "summary": "",
        "description": "",
        "source": project.source_id,
        "quote": "",
        "source_note": "",
    }
    for prefix in ("project_locations", "roles", "figures", "benefits", "events"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | fields


def test_editor_adds_projects_as_drafts(editor, world):
    template = Project(
        title="紫云新项目", slug="zy-new", category="industry", pairing=world.pairing
    )
    template.source = world.source
    response = editor.post(
        reverse("admin:cooperation_project_add"), project_form(template, status=PUBLISHED)
    )
    assert response.status_code == 302
    assert Project.objects.get(slug="zy-new").status == DRAFT


def test_editor_cannot_republish_by_reverting_to_a_published_version(editor, world):
    project = make_project(world.pairing, world.source, status=PUBLISHED, title="紫云茶叶")
    published_version = project.history.get()
    project.status = DRAFT
    project.save()
    url = reverse(
        "admin:cooperation_project_simple_history",
        args=[project.pk, published_version.history_id],
    )
    response = editor.post(url, project_form(project, title="紫云茶叶（旧版）"))
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "紫云茶叶（旧版）"
    assert project.status == DRAFT


def import_projects(client, world, rows):
    header = "slug,title,category,pairing,start_year,status,source\n"
    body = "".join(
        f"{slug},{title},industry,{world.pairing.pk},2023,{status},{world.source.slug}\n"
        for slug, title, status in rows
    )
    preview = admin_import(client, "project", "projects.csv", (header + body).encode())
    return confirm_import(client, preview)


def test_editor_import_cannot_publish(editor, world):
    make_project(world.pairing, world.source, slug="zy-draft", status=DRAFT)
    import_projects(
        editor,
        world,
        [("zy-new", "紫云新项目", PUBLISHED), ("zy-draft", "紫云草稿项目", PUBLISHED)],
    )
    status = dict(Project.objects.values_list("slug", "status"))
    assert status == {"zy-new": DRAFT, "zy-draft": DRAFT}
    assert Project.objects.get(slug="zy-draft").title == "紫云草稿项目"


def test_no_import_changes_a_publication_state(publisher, world):
    make_project(world.pairing, world.source, slug="zy-old", status=PUBLISHED)
    make_project(world.pairing, world.source, slug="zy-draft", status=DRAFT)
    import_projects(
        publisher,
        world,
        [
            ("zy-old", "紫云旧项目", DRAFT),
            ("zy-draft", "紫云草稿", PUBLISHED),
            ("zy-new", "紫云新项目", PUBLISHED),
        ],
    )
    status = dict(Project.objects.values_list("slug", "status"))
    assert status == {"zy-old": PUBLISHED, "zy-draft": DRAFT, "zy-new": DRAFT}
