"""Over which time a figure counts, structured so that totals can tell what may be added.

A figure is one of:
- a flow over a date range: 2023年 (1 January to 31 December), 2023年前三季度 (to
  30 September), 一年来 in a report of 26 October 2023 (27 October 2022 to that day);
- a cumulative value since a date, or since an unknown start, up to a date: 2021年以来,
  截至目前 (up to the source's date);
- a stock at a date: 108 students enrolled on a day;
- or of an unknown period, when the source does not say.

The source's own words stay in the figure's `period` text, for display. `year` is derived:
the calendar year a flow lies in, when it lies in one.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    FLOW = "flow", _("期间发生额")
    CUMULATIVE = "cumulative", _("累计值")
    STOCK = "stock", _("时点值")
    UNKNOWN = "unknown", _("期间不详")


def period_constraints(prefix):
    """Named checks that the dates fit the kind of period (see period_problems)."""
    kind, start, end = f"{prefix}_kind", f"{prefix}_start", f"{prefix}_end"
    no_start, no_end = models.Q(**{f"{start}__isnull": True}), models.Q(**{f"{end}__isnull": True})
    return [
        models.CheckConstraint(
            name="figure_period_dates_fit_kind",
            condition=(
                (models.Q(**{kind: Period.UNKNOWN}) & no_start & no_end)
                | (models.Q(**{kind: Period.FLOW}) & ~no_start & ~no_end)
                | (models.Q(**{kind: Period.CUMULATIVE}) & ~no_end)
                | (models.Q(**{kind: Period.STOCK}) & no_start & ~no_end)
            ),
            violation_error_message=_(
                "期间与日期不符：发生额须有起止日期，累计值须有截止日期，时点值只有日期，期间不详则不填日期。"
            ),
        ),
        models.CheckConstraint(
            name="figure_period_start_before_end",
            condition=no_start | no_end | models.Q(**{f"{start}__lte": models.F(end)}),
            violation_error_message=_("期间的开始日期不能晚于结束日期。"),
        ),
    ]


def period_problems(kind, start, end):
    """The same rules as period_constraints, as messages keyed by field, for forms."""
    problems = {}
    if kind == Period.UNKNOWN and (start or end):
        problems["period_kind"] = _("期间不详时不填日期；知道日期就选择期间的种类。")
    if kind in (Period.FLOW, Period.CUMULATIVE, Period.STOCK) and not end:
        problems["period_end"] = _("请填写期间的结束日期（累计值、时点值为截至日期）。")
    if kind == Period.FLOW and not start:
        problems["period_start"] = _("发生额须有开始日期。")
    if kind == Period.STOCK and start:
        problems["period_start"] = _("时点值只有一个日期，请只填结束日期。")
    if start and end and start > end:
        problems["period_start"] = _("期间的开始日期不能晚于结束日期。")
    return problems


def calendar_year(kind, start, end):
    """The year a flow lies in, if it lies within one calendar year."""
    if kind == Period.FLOW and start and end and start.year == end.year:
        return start.year
    return None


def year_flow(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
