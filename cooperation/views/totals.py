"""A computed number's breakdown: the figures it added and those it left out, each with its
period, qualifier and source sentence, and why; grouped by year, by the provinces that
gave and received, and by pairing, so that a national total can be read too."""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from cooperation.attribution import FiguresOf, shared_places
from cooperation.counting import NAMES, TOTALS, YEARS, summary
from cooperation.models import Figure, Pairing, Project, Region
from cooperation.totals import (
    HEADLINE_BY_KEY,
    Reason,
    breakdown,
    combined,
    headline_totals,
    totals_by,
)
from cooperation.views.pages import LenientPaginationMixin, chosen_year, crumb
from portal.page_cache import depends_on

# How many pairings the breakdown lists by name before it sums up the rest.
PAIRING_ROWS = 10


class WhenRead:
    """A sequence made by `make()` only when its items are read: a paginator's slice of it
    is made when the page's rows are."""

    def __init__(self, make):
        self.make = make

    @cached_property
    def made(self):
        return self.make()

    def __getitem__(self, key):
        if isinstance(key, slice):
            return WhenRead(lambda: self.made[key])
        return self.made[key]

    def __iter__(self):
        return iter(self.made)

    def __len__(self):
        return len(self.made)


@dataclass
class Row:
    label: str
    url: str
    total: object


class TotalBreakdownView(LenientPaginationMixin, ListView):
    template_name = "cooperation/total_breakdown.html"
    context_object_name = "figures"
    paginate_by = 25

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.headline = HEADLINE_BY_KEY.get(kwargs["key"])
        self.year = chosen_year(request)
        category = request.GET.get("category", "")
        self.of = FiguresOf(
            self.chosen(Region.objects.all(), "region"),
            self.chosen(Pairing.objects.published(), "pairing"),
            category if category in Project.Category.values else None,
            east=self.chosen(Region.objects.all(), "east"),
            west=self.chosen(Region.objects.all(), "west"),
        )
        self.region, self.pairing, self.category = (
            self.of.region,
            self.of.pairing,
            self.of.category,
        )

    def chosen(self, records, parameter):
        """The record a parameter names by its id, or None for anything else."""
        value = self.request.GET.get(parameter, "")
        if not (value.isdigit() and len(value) < 10):
            return None
        return records.filter(pk=int(value)).first()

    @property
    def where(self):
        return self.of.where

    def figure_sets(self):
        return self.of.sets()

    def cache_key(self, part):
        # Names of places are read in the page's language when the groups are made.
        where = urlencode(self.where)
        return f"breakdown:{part}:{self.headline.key}:{self.year}:{where}:{get_language()}"

    def scopes(self):
        """A region's or a pairing's total changes with its page's scope; any other
        with the programme's totals (cooperation/invalidation.py)."""
        alone = [self.region, self.pairing, self.of.east, self.of.west, self.category]
        named = [record for record in alone if record is not None]
        if len(named) == 1 and named[0] in (self.region, self.pairing):
            narrow = f"{type(named[0]).__name__.lower()}:{named[0].pk}"
        else:
            narrow = TOTALS
        return [narrow, YEARS, "list:region", *NAMES]

    def get(self, request, *args, **kwargs):
        if self.headline is None:
            raise Http404
        depends_on(request, *self.scopes())
        self.total = summary(self.cache_key("total"), self.compute_total, self.scopes())
        reasons = [group.reason for group in [*self.total.added, *self.total.beside]]
        chosen = request.GET.get("reason")
        if chosen in Reason.values:
            self.reason = chosen
        else:
            self.reason = reasons[0] if reasons else Reason.ADDED
        return super().get(request, *args, **kwargs)

    def compute_total(self):
        sets = self.figure_sets()
        total = headline_totals(sets, self.year, [self.headline], self.where)[0]
        if self.region is not None:
            total.partners = shared_places(self.region, sets, [self.headline.measure]).get(
                self.headline.measure, []
            )
        return total

    def get_queryset(self):
        # Made only when a page past the first is read: the first is a summary.
        return WhenRead(
            lambda: breakdown(self.headline, self.figure_sets(), self.year, self.reason)
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = Paginator(queryset, per_page, **kwargs)
        groups = [*self.total.added, *self.total.beside]
        paginator.count = sum(group.count for group in groups if group.reason == self.reason)
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        rows = (
            summary(
                self.cache_key(f"first:{self.reason}"),
                lambda: list(page.object_list),
                self.scopes(),
            )
            if page.number == 1
            else list(page.object_list)
        )
        figures = Figure.objects.filter(pk__in=[row["ref"] for row in rows]).select_related(
            "source",
            "project",
            "indicator__pairing",
            "beneficiary",
            "benefit__project",
            "benefit__beneficiary",
        )
        order = {row["ref"]: place for place, row in enumerate(rows)}
        context["figures"] = sorted(figures, key=lambda figure: order[figure.pk])
        where = {**self.where, **({"year": self.year} if self.year else {})}
        groups = summary(self.cache_key("groups"), self.groups, self.scopes())
        context.update(
            headline=self.headline,
            total=self.total,
            year=self.year,
            region=self.region,
            pairing=self.pairing,
            between=self.of,
            category=self.category and Project.Category(self.category).label,
            reason=self.reason,
            reason_label=Reason(self.reason).label,
            tabs=self.tabs(),
            groups=groups,
            group_tables=[
                (_("按年份"), groups["years"]),
                (_("按省份（东部 → 西部）"), groups["provinces"]),
                (_("按结对关系"), groups["pairings"]),
            ],
            all_years_query=urlencode(self.where),
            query="&".join(
                f"{key}={value}" for key, value in {**where, "reason": self.reason}.items()
            ),
            where_query="&".join(f"{key}={value}" for key, value in where.items()),
            breadcrumbs=self.breadcrumbs(),
        )
        return context

    def tabs(self):
        """The reasons the figures were added or left out for, with their counts."""
        counts = {}
        for group in [*self.total.added, *self.total.beside]:
            counts[group.reason] = counts.get(group.reason, 0) + group.count
        return [(reason, Reason(reason).label, count) for reason, count in counts.items()]

    def breadcrumbs(self):
        record = self.region or self.pairing
        ends = [end for end in (self.of.east, self.of.west) if end is not None]
        if record is None and ends:
            return [
                *((str(end), end.get_absolute_url()) for end in ends),
                crumb(self.headline.label),
            ]
        if record is not None:
            return [(str(record), record.get_absolute_url()), crumb(self.headline.label)]
        return [crumb(_("主要数据"), "home"), crumb(self.headline.label)]

    def groups(self):
        """What was added, by year and by the pairings (and their provinces) it is of."""
        sets, headlines = self.figure_sets(), [self.headline]
        years = totals_by(F("year"), sets, self.year, headlines)
        by_pairing = totals_by(F("pairing"), sets, self.year, headlines)
        pairings = Pairing.objects.select_related(
            "east_region", "west_region", "east_organization__region", "west_organization__region"
        ).in_bulk([pk for pk in by_pairing if pk is not None])
        by_year = [
            Row(
                _("%(year)d年") % {"year": year} if year else _("跨年或期间不详"),
                "",
                totals[0],
            )
            for year, totals in sorted(years.items(), key=lambda item: -(item[0] or 0))
            if totals[0].value is not None
        ]
        pairing_rows = sorted(
            (
                Row(str(pairings[pk]), pairings[pk].get_absolute_url(), totals[0])
                for pk, totals in by_pairing.items()
                if pk in pairings and totals[0].value is not None
            ),
            key=lambda row: -row.total.value,
        )
        return {
            "years": by_year if len(by_year) > 1 else [],
            "provinces": self.by_provinces(pairings, by_pairing),
            "pairings": pairing_rows[:PAIRING_ROWS] if len(pairing_rows) > 1 else [],
            "more_pairings": max(len(pairing_rows) - PAIRING_ROWS, 0),
        }

    def by_provinces(self, pairings, by_pairing):
        """The added figures of pairings summed by (eastern province, western province)."""
        per_pair = {}
        for pk, pairing in pairings.items():
            key = (province_of(pairing, "east"), province_of(pairing, "west"))
            per_pair.setdefault(key, []).append(by_pairing[pk][0])
        names = Region.objects.in_bulk({pk for pair in per_pair for pk in pair if pk})
        rows = []
        for (east, west), totals in per_pair.items():
            total = combined(self.headline, totals, self.year)
            if total.value is not None and east in names and west in names:
                rows.append(Row(f"{names[east]} → {names[west]}", "", total))
        rows.sort(key=lambda row: -row.total.value)
        return rows if len(rows) > 1 else []


def province_of(pairing, side):
    """The province of a pairing's party on one side."""
    region = getattr(pairing, f"{side}_region") or getattr(pairing, f"{side}_organization").region
    if region is None:
        return None
    return region.ancestor_ids[0] if region.ancestor_ids else region.pk
