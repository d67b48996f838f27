"""The cooperation records: pairings, projects, beneficiaries and their figures."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from cooperation.admin.base import (
    CITATION_FIELDS,
    FlatChangelist,
    SideFilter,
    WestProvinceFilter,
    year_filter,
)
from cooperation.admin.inlines import (
    BeneficiaryFigureInline,
    BenefitFigureInline,
    BenefitInline,
    EventInline,
    IndicatorFigureInline,
    IndicatorInline,
    ProjectFigureInline,
    ProjectLocationInline,
    ProjectOrganizationInline,
)
from cooperation.admin.publishing import (
    EditingAdmin,
    EditingImportAdmin,
    EditingMixin,
    PublishableAdmin,
)
from cooperation.formatting import figure_text, yuan
from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Indicator,
    Pairing,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Region,
    Side,
)
from cooperation.resources import (
    BeneficiaryResource,
    FigureResource,
    PairingResource,
    ProjectResource,
)


@admin.register(Pairing)
class PairingAdmin(PublishableAdmin):
    resource_classes = [PairingResource]
    list_display = ["__str__", "level", "mode", "start_year", "parent", "status"]
    list_filter = ["status", "level", "mode", year_filter("start_year", _("开始年份"))]
    search_fields = [
        "description",
        "east_region__name",
        "west_region__name",
        "east_organization__name",
        "west_organization__name",
    ]
    autocomplete_fields = [
        "parent",
        "east_region",
        "east_organization",
        "west_region",
        "west_organization",
        "source",
    ]
    list_select_related = ["east_region", "west_region", "east_organization", "west_organization"]
    inlines = [IndicatorInline, EventInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "level",
                    "mode",
                    "parent",
                    "start_year",
                    ("description", "description_en"),
                    "status",
                ]
            },
        ),
        (_("东部一方"), {"fields": ["east_region", "east_organization", "east_count"]}),
        (_("西部一方"), {"fields": ["west_region", "west_organization", "west_count"]}),
        CITATION_FIELDS,
    ]

    def get_queryset(self, request):
        # The parents in one more query rather than five more joins: PostgreSQL took 15 ms
        # to plan the changelist's nine-table join at 250,000 projects (1 ms to run it).
        parents = Pairing.objects.select_related(*self.list_select_related)
        return super().get_queryset(request).prefetch_related(Prefetch("parent", parents))


class ProjectCountyFilter(admin.SimpleListFilter):
    """The western county a project lies in, offered once its province is chosen: a list
    of every county would grow with the data."""

    title = _("所在区县")
    parameter_name = "county"

    def lookups(self, request, model_admin):
        province = request.GET.get(WestProvinceFilter.parameter_name, "")
        chosen = (self.value() or "").isdigit()
        if not province.isdigit() and not chosen:
            return []
        counties = Region.objects.filter(level=Region.Level.COUNTY, side=Side.WEST)
        if province.isdigit():
            counties = counties.filter(path__startswith=f"/{province}/")
        else:
            counties = counties.filter(pk=self.value())
        return [(str(county.pk), county.name) for county in counties.order_by("name")]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        county = Region.objects.filter(pk=self.value()).first()
        return queryset.in_region(county) if county else queryset.none()


@admin.register(Project)
class ProjectAdmin(PublishableAdmin):
    resource_classes = [ProjectResource]
    # The work status is a filter, not a column: with it the funds did not fit 1280 px.
    list_display = ["title", "category", "pairing", "years_display", "funds_display", "status"]
    list_filter = [
        "status",
        "category",
        "work_status",
        year_filter("start_year", _("开始年份")),
        WestProvinceFilter,
        ProjectCountyFilter,
    ]
    # Each field is trigram-indexed on PostgreSQL (cooperation/search.py); a slug is matched whole.
    search_fields = ["title", "title_en", "=slug", "summary", "description"]
    autocomplete_fields = ["pairing", "source"]
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = [
        "pairing__east_region",
        "pairing__west_region",
        "pairing__east_organization",
        "pairing__west_organization",
    ]
    inlines = [
        ProjectLocationInline,
        ProjectOrganizationInline,
        ProjectFigureInline,
        BenefitInline,
        EventInline,
    ]
    readonly_fields = ["funds_display"]
    fieldsets = [
        (None, {"fields": [("title", "title_en"), "slug", "category", "pairing", "status"]}),
        (_("实施"), {"fields": ["start_year", "end_year", "work_status", "funds_display"]}),
        (_("内容"), {"fields": [("summary", "summary_en"), ("description", "description_en")]}),
        CITATION_FIELDS,
    ]

    @admin.display(description=_("年份"), ordering="start_year")
    def years_display(self, project):
        return project.years

    @admin.display(description=_("帮扶资金"), ordering="funds")
    def funds_display(self, project):
        return yuan(project.funds, project.funds_qualifier) if project.funds is not None else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.update_funds()


@admin.register(Beneficiary)
class BeneficiaryAdmin(PublishableAdmin):
    resource_classes = [BeneficiaryResource]
    list_display = ["name", "kind", "region", "organization", "status"]
    list_filter = ["status", "kind", SideFilter]
    search_fields = ["name", "name_en", "description"]
    autocomplete_fields = ["region", "organization", "source"]
    list_select_related = ["region", "organization"]
    inlines = [BeneficiaryFigureInline, BenefitInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "name_en"),
                    "kind",
                    "region",
                    "organization",
                    ("description", "description_en"),
                    "status",
                ]
            },
        ),
        CITATION_FIELDS,
    ]


@admin.register(Benefit)
class BenefitAdmin(EditingAdmin):
    list_display = ["beneficiary", "project", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["beneficiary__name", "project__title", "description"]
    autocomplete_fields = ["project", "beneficiary", "source"]
    list_select_related = ["beneficiary", "project"]
    inlines = [BenefitFigureInline]


@admin.register(Figure)
class FigureAdmin(EditingImportAdmin):
    resource_classes = [FigureResource]
    list_display = ["label", "measure", "value_display", "kind", "period_display", "owner_display"]
    list_filter = [
        "measure",
        "kind",
        "period_kind",
        "scope",
        "qualifier",
        "unit",
        year_filter("year"),
    ]
    search_fields = ["label", "quote", "project__title"]
    autocomplete_fields = [
        "project",
        "indicator",
        "beneficiary",
        "benefit",
        "part_of",
        "places",
        "source",
    ]
    list_select_related = [
        "project",
        "indicator__pairing__east_region",
        "indicator__pairing__west_region",
        "indicator__pairing__east_organization",
        "indicator__pairing__west_organization",
        "beneficiary",
        "benefit__project",
        "benefit__beneficiary",
    ]
    fieldsets = [
        (
            None,
            {"fields": ["measure", ("label", "label_en"), "value", "unit", "qualifier", "kind"]},
        ),
        (
            _("期间"),
            {"fields": ["period_kind", "period_start", "period_end", ("period", "period_en")]},
        ),
        (_("范围"), {"fields": ["scope", "places"]}),
        (_("所属"), {"fields": ["project", "indicator", "beneficiary", "benefit", "part_of"]}),
        CITATION_FIELDS,
    ]

    @admin.display(description=_("数值"), ordering="value")
    def value_display(self, figure):
        return figure_text(figure)

    @admin.display(description=_("期间"), ordering="period_end")
    def period_display(self, figure):
        return figure.period_label or "—"

    @admin.display(description=_("所属"))
    def owner_display(self, figure):
        return figure.owner


@admin.register(Indicator)
class IndicatorAdmin(EditingAdmin):
    list_display = ["measure", "year", "pairing"]
    list_filter = ["measure", year_filter("year")]
    search_fields = ["note", "pairing__west_region__name", "pairing__east_region__name"]
    autocomplete_fields = ["pairing"]
    list_select_related = [
        "pairing__east_region",
        "pairing__west_region",
        "pairing__east_organization",
        "pairing__west_organization",
    ]
    inlines = [IndicatorFigureInline]


@admin.register(Event)
class EventAdmin(EditingAdmin):
    list_display = ["date", "title", "kind", "pairing", "project"]
    list_filter = ["kind", year_filter("date")]
    search_fields = ["title", "description"]
    autocomplete_fields = ["pairing", "project", "people", "source"]
    list_select_related = [
        "project",
        "pairing__east_region",
        "pairing__west_region",
        "pairing__east_organization",
        "pairing__west_organization",
    ]


@admin.register(ProjectLocation)
class ProjectLocationAdmin(FlatChangelist, EditingMixin, admin.ModelAdmin):
    list_display = ["project", "region"]
    search_fields = ["project__title", "region__name"]
    autocomplete_fields = ["project", "region"]
    list_select_related = ["project", "region"]


@admin.register(ProjectOrganization)
class ProjectOrganizationAdmin(FlatChangelist, EditingMixin, admin.ModelAdmin):
    list_display = ["project", "organization", "role"]
    list_filter = ["role"]
    search_fields = ["project__title", "organization__name"]
    autocomplete_fields = ["project", "organization"]
    list_select_related = ["project", "organization"]
