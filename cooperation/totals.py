"""The adding rules: which figures a computed number adds, which it shows beside, and why.

Every number the portal computes from figures (the home page's headline cards, a region's
totals) is made here, in the database, by one classification: each candidate figure gets
a `reason`, empty when the figure is added and otherwise saying why it is not. A total is
the sum of the figures without a reason, and its breakdown lists those same figures, so
a breakdown always adds up to the number shown. Models never import this module.

Two figures are added only when
1. they measure the same thing in the same unit (a headline names one measure, one unit);
2. both are actual results, not expected or target values;
3. neither is a part (其中) of another figure: the whole is counted, never its parts too;
4. both are flows over a period, or, in the all-years view, of unknown period: cumulative
   values (2021年以来, 截至目前) and stocks at a date are shown beside a sum of flows and
   never added to it, nor to each other;
5. both fall within the total's period: in one year's view only flows inside that calendar
   year are added; a flow across the year's edge (一年来 in a report of October) is shown
   beside with its period, and a figure of unknown period is not put into any one year;
6. they cannot overlap: a figure about part of a pairing (a project, its places or its
   beneficiaries) is not added when the same pairing, or the pairing it is layered on,
   reports the same measure for the whole pairing over a period that may overlap its own
   (an unknown period may overlap any); nor is a whole pairing's figure when the pairing
   it is layered on (a city's pairing above a county's) reports the same. The widest
   figure is added; the narrower one is shown beside it, since it is probably contained
   in it.
A qualifier of any added figure carries into the total (至少, 约). The total's period label
is derived from the periods of what it added, never written by hand.

A place's total (a town, a county, a province) adds, by the same rules, the figures about
that place or about places below it (cooperation/attribution.py says which those are). A
figure about several places (a joint amount, a project in two towns) is added only where
all of them lie, and is shown on each of its places as shared: it is counted once, in
the totals above them. The rules above do not depend on the place, so a figure added to a
town's total is added to its county's, and the towns of a county never add up to more.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connection, models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cooperation.formatting import period_label, quantity_text
from cooperation.models import Figure, Publication, Qualifier, combine_qualifiers
from cooperation.models.base import period_words
from cooperation.models.periods import Period

Measure, Unit = Figure.Measure, Figure.Unit
EARLIEST, LATEST = datetime.date(1, 1, 1), datetime.date(9999, 12, 31)


class Reason(models.TextChoices):
    ADDED = "", _("已相加")
    OTHER_UNIT = "other_unit", _("单位不同，不能相加")
    NOT_ACTUAL = "not_actual", _("预计或目标值，不是实际完成")
    PART = "part", _("是另一数据的一部分（其中），整体已计入")
    CUMULATIVE = "cumulative", _("累计值，不与期间数据相加")
    STOCK = "stock", _("时点值，不与期间数据相加")
    CROSSES_YEAR = "crosses_year", _("期间跨越所选年份的边界")
    OTHER_YEAR = "other_year", _("不在所选年份内")
    UNKNOWN_PERIOD = "unknown_period", _("期间不详，不计入某一年")
    IN_PAIRING_FIGURE = "in_pairing_figure", _("整个结对关系已有同类数据，期间可能重叠，不重复相加")
    SHARED = "shared", _("与其他地点共同的数额，计入共同的上级区域合计")


@dataclass(frozen=True)
class Headline:
    """A headline total: one measure in one unit."""

    key: str
    label: str
    measure: str
    unit: str


HEADLINES = (
    Headline("funds", _("帮扶资金"), Measure.ASSISTANCE_FUNDS, Unit.YUAN),
    Headline("investment", _("实际到位投资"), Measure.INVESTMENT, Unit.YUAN),
    Headline("enterprises", _("引进落地企业"), Measure.ENTERPRISES, Unit.ENTERPRISE),
    Headline("jobs", _("帮助农村劳动力就业"), Measure.JOBS, Unit.PERSON),
    Headline("labour-training", _("劳务协作培训"), Measure.LABOUR_TRAINING, Unit.PERSON_TIME),
    Headline("sales", _("消费帮扶销售额"), Measure.SALES, Unit.YUAN),
)
HEADLINE_BY_KEY = {headline.key: headline for headline in HEADLINES}


def whole_pairing():
    """Figures about a whole pairing (an indicator's own figures are, see Figure.save)."""
    return Q(scope=Figure.Scope.PAIRING)


def with_dates(figures):
    """Unknown ends of a period as the earliest and latest day, so that it overlaps all."""
    return figures.annotate(
        starts=Coalesce("period_start", Value(EARLIEST)),
        ends=Coalesce("period_end", Value(LATEST)),
    )


def reported_for_whole(pairing):
    """Whether the pairing (an outer reference) reports the outer figure's measure, in its
    unit, as actual, for the whole pairing, over a period that may overlap the figure's.
    Read through the index of what each pairing reports (pairing, scope, measure, unit)."""
    published = Publication.PUBLISHED
    return Exists(
        with_dates(
            Figure.objects.filter(
                pairing=pairing,
                scope=Figure.Scope.PAIRING,
                measure=OuterRef("measure"),
                unit=OuterRef("unit"),
            )
        ).filter(
            Q(indicator__isnull=False, pairing__status=published)
            | Q(project__status=published)
            | Q(benefit__project__status=published, benefit__beneficiary__status=published),
            kind=Figure.Kind.ACTUAL,
            part_of__isnull=True,
            starts__lte=OuterRef("ends"),
            ends__gte=OuterRef("starts"),
        )
    )


def classified(figures, year=None, units=None):
    """The figures, each with its `reason` (Reason.ADDED when a total adds it); `units`
    maps each measure to the one unit its total is in (None: grouped by unit by the
    caller). Figures annotated `shared` (about places beyond the region a total is for)
    are listed as shared, not added."""
    in_own_pairing = reported_for_whole(OuterRef("pairing_ref"))
    in_layered_on = reported_for_whole(OuterRef("layered_on"))
    period_rules = [
        When(period_kind=Period.CUMULATIVE, then=Value(Reason.CUMULATIVE)),
        When(period_kind=Period.STOCK, then=Value(Reason.STOCK)),
    ]
    if year is not None:
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        # Only reasons to leave a flow out: one inside the year goes on to the rules below.
        overlaps = Q(period_start__lte=last, period_end__gte=first)
        inside = Q(period_start__gte=first, period_end__lte=last)
        period_rules += [
            When(period_kind=Period.UNKNOWN, then=Value(Reason.UNKNOWN_PERIOD)),
            When(overlaps & ~inside, then=Value(Reason.CROSSES_YEAR)),
            When(~overlaps, then=Value(Reason.OTHER_YEAR)),
        ]
    return (
        with_dates(figures)
        .annotate(
            pairing_ref=F("pairing"),
            layered_on=F("pairing__parent"),
        )
        .annotate(
            reason=Case(
                *[
                    When(Q(measure=measure) & ~Q(unit=unit), then=Value(Reason.OTHER_UNIT))
                    for measure, unit in (units or {}).items()
                    if unit
                ],
                When(~Q(kind=Figure.Kind.ACTUAL), then=Value(Reason.NOT_ACTUAL)),
                When(part_of__isnull=False, then=Value(Reason.PART)),
                *period_rules,
                When(
                    ~whole_pairing() & (in_own_pairing | in_layered_on),
                    then=Value(Reason.IN_PAIRING_FIGURE),
                ),
                When(whole_pairing() & in_layered_on, then=Value(Reason.IN_PAIRING_FIGURE)),
                *shared_rule(figures),
                default=Value(Reason.ADDED),
                output_field=models.CharField(),
            )
        )
    )


def shared_rule(figures):
    if "shared" not in figures.query.annotations:
        return []
    return [When(shared=True, then=Value(Reason.SHARED))]


@dataclass
class Group:
    """Figures of one reason and qualifier, added up, with the span of their periods."""

    reason: str
    qualifier: str
    value: Decimal
    count: int
    unknown: int
    first: datetime.date | None
    last: datetime.date | None
    words: str
    words_en: str = ""

    @property
    def period_words(self):
        return period_words(self.words, self.words_en)

    def merged(self, other):
        """Two groups of the same reason and qualifier from sets that share no figure."""
        firsts = [d for d in (self.first, other.first) if d]
        lasts = [d for d in (self.last, other.last) if d]
        return Group(
            reason=self.reason,
            qualifier=self.qualifier,
            value=self.value + other.value,
            count=self.count + other.count,
            unknown=self.unknown + other.unknown,
            first=min(firsts, default=None),
            last=max(lasts, default=None),
            words="",
        )


@dataclass
class Total:
    """A computed number, and what it is made of: `added` groups are in it, `beside` are
    not. `period_label` is read from what was added; `where` names the figures it is of
    (a region, a project category) as the query of its breakdown page."""

    headline: Headline
    year: int | None = None
    where: dict = field(default_factory=dict)
    added: list = field(default_factory=list)
    beside: list = field(default_factory=list)
    # The places a shared amount is shared with, by name (set by the region pages).
    partners: list = field(default_factory=list)

    @property
    def value(self):
        return sum((group.value for group in self.added), Decimal(0)) if self.added else None

    @property
    def qualifier(self):
        return combine_qualifiers(group.qualifier for group in self.added)

    @property
    def count(self):
        return sum(group.count for group in self.added)

    @property
    def text(self):
        return quantity_text(self.value, self.headline.unit, self.qualifier)

    @property
    def is_approximate(self):
        return self.qualifier != Qualifier.EXACT

    @property
    def lone_cumulative(self):
        """With nothing to add, the one cumulative value or stock there is, shown as itself
        (never as a sum), with its own period."""
        kept = [g for g in self.beside if g.reason in (Reason.CUMULATIVE, Reason.STOCK)]
        if self.added or len(kept) != 1 or kept[0].count != 1:
            return None
        return kept[0]

    @property
    def lone_text(self):
        group = self.lone_cumulative
        return quantity_text(group.value, self.headline.unit, group.qualifier) if group else ""

    @property
    def lone_period(self):
        group = self.lone_cumulative
        if group is None:
            return ""
        kind = Period.CUMULATIVE if group.reason == Reason.CUMULATIVE else Period.STOCK
        return period_label(group.period_words, kind, None, group.last)

    @property
    def shared(self):
        """Amounts about this place and others together: listed, counted in a total above."""
        return [group for group in self.beside if group.reason == Reason.SHARED]

    @property
    def shared_text(self):
        shared = self.shared
        if not shared:
            return ""
        value = sum((group.value for group in shared), Decimal(0))
        qualifier = combine_qualifiers(group.qualifier for group in shared)
        return quantity_text(value, self.headline.unit, qualifier)

    @property
    def beside_count(self):
        return sum(group.count for group in self.beside)

    @property
    def period_label(self):
        if not self.added:
            return ""
        unknown = sum(group.unknown for group in self.added)
        if unknown == self.count:
            return _("期间不详")
        if unknown:
            return _("期间不一")
        # The span of what was added, in a year's view too: 2023年前三季度 is not 2023年.
        first = min(group.first for group in self.added if group.first)
        last = max(group.last for group in self.added if group.last)
        words = self.added[0].period_words if self.count == 1 else ""
        return period_label(words, Period.FLOW, first, last)

    @property
    def breakdown_url(self):
        url = reverse("cooperation:total-breakdown", kwargs={"key": self.headline.key})
        query = {**self.where, **({"year": self.year} if self.year else {})}
        return f"{url}?{urlencode(query)}" if query else url


def flow_years():
    """The calendar years some published flow lies in: the years a visitor may choose."""
    years = Figure.objects.published().filter(year__isnull=False).order_by("-year")
    return list(years.values_list("year", flat=True).distinct())


def headline_totals(figure_sets, year=None, headlines=HEADLINES, where=None):
    """The headline totals of the given sets of published figures (sets that share no
    figure), in one query."""
    by_key = totals_by(Value(None, output_field=models.CharField()), figure_sets, year, headlines)
    totals = by_key.get(None) or [Total(headline, year) for headline in headlines]
    for total in totals:
        total.where = dict(where or {})
    return totals


def totals_by(by, figure_sets, year=None, headlines=HEADLINES):
    """The headline totals of each value of the expression `by` (a category, a pairing),
    as {value: [Total, ...]} in the order of `headlines`, in one query."""
    units = {headline.measure: headline.unit for headline in headlines}
    groups = {}
    parts = [listed(figures.annotate(group_key=by), year, units) for figures in figure_sets]
    for row in grouped(parts):
        group = Group(
            reason=row["reason"],
            qualifier=row["qualifier"],
            value=in_decimal(row["total"]),
            count=row["count"],
            unknown=row["unknown"],
            first=as_date(row["first"]),
            last=as_date(row["last"]),
            words=row["words"] if row["count"] == 1 else "",
            words_en=row["words_en"] if row["count"] == 1 else "",
        )
        key = (row["group_key"], row["measure"], group.reason, group.qualifier)
        groups[key] = groups[key].merged(group) if key in groups else group
    totals = {}
    in_order = sorted(groups.items(), key=lambda item: [str(part) for part in item[0]])
    for (group_key, measure, reason, _qualifier), group in in_order:
        if group_key not in totals:
            totals[group_key] = {headline.measure: Total(headline, year) for headline in headlines}
        total = totals[group_key][measure]
        (total.added if reason == Reason.ADDED else total.beside).append(group)
    return {key: list(by_measure.values()) for key, by_measure in totals.items()}


def listed(figures, year, units):
    """The classified figures of the headlines' measures, as the columns totals add."""
    return (
        classified(figures.filter(measure__in=units), year, units)
        .order_by()
        .values(
            "group_key",
            "measure",
            "reason",
            "qualifier",
            "value",
            "period_kind",
            "period_start",
            "period_end",
            "period",
            "period_en",
        )
    )


GROUPED = """
    WITH figures AS MATERIALIZED ({figures})
    SELECT group_key, measure, reason, qualifier, SUM(value) AS total, COUNT(*) AS count,
           SUM(CASE WHEN period_kind = %s THEN 1 ELSE 0 END) AS unknown,
           MIN(period_start) AS first, MAX(period_end) AS last, MAX(period) AS words,
           MAX(period_en) AS words_en
    FROM figures
    GROUP BY group_key, measure, reason, qualifier
"""


def grouped(parts):
    """The sums of the figures of every part, by group, reason and qualifier, in one query.
    Grouped outside the query that classifies them, so that each figure's reason (and the
    lookups it takes) is worked out once."""
    sql, params = union(parts).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(GROUPED.format(figures=sql), [*params, Period.UNKNOWN])
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def as_date(value):
    """A date from the database: SQLite gives raw SQL its text."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def union(querysets):
    """One query of several (UNION ALL); the parts must select the same columns."""
    first, *others = querysets
    return first.union(*others, all=True) if others else first


def in_decimal(value):
    """A sum to the fen: PostgreSQL gives a Decimal, SQLite a float or an int."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def breakdown(headline, figure_sets, year=None, reason=None):
    """The figures of one headline, each as its id, value and reason, by kind and id (the
    order of the measure's index, so that a page of one reason is read without sorting
    them all); only those of one `reason` when given. One query, however many sets."""
    units = {headline.measure: headline.unit}
    rows = []
    for figures in figure_sets:
        listed = classified(figures.filter(measure=headline.measure), year, units)
        if reason is not None:
            listed = listed.filter(reason=reason)
        rows.append(listed.order_by().values("value", "reason", "kind", ref=F("pk")))
    return union(rows).order_by("kind", "ref")


def combined(headline, totals, year=None):
    """One total of totals over sets that share no figure (the pairings of a province)."""
    groups = {}
    for total in totals:
        for group in [*total.added, *total.beside]:
            key = (group.reason, group.qualifier)
            groups[key] = groups[key].merged(group) if key in groups else group
    result = Total(headline, year)
    for (reason, _qualifier), group in sorted(groups.items()):
        (result.added if reason == Reason.ADDED else result.beside).append(group)
    return result
