"""What visitors do, for locust (benchmarks/loadtest.py runs it headless; `make loadtest`).

    locust -f benchmarks/locustfile.py --headless --host http://127.0.0.1:8080 Visitor

Visitor: the public pages and API calls people make, by weight — the home page, lists with
filters, sorts, pages and searches, detail pages, site search, the totals' breakdowns, the
flow diagram's data and the API. Each request is named by its kind, so that locust's table
shows kinds, not thousands of addresses. HealthzVisitor asks for /healthz only: the same
setup's floor, to compare requests/s with. Exporter downloads exports, measured apart.

The records visited are read from the JSON file named by PORTAL_LOADTEST_RECORDS
({"project": [slug…], "pairing": [id…], "beneficiary": […], "organization": […],
"region": […]}), written by loadtest.py from the database; without it, from the sitemap.
No visitor waits between requests: the test measures what the servers can serve.
Answers are counted by their X-Page-Cache header (hit or miss, portal/page_cache.py) into
the JSON file named by PORTAL_LOADTEST_TALLY, for the cache's hit rate.
"""

import json
import os
import random
import re
from urllib.parse import quote, urlsplit

from locust import FastHttpUser, constant, events, task

SECTIONS = {
    "projects": "project",
    "pairings": "pairing",
    "beneficiaries": "beneficiary",
    "organizations": "organization",
    "regions": "region",
}
LISTS = [
    "/projects/",
    "/projects/?sort=-amount",
    "/projects/?sort=title&page=2",
    "/projects/?category=industry",
    "/projects/?work_status=in_operation&side=west",
    "/projects/?year=2023&sort=-start_year",
    "/projects/?q=" + quote("紫云"),
    "/projects/?q=" + quote("茶"),
    "/projects/?page=3",
    "/pairings/",
    "/pairings/?level=town",
    "/pairings/?q=" + quote("南沙") + "&side=east",
    "/beneficiaries/",
    "/beneficiaries/?kind=village",
    "/beneficiaries/?q=" + quote("村"),
    "/organizations/",
    "/regions/",
    "/sources/",
]
SEARCHES = ["紫云", "茶", "南沙", "广州", "贵州", "培训"]
BREAKDOWNS = [
    "/totals/funds/",
    "/totals/jobs/",
    "/totals/jobs/?reason=in_pairing_figure",
    "/totals/funds/?region={region}",
]
FLOWS = [
    "/api/v1/flows/?level=national",
    "/api/v1/flows/?level=national&flow=jobs",
    "/api/v1/flows/?region={region}",
    "/?flow=investment",
]
API = [
    "/api/v1/projects/",
    "/api/v1/projects/?category=industry",
    "/api/v1/totals/funds",
    "/api/v1/pairings/",
    "/api/v1/pairings/{pairing}",
]
EXPORTS = [
    "/projects/?_export=csv",
    "/projects/?category=industry&_export=csv",
    "/pairings/?_export=csv",
    "/beneficiaries/?_export=json",
]
records = {}
tally = {"hit": 0, "miss": 0, "none": 0}


def read_records(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def records_from_sitemap(client):
    """{"project": [paths]…} from the sitemap, which lists every published record."""
    found = {kind: [] for kind in SECTIONS.values()}
    index = client.get("/sitemap.xml", name="sitemap").text
    for sitemap in re.findall(r"<loc>([^<]+)</loc>", index):
        text = client.get(urlsplit(sitemap).path, name="sitemap").text
        for location in re.findall(r"<loc>([^<]+)</loc>", text):
            path = urlsplit(location).path
            parts = path.strip("/").split("/")
            if len(parts) == 2 and parts[0] in SECTIONS:
                found[SECTIONS[parts[0]]].append(parts[1])
    return found


@events.init.add_listener
def load_records(environment, **_kwargs):
    path = os.environ.get("PORTAL_LOADTEST_RECORDS")
    if path:
        records.update(read_records(path))


@events.request.add_listener
def count_cache_answer(response=None, **_kwargs):
    headers = getattr(response, "headers", None) or {}
    answer = headers.get("X-Page-Cache") or "none"
    tally[answer if answer in tally else "none"] += 1


@events.quitting.add_listener
def write_tally(environment, **_kwargs):
    path = os.environ.get("PORTAL_LOADTEST_TALLY")
    if path:
        with open(path, "w", encoding="utf-8") as file:
            json.dump(tally, file)


def filled(path, draw):
    """The path with {project}, {region}… replaced by a record drawn at random."""
    for kind in SECTIONS.values():
        marker = "{" + kind + "}"
        if marker in path:
            path = path.replace(marker, quote(str(draw.choice(records[kind]))))
    return path


class Visitor(FastHttpUser):
    """A visitor of the public pages and the API, without pause."""

    wait_time = constant(0)

    def on_start(self):
        if not records:
            records.update(records_from_sitemap(self.client))
        self.draw = random.Random()

    def visit(self, paths, name):
        self.client.get(filled(self.draw.choice(paths), self.draw), name=name)

    @task(10)
    def home(self):
        self.visit(["/", "/?year=2023"], "home")

    @task(30)
    def list_page(self):
        self.visit(LISTS, "lists with filters")

    @task(12)
    def project(self):
        self.visit(["/projects/{project}/"], "project detail")

    @task(6)
    def pairing(self):
        self.visit(["/pairings/{pairing}/"], "pairing detail")

    @task(4)
    def beneficiary(self):
        self.visit(["/beneficiaries/{beneficiary}/"], "beneficiary detail")

    @task(3)
    def organization(self):
        self.visit(["/organizations/{organization}/"], "organization detail")

    @task(6)
    def region(self):
        self.visit(["/regions/{region}/"], "region page")

    @task(5)
    def search(self):
        self.visit(["/search/?q=" + quote(word) for word in SEARCHES], "site search")

    @task(8)
    def breakdown(self):
        self.visit(BREAKDOWNS, "breakdowns")

    @task(6)
    def flows(self):
        self.visit(FLOWS, "flow diagram data")

    @task(10)
    def api(self):
        self.visit(API, "API")


class HealthzVisitor(FastHttpUser):
    """The floor: /healthz only, through the same nginx and app servers."""

    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz", name="healthz")


class Exporter(FastHttpUser):
    """Downloads whole exports, one after another: measured apart from the pages."""

    wait_time = constant(0)

    def on_start(self):
        self.draw = random.Random()

    @task
    def export(self):
        path = self.draw.choice(EXPORTS)
        self.client.get(path, name=f"export {path}")
