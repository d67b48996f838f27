"""An editor cannot change what the public sees: a published record, or a record shown as
part of one, is changed only by a publisher (cooperation/publishing.py)."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cooperation.models import Figure, Project, Publication
from tests.factories import (
    admin_import,
    confirm_import,
    csv_file,
    make_figure,
    make_project,
)
from tests.test_roles import project_form

DRAFT, PUBLISHED = Publication.DRAFT, Publication.PUBLISHED
REFUSED = "只有发布者可以修改"


@pytest.fixture
def live(world):
    return make_project(
        world.pairing, world.source, title="紫云茶叶", slug="zy-tea", status=PUBLISHED
    )


def change_url(record):
    return reverse(f"admin:cooperation_{record._meta.model_name}_change", args=[record.pk])


def said(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def public_title(client, project):
    return client.get(project.get_absolute_url()).context["project"].title


def test_editor_cannot_change_a_published_project_in_its_change_form(editor, live, client):
    response = editor.post(change_url(live), project_form(live, title="紫云茶叶（改）"))
    assert response.status_code == 302
    assert REFUSED in said(response)
    live.refresh_from_db()
    assert live.title == "紫云茶叶"
    assert public_title(client, live) == "紫云茶叶"


def test_editor_sees_a_published_project_read_only_and_is_told_to_ask_a_publisher(editor, live):
    response = editor.get(change_url(live))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert REFUSED in said(response)


def test_editor_cannot_change_a_published_project_by_import(editor, live, world, client):
    header = ["slug", "title", "category", "pairing", "source"]
    row = ["zy-tea", "紫云茶叶（改）", "industry", world.pairing.pk, world.source.slug]
    preview = admin_import(editor, "project", "p.csv", csv_file(header, [row]))
    assert preview.status_code == 200
    assert REFUSED in preview.content.decode()
    assert "confirm_form" not in preview.context
    live.refresh_from_db()
    assert live.title == "紫云茶叶"
    assert public_title(client, live) == "紫云茶叶"


def test_editor_may_reimport_a_published_project_unchanged(editor, live, world):
    header = ["slug", "title", "category", "pairing", "source"]
    row = ["zy-tea", "紫云茶叶", live.category, world.pairing.pk, world.source.slug]
    preview = admin_import(editor, "project", "p.csv", csv_file(header, [row]))
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["skip"]


def test_editor_cannot_revert_a_published_project_from_its_history(editor, live):
    version = live.history.get()
    url = reverse("admin:cooperation_project_simple_history", args=[live.pk, version.history_id])
    response = editor.post(url, project_form(live, title="紫云茶叶（旧）"))
    assert REFUSED in said(response)
    live.refresh_from_db()
    assert live.title == "紫云茶叶"


def test_editor_cannot_change_a_figure_of_a_published_project(editor, live, world):
    figure = make_figure(world.source, 3_056_500, project=live)
    response = editor.get(change_url(figure))
    assert response.context["has_change_permission"] is False
    data = {
        "project": live.pk,
        "measure": figure.measure,
        "label": figure.label,
        "value": "9999999",
        "unit": figure.unit,
        "qualifier": figure.qualifier,
        "kind": figure.kind,
        "period_kind": "unknown",
        "scope": "owner",
        "source": world.source.pk,
    }
    response = editor.post(change_url(figure), data)
    assert REFUSED in said(response)
    figure.refresh_from_db()
    assert figure.value == 3_056_500


def test_editor_cannot_attach_a_new_figure_to_a_published_project(editor, live, world):
    data = {
        "project": live.pk,
        "measure": Figure.Measure.ASSISTANCE_FUNDS,
        "label": "帮扶资金",
        "value": "100",
        "unit": Figure.Unit.YUAN,
        "qualifier": "exact",
        "kind": Figure.Kind.ACTUAL,
        "period_kind": "unknown",
        "scope": "owner",
        "source": world.source.pk,
    }
    response = editor.post(reverse("admin:cooperation_figure_add"), data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not live.figures.exists()


def test_editor_cannot_import_a_figure_onto_a_published_project(editor, live, world):
    header = ["project", "measure", "label", "value", "unit", "qualifier", "source"]
    row = ["zy-tea", "assistance_funds", "帮扶资金", "100", "元", "exact", world.source.slug]
    preview = admin_import(editor, "figure", "f.csv", csv_file(header, [row]))
    assert REFUSED in preview.content.decode()
    assert not live.figures.exists()


def test_editor_still_changes_drafts_and_their_figures(editor, world):
    draft = make_project(world.pairing, world.source, title="紫云草稿", status=DRAFT)
    response = editor.post(change_url(draft), project_form(draft, title="紫云草稿（改）"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "紫云草稿（改）"
    header = ["project", "measure", "label", "value", "unit", "qualifier", "source"]
    row = [draft.slug, "assistance_funds", "帮扶资金", "100", "元", "exact", world.source.slug]
    confirm_import(editor, admin_import(editor, "figure", "f.csv", csv_file(header, [row])))
    assert draft.figures.count() == 1


def test_publisher_changes_a_published_project(publisher, live, client):
    data = project_form(live, title="紫云茶叶（改）", status=PUBLISHED)
    response = publisher.post(change_url(live), data)
    assert response.status_code == 302
    assert public_title(client, live) == "紫云茶叶（改）"


def test_superuser_changes_a_published_project_by_import(admin_client, live, world):
    header = ["slug", "title", "category", "pairing", "status", "source"]
    row = ["zy-tea", "紫云茶叶（改）", "industry", world.pairing.pk, PUBLISHED, world.source.slug]
    confirm_import(
        admin_client, admin_import(admin_client, "project", "p.csv", csv_file(header, [row]))
    )
    assert Project.objects.get(slug="zy-tea").title == "紫云茶叶（改）"


@pytest.mark.parametrize("model_name", ["project", "pairing", "beneficiary", "figure", "benefit"])
def test_editor_is_offered_no_bulk_action_that_changes_records(editor, live, model_name):
    response = editor.get(reverse(f"admin:cooperation_{model_name}_changelist"))
    action_form = response.context["action_form"]  # None when no action is offered
    offered = (
        {name for name, _label in action_form.fields["action"].choices} if action_form else set()
    )
    assert offered - {""} <= {"export_admin_action"}


def test_editor_saves_a_draft_whose_untouched_inline_links_a_published_record(editor, world):
    from tests.factories import make_beneficiary, make_benefit

    draft = make_project(world.pairing, world.source, title="紫云草稿", status=DRAFT)
    school = make_beneficiary(world.source, name="紫云民族中学", status=PUBLISHED)
    benefit = make_benefit(draft, school)
    data = project_form(draft, title="紫云草稿（改）")
    data |= {
        "benefits-TOTAL_FORMS": "1",
        "benefits-INITIAL_FORMS": "1",
        "benefits-0-id": benefit.pk,
        "benefits-0-project": draft.pk,
        "benefits-0-beneficiary": school.pk,
        "benefits-0-kind": benefit.kind,
        "benefits-0-description": benefit.description,
        "benefits-0-source": benefit.source_id,
        "benefits-0-quote": benefit.quote,
    }
    response = editor.post(change_url(draft), data)
    assert response.status_code == 302, response.context["errors"]
    draft.refresh_from_db()
    assert draft.title == "紫云草稿（改）"

    data["benefits-0-description"] = "新的说明"
    response = editor.post(change_url(draft), data)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
