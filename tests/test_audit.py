import json
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from cooperation import roles
from cooperation.models import Project, Region
from cooperation.views import audit
from tests.factories import make_project

User = get_user_model()


def staff(username, role=None, **fields):
    user = User.objects.create_user(username, password="Ziyun-Nansha-2023", is_staff=True, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(db):
    return staff("bianji", roles.EDITORS)


@pytest.fixture
def publisher(db):
    return staff("fabuzhe", roles.PUBLISHERS)


def save_as(user, record, **changes):
    for name, value in changes.items():
        setattr(record, name, value)
    record._history_user = user
    record.save()


def log_account_change(by, account, **fields):
    return LogEntry.objects.create(
        user=by,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(account.pk),
        object_repr=account.username,
        action_flag=CHANGE,
        change_message=json.dumps([{"changed": {"fields": ["is_active"]}}]),
        **fields,
    )


def audit_page(client, viewer, **query):
    client.force_login(viewer)
    return client.get(reverse("admin-audit"), query)


# Who may see it ---------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login(client, db):
    response = client.get(reverse("admin-audit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_editor_cannot_see_the_audit_page(client, editor):
    assert audit_page(client, editor).status_code == 403


def test_publisher_and_superuser_can_see_the_audit_page(client, publisher):
    assert audit_page(client, publisher).status_code == 200
    admin = User.objects.create_superuser("guanliyuan", password="Ziyun-Nansha-2023")
    assert audit_page(client, admin).status_code == 200


@pytest.mark.parametrize("fields", [{"is_active": False}, {"is_staff": False}])
def test_inactive_or_non_staff_publisher_cannot_see_it(client, db, fields):
    user = staff("fabuzhe", roles.PUBLISHERS)
    User.objects.filter(pk=user.pk).update(**fields)
    client.force_login(user)
    response = client.get(reverse("admin-audit"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_index_links_the_audit_page_for_publishers_only(client, editor, publisher):
    link = f'href="{reverse("admin-audit")}"'
    client.force_login(publisher)
    assert link in client.get(reverse("admin:index")).content.decode()
    client.force_login(editor)
    assert link not in client.get(reverse("admin:index")).content.decode()


# What it shows ------------------------------------------------------------------------


def test_changes_across_models_newest_first_with_who_and_what(client, world, editor, publisher):
    project = make_project(world.pairing, world.source, title="旧的项目名称")
    save_as(editor, project, title="新的项目名称")
    save_as(publisher, world.ziyun, short_name="紫云")

    changes = audit_page(client, publisher).context["changes"]

    assert [(c.who, c.action, c.label) for c in changes[:2]] == [
        ("fabuzhe", "~", "紫云苗族布依族自治县"),
        ("bianji", "~", "新的项目名称"),
    ]
    region_change, project_change = changes[:2]
    assert [(f.name, f.old, f.new) for f in project_change.fields] == [
        ("项目名称", "旧的项目名称", "新的项目名称")
    ]
    assert project_change.url == reverse("admin:cooperation_project_change", args=[project.pk])
    assert region_change.url == reverse("admin:cooperation_region_change", args=[world.ziyun.pk])
    assert region_change.kind == str(Region._meta.verbose_name)


def test_page_renders_the_diff_and_the_link(client, world, publisher):
    project = make_project(world.pairing, world.source, title="旧的项目名称")
    save_as(publisher, project, title="新的项目名称")

    page = audit_page(client, publisher).content.decode()

    assert "项目名称：旧的项目名称 → 新的项目名称" in page
    assert reverse("admin:cooperation_project_change", args=[project.pk]) in page


def test_deleted_record_is_named_from_its_history(client, world, publisher):
    project = make_project(world.pairing, world.source, title="撤销的项目")
    project._history_user = publisher
    project.delete()

    latest = audit_page(client, publisher).context["changes"][0]

    assert (latest.action, latest.label, latest.url, latest.who) == (
        "-",
        "撤销的项目",
        None,
        "fabuzhe",
    )


def test_account_changes_come_from_the_admin_log(client, editor, publisher):
    admin = User.objects.create_superuser("guanliyuan", password="Ziyun-Nansha-2023")
    log_account_change(admin, editor)

    latest = audit_page(client, publisher).context["changes"][0]

    assert (latest.who, latest.label, latest.action) == ("guanliyuan", "bianji", "~")
    assert latest.url == reverse("admin:auth_user_change", args=[editor.pk])


def test_changes_can_be_narrowed_to_one_person(client, world, editor, publisher):
    save_as(editor, world.ziyun, short_name="紫云")
    save_as(publisher, world.nansha, short_name="南沙")

    changes = audit_page(client, publisher, user="bianji").context["changes"]

    assert [c.who for c in changes] == ["bianji"]


def test_older_changes_are_one_link_away(client, world, publisher, monkeypatch):
    monkeypatch.setattr(audit, "PAGE_SIZE", 2)
    for name in ["一", "二", "三"]:
        save_as(publisher, world.ziyun, short_name=name)

    first = audit_page(client, publisher, user="fabuzhe")
    older = client.get(first.context["older_url"])

    assert [c.fields[0].new for c in first.context["changes"]] == ["三", "二"]
    assert [c.fields[0].new for c in older.context["changes"]] == ["一"]


@pytest.mark.parametrize("before", ["yesterday", "2024-13-45T99:99", "\x00", "9" * 5000])
def test_a_bad_cursor_is_ignored(client, publisher, before):
    assert audit_page(client, publisher, before=before).status_code == 200


def test_audit_page_costs_a_bounded_number_of_queries(
    client, world, publisher, django_assert_max_num_queries
):
    for number in range(30):
        project = make_project(world.pairing, world.source)
        save_as(publisher, project, title=f"项目{number}")
        save_as(publisher, world.pairing, description=f"说明{number}")
    client.force_login(publisher)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("admin-audit"))
    assert len(response.context["changes"]) == audit.PAGE_SIZE


# Records outlive their authors ------------------------------------------------------------


def test_deactivated_user_keeps_history_and_admin_log(world, editor, publisher):
    save_as(editor, world.ziyun, short_name="紫云")
    log_account_change(editor, publisher)

    editor.is_active = False
    editor.save()

    assert Region.history.get(history_username="bianji").history_user == editor
    assert LogEntry.objects.filter(user=editor).count() == 1


def test_admin_refuses_to_delete_an_account(client, editor):
    admin = User.objects.create_superuser("guanliyuan", password="Ziyun-Nansha-2023")
    client.force_login(admin)

    response = client.post(
        reverse("admin:auth_user_delete", args=[editor.pk]), {"post": "yes"}, follow=True
    )

    assert User.objects.filter(pk=editor.pk).exists()
    assert "账号不能删除" in response.content.decode()
    changelist = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "delete_selected" not in changelist


def test_account_with_an_admin_log_cannot_be_deleted(editor, publisher):
    entry = log_account_change(editor, publisher)

    with pytest.raises(ProtectedError), transaction.atomic():
        editor.delete()

    assert User.objects.filter(pk=editor.pk).exists()
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_history_survives_when_its_author_is_removed(world, editor):
    save_as(editor, world.ziyun, short_name="紫云")

    editor.delete()

    row = Region.history.get(history_username="bianji")
    assert row.history_user_id is None
    assert row.short_name == "紫云"


# Pruning -----------------------------------------------------------------------------------


@contextmanager
def days_ago(days):
    """What is written inside is dated `days` ago. Ageing rows afterwards would be tampering
    with the audit record, which prune_history refuses to prune (portal/audit.py)."""
    then = timezone.now() - timedelta(days=days)
    with mock.patch("django.utils.timezone.now", return_value=then):
        yield then


def test_prune_refuses_less_than_180_days(db):
    with pytest.raises(CommandError, match="below the minimum retention of 180 days"):
        call_command("prune_history", days=179)


def test_prune_deletes_old_history_but_keeps_each_records_latest_version(world, publisher):
    with days_ago(400) as then:
        old_project = make_project(world.pairing, world.source, title="旧项目")
        save_as(publisher, old_project, title="旧项目（改）")
        log_account_change(publisher, publisher, action_time=then)
    with days_ago(100):
        recent_project = make_project(world.pairing, world.source, title="新项目")
        save_as(publisher, recent_project, title="新项目（改）")
    recent_entry = log_account_change(publisher, publisher)

    call_command("prune_history", days=365)

    assert list(Project.history.filter(id=old_project.pk).values_list("title", flat=True)) == [
        "旧项目（改）"
    ]
    assert Project.history.filter(id=recent_project.pk).count() == 2
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [recent_entry.pk]


def test_prune_dry_run_deletes_nothing(world, publisher):
    with days_ago(400):
        save_as(publisher, world.ziyun, short_name="紫云")
    before = Region.history.count()

    call_command("prune_history", days=180, dry_run=True)

    assert Region.history.count() == before


def test_simple_history_cleaner_is_disabled_in_favour_of_prune(world):
    with pytest.raises(CommandError, match="prune_history"):
        call_command("clean_old_history", days=1)
    assert Region.history.exists()


def test_an_account_keeps_its_name_once_created(client, editor):
    """The audit chain names users by user name: a renamed account would make its sealed
    rows look altered."""
    admin = User.objects.create_superuser("guanliyuan", password="Ziyun-Nansha-2023")
    client.force_login(admin)
    url = reverse("admin:auth_user_change", args=[editor.pk])
    form = client.get(url).context["adminform"]
    assert "username" in form.readonly_fields and "username" not in form.form.fields
    assert "username" in client.get(reverse("admin:auth_user_add")).context["adminform"].form.fields
