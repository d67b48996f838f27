"""/sitemap.xml: an index of sections (sitemap-projects.xml?p=2 …) that list every public
page, never a draft. Each section page holds at most PAGE_SIZE addresses, and the number
of pages comes from counts kept in the cache, so that a page costs the same however many
projects there are."""

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.core.paginator import Paginator
from django.db.models import Max
from django.urls import reverse

from cooperation.counting import cached, cached_count
from cooperation.models import Beneficiary, Organization, Pairing, Project, Region, Source


class PageSitemap(Sitemap):
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
    @cached_property
    def count(self):
        return cached_count(self.object_list)


class RecordSitemap(Sitemap):
    model = None
    limit = PAGE_SIZE

    @property
    def paginator(self):
        return CountedPaginator(self.items(), self.limit)


class PublishedSitemap(RecordSitemap):
    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, record):
        return record.updated_at

    def get_latest_lastmod(self):
        """For the index: the latest change, found by the database rather than by reading
        every record as Sitemap does."""
        return cached(
            f"sitemap-lastmod:{self.model._meta.model_name}",
            lambda: self.items().aggregate(latest=Max("updated_at"))["latest"],
        )


class ProjectSitemap(PublishedSitemap):
    model = Project


class PairingSitemap(PublishedSitemap):
    model = Pairing


class BeneficiarySitemap(PublishedSitemap):
    model = Beneficiary


class ReferenceSitemap(RecordSitemap):
    """Regions, organisations and sources have no draft state: all are public."""

    def items(self):
        return self.model.objects.order_by("pk")


class RegionSitemap(ReferenceSitemap):
    model = Region


class OrganizationSitemap(ReferenceSitemap):
    model = Organization


class SourceSitemap(ReferenceSitemap):
    model = Source


SITEMAPS = {
    "pages": PageSitemap,
    "projects": ProjectSitemap,
    "pairings": PairingSitemap,
    "beneficiaries": BeneficiarySitemap,
    "regions": RegionSitemap,
    "organizations": OrganizationSitemap,
    "sources": SourceSitemap,
}
