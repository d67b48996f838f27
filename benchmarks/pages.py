"""What the benchmark measures: the public pages and the API, each with the record an edit
"concerning" it touches, and the script that finds those records in a database.

Change the URL options here when the lists change. Each page says what it shows through
`concerns`: the owner of the figure that a related edit saves (the page's own record, or a
project the page lists or adds up), or, for a page that lists records without those
figures, the name of the first record it shows (RENAMED_FROM_PAGE). An unrelated edit saves
a figure of a project in another province, another pairing, without the page's
organisation or beneficiary.
"""

import re
import urllib.parse

PROJECT_SORT = "sort=-amount"
DEEP_PAGE_NUMBER = 200
PAGE_SIZE = 25
PROJECT_PAGE = "page={deep_page}"
PROJECT_SEARCH = "q=" + urllib.parse.quote("茶叶")
PROJECT_TOWN = "region={town}"
EXPORT = "_export=csv"
# 人才交流 is 4% of synthetic projects: about 10,000 rows at 250,000 projects.
EXPORT_FILTER = "category=talent"
FULL_EXPORT = f"/projects/?{EXPORT}"

HEALTHZ = "healthz"
DEEP_PAGE = "project list page 200"
# The API's page after a cursor this many projects in (or 50 before the end, when fewer).
API_DEEP_ROWS = 10_000
API_DEEP_PAGE = "API projects 10,000 rows in"
EXPORT_PAGE = "CSV export (~10,000 rows)"

# The owners a related edit may touch; "project" is the project whose detail page is measured,
# which lies in the measured town, county and province and is listed and added up everywhere.
CONCERNS = ("project", "pairing", "beneficiary", "organization")
# Pages that add up every published figure of the programme, and the source page, which every
# synthetic record cites: no figure edit is unrelated to them, so their first visit after the
# "unrelated" edit is held to the related target.
EVERY_EDIT_CONCERNS = {
    "source detail",
    "home",
    "home, one year",
    "funds breakdown (the largest)",
    "jobs left out beside pairing totals",
    "API funds total and breakdown",
    "flow diagram data, national",
    "home, investment flow diagram",
}

# Pages that list records but none of their figures (or not the measured project's): the edit
# that concerns them corrects the name of the first record they show (benchmarks/editor.py),
# found by its link on the page. The people page and the site search for 紫云 show no
# record in the synthetic data, nor does the sitemap index: no edit but a new record concerns them.
RENAMED_FROM_PAGE = {
    "search 茶叶": ("project", r'href="/projects/([^/"?]+)/"'),
    "pairing list": ("pairing", r'href="/pairings/(\d+)/"'),
    "beneficiary list": ("beneficiary", r'href="/beneficiaries/(\d+)/"'),
    "region list": ("region", r'href="/regions/(\d+)/"'),
    "organization list": ("organization", r'href="/organizations/(\d+)/"'),
    "source list": ("source", r'href="/sources/([^/"?]+)/"'),
    "site search 茶": ("project", r'href="/projects/([^/"?]+)/"'),
    "Atom feed of projects": ("project", r'/projects/([^/"<?]+)/'),
    "sitemap of projects": ("project", r"<loc>[^<]*/projects/([^/<?]+)/</loc>"),
}


def renamed_record(name, body):
    """(kind, key) of the record the page `name` shows first in `body`, or None."""
    if name not in RENAMED_FROM_PAGE:
        return None
    kind, pattern = RENAMED_FROM_PAGE[name]
    found = re.search(pattern, body)
    return (kind, urllib.parse.unquote(found.group(1))) if found else None


# (name, URL, kind, concerns): "page" is public and held to the targets; "export" is not.
PAGES = [
    (HEALTHZ, "/healthz", "page", None),
    ("home", "/", "page", "project"),
    ("home, one year", "/?year={year}", "page", "project"),
    ("project list", "/projects/", "page", "project"),
    ("projects in a town", f"/projects/?{PROJECT_TOWN}", "page", "project"),
    ("projects by amount", f"/projects/?{PROJECT_SORT}", "page", "project"),
    ("search 茶叶", f"/projects/?{PROJECT_SEARCH}", "page", "project"),
    (DEEP_PAGE, f"/projects/?{PROJECT_PAGE}", "page", "project"),
    ("project detail", "/projects/{project}/", "page", "project"),
    ("pairing list", "/pairings/", "page", "pairing"),
    ("pairing detail", "/pairings/{pairing}/", "page", "pairing"),
    ("beneficiary list", "/beneficiaries/", "page", "beneficiary"),
    ("beneficiary detail", "/beneficiaries/{beneficiary}/", "page", "beneficiary"),
    ("region list", "/regions/", "page", "project"),
    ("province page", "/regions/{province}/", "page", "project"),
    ("county page", "/regions/{county}/", "page", "project"),
    ("town page", "/regions/{town}/", "page", "project"),
    ("funds breakdown (the largest)", "/totals/funds/", "page", "project"),
    ("funds breakdown of a province", "/totals/funds/?region={province}", "page", "project"),
    (
        "jobs left out beside pairing totals",
        "/totals/jobs/?reason=in_pairing_figure",
        "page",
        "pairing",
    ),
    ("organization list", "/organizations/", "page", "organization"),
    ("organization detail", "/organizations/{organization}/", "page", "organization"),
    ("source list", "/sources/", "page", "project"),
    ("source detail", "/sources/{source}/", "page", "project"),
    ("people", "/people/", "page", "project"),
    ("site search 紫云", "/search/?q=" + urllib.parse.quote("紫云"), "page", "project"),
    ("site search 茶", "/search/?q=" + urllib.parse.quote("茶"), "page", "project"),
    ("API projects", "/api/v1/projects/", "page", "project"),
    (API_DEEP_PAGE, "/api/v1/projects/?cursor={api_cursor}", "page", "project"),
    ("API funds total and breakdown", "/api/v1/totals/funds", "page", "project"),
    ("flow diagram data, national", "/api/v1/flows/?level=national&flow=jobs", "page", "project"),
    ("flow diagram data of a province", "/api/v1/flows/?region={province}", "page", "project"),
    (
        "flow diagram data of a county",
        "/api/v1/flows/?region={county}&flow=jobs",
        "page",
        "project",
    ),
    ("home, investment flow diagram", "/?flow=investment", "page", "project"),
    ("Atom feed of projects", "/feeds/projects.atom", "page", "project"),
    ("Atom feed of a county", "/feeds/regions/{county}.atom", "page", "project"),
    ("IATI file of a town", "/api/v1/iati/activities.xml?region={town}", "page", "project"),
    ("sitemap index", "/sitemap.xml", "page", "project"),
    ("sitemap of projects", "/sitemap-projects.xml", "page", "project"),
    (EXPORT_PAGE, f"/projects/?{EXPORT_FILTER}&{EXPORT}", "export", "project"),
]

# Run in `manage.py shell` against a benchmark database: what the URLs and edits need, as JSON.
FACTS = """
import json, sqlite3
from django.contrib import admin
from django.db import connection
from django.db.models import Count
from django.urls import reverse
from cooperation.api.pagination import encode_cursor
from cooperation.models import (
    Beneficiary, Figure, Organization, Pairing, Project, ProjectLocation, Region, Source,
)

# The record with the most links: the heaviest page of its kind.
def busiest(queryset, links):
    return queryset.annotate(links=Count(links)).order_by("-links", "pk").first()

# A project with events and beneficiaries, so that its page has the same parts at each size.
# Its funds are what a related edit changes: the figure the lists and the totals show.
first = (
    Project.objects.published()
    .filter(events__isnull=False, benefits__isnull=False)
    .filter(figures__measure="assistance_funds")
    .order_by("slug")
    .first()
)
place = ProjectLocation.objects.filter(project=first).select_related("region").first().region
town = place if place.level == Region.Level.TOWN else place.parent
province = Region.objects.get(pk=town.ancestor_ids[0])
pairing = busiest(Pairing.objects.published(), "projects")
beneficiary = busiest(Beneficiary.objects.published(), "benefits")
organization = busiest(Organization.objects.all(), "roles")
if connection.vendor == "postgresql":
    major, minor = divmod(connection.pg_version, 10000)
    database = f"PostgreSQL {major}.{minor}"
else:
    database = f"SQLite {sqlite3.sqlite_version}"
published = Project.objects.published().count()
cursor_row = max(1, min(%(api_rows)r, published - 50))
cursor_id = Project.objects.published().order_by("id").values_list("id", flat=True)[cursor_row - 1]

def figure_of(**owner):
    found = Figure.objects.filter(**owner).order_by("pk").values_list("pk", flat=True).first()
    return found

source = busiest(Source.objects.all(), "project")

def pairing_family():
    # The measured pairing, the pairings above it and those directly below: their totals
    # are layered with its own (rule 6 of cooperation.totals).
    family = {pairing.pk, *Pairing.objects.filter(parent=pairing).values_list("pk", flat=True)}
    above = pairing.parent_id
    while above and above not in family:
        family.add(above)
        above = Pairing.objects.filter(pk=above).values_list("parent_id", flat=True).first()
    return family

def far_from(family):
    # A published project elsewhere: another province, organisation and beneficiary, and a
    # pairing outside `family`; its figure is not its funds, which the project lists show.
    candidates = (
        Project.objects.published().exclude(pairing__in=family)
        .exclude(roles__organization=organization)
        .exclude(benefits__beneficiary=beneficiary).order_by("-pk")[:300]
    )
    for project in candidates.prefetch_related("locations"):
        places = list(project.locations.all())
        if places and all(
            province.pk != place.pk and province.pk not in place.ancestor_ids for place in places
        ):
            others = Figure.objects.exclude(measure="assistance_funds")
            figure = others.filter(project=project).order_by("pk").values_list("pk", flat=True)[:1]
            if figure:
                return figure[0]
    return None

# Where no project in another province lies outside the measured pairing's family (1,000
# projects: one pair of provinces), the far edit is in that family: it concerns the pages
# of the pairing, which are then held to the related target after it.
far = far_from(pairing_family())
far_concerns = []
if far is None:
    far, far_concerns = far_from({pairing.pk}), ["pairing"]

changelists = [
    [str(model._meta.verbose_name_plural),
     reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")]
    for model in admin.site._registry
    if model._meta.app_label == "cooperation"
]
print(json.dumps({
    "project": first.slug,
    "town": town.pk,
    "county": town.parent_id,
    "year": Figure.objects.filter(year__isnull=False).order_by("-year")[0].year,
    "province": province.pk,
    "pairing": pairing.pk,
    "beneficiary": beneficiary.pk,
    "organization": organization.pk,
    "source": source.slug,
    "deep_page": min(%(deep_page)r, published // %(page_size)r),
    "api_cursor": encode_cursor(cursor_id),
    "projects": Project.objects.count(),
    "export_rows": Project.objects.published().filter(**%(export_filter)r).count(),
    "database": database,
    "figures": {
        "project": figure_of(project=first, measure="assistance_funds"),
        "pairing": figure_of(project__pairing=pairing, project__status="published"),
        "beneficiary": figure_of(benefit__beneficiary=beneficiary) or figure_of(
            beneficiary=beneficiary
        ),
        "organization": figure_of(
            project__roles__organization=organization, project__status="published"
        ),
        "unrelated": far,
    },
    "far_concerns": far_concerns,
    "changelists": sorted(changelists, key=lambda pair: pair[1]),
}))
"""


def facts_script():
    return FACTS % {
        "api_rows": API_DEEP_ROWS,
        "deep_page": DEEP_PAGE_NUMBER,
        "page_size": PAGE_SIZE,
        "export_filter": dict([EXPORT_FILTER.split("=")]),
    }


def page_urls(facts):
    """[(name, URL, kind, concerns)] at one size. Page 200 stands for a deep page: where
    there are fewer pages, the last full one (a short last page would not be the same work)."""
    facts = {"deep_page": DEEP_PAGE_NUMBER, **facts}
    return [(name, url.format(**facts), kind, concerns) for name, url, kind, concerns in PAGES]
