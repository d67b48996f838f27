"""/api/v1/iati/activities.xml: the published projects as IATI 2.03 activities, filtered
with the project list's filters (?category=health&year=2023 …).

A file holds at most settings.IATI_MAX_ACTIVITIES activities, in id order; when more
match, the Link header points to the next file (rel="next", ?after=<last id>), so that
no request costs more than one file's worth however many projects there are. A file of
at most KEPT_ACTIVITIES activities (a town's, a county's) is built whole and kept by the
page cache until what it shows changes; a longer one is streamed. A publisher
that has not set its IATI identity has no file: 404, saying which settings are missing
(IATI cannot take an activity without its reporting organisation's identifier).
"""

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _

from cooperation.counting import LISTS, NAMES
from cooperation.filters import ProjectFilter
from cooperation.iati import ReportingOrganisation, stream
from cooperation.models import Project
from portal.page_cache import depends_on

# An id after which the file starts: digits, of a size the database's ids can have.
AFTER_MAX_DIGITS = 18
KEPT_ACTIVITIES = 100


def file_scopes(query):
    """What a file shows: its projects with their places, organisations, pairings and
    figures. A file of one region's projects changes with the region's scope, which every
    change of a project located there touches, and with any pairing's (which are not
    among them); any other with all the lists (cooperation/invalidation.py)."""
    if set(query) - {"after"} == {"region"} and query["region"].isdigit():
        return [f"region:{query['region']}", "list:pairing", *NAMES]
    return [*LISTS, *NAMES]


def plain(message, status):
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def activities(request):
    reporter = ReportingOrganisation.from_settings()
    if reporter is None:
        return plain(
            _(
                "本平台的发布者尚未设置其IATI组织标识（DJANGO_IATI_REPORTING_ORG_REF、"
                "DJANGO_IATI_REPORTING_ORG_TYPE、DJANGO_IATI_REPORTING_ORG_NAME），"
                "因此不提供IATI文件。"
            ),
            404,
        )
    filterset = ProjectFilter(request.GET, queryset=Project.objects.published(), request=request)
    if not filterset.is_valid():
        problems = [
            f"{name}: {message}"
            for name, messages in filterset.form.errors.items()
            for message in messages
        ]
        return plain(_("筛选条件有误：") + "\n" + "\n".join(problems), 400)
    projects = filterset.qs.order_by("pk")
    after = request.GET.get("after", "")
    if after:
        if not (after.isascii() and after.isdigit() and len(after) <= AFTER_MAX_DIGITS):
            return plain(_("after 须为项目编号（正整数）。"), 400)
        projects = projects.filter(pk__gt=int(after))
    limit = settings.IATI_MAX_ACTIVITIES
    ids = list(projects.values_list("pk", flat=True)[: limit + 1])
    pieces = stream(ids[:limit], reporter, f"{request.scheme}://{request.get_host()}")
    if len(ids[:limit]) <= KEPT_ACTIVITIES:
        depends_on(request, *file_scopes(request.GET))
        response = HttpResponse("".join(pieces), content_type="application/xml; charset=utf-8")
    else:
        response = StreamingHttpResponse(pieces, content_type="application/xml; charset=utf-8")
    if len(ids) > limit:
        following = request.GET.copy()
        following["after"] = str(ids[limit - 1])
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return response
