"""What every admin page of the portal shares: its titles, change history, the citation
fields, changelists that cost the same at a million records as at a thousand, and the
filters they use.

A flat changelist (FlatChangelist) never counts a whole table: it counts at most
CappedPaginator.cap rows of the current selection (so the pager shows "10000+" and its
first two hundred pages, and the rest is reached by filters and search), and it orders by
the primary key, newest first, which every table has an index for. A page holds 50 rows,
each drawn without templates where Django's own would use one. Filters offer a fixed few
choices (years, sides, provinces) and never list the values of a large table.
"""

import datetime

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cooperation.models import Region, Side

# The years the year filters offer: the programme's current round began in 2016.
FIRST_FILTER_YEAR = 2016

admin.site.site_header = _("东西部协作信息公开平台 · 管理后台")
admin.site.site_title = _("东西部协作管理后台")
admin.site.index_title = _("数据管理")

# Each English version stands beside its Chinese text, on the same line.
CITATION_FIELDS = (
    _("来源"),
    {"fields": ["source", ("quote", "quote_en"), ("source_note", "source_note_en")]},
)


class CappedPaginator(Paginator):
    """Counts the selection only up to `cap` rows, reading at most that many index entries
    (COUNT over a LIMIT subquery), so the cost of a changelist's count does not grow with
    the table. `capped` says the selection holds more."""

    cap = 10_000

    @cached_property
    def counted(self):
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def count(self):
        return min(self.counted, self.cap)

    @property
    def capped(self):
        return self.counted > self.cap


class FlatChangelist:
    """A ModelAdmin whose changelist costs the same at any table size (see the module)."""

    show_full_result_count = False
    paginator = CappedPaginator
    ordering = ["-pk"]
    list_per_page = 50

    def action_checkbox(self, obj):
        """Django's checkbox, written out instead of rendered through the widget's template,
        which took a third of the time of a page of rows."""
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )


class HistoryAdmin(FlatChangelist, SimpleHistoryAdmin):
    """Every change is kept with who made it; the History button shows it."""

    history_list_display = ["history_username"]


class SideFilter(admin.SimpleListFilter):
    title = _("东西部")
    parameter_name = "side"
    region_field = "region"

    def lookups(self, request, model_admin):
        return Side.choices

    def queryset(self, request, queryset):
        if self.value() in Side.values:
            return queryset.filter(**{f"{self.region_field}__side": self.value()})
        return queryset


def year_filter(field, title=None):
    """A filter by year with fixed choices (this year back to FIRST_FILTER_YEAR) instead of
    Django's, which lists the distinct values of the whole column. A date field is
    filtered by its range, so that its index serves."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = field

        def lookups(self, request, model_admin):
            years = range(datetime.date.today().year + 1, FIRST_FILTER_YEAR - 1, -1)
            return [(str(year), str(year)) for year in years]

        def queryset(self, request, queryset):
            if not (self.value() or "").isdigit():
                return queryset
            year = int(self.value())
            field_object = queryset.model._meta.get_field(field)
            if field_object.get_internal_type() == "DateField":
                return queryset.filter(
                    **{
                        f"{field}__gte": datetime.date(year, 1, 1),
                        f"{field}__lt": datetime.date(year + 1, 1, 1),
                    }
                )
            return queryset.filter(**{field: year})

    YearFilter.title = title or _("年份")
    return YearFilter


class WestProvinceFilter(admin.SimpleListFilter):
    """The western province a project lies in: a few choices, whatever the data's size."""

    title = _("所在省份（西部）")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        provinces = Region.objects.filter(level=Region.Level.PROVINCE, side=Side.WEST)
        return [(str(province.pk), province.name) for province in provinces.order_by("name")]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        province = Region.objects.filter(pk=self.value(), level=Region.Level.PROVINCE).first()
        return queryset.in_region(province) if province else queryset.none()
