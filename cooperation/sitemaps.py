"""/sitemap.xml: an index of sections (sitemap-projects.xml?p=2 …) that list every public
page, never a draft. Each section page holds at most PAGE_SIZE addresses, so that a page
costs the same however many projects there are."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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


PAGE_SIZE = 5000


class PublishedSitemap(Sitemap):
    model = None
    limit = PAGE_SIZE

    def items(self):
        return self.model.objects.published().order_by("pk")

    def lastmod(self, record):
        return record.updated_at


class ProjectSitemap(PublishedSitemap):
    model = Project


class PairingSitemap(PublishedSitemap):
    model = Pairing


class BeneficiarySitemap(PublishedSitemap):
    model = Beneficiary


class ReferenceSitemap(Sitemap):
    """Regions, organisations and sources have no draft state: all are public."""

    model = None
    limit = PAGE_SIZE

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
