from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .sources import Source


class Intake(models.Model):
    """A report being brought in (cooperation/intake.py): its text, the quantities found in
    it, and the reviewer's decision on each, kept so that the work can be left and resumed.

    `proposals` is {proposal id: the quantity as found}, `decisions` {proposal id: what the
    reviewer chose and, once accepted, what was made}; a proposal's id is its span's offsets
    in `text` ("120-127"), so it stays the same for as long as the text does, and the text
    of an intake never changes. `digest` is of the text with its spacing and character
    widths made even, so that the same report pasted again or uploaded is recognised.
    """

    class State(models.TextChoices):
        OPEN = "open", _("进行中")
        DONE = "done", _("已完成")

    title = models.CharField(_("标题"), max_length=300)
    kind = models.CharField(
        _("类型"), max_length=16, choices=Source.Kind.choices, default=Source.Kind.NEWS
    )
    publisher = models.CharField(_("发布机构"), max_length=200, blank=True)
    author = models.CharField(_("作者"), max_length=200, blank=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    url = models.URLField(_("网址"), max_length=500, blank=True)
    source = models.ForeignKey(
        Source,
        verbose_name=_("来源"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intakes",
        help_text=_("已有的来源；留空时由发布者按以上信息建立来源。"),
    )
    text = models.TextField(_("正文"))
    digest = models.CharField(_("正文指纹"), max_length=64, unique=True, editable=False)
    state = models.CharField(
        _("状态"), max_length=8, choices=State.choices, default=State.OPEN, editable=False
    )
    proposals = models.JSONField(_("找到的数据"), default=dict, editable=False)
    decisions = models.JSONField(_("处理结果"), default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("来源录入")
        verbose_name_plural = pgettext_lazy("复数", "来源录入")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The same report again: an intake of the same address.
            models.Index(fields=["url"], name="intake_url_idx"),
            # The intake list: the newest first.
            models.Index(fields=["-created_at"], name="intake_created_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("admin:cooperation_intake_change", args=[self.pk])

    @property
    def is_open(self):
        return self.state == self.State.OPEN
