"""/sitemap.xml: an index of sections (sitemap-projects.xml?p=2 …) that list every public
page, never a draft, in Chinese (/projects/…) and in English (/en/projects/…), each address
with its alternates in the other language (hreflang). Each section page holds at most
PAGE_SIZE records, so twice as many addresses, and the number of pages comes from counts
kept in the cache, so that a page costs the same however many projects there are."""

from functools import cached_property

from django.conf import settings
from django.contrib.sitemaps import Sitemap, views
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone, is_aware
from django.utils.translation import get_language

from cooperation.addresses import MARK, address, address_template
from cooperation.counting import MOVES, NAMES, cached, cached_count
from cooperation.models import Beneficiary, Organization, Pairing, Project, Region, Source
from portal.page_cache import depends_on


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(BilingualSitemap):
    """The dashboard and the list pages."""

    changefreq = "daily"

    def items(self):
        return [
            "home",
            "project-list",
            "pairing-list",
            "beneficiary-list",
            "region-list",
            "organization-list",
            "source-list",
            "people",
        ]

    def location(self, item):
        return reverse(f"cooperation:{item}")


PAGE_SIZE = 1000


class CountedPaginator(Paginator):
    """Pages of records, each record given once per language as Sitemap(i18n=True) expects:
    Django's own would first list every record in every language."""

    def __init__(self, object_list, per_page, languages):
        super().__init__(object_list, per_page)
        self.languages = languages

    @cached_property
    def count(self):
        """Counted again only when records come, go, or are published or unpublished
        (MOVES): after a rename, counting a million projects took 0.13 s."""
        return cached_count(self.object_list, [MOVES])

    def _get_page(self, records, number, paginator):
        pairs = [(record, language) for record in records for language in self.languages]
        return super()._get_page(pairs, number, paginator)


ALTERNATE = '<xhtml:link rel="alternate" hreflang="{}" href="{}"/>'


class RecordSitemap(BilingualSitemap):
    """Record pages, written as Django's sitemap.xml writes them but each address as one
    string (templates/sitemap_records.xml): Django's per-address work and its template
    took about 0.2 s for a page of a thousand records, paid again after any record's change."""

    model = None
    limit = PAGE_SIZE
    key = "pk"
    template_name = "sitemap_records.xml"

    @property
    def paginator(self):
        return CountedPaginator(self.items(), self.limit, self._languages())

    def location(self, record):
        """record.get_absolute_url(), from one reverse() per language."""
        name = f"cooperation:{self.model._meta.model_name}-detail"
        template = address_template(name, self.key, get_language())
        return address(template, getattr(record, self.key))

    def addresses(self, base):
        """{language: `base` + the address of a record page in it, with MARK for the key}."""
        name = f"cooperation:{self.model._meta.model_name}-detail"
        found = {}
        for language in self._languages():
            with translation.override(language):
                found[language] = base + address_template(name, self.key, language)
        return found

    def _urls(self, page, protocol, domain):
        addresses = {
            code: escape(address)
            for code, address in self.addresses(f"{protocol}://{domain}").items()
        }
        alternates = list(addresses.items())
        if self.x_default and settings.LANGUAGE_CODE in addresses:
            default = addresses[settings.LANGUAGE_CODE]
            code = settings.LANGUAGE_CODE
            alternates.append(("x-default", default.replace(f"/{code}/", "/", 1)))
        zone = get_current_timezone() if settings.USE_TZ else None
        urls, lastmods, links = [], [], {}
        for item in self.paginator.page(page).object_list:
            record, language = item
            key = escape(getattr(record, self.key))
            if key not in links:  # the record's other language follows it
                links = {
                    key: "".join(ALTERNATE.format(c, a.replace(MARK, key)) for c, a in alternates)
                }
            lastmod = self._get("lastmod", item)
            lastmods.append(lastmod)
            if lastmod and zone is not None and is_aware(lastmod):  # as the date filter shows it
                lastmod = lastmod.astimezone(zone)
            day = f"<lastmod>{lastmod:%Y-%m-%d}</lastmod>" if lastmod else ""
            loc = addresses[language].replace(MARK, key)
            urls.append({"xml": mark_safe(f"<url><loc>{loc}</loc>{day}{links[key]}</url>")})
        if lastmods and all(lastmods):
            self.latest_lastmod = max(lastmods)
        return urls


class PublishedSitemap(RecordSitemap):
    # A stable order that an index on (status, …) gives as it stands: SQLite would
    # otherwise sort every published record to find a page of them.
    order = ("pk",)

    def items(self):
        published = self.model.objects.published().order_by(*self.order)
        return published.only(self.key, "updated_at")

    def lastmod(self, record):
        return record.updated_at

    def get_latest_lastmod(self):
        """For the index: the latest change, found by the database rather than by reading
        every record as Sitemap does."""
        return cached(
            f"sitemap-lastmod:{self.model._meta.model_name}",
            lambda: self.items().aggregate(latest=Max("updated_at"))["latest"],
            scopes_of(self),
        )


class ProjectSitemap(PublishedSitemap):
    model = Project
    key = "slug"


class PairingSitemap(PublishedSitemap):
    model = Pairing


class BeneficiarySitemap(PublishedSitemap):
    model = Beneficiary
    order = ("name", "pk")  # beneficiary_status_name_idx


class ReferenceSitemap(RecordSitemap):
    """Regions, organisations and sources have no draft state: all are public."""

    def items(self):
        return self.model.objects.order_by("pk").only(self.key)


class RegionSitemap(ReferenceSitemap):
    model = Region


class OrganizationSitemap(ReferenceSitemap):
    model = Organization


class SourceSitemap(ReferenceSitemap):
    model = Source
    key = "slug"


SITEMAPS = {
    "pages": PageSitemap,
    "projects": ProjectSitemap,
    "pairings": PairingSitemap,
    "beneficiaries": BeneficiarySitemap,
    "regions": RegionSitemap,
    "organizations": OrganizationSitemap,
    "sources": SourceSitemap,
}


def scopes_of(sitemap):
    """The list scope a section's records are seen under (cooperation/invalidation.py); none
    for the pages section, whose addresses never change."""
    model = getattr(sitemap, "model", None)
    return [f"list:{model._meta.model_name}"] if model is not None else []


SCOPES = [scope for sitemap in SITEMAPS.values() for scope in scopes_of(sitemap)]


def index(request):
    """/sitemap.xml: one entry per page of each section, which grows with the data, so it is
    rendered once per version of the lists for each address the site is reached at."""
    depends_on(request, *SCOPES)
    return cached(
        f"sitemap-index:{request.scheme}://{request.get_host()}",
        lambda: views.index(request, SITEMAPS, sitemap_url_name="sitemap-section").render(),
        SCOPES,
    )


def section(request, section):
    """/sitemap-<section>.xml: a page of one section, kept until its records change."""
    sitemap = SITEMAPS.get(section)
    depends_on(request, *scopes_of(sitemap), *NAMES)
    template_name = getattr(sitemap, "template_name", "sitemap.xml")
    return views.sitemap(request, SITEMAPS, section, template_name=template_name)
