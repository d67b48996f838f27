"""The published records, one list and one detail operation per kind.

Each list filters as its public list does (cooperation.filters) or by the plain fields
its query parameters name, and is read a page at a time in the order of the ids
(cooperation.api.pagination), with a fixed number of queries however long the page."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router

import cooperation.api.schemas as schemas
from cooperation.api.answers import (
    beneficiaries,
    beneficiary_out,
    figure_out,
    figures,
    organization_out,
    pairing_out,
    pairings,
    project_out,
    projects,
    region_out,
    source_out,
)
from cooperation.api.filtering import filter_parameters, filtered
from cooperation.api.operations import LANG_NOTE, absolute, extra, responses, speaking
from cooperation.api.pagination import CursorQuery, LimitQuery, page
from cooperation.api.schemas import Lang, RecordId, codes
from cooperation.counting import FUNDS, NAMES
from cooperation.filters import BeneficiaryFilter, PairingFilter, ProjectFilter
from cooperation.invalidation import page_scopes
from cooperation.models import (
    Figure,
    Organization,
    Project,
    Region,
    Side,
    Source,
)
from portal.page_cache import depends_on

router = Router(tags=["records"])
LangQuery = Query("zh-hans", description=LANG_NOTE)
InRegionQuery = Query(None, description="Organisations in this region (its id).")
ParentQuery = Query(None, description="Regions directly below this one (its id).")
YearQuery = Query(None, description="Flows within this calendar year.")


LISTS = {
    "projects": "api:project-list",
    "pairings": "api:pairing-list",
    "beneficiaries": "api:beneficiary-list",
    "organizations": "api:organization-list",
    "regions": "api:region-list",
    "sources": "api:source-list",
    "figures": "api:figure-list",
    "totals": "api:total-list",
}


@router.get("/", response=responses(schemas.Index), openapi_extra=extra(), summary="What is here")
def index(request):
    return {
        "version": "1",
        "openapi": absolute(request, reverse("api:openapi-json")),
        "docs": absolute(request, reverse("api:openapi-view")),
        "lists": {name: absolute(request, reverse(url_name)) for name, url_name in LISTS.items()},
        "iati_activities": absolute(request, reverse("iati-activities")),
    }


def listing(request, records, cursor, limit, lang, out):
    depends_on(request, f"list:{records.model._meta.model_name}", "list:region", *NAMES)
    if records.model is Project:
        depends_on(request, FUNDS)  # ProjectOut.funds
    with speaking(lang):
        rows, next_page = page(request, records, cursor, limit)
        return {"next": next_page, "lang": lang, "results": [out(request, r) for r in rows]}


def detail(request, records, pk, lang, out):
    record = get_object_or_404(records, pk=pk)
    depends_on(request, *page_scopes(record))
    with speaking(lang):
        return out(request, record)


@router.get(
    "/projects/",
    response=responses(schemas.ProjectPage),
    openapi_extra=extra(filter_parameters(ProjectFilter)),
    summary="Published projects, filtered as the project list is",
)
def project_list(
    request, cursor: str | None = CursorQuery, limit: int = LimitQuery, lang: Lang = LangQuery
):
    with speaking(lang):
        records = filtered(ProjectFilter, request, projects())
    return listing(request, records, cursor, limit, lang, project_out)


@router.get(
    "/projects/{id}",
    response=responses(schemas.ProjectOut),
    openapi_extra=extra(),
    summary="One published project",
)
def project_detail(request, id: RecordId, lang: Lang = LangQuery):
    return detail(request, projects(), id, lang, project_out)


@router.get(
    "/pairings/",
    response=responses(schemas.PairingPage),
    openapi_extra=extra(filter_parameters(PairingFilter)),
    summary="Published pairings, filtered as the pairing list is",
)
def pairing_list(
    request, cursor: str | None = CursorQuery, limit: int = LimitQuery, lang: Lang = LangQuery
):
    with speaking(lang):
        records = filtered(PairingFilter, request, pairings())
    return listing(request, records, cursor, limit, lang, pairing_out)


@router.get(
    "/pairings/{id}",
    response=responses(schemas.PairingOut),
    openapi_extra=extra(),
    summary="One published pairing",
)
def pairing_detail(request, id: RecordId, lang: Lang = LangQuery):
    return detail(request, pairings(), id, lang, pairing_out)


@router.get(
    "/beneficiaries/",
    response=responses(schemas.BeneficiaryPage),
    openapi_extra=extra(filter_parameters(BeneficiaryFilter)),
    summary="Published beneficiaries, filtered as the beneficiary list is",
)
def beneficiary_list(
    request, cursor: str | None = CursorQuery, limit: int = LimitQuery, lang: Lang = LangQuery
):
    with speaking(lang):
        records = filtered(BeneficiaryFilter, request, beneficiaries())
    return listing(request, records, cursor, limit, lang, beneficiary_out)


@router.get(
    "/beneficiaries/{id}",
    response=responses(schemas.BeneficiaryOut),
    openapi_extra=extra(),
    summary="One published beneficiary",
)
def beneficiary_detail(request, id: RecordId, lang: Lang = LangQuery):
    return detail(request, beneficiaries(), id, lang, beneficiary_out)


@router.get(
    "/organizations/",
    response=responses(schemas.OrganizationPage),
    openapi_extra=extra(),
    summary="Organisations",
)
def organization_list(
    request,
    kind: codes(Organization.Kind) | None = None,
    region: RecordId | None = InRegionQuery,
    cursor: str | None = CursorQuery,
    limit: int = LimitQuery,
    lang: Lang = LangQuery,
):
    records = Organization.objects.select_related("source")
    if kind:
        records = records.filter(kind=kind)
    if region is not None:
        records = records.filter(region=region)
    return listing(request, records, cursor, limit, lang, organization_out)


@router.get(
    "/organizations/{id}",
    response=responses(schemas.OrganizationOut),
    openapi_extra=extra(),
    summary="One organisation",
)
def organization_detail(request, id: RecordId, lang: Lang = LangQuery):
    return detail(
        request, Organization.objects.select_related("source"), id, lang, organization_out
    )


@router.get(
    "/regions/", response=responses(schemas.RegionPage), openapi_extra=extra(), summary="Regions"
)
def region_list(
    request,
    level: codes(Region.Level) | None = None,
    side: codes(Side) | None = None,
    parent: RecordId | None = ParentQuery,
    cursor: str | None = CursorQuery,
    limit: int = LimitQuery,
    lang: Lang = LangQuery,
):
    records = Region.objects.select_related("source")
    for name, value in (("level", level), ("side", side), ("parent", parent)):
        if value is not None:
            records = records.filter(**{name: value})
    return listing(request, records, cursor, limit, lang, region_out)


@router.get(
    "/regions/{id}",
    response=responses(schemas.RegionOut),
    openapi_extra=extra(),
    summary="One region",
)
def region_detail(request, id: RecordId, lang: Lang = LangQuery):
    return detail(request, Region.objects.select_related("source"), id, lang, region_out)


@router.get(
    "/sources/", response=responses(schemas.SourcePage), openapi_extra=extra(), summary="Sources"
)
def source_list(
    request, cursor: str | None = CursorQuery, limit: int = LimitQuery, lang: Lang = LangQuery
):
    return listing(request, Source.objects.all(), cursor, limit, lang, source_out)


@router.get(
    "/sources/{id}",
    response=responses(schemas.SourceOut),
    openapi_extra=extra(),
    summary="One source",
)
def source_detail(request, id: RecordId, lang: Lang = LangQuery):
    return detail(request, Source.objects.all(), id, lang, source_out)


@router.get(
    "/figures/",
    response=responses(schemas.FigurePage),
    openapi_extra=extra(),
    summary="Published figures with their sources",
)
def figure_list(
    request,
    measure: codes(Figure.Measure) | None = None,
    kind: codes(Figure.Kind) | None = None,
    year: int | None = YearQuery,
    project: RecordId | None = None,
    pairing: RecordId | None = None,
    beneficiary: RecordId | None = None,
    source: RecordId | None = None,
    cursor: str | None = CursorQuery,
    limit: int = LimitQuery,
    lang: Lang = LangQuery,
):
    records = figures()
    chosen = {
        "measure": measure,
        "kind": kind,
        "year": year,
        "project": project,
        "pairing": pairing,
        "beneficiary": beneficiary,
        "source": source,
    }
    records = records.filter(**{name: value for name, value in chosen.items() if value is not None})
    return listing(request, records, cursor, limit, lang, figure_out)


@router.get(
    "/figures/{id}",
    response=responses(schemas.FigureOut),
    openapi_extra=extra(),
    summary="One published figure",
)
def figure_detail(request, id: RecordId, lang: Lang = LangQuery):
    return detail(request, figures(), id, lang, figure_out)
