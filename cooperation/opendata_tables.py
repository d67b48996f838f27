"""The tables of the bulk download (cooperation/opendata.py): what each publishes and how
each column is described.

Only what the public pages show: publishable records from their `published()` querysets,
records hanging off them only when their owners are published, people only where they
appear in a public office. Regions, organisations and sources are reference data, public
as on their pages. A link to a record that is not published (a published project of a
draft pairing) is left empty, so that every reference resolves within the package.

Column names are the model fields' names; titles and descriptions come from the fields'
verbose names and help texts in both languages (the English from the message catalogue).
"""

from urllib.parse import quote

from django.db.models import Case, Exists, F, OuterRef, When
from django.urls import reverse
from django.utils import translation

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
    Source,
)
from cooperation.opendata import Column, Table

PUBLISHED = Publication.PUBLISHED

TABLE_OF = {
    Source: "sources",
    Region: "regions",
    Organization: "organizations",
    Person: "people",
    Pairing: "pairings",
    Project: "projects",
    Beneficiary: "beneficiaries",
    Benefit: "benefits",
    Indicator: "indicators",
    Figure: "figures",
}

TYPES = {
    "CharField": "string",
    "TextField": "string",
    "SlugField": "string",
    "URLField": "string",
    "BigAutoField": "integer",
    "AutoField": "integer",
    "IntegerField": "integer",
    "PositiveIntegerField": "integer",
    "PositiveSmallIntegerField": "integer",
    "DecimalField": "number",
    "DateField": "date",
    "DateTimeField": "datetime",
    "BooleanField": "boolean",
    "ForeignKey": "integer",
}


def both(text):
    """A translatable text in Chinese and in English."""
    with translation.override("zh-hans"):
        zh = str(text or "")
    with translation.override("en"):
        en = str(text or "")
    return zh, en


def codes(choices):
    """The codes a column holds, each with its meaning (the help texts are for editors)."""
    if not choices:
        return ("", "")
    zh, en = zip(*(both(label) for _value, label in choices), strict=True)
    values = [value for value, _label in choices]
    return (
        "代码：" + "；".join(f"{value} {label}" for value, label in zip(values, zh, strict=True)),
        "Codes: " + "; ".join(f"{value} {label}" for value, label in zip(values, en, strict=True)),
    )


def described(model, name, /, **changes):
    """The column for a model field (`<fk>_id` for a link), described by the field."""
    if name == "id":
        column = Column(
            "id",
            "integer",
            ("编号", "Identifier"),
            (
                "记录在平台上的编号，各文件之间用它互相引用。",
                "The record's number on the portal; the files refer to each other by it.",
            ),
            required=True,
            unique=True,
        )
    else:
        model_field = model._meta.get_field(name.removesuffix("_id"))
        kind = model_field.get_internal_type()
        is_text = TYPES[kind] == "string"
        column = Column(
            name,
            TYPES[kind],
            both(model_field.verbose_name),
            codes(model_field.choices),
            required=not model_field.null and not (is_text and model_field.blank),
            enum=tuple(value for value, _label in model_field.choices or ()),
            references=TABLE_OF.get(model_field.related_model, "")
            if model_field.is_relation
            else "",
            text=is_text and not model_field.choices,
        )
    for attribute, value in changes.items():
        setattr(column, attribute, value)
    return column


def columns(model, *names):
    return [described(model, name) for name in names]


CITED = ("source_id", "quote", "quote_en", "source_note", "source_note_en")


def published_link(model, name, note):
    """A link kept only where the linked record is published."""
    return described(
        model,
        f"{name}_id",
        lookup=Case(When(**{f"{name}__status": PUBLISHED}, then=F(f"{name}_id")), default=None),
        required=False,
        description=note,
    )


def page(view, key="pk"):
    """The public path of a record (the Chinese page; English under /en/), made once and
    filled in for each row: reverse() for 250,000 rows would cost seconds."""
    marker = "8964219" if key == "pk" else "slugmarker"
    template = reverse(f"cooperation:{view}", kwargs={key: marker}).replace(marker, "{}")
    return lambda value: template.format(quote(str(value), safe=""))


def url_column(view, key="pk"):
    return Column(
        "url",
        "string",
        ("网址", "URL"),
        (
            "记录在平台上的公开页面（自站点根目录起的路径；英文页面在 /en/ 下）。",
            "The record's public page on the portal (path from the site's root; "
            "the English page is under /en/).",
        ),
        lookup="slug" if key == "slug" else "id",
        required=True,
        convert=page(view, key),
    )


NOT_PUBLISHED_PAIRING = (
    "结对关系未发布时为空。",
    "Empty where the pairing is not published.",
)


def published_figure(field):
    return Exists(Figure.objects.published().filter(pk=OuterRef(field)))


def build_tables():
    return [
        Table(
            "sources",
            ("来源", "Sources"),
            ("平台数据所依据的文件。", "The documents the portal's records and figures cite."),
            Source.objects.all,
            [
                *columns(Source, "id", "slug", "title", "title_en", "kind", "publisher"),
                *columns(Source, "publisher_en", "author", "author_en", "published_on"),
                described(
                    Source,
                    "url",
                    name="document_url",
                    lookup="url",
                    description=("来源文件的原始网址。", "Where the document itself is found."),
                ),
                *columns(Source, "description", "description_en"),
                url_column("source-detail", "slug"),
            ],
        ),
        Table(
            "regions",
            ("区域", "Regions"),
            ("省、市、县（区）、乡镇、村。", "Provinces, cities, counties, towns and villages."),
            Region.objects.all,
            [
                *columns(Region, "id", "name", "name_en", "short_name", "short_name_en"),
                *columns(Region, "level", "parent_id", "side", "division_code", *CITED),
                url_column("region-detail"),
            ],
        ),
        Table(
            "organizations",
            ("单位", "Organisations"),
            (
                "出资、实施或受益的机关、企业、医院、学校和社会组织。",
                "Bodies that fund, carry out or receive help.",
            ),
            Organization.objects.all,
            [
                *columns(Organization, "id", "name", "name_en", "short_name", "short_name_en"),
                *columns(Organization, "kind", "region_id", "parent_id"),
                *columns(Organization, "description", "description_en", *CITED),
                url_column("organization-detail"),
            ],
        ),
        Table(
            "people",
            ("人员", "People"),
            ("只含以公职身份出现的人员。", "Only people who appear in a public office."),
            lambda: Person.objects.filter(is_public_figure=True),
            columns(Person, "id", "name", "name_en", "post", "post_en", "organization_id")
            + columns(Person, "region_id", *CITED),
        ),
        Table(
            "pairings",
            ("结对关系", "Pairings"),
            ("东部一方帮扶西部一方。", "An eastern party assisting a western one."),
            Pairing.objects.published,
            [
                *columns(Pairing, "id", "level", "mode"),
                published_link(
                    Pairing,
                    "parent",
                    ("上级结对未发布时为空。", "Empty where the parent is not published."),
                ),
                *columns(Pairing, "east_region_id", "east_organization_id", "east_count"),
                *columns(Pairing, "west_region_id", "west_organization_id", "west_count"),
                *columns(Pairing, "start_year", "description", "description_en", "updated_at"),
                *columns(Pairing, *CITED),
                url_column("pairing-detail"),
            ],
        ),
        Table(
            "projects",
            ("协作项目", "Projects"),
            ("已发布的协作项目。", "Published cooperation projects."),
            Project.objects.published,
            [
                *columns(Project, "id", "slug", "title", "title_en", "category"),
                published_link(Project, "pairing", NOT_PUBLISHED_PAIRING),
                *columns(Project, "start_year", "end_year", "work_status", "summary"),
                *columns(Project, "summary_en", "description", "description_en"),
                described(
                    Project,
                    "funds",
                    description=(
                        "本项目实际帮扶资金，单位：元（由 figures 表中本项目的帮扶资金汇总）。",
                        "The project's actual assistance funds in yuan (元), added up from "
                        "its assistance-fund rows in figures.",
                    ),
                ),
                described(
                    Project,
                    "funds_qualifier",
                    description=(
                        "资金是否确数，代码同 figures.qualifier：exact（确数）、at_least（多）、"
                        "about（约）、more_than（余）、less_than（不足）。",
                        "How exact the funds are, coded as figures.qualifier: exact, at_least, "
                        "about, more_than, less_than.",
                    ),
                ),
                *columns(Project, "updated_at", *CITED),
                url_column("project-detail", "slug"),
            ],
        ),
        Table(
            "project_locations",
            ("项目地点", "Project locations"),
            ("项目所在的区域。", "Where each project is."),
            lambda: ProjectLocation.objects.filter(project__status=PUBLISHED),
            columns(ProjectLocation, "id", "project_id", "region_id"),
        ),
        Table(
            "project_organizations",
            ("参与单位", "Project organisations"),
            (
                "参与项目的单位及其角色。",
                "The bodies taking part in each project, and their roles.",
            ),
            lambda: ProjectOrganization.objects.filter(project__status=PUBLISHED),
            columns(ProjectOrganization, "id", "project_id", "organization_id", "role"),
        ),
        Table(
            "beneficiaries",
            ("受益对象", "Beneficiaries"),
            ("受益的村、学校、医院、安置区或人群。", "Who or what benefits."),
            Beneficiary.objects.published,
            [
                *columns(Beneficiary, "id", "name", "name_en", "kind", "region_id"),
                *columns(Beneficiary, "organization_id", "description", "description_en"),
                *columns(Beneficiary, "updated_at", *CITED),
                url_column("beneficiary-detail"),
            ],
        ),
        Table(
            "benefits",
            ("受益关系", "Benefits"),
            ("受益对象如何从项目受益。", "How a beneficiary benefits from a project."),
            lambda: Benefit.objects.filter(
                project__status=PUBLISHED, beneficiary__status=PUBLISHED
            ),
            columns(Benefit, "id", "project_id", "beneficiary_id", "kind", "description")
            + columns(Benefit, "description_en", *CITED),
        ),
        Table(
            "indicators",
            ("年度指标", "Indicators"),
            (
                "结对关系整体的年度指标；数值见 figures 表。",
                "Annual measures of a whole pairing; values in figures.",
            ),
            Indicator.objects.published,
            columns(Indicator, "id", "pairing_id", "measure", "year", "note", "note_en"),
        ),
        Table(
            "figures",
            ("数据", "Figures"),
            (
                "平台上的每个数字，带单位、限定、性质、期间、范围，以及来源和原句。",
                "Every number the portal shows, with its unit, qualifier, kind, period, "
                "scope, source and the sentence it comes from.",
            ),
            Figure.objects.published,
            [
                *columns(Figure, "id", "measure", "label", "label_en"),
                described(
                    Figure,
                    "value",
                    description=(
                        "数值，单位见 unit（金额以元计，不含千位分隔符）；"
                        "是否确数见 qualifier，实际或预计见 kind。",
                        "The number in the figure's unit (money in yuan, 元, without "
                        "thousands separators); see qualifier for how exact, kind for "
                        "actual or expected.",
                    ),
                ),
                *columns(Figure, "unit", "qualifier", "kind", "period_kind", "period_start"),
                *columns(Figure, "period_end", "period", "period_en", "year", "scope"),
                *columns(Figure, "project_id", "indicator_id", "beneficiary_id", "benefit_id"),
                published_link(Figure, "pairing", NOT_PUBLISHED_PAIRING),
                described(
                    Figure,
                    "part_of_id",
                    lookup=Case(When(published_figure("part_of_id"), then=F("part_of_id"))),
                ),
                *columns(Figure, *CITED),
            ],
        ),
        Table(
            "figure_places",
            ("数据所涉地点", "Figure places"),
            ("范围为“所列地点”的数据所涉的区域。", "The regions a figure of scope “places” is of."),
            lambda: Figure.places.through.objects.filter(
                figure__in=Figure.objects.published().values("pk")
            ),
            [
                described(
                    Figure.places.through, "figure_id", required=True, title=("数据", "Figure")
                ),
                described(
                    Figure.places.through, "region_id", required=True, title=("区域", "Region")
                ),
            ],
            primary_key=("figure_id", "region_id"),
        ),
        Table(
            "events",
            ("大事记", "Events"),
            ("结对关系或项目的大事。", "Dated happenings of a pairing or a project."),
            Event.objects.published,
            [
                *columns(Event, "id", "title", "title_en", "kind", "date", "date_precision"),
                published_link(Event, "pairing", NOT_PUBLISHED_PAIRING),
                *columns(Event, "project_id", "description", "description_en", *CITED),
            ],
        ),
    ]
