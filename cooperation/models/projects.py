from decimal import Decimal

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cooperation.pinyin import sort_key
from cooperation.quantities import Unit, combine_qualifiers

from .base import (
    Cited,
    Publishable,
    PublishableQuerySet,
    RemembersLoaded,
    added_later,
    english,
    year_in_range,
    year_validators,
)
from .pairings import Pairing
from .periods import Period
from .places import Organization, Region

# A region with at most this many project locations is filtered by the projects' ids, read
# first: given a subquery, a database may read every project in a page's order (newest
# first, say) and test each, which for a county's few hundred among 250,000 reads them all.
FEW_LOCATIONS = 1000


class ProjectQuerySet(PublishableQuerySet):
    def in_region(self, region):
        """Projects located in the region or anywhere below it."""
        located = ProjectLocation.objects.filter(
            region__in=Region.objects.within(region)
        ).values_list("project_id", flat=True)
        few = list(located.order_by()[: FEW_LOCATIONS + 1])
        return self.filter(pk__in=few if len(few) <= FEW_LOCATIONS else located)


class Project(RemembersLoaded, Publishable, Cited):
    """A funded piece of work: a factory, a workshop, a tourism belt, a training programme."""

    LOADED = ("pairing_id",)

    class Category(models.TextChoices):
        INDUSTRY = "industry", _("产业协作")
        WORKSHOP = "workshop", _("帮扶车间")
        LABOUR = "labour", _("劳务协作")
        CONSUMPTION = "consumption", _("消费帮扶")
        TALENT = "talent", _("人才交流")
        EDUCATION = "education", _("教育帮扶")
        HEALTH = "health", _("医疗帮扶")
        RURAL = "rural", _("乡村建设与旅游")
        INVESTMENT = "investment", _("招商引资")

    class WorkStatus(models.TextChoices):
        PLANNED = "planned", _("计划中")
        UNDER_WAY = "under_way", _("实施中")
        IN_OPERATION = "in_operation", _("已投产运营")
        COMPLETED = "completed", _("已完成")

    title = models.CharField(_("项目名称"), max_length=200)
    title_en = english(models.CharField(_("项目名称（英文）"), max_length=200))
    title_sort = added_later(
        models.CharField(
            _("按拼音排序"), max_length=200, blank=True, editable=False, help_text=_("保存时生成。")
        )
    )
    slug = models.SlugField(_("网址标识"), max_length=100, unique=True, allow_unicode=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="projects"
    )
    locations = models.ManyToManyField(
        Region,
        verbose_name=_("地点"),
        through="ProjectLocation",
        related_name="projects",
        blank=True,
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("参与单位"),
        through="ProjectOrganization",
        related_name="projects",
        blank=True,
    )
    start_year = models.PositiveSmallIntegerField(
        _("开始年份"), null=True, blank=True, validators=year_validators
    )
    end_year = models.PositiveSmallIntegerField(
        _("结束年份"), null=True, blank=True, validators=year_validators
    )
    work_status = models.CharField(
        _("实施状态"), max_length=16, choices=WorkStatus.choices, default=WorkStatus.UNDER_WAY
    )
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    summary_en = english(models.CharField(_("摘要（英文）"), max_length=300))
    description = models.TextField(_("详细说明"), blank=True)
    description_en = english(models.TextField(_("详细说明（英文）")))
    funds = models.DecimalField(
        _("帮扶资金（元）"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        help_text=_("由本项目“帮扶资金”类实际数据汇总，自动计算。"),
    )
    funds_qualifier = models.CharField(_("资金限定"), max_length=16, blank=True, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("协作项目")
        verbose_name_plural = pgettext_lazy("复数", "协作项目")
        ordering = ["-start_year", "title"]
        permissions = [("publish_project", _("可以发布协作项目"))]
        constraints = [
            models.CheckConstraint(
                name="project_start_year_in_range",
                condition=year_in_range("start_year"),
                violation_error_message=_("年份须在2000至2100之间。"),
            ),
            models.CheckConstraint(
                name="project_end_year_in_range",
                condition=year_in_range("end_year"),
                violation_error_message=_("年份须在2000至2100之间。"),
            ),
            models.CheckConstraint(
                name="project_ends_after_it_starts",
                condition=models.Q(start_year__isnull=True)
                | models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                violation_error_message=_("结束年份不能早于开始年份。"),
            ),
            models.CheckConstraint(
                name="project_funds_non_negative",
                condition=models.Q(funds__isnull=True) | models.Q(funds__gte=0),
            ),
        ]
        indexes = [
            # Public project list in its default order: newest first, then by title.
            models.Index(
                fields=["status", "-start_year", "title", "id"], name="project_list_order_idx"
            ),
            # Public project list sorted by title, in pinyin order.
            models.Index(fields=["status", "title_sort", "id"], name="project_title_sort_idx"),
            # Public project list filtered by category, newest first.
            models.Index(
                fields=["status", "category", "-start_year"], name="project_status_category_idx"
            ),
            # Public project list filtered by year.
            models.Index(fields=["status", "start_year"], name="project_status_year_idx"),
            # Public project list sorted by amount of funds.
            models.Index(fields=["status", "funds"], name="project_status_funds_idx"),
            # Projects of one pairing (pairing pages, roll-ups).
            models.Index(fields=["pairing", "status"], name="project_pairing_status_idx"),
            # The API's list, in id order from a cursor, and the IATI file.
            models.Index(fields=["status", "id"], name="project_status_id_idx"),
            # The Atom feeds: the most recently changed projects (most are published), in
            # the feeds' order to the last column, or SQLite sorts every project. Not led by
            # status: SQLite took such an index for every "WHERE status" query.
            models.Index(fields=["-updated_at", "-id"], name="project_updated_id_idx"),
        ]

    def __str__(self):
        return self.translated("title")

    def get_absolute_url(self):
        return reverse("cooperation:project-detail", kwargs={"slug": self.slug})

    @property
    def years(self):
        if self.start_year and self.end_year and self.end_year != self.start_year:
            return f"{self.start_year}–{self.end_year}"
        return str(self.start_year or self.end_year or "")

    def save(self, *args, **kwargs):
        moved = not self._state.adding and self.changed_since_loaded("pairing_id")
        self.title_sort = sort_key(self.title)
        super().save(*args, **kwargs)
        if moved:  # figures keep their owner's pairing (Figure.pairing) for the adding rules
            figures = self.figures.model.objects.filter(
                models.Q(project=self) | models.Q(benefit__project=self)
            )
            figures.exclude(pairing=self.pairing_id).update(pairing=self.pairing_id)

    def update_funds(self):
        """Recompute the cached funds from this project's own assistance-fund figures."""
        from .figures import Figure

        rows = Figure.objects.filter(project=self, measure=Figure.Measure.ASSISTANCE_FUNDS)
        self.funds, self.funds_qualifier = own_funds(
            rows.values_list(
                "value", "qualifier", "unit", "kind", "scope", "period_kind", "part_of_id"
            )
        )
        Project.objects.filter(pk=self.pk).update(
            funds=self.funds, funds_qualifier=self.funds_qualifier
        )


def own_funds(rows):
    """A project's own funds, as its list column shows them, by the adding rules of
    cooperation/totals.py (which models do not import): its actual figures in 元, not parts
    (其中) and not given for its whole pairing; flows and figures of unknown period added;
    with none of those, a lone cumulative value or stock as itself. `rows` are (value,
    qualifier, unit, kind, scope, period_kind, whole) of its funds figures, `whole` being
    the figure it is a part of, if any. Gives (value, qualifier), or (None, "")."""
    own = [
        (value, qualifier, period_kind)
        for value, qualifier, unit, kind, scope, period_kind, whole in rows
        if unit == Unit.YUAN and kind == "actual" and scope != "pairing" and whole is None
    ]
    flows = [row for row in own if row[2] in (Period.FLOW, Period.UNKNOWN)]
    chosen = flows or (own if len(own) == 1 else [])
    if not chosen:
        return None, ""
    total = sum((value for value, _qualifier, _kind in chosen), Decimal(0))
    return total, combine_qualifiers(qualifier for _value, qualifier, _kind in chosen)


class ProjectLocation(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="project_locations"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="project_locations"
    )

    class Meta:
        verbose_name = _("项目地点")
        verbose_name_plural = pgettext_lazy("复数", "项目地点")
        ordering = ["project", "region"]
        constraints = [
            models.UniqueConstraint(fields=["project", "region"], name="project_location_unique"),
        ]
        indexes = [
            # Projects in a region: region first, then the project.
            models.Index(fields=["region", "project"], name="project_location_region_idx"),
        ]

    def __str__(self):
        return f"{self.project} @ {self.region}"


class ProjectOrganization(models.Model):
    class Role(models.TextChoices):
        FUNDER = "funder", _("出资方")
        IMPLEMENTER = "implementer", _("实施方")
        OPERATOR = "operator", _("运营方")
        BUYER = "buyer", _("采购方")
        PARTNER = "partner", _("合作方")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="roles"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="roles"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("参与单位")
        verbose_name_plural = pgettext_lazy("复数", "参与单位")
        ordering = ["project", "role", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization", "role"], name="project_organization_unique_role"
            ),
        ]
        indexes = [
            # An organisation's page: its projects, newest recorded first (read backwards).
            models.Index(fields=["organization", "project", "role"], name="project_org_by_org_idx"),
        ]

    def __str__(self):
        return _("%(organization)s（%(role)s）") % {
            "organization": self.organization,
            "role": self.get_role_display(),
        }


class Beneficiary(Publishable, Cited):
    """Who or what benefits: a village, school, hospital, relocation site or group of people."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("村（社区）")
        SCHOOL = "school", _("学校")
        HOSPITAL = "hospital", _("医院")
        RELOCATION_SITE = "relocation_site", _("易地扶贫搬迁安置区")
        ENTERPRISE = "enterprise", _("企业")
        TOWN = "town", _("乡镇")
        LABOURERS = "labourers", _("农村劳动力")
        STUDENTS = "students", _("学生")
        MEDICAL_STAFF = "medical_staff", _("医务人员")
        TEACHERS = "teachers", _("教师")
        CADRES = "cadres", _("干部与人才")

    GROUP_KINDS = {Kind.LABOURERS, Kind.STUDENTS, Kind.MEDICAL_STAFF, Kind.TEACHERS, Kind.CADRES}

    name = models.CharField(_("名称"), max_length=200)
    name_en = english(models.CharField(_("名称（英文）"), max_length=200))
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所在区域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beneficiaries",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("对应单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beneficiaries",
        help_text=_("受益对象本身是某单位（如医院、学校）时填写。"),
    )
    description = models.TextField(_("说明"), blank=True)
    description_en = english(models.TextField(_("说明（英文）")))
    projects = models.ManyToManyField(
        Project,
        verbose_name=pgettext_lazy("复数", "项目"),
        through="Benefit",
        related_name="beneficiaries",
        blank=True,
    )

    class Meta:
        verbose_name = _("受益对象")
        verbose_name_plural = pgettext_lazy("复数", "受益对象")
        ordering = ["name"]
        permissions = [("publish_beneficiary", _("可以发布受益对象"))]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "region"],
                name="beneficiary_unique_name_in_region",
                violation_error_message=_("该区域已有同名受益对象。"),
            ),
        ]
        indexes = [
            # Public beneficiary list in its default order, by name.
            models.Index(fields=["status", "name"], name="beneficiary_status_name_idx"),
            # Public beneficiary list filtered by kind.
            models.Index(fields=["status", "kind"], name="beneficiary_status_kind_idx"),
            # Beneficiaries in a region.
            models.Index(fields=["region", "status"], name="beneficiary_region_status_idx"),
            # An organisation's page: its published beneficiary rows, by name.
            models.Index(
                fields=["organization", "status", "name"], name="beneficiary_org_status_idx"
            ),
            # The API's list, in id order from a cursor.
            models.Index(fields=["status", "id"], name="beneficiary_status_id_idx"),
        ]

    def __str__(self):
        return self.translated("name")

    def get_absolute_url(self):
        return reverse("cooperation:beneficiary-detail", kwargs={"pk": self.pk})

    @property
    def is_group(self):
        return self.kind in self.GROUP_KINDS


class Benefit(RemembersLoaded, Cited):
    """How one beneficiary benefits from one project, with its own figures."""

    LOADED = ("project_id",)

    class Kind(models.TextChoices):
        JOBS = "jobs", _("就业")
        TRAINING = "training", _("培训")
        FUNDS = "funds", _("资金")
        SALES = "sales", _("销售")
        SERVICES = "services", _("服务与设施")

    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="benefits"
    )
    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("受益对象"), on_delete=models.PROTECT, related_name="benefits"
    )
    kind = models.CharField(_("受益方式"), max_length=16, choices=Kind.choices)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    description_en = english(models.CharField(_("说明（英文）"), max_length=300))

    class Meta:
        verbose_name = _("受益关系")
        verbose_name_plural = pgettext_lazy("复数", "受益关系")
        ordering = ["project", "beneficiary"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "beneficiary"],
                name="benefit_unique_project_beneficiary",
                violation_error_message=_("该项目已关联此受益对象。"),
            ),
        ]
        indexes = [
            # Projects that benefit one beneficiary (beneficiary pages).
            models.Index(fields=["beneficiary", "project"], name="benefit_beneficiary_idx"),
        ]

    def save(self, *args, **kwargs):
        moved = not self._state.adding and self.changed_since_loaded("project_id")
        super().save(*args, **kwargs)
        if moved:
            pairing = self.project.pairing_id
            self.figures.exclude(pairing=pairing).update(pairing=pairing)

    def __str__(self):
        return _("%(beneficiary)s ← %(project)s（%(kind)s）") % {
            "beneficiary": self.beneficiary,
            "project": self.project,
            "kind": self.get_kind_display(),
        }
