from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import Translated, english


class Source(Translated, models.Model):
    """A document that records and figures cite: a news article, report or notice."""

    class Kind(models.TextChoices):
        NEWS = "news", _("新闻报道")
        GOVERNMENT = "government", _("政府公告")
        REPORT = "report", _("工作报告")
        STATISTICS = "statistics", _("统计数据")
        SYNTHETIC = "synthetic", _("合成测试数据")

    slug = models.SlugField(_("标识"), max_length=100, unique=True, allow_unicode=True)
    title = models.CharField(_("标题"), max_length=300)
    title_en = english(models.CharField(_("标题（英文）"), max_length=300))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.NEWS)
    publisher = models.CharField(_("发布机构"), max_length=200, blank=True)
    publisher_en = english(models.CharField(_("发布机构（英文）"), max_length=200))
    author = models.CharField(_("作者"), max_length=200, blank=True)
    author_en = english(models.CharField(_("作者（英文）"), max_length=200))
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    url = models.URLField(_("网址"), max_length=500, blank=True)
    description = models.TextField(_("说明"), blank=True)
    description_en = english(models.TextField(_("说明（英文）")))

    class Meta:
        verbose_name = _("来源")
        verbose_name_plural = pgettext_lazy("复数", "来源")
        ordering = ["-published_on", "title"]

    def __str__(self):
        if self.published_on:
            return _("%(title)s（%(publisher)s，%(date)s）") % {
                "title": self.translated("title"),
                "publisher": self.translated("publisher"),
                "date": f"{self.published_on:%Y-%m-%d}",
            }
        return self.translated("title")

    def get_absolute_url(self):
        return reverse("cooperation:source-detail", kwargs={"slug": self.slug})
