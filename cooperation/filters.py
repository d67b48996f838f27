"""Filters of the public lists. Every value a visitor types is validated by a form field,
so a wrong value shows as an error in the form instead of reaching the database."""

import hashlib

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cooperation.counting import MOVES, cached
from cooperation.models import (
    Beneficiary,
    Benefit,
    Organization,
    Pairing,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Publication,
    Region,
    Side,
)
from cooperation.models.base import FIRST_YEAR, LAST_YEAR
from cooperation.search import index_condition, project_candidates

SEARCH_MAX_LENGTH = 100
ALL = _("全部")
# A select of more places than this helps nobody. The region filter then has no select;
# the region pages link to their projects, and the list names the place above the rows.
REGION_OPTIONS_MAX = 300


class SearchInput(forms.TextInput):
    """Echoes the typed text back without NUL characters, which HTML cannot carry."""

    def format_value(self, value):
        value = super().format_value(value)
        return value.replace("\x00", "\ufffd") if value else value


class KeptSelect(forms.Select):
    """A select of many options, rendered once for each version of its options (`scopes`),
    language, value and attributes: Django's widget templates take about 0.2 ms an option,
    paid on every page built afresh."""

    def __init__(self, key, scopes, **kwargs):
        super().__init__(**kwargs)
        self.key, self.scopes = key, scopes

    def render(self, name, value, attrs=None, renderer=None):
        shown = repr((name, str(value), sorted({**self.attrs, **(attrs or {})}.items())))
        digest = hashlib.sha256(shown.encode()).hexdigest()[:16]
        return cached(
            f"{self.key}:{get_language()}:{digest}",
            lambda: super(KeptSelect, self).render(name, value, attrs, renderer),
            self.scopes,
        )


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)


def region_filter():
    """A town or village by id. Any town or village is accepted; the select offers only
    those with published records (see region_options)."""
    return django_filters.ModelChoiceFilter(
        label=_("乡镇或村"),
        queryset=towns_and_villages(),
        method="filter_region",
        empty_label=ALL,
    )


def towns_and_villages():
    return Region.objects.filter(level__in=(Region.Level.TOWN, Region.Level.VILLAGE))


def region_label(region):
    """紫云县 · 猫营镇 · 黄鹤营村: the same town or village name recurs across counties."""
    names = [region.display_name]
    parent = region.parent
    while parent is not None and parent.level != Region.Level.CITY:
        names.insert(0, parent.display_name)
        parent = parent.parent if parent.level != Region.Level.COUNTY else None
    return " · ".join(names)


def region_options(placed):
    """The select options: towns and villages where published records stand, and the towns
    of those villages; None when there are more than REGION_OPTIONS_MAX.

    `placed` is the published records with a `region`. One query, whose subquery stops
    as soon as it has found too many places.
    """
    in_place = (
        placed.filter(region__level__in=(Region.Level.TOWN, Region.Level.VILLAGE))
        .order_by()
        .values("region_id")
        .distinct()[: REGION_OPTIONS_MAX + 1]
    )
    regions = {}
    for region in Region.objects.filter(pk__in=in_place).select_related("parent__parent"):
        regions[region.pk] = region
        if region.level == Region.Level.VILLAGE and region.parent.level == Region.Level.TOWN:
            regions[region.parent_id] = region.parent
    if len(regions) > REGION_OPTIONS_MAX:
        return None
    options = sorted((region_label(region), region.pk) for region in regions.values())
    return [("", ALL), *((pk, label) for label, pk in options)]


def placed_projects():
    return ProjectLocation.objects.filter(project__status=Publication.PUBLISHED)


def placed_beneficiaries():
    return Beneficiary.objects.published()


def plain_errors(field):
    """What a visitor is told about a value a filter cannot use, in plain words rather than
    Django's form wording ("确保该变量包含不超过 100 字符")."""
    if isinstance(field, forms.IntegerField):
        return {
            "invalid": _("年份请写四位数字，例如 2023。"),
            "min_value": _("年份不能早于 %(limit_value)s 年。"),
            "max_value": _("年份不能晚于 %(limit_value)s 年。"),
        }
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        return {"invalid_choice": _("没有这个选项，请从列表中选择。")}
    if isinstance(field, forms.CharField):
        return {"max_length": _("最多 %(limit_value)d 个字，请缩短后再试。")}
    return {}


class PortalFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("关键词"), method="search", max_length=SEARCH_MAX_LENGTH, widget=SearchInput
    )

    search_fields = ()
    placed_records = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.error_messages.update(plain_errors(field))
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
            else:
                field.widget.attrs["class"] = "form-control"

    def offer_regions(self):
        """Fill the region select, or keep the region as a hidden filter when the places
        are too many for a select. Called only for a page that shows the form."""
        field = self.form.fields.get("region")
        if field is None:
            return
        model = self._meta.model._meta.model_name
        # The places offered change only when records move or are published (MOVES); the
        # labels are in the visitor's language.
        scopes = [MOVES, "names:region"]
        options = cached(
            f"region-options:{model}:{get_language()}",
            lambda: region_options(self.placed_records()),
            scopes,
        )
        if options is None:
            field.widget = forms.HiddenInput()
        else:
            attrs = field.widget.attrs
            field.widget = KeptSelect(
                f"region-select:{model}", scopes, attrs=attrs, choices=options
            )

    def search_condition(self, value):
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return condition

    def search(self, queryset, name, value):
        """Chinese substring search; projects find theirs through a text index."""
        queryset = queryset.filter(self.search_condition(value))
        if self._meta.model is Project:
            candidates = project_candidates(value)
            if candidates is not None:
                return queryset.filter(pk__in=candidates)
            # A common text's first rows are found soon by reading the list in its order,
            # but counting them reads every row unless an index narrows them first.
            self.count_narrowing = index_condition(Project, value)
        return queryset

    count_narrowing = None

    def counted(self, queryset):
        """The queryset the page counts: its rows, narrowed first through an index where
        counting them would read every project."""
        if self.count_narrowing is None:
            return queryset
        return queryset.filter(self.count_narrowing)

    @property
    def searches_text(self):
        return bool(self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("q"))


def choice_filter(label, choices, **kwargs):
    return django_filters.ChoiceFilter(label=label, choices=choices, empty_label=ALL, **kwargs)


class ProjectFilter(PortalFilterSet):
    category = choice_filter(_("类别"), Project.Category.choices)
    work_status = choice_filter(_("实施状态"), Project.WorkStatus.choices)
    year = YearFilter(label=_("年份"), method="filter_year")
    region = region_filter()
    pairing_level = choice_filter(_("结对层级"), Pairing.Level.choices, field_name="pairing__level")
    side = choice_filter(_("东西部"), Side.choices, method="filter_side")
    pairing = django_filters.ModelChoiceFilter(
        label=_("结对关系"),
        queryset=Pairing.objects.published().select_related(*Pairing.PARTIES),
        widget=forms.HiddenInput,
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("参与单位"),
        queryset=Organization.objects.all(),
        widget=forms.HiddenInput,
        method="filter_organization",
    )
    beneficiary = django_filters.ModelChoiceFilter(
        label=_("受益对象"),
        queryset=Beneficiary.objects.published(),
        widget=forms.HiddenInput,
        method="filter_beneficiary",
    )

    search_fields = ("title", "summary", "description")
    placed_records = staticmethod(placed_projects)

    class Meta:
        model = Project
        fields = ()

    def filter_year(self, queryset, name, year):
        """Projects running in the year; a missing end year means the project's one year."""
        start_ok = Q(start_year__lte=year) | Q(start_year__isnull=True, end_year=year)
        end_ok = Q(end_year__gte=year) | Q(end_year__isnull=True, start_year=year)
        return queryset.filter(start_ok & end_ok)

    def filter_region(self, queryset, name, region):
        return queryset.in_region(region)

    def filter_organization(self, queryset, name, organization):
        roles = ProjectOrganization.objects.filter(project=OuterRef("pk"))
        return queryset.filter(Exists(roles.filter(organization=organization)))

    def filter_beneficiary(self, queryset, name, beneficiary):
        benefits = Benefit.objects.filter(project=OuterRef("pk"))
        return queryset.filter(Exists(benefits.filter(beneficiary=beneficiary)))

    def filter_side(self, queryset, name, side):
        located = ProjectLocation.objects.filter(project=OuterRef("pk"), region__side=side)
        return queryset.filter(Exists(located))


class PairingFilter(PortalFilterSet):
    level = choice_filter(_("结对层级"), Pairing.Level.choices)
    mode = choice_filter(_("帮扶方式"), Pairing.Mode.choices)
    start_year = YearFilter(label=_("起始年份"))
    side = django_filters.ChoiceFilter(
        label=_("检索一方"),
        choices=Side.choices,
        empty_label=_("双方"),
        method="keep",
        help_text=_("只在东部或西部一方的名称中检索关键词。"),
    )

    party_fields = (
        "region__name",
        "region__short_name",
        "organization__name",
        "organization__short_name",
    )

    class Meta:
        model = Pairing
        fields = ()

    def keep(self, queryset, name, value):
        """The side only narrows the keyword search (see search_fields)."""
        return queryset

    @property
    def search_fields(self):
        side = self.form.cleaned_data.get("side")
        sides = [side] if side else Side.values
        party = tuple(f"{side}_{field}" for side in sides for field in self.party_fields)
        return (*party, "description") if not side else party


class BeneficiaryFilter(PortalFilterSet):
    kind = choice_filter(_("类型"), Beneficiary.Kind.choices)
    region = region_filter()
    side = choice_filter(_("东西部"), Side.choices, field_name="region__side")

    search_fields = ("name", "description", "organization__name")
    placed_records = staticmethod(placed_beneficiaries)

    class Meta:
        model = Beneficiary
        fields = ()

    def filter_region(self, queryset, name, region):
        return queryset.filter(region__in=Region.objects.within(region))
