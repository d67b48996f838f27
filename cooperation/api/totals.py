"""The computed totals and their breakdowns, made by the same rules and from the same
sets of figures as the home page, the region and pairing pages and the breakdown pages
(cooperation.totals, cooperation.attribution), so that the API's numbers are the pages'.

Without a place, a pairing or a category they are the programme's: the home page's
headline cards. Only one of region, pairing and category applies, in that order, as on
the breakdown page."""

import datetime
from typing import Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema
from pydantic import Field

from cooperation.api.amounts import Amount
from cooperation.api.answers import figure_out, figures
from cooperation.api.operations import LANG_NOTE, absolute, extra, responses, speaking
from cooperation.api.pagination import CursorQuery, LimitQuery, decode_cursor, encode_cursor
from cooperation.api.pagination import next_url as next_page_url
from cooperation.api.schemas import FigureOut, Lang, RecordId, codes
from cooperation.attribution import FiguresOf
from cooperation.counting import NAMES, TOTALS, YEARS, summary
from cooperation.models import Figure, Pairing, Project, Region
from cooperation.models.base import FIRST_YEAR, LAST_YEAR
from cooperation.totals import HEADLINE_BY_KEY, HEADLINES, Reason, breakdown, headline_totals
from portal.page_cache import depends_on

router = Router(tags=["totals"])
# Totals of any region, pairing or category: the programme's figures and the region tree.
TOTALS_SCOPES = (TOTALS, YEARS, "list:region", *NAMES)
HeadlineKey = Literal[tuple(HEADLINE_BY_KEY)]
ReasonCode = Literal[("added", *(code for code in Reason.values if code))]


class GroupOut(Schema):
    reason: str = Field(description="`added`, or why these figures are shown beside the total.")
    qualifier: str
    value: Amount
    count: int
    unknown_period_count: int
    period_start: datetime.date | None
    period_end: datetime.date | None


class TotalOut(Schema):
    key: str
    label: str
    measure: str
    unit: str
    value: Amount | None = Field(description="The sum of the added figures; null if none.")
    qualifier: str
    count: int
    period_label: str
    year: int | None
    where: dict[str, str | int]
    added: list[GroupOut]
    beside: list[GroupOut]
    url: str = Field(description="The total's breakdown page on the portal.")
    api_url: str


class TotalsOut(Schema):
    lang: Lang
    results: list[TotalOut]


class BreakdownFigure(FigureOut):
    reason: str


class BreakdownOut(Schema):
    lang: Lang
    total: TotalOut
    next: str | None
    figures: list[BreakdownFigure]


class Scope(FiguresOf):
    """The figures a total is of, from the query parameters, as the breakdown page reads
    them; a region or pairing that is not there (or not published) is a 404."""

    def __init__(self, year, region, pairing, category):
        self.year = year
        region = get_object_or_404(Region, pk=region) if region is not None else None
        if region is None and pairing is not None:
            pairing = get_object_or_404(Pairing.objects.published(), pk=pairing)
        else:
            pairing = None
        super().__init__(region, pairing, category)

    def totals(self, headlines=HEADLINES):
        where = "&".join(f"{key}={value}" for key, value in self.where.items())
        keys = ",".join(headline.key for headline in headlines)
        return summary(
            f"api-totals:{keys}:{self.year}:{where}",
            lambda: headline_totals(self.sets(), self.year, headlines, self.where),
            TOTALS_SCOPES,
        )


def group_out(group):
    return {
        "reason": group.reason or "added",
        "qualifier": group.qualifier,
        "value": group.value,
        "count": group.count,
        "unknown_period_count": group.unknown,
        "period_start": group.first,
        "period_end": group.last,
    }


def total_out(request, total):
    query = {**total.where, **({"year": total.year} if total.year else {})}
    api_url = reverse("api:total-detail", kwargs={"key": total.headline.key})
    api_query = "&".join(f"{key}={value}" for key, value in query.items())
    return {
        "key": total.headline.key,
        "label": str(total.headline.label),
        "measure": total.headline.measure,
        "unit": total.headline.unit,
        "value": total.value,
        "qualifier": total.qualifier,
        "count": total.count,
        "period_label": str(total.period_label),
        "year": total.year,
        "where": total.where,
        "added": [group_out(group) for group in total.added],
        "beside": [group_out(group) for group in total.beside],
        "url": absolute(request, total.breakdown_url),
        "api_url": absolute(request, f"{api_url}?{api_query}" if api_query else api_url),
    }


YearQuery = Query(None, ge=FIRST_YEAR, le=LAST_YEAR, description="Flows within this year only.")
RegionQuery = Query(None, description="The total of a region and the places below it (id).")
PairingQuery = Query(None, description="The total of a published pairing (id).")
CategoryQuery = Query(None, description="The total of the projects of one category.")
LangQuery = Query("zh-hans", description=LANG_NOTE)
ReasonQuery = Query(
    None, description="Only the figures added (`added`) or left out for this reason."
)


@router.get(
    "/totals/",
    response=responses(TotalsOut),
    openapi_extra=extra(),
    summary="The headline totals, as the home page (or a region or pairing page) shows them",
)
def total_list(
    request,
    year: int | None = YearQuery,
    region: RecordId | None = RegionQuery,
    pairing: RecordId | None = PairingQuery,
    category: codes(Project.Category) | None = CategoryQuery,
    lang: Lang = LangQuery,
):
    depends_on(request, *TOTALS_SCOPES)
    scope = Scope(year, region, pairing, category)
    with speaking(lang):
        return {"lang": lang, "results": [total_out(request, t) for t in scope.totals()]}


# A breakdown is read in the order of the figures' index, by kind and then id (as the
# breakdown page reads it), so that a page is found without classifying every figure. Its
# cursor holds both: the kind's rank above ID_BITS, the id below.
KINDS = sorted(Figure.Kind.values)
ID_BITS = 44


def breakdown_cursor(row):
    return encode_cursor(KINDS.index(row["kind"]) << ID_BITS | row["ref"])


def kind_and_id(value):
    rank, last_id = divmod(value, 1 << ID_BITS)
    return (KINDS[rank], last_id) if rank < len(KINDS) else (None, 0)


def past(after):
    """The figures after the cursor's (kind, id); none after a cursor past the last kind."""
    if after is None:
        return Q()
    kind, last_id = after
    if kind is None:
        return Q(pk__in=[])
    return Q(kind__gt=kind) | Q(kind=kind, pk__gt=last_id)


@router.get(
    "/totals/{key}",
    response=responses(BreakdownOut),
    openapi_extra=extra(),
    url_name="total-detail",
    summary="One total and the figures it added or left out, with the reason for each",
)
def total_detail(
    request,
    key: HeadlineKey,
    year: int | None = YearQuery,
    region: RecordId | None = RegionQuery,
    pairing: RecordId | None = PairingQuery,
    category: codes(Project.Category) | None = CategoryQuery,
    reason: ReasonCode | None = ReasonQuery,
    cursor: str | None = CursorQuery,
    limit: int = LimitQuery,
    lang: Lang = LangQuery,
):
    headline = HEADLINE_BY_KEY[key]
    depends_on(request, *TOTALS_SCOPES)
    scope = Scope(year, region, pairing, category)
    after = kind_and_id(decode_cursor(cursor)) if cursor else None
    sets = [figure_set.filter(past(after)) for figure_set in scope.sets()]
    chosen = None if reason is None else ("" if reason == "added" else reason)
    rows = list(breakdown(headline, sets, year, chosen)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    by_pk = figures().in_bulk([row["ref"] for row in rows])
    with speaking(lang):
        listed = [
            {**figure_out(request, by_pk[row["ref"]]), "reason": row["reason"] or "added"}
            for row in rows
        ]
        return {
            "lang": lang,
            "total": total_out(request, scope.totals([headline])[0]),
            "next": next_page_url(request, breakdown_cursor(rows[-1])) if more else None,
            "figures": listed,
        }
