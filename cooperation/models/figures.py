import datetime
import functools
import operator
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cooperation.formatting import figure_text, period_label
from cooperation.quantities import Qualifier, Unit

from .base import (
    FIRST_YEAR,
    LAST_YEAR,
    Cited,
    Publication,
    RemembersLoaded,
    Translated,
    english,
    period_words,
    year_in_range,
    year_validators,
)
from .pairings import Pairing
from .periods import Period, calendar_year, period_constraints, period_problems
from .places import Person, Region
from .projects import Beneficiary, Benefit, Project


def year_over_year(current, previous):
    """This year's value as a percentage of last year's (43 against 40 → 107.5)."""
    if current is None or previous is None or previous == 0:
        return None
    return (Decimal(current) * 100 / Decimal(previous)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


# A figure belongs to exactly one of these.
FIGURE_OWNERS = ("project", "indicator", "beneficiary", "benefit")


class FigureQuerySet(models.QuerySet):
    def published(self):
        """Figures whose owning record is published."""
        published = Publication.PUBLISHED
        return self.filter(
            models.Q(project__status=published)
            | models.Q(indicator__pairing__status=published)
            | models.Q(beneficiary__status=published)
            | models.Q(benefit__project__status=published, benefit__beneficiary__status=published)
        )


class Figure(Cited):
    """One number the portal shows, with its unit, qualifier, kind, period, scope and source."""

    class Scope(models.TextChoices):
        OWNER = "owner", _("所属记录")
        PLACES = "places", _("所列地点")
        PAIRING = "pairing", _("整个结对关系")

    class Measure(models.TextChoices):
        ASSISTANCE_FUNDS = "assistance_funds", _("帮扶资金")
        INVESTMENT = "investment", _("实际到位投资")
        ENTERPRISES = "enterprises", _("引进落地企业")
        JOBS = "jobs", _("帮助农村劳动力就业")
        NEW_JOBS = "new_jobs", _("新增帮助农村劳动力就业")
        SALES = "sales", _("消费帮扶销售额")
        DONATIONS = "donations", _("社会捐赠")
        OUTPUT_VALUE = "output_value", _("年产值")
        OUTPUT = "output", _("产量")
        WORKSHOPS = "workshops", _("帮扶车间")
        PEOPLE = "people", _("受益人数")
        SECONDED_CADRES = "seconded_cadres", _("东部选派挂职干部")
        TECHNICAL_STAFF = "technical_staff", _("东部选派专业技术人才")
        WEST_CADRES = "west_cadres", _("西部选派干部到东部")
        WEST_TECHNICAL_STAFF = "west_technical_staff", _("西部专业技术人才到东部跟岗学习")
        CADRE_TRAINING = "cadre_training", _("党政干部培训")
        TECHNICAL_TRAINING = "technical_training", _("专业技术人才培训")
        TECHNICAL_TRAINING_SESSIONS = "technical_training_sessions", _("专业技术人才培训期数")
        LABOUR_TRAINING = "labour_training", _("劳务协作培训")
        LABOUR_TRAINING_SESSIONS = "labour_training_sessions", _("劳务协作培训期数")
        RATE = "rate", _("比率")
        OTHER = "other", _("其他")

    Unit = Unit

    class Kind(models.TextChoices):
        ACTUAL = "actual", _("实际")
        EXPECTED = "expected", _("预计")
        TARGET = "target", _("目标")

    measure = models.CharField(_("指标"), max_length=32, choices=Measure.choices)
    label = models.CharField(
        _("名称"), max_length=200, help_text=_("来源中的说法，如“实际到位投资额”。")
    )
    label_en = english(models.CharField(_("名称（英文）"), max_length=200))
    value = models.DecimalField(_("数值"), max_digits=18, decimal_places=2)
    unit = models.CharField(pgettext_lazy("计量", "单位"), max_length=8, choices=Unit.choices)
    qualifier = models.CharField(
        _("限定"), max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    kind = models.CharField(_("性质"), max_length=16, choices=Kind.choices, default=Kind.ACTUAL)
    period_kind = models.CharField(
        _("期间种类"), max_length=16, choices=Period.choices, default=Period.UNKNOWN
    )
    period_start = models.DateField(
        _("期间开始"),
        null=True,
        blank=True,
        help_text=_("发生额、累计值的开始日期；累计值可不填。"),
    )
    period_end = models.DateField(
        _("期间结束"),
        null=True,
        blank=True,
        help_text=_("发生额的结束日期，累计值、时点值的截至日期。"),
    )
    period = models.CharField(
        _("来源中的期间说法"),
        max_length=50,
        blank=True,
        help_text=_("来源原话，如“2023年前三季度”“一年来”“截至目前”。"),
    )
    period_en = english(
        models.CharField(
            _("期间说法（英文）"), max_length=50, help_text=_("如“first three quarters of 2023”。")
        )
    )
    year = models.PositiveSmallIntegerField(
        _("年份"),
        null=True,
        blank=True,
        editable=False,
        validators=year_validators,
        help_text=_("由期间得出：发生额在一个自然年之内时为该年。"),
    )
    scope = models.CharField(
        _("范围"),
        max_length=16,
        choices=Scope.choices,
        default=Scope.OWNER,
        help_text=_("“分别”给出的数额，每个地点一条数据；共同的数额列出全部地点。"),
    )
    places = models.ManyToManyField(
        Region,
        verbose_name=_("所涉地点"),
        blank=True,
        related_name="figures",
        help_text=_("范围为“所列地点”时填写。"),
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
    )
    indicator = models.ForeignKey(
        "Indicator",
        verbose_name=_("年度指标"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("受益对象"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
    )
    benefit = models.ForeignKey(
        Benefit,
        verbose_name=_("受益关系"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
    )
    # Derived from the owner, for the adding rules: which pairing the figure is of.
    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对关系"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="reported_figures",
        help_text=_("由所属记录得出：项目、年度指标或受益关系所在的结对关系。"),
    )
    part_of = models.ForeignKey(
        "self",
        verbose_name=_("属于"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("本数据是另一数据的一部分（“其中”）时填写，汇总时不重复计算。"),
    )

    objects = FigureQuerySet.as_manager()

    OWNER_FIELDS = FIGURE_OWNERS

    class Meta:
        verbose_name = _("数据")
        verbose_name_plural = pgettext_lazy("复数", "数据")
        ordering = ["measure", "-year", "pk"]
        constraints = [
            models.CheckConstraint(
                name="figure_value_non_negative",
                condition=models.Q(value__gte=0),
                violation_error_message=_("数值不能为负。"),
            ),
            models.CheckConstraint(
                name="figure_year_in_range",
                condition=year_in_range("year"),
                violation_error_message=_("年份须在2000至2100之间。"),
            ),
            models.CheckConstraint(
                name="figure_has_one_owner",
                condition=functools.reduce(
                    operator.or_,
                    (
                        models.Q(**{f"{field}__isnull": field != owner for field in FIGURE_OWNERS})
                        for owner in FIGURE_OWNERS
                    ),
                ),
                violation_error_message=_(
                    "每条数据须且只能属于一个项目、年度指标、受益对象或受益关系。"
                ),
            ),
            models.CheckConstraint(
                name="figure_percent_at_most_100",
                condition=~models.Q(unit="%") | models.Q(value__lte=100),
                violation_error_message=_("百分比不能超过100。"),
            ),
            *period_constraints("period"),
        ]
        indexes = [
            # Totals: the figures of one measure; breakdowns: a page of them, in this order.
            models.Index(fields=["measure", "kind", "id"], name="figure_measure_kind_idx"),
            # Adding rules: what a pairing reports for its whole, of one measure in one unit.
            models.Index(
                fields=["pairing", "scope", "measure", "unit"], name="figure_pairing_measure_idx"
            ),
        ]

    def __str__(self):
        return _("%(label)s：%(value)s") % {
            "label": self.translated("label"),
            "value": figure_text(self),
        }

    @property
    def period_label(self):
        return period_label(
            period_words(self.period, self.period_en),
            self.period_kind,
            self.period_start,
            self.period_end,
        )

    @property
    def owner(self):
        for field in self.OWNER_FIELDS:
            if getattr(self, f"{field}_id") is not None:
                return getattr(self, field)
        return None

    def clean(self):
        # An inline figure of a record being added has its owner, not yet the owner's id.
        owners = [f for f in self.OWNER_FIELDS if getattr(self, f) is not None]
        if len(owners) != 1:
            raise ValidationError(_("每条数据须且只能属于一个项目、年度指标、受益对象或受益关系。"))
        problems = period_problems(self.period_kind, self.period_start, self.period_end)
        if problems:
            raise ValidationError(problems)
        if self.part_of_id and self.part_of.unit != self.unit:
            raise ValidationError({"part_of": _("“属于”的数据须使用相同单位。")})
        if self.part_of_id and self.part_of.value < self.value:
            raise ValidationError({"part_of": _("部分不能大于整体。")})

    def owner_pairing_id(self):
        """The pairing of the figure's owner; a beneficiary's own figures have none."""
        if self.project is not None:
            return self.project.pairing_id
        if self.indicator is not None:
            return self.indicator.pairing_id
        if self.benefit is not None:
            return self.benefit.project.pairing_id
        return None

    def save(self, *args, **kwargs):
        self.year = calendar_year(self.period_kind, self.period_start, self.period_end)
        self.pairing_id = self.owner_pairing_id()
        if self.indicator_id and self.scope == self.Scope.OWNER:
            self.scope = self.Scope.PAIRING  # an indicator is of its whole pairing
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "year", "pairing", "scope"}
        super().save(*args, **kwargs)
        if self.project_id:
            self.project.update_funds()

    def delete(self, *args, **kwargs):
        project = self.project if self.project_id else None
        result = super().delete(*args, **kwargs)
        if project is not None:
            project.update_funds()
        return result


class IndicatorQuerySet(models.QuerySet):
    def published(self):
        return self.filter(pairing__status=Publication.PUBLISHED)


class Indicator(RemembersLoaded, Translated, models.Model):
    """An annual measure of a whole pairing, not of one project (e.g. cadres sent that year)."""

    LOADED = ("pairing_id",)

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("结对关系"), on_delete=models.PROTECT, related_name="indicators"
    )
    measure = models.CharField(_("指标"), max_length=32, choices=Figure.Measure.choices)
    year = models.PositiveSmallIntegerField(_("年份"), validators=year_validators)
    note = models.TextField(_("说明"), blank=True)
    note_en = english(models.TextField(_("说明（英文）")))

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度指标")
        verbose_name_plural = pgettext_lazy("复数", "年度指标")
        ordering = ["pairing", "measure", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "measure", "year"],
                name="indicator_unique_per_pairing_measure_year",
                violation_error_message=_("该结对关系此年份已有这一指标。"),
            ),
            models.CheckConstraint(
                name="indicator_year_in_range",
                condition=year_in_range("year"),
                violation_error_message=_("年份须在2000至2100之间。"),
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.get_measure_display()}"

    def save(self, *args, **kwargs):
        moved = not self._state.adding and self.changed_since_loaded("pairing_id")
        super().save(*args, **kwargs)
        if moved:
            self.figures.exclude(pairing=self.pairing_id).update(pairing=self.pairing_id)

    def get_absolute_url(self):
        return self.pairing.get_absolute_url() + f"#indicator-{self.pk}"

    @property
    def actual(self):
        """The actual figure of this indicator (from prefetched figures when available)."""
        for figure in self.figures.all():
            if figure.kind == Figure.Kind.ACTUAL:
                return figure
        return None


class EventQuerySet(models.QuerySet):
    def published(self):
        """Events of a published project, or of a published pairing when not of a project."""
        published = Publication.PUBLISHED
        return self.filter(
            models.Q(project__status=published)
            | models.Q(project__isnull=True, pairing__status=published)
        )


class Event(Cited):
    """A dated happening on the timeline of a pairing or a project."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("考察调研")
        SIGNING = "signing", _("签约")
        JOB_FAIR = "job_fair", _("招聘会")
        TRAINING = "training", _("培训")
        COMPETITION = "competition", _("比赛")
        EXAM_RESULT = "exam_result", _("考试成绩")
        LAUNCH = "launch", _("启动与投产")
        OTHER = "other", _("其他")

    class Precision(models.TextChoices):
        DAY = "day", _("日")
        MONTH = "month", _("月")
        YEAR = "year", _("年")

    title = models.CharField(_("标题"), max_length=200)
    title_en = english(models.CharField(_("标题（英文）"), max_length=200))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    date = models.DateField(_("日期"))
    date_precision = models.CharField(
        _("日期精度"),
        max_length=8,
        choices=Precision.choices,
        default=Precision.DAY,
        help_text=_("来源只给出年或月时，日期取该期间第一天并选相应精度。"),
    )
    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("结对关系"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    people = models.ManyToManyField(
        Person, verbose_name=pgettext_lazy("复数", "人员"), blank=True, related_name="events"
    )
    description = models.TextField(_("说明"), blank=True)
    description_en = english(models.TextField(_("说明（英文）")))

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("大事记")
        verbose_name_plural = pgettext_lazy("复数", "大事记")
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(
                name="event_belongs_to_pairing_or_project",
                condition=models.Q(pairing__isnull=False) | models.Q(project__isnull=False),
                violation_error_message=_("大事记须关联结对关系或项目。"),
            ),
            models.CheckConstraint(
                name="event_date_in_range",
                condition=models.Q(
                    date__gte=datetime.date(FIRST_YEAR, 1, 1),
                    date__lte=datetime.date(LAST_YEAR, 12, 31),
                ),
                violation_error_message=_("日期须在2000至2100年之间。"),
            ),
        ]
        indexes = [
            # Dashboard timeline: latest events first.
            models.Index(fields=["-date"], name="event_date_idx"),
        ]

    def __str__(self):
        return f"{self.date_text} {self.translated('title')}"

    def get_absolute_url(self):
        owner = self.project if self.project_id else self.pairing
        return owner.get_absolute_url() + f"#event-{self.pk}"

    @property
    def date_text(self):
        if self.date_precision == self.Precision.YEAR:
            return _("%(year)d年") % {"year": self.date.year}
        if self.date_precision == self.Precision.MONTH:
            return date_format(self.date, "YEAR_MONTH_FORMAT")
        return date_format(self.date, "DATE_FORMAT")
