from django.contrib import admin

from cooperation.models import (
    Benefit,
    Event,
    Figure,
    Indicator,
    ProjectLocation,
    ProjectOrganization,
)


class FigureInline(admin.StackedInline):
    model = Figure
    extra = 0
    autocomplete_fields = ["source", "part_of", "places"]
    fields = [
        ("measure", "label", "label_en"),
        ("value", "unit", "qualifier", "kind"),
        ("period_kind", "period_start", "period_end"),
        ("period", "period_en"),
        ("scope", "places"),
        "part_of",
        ("source", "quote", "quote_en"),
        ("source_note", "source_note_en"),
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
    fields = [
        "project",
        "beneficiary",
        "kind",
        "description",
        "description_en",
        "source",
        "quote",
        "quote_en",
    ]
    show_change_link = True


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    autocomplete_fields = ["pairing", "project", "source"]
    fields = ["date", "date_precision", "title", "title_en", "kind", "source", "quote", "quote_en"]
    show_change_link = True


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["measure", "year", "note", "note_en"]
    show_change_link = True
