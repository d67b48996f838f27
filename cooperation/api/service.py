"""The read-only JSON API, version 1, at /api/v1/ (django-ninja: the OpenAPI 3 schema is
made from the operations' type hints, and the docs page uses the Swagger UI files that
ship inside the package, so it works on a closed network and under the portal's CSP).

Published records only, with the public lists' filters, cursor pagination, exact
amounts (cooperation.api.amounts), a rate limit and ETags (cooperation.api.limits).
"""

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import Throttled, ValidationError
from ninja.openapi.docs import DocsBase

from cooperation.api import records, totals
from cooperation.api.amounts import AMOUNT_NOTE, ExactJSONRenderer
from cooperation.api.filtering import FilterProblem
from cooperation.api.limits import AddressRateLimit, with_etag

DESCRIPTION = f"""
The published data of the East–West cooperation portal: projects, pairings, beneficiaries,
organisations, regions, sources, figures (each with its source sentence) and the totals
computed from them, with the figures each total added or left out and why.

- **Published data only**, exactly what the public pages show. No people.
- **Field names** are stable English identifiers whatever the language. Texts come as
  stored in Chinese (`title`) beside their English versions (`title_en`, empty when none
  was entered); `?lang=en` gives `display_name` and the page links (`url`) in English.
- **Amounts** are in `unit` (元 for money), with `qualifier` (exact, at_least, about,
  more_than, less_than) and `kind` (actual, expected, target) beside. {AMOUNT_NOTE}
- **Pages**: lists are in the order of the records' ids; follow `next` until it is null.
- **Limits**: a number of requests a minute per address; past it, 429 and `Retry-After`.
- **Caching**: every answer has an `ETag`; send it as `If-None-Match` to get 304.
"""


class PortalDocs(DocsBase):
    """Swagger UI from the files inside the django-ninja package, started by a script
    file of the portal's (ninja's own page keeps its settings in an inline script block)."""

    def render_page(self, request, api, **kwargs):
        context = {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", context)


class PortalAPI(NinjaAPI):
    def get_operation_url_name(self, operation, router):
        return operation.view_func.__name__.replace("_", "-")

    def create_response(self, request, data, *, status=None, temporal_response=None):
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return with_etag(request, response)


api = PortalAPI(
    title="东西部协作 Open Data API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    renderer=ExactJSONRenderer(),
    throttle=AddressRateLimit(),
    docs=PortalDocs(),
)
api.add_router("", records.router)
api.add_router("", totals.router)
api.add_router("", "cooperation.api.flows.router")


@api.exception_handler(ValidationError)
def invalid_parameters(request, exc):
    if all(error.get("loc", ("",))[0] == "path" for error in exc.errors):
        # /projects/abc names no record, as /projects/999999 does not.
        return not_found(request, exc)
    errors = {}
    for error in exc.errors:
        name = str(error.get("loc", ["", "?"])[-1])
        errors.setdefault(name, []).append(error.get("msg", ""))
    detail = _("查询参数有误：%(names)s。") % {"names": ", ".join(errors)}
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(FilterProblem)
def invalid_filters(request, exc):
    detail = _("筛选条件有误。") if exc.status == 400 else _("没有这条已发布的记录。")
    return api.create_response(request, {"detail": detail, "errors": exc.errors}, status=exc.status)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": _("没有这条已发布的记录。")}, status=404)


@api.exception_handler(Throttled)
def too_many_requests(request, exc):
    wait = int(exc.wait or 60)
    detail = _("请求过于频繁，请 %(seconds)d 秒后再试。") % {"seconds": wait}
    return api.create_response(request, {"detail": detail, "retry_after": wait}, status=429)


@api.exception_handler(SuspiciousOperation)
def refused_request(request, exc):
    # e.g. more query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS
    return api.create_response(request, {"detail": _("请求无法处理。")}, status=400)
