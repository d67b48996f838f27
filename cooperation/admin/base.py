"""What every admin page of the portal shares: its titles, change history, the citation
fields and the east/west filter."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cooperation.models import (
    Side,
)

admin.site.site_header = _("东西部协作信息公开平台 · 管理后台")
admin.site.site_title = _("东西部协作管理后台")
admin.site.index_title = _("数据管理")

# Each English version stands beside its Chinese text, on the same line.
CITATION_FIELDS = (
    _("来源"),
    {"fields": ["source", ("quote", "quote_en"), ("source_note", "source_note_en")]},
)


class HistoryAdmin(SimpleHistoryAdmin):
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
