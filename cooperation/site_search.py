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
The candidates' ids are read first, and the rows then by id: one query reads the ids of
every kind's text candidates, one the places (at most FEW + 1), one the ids of what is
linked to them and to the organisations found, one the organisations, then every other
kind in one query, and their counts in one more.
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
MODELS = {
    "projects": Project,
    "pairings": Pairing,
    "beneficiaries": Beneficiary,
    "organizations": Organization,
    "regions": Region,
    "people": Person,
    "sources": Source,
}
# The kinds found through a place or an organisation as well as by their own text.
LINKED = ("projects", "pairings", "beneficiaries", "organizations")


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


def read_ids(parts):
    """{label: [ids]} of every (label, part) in one query; a part is a RawSQL or a queryset
    of one column, and one that can select nothing reads as no ids."""
    selects, params, found = [], [], {label: [] for label, _part in parts}
    for label, part in parts:
        if isinstance(part, RawSQL):
            sql, part_params = part.sql, part.params
        else:
            try:
                sql, part_params = part.query.sql_with_params()
            except EmptyResultSet:
                continue
        selects.append(f"SELECT %s, part_{len(selects)}.* FROM ({sql}) AS part_{len(selects)}")
        params.extend([label, *part_params])
    if selects:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for label, pk in cursor.fetchall():
                found[label].append(pk)
    return found


def text_candidates(model, text):
    """A subquery of at most FEW + 1 ids of the model's records whose searched fields may
    contain the text: through its text index, or the first such rows."""
    fields = searched_fields(model)
    found = candidates(model, text, fields)
    return ids(model.objects.filter(contains(fields, text))) if found is None else found


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
    def by_text(self):
        """{kind: ids of at most FEW + 1 records whose text may contain the text}, read for
        every kind in one query. Reading the ids first lets each kind's rows be read by id:
        a condition on text or links inside the query made PostgreSQL read every row."""
        return read_ids(
            [(kind, text_candidates(model, self.text)) for kind, model in MODELS.items()]
        )

    def matching(self, kind):
        """The condition: one of the kind's candidates, whose searched fields contain the text."""
        fields = searched_fields(MODELS[kind])
        return Q(pk__in=self.by_text[kind]) & contains(fields, self.text)

    @cached_property
    def regions(self):
        """The places whose names contain the text, at most FEW + 1."""
        regions = Region.objects.filter(self.matching("regions")).order_by("path", "name")
        return list(limited(regions))

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

    @cached_property
    def linked(self):
        """{kind: ids of at most FEW + 1 records of each link}, in one query: what stands
        in a place found, and what the organisations whose text matches take part in."""
        within = self.within
        organizations = Organization.objects.filter(self.matching("organizations")).values("pk")
        parties = Q(east_region__in=within) | Q(west_region__in=within)
        parties |= Q(east_organization__in=organizations) | Q(west_organization__in=organizations)
        beneficiaries = Q(region__in=within) | Q(organization__in=organizations)
        roles = ProjectOrganization.objects.filter(organization__in=organizations)
        return read_ids(
            [
                ("organizations", ids(Organization.objects.filter(region__in=within))),
                ("projects", ids(ProjectLocation.objects.filter(region__in=within), "project_id")),
                ("projects", ids(roles, "project_id")),
                ("pairings", ids(Pairing.objects.filter(parties))),
                ("beneficiaries", ids(Beneficiary.objects.filter(beneficiaries))),
            ]
        )

    def found(self, kind, queryset):
        """The kind's records in `queryset` whose text contains the text, or, for the kinds
        that have links, that are linked to a place or organisation found."""
        condition = self.matching(kind)
        if kind in LINKED:
            condition |= Q(pk__in=self.linked[kind])
        return queryset.filter(condition)

    @cached_property
    def organizations(self):
        """The organisations whose text contains the text or that stand in a place found."""
        organizations = Organization.objects.select_related("region").order_by("name")
        return list(limited(self.found("organizations", organizations)))

    def projects(self):
        return self.found("projects", Project.objects.published_unindexed())

    def pairings(self):
        return self.found(
            "pairings", Pairing.objects.published_unindexed().select_related(*Pairing.PARTIES)
        )

    def beneficiaries(self):
        return self.found(
            "beneficiaries", Beneficiary.objects.published_unindexed().select_related("region")
        )

    def people(self):
        people = Person.objects.filter(is_public_figure=True).select_related("organization")
        return self.found("people", people)

    def sources(self):
        return self.found("sources", Source.objects.all())

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
