"""schema.org JSON-LD of the public pages, for search engines and harvesters.

A list page is a `Dataset` whose distributions are its downloads for the current filters;
a project is a `Project` (schema.org's type for a funded piece of work, with `funder` and
`funding`); a pairing is a `GovernmentService` that the eastern party provides to the
western; regions are `AdministrativeArea`s and organisations `Organization`s of the
fitting subtype. Each page also links its record in the API (`<link rel="alternate">`).

The JSON sits in a `<script type="application/ld+json">` data block, which browsers never
run, so the CSP's script-src does not apply to it. Its text is escaped (<, >, & as \\u
escapes) so that no stored text can close the element.

Builders read only what the page's view has loaded already: no queries of their own.
"""

import json
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cooperation.models import Beneficiary, Organization, ProjectOrganization, Qualifier
from cooperation.models.base import in_english

API = "/api/v1/"
# Query parameters of a list page that the API does not take: paging, sorting, downloads.
PAGE_ONLY_PARAMETERS = ("page", "per_page", "sort", "_export", "table", "labels")
ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
ESCAPES |= {0x2028: "\\u2028", 0x2029: "\\u2029"}

BENEFICIARY_TYPES = {
    Beneficiary.Kind.SCHOOL: "School",
    Beneficiary.Kind.HOSPITAL: "Hospital",
    Beneficiary.Kind.ENTERPRISE: "Organization",
    Beneficiary.Kind.VILLAGE: "Place",
    Beneficiary.Kind.TOWN: "Place",
    Beneficiary.Kind.RELOCATION_SITE: "Place",
}
ORGANIZATION_TYPES = {
    Organization.Kind.GOVERNMENT: "GovernmentOrganization",
    Organization.Kind.HOSPITAL: "Hospital",
    Organization.Kind.SCHOOL: "School",
    Organization.Kind.ENTERPRISE: "Corporation",
    Organization.Kind.SOCIAL: "NGO",
}


def script(data):
    """The data as a JSON-LD element that no text in it can break out of."""
    text = json.dumps(data, ensure_ascii=False, default=number).translate(ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def api_link(path, query=None):
    query = dict(query or {})
    if in_english():
        query["lang"] = "en"
    href = API + path + (f"?{urlencode(query, doseq=True)}" if query else "")
    return format_html('<link rel="alternate" type="application/json" href="{}">', href)


def absolute(request, path):
    return request.build_absolute_uri(path)


def language():
    return "en" if in_english() else "zh-Hans"


def compact(data):
    """The data without empty values, which say nothing."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def thing(kind, record, request, **more):
    return compact(
        {
            "@type": kind,
            "name": str(record),
            "url": absolute(request, record.get_absolute_url()),
            **more,
        }
    )


def place(region, request):
    return thing("AdministrativeArea", region, request)


def organization(record, request):
    return thing(ORGANIZATION_TYPES.get(record.kind, "Organization"), record, request)


def document(kind, **fields):
    return compact(
        {"@context": "https://schema.org", "@type": kind, "inLanguage": language(), **fields}
    )


# Pages ---------------------------------------------------------------------------------


def dataset(context):
    """A list page: its rows as a Dataset, downloadable as each of its files."""
    request, view = context["request"], context["view"]
    data_path = "/en/data/" if in_english() else "/data/"
    publisher = getattr(settings, "OPEN_DATA_PUBLISHER", "") or settings.SITE_PUBLISHER
    data = document(
        "Dataset",
        name=str(context["title"]),
        description=str(context["description"]),
        url=absolute(request, request.get_full_path()),
        isAccessibleForFree=True,
        license=getattr(settings, "OPEN_DATA_LICENSE_URL", ""),
        publisher={"@type": "Organization", "name": publisher} if publisher else None,
        distribution=[
            {
                "@type": "DataDownload",
                "name": f"{download.title} ({file.extension.upper()})",
                "encodingFormat": file.content_type.split(";")[0],
                "contentUrl": absolute(request, file.url),
            }
            for download in context["downloads"]
            for file in download.files
        ],
        includedInDataCatalog={"@type": "DataCatalog", "url": absolute(request, data_path)},
    )
    filters = [
        (name, value)
        for name, value in request.GET.items()
        if name not in PAGE_ONLY_PARAMETERS and value and not context["filters_invalid"]
    ]
    return data, api_link(f"{view.export_tables[0].name}/", filters)


def amount(project):
    """The project's funds as a MonetaryAmount: "at least" amounts as a minimum."""
    if project.funds is None:
        return None
    lower_bound = project.funds_qualifier in (Qualifier.AT_LEAST, Qualifier.MORE_THAN)
    value = "minValue" if lower_bound else "value"
    return {"@type": "MonetaryAmount", "currency": "CNY", value: project.funds}


def project(context):
    request, record = context["request"], context["project"]
    funders = [
        organization(role.organization, request)
        for role in context["roles"]
        if role.role == ProjectOrganization.Role.FUNDER
    ]
    pairing = context.get("pairing")
    completed = record.work_status == record.WorkStatus.COMPLETED
    data = document(
        "Project",
        name=record.translated("title"),
        description=record.translated("summary") or record.translated("description"),
        url=absolute(request, record.get_absolute_url()),
        identifier=record.slug,
        keywords=record.get_category_display(),
        location=[place(region, request) for region, _ancestors in context["locations"]],
        funder=funders,
        sponsor=party(pairing, "east", request) if pairing else None,
        funding=compact({"@type": "MonetaryGrant", "amount": amount(record), "funder": funders})
        if record.funds is not None
        else None,
        foundingDate=str(record.start_year or ""),
        dissolutionDate=str(record.end_year or "") if completed else None,
    )
    return data, api_link(f"projects/{record.pk}")


def party(pairing, side, request):
    """One side of a pairing: its organisation, or its place's government named as the
    pairing names it (a count where the source only counts the parties)."""
    record = getattr(pairing, f"{side}_organization")
    if record is not None:
        return organization(record, request)
    region = getattr(pairing, f"{side}_region")
    label = getattr(pairing, f"{side}_label")
    area = place(region, request) if region is not None else None
    return compact({"@type": "GovernmentOrganization", "name": label, "areaServed": area})


def pairing(context):
    request, record = context["request"], context["pairing"]
    west = record.west_region
    data = document(
        "GovernmentService",
        name=str(record),
        description=record.translated("description"),
        url=absolute(request, record.get_absolute_url()),
        serviceType=record.get_level_display(),
        provider=party(record, "east", request),
        areaServed=place(west, request) if west is not None else None,
        audience={"@type": "Audience", "name": record.west_label},
    )
    return data, api_link(f"pairings/{record.pk}")


def beneficiary(context):
    request, record = context["request"], context["beneficiary"]
    kind = BENEFICIARY_TYPES.get(record.kind, "Audience")
    region = place(record.region, request) if record.region_id else None
    where = {"Place": "containedInPlace", "Audience": "geographicArea"}.get(kind, "location")
    data = document(
        kind,
        name=record.translated("name"),
        description=record.translated("description"),
        url=absolute(request, record.get_absolute_url()),
        **{where: region},
    )
    return data, api_link(f"beneficiaries/{record.pk}")


def region(context):
    request, record = context["request"], context["region"]
    data = document(
        "AdministrativeArea",
        name=record.translated("name"),
        alternateName=record.translated("short_name"),
        url=absolute(request, record.get_absolute_url()),
        identifier=record.division_code,
    )
    return data, api_link(f"regions/{record.pk}")


def organization_page(context):
    request, record = context["request"], context["organization"]
    data = document(
        ORGANIZATION_TYPES.get(record.kind, "Organization"),
        name=record.translated("name"),
        alternateName=record.translated("short_name"),
        description=record.translated("description"),
        url=absolute(request, record.get_absolute_url()),
        location=place(record.region, request) if record.region_id else None,
        parentOrganization=organization(record.parent, request) if record.parent_id else None,
    )
    return data, api_link(f"organizations/{record.pk}")


PAGES = {
    "dataset": dataset,
    "project": project,
    "pairing": pairing,
    "beneficiary": beneficiary,
    "region": region,
    "organization": organization_page,
}


def for_page(kind, context):
    """The page's JSON-LD element and its API link, for {% json_ld kind %}."""
    data, link = PAGES[kind](context)
    return script(data) + mark_safe("\n") + link
