"""Reference data: sources, places, bodies and people."""

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from cooperation.admin.base import CITATION_FIELDS, HistoryAdmin, SideFilter, year_filter
from cooperation.models import (
    Organization,
    Person,
    Region,
    Source,
)


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ["title", "kind", "publisher", "author", "published_on"]
    list_filter = ["kind", year_filter("published_on", _("发布年份"))]
    search_fields = ["title", "title_en", "publisher", "author", "description"]
    prepopulated_fields = {"slug": ["title"]}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class RegionForm(forms.ModelForm):
    """A province's side is chosen; every region below takes its province's side."""

    class Meta:
        model = Region
        fields = ["name", "name_en", "short_name", "short_name_en", "level", "parent", "side"]
        fields += ["division_code", "source", "quote", "quote_en", "source_note", "source_note_en"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "side" in self.fields:  # not when the form is only viewed
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
    search_fields = ["name", "name_en", "short_name", "division_code"]
    autocomplete_fields = ["parent", "source"]
    list_select_related = ["parent"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "name_en"),
                    ("short_name", "short_name_en"),
                    "level",
                    "parent",
                    "side",
                    "division_code",
                ]
            },
        ),
        CITATION_FIELDS,
    ]


@admin.register(Organization)
class OrganizationAdmin(HistoryAdmin):
    list_display = ["name", "kind", "region", "side_display"]
    list_filter = ["kind", SideFilter]
    search_fields = ["name", "name_en", "short_name", "description"]
    autocomplete_fields = ["region", "parent", "source"]
    list_select_related = ["region"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("name", "name_en"),
                    ("short_name", "short_name_en"),
                    "kind",
                    "region",
                    "parent",
                    ("description", "description_en"),
                ]
            },
        ),
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
