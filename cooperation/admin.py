from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from cooperation.formatting import figure_text, yuan
from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Indicator,
    Organization,
    Pairing,
    Person,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Publication,
    Region,
    Side,
    Source,
)
from cooperation.resources import (
    BeneficiaryResource,
    FigureResource,
    PairingResource,
    ProjectResource,
)

admin.site.site_header = _("东西部协作信息公开平台 · 管理后台")
admin.site.site_title = _("东西部协作管理后台")
admin.site.index_title = _("数据管理")

CITATION_FIELDS = (_("来源"), {"fields": ["source", "quote", "source_note"]})


class HistoryAdmin(SimpleHistoryAdmin):
    """Every change is kept with who made it; the History button shows it."""

    history_list_display = ["history_username"]


def import_problems(result):
    """Each problem of an import, naming the row (header not counted) and the field."""
    problems = []
    for row in result.invalid_rows:
        for field, errors in row.error_dict.items():
            where = "" if field == NON_FIELD_ERRORS else f" {field}"
            problems += [(row.number, f"{where}：{error}") for error in errors]
    for number, errors in result.row_errors():
        problems += [(number, f"：{error.error}") for error in errors]
    return [_("第%(row)d行") % {"row": number} + text for number, text in problems]


class ImportExportHistoryAdmin(ImportExportMixin, HistoryAdmin):
    def get_import_data_kwargs(self, **kwargs):
        # All or nothing: one invalid row rolls the whole file back.
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.fields["import_file"].help_text = _(
            "第一行为列名（见上方字段）。结对关系、区域、单位等按编号填写，项目和来源按标识（slug）填写，"
            "多个地点用分号分隔。先预览再确认；任何一行有误，整个文件都不会导入。"
        )
        return form

    def process_result(self, result, request):
        # The file passed its preview but not the import (the data changed since, or the
        # confirmation was forged): nothing was imported, and the admin is told why.
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _("未导入任何记录。") + "；".join(import_problems(result)),
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
            )
        return super().process_result(result, request)


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


def delete_unpublished(modeladmin, request, queryset):
    """Django's bulk delete, refused as a whole while a selected record is published."""
    published = queryset.filter(status=Publication.PUBLISHED).count()
    if published:
        modeladmin.message_user(
            request,
            _("所选记录中有 %(count)d 条已发布，未删除任何记录。请先撤回发布再删除。")
            % {"count": published},
            messages.ERROR,
        )
        return None
    return delete_selected(modeladmin, request, queryset)


class PublishableAdmin(ImportExportHistoryAdmin):
    """Editors save drafts; only publishers change the publication state or delete."""

    actions = ["publish", "unpublish"]

    def has_publish_permission(self, request):
        return request.user.has_perm(f"cooperation.publish_{self.opts.model_name}")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            readonly.append("status")
        return readonly

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The status field is read-only for editors; this also covers reverting to a
        # published version from the History page.
        if not self.has_publish_permission(request):
            stored = type(obj).objects.filter(pk=obj.pk).values_list("status", flat=True)
            obj.status = (stored.first() if change else None) or Publication.DRAFT
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            description = actions["delete_selected"][2]
            actions["delete_selected"] = (delete_unpublished, "delete_selected", description)
        return actions

    def _set_status(self, request, queryset, status):
        changed = 0
        for record in queryset.exclude(status=status):
            record.status = status
            record.save(update_fields=["status", "updated_at"])
            changed += 1
        return changed

    @admin.action(description=_("发布所选记录"), permissions=["publish"])
    def publish(self, request, queryset):
        changed = self._set_status(request, queryset, Publication.PUBLISHED)
        self.message_user(
            request,
            ngettext("已发布 %(count)d 条记录。", "已发布 %(count)d 条记录。", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("撤回所选记录（改为草稿）"), permissions=["publish"])
    def unpublish(self, request, queryset):
        changed = self._set_status(request, queryset, Publication.DRAFT)
        self.message_user(
            request,
            ngettext("已撤回 %(count)d 条记录。", "已撤回 %(count)d 条记录。", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


# Inlines ---------------------------------------------------------------------


class FigureInline(admin.StackedInline):
    model = Figure
    extra = 0
    autocomplete_fields = ["source", "part_of"]
    fields = [
        ("measure", "label"),
        ("value", "unit", "qualifier", "kind"),
        ("year", "period", "as_of"),
        "part_of",
        ("source", "quote", "source_note"),
    ]
    fk_name = None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source", "part_of")


class ProjectFigureInline(FigureInline):
    fk_name = "project"


class IndicatorFigureInline(FigureInline):
    fk_name = "indicator"


class BeneficiaryFigureInline(FigureInline):
    fk_name = "beneficiary"


class BenefitFigureInline(FigureInline):
    fk_name = "benefit"


class ProjectLocationInline(admin.TabularInline):
    model = ProjectLocation
    extra = 0
    autocomplete_fields = ["region"]


class ProjectOrganizationInline(admin.TabularInline):
    model = ProjectOrganization
    extra = 0
    autocomplete_fields = ["organization"]


class BenefitInline(admin.TabularInline):
    model = Benefit
    extra = 0
    autocomplete_fields = ["project", "beneficiary", "source"]
    fields = ["project", "beneficiary", "kind", "description", "source", "quote"]
    show_change_link = True


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    autocomplete_fields = ["pairing", "project", "source"]
    fields = ["date", "date_precision", "title", "kind", "source", "quote"]
    show_change_link = True


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["measure", "year", "note"]
    show_change_link = True


# Reference data --------------------------------------------------------------


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "kind", "publisher", "author", "published_on"]
    list_filter = ["kind", "publisher"]
    search_fields = ["title", "publisher", "author", "description"]
    date_hierarchy = "published_on"
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class RegionForm(forms.ModelForm):
    """A province's side is chosen; every region below takes its province's side."""

    class Meta:
        model = Region
        fields = ["name", "short_name", "level", "parent", "side", "division_code"]
        fields += ["source", "quote", "source_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["side"].required = False

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if parent is not None:
            cleaned["side"] = parent.side
        elif not cleaned.get("side"):
            self.add_error("side", _("省级区域须选择东部或西部。"))
        return cleaned


@admin.register(Region)
class RegionAdmin(HistoryAdmin):
    form = RegionForm
    list_display = ["name", "level", "parent", "side", "division_code"]
    list_filter = ["level", "side"]
    search_fields = ["name", "short_name", "division_code"]
    autocomplete_fields = ["parent", "source"]
    list_select_related = ["parent"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "level", "parent", "side", "division_code"]}),
        CITATION_FIELDS,
    ]


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ["name", "kind", "region", "side_display"]
    list_filter = ["kind", SideFilter]
    search_fields = ["name", "short_name", "description"]
    autocomplete_fields = ["region", "parent", "source"]
    list_select_related = ["region"]
    fieldsets = [
        (None, {"fields": ["name", "short_name", "kind", "region", "parent", "description"]}),
        CITATION_FIELDS,
    ]

    @admin.display(description=_("东西部"), ordering="region__side")
    def side_display(self, organization):
        return organization.region.get_side_display() if organization.region_id else "—"


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = ["name", "post", "organization", "is_public_figure"]
    list_filter = ["is_public_figure"]
    search_fields = ["name", "post"]
    autocomplete_fields = ["organization", "region", "source"]
    list_select_related = ["organization"]


# Cooperation records -----------------------------------------------------------


@admin.register(Pairing)
class PairingAdmin(PublishableAdmin):
    resource_classes = [PairingResource]
    list_display = ["__str__", "level", "mode", "start_year", "parent", "status"]
    list_filter = ["status", "level", "mode", "start_year"]
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
    list_select_related = [
        "east_region",
        "west_region",
        "east_organization",
        "west_organization",
        "parent__east_region",
        "parent__west_region",
        "parent__east_organization",
        "parent__west_organization",
    ]
    inlines = [IndicatorInline, EventInline]
    fieldsets = [
        (None, {"fields": ["level", "mode", "parent", "start_year", "description", "status"]}),
        (_("东部一方"), {"fields": ["east_region", "east_organization", "east_count"]}),
        (_("西部一方"), {"fields": ["west_region", "west_organization", "west_count"]}),
        CITATION_FIELDS,
    ]


class ProjectCountyFilter(admin.SimpleListFilter):
    title = _("所在区县")
    parameter_name = "county"

    def lookups(self, request, model_admin):
        counties = Region.objects.filter(level=Region.Level.COUNTY, side=Side.WEST)
        return [(str(county.pk), county.name) for county in counties]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        county = Region.objects.filter(pk=self.value()).first()
        return queryset.in_region(county) if county else queryset.none()


@admin.register(Project)
class ProjectAdmin(PublishableAdmin):
    resource_classes = [ProjectResource]
    list_display = [
        "title",
        "category",
        "pairing",
        "years_display",
        "work_status",
        "funds_display",
        "status",
    ]
    list_filter = ["status", "category", "work_status", "start_year", ProjectCountyFilter]
    search_fields = ["title", "slug", "summary", "description"]
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
        (None, {"fields": ["title", "slug", "category", "pairing", "status"]}),
        (_("实施"), {"fields": ["start_year", "end_year", "work_status", "funds_display"]}),
        (_("内容"), {"fields": ["summary", "description"]}),
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
    search_fields = ["name", "description"]
    autocomplete_fields = ["region", "organization", "source"]
    list_select_related = ["region", "organization"]
    inlines = [BeneficiaryFigureInline, BenefitInline]
    fieldsets = [
        (None, {"fields": ["name", "kind", "region", "organization", "description", "status"]}),
        CITATION_FIELDS,
    ]


@admin.register(Benefit)
class BenefitAdmin(HistoryAdmin):
    list_display = ["beneficiary", "project", "kind", "description"]
    list_filter = ["kind"]
    search_fields = ["beneficiary__name", "project__title", "description"]
    autocomplete_fields = ["project", "beneficiary", "source"]
    list_select_related = ["beneficiary", "project"]
    inlines = [BenefitFigureInline]


@admin.register(Figure)
class FigureAdmin(ImportExportHistoryAdmin):
    resource_classes = [FigureResource]
    list_display = ["label", "measure", "value_display", "kind", "period_display", "owner_display"]
    list_filter = ["measure", "kind", "qualifier", "unit", "year"]
    search_fields = ["label", "quote", "project__title"]
    autocomplete_fields = ["project", "indicator", "beneficiary", "benefit", "part_of", "source"]
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
        (None, {"fields": ["measure", "label", "value", "unit", "qualifier", "kind"]}),
        (_("期间"), {"fields": ["year", "period", "as_of"]}),
        (_("所属"), {"fields": ["project", "indicator", "beneficiary", "benefit", "part_of"]}),
        CITATION_FIELDS,
    ]

    @admin.display(description=_("数值"), ordering="value")
    def value_display(self, figure):
        return figure_text(figure)

    @admin.display(description=_("期间"), ordering="year")
    def period_display(self, figure):
        return figure.period or figure.year or "—"

    @admin.display(description=_("所属"))
    def owner_display(self, figure):
        return figure.owner


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    list_display = ["measure", "year", "pairing"]
    list_filter = ["measure", "year"]
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
class EventAdmin(HistoryAdmin):
    list_display = ["date", "title", "kind", "pairing", "project"]
    list_filter = ["kind"]
    search_fields = ["title", "description"]
    date_hierarchy = "date"
    autocomplete_fields = ["pairing", "project", "people", "source"]
    list_select_related = [
        "project",
        "pairing__east_region",
        "pairing__west_region",
        "pairing__east_organization",
        "pairing__west_organization",
    ]


@admin.register(ProjectLocation)
class ProjectLocationAdmin(admin.ModelAdmin):
    list_display = ["project", "region"]
    search_fields = ["project__title", "region__name"]
    autocomplete_fields = ["project", "region"]
    list_select_related = ["project", "region"]


@admin.register(ProjectOrganization)
class ProjectOrganizationAdmin(admin.ModelAdmin):
    list_display = ["project", "organization", "role"]
    list_filter = ["role"]
    search_fields = ["project__title", "organization__name"]
    autocomplete_fields = ["project", "organization"]
    list_select_related = ["project", "organization"]
