"""The bulk download (/data/): its page, its files and its DCAT catalogue.

The files are served from the last build in settings.OPEN_DATA_DIR (cooperation/opendata.py)
under the names that build wrote, and no others; each answer carries the build's ETag and
Last-Modified, so that a client re-downloads only after a new build.
"""

import functools

from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from cooperation import opendata
from cooperation.models.base import in_english
from cooperation.views.pages import crumb

API_ROOT = "/api/v1/"
API_SCHEMA = "/api/v1/openapi.json"
DATA_PACKAGE_SPEC = "https://specs.frictionlessdata.io/tabular-data-package/"


class OpenDataView(TemplateView):
    template_name = "cooperation/data.html"

    def get_context_data(self, **kwargs):
        dictionary = data_dictionary(in_english())
        build = opendata.last_build()
        titles = {f"{table['name']}.csv": table["title"] for table in dictionary}
        return super().get_context_data(
            build=build,
            files=[(download, titles.get(download.name, "")) for download in build.files]
            if build
            else [],
            dictionary=dictionary,
            licence_name=settings.OPEN_DATA_LICENSE_NAME,
            licence_url=settings.OPEN_DATA_LICENSE_URL,
            publisher=settings.OPEN_DATA_PUBLISHER,
            text_mark=opendata.TEXT_MARK,
            package_name=opendata.PACKAGE,
            zip_name=opendata.ZIP,
            api_root=API_ROOT if serves(API_ROOT) else "",
            breadcrumbs=[crumb(_("数据下载"))],
            **kwargs,
        )


@functools.lru_cache(maxsize=2)
def data_dictionary(english):
    """Each table and its columns, titled in the page's language."""
    from cooperation.opendata_tables import build_tables

    side = 1 if english else 0
    return [
        {
            "name": table.name,
            "title": table.title[side],
            "description": table.description[side],
            "columns": [
                {
                    "name": column.name,
                    "type": column.type,
                    "title": column.title[side],
                    "description": column.description[side],
                    "references": column.references,
                }
                for column in table.columns
            ],
        }
        for table in build_tables()
    ]


def serves(path):
    """Whether the portal answers at the path (the API is another part of the portal)."""
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def open_data_file(request, name):
    build = opendata.last_build()
    download = build.file(name) if build is not None else None
    if download is None or "/" in name or name.startswith("."):
        raise Http404(_("没有这个文件。"))
    etag = f'"{build.build_id}-{download.name}"'
    last_modified = build.created.timestamp()
    not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if not_modified is not None:
        return not_modified
    try:
        content = (build.directory / download.name).open("rb")
    except OSError:
        raise Http404(_("没有这个文件。")) from None
    response = FileResponse(
        content,
        as_attachment=download.name != opendata.PACKAGE,
        filename=download.name,
        content_type=download.media_type,
    )
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    return response


def catalog(request):
    """A DCAT catalogue of the bulk download (JSON-LD): one dataset, a distribution for the
    zip, the datapackage.json and each CSV, and the API as a data service."""
    build = opendata.last_build()
    absolute = request.build_absolute_uri
    dataset_id = absolute(reverse("cooperation:open-data")) + "#dataset"
    dataset = {
        "@id": dataset_id,
        "@type": "dcat:Dataset",
        "dct:title": languages(opendata.PACKAGE_TITLE),
        "dct:description": languages(opendata.PACKAGE_DESCRIPTION),
        "dcat:landingPage": {"@id": absolute(reverse("cooperation:open-data"))},
        "dcat:distribution": [],
    }
    catalogue = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": absolute(reverse("open-data-catalog")),
        "@type": "dcat:Catalog",
        "dct:title": languages(opendata.PACKAGE_TITLE),
        "dct:description": languages(opendata.PACKAGE_DESCRIPTION),
        "dcat:dataset": [dataset],
    }
    if settings.OPEN_DATA_PUBLISHER:
        publisher = {"@type": "foaf:Agent", "foaf:name": settings.OPEN_DATA_PUBLISHER}
        catalogue["dct:publisher"] = dataset["dct:publisher"] = publisher
    if settings.OPEN_DATA_LICENSE_URL:
        dataset["dct:license"] = {"@id": settings.OPEN_DATA_LICENSE_URL}
    elif settings.OPEN_DATA_LICENSE_NAME:
        dataset["dct:license"] = {
            "@type": "dct:LicenseDocument",
            "dct:title": settings.OPEN_DATA_LICENSE_NAME,
        }
    if build is not None:
        dataset["dct:modified"] = {"@value": build.created.isoformat(), "@type": "xsd:dateTime"}
        dataset["dct:identifier"] = build.data_version
        dataset["dcat:distribution"] = [distribution(request, build, f) for f in build.files]
    if serves(API_ROOT):
        catalogue["dcat:service"] = [
            {
                "@type": "dcat:DataService",
                "dct:title": languages(
                    ("东西部协作只读数据接口", "East–West cooperation read-only API")
                ),
                "dcat:endpointURL": {"@id": absolute(API_ROOT)},
                "dcat:endpointDescription": {"@id": absolute(API_SCHEMA)},
                "dcat:servesDataset": {"@id": dataset_id},
            }
        ]
    return JsonResponse(
        catalogue,
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


def languages(texts):
    zh, en = texts
    return [{"@value": zh, "@language": "zh-Hans"}, {"@value": en, "@language": "en"}]


def distribution(request, build, download):
    url = request.build_absolute_uri(reverse("open-data-file", kwargs={"name": download.name}))
    entry = {
        "@type": "dcat:Distribution",
        "dct:title": download.title or download.name,
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dcat:mediaType": download.media_type.split(";")[0],
        "dcat:byteSize": {"@value": download.size, "@type": "xsd:nonNegativeInteger"},
        "dct:modified": {"@value": build.created.isoformat(), "@type": "xsd:dateTime"},
    }
    if download.name in (opendata.PACKAGE, opendata.ZIP):
        entry["dct:conformsTo"] = {"@id": DATA_PACKAGE_SPEC}
    return entry
