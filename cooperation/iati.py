"""IATI 2.03 activity XML of the published projects: one <iati-activity> per project.

What goes where (codes in cooperation/iati_codes.py):
- iati-identifier: the reporting organisation's identifier, "-", the project's id (its
  slug may be edited; an IATI identifier never changes).
- participating-org: the eastern party of the project's published pairing as Funding and
  Extending; the project's funders as Funding, implementers and operators as Implementing.
  A project with none of these names the reporting organisation as Accountable, since
  IATI requires one participating organisation.
- activity-date: IATI requires one. A start or end year is read as 1 January or
  31 December of that year, and the date's narrative says that the source gives the year
  only. A project without either is dated by its source's publication date (or else the
  day it was recorded), and the narrative says that this is when the source reports it
  under way (or planned), not when it began.
- transaction: each actual assistance-funds figure in 元 of the project itself (not a part
  of another figure, not given for the whole pairing) is a Disbursement, an expected or
  target one an Outgoing Commitment, in CNY. Its date is the end of the figure's period,
  or else its source's publication date (the money was given by then); a figure with
  neither is left out rather than dated by guess.
- result: every other figure is an indicator of the result for its measure. Its period is
  the figure's own; a cumulative figure without a start and a stock are read at their end
  date, and a figure of unknown period at its source's publication date, each saying so in
  a comment. A figure with no date at all has an indicator without a period.

- document-link: the project's public page in Chinese and in English (Activity web page).
  Locations are named regions with no point: the portal records no coordinates.

The file is streamed: the header, then one activity at a time, read in chunks of CHUNK
projects with what they show prefetched; an activity kept for its project's data
(cooperation/fragments.py) is not built again. It is built with the standard library's
ElementTree; lxml is only a test dependency (the XSD check).
"""

import hashlib
import re
from itertools import islice
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation

from cooperation import iati_codes as codes
from cooperation.formatting import figure_text, plain_number
from cooperation.fragments import KeptPieces
from cooperation.models import Figure, Project, ProjectLocation, ProjectOrganization
from cooperation.models.periods import Period
from cooperation.quantities import Qualifier, Unit

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The narratives' languages: IATI's ISO 639-1 code, and the portal's language for labels.
LANGUAGES = (("zh", "zh-hans"), ("en", "en"))
CHUNK = 100
# Characters XML 1.0 cannot carry, which a pasted text may still hold.
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# What a figure's qualifier means for the single number IATI gives.
QUALIFIER_NOTES = {
    Qualifier.AT_LEAST: ("来源写作“多”：至少此数", "At least this value, as the source says"),
    Qualifier.MORE_THAN: ("来源写作“余”：超过此数", "More than this value, as the source says"),
    Qualifier.ABOUT: ("来源写作“约”：约为此数", "About this value, as the source says"),
    Qualifier.LESS_THAN: ("来源写作“不足”：少于此数", "Less than this value, as the source says"),
}


class ReportingOrganisation:
    def __init__(self, ref, type, name):
        self.ref, self.type, self.name = ref, type, name

    @classmethod
    def from_settings(cls):
        """The publisher's IATI identity, or None while any of its three settings is empty."""
        found = cls(
            settings.IATI_REPORTING_ORG_REF,
            settings.IATI_REPORTING_ORG_TYPE,
            settings.IATI_REPORTING_ORG_NAME,
        )
        return found if found.ref and found.type and found.name else None

    def element(self, parent, tag="reporting-org", **attributes):
        element = SubElement(parent, tag, ref=self.ref, type=self.type, **attributes)
        SubElement(element, "narrative").text = xml_text(self.name)
        return element


def xml_text(text):
    return NOT_IN_XML.sub("", str(text))


def narratives(parent, zh, en=""):
    """Chinese and English texts as narratives; an empty English text is left out."""
    for lang, text in (("zh", zh), ("en", en)):
        if text:
            SubElement(parent, "narrative", {XML_LANG: lang}).text = xml_text(text)
    return parent


def in_both_languages(text_of):
    """`text_of()` as read in Chinese and in English (labels, formatted figures)."""
    texts = []
    for _code, language in LANGUAGES:
        with translation.override(language):
            texts.append(str(text_of()))
    return texts


def text_element(parent, tag, zh, en="", **attributes):
    return narratives(SubElement(parent, tag, **attributes), zh, en)


def iso(date):
    return date.isoformat()


def projects_for_activities(ids):
    """The published projects of `ids`, with what their activities show, in id order."""
    return (
        Project.objects.published()
        .filter(pk__in=ids)
        .order_by("pk")
        .select_related("source", "pairing__east_region", "pairing__east_organization")
        .prefetch_related(
            Prefetch(
                "project_locations",
                queryset=ProjectLocation.objects.select_related("region").order_by("region__path"),
            ),
            Prefetch(
                "roles",
                queryset=ProjectOrganization.objects.select_related("organization").order_by(
                    "role", "organization__name"
                ),
            ),
            Prefetch("figures", queryset=Figure.objects.select_related("source").order_by("pk")),
        )
    )


def stream(ids, reporter, origin, generated=None):
    """The document as text pieces: header, one activity each, footer. `origin` is the
    scheme and host the projects' pages are read at (https://example.org)."""
    generated = (generated or timezone.now()).replace(microsecond=0)
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<iati-activities version="2.03" generated-datetime="{generated.isoformat()}">\n'
    )
    ids = iter(ids)
    while chunk := list(islice(ids, CHUNK)):
        yield from activity_texts(chunk, reporter, origin)
    yield "</iati-activities>\n"


# What an activity shows besides its project's own record and figures.
ACTIVITY_NAMES = ("names:region", "names:organization", "names:source")


def activity_texts(ids, reporter, origin):
    """The activities of the published projects of `ids`, in id order, as text: those kept
    for their project's data as kept, the others built."""
    pairings = dict(Project.objects.published().filter(pk__in=ids).values_list("pk", "pairing_id"))
    publisher = f"{reporter.ref}\n{reporter.type}\n{reporter.name}\n{origin}"
    kept = KeptPieces.of(
        f"iati:{hashlib.sha256(publisher.encode()).hexdigest()[:16]}",
        {
            pk: [f"project:{pk}", f"label:pairing:{pairing}", *ACTIVITY_NAMES]
            for pk, pairing in pairings.items()
        },
    )
    texts = {pk: kept.kept(pk) for pk in pairings} if kept is not None else {}
    missing = [pk for pk in pairings if texts.get(pk) is None]
    for project in projects_for_activities(missing):
        texts[project.pk] = tostring(activity(project, reporter, origin), encoding="unicode") + "\n"
        if kept is not None:
            kept.keep(project.pk, texts[project.pk])
    for pk in sorted(pairings):
        if texts.get(pk) is not None:  # None: unpublished since the ids were read
            yield texts[pk]


def activity(project, reporter, origin):
    element = Element(
        "iati-activity",
        {
            "last-updated-datetime": project.updated_at.replace(microsecond=0).isoformat(),
            XML_LANG: "zh",
            "default-currency": codes.CURRENCY,
        },
    )
    SubElement(element, "iati-identifier").text = f"{reporter.ref}-{project.pk}"
    reporter.element(element)
    text_element(element, "title", project.title, project.title_en)
    text_element(
        element,
        "description",
        project.description or project.summary or project.title,
        project.description_en or project.summary_en or project.title_en,
        type="1",
    )
    participating_orgs(element, project, reporter)
    SubElement(element, "activity-status", code=codes.ACTIVITY_STATUS[project.work_status])
    activity_dates(element, project)
    SubElement(element, "recipient-country", code=codes.RECIPIENT_COUNTRY)
    for place in project.project_locations.all():
        location(element, place.region)
    sector = SubElement(
        element,
        "sector",
        vocabulary=codes.SECTOR_VOCABULARY,
        code=codes.SECTORS[project.category],
    )
    narratives(sector, *in_both_languages(project.get_category_display))
    figures = list(project.figures.all())
    given = [figure for figure in figures if is_transaction(figure)]
    for figure in given:
        transaction(element, figure)
    for code, language in LANGUAGES:  # the project's public page in each language
        with translation.override(language):
            page = origin + project.get_absolute_url()
        link = SubElement(element, "document-link", url=page, format="text/html")
        text_element(link, "title", project.title, project.title_en)
        SubElement(link, "category", code=codes.ACTIVITY_WEB_PAGE)
        SubElement(link, "language", code=code)
    results(element, [figure for figure in figures if figure not in given])
    return element


def participating_orgs(parent, project, reporter):
    named = set()

    def add(role, organisation_type, zh, en):
        if (role, zh) in named:
            return
        named.add((role, zh))
        attributes = {"role": role, **({"type": organisation_type} if organisation_type else {})}
        text_element(parent, "participating-org", zh, en, **attributes)

    pairing = project.pairing
    if pairing.is_published:
        party_type, zh, en = eastern_party(pairing)
        for role in codes.EASTERN_PARTY_ROLES:
            add(role, party_type, zh, en)
    for link in project.roles.all():
        organization = link.organization
        for role in codes.ROLES.get(link.role, ()):
            add(
                role,
                codes.ORGANISATION_TYPES[organization.kind],
                organization.name,
                organization.name_en,
            )
    if not named:
        reporter.element(parent, "participating-org", role=codes.ACCOUNTABLE)


def eastern_party(pairing):
    """(IATI organisation type or "", Chinese name, English name) of the pairing's east."""
    if pairing.east_organization is not None:
        organization = pairing.east_organization
        return codes.ORGANISATION_TYPES[organization.kind], organization.name, organization.name_en
    if pairing.east_count is None:
        region = pairing.east_region
        return codes.REGION_GOVERNMENT, region.name, region.name_en
    # Parties only counted ("南沙区8家医院"): their kind is not recorded.
    return "", *in_both_languages(lambda: pairing.east_label)


def activity_dates(parent, project):
    started = project.work_status != Project.WorkStatus.PLANNED
    start_type = codes.ACTUAL_START if started else codes.PLANNED_START
    if project.start_year:
        text_element(
            parent,
            "activity-date",
            f"{project.start_year}年开始（来源只给出年份）",
            f"Started in {project.start_year} (the source gives the year only)",
            type=start_type,
            **{"iso-date": f"{project.start_year}-01-01"},
        )
    if project.end_year:
        ended = project.work_status == Project.WorkStatus.COMPLETED
        text_element(
            parent,
            "activity-date",
            f"{project.end_year}年结束（来源只给出年份）",
            f"Ends in {project.end_year} (the source gives the year only)",
            type=codes.ACTUAL_END if ended else codes.PLANNED_END,
            **{"iso-date": f"{project.end_year}-12-31"},
        )
    if project.start_year or project.end_year:
        return
    reported = project.source.published_on
    state_zh, state_en = ("已在实施", "under way") if started else ("尚在计划中", "planned")
    if reported:
        zh = f"开始日期不详：来源于{iso(reported)}报道时项目{state_zh}"
        en = f"Start date unknown: the source of {iso(reported)} reports the project {state_en}"
    else:
        reported = timezone.localdate(project.created_at)
        zh = f"开始日期不详：本平台于{iso(reported)}记录时项目{state_zh}"
        en = f"Start date unknown: recorded here on {iso(reported)} as {state_en}"
    text_element(parent, "activity-date", zh, en, type=start_type, **{"iso-date": iso(reported)})


def location(parent, region):
    element = SubElement(parent, "location", ref=f"region-{region.pk}")
    SubElement(element, "location-reach", code=codes.ACTIVITY_HAPPENS_HERE)
    text_element(element, "name", region.name, region.name_en)
    # No point: the portal records places, not coordinates, and none is made up.
    SubElement(
        element,
        "location-class",
        code=codes.LOCATION_CLASSES.get(region.level, codes.ADMINISTRATIVE_REGION),
    )


def is_transaction(figure):
    return (
        figure.measure == Figure.Measure.ASSISTANCE_FUNDS
        and figure.unit == Unit.YUAN
        and figure.part_of_id is None
        and figure.scope != Figure.Scope.PAIRING
        and transaction_date(figure) is not None
    )


def transaction_date(figure):
    return figure.period_end or figure.source.published_on


def figure_description(figure):
    """ "帮扶资金：2750多万元，去年（2022年）" and its English."""

    def text():
        chinese = not translation.get_language().startswith("en")
        colon, comma = ("：", "，") if chinese else (": ", ", ")
        words = f"{figure.translated('label')}{colon}{figure_text(figure)}"
        period = figure.period_label
        return f"{words}{comma}{period}" if period else words

    return in_both_languages(text)


def transaction(parent, figure):
    date = iso(transaction_date(figure))
    element = SubElement(parent, "transaction", ref=f"figure-{figure.pk}")
    SubElement(element, "transaction-type", code=codes.TRANSACTION_TYPES[figure.kind])
    SubElement(element, "transaction-date", {"iso-date": date})
    value = SubElement(element, "value", {"currency": codes.CURRENCY, "value-date": date})
    value.text = str(figure.value)
    text_element(element, "description", *figure_description(figure))


def results(parent, figures):
    by_measure = {}
    for figure in figures:
        by_measure.setdefault(figure.measure, []).append(figure)
    for measure, measured in by_measure.items():
        result = SubElement(parent, "result", type=codes.RESULT_TYPES[measure])
        text_element(
            result, "title", *in_both_languages(lambda m=measured[0]: m.get_measure_display())
        )
        for figure in measured:
            indicator(result, figure)


def indicator(parent, figure):
    measure = codes.PERCENTAGE_MEASURE if figure.unit == Unit.PERCENT else codes.UNIT_MEASURE
    element = SubElement(parent, "indicator", measure=measure)
    text_element(element, "title", figure.label, figure.label_en)
    text_element(element, "description", *figure_description(figure))
    dates = indicator_period(figure)
    if dates is None:
        return
    start, end, reading = dates
    period = SubElement(element, "period")
    SubElement(period, "period-start", {"iso-date": iso(start)})
    SubElement(period, "period-end", {"iso-date": iso(end)})
    tag = "actual" if figure.kind == Figure.Kind.ACTUAL else "target"
    value = SubElement(period, tag, value=plain_number(figure.value))
    notes = [reading] if reading else []
    if figure.qualifier in QUALIFIER_NOTES:
        notes.append(QUALIFIER_NOTES[figure.qualifier])
    if notes:
        comment = SubElement(value, "comment")
        narratives(comment, "；".join(zh for zh, _en in notes), "; ".join(en for _zh, en in notes))


def indicator_period(figure):
    """(start, end, (zh, en) note or None) of a figure's indicator period, or None."""
    kind, start, end = figure.period_kind, figure.period_start, figure.period_end
    if kind == Period.FLOW or (kind == Period.CUMULATIVE and start):
        return start, end, None
    if kind == Period.CUMULATIVE:
        return end, end, ("截至该日的累计值", "Cumulative value as at this date")
    if kind == Period.STOCK:
        return end, end, None
    reported = figure.source.published_on
    if reported is None:
        return None
    return (
        reported,
        reported,
        ("来源未说明期间，此为来源发布日期", "Period not stated: the date is the source's"),
    )
