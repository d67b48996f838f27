"""The site search behind the header's box: one text over projects, pairings,
beneficiaries, organisations, places, people and sources, grouped by kind.

A record is found by its own searched fields (cooperation/search.py), and some by the
records they are linked to as well:

- a place (region) that matches brings every place below it: 紫云 finds the county, so
  a project, pairing, beneficiary or organisation located in the county or in one of its
  towns or villages is found too;
- an organisation whose own text matches brings the projects it takes part in, the
  pairings it is a party to and the beneficiaries it is.

What a search costs does not grow with the data. Each kind is narrowed to at most
search.FEW candidates through indexes (the text indexes, the region path index, the
ProjectLocation and ProjectOrganization indexes) before its rows are ordered, and counts
stop there: "more than 1000" rather than a count of every row. Past that many, a group
shows matches among the first candidates found, and the visitor is asked for more words.
The queries are the same whatever the text finds: places and organisations are read once
(at most FEW + 1 of each), every other kind in one query, and their counts in one more.
"""

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cooperation.models import (
    Beneficiary,
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
from cooperation.search import FEW, candidates, contains, searched_fields

MAX_LENGTH = 100
# Records a group shows on the page of all kinds; its own page lists up to FEW.
SHOWN = 10
# Places with places below them that may widen a search to their subtrees. More would
# make a condition SQLite cannot parse; they are found only for very common text.
SUBTREES_MAX = 20

KINDS = {
    "projects": pgettext_lazy("复数", "项目"),
    "pairings": pgettext_lazy("复数", "结对关系"),
    "beneficiaries": pgettext_lazy("复数", "受益对象"),
    "organizations": pgettext_lazy("复数", "单位"),
    "regions": pgettext_lazy("复数", "区域"),
    "people": pgettext_lazy("复数", "人员"),
    "sources": pgettext_lazy("复数", "来源"),
}


def cleaned(raw):
    """(text, problem): the text to look for, or why there is none, in plain words."""
    text = (raw or "").strip()
    if not text:
        return "", _("请输入要查找的字词。")
    if len(text) > MAX_LENGTH:
        return "", _("最多 %(limit)d 个字，请缩短后再试。") % {"limit": MAX_LENGTH}
    if not text.isprintable():
        return "", _("查找的字词中有无法识别的字符，请重新输入。")
    return text, None


def any_of(*parts):
    """A subquery of the ids that any of the parts select. A part is a RawSQL or a
    queryset of one column; one that can select nothing is left out."""
    selects, params = [], []
    for part in parts:
        if isinstance(part, RawSQL):
            sql, part_params = part.sql, part.params
        else:
            try:
                sql, part_params = part.query.sql_with_params()
            except EmptyResultSet:
                continue
        selects.append(f"SELECT * FROM ({sql}) AS part_{len(selects)}")
        params.extend(part_params)
    return RawSQL(" UNION ".join(selects), params)


def found(queryset, text, *linked):
    """The records of `queryset` whose searched fields contain `text`, or whose id one of
    the `linked` querysets (of at most FEW + 1 ids each) selects."""
    model = queryset.model
    fields = searched_fields(model)
    by_text = candidates(model, text, fields)
    if by_text is None:
        by_text = ids(model.objects.filter(contains(fields, text)))
    condition = contains(fields, text)
    for records in linked:
        condition |= Q(pk__in=records)
    return queryset.filter(pk__in=any_of(by_text, *linked)).filter(condition)


def published(model):
    """The model's published records, through a condition no index serves (iexact): a
    search is narrowed by its candidates, and SQLite, which keeps no statistics, would
    otherwise walk the status index through every published record."""
    return model.objects.filter(status__iexact=Publication.PUBLISHED)


def limited(queryset):
    return queryset[: FEW + 1]


def ids(queryset, column="pk"):
    """A subquery of at most FEW + 1 ids, in no order (an order would sort every match)."""
    return limited(queryset.order_by().values(column))


@dataclass
class Group:
    """A kind of record found: the first records and how many were found (FEW + 1
    standing for "more than FEW")."""

    kind: str
    records: list
    total: int
    text: str
    label: str = field(init=False)

    def __post_init__(self):
        self.label = KINDS[self.kind]

    @property
    def query(self):
        """The query string of the kind's own page."""
        return urlencode({"q": self.text, "kind": self.kind})

    @property
    def is_cut(self):
        return self.total > len(self.records)

    @property
    def is_many(self):
        return self.total > FEW


class SiteSearch:
    def __init__(self, text):
        self.text = text

    @cached_property
    def regions(self):
        """The places whose names contain the text, at most FEW + 1."""
        return list(limited(found(Region.objects.order_by("path", "name"), self.text)))

    @cached_property
    def within(self):
        """The places found and every place below them."""
        ids = {region.pk for region in self.regions}
        condition = Q(pk__in=ids)
        tops = [
            region
            for region in self.regions
            if region.level != Region.Level.VILLAGE and not ids.intersection(region.ancestor_ids)
        ]
        for region in tops[:SUBTREES_MAX]:
            condition |= Q(path__startswith=region.subtree_path)
        return Region.objects.filter(condition).order_by().values("pk")

    def organizations_by_text(self):
        return ids(found(Organization.objects.all(), self.text))

    @cached_property
    def organizations(self):
        """The organisations whose text contains the text or that stand in a place found."""
        located = ids(Organization.objects.filter(region__in=self.within))
        organizations = Organization.objects.select_related("region").order_by("name")
        return list(limited(found(organizations, self.text, located)))

    def projects(self):
        located = ProjectLocation.objects.filter(region__in=self.within)
        roles = ProjectOrganization.objects.filter(organization__in=self.organizations_by_text())
        return found(
            published(Project),
            self.text,
            ids(located, "project_id"),
            ids(roles, "project_id"),
        )

    def pairings(self):
        within, organizations = self.within, self.organizations_by_text()
        parties = Pairing.objects.filter(
            Q(east_region__in=within)
            | Q(west_region__in=within)
            | Q(east_organization__in=organizations)
            | Q(west_organization__in=organizations)
        )
        pairings = published(Pairing).select_related(*Pairing.PARTIES)
        return found(pairings, self.text, ids(parties))

    def beneficiaries(self):
        linked = Beneficiary.objects.filter(
            Q(region__in=self.within) | Q(organization__in=self.organizations_by_text())
        )
        beneficiaries = published(Beneficiary).select_related("region")
        return found(beneficiaries, self.text, ids(linked))

    def people(self):
        people = Person.objects.filter(is_public_figure=True).select_related("organization")
        return found(people, self.text)

    def sources(self):
        return found(Source.objects.all(), self.text)

    def records(self, kind):
        """The kind's records found, in their order: a list for places and organisations
        (read once), a queryset for the others."""
        if kind in ("regions", "organizations"):
            return getattr(self, kind)
        return getattr(self, kind)()

    def groups(self):
        """Every kind with its first SHOWN records, in one query per kind and one for the
        counts of those that are not read whole."""
        records = {kind: self.records(kind) for kind in KINDS}
        queried = {kind: found for kind, found in records.items() if not isinstance(found, list)}
        totals = capped_counts(queried)
        groups = []
        for kind, found in records.items():
            if kind in queried:
                groups.append(Group(kind, list(found[:SHOWN]), totals[kind], self.text))
            else:
                groups.append(Group(kind, found[:SHOWN], len(found), self.text))
        return groups


def capped_counts(querysets):
    """{name: the number of rows, up to FEW + 1} for each queryset, in one query."""
    selects, params, totals = [], [], {}
    for name, queryset in querysets.items():
        try:
            sql, query_params = ids(queryset).query.sql_with_params()
        except EmptyResultSet:
            totals[name] = 0
            continue
        selects.append((name, f"(SELECT COUNT(*) FROM ({sql}) AS found)"))
        params.extend(query_params)
    if selects:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(sql for _name, sql in selects), params)
            row = cursor.fetchone()
        totals.update({name: count for (name, _sql), count in zip(selects, row, strict=True)})
    return totals
