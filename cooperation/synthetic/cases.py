"""The cases the adding rules tell apart, made from a project's plain figures.

About one project in five is reported in a way that cooperation/totals.py must not simply
add up:
- cumulative values up to a report date, 2023年以来 or 截至目前 (about 5% of projects);
- flows of 一年来 in a report of October, across a year's edge (3%);
- amounts given 分别, one figure for each village or town (3%);
- one amount for places in two or three towns together, which the project then lies in (2%);
- a figure about the whole pairing, reported with the project (1%);
- figures of unknown period (2%);
- and, 1% each, an expected value, a count in another unit (培训…300人, not 人次) and a
  stock at a date (截至目前入驻企业5家) of a measure the headline totals add.
A case changes the figures of measures the project reports once, so that a second tranche
of funds (2024年追加帮扶资金) keeps its year.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import override

from cooperation.formatting import quantity_text
from cooperation.models import Figure, Project, Qualifier
from cooperation.models.periods import Period, calendar_year
from cooperation.synthetic.figures import (
    ACTUAL,
    CUMULATIVE_MEASURES,
    EXPECTED,
    EXPECTED_FIGURES,
    PAIRING_FIGURES,
    M,
    U,
    amount,
    flow,
    pick,
    rounded,
    set_funds,
)
from cooperation.synthetic.rows import make
from cooperation.synthetic.vocabulary import YEARS


@dataclass
class Report:
    """What the source says of one project: its figures, and the places it lies in."""

    source: object
    project: Project
    figures: list
    parts: list
    located: list  # (town, place): a village or town the project lies in, and its town
    towns: list  # the towns of the project's western county
    places: list = field(default_factory=list)  # rows of Figure.places


def report_case(rng, report):
    """Make the report one of the cases, or leave it as it is (four projects in five)."""
    case = pick(rng, CASES)
    if case is not None:
        case(rng, report)


def phrase(figure, value=None):
    """What the source says of a figure, whatever language is active: 投入帮扶资金2750多万元,
    吸纳农村劳动力就业37人."""
    verb = "投入" if figure.measure == M.ASSISTANCE_FUNDS else ""
    value = figure.value if value is None else value
    with override("zh-hans"):
        return f"{verb}{figure.label}{quantity_text(value, figure.unit, figure.qualifier)}"


def place_name(town, place):
    return town.name if place is town else f"{town.name}{place.name}"


def report_day(rng, year):
    """The date of a report in October, as in 2023-10-26."""
    return datetime.date(year, 10, rng.randint(20, 31))


def reported_once(report):
    """The figures of the measures the project reports once."""
    counts = Counter(figure.measure for figure in report.figures)
    return [figure for figure in report.figures if counts[figure.measure] == 1]


def amount_target(report):
    """The actual figure an amount for places is made of: funds if reported once, else
    another actual figure without parts."""
    wholes = {id(part.part_of) for part in report.parts}
    candidates = [f for f in reported_once(report) if f.kind == ACTUAL and id(f) not in wholes]
    return min(candidates, key=lambda f: f.measure != M.ASSISTANCE_FUNDS, default=None)


def set_period(report, figures, kind, start, end, words, lead=""):
    """Give the figures and their parts one period, quoted in one sentence."""
    together = []
    for figure in figures:
        together += [figure, *(part for part in report.parts if part.part_of is figure)]
    quote = f"{words}，" if words else ""
    quote += f"{report.project.title}{lead}{'，'.join(map(phrase, together))}。"
    for figure in together:
        figure.period_kind, figure.period_start, figure.period_end = kind, start, end
        figure.period, figure.year, figure.quote = words, calendar_year(kind, start, end), quote


def cumulative(rng, report):
    """2023年以来 or 截至目前: from the project's start up to a report's date."""
    year = report.project.start_year
    end = report_day(rng, rng.randint(year, YEARS[-1]))
    words = rng.choice([f"{year}年以来", "截至目前"])
    figures = [
        f for f in reported_once(report) if f.kind == ACTUAL and f.measure in CUMULATIVE_MEASURES
    ]
    start = datetime.date(year, 1, 1)
    set_period(report, figures, Period.CUMULATIVE, start, end, words, lead="累计")


def one_year_to(rng, year):
    """一年来 in a report of October: the year up to the report's date."""
    end = report_day(rng, year)
    return end.replace(year=year - 1) + datetime.timedelta(days=1), end


def crosses_year(rng, report):
    start, end = one_year_to(rng, min(report.project.start_year + 1, YEARS[-1]))
    figures = [f for f in reported_once(report) if f.kind == ACTUAL]
    set_period(report, figures, Period.FLOW, start, end, "一年来")


def unknown_period(rng, report):
    set_period(report, reported_once(report), Period.UNKNOWN, None, None, "")


def amount_for_places(report, figure, value, places, quote):
    """A copy of the figure for the places listed, each in Figure.places."""
    label = figure.label if len(places) > 1 else f"{places[0][1].name}{figure.label}"
    one = flow(
        report.source,
        figure.measure,
        label,
        value,
        figure.unit,
        figure.year,
        qualifier=figure.qualifier,
        kind=figure.kind,
        scope=Figure.Scope.PLACES,
        project=report.project,
        quote=quote,
    )
    report.places += [make(Figure.places.through, figure=one, region_id=p.pk) for _t, p in places]
    return one


def per_place(rng, report):
    """分别: the same amount in each of the villages of the project's town, or in each of
    the places it lies in."""
    figure = amount_target(report)
    if figure is None:
        return
    town, place = report.located[0]
    if place is town:
        count = min(len(town.villages), rng.randint(2, 3))
        places = [(town, village) for village in rng.sample(town.villages, count)]
    else:
        places = list(report.located)
    each = rounded(float(figure.value) / len(places), figure.unit, figure.qualifier)
    names = "、".join(place_name(*p) for p in places)
    quote = f"{report.project.title}：在{names}分别{phrase(figure, each)}。"
    report.figures.remove(figure)
    report.figures += [amount_for_places(report, figure, each, [p], quote) for p in places]
    set_funds(report.project, report.figures)


def joint(rng, report):
    """One amount for places in two or three towns of the county together; the project
    lies in all of them."""
    figure = amount_target(report)
    if figure is None:
        return
    wanted = rng.randint(2, 3)
    taken = {town.pk for town, _place in report.located}
    others = [town for town in report.towns if town.pk not in taken]
    for town in rng.sample(others, max(0, wanted - len(taken))):
        place = rng.choice(town.villages) if rng.random() < 0.7 else town
        report.located.append((town, place))
    names = "、".join(place_name(*p) for p in report.located)
    quote = f"{report.project.title}：在{names}共{phrase(figure)}。"
    index = report.figures.index(figure)
    report.figures[index] = amount_for_places(report, figure, figure.value, report.located, quote)


def whole_pairing(rng, report):
    """A figure of the whole pairing the project belongs to, over its year or 一年来."""
    measure, label, unit, low, high = rng.choice(PAIRING_FIGURES)
    year = report.project.start_year
    figure = flow(
        report.source,
        measure,
        label,
        amount(rng, low, high, unit, Qualifier.EXACT),
        unit,
        year,
        scope=Figure.Scope.PAIRING,
        project=report.project,
    )
    words = f"{year}年"
    if rng.random() < 0.5:
        words = "一年来"
        figure.period_start, figure.period_end = one_year_to(rng, min(year + 1, YEARS[-1]))
        figure.period, figure.year = words, None
    figure.quote = f"{words}，两地{phrase(figure)}。"
    report.figures.append(figure)


def added_figure(report, measure, label, unit, value, **fields):
    """A new figure of the project over its start year, with the sentence that says it."""
    project = report.project
    year = project.start_year
    figure = flow(report.source, measure, label, value, unit, year, project=project, **fields)
    figure.quote = f"{project.title}{phrase(figure)}。"
    report.figures.append(figure)
    return figure


def expected(rng, report):
    """预计带动就业: an expected value of a measure the headline totals add."""
    measure, label, unit, low, high = rng.choice(EXPECTED_FIGURES)
    value = amount(rng, low, high, unit, Qualifier.EXACT)
    added_figure(report, measure, label, unit, value, kind=EXPECTED)


def other_unit(rng, report):
    """Training counted in people (培训农村劳动力300人) where the total is in 人次."""
    value = amount(rng, 50, 1500, U.PERSON, Qualifier.EXACT)
    added_figure(report, M.LABOUR_TRAINING, "培训农村劳动力", U.PERSON, value)


def stock(rng, report):
    """截至目前入驻企业5家: a count at a report's date, not over a period."""
    value = Decimal(rng.randint(1, 10))
    figure = added_figure(report, M.ENTERPRISES, "入驻企业", U.ENTERPRISE, value)
    figure.period_kind, figure.period_start, figure.year = Period.STOCK, None, None
    figure.period_end = report_day(rng, min(report.project.start_year + 1, YEARS[-1]))
    figure.period = "截至目前"
    figure.quote = f"截至目前，{figure.quote}"


# Each case with its weight in a hundred projects; None leaves the annual flows alone.
CASES = (
    (None, 81),
    (cumulative, 5),
    (crosses_year, 3),
    (per_place, 3),
    (joint, 2),
    (whole_pairing, 1),
    (unknown_period, 2),
    (expected, 1),
    (other_unit, 1),
    (stock, 1),
)
