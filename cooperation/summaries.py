"""The expensive summaries of the public pages, cached under the scopes they show
(cooperation/invalidation.py), and `warm`, which computes them again after a change so
that the next visitor does not pay for them (unless settings.WARM_SUMMARIES is off)."""

from django.conf import settings
from django.utils import translation

from cooperation.attribution import pairing_figures
from cooperation.counting import EVENTS, LISTS, NAMES, TOTALS, YEARS, summary
from cooperation.dashboard import compute_dashboard
from cooperation.dashboard import region_summary as compute_region_summary
from cooperation.flows import diagram
from cooperation.models import Pairing, Region
from cooperation.totals import headline_totals


def region_summary(region, year=None):
    """The region page's counts, totals and first rows (cooperation.dashboard)."""
    return summary(
        f"region:{region.pk}:{year}",
        lambda: compute_region_summary(region, year),
        [f"region:{region.pk}", YEARS, *NAMES],
    )


def pairing_totals(pairing, year=None):
    """The pairing page's headline totals, of its own figures and its children's."""
    return summary(
        f"pairing:{pairing.pk}:{year}",
        lambda: headline_totals(pairing_figures(pairing), year, where={"pairing": pairing.pk}),
        [f"pairing:{pairing.pk}"],
    )


def home_dashboard(year=None):
    """The home page's numbers, with names in the current language."""
    return summary(
        f"dashboard:{year}:{translation.get_language()}",
        lambda: compute_dashboard(year),
        HOME_SCOPES,
    )


HOME_SCOPES = (TOTALS, YEARS, EVENTS, *LISTS, *NAMES)


def warm(scopes):
    """Compute the region and pairing summaries, the regions' flow diagrams and the home
    page's dashboard and diagram of these scopes (their all-years views, in each language
    where names are part of them) under the current versions, unless already cached."""
    ids = {"region": set(), "pairing": set()}
    for scope in scopes:
        kind, _, pk = scope.partition(":")
        if kind in ids and pk.isdigit():
            ids[kind].add(int(pk))
    regions = list(Region.objects.filter(pk__in=ids["region"]))
    for region in regions:
        region_summary(region)
    for pairing in Pairing.objects.published().filter(pk__in=ids["pairing"]):
        pairing_totals(pairing)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for region in regions:
                diagram(region)
            if TOTALS in scopes:
                home_dashboard()
                diagram(None)
