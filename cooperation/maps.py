"""A choropleth drawn by the server as SVG, from the reviewed map a deployer installed
(models/maps.py, `manage.py install_map`); without one, nothing is drawn.

A map is read once per process and kept by its id and install time, and each outline is
projected the first time a page draws it: an installed map never changes (a new edition
is a new map), so nothing has to expire. Longitude and latitude become x and y by an
equirectangular projection scaled by the cosine of the map's middle latitude, in units
of 1/10,000 degree, rounded to whole units and written as relative path steps, which
keeps each outline short. Which map is active is read once per version of the data
(counting.cached): one query after a change, none on a warm page.

What is drawn: the regions of the page's shapes, shaded by their value in five classes
of equal counts (quantiles), and around them their neighbours of the same level under the
same parent (the rest of 安顺市's counties), unshaded, so that no region floats alone.
Only when these are every region of the map (a national page of provinces on a map of
provinces) is the rest of the map drawn too, such as a line it carries.
"""

import functools
import math
import uuid
from dataclasses import dataclass

from cooperation.boundaries import canonical_code, code_level
from cooperation.counting import cached
from cooperation.models import ReviewedMap

CLASSES = 5
UNITS_PER_DEGREE = 10_000
# Room around the drawing, as a share of its larger side.
MARGIN = 0.02


@dataclass(frozen=True)
class Outline:
    code: str  # canonical, or "" for an element of the map that is not a region
    name: str
    d: str
    box: tuple  # min x, min y, max x, max y
    filled: bool


class Projected:
    """A map's features by code and in groups of neighbours (parent prefix, depth); each
    outline is projected the first time a page draws it, and kept."""

    def __init__(self, collection):
        features = collection.get("features", [])
        self.by_code, self.groups, self.elements, self.outlines = {}, {}, [], {}
        latitudes = [y for feature in features for _, y in positions(feature["geometry"])]
        middle = (min(latitudes) + max(latitudes)) / 2 if latitudes else 0
        self.scale = math.cos(math.radians(middle))
        for index, feature in enumerate(features):
            code = feature["properties"].get("code", "")
            if code:
                self.by_code[code] = index
                self.groups.setdefault(code_level(code), []).append(index)
            else:
                self.elements.append(index)
        self.features = features

    def outline(self, index):
        if index not in self.outlines:
            self.outlines[index] = outline_of(self.features[index], self.scale)
        return self.outlines[index]

    def outline_of_code(self, code):
        index = self.by_code.get(code)
        return None if index is None else self.outline(index)

    def drawn(self, indexes, leaving_out=()):
        outlines = (self.outline(index) for index in indexes)
        return [o for o in outlines if o is not None and o.code not in leaving_out]


@dataclass
class Area:
    outline: Outline
    value: object  # Decimal or None
    name: str
    text: str
    url: str
    shade: str  # "1" … "5", or "none" for a region without a value


@dataclass
class Drawing:
    """What includes/choropleth.html draws."""

    map: dict  # the active ReviewedMap's id, title, review_number, publisher
    view_box: str
    areas: list
    neighbours: list
    elements: list
    legend: list
    id: str


def active_map():
    """The active map's id, title, review number, publisher and install time, or None."""
    return cached(
        "reviewed-map:active",
        lambda: (
            ReviewedMap.objects.filter(active=True)
            .values("id", "title", "review_number", "publisher", "installed_at")
            .first()
        ),
    )


def choropleth(shapes):
    """The drawing of `shapes` (each with .region, .value, .text, .url) on the active
    reviewed map, or None when no map is installed or none of the regions is on it."""
    reviewed = active_map()
    if reviewed is None:
        return None
    projected = projection(reviewed["id"], reviewed["installed_at"])
    placed = []
    for shape in shapes:
        code = canonical_code(getattr(shape.region, "division_code", ""))
        outline = projected.outline_of_code(code) if code else None
        if outline is not None:
            placed.append((shape, outline))
    if not placed:
        return None
    shades = value_shades([shape.value for shape, _ in placed])
    areas = [
        Area(
            outline,
            shape.value,
            shape.region.display_name,
            shape.text or "",
            shape.url or "",
            shades.get(shape.value, "none"),
        )
        for shape, outline in placed
    ]
    drawn = {outline.code for _, outline in placed}
    groups = sorted({code_level(code) for code in drawn}, key=lambda group: group[1])
    neighbours = projected.drawn(
        [index for group in groups for index in projected.groups[group]], leaving_out=drawn
    )
    # When the page's regions and their neighbours are every region of the map, the rest
    # of the map (its lines) belongs with them.
    whole = set(groups) == set(projected.groups)
    elements = projected.drawn(projected.elements) if whole else []
    outlines = [area.outline for area in areas] + neighbours + elements
    return Drawing(
        map=reviewed,
        view_box=view_box(outlines),
        areas=sorted(areas, key=lambda area: code_level(area.outline.code)[1]),
        neighbours=neighbours,
        elements=elements,
        legend=legend(areas),
        id=f"choropleth-{uuid.uuid4().hex[:8]}",
    )


def value_shades(values):
    """{value: "1" … "5"} by quantile: the share of the values at or below it, in fifths,
    so that the largest value always takes the darkest class and equal values share one."""
    ordered = sorted(value for value in values if value is not None)
    return {
        value: str(math.ceil((rank + 1) * CLASSES / len(ordered)))
        for rank, value in enumerate(ordered)
    }


def legend(areas):
    """One row per class in use, from its lowest value to its highest as the page writes
    them (with their qualifiers), then a row for regions without a value."""
    rows = []
    shaded = sorted((a for a in areas if a.shade != "none"), key=lambda a: (a.shade, a.value))
    for shade in sorted({area.shade for area in shaded}):
        members = [area for area in shaded if area.shade == shade]
        low, high = members[0].text, members[-1].text
        rows.append({"shade": shade, "low": low, "high": high if high != low else ""})
    if any(area.shade == "none" for area in areas):
        rows.append({"shade": "none", "low": "", "high": ""})
    return rows


def view_box(outlines):
    left = min(outline.box[0] for outline in outlines)
    top = min(outline.box[1] for outline in outlines)
    right = max(outline.box[2] for outline in outlines)
    bottom = max(outline.box[3] for outline in outlines)
    margin = max(1, round(max(right - left, bottom - top) * MARGIN))
    return f"{left - margin} {top - margin} {right - left + 2 * margin} {bottom - top + 2 * margin}"


@functools.lru_cache(maxsize=4)
def projection(map_id, installed_at):
    """A map as read once per process: installed maps never change."""
    return Projected(ReviewedMap.objects.values_list("boundaries", flat=True).get(pk=map_id))


def outline_of(feature, scale):
    geometry, properties = feature["geometry"], feature["properties"]
    kind, coordinates = geometry["type"], geometry["coordinates"]
    filled = kind in ("Polygon", "MultiPolygon")
    if kind == "Polygon":
        lines = coordinates
    elif kind == "MultiPolygon":
        lines = [ring for polygon in coordinates for ring in polygon]
    elif kind == "LineString":
        lines = [coordinates]
    else:
        lines = coordinates
    steps, xs, ys = [], [], []
    for points in lines:
        projected = [
            (round(x * scale * UNITS_PER_DEGREE), round(-y * UNITS_PER_DEGREE)) for x, y in points
        ]
        kept = [p for i, p in enumerate(projected) if i == 0 or p != projected[i - 1]]
        if filled and len(kept) > 1 and kept[0] == kept[-1]:
            kept.pop()  # "z" closes the ring
        if len(kept) < (3 if filled else 2):
            continue
        xs += [x for x, _ in kept]
        ys += [y for _, y in kept]
        steps.append(path_of(kept, filled))
    if not steps:
        return None
    return Outline(
        code=properties.get("code", ""),
        name=properties.get("name", ""),
        d="".join(steps),
        box=(min(xs), min(ys), max(xs), max(ys)),
        filled=filled,
    )


def path_of(points, closed):
    """M x y, then each point as a step from the one before: short numbers."""
    (x0, y0), moves = points[0], []
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        moves.append(f"{x2 - x1} {y2 - y1}")
    return f"M{x0} {y0}l" + " ".join(moves) + ("z" if closed else "")


def positions(geometry):
    kind, coordinates = geometry["type"], geometry["coordinates"]
    depth = {"LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}[kind]
    parts = [coordinates]
    for _ in range(depth):
        parts = [item for part in parts for item in part]
    return parts
