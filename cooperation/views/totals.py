"""A computed number's breakdown: every figure of its measure, those it added first, each
with its period, qualifier and source sentence, and why the others were left out."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from cooperation.counting import cached, cached_count
from cooperation.models import Figure
from cooperation.totals import HEADLINE_BY_KEY, Reason, breakdown, headline_totals
from cooperation.views.pages import LenientPaginationMixin, chosen_year, crumb


class TotalBreakdownView(LenientPaginationMixin, ListView):
    template_name = "cooperation/total_breakdown.html"
    context_object_name = "figures"
    paginate_by = 25

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.headline = HEADLINE_BY_KEY.get(kwargs["key"])
        self.year = chosen_year(request)

    def get_queryset(self):
        if self.headline is None:
            raise Http404
        return breakdown(self.headline, Figure.objects.published(), self.year).select_related(
            "source",
            "project",
            "indicator__pairing",
            "beneficiary",
            "benefit__project",
            "benefit__beneficiary",
        )

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        paginator.count = cached_count(queryset)
        return paginator

    def get_context_data(self, **kwargs):
        total = cached(
            f"total:{self.headline.key}:{self.year}",
            lambda: headline_totals(
                Figure.objects.published(), year=self.year, headlines=[self.headline]
            )[0],
        )
        return super().get_context_data(
            headline=self.headline,
            total=total,
            year=self.year,
            reasons=dict(Reason.choices),
            query=f"year={self.year}" if self.year else "",
            breadcrumbs=[crumb(_("主要数据"), "home"), crumb(self.headline.label)],
            **kwargs,
        )
