from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cooperation.pinyin import person_name, place_name

from .base import OptionallyCited, Side, english, short_or_full_name


class RegionQuerySet(models.QuerySet):
    def within(self, region):
        """The region itself and every region below it."""
        return self.filter(models.Q(pk=region.pk) | models.Q(path__startswith=region.subtree_path))


class Region(OptionallyCited):
    """A place in the administrative tree: province › city › county › town › village."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县（区）")
        TOWN = "town", _("乡镇（街道）")
        VILLAGE = "village", _("村（社区）")

    DEPTH = {level: depth for depth, level in enumerate(Level.values)}

    name = models.CharField(_("名称"), max_length=100)
    name_en = english(
        models.CharField(
            _("名称（英文）"),
            max_length=100,
            help_text=_("留空时保存为拼音加通名，如“Maoying Town”；有官方译名时请填写。"),
        )
    )
    short_name = models.CharField(
        _("简称"), max_length=50, blank=True, help_text=_("如“紫云县”之于“紫云苗族布依族自治县”。")
    )
    short_name_en = english(models.CharField(_("简称（英文）"), max_length=50))
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    side = models.CharField(
        _("东西部"),
        max_length=8,
        choices=Side.choices,
        help_text=_("下级区域随所在省份，保存时自动设置。"),
    )
    division_code = models.CharField(
        _("行政区划代码"), max_length=12, blank=True, help_text=_("国家统计局区划代码，可不填。")
    )
    path = models.CharField(
        _("上级路径"),
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("上级区域主键链，如 /1/5/，用于按区域汇总。"),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = pgettext_lazy("复数", "区域")
        ordering = ["path", "name"]
        constraints = [
            models.CheckConstraint(
                name="region_only_provinces_are_roots",
                condition=models.Q(level="province", parent__isnull=True)
                | (~models.Q(level="province") & models.Q(parent__isnull=False)),
                violation_error_message=_("省级区域没有上级，其他区域必须有上级。"),
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="region_unique_name_under_parent",
                violation_error_message=_("同一上级下已有同名区域。"),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="region_unique_province_name",
            ),
            models.UniqueConstraint(
                fields=["division_code"],
                condition=~models.Q(division_code=""),
                name="region_unique_division_code",
            ),
        ]
        indexes = [
            # Regions in the order of the tree. Region roll-ups (a path that starts with an
            # ancestor's) read a prefix index of each database's own: migration 0006.
            models.Index(fields=["path"], name="region_path_idx"),
            # Filter choices: towns and villages of one side.
            models.Index(fields=["level", "side"], name="region_level_side_idx"),
        ]

    def __str__(self):
        return self.translated("name")

    def get_absolute_url(self):
        return reverse("cooperation:region-detail", kwargs={"pk": self.pk})

    @property
    def display_name(self):
        return short_or_full_name(self)

    @property
    def subtree_path(self):
        """The path prefix shared by every region below this one."""
        return f"{self.path}{self.pk}/"

    @property
    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self):
        by_id = Region.objects.in_bulk(self.ancestor_ids)
        return [by_id[pk] for pk in self.ancestor_ids if pk in by_id]

    def is_within(self, other):
        return self.pk == other.pk or self.path.startswith(other.subtree_path)

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.pk is not None and self.pk is not None and self.parent.is_within(self):
            raise ValidationError({"parent": _("上级不能是本区域或其下级。")})
        if self.DEPTH[self.level] <= self.DEPTH[self.parent.level]:
            raise ValidationError(
                {
                    "level": _("%(level)s不能位于%(parent)s之下。")
                    % {"level": self.get_level_display(), "parent": self.parent.get_level_display()}
                }
            )

    def save(self, *args, **kwargs):
        before = (
            Region.objects.filter(pk=self.pk).values("path", "side").first() if self.pk else None
        )
        if not self.name_en:
            self.name_en = place_name(self.name)
        if self.short_name and not self.short_name_en:
            self.short_name_en = place_name(self.short_name)
        if self.parent_id:
            self.side = self.parent.side
            self.path = self.parent.subtree_path
        else:
            self.path = "/"
        super().save(*args, **kwargs)
        if before and (before["path"], before["side"]) != (self.path, self.side):
            self._move_subtree(f"{before['path']}{self.pk}/")

    def _move_subtree(self, old_prefix):
        """Keep the paths and side of every region below in step after a move."""
        below = list(Region.objects.filter(path__startswith=old_prefix))
        for region in below:
            region.path = self.subtree_path + region.path[len(old_prefix) :]
            region.side = self.side
        Region.objects.bulk_update(below, ["path", "side"])


class Organization(OptionallyCited):
    """A body that gives, runs or receives help: government, enterprise, hospital, school…"""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("党政机关")
        ENTERPRISE = "enterprise", _("企业")
        HOSPITAL = "hospital", _("医院")
        SCHOOL = "school", _("学校")
        SOCIAL = "social", _("社会组织")
        VILLAGE_COMMITTEE = "village_committee", _("村（居）委会")
        SHOP = "shop", _("帮扶店与销售中心")
        WORK_TEAM = "work_team", _("工作队")
        INDUSTRIAL_PARK = "industrial_park", _("产业园区")

    name = models.CharField(_("名称"), max_length=200)
    name_en = english(models.CharField(_("名称（英文）"), max_length=200))
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    short_name_en = english(models.CharField(_("简称（英文）"), max_length=100))
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所在区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        help_text=_("来源未说明所在地时留空。"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    description = models.TextField(_("简介"), blank=True)
    description_en = english(models.TextField(_("简介（英文）")))

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = pgettext_lazy("复数", "单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="organization_unique_name",
                violation_error_message=_("已有同名单位。"),
            ),
        ]
        indexes = [
            # Organisation lists filtered by kind within a region.
            models.Index(fields=["kind", "region"], name="organization_kind_region_idx"),
        ]

    def __str__(self):
        return self.translated("name")

    def get_absolute_url(self):
        return reverse("cooperation:organization-detail", kwargs={"pk": self.pk})

    @property
    def display_name(self):
        return short_or_full_name(self)

    @property
    def side(self):
        return self.region.side if self.region_id else None


class Person(OptionallyCited):
    """A named official or contact. Only public figures are shown to visitors."""

    name = models.CharField(_("姓名"), max_length=50)
    name_en = english(
        models.CharField(
            _("姓名（英文）"), max_length=50, help_text=_("留空时保存为拼音，姓在前。")
        )
    )
    post = models.CharField(
        _("职务"), max_length=200, help_text=_("如：广州市南沙区挂职紫云自治县副县长。")
    )
    post_en = english(models.CharField(_("职务（英文）"), max_length=200))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所在单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("任职区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    is_public_figure = models.BooleanField(
        _("公职人员"),
        default=False,
        help_text=_("只有以公职身份出现的人员才在公开页面显示。"),
    )

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = pgettext_lazy("复数", "人员")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "post"], name="person_unique_name_post"),
        ]

    def __str__(self):
        return _("%(name)s（%(post)s）") % {
            "name": self.translated("name"),
            "post": self.translated("post"),
        }

    def save(self, *args, **kwargs):
        if not self.name_en:
            self.name_en = person_name(self.name)
        super().save(*args, **kwargs)
