from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RevisionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state__in=Revision.OPEN)

    def of(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=record.pk
        )


class Revision(models.Model):
    """A change to what one public page shows (cooperation/revisions.py), on its way
    through review: written by editors, approved by a reviewer, published by a publisher
    (cooperation/publishing.py says who may do what). Until then the public sees the
    published version. A record has at most one open revision."""

    class State(models.TextChoices):
        DRAFT = "draft", _("编辑中")
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("待发布")
        RETURNED = "returned", _("已退回")
        PUBLISHED = "published", _("已发布")
        DISCARDED = "discarded", _("已放弃")

    OPEN = [State.DRAFT, State.SUBMITTED, State.APPROVED, State.RETURNED]

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("记录类型"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("记录编号"))
    record = GenericForeignKey("content_type", "object_id")
    record_label = models.CharField(_("记录"), max_length=300)
    state = models.CharField(_("状态"), max_length=16, choices=State.choices, default=State.DRAFT)
    base = models.JSONField(
        _("开始时的发布版本"),
        null=True,
        blank=True,
        help_text=_("修订开始时公众看到的内容；首次发布的记录为空。"),
    )
    proposed = models.JSONField(_("修订内容"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("修订")
        verbose_name_plural = pgettext_lazy("复数", "修订")
        ordering = ["-updated_at", "-pk"]
        permissions = [("review_revision", _("可以审核修订"))]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(state__in=["draft", "submitted", "approved", "returned"]),
                name="revision_one_open_per_record",
                violation_error_message=_("此记录已有一个未完成的修订。"),
            ),
        ]
        indexes = [
            # The waiting list: open revisions by state, newest first.
            models.Index(fields=["state", "-updated_at"], name="revision_state_idx"),
        ]

    def __str__(self):
        return _("修订 #%(pk)s：%(record)s") % {"pk": self.pk, "record": self.record_label}

    def get_absolute_url(self):
        return reverse("admin:cooperation_revision_change", args=[self.pk])

    @property
    def is_open(self):
        return self.state in self.OPEN

    @property
    def first_publication(self):
        return self.base is None

    def steps_by(self, *actions):
        return [step for step in self.steps.all() if step.action in actions]

    def authors(self):
        """Everyone who wrote or submitted it: none of them may approve it."""
        return {
            step.user_id
            for step in self.steps_by(ReviewStep.Action.SAVED, ReviewStep.Action.SUBMITTED)
        }

    def approver(self):
        approvals = self.steps_by(ReviewStep.Action.APPROVED)
        return approvals[-1].user_id if approvals else None

    def last_comment(self):
        returned = self.steps_by(ReviewStep.Action.RETURNED)
        return returned[-1] if returned else None


class ReviewStep(models.Model):
    """One step of a revision's review, with who and when; never changed afterwards."""

    class Action(models.TextChoices):
        SAVED = "saved", _("保存修改")
        SUBMITTED = "submitted", _("提交审核")
        APPROVED = "approved", _("审核通过")
        RETURNED = "returned", _("退回修改")
        PUBLISHED = "published", _("发布")
        DISCARDED = "discarded", _("放弃")

    revision = models.ForeignKey(
        Revision, verbose_name=_("修订"), on_delete=models.PROTECT, related_name="steps"
    )
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="review_steps",
    )
    username = models.CharField(_("操作人用户名"), max_length=150)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        verbose_name = _("审核步骤")
        verbose_name_plural = pgettext_lazy("复数", "审核步骤")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.username} · {self.at:%Y-%m-%d %H:%M}"
