"""Years, dates and period words: never figures themselves, read to give each figure its period.

A sentence states its period before its figures (今年南沙区选派5名…, 2021年以来,南沙区14个乡镇…,
截至目前,…销售额达2.17亿元), so a figure takes the last period stated before it in its sentence,
or else the last one stated earlier in its paragraph (据了解,今年…；紫云县选派9名…). The one
exception is the comparison 与上一年40人相比: its 上一年 holds only inside 与…相比.

Words relative to the report (今年, 去年, 一年来, 截至目前) are read against its publication
date; without one they keep their words with an unknown period. Dates, times and years are
also handed back as blocked spans so that no figure is read out of 2023-10-26 or 7月19日.
"""

import calendar
import datetime
import re
from dataclasses import dataclass

from .numerals import number_value
from .results import Period

FLOW, CUMULATIVE, STOCK, UNKNOWN = "flow", "cumulative", "stock", "unknown"

YEAR = r"(?:19|20)\d{2}"
CHINESE_YEAR = r"[〇零一二三四五六七八九]{4}"
MONTH, DAY = r"\d{1,2}", r"\d{1,2}"
COUNT = r"[一二两三四五六七八九十]|\d{1,2}"

PERIOD_PATTERNS = (
    ("until_now", r"截[至止](?:目前|当前|现在|今天|今日|发稿时)"),
    (
        "until_month",
        rf"截[至止](?:(?P<to_year>{YEAR})年|今年|去年)?(?P<to_month>{MONTH})月"
        rf"(?:(?P<to_day>{DAY})日|底|末)?",
    ),
    ("until_year", rf"截[至止](?P<end_year>{YEAR})年(?:底|末)?"),
    ("since", rf"(?P<since_year>{YEAR})\s*年以来|今年以来|自(?P<from_year>{YEAR})\s*年"),
    ("year_range", rf"(?P<first_year>{YEAR})\s*年?\s*[-—–~至到]\s*(?P<last_year>{YEAR})\s*年"),
    (
        "in_year",
        rf"(?P<year>{YEAR}|{CHINESE_YEAR}|今|去|前|明|上一|上)\s*年"
        r"(?P<part>前三季度|上半年|下半年|第?[一二三四1-4]季度"
        rf"|1\s*[-—–~至到]\s*(?P<last_month>{MONTH})月"
        rf"|(?P<month>{MONTH})月份?(?:(?P<day>{DAY})日|(?P<month_end>底|末))?|底|末)?",
    ),
    ("season", r"前三季度|上半年"),
    ("years_back", rf"(?:(?P<recent>{COUNT})年(?:多)?(?:来|以来))|近(?P<near>{COUNT})年(?:来)?"),
)
PERIODS = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in PERIOD_PATTERNS))

# Dates and times that give no period but must not be read as figures.
DATES = re.compile(
    rf"{YEAR}[-/.年]{MONTH}[-/.月]{DAY}日?|\d{{1,2}}:\d{{2}}(?::\d{{2}})?"
    rf"|{MONTH}月{DAY}[日号]|{MONTH}月份?(?:底|末|初|上旬|中旬|下旬)?|{DAY}[日号]|{YEAR}年"
)
PUBLISHED_HEADER = re.compile(
    rf"^\s*时间\s*[:：]\s*({YEAR})[-/.年](\d{{1,2}})[-/.月](\d{{1,2}})", re.M
)
QUARTER_ENDS = {"前三季度": (1, 9), "上半年": (1, 6), "下半年": (7, 12)}
QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4}


@dataclass(frozen=True)
class Mention:
    """A period stated in the text, where it applies, and whether later sentences keep it."""

    start: int
    end: int
    period: Period
    scope_end: int
    carries: bool


def publication_date(text):
    """The date of a `时间: 2023-10-26 14:12:08` header line, as news pages print it."""
    match = PUBLISHED_HEADER.search(text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _month_end(year, month):
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _years_before(day, count):
    try:
        return day.replace(year=day.year - count)
    except ValueError:  # 29 February
        return day.replace(year=day.year - count, day=28)


def _year_of(words, published_on):
    relative = {"今": 0, "去": -1, "上": -1, "上一": -1, "前": -2, "明": 1}
    if words in relative:
        return published_on.year + relative[words] if published_on else None
    return int(number_value(words))


def _year_period(match, words, published_on):
    year = _year_of(match.group("year"), published_on)
    if year is None:
        return Period(words, UNKNOWN)
    part = match.group("part") or ""
    if match.group("day"):
        # 今年7月19日 dates an event; its figures count over the year (the words say the year).
        return Period(words[: match.start("part") - match.start()], FLOW, *_year_span(year))
    if part in QUARTER_ENDS:
        first, last = QUARTER_ENDS[part]
        return Period(words, FLOW, datetime.date(year, first, 1), _month_end(year, last))
    if "季度" in part:
        quarter = QUARTERS.get(part[-3]) or int(part[-3])
        first = 3 * quarter - 2
        return Period(words, FLOW, datetime.date(year, first, 1), _month_end(year, first + 2))
    if match.group("last_month"):
        last = int(match.group("last_month"))
        return Period(words, FLOW, datetime.date(year, 1, 1), _month_end(year, last))
    if match.group("month"):
        month = int(match.group("month"))
        if match.group("month_end"):
            return Period(words, STOCK, None, _month_end(year, month))
        return Period(words, FLOW, datetime.date(year, month, 1), _month_end(year, month))
    if part in ("底", "末"):
        return Period(words, STOCK, None, datetime.date(year, 12, 31))
    return Period(words, FLOW, *_year_span(year))


def _year_span(year):
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _period(match, published_on):
    """The Period a matched mention states, or None for an impossible date."""
    words, name = match.group(), match.lastgroup
    if name == "until_now":
        return (
            Period(words, CUMULATIVE, None, published_on)
            if published_on
            else Period(words, UNKNOWN)
        )
    if name == "until_month":
        year = match.group("to_year")
        year = int(year) if year else _year_of("去" if "去年" in words else "今", published_on)
        if year is None:
            return Period(words, UNKNOWN)
        month = int(match.group("to_month"))
        day = match.group("to_day")
        end = datetime.date(year, month, int(day)) if day else _month_end(year, month)
        return Period(words, CUMULATIVE, None, end)
    if name == "until_year":
        return Period(words, CUMULATIVE, None, datetime.date(int(match.group("end_year")), 12, 31))
    if name == "since":
        year = match.group("since_year") or match.group("from_year")
        year = int(year) if year else (published_on.year if published_on else None)
        if year is None or published_on is None:
            return Period(words, UNKNOWN)
        return Period(words, CUMULATIVE, datetime.date(year, 1, 1), published_on)
    if name == "year_range":
        first, last = int(match.group("first_year")), int(match.group("last_year"))
        return Period(words, FLOW, datetime.date(first, 1, 1), datetime.date(last, 12, 31))
    if name == "in_year":
        return _year_period(match, words, published_on)
    if name == "season":
        if published_on is None:
            return Period(words, UNKNOWN)
        first, last = QUARTER_ENDS[words]
        year = published_on.year
        return Period(words, FLOW, datetime.date(year, first, 1), _month_end(year, last))
    count = number_value(match.group("recent") or match.group("near"))
    if published_on is None or not count:
        return Period(words, UNKNOWN)
    start = _years_before(published_on, int(count)) + datetime.timedelta(days=1)
    return Period(words, FLOW, start, published_on)


def mentions(normal, start, end, published_on):
    """The periods stated in normal[start:end] with where each applies."""
    found = []
    for match in PERIODS.finditer(normal, start, end):
        try:
            period = _period(match, published_on)
        except ValueError:
            continue
        scope_end, carries = end, True
        if normal[max(start, match.start() - 1) : match.start()] == "与":
            close = normal.find("相比", match.end(), end)
            if close != -1:
                scope_end, carries = close + 2, False
        found.append(Mention(match.start(), match.end(), period, scope_end, carries))
    return found


def blocked_spans(normal, start, end):
    """Spans of normal[start:end] that are dates, times or period words: no figure in them."""
    spans = [match.span() for match in DATES.finditer(normal, start, end)]
    spans += [match.span() for match in PERIODS.finditer(normal, start, end)]
    return spans


# A sentence that turns to the present or the future (目前…预计年产…) leaves the period its
# paragraph stated before.
NEW_TIME = re.compile(r"[^,，]{0,4}(?:目前|当前|现在|预计|计划|今后|未来|下一步|接下来)")


def leaves_the_period(normal, start, end):
    return bool(NEW_TIME.match(normal, start, end))


def period_at(position, own, carried):
    """The period of a figure at `position`: the last one stated before it that still holds,
    else the one its paragraph carries."""
    holding = [m for m in own if m.end <= position < m.scope_end]
    if holding:
        return holding[-1].period
    return carried
