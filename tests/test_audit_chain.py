"""The audit record shows tampering: a changed, removed or slipped-in row or entry, a chain
recomputed without the key, a forged checkpoint (portal/audit.py)."""

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessFailureLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Project, Source
from portal import audit
from portal.models import AuditCheckpoint, AuditEntry, AuditHead
from tests.factories import make_project

LONG_AGO = timezone.now() - timedelta(days=400)


def verify_audit():
    """verify_audit's output, and whether it passed."""
    out = StringIO()
    try:
        call_command("verify_audit", stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


def assert_broken(*named):
    output, whole = verify_audit()
    assert not whole, output
    for text in named:
        assert text in output, output
    return output


def history_row(project):
    return Project.history.filter(id=project.pk).latest("history_date")


def entry_for(row):
    return AuditEntry.objects.get(model=row._meta.label_lower, object_pk=str(row.pk))


def log_change(user, when=None):
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=user.username,
        action_flag=CHANGE,
        change_message="改了邮箱",
        **({"action_time": when} if when else {}),
    )


@pytest.fixture
def staff(db):
    return User.objects.create_user("fabu", password="unused-Passw0rd!", is_staff=True)


@pytest.fixture
def project(world):
    record = make_project(world.pairing, world.source, title="紫云红心薯加工厂")
    record.title = "紫云红心薯深加工厂"
    record.save()
    return record


def test_every_audited_insert_gets_an_entry_and_the_record_verifies(project, staff):
    log_change(staff)
    AccessFailureLog.objects.create(username="x", ip_address="203.0.113.9", path_info="/")

    output, whole = verify_audit()

    assert whole, output
    head = AuditHead.objects.get()
    assert head.seq == AuditEntry.objects.count()
    assert f"审计记录完整：{head.seq} 条" in output
    assert f"链头：#{head.seq} MAC {head.mac}" in output
    assert {"admin.logentry", "axes.accessfailurelog", "cooperation.historicalproject"} <= set(
        AuditEntry.objects.values_list("model", flat=True)
    )


def test_a_history_row_changed_in_the_database_is_named(project):
    row = history_row(project)
    Project.history.filter(history_id=row.history_id).update(title="改过的标题")

    assert_broken(f"cooperation.historicalproject #{row.history_id} 在审计之后被改动")


def test_a_row_changed_by_raw_sql_is_named(staff):
    entry = log_change(staff)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE django_admin_log SET change_message = %s WHERE id = %s", ["无", entry.pk]
        )

    assert_broken(f"admin.logentry #{entry.pk} 在审计之后被改动")


def test_a_deleted_row_is_named(project):
    row = history_row(project)
    Project.history.filter(history_id=row.history_id).delete()

    assert_broken(f"cooperation.historicalproject #{row.history_id} 已被删除")


def test_a_deleted_entry_is_named_as_a_gap(project, staff):
    log_change(staff)
    removed = entry_for(history_row(project)).seq
    AuditEntry.objects.filter(seq=removed).delete()

    assert_broken(f"审计条目 #{removed} 缺失", "没有审计条目")


def test_an_entry_recomputed_without_the_key_fails(project, settings):
    row = history_row(project)
    Project.history.filter(history_id=row.history_id).update(title="改过的标题")
    entry = entry_for(row)
    settings.AUDIT_KEY = "an-attacker-guess-of-the-key-000000000"
    forged_digest = audit.row_digest(type(row), Project.history.get(history_id=row.history_id))
    forged_mac = audit.entry_mac(
        entry.seq, entry.model, entry.object_pk, forged_digest, entry.prev_mac
    )
    AuditEntry.objects.filter(seq=entry.seq).update(digest=forged_digest, mac=forged_mac)
    settings.AUDIT_KEY = ""

    output = assert_broken(f"审计条目 #{entry.seq}（cooperation.historicalproject")
    assert "MAC 不符" in output
    assert "在审计之后被改动" not in output


def test_a_row_inserted_without_an_entry_is_named(staff):
    [row] = LogEntry.objects.bulk_create(
        [LogEntry(user=staff, object_repr="偷偷写入", action_flag=CHANGE)]
    )

    assert_broken(f"admin.logentry #{row.pk} 没有审计条目")


def test_a_rolled_back_transaction_leaves_no_entry(world, staff):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_project(world.pairing, world.source, title="回滚的项目")
        log_change(staff)
        raise RuntimeError

    assert AuditEntry.objects.count() == before
    assert verify_audit()[1]


def test_the_admins_bulk_delete_log_is_sealed(admin_client):
    groups = [Group.objects.create(name=name) for name in ("甲组", "乙组", "丙组")]

    response = admin_client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"},
    )

    assert response.status_code == 302
    deletions = LogEntry.objects.filter(object_repr__in=["甲组", "乙组", "丙组"])
    assert deletions.count() == 3
    assert (
        AuditEntry.objects.filter(
            model="admin.logentry", object_pk__in=[str(e.pk) for e in deletions]
        ).count()
        == 3
    )
    assert verify_audit()[1]


def old_project(world, title):
    """A project whose every version is older than the retention, sealed as it was written."""
    project = Project(
        title=title,
        slug=title,
        category=Project.Category.INDUSTRY,
        pairing=world.pairing,
        source=world.source,
        start_year=2023,
    )
    for version in ("", "（改）"):
        project.title = title + version
        project._history_date = LONG_AGO
        project.save()
    return project


def test_pruning_leaves_a_verifiable_record_and_old_rows_stay_sealed(world, staff):
    old = old_project(world, "old-project")
    old_log = log_change(staff, when=LONG_AGO)
    log_change(staff)
    call_command("prune_history", days=365, dry_run=True, stdout=StringIO())
    assert not AuditCheckpoint.objects.exists()

    call_command("prune_history", days=365, stdout=StringIO())

    kept = Project.history.get(id=old.pk)
    assert kept.title == "old-project（改）"
    assert not LogEntry.objects.filter(pk=old_log.pk).exists()
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.seq == AuditHead.objects.get().seq
    output, whole = verify_audit()
    assert whole, output
    assert f"检查点：#{checkpoint.seq}" in output
    log_change(staff)
    assert verify_audit()[1]

    Project.history.filter(history_id=kept.history_id).update(title="改过")
    assert_broken(f"cooperation.historicalproject #{kept.history_id} 在审计之后被改动")


def test_an_entry_removed_below_the_checkpoint_is_still_caught(world, staff):
    old = old_project(world, "old-project")
    call_command("prune_history", days=365, stdout=StringIO())
    kept = Project.history.get(id=old.pk)

    entry_for(kept).delete()

    assert_broken("及以前的审计条目与检查点不符：应有", f"#{kept.history_id} 没有审计条目")


def test_a_forged_checkpoint_is_refused(project, staff):
    log_change(staff)
    hidden = entry_for(history_row(project))
    Project.history.filter(history_id=hidden.object_pk).delete()
    AuditEntry.objects.filter(seq=hidden.seq).delete()
    head = AuditHead.objects.get()
    count, seqs_sha256 = audit.seqs_at_or_below(head.seq, "default")
    AuditCheckpoint.objects.create(
        seq=head.seq,
        mac=head.mac,
        made_at=timezone.now(),
        count=count,
        seqs_sha256=seqs_sha256,
        signature="0" * 64,
    )

    assert_broken("的签名无效，已不予采信", f"审计条目 #{hidden.seq} 缺失")


def test_prune_refuses_a_broken_record_and_its_dry_run_says_so(project):
    row = history_row(project)
    Project.history.filter(history_id=row.history_id).update(title="改过的标题")

    with pytest.raises(CommandError, match="审计记录不完整（1 处问题），不予清理"):
        call_command("prune_history", days=365, stdout=StringIO(), stderr=StringIO())
    errors = StringIO()
    call_command("prune_history", days=365, dry_run=True, stdout=StringIO(), stderr=errors)
    assert "试运行照常计数" in errors.getvalue()
    assert not AuditCheckpoint.objects.exists()


def test_sealing_existing_rows_is_allowed_only_while_the_chain_is_empty(project, staff):
    log_change(staff)
    with pytest.raises(CommandError, match="审计链已有条目"):
        call_command("verify_audit", seal_existing=True, stdout=StringIO())

    AuditEntry.objects.all().delete()
    AuditHead.objects.all().delete()
    output = assert_broken("没有审计条目", "--seal-existing")
    assert "升级前已有的数据库" in output

    out = StringIO()
    call_command("verify_audit", seal_existing=True, stdout=out)
    assert "审计记录完整" in out.getvalue()


def test_a_row_restored_by_loaddata_is_not_sealed_again(staff):
    """A dump holds the rows and their entries; the restored entries are the seals."""
    before = AuditEntry.objects.count()
    LogEntry(user=staff, object_repr="恢复的记录", action_flag=CHANGE).save_base(raw=True)

    assert AuditEntry.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_the_article_fixtures_loaded_into_a_fresh_database_verify():
    call_command("load_fixtures", verbosity=0)
    assert Source.objects.exists()

    output, whole = verify_audit()
    assert whole, output
    assert "审计记录完整：0 条" in output  # loaddata's raw saves write no history


def test_deploy_check_warns_without_a_separate_audit_key(settings):
    settings.AUDIT_KEY = ""
    warnings = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "portal.W002" in {warning.id for warning in warnings}

    settings.AUDIT_KEY = "k" * 40
    warnings = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "portal.W002" not in {warning.id for warning in warnings}


def test_each_new_head_is_logged_as_an_outside_anchor(
    staff, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level("INFO", logger="portal.audit")
    with django_capture_on_commit_callbacks(execute=True):
        log_change(staff)

    head = AuditHead.objects.get()
    assert [r.getMessage() for r in caplog.records if r.name == "portal.audit"] == [
        f"audit head seq={head.seq} mac={head.mac}"
    ]
