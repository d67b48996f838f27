"""The geometry of the small server-drawn charts of an indicator's years (a project's
timeline is in timelines.py). Templates only loop over what is made here.

Values come in as exact Decimals and stay exact in every text shown; they become floats
only as coordinates, rounded to a tenth of a viewBox unit. Each chart keeps to the rules
of the numbers it draws: actual values form the line, expected and target values are
marks of their own beside it, never a vertex of it; values in another unit than the
chart's are not drawn on its scale and the chart says so; nothing here adds figures.
"""

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from cooperation.formatting import plain_number, quantity_text
from cooperation.models import Figure

Kind = Figure.Kind

# The year chart's viewBox and the plot inside it, in viewBox units.
YEAR_WIDTH, YEAR_HEIGHT = 300, 130
YEAR_LEFT, YEAR_RIGHT, YEAR_TOP, YEAR_BOTTOM = 40, 10, 10, 22
# Expected and target marks stand this far beside the year's actual point (at most).
BESIDE = Decimal(9)


def coordinate(value):
    """A Decimal position as the float an SVG attribute takes, to a tenth of a unit."""
    return round(float(value), 1)


@dataclass(frozen=True)
class LinearScale:
    """Maps [low, high] onto [start, end] exactly, then to a coordinate."""

    low: Decimal
    high: Decimal
    start: Decimal
    end: Decimal

    def __call__(self, value):
        span = self.high - self.low
        share = (Decimal(value) - self.low) / span if span else Decimal(0)
        return coordinate(self.start + share * (self.end - self.start))


def nice_step(rough, whole=False):
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `rough`: a step people read; for
    counts of whole things a whole number, without 2.5 (no 1.25人, no 7.5人)."""
    rough = Decimal(rough)
    power = Decimal(10) ** rough.adjusted()
    mantissas = (1, 2, 5, 10) if whole else (1, 2, Decimal("2.5"), 5, 10)
    step = next(m * power for m in mantissas if m * power >= rough)
    return max(step, Decimal(1)) if whole and step < 1 else step


def value_ticks(values, steps=4):
    """Ticks from 0 up to the first tick at or above the largest value, about `steps` of
    them, each an exact Decimal."""
    largest = max(values, default=Decimal(0))
    if largest <= 0:
        return [Decimal(0), Decimal(1)]
    whole = all(Decimal(value) == Decimal(value).to_integral_value() for value in values)
    step = nice_step(Decimal(largest) / steps, whole)
    count = int((Decimal(largest) / step).to_integral_value(rounding=ROUND_CEILING))
    return [step * i for i in range(count + 1)]


def axis_number(value, unit):
    """A tick's number, short: 2000万 and 20M, 1.5K; percentages with their sign."""
    value = Decimal(value)
    chinese = (get_language() or "zh-hans").startswith("zh")
    scales = (
        ((Decimal(100_000_000), "亿"), (Decimal(10_000), "万"))
        if chinese
        else ((Decimal(10**9), "B"), (Decimal(10**6), "M"), (Decimal(10**3), "K"))
    )
    suffix = "%" if unit == Figure.Unit.PERCENT else ""
    for size, word in scales:
        if value >= size:
            return f"{plain_number(round(value / size, 2))}{word}{suffix}"
    return f"{plain_number(round(value, 2))}{suffix}"


@dataclass
class YearPoint:
    """One value of one year, as given: its unit, qualifier and kind, and where it is told."""

    year: int
    value: Decimal
    unit: str
    qualifier: str
    kind: str = Kind.ACTUAL
    url: str = ""

    @property
    def text(self):
        return quantity_text(self.value, self.unit, self.qualifier)

    @property
    def kind_label(self):
        return Kind(self.kind).label

    @property
    def title(self):
        """The tooltip: year, value with its qualifier, and kind."""
        return _("%(year)s年：%(value)s（%(kind)s）") % {
            "year": self.year,
            "value": self.text,
            "kind": self.kind_label,
        }


@dataclass
class Mark:
    """A drawn point: where, what it says, where it links, and its shape for other kinds."""

    point: YearPoint
    x: float
    y: float
    shape: str = ""


@dataclass
class Tick:
    position: float
    text: str


@dataclass
class YearChart:
    """An indicator across its years, with the latest year against the one before."""

    label: str
    unit: str
    actual: list = field(default_factory=list)
    others: list = field(default_factory=list)
    line: str = ""
    value_ticks: list = field(default_factory=list)
    year_ticks: list = field(default_factory=list)
    left_out: list = field(default_factory=list)
    unlisted: list = field(default_factory=list)
    latest: YearPoint | None = None
    previous: YearPoint | None = None
    ratio: Decimal | None = None
    anchor: str = ""
    width: int = YEAR_WIDTH
    height: int = YEAR_HEIGHT
    plot_left: int = YEAR_LEFT
    plot_right: int = YEAR_WIDTH - YEAR_RIGHT
    baseline: int = YEAR_HEIGHT - YEAR_BOTTOM

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"

    @property
    def tick_x(self):
        return self.plot_left - 4

    @property
    def year_y(self):
        return self.height - 6

    @property
    def linked(self):
        """Whether the points are links (to a table's rows): then the chart is a group of
        links a keyboard can reach, else it is hidden from screen readers."""
        return any(mark.point.url for mark in [*self.actual, *self.others])

    @property
    def kinds(self):
        """The kinds drawn, for the legend, in the order of Figure.Kind."""
        drawn = {mark.point.kind for mark in [*self.actual, *self.others]}
        return [(kind, kind.label) for kind in Kind if kind in drawn]

    @property
    def left_out_text(self):
        return pgettext("列举分隔符", "、").join(point.title for point in self.left_out)


def marker(kind, x, y):
    """A path for an expected (diamond) or target (square) mark: never a dot like actuals."""
    if kind == Kind.EXPECTED:
        top, bottom = coordinate(y - 4.5), coordinate(y + 4.5)
        left, right = coordinate(x - 4.5), coordinate(x + 4.5)
        return f"M{x} {top}L{right} {y}L{x} {bottom}L{left} {y}Z"
    return f"M{coordinate(x - 4)} {coordinate(y - 4)}h8v8h-8Z"


def line_path(marks):
    """The actual values joined year to year; a missing year breaks the line."""
    pieces, last_year = [], None
    for mark in marks:
        joined = last_year is not None and mark.point.year == last_year + 1
        pieces.append(f"{'L' if joined else 'M'}{mark.x} {mark.y}")
        last_year = mark.point.year
    # A lone point starts a segment and draws nothing: it is shown by its dot alone.
    return "".join(pieces) if len(marks) > 1 else ""


def year_chart(label, points, previous=None, ratio=None, listed_years=None, anchor=""):
    """The chart of one measure's points. The chart's unit is that of the latest actual
    value (else of the latest value); points in another unit are left out of the drawing
    and named. `previous` and `ratio` are what the page's table says of the latest year,
    shown beside the chart as they are. Points whose year is not in `listed_years` (the
    years a table on the page already lists) are `unlisted`, for a table of their own."""
    points = sorted(points, key=lambda point: (point.year, point.kind))
    actual = [point for point in points if point.kind == Kind.ACTUAL]
    latest = (actual or points or [None])[-1]
    if latest is None:
        return None
    unit = latest.unit
    drawn = [point for point in points if point.unit == unit]
    chart = YearChart(
        label=label,
        unit=unit,
        left_out=[point for point in points if point.unit != unit],
        latest=latest,
        previous=previous,
        ratio=ratio,
        anchor=anchor,
    )
    if listed_years is not None:
        chart.unlisted = [point for point in points if point.year not in listed_years]
    first, last = drawn[0].year, drawn[-1].year
    ticks = value_ticks([point.value for point in drawn])
    top = ticks[-1]
    y = LinearScale(Decimal(0), top, Decimal(chart.baseline), Decimal(YEAR_TOP))
    slot = Decimal(chart.plot_right - chart.plot_left) / (last - first + 1)
    beside = min(slot / 4, BESIDE)

    def centre(year):
        return Decimal(chart.plot_left) + slot * (year - first) + slot / 2

    chart.year_ticks = [
        Tick(coordinate(centre(year)), str(year)) for year in range(first, last + 1)
    ]
    chart.value_ticks = [Tick(y(tick), axis_number(tick, unit)) for tick in ticks]
    for point in drawn:
        if point.kind == Kind.ACTUAL:
            chart.actual.append(Mark(point, coordinate(centre(point.year)), y(point.value)))
        else:
            offset = beside if point.kind == Kind.EXPECTED else -beside
            x = coordinate(centre(point.year) + offset)
            mark = Mark(point, x, y(point.value))
            mark.shape = marker(point.kind, mark.x, mark.y)
            chart.others.append(mark)
    chart.line = line_path(chart.actual)
    return chart


def indicator_charts(rows):
    """One chart per measure from the pairing page's indicator rows (newest year first
    within a measure), each point linking to its row of the table."""
    by_measure = {}
    for row in rows:
        by_measure.setdefault(row.indicator.measure, []).append(row)
    charts = []
    for measure_rows in by_measure.values():
        points = []
        for row in measure_rows:
            indicator = row.indicator
            url = f"#indicator-{indicator.pk}"
            if row.figure is not None:
                points.append(figure_point(indicator.year, row.figure, url))
            points.extend(figure_point(indicator.year, figure, url) for figure in row.planned)
        newest = measure_rows[0]
        chart = year_chart(
            newest.indicator.get_measure_display(),
            points,
            previous=figure_point(newest.indicator.year - 1, newest.previous)
            if newest.previous
            else None,
            ratio=newest.ratio,
            anchor=f"indicator-chart-{newest.indicator.measure}",
        )
        if chart is not None:
            charts.append(chart)
    return charts


def figure_point(year, figure, url=""):
    return YearPoint(year, figure.value, figure.unit, figure.qualifier, figure.kind, url)
