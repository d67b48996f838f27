"""Every public URL of the portal, read from the URLconf, so that the hostile-input and the
dump-and-restore tests cover a page as soon as it is added. Pages that take an argument
(a record's pk or slug) are visited with the records the sitemap lists, and the sitemap's
sections by their names."""

from collections import defaultdict

from django.urls import URLResolver, get_resolver, resolve, reverse
from django_tables2.export import ExportMixin

from cooperation.models import (
    Beneficiary,
    Figure,
    Organization,
    Pairing,
    Project,
    Region,
    Side,
    Source,
)
from cooperation.sitemaps import SITEMAPS
from cooperation.totals import HEADLINES
from cooperation.views.lists import EXPORT_FORMATS

STAFF_ONLY = "admin/"
JOB_PAGES = ("job", "job-status", "job-file")
# The Atom feeds of one record's projects, and that record's page.
RECORD_FEEDS = {
    "cooperation:feed-region": "cooperation:region-detail",
    "cooperation:feed-pairing": "cooperation:pairing-detail",
    "cooperation:feed-organization": "cooperation:organization-detail",
}
# The JSON API's record operations, and the records they answer for.
API_RECORDS = {
    "api:project-detail": Project.objects.published,
    "api:pairing-detail": Pairing.objects.published,
    "api:beneficiary-detail": Beneficiary.objects.published,
    "api:organization-detail": Organization.objects.all,
    "api:region-detail": Region.objects.all,
    "api:source-detail": Source.objects.all,
    "api:figure-detail": Figure.objects.published,
}


def _public_patterns(patterns, namespace=None):
    for entry in patterns:
        if str(entry.pattern).startswith(STAFF_ONLY):
            continue
        if isinstance(entry, URLResolver):
            yield from _public_patterns(entry.url_patterns, entry.namespace or namespace)
        elif entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def public_url_names():
    """The names of every URL outside the admin, e.g. "cooperation:project-detail"."""
    return sorted(name for name, _pattern in _public_patterns(get_resolver().url_patterns))


def _exports(name):
    pattern = dict(_public_patterns(get_resolver().url_patterns))[name]
    return issubclass(getattr(pattern.callback, "view_class", object), ExportMixin)


def public_paths():
    """{URL name: [paths]}: a page without arguments once, a page of records once per
    record in the sitemap, a breakdown once per headline. A URL name without a path means
    the sitemap misses its records."""
    paths = defaultdict(list)
    for sitemap_class in SITEMAPS.values():
        sitemap = sitemap_class()
        for item in sitemap.items():
            path = sitemap.location(item)
            paths[resolve(path).view_name].append(path)
    for section in SITEMAPS:
        paths["sitemap-section"].append(reverse("sitemap-section", kwargs={"section": section}))
    for headline in HEADLINES:
        paths["cooperation:total-breakdown"].append(
            reverse("cooperation:total-breakdown", kwargs={"key": headline.key})
        )
    funds = reverse("cooperation:total-breakdown", kwargs={"key": "funds"})
    town = Region.objects.filter(level=Region.Level.TOWN, side=Side.WEST).order_by("pk").first()
    if town is not None:
        paths["cooperation:total-breakdown"].append(f"{funds}?region={town.pk}&year=2022")
    paths["cooperation:total-breakdown"].append(f"{funds}?category=industry&reason=cumulative")
    for feed, page in RECORD_FEEDS.items():  # a record's feed, for each record page listed
        paths[feed] += [reverse(feed, kwargs=resolve(path).kwargs) for path in paths[page]]
    for name, records in API_RECORDS.items():  # the API's answer for one record of each kind
        first = records().order_by("pk").values_list("pk", flat=True)[:1]
        paths[name] += [reverse(name, kwargs={"id": pk}) for pk in first]
    # A file of the last bulk download (404 until one is built, which is answered too).
    paths["open-data-file"].append(reverse("open-data-file", kwargs={"name": "datapackage.json"}))
    paths["api:total-detail"] += [
        reverse("api:total-detail", kwargs={"key": headline.key}) for headline in HEADLINES
    ]
    for name, pattern in _public_patterns(get_resolver().url_patterns):
        if not pattern.pattern.converters:
            path = reverse(name)
            if path not in paths[name]:
                paths[name].insert(0, path)
    return {name: paths[name] for name in public_url_names()}


def job_paths():
    """The pages of a long export (cooperation/views/jobs.py), for a token nobody holds:
    answered 404, as every page of a job is to whoever does not hold its token. They are
    not among public_paths(), which are pages everyone sees."""
    return {name: [reverse(name, kwargs={"token": "no-such-job"})] for name in JOB_PAGES}


def export_paths(formats=EXPORT_FORMATS):
    """The downloads of every list that exports, in the given formats."""
    return [
        f"{reverse(name)}?_export={export_format}"
        for name in public_url_names()
        if _exports(name)
        for export_format in formats
    ]
