"""The audit chain's own tables (portal/audit.py says what is chained and how it is checked),
the visitors' feedback (portal/feedback.py), and the jobs of the task queue
(cooperation/jobs.py)."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One sealed audit row: its content's digest, chained to the entry before by an HMAC."""

    seq = models.PositiveBigIntegerField(_("序号"), primary_key=True)
    model = models.CharField(_("表"), max_length=100)
    object_pk = models.CharField(_("行"), max_length=64)
    digest = models.CharField(_("内容摘要"), max_length=64)
    prev_mac = models.CharField(_("前一条的 MAC"), max_length=64, blank=True)
    mac = models.CharField("MAC", max_length=64)

    class Meta:
        verbose_name = _("审计条目")
        verbose_name_plural = _("审计条目")
        ordering = ["seq"]
        constraints = [
            # Serves verify_audit's per-model lookups and prune_history's deletes by row.
            models.UniqueConstraint(fields=["model", "object_pk"], name="audit_entry_one_per_row")
        ]

    def __str__(self):
        return f"#{self.seq} {self.model} #{self.object_pk}"


class AuditHead(models.Model):
    """The chain's last seq and mac in one row: locking it serializes appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(_("序号"), default=0)
    mac = models.CharField("MAC", max_length=64, blank=True)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_one_row")]

    def __str__(self):
        return f"#{self.seq}"


class AuditCheckpoint(models.Model):
    """Signed when prune_history removes old entries: which entries at or below `seq`
    remain, so that the gaps it leaves are not mistaken for (or hide) removed entries."""

    seq = models.PositiveBigIntegerField(_("序号"))
    mac = models.CharField("MAC", max_length=64, blank=True)
    made_at = models.DateTimeField(_("时间"))
    count = models.PositiveBigIntegerField(_("保留条目数"))
    seqs_sha256 = models.CharField(_("保留条目序号摘要"), max_length=64)
    signature = models.CharField(_("签名"), max_length=64)

    class Meta:
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")
        ordering = ["-seq", "-id"]

    def __str__(self):
        return f"#{self.seq} ({self.made_at:%Y-%m-%d})"


class FeedbackQuerySet(models.QuerySet):
    def expired(self, now=None):
        """What was received longer ago than the notice under the form promises to keep it."""
        cutoff = (now or timezone.now()) - timedelta(days=Feedback.RETENTION_DAYS)
        return self.filter(received_at__lt=cutoff)

    def received_since(self, moment):
        return self.filter(received_at__gte=moment)


class Feedback(models.Model):
    """A visitor's report of an error on a public page (纠错), kept for the admins.

    The visitor's address is not stored (portal/feedback.py uses it for rate limiting only).
    Each is deleted RETENTION_DAYS after it was received, as the notice under the form says.
    There is no public page, so there is no get_absolute_url.
    """

    RETENTION_DAYS = 365
    TEXT_MAX_LENGTH = 2000
    CONTACT_MAX_LENGTH = 100
    PAGE_MAX_LENGTH = 500

    class Status(models.TextChoices):
        NEW = "new", _("待处理")
        HANDLED = "handled", _("已处理")

    text = models.TextField(_("反馈内容"), max_length=TEXT_MAX_LENGTH)
    contact = models.CharField(_("联系方式"), max_length=CONTACT_MAX_LENGTH, blank=True)
    page = models.CharField(_("相关页面"), max_length=PAGE_MAX_LENGTH, blank=True)
    language = models.CharField(_("语言"), max_length=16, blank=True)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.NEW)
    handling_note = models.TextField(_("处理说明"), blank=True)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        verbose_name = _("纠错反馈")
        verbose_name_plural = _("纠错反馈")
        ordering = ["-received_at", "-pk"]
        indexes = [
            # Serves the hourly bound on all feedback and the deletion of expired feedback.
            models.Index(fields=["received_at"], name="feedback_received_idx"),
            # Serves the admin's list filtered by status, newest first.
            models.Index(fields=["status", "-received_at"], name="feedback_status_idx"),
        ]

    def __str__(self):
        # Not the text: the admin log, kept longer than feedback, names a record by this.
        return f"#{self.pk} ({timezone.localtime(self.received_at):%Y-%m-%d %H:%M})"


def new_job_token():
    return secrets.token_urlsafe(24)


class JobQuerySet(models.QuerySet):
    def older_than(self, days, now=None):
        return self.filter(created_at__lt=(now or timezone.now()) - timedelta(days=days))


class Job(models.Model):
    """Long work done by a worker (cooperation/jobs.py): a large export or import, with its
    progress, its file and what went wrong.

    A visitor's export has no user: its page is found by the unguessable token alone, so that
    it needs no session. A staff import belongs to its user and runs as them. The file is
    stored through Django's storage API (STORAGES["default"]), which every app server reads.
    """

    class Kind(models.TextChoices):
        EXPORT = "export", _("导出")
        IMPORT_PREVIEW = "import_preview", _("导入预览")
        IMPORT = "import", _("导入")

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    token = models.CharField(_("凭据"), max_length=64, unique=True, default=new_job_token)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveBigIntegerField(_("已处理行数"), default=0)
    total = models.PositiveBigIntegerField(_("总行数"), default=0)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    file = models.FileField(_("文件"), upload_to="jobs/", max_length=255, blank=True)
    file_name = models.CharField(_("下载文件名"), max_length=255, blank=True)
    error = models.TextField(_("错误信息"), blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_at"], name="job_created_idx")]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} ({self.get_state_display()})"

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)
