"""Who changed what and when is kept, also after that user's account is removed."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cooperation import roles
from cooperation.models import Beneficiary, Figure, Indicator, Pairing, Project
from tests.factories import admin_import, confirm_import, make_project, make_staff

INLINES = ("project_locations", "roles", "figures", "benefits", "events")


def project_form(world, **fields):
    data = {
        "title": "紫云红心薯加工厂",
        "slug": "zy-sweet-potato",
        "category": "industry",
        "pairing": world.pairing.pk,
        "start_year": "2023",
        "end_year": "",
        "work_status": "in_operation",
        "summary": "",
        "description": "",
        "source": world.source.pk,
        "quote": "",
        "source_note": "",
    }
    for prefix in INLINES:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | fields


def figure_inline(world, value):
    return {
        "figures-TOTAL_FORMS": "1",
        "figures-0-measure": "assistance_funds",
        "figures-0-label": "帮扶资金",
        "figures-0-value": value,
        "figures-0-unit": "元",
        "figures-0-qualifier": "exact",
        "figures-0-kind": "actual",
        "figures-0-period_kind": "flow",
        "figures-0-period_start": "2023-01-01",
        "figures-0-period_end": "2023-12-31",
        "figures-0-period": "",
        "figures-0-scope": "owner",
        "figures-0-part_of": "",
        "figures-0-source": world.source.pk,
        "figures-0-quote": "投入帮扶资金305.65万元",
        "figures-0-source_note": "",
    }


@pytest.fixture
def editor(db):
    return make_staff(roles.EDITORS, "liwei")


def test_admin_changes_are_recorded_with_who_made_them(client, world, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:cooperation_project_add"),
        project_form(world) | figure_inline(world, "3056500"),
    )
    assert response.status_code == 302
    project = Project.objects.get(slug="zy-sweet-potato")
    assert project.funds == 3056500
    response = client.post(
        reverse("admin:cooperation_project_change", args=[project.pk]),
        project_form(world, title="紫云红心薯深加工厂"),
    )
    assert response.status_code == 302

    changes = list(project.history.order_by("history_date"))
    assert [c.history_type for c in changes] == ["+", "~"]
    assert {(c.history_user, c.history_username) for c in changes} == {(editor, "liwei")}
    assert changes[-1].diff_against(changes[0]).changed_fields == ["title"]
    figure = Figure.history.get()
    assert (figure.history_user, figure.history_username, figure.value) == (
        editor,
        "liwei",
        3056500,
    )


def test_history_outlives_the_user_who_made_it(admin_client, world, editor):
    # A user with admin log entries cannot be deleted at all (see test_audit); one whose
    # only traces are change-history rows can, and the rows stay with the name.
    project = Project(
        title="紫云茶叶",
        slug="ziyun-tea",
        category="industry",
        pairing=world.pairing,
        source=world.source,
    )
    project._history_user = editor
    project.save()
    editor.delete()

    changes = project.history.all()
    assert changes.count() == 1
    assert changes[0].history_user is None
    assert changes[0].history_username == "liwei"
    response = admin_client.get(reverse("admin:cooperation_project_history", args=[project.pk]))
    assert response.status_code == 200
    assert "liwei" in response.content.decode()
    assert not get_user_model().objects.filter(username="liwei").exists()


def test_history_page_lists_each_change(admin_client, world):
    project = make_project(world.pairing, world.source, title="紫云茶叶")
    project.title = "紫云茶叶加工"
    project.save()
    response = admin_client.get(reverse("admin:cooperation_project_history", args=[project.pk]))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 2


def test_publishing_is_recorded_in_the_history(client, world):
    from cooperation import publishing

    publisher = make_staff(roles.PUBLISHERS, "wangfang")
    client.force_login(publisher)
    project = make_project(world.pairing, world.source, status="draft")
    editor, reviewer = make_staff(roles.EDITORS), make_staff(roles.REVIEWERS)
    revision = publishing.start(editor, project)
    publishing.step(editor, revision, publishing.Action.SUBMITTED)
    publishing.step(reviewer, revision, publishing.Action.APPROVED)
    client.post(
        reverse("admin:cooperation_project_changelist"),
        {"action": "publish", "_selected_action": [project.pk]},
    )
    latest = project.history.latest("history_date")
    assert (latest.status, latest.history_username) == ("published", "wangfang")


def test_import_through_the_admin_is_recorded_in_the_history(client, world, editor):
    client.force_login(editor)
    content = (
        "slug,title,category,pairing,start_year,source\n"
        f"zy-tea,紫云茶叶加工,industry,{world.pairing.pk},2023,{world.source.slug}\n"
        f"zy-fish,坝羊生态鱼,industry,{world.pairing.pk},2023,{world.source.slug}\n"
    ).encode()
    preview = admin_import(client, "project", "projects.csv", content)
    assert not Project.history.exists()  # the preview is rolled back, its history too
    confirm_import(client, preview)
    changes = Project.history.all()
    assert sorted(c.slug for c in changes) == ["zy-fish", "zy-tea"]
    assert {(c.history_type, c.history_username) for c in changes} == {("+", "liwei")}


@pytest.mark.parametrize("model", [Project, Pairing, Beneficiary, Figure, Indicator])
def test_records_the_issue_names_keep_a_history(model):
    assert model.history.model.__name__ == f"Historical{model.__name__}"
    assert "history_username" in {f.name for f in model.history.model._meta.fields}
