from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from .base import Cited, Publishable, Side, english, year_in_range, year_validators
from .places import Organization, Region


class Pairing(Publishable, Cited):
    """An eastern party assisting a western one.

    Each side is a region, an organisation, or — where the source only counts the
    parties — a count of parties within a region ("南沙区8家医院"), never invented names.
    """

    # The linked records that name the two sides, for select_related().
    PARTIES = ("east_region", "east_organization", "west_region", "west_organization")

    class Level(models.TextChoices):
        PROVINCE = "province", _("省际协作")
        CITY = "city", _("市际协作")
        COUNTY = "county", _("区县结对")
        TOWN = "town", _("乡镇结对")
        VILLAGE = "village", _("村村结对")
        ENTERPRISE_VILLAGE = "enterprise_village", _("企业结对村")
        SOCIAL_VILLAGE = "social_village", _("社会组织结对村")
        HOSPITAL = "hospital", _("医院结对")
        SCHOOL = "school", _("学校结对")

    class Mode(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("结对帮扶")
        LAYERED = "layered", _("叠加帮扶")
        TEAM_BASED = "team_based", _("组团式帮扶")

    # The counted form of each side's parties: "南沙区8个村（社区）", "4家企业".
    PARTY_COUNTS = {
        Level.PROVINCE: (
            ngettext_lazy("%(region)s%(count)d个省", "%(region)s%(count)d个省", "count"),
            ngettext_lazy("%(region)s%(count)d个省", "%(region)s%(count)d个省", "count"),
        ),
        Level.CITY: (
            ngettext_lazy("%(region)s%(count)d个市", "%(region)s%(count)d个市", "count"),
            ngettext_lazy("%(region)s%(count)d个市", "%(region)s%(count)d个市", "count"),
        ),
        Level.COUNTY: (
            ngettext_lazy("%(region)s%(count)d个区县", "%(region)s%(count)d个区县", "count"),
            ngettext_lazy("%(region)s%(count)d个区县", "%(region)s%(count)d个区县", "count"),
        ),
        Level.TOWN: (
            ngettext_lazy("%(region)s%(count)d个乡镇", "%(region)s%(count)d个乡镇", "count"),
            ngettext_lazy("%(region)s%(count)d个乡镇", "%(region)s%(count)d个乡镇", "count"),
        ),
        Level.VILLAGE: (
            ngettext_lazy(
                "%(region)s%(count)d个村（社区）", "%(region)s%(count)d个村（社区）", "count"
            ),
            ngettext_lazy("%(region)s%(count)d个村", "%(region)s%(count)d个村", "count"),
        ),
        Level.ENTERPRISE_VILLAGE: (
            ngettext_lazy("%(region)s%(count)d家企业", "%(region)s%(count)d家企业", "count"),
            ngettext_lazy("%(region)s%(count)d个村", "%(region)s%(count)d个村", "count"),
        ),
        Level.SOCIAL_VILLAGE: (
            ngettext_lazy(
                "%(region)s%(count)d家社会组织", "%(region)s%(count)d家社会组织", "count"
            ),
            ngettext_lazy("%(region)s%(count)d个村", "%(region)s%(count)d个村", "count"),
        ),
        Level.HOSPITAL: (
            ngettext_lazy("%(region)s%(count)d家医院", "%(region)s%(count)d家医院", "count"),
            ngettext_lazy("%(region)s%(count)d家医院", "%(region)s%(count)d家医院", "count"),
        ),
        Level.SCHOOL: (
            ngettext_lazy("%(region)s%(count)d所学校", "%(region)s%(count)d所学校", "count"),
            ngettext_lazy("%(region)s%(count)d所学校", "%(region)s%(count)d所学校", "count"),
        ),
    }

    level = models.CharField(_("结对层级"), max_length=24, choices=Level.choices)
    mode = models.CharField(
        _("帮扶方式"), max_length=16, choices=Mode.choices, default=Mode.ONE_TO_ONE
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级结对"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    east_region = models.ForeignKey(
        Region,
        verbose_name=_("东部区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="east_pairings",
    )
    east_organization = models.ForeignKey(
        Organization,
        verbose_name=_("东部单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="east_pairings",
    )
    east_count = models.PositiveIntegerField(
        _("东部数量"),
        null=True,
        blank=True,
        help_text=_("来源只给出数量时填写，东部区域为这些单位的所在地。"),
    )
    west_region = models.ForeignKey(
        Region,
        verbose_name=_("西部区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="west_pairings",
    )
    west_organization = models.ForeignKey(
        Organization,
        verbose_name=_("西部单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="west_pairings",
    )
    west_count = models.PositiveIntegerField(
        _("西部数量"),
        null=True,
        blank=True,
        help_text=_("来源只给出数量时填写，西部区域为这些单位的所在地。"),
    )
    start_year = models.PositiveSmallIntegerField(
        _("起始年份"), null=True, blank=True, validators=year_validators
    )
    description = models.TextField(_("说明"), blank=True)
    description_en = english(models.TextField(_("说明（英文）")))

    class Meta:
        verbose_name = _("结对关系")
        verbose_name_plural = pgettext_lazy("复数", "结对关系")
        ordering = ["parent_id", "level", "pk"]
        permissions = [("publish_pairing", _("可以发布结对关系"))]
        constraints = [
            models.CheckConstraint(
                name="pairing_east_party_named",
                condition=models.Q(east_region__isnull=False)
                | models.Q(east_organization__isnull=False),
                violation_error_message=_("东部一方须指明区域或单位。"),
            ),
            models.CheckConstraint(
                name="pairing_west_party_named",
                condition=models.Q(west_region__isnull=False)
                | models.Q(west_organization__isnull=False),
                violation_error_message=_("西部一方须指明区域或单位。"),
            ),
            models.CheckConstraint(
                name="pairing_counts_positive",
                condition=(models.Q(east_count__isnull=True) | models.Q(east_count__gte=1))
                & (models.Q(west_count__isnull=True) | models.Q(west_count__gte=1)),
                violation_error_message=_("结对数量至少为1。"),
            ),
            models.CheckConstraint(
                name="pairing_start_year_in_range",
                condition=year_in_range("start_year"),
                violation_error_message=_("年份须在2000至2100之间。"),
            ),
            models.CheckConstraint(
                name="pairing_not_its_own_parent",
                condition=~models.Q(parent=models.F("pk")),
            ),
        ]
        indexes = [
            # Public pairing list: published pairings filtered by level.
            models.Index(fields=["status", "level"], name="pairing_status_level_idx"),
            # Child pairings of one district↔county pairing.
            models.Index(fields=["parent", "status"], name="pairing_parent_status_idx"),
            # The API's list, in id order from a cursor.
            models.Index(fields=["status", "id"], name="pairing_status_id_idx"),
        ]

    def __str__(self):
        return f"{self.east_label} → {self.west_label}"

    def get_absolute_url(self):
        return reverse("cooperation:pairing-detail", kwargs={"pk": self.pk})

    def _party_label(self, region, organization, count, counted):
        if organization is not None:
            return organization.display_name
        name = region.display_name if region is not None else ""
        if count is not None:
            return counted % {"region": name, "count": count}
        return name

    @property
    def east_label(self):
        counted = self.PARTY_COUNTS[self.level][0]
        return self._party_label(self.east_region, self.east_organization, self.east_count, counted)

    @property
    def west_label(self):
        counted = self.PARTY_COUNTS[self.level][1]
        return self._party_label(self.west_region, self.west_organization, self.west_count, counted)

    def party_region(self, side):
        """The region a side's party stands in (its own, or its organisation's)."""
        region = getattr(self, f"{side}_region")
        organization = getattr(self, f"{side}_organization")
        if region is None and organization is not None:
            region = organization.region
        return region

    def clean(self):
        errors = {}
        for side, label in ((Side.EAST, _("东部")), (Side.WEST, _("西部"))):
            region = self.party_region(side)
            field = (
                f"{side}_region" if getattr(self, f"{side}_region_id") else f"{side}_organization"
            )
            if region is None:
                if getattr(self, f"{side}_organization_id"):
                    errors[field] = _("%(side)s单位须填写所在区域，才能核对东西部。") % {
                        "side": label
                    }
                continue
            if region.side != side:
                errors[field] = _("%(side)s一方“%(name)s”不在%(side)s。") % {
                    "side": label,
                    "name": region.name,
                }
            elif self.parent_id:
                parent_region = self.parent.party_region(side)
                if parent_region is not None and not region.is_within(parent_region):
                    errors[field] = _("“%(name)s”不在上级结对的“%(parent)s”之内。") % {
                        "name": region.name,
                        "parent": parent_region.name,
                    }
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("结对关系不能以自身为上级。")
        if errors:
            raise ValidationError(errors)
