"""The figures of a synthetic project: funds (sometimes in two tranches), the figures its
category reports, and the parts of job figures (其中脱贫劳动力). Most are flows over the
calendar year the project starts in; some are expected values; their qualifiers and
rounding are those of report text (2750多万元, 50余万元). The rows are written without
Figure.save, so `year` and `pairing` are set here, and the project's cached funds with them.
"""

import functools
import itertools
from decimal import Decimal

from cooperation.models import Figure, Project, Qualifier
from cooperation.models.periods import Period, year_flow
from cooperation.models.projects import own_funds
from cooperation.synthetic.rows import make
from cooperation.synthetic.vocabulary import YEARS

M, U = Figure.Measure, Figure.Unit
ACTUAL, EXPECTED = Figure.Kind.ACTUAL, Figure.Kind.EXPECTED

# Figures of a project by category: share of projects, measure, label, unit, kind, range.
PROJECT_FIGURES = {
    Project.Category.INDUSTRY: [
        (0.4, M.INVESTMENT, "实际到位投资", U.YUAN, ACTUAL, 5e6, 3e8),
        (0.5, M.OUTPUT_VALUE, "预计年产值", U.YUAN, EXPECTED, 1e6, 1e8),
        (0.2, M.OUTPUT, "预计年产量", U.JIN, EXPECTED, 1e5, 5e6),
        (0.7, M.JOBS, "吸纳农村劳动力就业", U.PERSON, ACTUAL, 10, 600),
    ],
    Project.Category.WORKSHOP: [
        (1.0, M.WORKSHOPS, "援建帮扶车间", U.ITEM, ACTUAL, 1, 10),
        (0.9, M.JOBS, "帮助农村劳动力就业", U.PERSON, ACTUAL, 10, 600),
    ],
    Project.Category.LABOUR: [
        (1.0, M.LABOUR_TRAINING, "培训农村劳动力", U.PERSON_TIME, ACTUAL, 50, 1500),
        (0.7, M.LABOUR_TRAINING_SESSIONS, "举办劳务协作培训班", U.SESSION, ACTUAL, 1, 20),
        (0.5, M.JOBS, "帮助农村劳动力就业", U.PERSON, ACTUAL, 10, 600),
    ],
    Project.Category.CONSUMPTION: [
        (1.0, M.SALES, "消费帮扶销售额", U.YUAN, ACTUAL, 1e5, 5e7),
    ],
    Project.Category.TALENT: [
        (1.0, M.TECHNICAL_STAFF, "选派专业技术人才", U.PERSON, ACTUAL, 1, 50),
        (0.5, M.TECHNICAL_TRAINING, "专业技术人才培训", U.PERSON_TIME, ACTUAL, 50, 2000),
    ],
    Project.Category.EDUCATION: [
        (0.8, M.PEOPLE, "受益学生", U.PERSON, ACTUAL, 100, 5000),
    ],
    Project.Category.HEALTH: [
        (0.8, M.PEOPLE, "受益群众", U.PERSON, ACTUAL, 500, 20000),
        (0.4, M.TECHNICAL_STAFF, "派驻医务人员", U.PERSON, ACTUAL, 2, 20),
    ],
    Project.Category.RURAL: [
        (0.7, M.PEOPLE, "受益群众", U.PERSON, ACTUAL, 200, 5000),
        (0.2, M.OUTPUT_VALUE, "预计年综合收入", U.YUAN, EXPECTED, 1e6, 3e7),
    ],
    Project.Category.INVESTMENT: [
        (1.0, M.INVESTMENT, "实际到位投资", U.YUAN, ACTUAL, 1e7, 5e8),
        (0.6, M.ENTERPRISES, "引进落地企业", U.ENTERPRISE, ACTUAL, 1, 3),
        (0.6, M.OUTPUT_VALUE, "预计年产值", U.YUAN, EXPECTED, 1e7, 3e8),
        (0.6, M.JOBS, "吸纳农村劳动力就业", U.PERSON, ACTUAL, 10, 600),
    ],
}

FUNDS_LABELS = ["帮扶资金", "东西部协作资金", "财政援助资金"]

# Qualifiers of approximate figures: "2750多万元", "50余万元", "约10人".
QUALIFIERS = (
    (Qualifier.EXACT, 85),
    (Qualifier.AT_LEAST, 8),
    (Qualifier.MORE_THAN, 5),
    (Qualifier.ABOUT, 2),
)

# Measures a report sums up since a start: 累计投入资金, 累计带动就业, 累计销售.
CUMULATIVE_MEASURES = {M.ASSISTANCE_FUNDS, M.INVESTMENT, M.JOBS, M.SALES, M.LABOUR_TRAINING}

# Expected values of measures the headline totals add: measure, label, unit, range.
EXPECTED_FIGURES = [
    (M.JOBS, "预计带动农村劳动力就业", U.PERSON, 20, 800),
    (M.SALES, "预计年销售额", U.YUAN, 1e6, 5e7),
]

# What a project's report may say about its whole pairing: measure, label, unit, range.
# Never funds, which would go into the project's own cached funds.
PAIRING_FIGURES = [
    (M.LABOUR_TRAINING_SESSIONS, "举办东西部劳务协作培训班", U.SESSION, 5, 30),
    (M.LABOUR_TRAINING, "培训农村劳动力", U.PERSON_TIME, 300, 1500),
    (M.JOBS, "帮助农村劳动力就业", U.PERSON, 2000, 8000),
    (M.SALES, "消费帮扶销售额", U.YUAN, 50_000_000, 300_000_000),
]


def log_uniform(rng, low, high):
    return low * (high / low) ** rng.random()


def amount(rng, low, high, unit, qualifier):
    return rounded(log_uniform(rng, low, high), unit, qualifier)


def rounded(value, unit, qualifier):
    """A value rounded the way sources write it."""
    if unit == U.YUAN:
        if qualifier == Qualifier.EXACT:
            return Decimal(int(round(value, -2)))  # 305.65万元
        step = 100_000 if value >= 10_000_000 else 10_000  # 2750多万元, 50余万元
        return Decimal(max(step, round(value / step) * step))
    if qualifier != Qualifier.EXACT and value >= 20:
        return Decimal(round(value, -1))
    return Decimal(max(1, round(value)))


@functools.cache
def _cumulative(weighted):
    values, weights = zip(*weighted, strict=True)
    return values, list(itertools.accumulate(weights))


def pick(rng, weighted):
    """One value of a tuple of (value, weight) pairs, drawn by weight."""
    values, cumulative = _cumulative(weighted)
    return rng.choices(values, cum_weights=cumulative)[0]


def flow(source, measure, label, value, unit, year, **fields):
    """A flow over the calendar year."""
    start, end = year_flow(year)
    figure = make(
        Figure,
        measure=measure,
        label=label,
        value=value,
        unit=unit,
        year=year,
        period_kind=Period.FLOW,
        period_start=start,
        period_end=end,
        source=source,
        **fields,
    )
    # bulk_create does not call Figure.save, which derives it.
    figure.pairing_id = figure.owner_pairing_id()
    return figure


def set_funds(project, figures):
    """The project's cached funds, as Project.update_funds reads them."""
    value, qualifier = own_funds(
        (f.value, f.qualifier, f.unit, f.kind, f.scope, f.period_kind, f.part_of)
        for f in figures
        if f.measure == M.ASSISTANCE_FUNDS
    )
    if value is not None:
        project.funds, project.funds_qualifier = value, qualifier


def project_figures(rng, source, project, category, year):
    """The project's figures and their parts (其中), with its cached funds set."""
    figures, parts = [], []
    if rng.random() < 0.85:
        total = log_uniform(rng, 100_000, 30_000_000)
        # Some projects get a second tranche the next year: "2024年追加帮扶资金".
        tranches = [(year, rng.choice(FUNDS_LABELS), 1.0)]
        if total >= 500_000 and year < YEARS[-1] and rng.random() < 0.25:
            tranches = [
                (year, tranches[0][1], 0.6),
                (year + 1, f"{year + 1}年追加帮扶资金", 0.4),
            ]
        for tranche_year, label, share in tranches:
            qualifier = pick(rng, QUALIFIERS)
            value = rounded(total * share, U.YUAN, qualifier)
            figures.append(
                flow(
                    source,
                    M.ASSISTANCE_FUNDS,
                    label,
                    value,
                    U.YUAN,
                    tranche_year,
                    qualifier=qualifier,
                    project=project,
                )
            )
    set_funds(project, figures)
    for share, measure, label, unit, kind, low, high in PROJECT_FIGURES[category]:
        if rng.random() >= share:
            continue
        qualifier = pick(rng, QUALIFIERS) if kind == ACTUAL else Qualifier.EXACT
        value = amount(rng, low, high, unit, qualifier)
        whole = flow(
            source,
            measure,
            label,
            value,
            unit,
            year,
            qualifier=qualifier,
            kind=kind,
            project=project,
        )
        figures.append(whole)
        if measure == M.JOBS and whole.value >= 20 and rng.random() < 0.3:
            part = Decimal(int(whole.value * Decimal(rng.uniform(0.2, 0.8))))
            parts.append(
                flow(
                    source,
                    measure,
                    "其中脱贫劳动力",
                    part,
                    unit,
                    year,
                    part_of=whole,
                    project=project,
                )
            )
    return figures, parts
