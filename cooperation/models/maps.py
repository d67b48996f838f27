import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# 审图号 as printed on standard maps: GS(2019)1822号, GS京(2022)1061号, 黔S(2021)012号.
REVIEW_NUMBER = re.compile(r"S\s*\S{0,2}\s*[(（]\s*\d{4}\s*[)）]\s*\d+\s*号")
# The label a deployer may copy along with the number; the page prints its own.
REVIEW_LABEL = re.compile(r"^\s*审图号\s*[:：]?\s*")


class ReviewedMap(models.Model):
    """A reviewed standard map (标准地图) that a deployer holds and installed with
    `manage.py install_map`. Without an active one the portal draws no boundaries at all: a
    drawing that looks like a map of China but has not been reviewed can be a 问题地图.

    `boundaries` is a GeoJSON FeatureCollection as the command stored it: each feature's
    properties are {"code": the official division code, 12 digits, or "" for a line or
    other element of the map, "name": its name in the file}, its coordinates rounded for
    drawing. A map is never edited after it is installed; a new edition is installed as a
    new map, so that cooperation/maps.py can keep each map's drawing by its id.
    """

    title = models.CharField(_("地图名称"), max_length=200, blank=True)
    review_number = models.CharField(
        _("审图号"), max_length=100, help_text=_("如 GS(2019)1822号，印在地图下方。")
    )
    publisher = models.CharField(_("编制或提供单位"), max_length=200, blank=True)
    installed_at = models.DateTimeField(_("安装时间"), default=timezone.now, editable=False)
    installed_by = models.CharField(_("安装人"), max_length=150, blank=True)
    boundaries = models.JSONField(_("边界"), editable=False)
    active = models.BooleanField(_("正在使用"), default=True)

    class Meta:
        verbose_name = _("审定地图")
        verbose_name_plural = pgettext_lazy("复数", "审定地图")
        ordering = ["-installed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=models.Q(active=True),
                name="reviewed_map_one_active",
                violation_error_message=_("同一时间只能使用一幅审定地图。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(review_number=""),
                name="reviewed_map_has_review_number",
                violation_error_message=_("请填写审图号。"),
            ),
        ]

    def __str__(self):
        return " ".join(part for part in (self.title, self.review_number) if part)

    @property
    def feature_count(self):
        return len(self.boundaries.get("features", []))

    def clean(self):
        labelled = REVIEW_LABEL.match(self.review_number or "") is not None
        self.review_number = REVIEW_LABEL.sub("", self.review_number or "").strip()
        if not self.review_number or not (labelled or REVIEW_NUMBER.search(self.review_number)):
            raise ValidationError(
                {"review_number": _("审图号应印在地图上，形如 GS(2019)1822号 或 黔S(2021)012号。")}
            )
