"""Records named as admins name them in a spreadsheet, not by their ids.

A place is written as its path, 贵州省/安顺市/紫云苗族布依族自治县, with full or short names
(Chinese or English) at each level; a level may be left out (贵州省/紫云自治县), the names
may run together (广州市南沙区), and a name that is unique alone needs no path. An
autonomous county may be shortened as people do (紫云县 for 紫云苗族布依族自治县). An
organisation is written as its name or short name; a pairing as its two parties, east
first ("南沙区 → 紫云自治县", "南沙区—紫云自治县", "广州市南沙区 紫云县"), with the
counted form where the source only counts the parties ("南沙区14个乡镇 → 紫云自治县13个乡镇").
A number is still read as an id.

A name that fits several records is refused with the candidates and their paths; an
unknown one with the nearest valid names. Both errors are ValueErrors, which the import
shows staff as they are (cooperation/admin/imports.py).

What is cached: a `Names` is made for one import or export (one resource instance). It
reads every region, organisation and pairing once, on first use (three queries), and keeps
them for as long as the import runs; it never goes stale within a request, and nothing
outlives it.
"""

import difflib
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cooperation.models import Organization, Pairing, Region
from cooperation.models.base import in_english

ID = re.compile(r"\d+")
PARTY_SEPARATORS = re.compile(r"\s*(?:→|->|=>|↔|<->|⇄|——|—|–|－|-|\s)\s*")
COUNTED = re.compile(r"^(?P<name>.+?)(?P<count>\d+)\s*(?:个|家|所|名).*$")
AUTONOMOUS_SUFFIXES = ("自治县", "自治州", "自治旗", "县", "州", "旗")
NEAREST = 5
SHOWN = 8


def normal(text):
    """A name as compared: full-width forms folded (／, （）, digits), no spaces, any case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).casefold()


def listed(texts, limit=SHOWN):
    texts = list(texts)
    more = _("等%(count)d个") % {"count": len(texts)} if len(texts) > limit else ""
    # The list separator is the language's own: 、 in Chinese, a comma in English.
    return pgettext("列举分隔符", "、").join(texts[:limit]) + more


def nearest(text, choices):
    """The few valid names closest to a mistyped one, by difflib's ratio."""
    by_normal = {}
    for choice in choices:
        by_normal.setdefault(normal(choice), choice)
    found = difflib.get_close_matches(normal(text), list(by_normal), n=NEAREST, cutoff=0.4)
    return [by_normal[key] for key in found]


def unknown(model, text, suggestions):
    message = _("找不到%(model)s“%(text)s”。") % {"model": model._meta.verbose_name, "text": text}
    if suggestions:
        message += _("相近的有：%(names)s。") % {"names": listed(suggestions)}
    return ValueError(message)


def unknown_id(model, key):
    return ValueError(
        _("找不到编号为“%(key)s”的%(model)s。") % {"key": key, "model": model._meta.verbose_name}
    )


def ambiguous(model, text, candidates, hint):
    return ValueError(
        _("“%(text)s”对应多个%(model)s：%(candidates)s。%(hint)s")
        % {
            "text": text,
            "model": model._meta.verbose_name,
            "candidates": listed(candidates),
            "hint": hint,
        }
    )


@dataclass
class Named:
    """A region or organisation as the index holds it."""

    pk: int
    names: tuple
    parent_id: int | None = None  # a region's parent; an organisation's region
    name: str = ""
    name_en: str = ""
    short_name: str = ""
    short_name_en: str = ""

    @property
    def label(self):
        return (self.name_en or self.name) if in_english() else self.name

    @property
    def short_label(self):
        if in_english():
            return self.short_name_en or self.name_en or self.short_name or self.name
        return self.short_name or self.name


def named(row, parent_id):
    pk, name, name_en, short_name, short_name_en = row
    names = tuple({normal(n) for n in (name, name_en, short_name, short_name_en) if n})
    return Named(pk, names, parent_id, name, name_en, short_name, short_name_en)


class Names:
    """Every region, organisation and pairing, read once, looked up by name. Lookups
    answer pks (or raise ValueError); `record()` gives the record, read once each."""

    NAME_FIELDS = ("pk", "name", "name_en", "short_name", "short_name_en")

    def __init__(self):
        self._regions = self._organizations = self._pairings = None
        self._found = {}
        self._records = {}
        self.written_keys = {}  # (model, pk): the key an export writes (import_widgets.py)

    def record(self, model, pk):
        if model is Pairing:
            return self.pairings[pk]
        if (model, pk) not in self._records:
            self._records[model, pk] = model.objects.get(pk=pk)
        return self._records[model, pk]

    # Regions --------------------------------------------------------------------------

    @property
    def regions(self):
        if self._regions is None:
            rows = Region.objects.values_list(*self.NAME_FIELDS, "parent_id")
            self._regions = {row[0]: named(row[:5], row[5]) for row in rows}
            self._region_names = by_name(self._regions.values())
            self._autonomous = [r for r in self._regions.values() if "自治" in r.name]
        return self._regions

    @property
    def region_names(self):
        return self.regions and self._region_names

    def region_path(self, pk):
        """贵州省/安顺市/紫云苗族布依族自治县: full names, from the province down."""
        parts = []
        while pk is not None and pk in self.regions:
            parts.append(self.regions[pk].label)
            pk = self.regions[pk].parent_id
        return "/".join(reversed(parts))

    def region_key(self, pk):
        """The shortest key that names the region alone: its name, else its path."""
        region = self.regions.get(pk)
        if region is None:
            return str(pk)
        if self.region_names.get(normal(region.label)) == [pk]:
            return region.label
        return self.region_path(pk)

    def region(self, text):
        return self._found_or_refused(Region, text, self._region_candidates, self.region_path)

    def _region_candidates(self, text):
        segments = re.split(r"\s*/\s*", unicodedata.normalize("NFKC", text))
        segments = [normal(part) for part in segments if part.strip()]
        if not segments:
            return set()
        if len(segments) == 1 and not self._region_level(segments[0]):
            return {pk for run in self._runs(segments[0]) for pk in self._on_path(run)}
        return self._on_path(segments)

    def _region_level(self, segment):
        """The regions one name (one level of a path) may mean."""
        found = set(self.region_names.get(segment, ()))
        if found:
            return found
        for suffix in AUTONOMOUS_SUFFIXES:  # 紫云县, 紫云自治县: 紫云苗族布依族自治县
            stem = segment.removesuffix(suffix)
            if stem != segment and len(stem) >= 2:
                found |= {
                    r.pk
                    for r in self._autonomous
                    if r.name.startswith(stem) and r.name.endswith(suffix[-1])
                }
        return found

    def _on_path(self, segments):
        """Regions named by the last segment whose ancestors, in order, bear the others."""
        found = set()
        for pk in self._region_level(segments[-1]):
            wanted = list(segments[:-1])
            parent = self.regions[pk].parent_id
            while wanted and parent is not None:
                if parent in self._region_level(wanted[-1]):
                    wanted.pop()
                parent = self.regions[parent].parent_id
            if not wanted:
                found.add(pk)
        return found

    def _runs(self, text, depth=0):
        """The ways a name written without separators (广州市南沙区) splits into names."""
        if depth > 5:
            return
        for end in range(2, len(text) - 1):
            if self._region_level(text[:end]):
                for rest in self._runs(text[end:], depth + 1):
                    yield [text[:end], *rest]
        if depth and self._region_level(text):
            yield [text]

    # Organisations --------------------------------------------------------------------

    @property
    def organizations(self):
        if self._organizations is None:
            rows = Organization.objects.values_list(*self.NAME_FIELDS, "region_id")
            self._organizations = {row[0]: named(row[:5], row[5]) for row in rows}
            self._organization_names = by_name(self._organizations.values())
        return self._organizations

    @property
    def organization_names(self):
        return self.organizations and self._organization_names

    def organization_key(self, pk):
        organization = self.organizations.get(pk)
        return organization.label if organization else str(pk)

    def organization(self, text):
        return self._found_or_refused(
            Organization,
            text,
            lambda text: set(self.organization_names.get(normal(text), ())),
            self._organization_with_place,
        )

    def _organization_with_place(self, pk):
        organization = self.organizations[pk]
        place = self.region_path(organization.parent_id)
        return f"{organization.label}（{place}）" if place else organization.label

    # Pairings -------------------------------------------------------------------------

    @property
    def pairings(self):
        if self._pairings is None:
            pairings = Pairing.objects.select_related(*Pairing.PARTIES).order_by("pk")
            self._pairings = {pairing.pk: pairing for pairing in pairings}
        return self._pairings

    def pairing_key(self, pk):
        """The pairing's own label, where that label names it alone, else its id."""
        pairing = self.pairings.get(pk)
        if pairing is None:
            return str(pk)
        try:
            return str(pairing) if self.pairing(str(pairing)) == pk else str(pk)
        except ValueError:
            return str(pk)

    def pairing(self, text):
        return self._found_or_refused(
            Pairing, text, self._pairing_candidates, self._pairing_with_level
        )

    def _pairing_with_level(self, pk):
        pairing = self.pairings[pk]
        return f"{pairing}（{pairing.get_level_display()}，{_('编号')} {pk}）"

    def _pairing_candidates(self, text):
        written = normal(PARTY_SEPARATORS.sub("", text))
        by_label = {pk for pk, pairing in self.pairings.items() if label_key(pairing) == written}
        if by_label:
            return by_label
        parts = [part for part in PARTY_SEPARATORS.split(text.strip()) if part]
        found = set()
        for split in range(1, len(parts)):
            east = self._party(" ".join(parts[:split]))
            west = self._party(" ".join(parts[split:]))
            if east and west:
                found |= self._paired(east, west)
        return found

    def _party(self, text):
        """(regions, organisations, count) a party's text may mean, or None."""
        counted = COUNTED.match(normal(text))
        name, count = (counted["name"], int(counted["count"])) if counted else (text, None)
        regions = self._region_candidates(name)
        organizations = set(self.organization_names.get(normal(name), ()))
        return (regions, organizations, count) if regions or organizations else None

    def _paired(self, east, west):
        matching = [
            pairing
            for pairing in self.pairings.values()
            if party_fits(pairing, "east", east) and party_fits(pairing, "west", west)
        ]
        # Uncounted parties name the pairing of those parties, not the counted ones below.
        uncounted = [
            pairing
            for pairing in matching
            if (east[2] is not None or pairing.east_count is None)
            and (west[2] is not None or pairing.west_count is None)
        ]
        return {pairing.pk for pairing in uncounted or matching}

    # Records named by their own fields (projects, sources, beneficiaries) -----------------

    def keyed(self, model, text, fields, shown=None):
        """The pk of the record whose first field that matches at all (slug, then title…)
        matches once; one query per distinct text. A number is also tried as an id."""
        text = str(text).strip()
        if (model, text) not in self._found:
            self._found[model, text] = self._find_keyed(model, text, fields, shown or fields[0])
        found = self._found[model, text]
        if isinstance(found, ValueError):
            raise found
        return found

    def _find_keyed(self, model, text, fields, shown):
        matches = Q()
        for field in fields:
            matches |= Q(**{field: text})
        if ID.fullmatch(text):
            matches |= Q(pk=int(text))
        rows = list(model.objects.filter(matches).values("pk", *fields))
        for field in (*fields, "pk"):
            found = [row for row in rows if str(row[field]) == text]
            if len(found) == 1:
                return found[0]["pk"]
            if found:
                described = [self._described(model, row["pk"]) for row in found]
                hint = _("请写得更完整，或填写编号。")
                return ambiguous(model, text, described, hint)
        if ID.fullmatch(text):
            return unknown_id(model, text)
        near = model.objects.filter(**{f"{shown}__icontains": text[:2]})
        names = near.values_list(shown, flat=True)[:2000]
        return unknown(model, text, nearest(text, names))

    def _described(self, model, pk):
        record = model.objects.get(pk=pk)
        place = getattr(record, "region_id", None)
        if place is not None:
            return f"{record}（{self.region_path(place)}，{_('编号')} {pk}）"
        slug = getattr(record, "slug", None)
        return f"{record}（{slug or pk}）"

    # Shared ---------------------------------------------------------------------------

    def _found_or_refused(self, model, text, candidates, described):
        """The record's pk, or a ValueError that names the candidates or the nearest."""
        text = str(text).strip()
        if (model, text) not in self._found:
            self._found[model, text] = self._find(model, text, candidates, described)
        found = self._found[model, text]
        if isinstance(found, ValueError):
            raise found
        return found

    def _find(self, model, text, candidates, described):
        index = {Region: self.regions, Organization: self.organizations, Pairing: self.pairings}
        if ID.fullmatch(text):
            return int(text) if int(text) in index[model] else unknown_id(model, text)
        found = sorted(candidates(text))
        if len(found) == 1:
            return found[0]
        if found and model is Region:
            hint = _("请写出上级路径，如“%(path)s”。") % {"path": self.region_path(found[0])}
            return ambiguous(model, text, [described(pk) for pk in found], hint)
        if found:
            hint = _("请写得更完整，或填写编号。")
            return ambiguous(model, text, [described(pk) for pk in found], hint)
        return unknown(model, text, self._suggestions(model, text))

    def _suggestions(self, model, text):
        if model is Region:
            last = re.split(r"\s*/\s*", unicodedata.normalize("NFKC", text))[-1]
            names = {}
            for region in self.regions.values():
                for name in (region.name, region.short_name, region.name_en):
                    if name:
                        names.setdefault(name, region.pk)
            return [f"{name}（{self.region_path(names[name])}）" for name in nearest(last, names)]
        if model is Organization:
            return nearest(text, [o.label for o in self.organizations.values()])
        return nearest(text, [str(pairing) for pairing in self.pairings.values()])


def label_key(pairing):
    return normal(PARTY_SEPARATORS.sub("", str(pairing)))


def by_name(records):
    index = {}
    for record in records:
        for name in record.names:
            index.setdefault(name, []).append(record.pk)
    return index


def party_fits(pairing, side, party):
    regions, organizations, count = party
    region_id = getattr(pairing, f"{side}_region_id")
    organization_id = getattr(pairing, f"{side}_organization_id")
    if organization_id is not None:
        named = organization_id in organizations
    else:
        named = region_id in regions
    return named and (count is None or getattr(pairing, f"{side}_count") == count)
