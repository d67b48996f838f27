"""The east→west flow diagram's data (cooperation.flows): the same parties and bands as the
home page and the region pages draw, each with its exact value, qualifier and the portal
page of its breakdown, so that a chart made from the API shows the pages' numbers."""

from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from cooperation.api.amounts import Amount
from cooperation.api.operations import absolute, extra, responses, speaking
from cooperation.api.schemas import Lang, RecordId
from cooperation.api.totals import HeadlineKey, LangQuery, YearQuery
from cooperation.flows import DEFAULT_FLOW, LEVELS, NATIONAL, diagram, flow_scopes
from cooperation.models import Region
from portal.page_cache import depends_on

router = Router(tags=["flows"])
FlowLevel = Literal[LEVELS]


class Valued(Schema):
    value: Amount | None = Field(description="The total the rules add; null if none adds.")
    qualifier: str = Field(description="exact, at_least, about, more_than or less_than.")
    unit: str
    text: str = Field(description="The value with its qualifier and unit, as the page shows.")
    period_label: str
    count: int = Field(description="How many figures were added.")
    url: str = Field(description="The breakdown page: which figures were added, which not.")


class PartyOut(Valued):
    id: int = Field(description="The region's id.")
    name: str
    side: str = Field(description="east or west.")
    page_url: str = Field(description="The region's page, with its diagram one level down.")


class BandOut(Valued):
    from_id: int = Field(description="The eastern region's id.")
    from_name: str
    to_id: int = Field(description="The western region's id.")
    to_name: str


class FlowsOut(Schema):
    lang: Lang
    level: str = Field(description="national, or the level of the region viewed.")
    region_id: int | None
    flow: str
    label: str
    measure: str
    unit: str
    year: int | None
    east: list[PartyOut]
    west: list[PartyOut]
    bands: list[BandOut]


def valued(request, total):
    return {
        "value": total.value,
        "qualifier": total.qualifier,
        "unit": total.headline.unit,
        "text": total.text if total.value is not None else _("无可加总数据"),
        "period_label": str(total.period_label),
        "count": total.count,
        "url": absolute(request, total.breakdown_url),
    }


def party_out(request, party):
    return {
        **valued(request, party.total),
        "id": party.region.pk,
        "name": party.name,
        "side": party.side,
        "page_url": absolute(request, party.page_url),
    }


def band_out(request, band):
    return {
        **valued(request, band.total),
        "from_id": band.east.region.pk,
        "from_name": band.east.name,
        "to_id": band.west.region.pk,
        "to_name": band.west.name,
    }


def viewed_region(level, region):
    """The region the view is of, or None for the national view (level=national, or no
    region). The region decides the view's level, as on its page; the answer's `level`
    says which view it is."""
    if region is None or level == NATIONAL:
        return None
    return get_object_or_404(Region, pk=region)


LevelQuery = Query(
    None, description="national: the national view, whatever `region`; else that of `region`."
)
RegionQuery = Query(None, description="The region viewed (id): its parties one level down.")
FlowQuery = Query(DEFAULT_FLOW, description="Which headline total the bands are.")


@router.get(
    "/flows/",
    response=responses(FlowsOut),
    openapi_extra=extra(),
    summary="The east→west flow diagram: each pair of parties and its total",
)
def flow_list(
    request,
    level: FlowLevel | None = LevelQuery,
    region: RecordId | None = RegionQuery,
    flow: HeadlineKey = FlowQuery,
    year: int | None = YearQuery,
    lang: Lang = LangQuery,
):
    place = viewed_region(level, region)
    depends_on(request, *flow_scopes(place))
    with speaking(lang):
        view = diagram(place, flow, year)
        headline = view.headline
        return {
            "lang": lang,
            "level": view.level,
            "region_id": place.pk if place else None,
            "flow": view.flow,
            "label": str(headline.label),
            "measure": headline.measure,
            "unit": headline.unit,
            "year": year,
            "east": [party_out(request, party) for party in view.east],
            "west": [party_out(request, party) for party in view.west],
            "bands": [band_out(request, band) for band in view.bands],
        }
