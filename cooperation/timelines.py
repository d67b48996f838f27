"""A project's timeline: its events and its figures of known period, in date order, drawn
on an axis of whole years (one row each, a day as a dot, a month, a year or a period as a
bar), with the figures of unknown period listed apart. Dates stay dates; they become
floats only as coordinates (charts.LinearScale)."""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from cooperation.charts import Kind, LinearScale, Tick, coordinate
from cooperation.formatting import figure_text
from cooperation.models import Event
from cooperation.models.periods import Period

# The timeline's viewBox width, and the height of one of its rows.
TIMELINE_WIDTH = 360
TIMELINE_LEFT, TIMELINE_RIGHT, TIMELINE_TOP, TIMELINE_AXIS = 26, 10, 6, 26
TIMELINE_ROW = 14


@dataclass
class TimelineEntry:
    """A dated event or figure: its first and last day, what it is, and its anchor."""

    start: datetime.date
    end: datetime.date
    when: str
    what: str
    url: str
    kind_label: str
    is_event: bool
    # "event", or the figure's kind: an expected or target figure is drawn hollow.
    mark: str = "event"
    number: int = 0
    x: float = 0.0
    width: float = 0.0
    y: float = 0.0

    @property
    def is_point(self):
        return self.start == self.end

    @property
    def bar_y(self):
        return round(self.y - 4, 1)

    @property
    def title(self):
        return _("%(when)s：%(what)s（%(kind)s）") % {
            "when": self.when,
            "what": self.what,
            "kind": self.kind_label,
        }


@dataclass
class Timeline:
    entries: list
    undated: list
    year_ticks: list = field(default_factory=list)
    boundaries: list = field(default_factory=list)
    width: int = TIMELINE_WIDTH
    height: int = 0
    axis_y: float = 0.0
    plot_left: int = TIMELINE_LEFT
    plot_right: int = TIMELINE_WIDTH - TIMELINE_RIGHT

    @property
    def view_box(self):
        return f"0 0 {self.width} {self.height}"

    @property
    def number_x(self):
        return self.plot_left - 6

    @property
    def tick_y(self):
        return round(self.axis_y + 16, 1)

    @property
    def marks(self):
        """The kinds of mark drawn, for the legend: events, then figures by kind."""
        drawn = {entry.mark for entry in self.entries}
        legend = [("event", _("大事记"))] if "event" in drawn else []
        figures = [(kind.value, _("数据（%(kind)s）") % {"kind": kind.label}) for kind in Kind]
        return legend + [(kind, label) for kind, label in figures if kind in drawn]


def event_days(event):
    """The days an event's date stands for: one day, its month, or its year."""
    date = event.date
    if event.date_precision == Event.Precision.YEAR:
        return datetime.date(date.year, 1, 1), datetime.date(date.year, 12, 31)
    if event.date_precision == Event.Precision.MONTH:
        last = calendar.monthrange(date.year, date.month)[1]
        return date.replace(day=1), date.replace(day=last)
    return date, date


def figure_days(figure):
    """The days a figure's period covers; a stock or a cumulative value without a start is
    its one day; None when the period is not known."""
    if figure.period_kind == Period.UNKNOWN:
        return None
    start, end = figure.period_start, figure.period_end
    if start and end:
        return start, end
    day = end or start
    return (day, day) if day else None


def figure_what(figure):
    label = figure.translated("label")
    return _("%(label)s：%(value)s") % {"label": label, "value": figure_text(figure)}


def project_timeline(events, figures):
    """The project's events and figures with known dates, in date order and drawn on an
    axis of whole years; figures of unknown period apart, in their own order."""
    entries, undated = [], []
    for event in events:
        start, end = event_days(event)
        entries.append(
            TimelineEntry(
                start,
                end,
                str(event.date_text),
                event.translated("title"),
                f"#event-{event.pk}",
                str(event.get_kind_display()),
                is_event=True,
            )
        )
    for figure in figures:
        days = figure_days(figure)
        if days is None:
            undated.append(figure)
            continue
        entries.append(
            TimelineEntry(
                days[0],
                days[1],
                str(figure.period_label),
                figure_what(figure),
                f"#figure-{figure.pk}",
                str(figure.get_kind_display()),
                is_event=False,
                mark=figure.kind,
            )
        )
    entries.sort(key=lambda entry: (entry.start, entry.end, not entry.is_event, entry.url))
    timeline = Timeline(entries=entries, undated=undated)
    if entries:
        lay_out(timeline)
    return timeline


def lay_out(timeline):
    """One row per entry over an axis from the first year's first day to the day after
    the last year; a span is at least a visible sliver wide."""
    entries = timeline.entries
    first = min(entry.start for entry in entries).year
    last = max(entry.end for entry in entries).year
    origin = datetime.date(first, 1, 1).toordinal()
    finish = datetime.date(last + 1, 1, 1).toordinal()
    x = LinearScale(
        Decimal(origin), Decimal(finish), Decimal(timeline.plot_left), Decimal(timeline.plot_right)
    )
    for number, entry in enumerate(entries, start=1):
        entry.number = number
        entry.y = coordinate(TIMELINE_TOP + TIMELINE_ROW * (number - Decimal("0.5")))
        entry.x = x(entry.start.toordinal())
        right = x(entry.end.toordinal() + 1)
        entry.width = max(round(right - entry.x, 1), 1.5)
    timeline.axis_y = coordinate(TIMELINE_TOP + TIMELINE_ROW * len(entries) + 2)
    timeline.height = int(timeline.axis_y) + TIMELINE_AXIS
    years = range(first, last + 2)
    timeline.boundaries = [x(datetime.date(year, 1, 1).toordinal()) for year in years]
    every = max(1, len(years) // 8)
    timeline.year_ticks = [
        Tick(
            coordinate(
                (
                    Decimal(x(datetime.date(year, 1, 1).toordinal()))
                    + Decimal(x(datetime.date(year + 1, 1, 1).toordinal()))
                )
                / 2
            ),
            str(year),
        )
        for year in range(first, last + 1)
        if (year - first) % every == 0
    ]
