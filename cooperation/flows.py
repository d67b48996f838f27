"""The east→west flow diagram: who gave whom how much, as parties in two columns joined by
bands, with no outline of any territory (a 示意图, not a map, so it needs no map review).

Each view is of the pairings below one place, at one depth of the region tree:
- national: every eastern province beside the western provinces it assists;
- a province (or a city): its cities (its counties) and their partners one level down;
- a county, a town, a village: the place itself and the eastern parties paired to it.
A party is a region at the view's depth (an organisation stands in its region). A pairing
whose party on either side lies above that depth (广州市's hospital paired with a county's)
has no band in the view; it is counted in the band of the view above, and in the totals
of the parties, which cover every pairing of their breakdown.

A band's value is the total of one headline (cooperation.totals) of the figures of the
pairings from its eastern party to its western one: the set `between(east, west)` of
cooperation.attribution, which the breakdown page opens with ?east=…&west=…, so that a
band and its breakdown show the same number. It is made, like every band and party of
every view, from one query of the totals of each pairing (totals_by, cached under the
data's version) merged with `combined()`: the rules classify each figure the same
whichever set it is read in, so a merge of pairings' totals is the total of their figures.
A view reads two cached lists (the pairings' ends, their totals) and the names of its
parties; the finished view is cached too, so a page costs no query at any size once warm.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cooperation.attribution import unshared
from cooperation.counting import NAMES, TOTALS, cached, summary
from cooperation.models import Figure, Pairing, Publication, Region, Side
from cooperation.totals import HEADLINE_BY_KEY, HEADLINES, Total, combined, totals_by

# What a diagram shows: the pairings' ends (parties, their organisations' places), their
# totals and the names of places.
ENDS = ("list:pairing", "list:organization", "list:region")


def flow_scopes(region=None):
    """The scopes of the diagram of `region` (None: national): a region's shows only the
    pairings with a party in it or below, and a change of their figures touches it
    (cooperation/invalidation.py)."""
    return (TOTALS if region is None else f"region:{region.pk}", *ENDS, *NAMES)


NATIONAL = "national"
LEVELS = (NATIONAL, *Region.Level.values)
# The measures a visitor may pick, by their headline keys (?flow=funds).
DEFAULT_FLOW = "funds"
FLOWS = tuple(headline.key for headline in HEADLINES)
# The depth of the parties in the view of a place of each level: a province's cities, a
# city's counties, and from the county down the place itself.
UNIT_DEPTH = {
    NATIONAL: 0,
    Region.Level.PROVINCE: 1,
    Region.Level.CITY: 2,
    Region.Level.COUNTY: 2,
    Region.Level.TOWN: 3,
    Region.Level.VILLAGE: 4,
}


class ShowsTotal:
    """A shape standing for a total: its value, its text (qualifier included), its breakdown."""

    @property
    def value(self):
        return self.total.value

    @property
    def qualifier(self):
        return self.total.qualifier

    @property
    def text(self):
        return value_text(self.total)

    @property
    def url(self):
        return self.total.breakdown_url


@dataclass
class Party(ShowsTotal):
    """A region in one column, with the total of the pairings its breakdown lists."""

    region: Region
    side: str
    total: Total
    page_url: str = ""
    # Where the other side of its pairings lies: the view's place, or anywhere.
    toward: str = ""
    # Geometry (viewBox units), set by layout().
    y: float = 0
    height: float = 0
    label: str = ""
    node_x: float = 0
    text_x: float = 0
    anchor: str = "start"
    name_y: float = 0
    value_y: float = 0

    @property
    def name(self):
        return self.region.display_name


@dataclass
class Band(ShowsTotal):
    """The pairings from one eastern party to one western party."""

    east: Party
    west: Party
    total: Total
    thickness: float = 0
    path: str = ""
    middle: tuple = (0, 0)

    @property
    def is_empty(self):
        """Nothing the rules add: drawn thin and dashed, never as a zero."""
        return self.total.value is None


@dataclass
class Diagram:
    level: str
    region: Region | None
    flow: str
    year: int | None
    east: list = field(default_factory=list)
    west: list = field(default_factory=list)
    bands: list = field(default_factory=list)
    width: int = 0
    height: int = 0

    @property
    def headline(self):
        return HEADLINE_BY_KEY[self.flow]

    @property
    def flows(self):
        return [(headline.key, headline.label) for headline in HEADLINES]

    @property
    def parties(self):
        return [*self.east, *self.west]

    @property
    def shapes(self):
        """The western parties, for a choropleth beside the diagram (cooperation.maps)."""
        return self.west


def value_text(total):
    return total.text if total.value is not None else _("无可加总数据")


def chosen_flow(value):
    return value if value in HEADLINE_BY_KEY else DEFAULT_FLOW


def pairing_ends():
    """Each published pairing as (id, eastern region id, its path, western region id, its
    path): the region of its party, or of its party's organisation. One query."""
    ends = {}
    for side in (Side.EAST, Side.WEST):
        ends[f"{side}_id"] = Coalesce(f"{side}_region", f"{side}_organization__region")
        ends[f"{side}_path"] = Coalesce(
            f"{side}_region__path", f"{side}_organization__region__path"
        )
    rows = (
        Pairing.objects.filter(status=Publication.PUBLISHED)
        .order_by("pk")
        .annotate(**ends)
        .values_list("pk", *ends)
    )
    return [row for row in rows if row[1] is not None and row[3] is not None]


def pairing_totals(flow, year):
    """{pairing id: Total} of one headline for every pairing with figures. One query."""
    headline = HEADLINE_BY_KEY[flow]
    figures = Figure.objects.published().filter(pairing__isnull=False)
    by_pairing = totals_by(F("pairing"), [unshared(figures)], year, [headline])
    return {pk: totals[0] for pk, totals in by_pairing.items()}


def chain(region_id, path):
    """The ids from the province down to the region."""
    return [int(part) for part in path.strip("/").split("/") if part] + [region_id]


def within(ids, region):
    return region is None or region.pk in ids


def diagram(region=None, flow=DEFAULT_FLOW, year=None):
    """The view of `region` (None: national), for one headline and one year or all."""
    flow = chosen_flow(flow)
    key = f"flows:{region.pk if region else NATIONAL}:{flow}:{year}:{get_language()}"
    return summary(key, lambda: compute(region, flow, year), flow_scopes(region))


def compute(region, flow, year):
    headline = HEADLINE_BY_KEY[flow]
    level = region.level if region is not None else NATIONAL
    depth = UNIT_DEPTH[level]
    ends = cached("flows:pairings", pairing_ends, ENDS)
    totals = summary(f"flows:totals:{flow}:{year}", lambda: pairing_totals(flow, year), [TOTALS])
    side = region.side if region is not None else None
    here = {}
    for pk, east_id, east_path, west_id, west_path in ends:
        chains = {Side.EAST: chain(east_id, east_path), Side.WEST: chain(west_id, west_path)}
        if side is None or region.pk in chains[side]:
            here[pk] = chains
    # The parties: the regions at the view's depth that some pairing here reaches.
    units = {Side.EAST: set(), Side.WEST: set()}
    pairs = {}
    for pk, chains in here.items():
        if all(len(chains[s]) > depth for s in chains):
            pair = (chains[Side.EAST][depth], chains[Side.WEST][depth])
            pairs.setdefault(pair, []).append(pk)
            units[Side.EAST].add(pair[0])
            units[Side.WEST].add(pair[1])
    regions = Region.objects.in_bulk(units[Side.EAST] | units[Side.WEST])

    def total_of(pairings, where):
        made = combined(headline, [totals[pk] for pk in pairings if pk in totals], year)
        made.where = where
        return made

    parties = {}
    for party_side, ids in units.items():
        other = Side.WEST if party_side == Side.EAST else Side.EAST
        for pk in ids:
            # The party's breakdown: its pairings (within the view's place, on the other side).
            where = {party_side: pk}
            if side is not None and side != party_side:
                where[side] = region.pk
            listed = [
                pairing
                for pairing, chains in here.items()
                if pk in chains[party_side] and (side != other or region.pk in chains[other])
            ]
            parties[pk] = Party(
                region=regions[pk],
                side=party_side,
                total=total_of(listed, where),
                page_url=page_link(regions[pk], flow, year),
                toward=region.display_name if len(where) > 1 else _("全部"),
            )
    bands = [
        Band(parties[east], parties[west], total_of(listed, {"east": east, "west": west}))
        for (east, west), listed in pairs.items()
    ]
    result = Diagram(level=level, region=region, flow=flow, year=year, bands=bands)
    result.east = ordered(p for p in parties.values() if p.side == Side.EAST)
    result.west = ordered(p for p in parties.values() if p.side == Side.WEST)
    layout(result)
    return result


def ordered(parties):
    """Largest first; parties with nothing to add last, by name."""
    return sorted(parties, key=lambda p: (p.value is None, -(p.value or 0), p.name, p.region.pk))


# Geometry, in viewBox units: labels left of the eastern nodes and right of the western.
WIDTH = 600
LABEL_WIDTH = 190
NODE_WIDTH = 12
TOP, GAP = 8, 16
SLOT = 44  # the least height of a party: its name and its value, one line each
STACK = 60  # the height per party of the fuller column's bands, at most
MAX_STACK = 480
MIN_BAND = 1.5  # the least thickness of a band with a value, so that it can be seen
EMPTY_BAND = 2
NAME_UNITS = 180  # the room for a label (a 15-unit font)


def layout(result):
    """Coordinates of every node and band: thickness ∝ value, one scale for the view."""
    columns = (result.east, result.west)
    band_sums = {}
    for band in result.bands:
        for party in (band.east, band.west):
            band_sums[party.region.pk] = band_sums.get(party.region.pk, 0) + (band.value or 0)
    fullest = max(
        sum((band_sums.get(p.region.pk, 0) for p in column), Decimal(0)) for column in columns
    )
    room = min(MAX_STACK, STACK * max(len(result.east), len(result.west), 1))
    scale = Decimal(room) / fullest if fullest else Decimal(0)
    for band in result.bands:
        if band.value is None:
            band.thickness = EMPTY_BAND
        else:
            band.thickness = max(float(band.value * scale), MIN_BAND)
    east_x = LABEL_WIDTH + NODE_WIDTH
    west_x = WIDTH - LABEL_WIDTH - NODE_WIDTH
    starts = {}
    bottom = 0
    for column, other in ((result.east, "west"), (result.west, "east")):
        rank = {p.region.pk: n for n, p in enumerate(getattr(result, other))}
        y = TOP
        for party in column:
            own = [b for b in result.bands if getattr(b, party.side) is party]
            own.sort(key=lambda b: rank[getattr(b, other).region.pk])
            stack = sum(b.thickness for b in own)
            party.height = max(stack, 4)
            slot = max(party.height, SLOT)
            party.y = round(y + (slot - party.height) / 2, 2)
            offset = party.y
            for band in own:
                starts[(id(band), party.side)] = offset
                offset += band.thickness
            party.label = clipped(party.name)
            east = party.side == Side.EAST
            party.node_x = LABEL_WIDTH if east else west_x
            party.text_x = LABEL_WIDTH - 8 if east else west_x + NODE_WIDTH + 8
            party.anchor = "end" if east else "start"
            party.name_y = round(y + slot / 2 - 3, 2)
            party.value_y = round(y + slot / 2 + 15, 2)
            y += slot + GAP
        bottom = max(bottom, y)
    middle = (east_x + west_x) / 2
    for band in result.bands:
        y0, y1, t = starts[(id(band), "east")], starts[(id(band), "west")], band.thickness
        band.path = ribbon(east_x, y0, west_x, y1, t, middle)
        band.middle = (round(middle, 2), round((y0 + y1 + t) / 2, 2))
    result.width = WIDTH
    result.height = int(bottom - GAP + TOP)


def ribbon(x0, y0, x1, y1, thickness, middle):
    """A band from (x0, y0) to (x1, y1) as a closed path of two cubic curves."""

    def point(x, y):
        return f"{round(x, 2):g},{round(y, 2):g}"

    return (
        f"M{point(x0, y0)} C{point(middle, y0)} {point(middle, y1)} {point(x1, y1)} "
        f"L{point(x1, y1 + thickness)} "
        f"C{point(middle, y1 + thickness)} {point(middle, y0 + thickness)} "
        f"{point(x0, y0 + thickness)} Z"
    )


def clipped(name, room=NAME_UNITS):
    """The name, cut with an ellipsis where it would run past its column (a wide character
    is a font size wide, a narrow one about half)."""
    used = 0
    for index, character in enumerate(name):
        used += 15 if ord(character) > 0x2E80 else 8
        if used > room:
            return name[: max(index - 1, 1)] + "…"
    return name


def page_link(region, flow, year):
    """The region's page at its diagram, keeping the visitor's measure and year."""
    query = "&".join(
        ([] if flow == DEFAULT_FLOW else [f"flow={flow}"]) + ([f"year={year}"] if year else [])
    )
    return f"{region.get_absolute_url()}{'?' + query if query else ''}#flow-diagram"
