"""Boundary files of a reviewed standard map, read for `manage.py install_map`.

A deployer's file is GeoJSON or TopoJSON in longitude/latitude. Each region's feature
carries its official division code (行政区划代码) in a property; lines of the map (a
national map's 南海 line, for one) and other uncoded features are kept as they are, since
leaving part of a reviewed map out is what makes a 问题地图. Coordinates are rounded to
four decimals (about 11 m) and repeated points dropped, which is finer than any page draws
and keeps what is stored, and later drawn, light.

Nothing here touches the database: `read_boundaries()` returns the FeatureCollection to
store, or raises BoundaryError with every problem found, worded for the deployer.
"""

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024
MAX_FEATURES = 50_000
MAX_POSITIONS = 5_000_000
DECIMALS = 4
# What a ring too small for DECIMALS keeps (about 1 cm).
FINEST = 7
# Where files from common sources keep the code: DataV and most web maps use "adcode".
CODE_PROPERTIES = ("code", "adcode", "division_code", "行政区划代码", "区划代码", "gb", "GB")
NAME_PROPERTIES = ("name", "NAME", "名称")
AREAS = {"Polygon", "MultiPolygon"}
LINES = {"LineString", "MultiLineString"}
# How many examples a message lists before saying how many more there are.
EXAMPLES = 5


class BoundaryError(ValueError):
    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


def canonical_code(value):
    """An official division code as 12 digits (520425 → 520425000000), or None.

    Codes are 6 digits down to counties, 9 for towns and 12 for villages; files give them
    as text or numbers, sometimes in full-width digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if len(text) not in (6, 9, 12) or not text.isascii() or not text.isdigit():
        return None
    return text.ljust(12, "0")


def code_level(code):
    """(the code's parent prefix, its depth 0–4) for a canonical code: 520425000000 is a
    county (2) under 5204. Regions that share both are drawn together as neighbours."""
    parts = [code[0:2], code[2:4], code[4:6], code[6:9], code[9:12]]
    depth = max((i for i, part in enumerate(parts) if i == 0 or set(part) != {"0"}), default=0)
    return "".join(parts[:depth]), depth


@dataclass
class Reading:
    """What a file held: the collection to store and what the deployer should hear."""

    collection: dict
    coded: int = 0
    uncoded_names: list = field(default_factory=list)


def read_boundaries(path, code_property=None):
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise BoundaryError(
            [f"{path.name} is larger than {MAX_BYTES // 1024 // 1024} MB; simplify it first."]
        )
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryError([f"{path.name} is not UTF-8 JSON: {error}"]) from None
    return collect(features_of(document), code_property)


def features_of(document):
    """The GeoJSON features of a FeatureCollection, a Feature or a TopoJSON Topology."""
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "Topology":
        return topology_features(document)
    if kind == "FeatureCollection" and isinstance(document.get("features"), list):
        return document["features"]
    if kind == "Feature":
        return [document]
    raise BoundaryError(
        ["The file is neither a GeoJSON FeatureCollection nor a TopoJSON Topology."]
    )


def topology_features(topology):
    """TopoJSON's objects as GeoJSON features. Each arc is a line of positions, quantized
    and delta-encoded when the topology has a transform; a ring lists arc indices, ~i for
    arc i walked backwards, and consecutive arcs share their joining position."""
    objects = topology.get("objects") or {}
    arcs = topology.get("arcs") or []
    if sum(len(arc) for arc in arcs) > MAX_POSITIONS:
        raise BoundaryError([f"The topology has more than {MAX_POSITIONS:,} positions."])
    transform = topology.get("transform")
    decoded = [decode_arc(arc, transform) for arc in arcs]

    def ring(indices):
        positions = []
        for index in indices:
            arc = decoded[index] if index >= 0 else decoded[~index][::-1]
            positions.extend(arc[1:] if positions else arc)
        return positions

    def geometry(shape):
        kind = shape.get("type")
        if kind == "Polygon":
            return {"type": kind, "coordinates": [ring(r) for r in shape["arcs"]]}
        if kind == "MultiPolygon":
            return {"type": kind, "coordinates": [[ring(r) for r in p] for p in shape["arcs"]]}
        if kind == "LineString":
            return {"type": kind, "coordinates": ring(shape["arcs"])}
        if kind == "MultiLineString":
            return {"type": kind, "coordinates": [ring(r) for r in shape["arcs"]]}
        return {"type": kind} if kind else None

    features = []

    def walk(shape):
        if shape.get("type") == "GeometryCollection":
            for member in shape.get("geometries", []):
                walk(member)
            return
        feature = {"type": "Feature", "properties": shape.get("properties") or {}}
        if "id" in shape:
            feature["id"] = shape["id"]
        try:
            feature["geometry"] = geometry(shape)
        except (IndexError, KeyError, TypeError):
            raise BoundaryError(["The topology refers to arcs it does not hold."]) from None
        features.append(feature)

    for shape in objects.values():
        walk(shape)
    return features


def decode_arc(arc, transform):
    if not transform:
        return [(float(x), float(y)) for x, y, *_ in arc]
    (scale_x, scale_y), (shift_x, shift_y) = transform["scale"], transform["translate"]
    x = y = 0
    positions = []
    for dx, dy, *_ in arc:
        x, y = x + dx, y + dy
        positions.append((x * scale_x + shift_x, y * scale_y + shift_y))
    return positions


def collect(features, code_property):
    """The FeatureCollection to store: every feature checked, its code made canonical and
    its coordinates simplified; BoundaryError lists everything that is wrong at once."""
    if len(features) > MAX_FEATURES:
        raise BoundaryError([f"The file has {len(features):,} features; at most {MAX_FEATURES:,}."])
    problems, kept, seen = [], [], {}
    reading = Reading(collection={"type": "FeatureCollection", "features": kept})
    for number, feature in enumerate(features, start=1):
        geometry = (feature or {}).get("geometry") or {}
        properties = (feature or {}).get("properties") or {}
        name = str(first_of(properties, NAME_PROPERTIES) or "")
        label = f"feature {number}" + (f" (“{name}”)" if name else "")
        kind = geometry.get("type")
        if kind not in AREAS | LINES:
            problems.append(
                f"{label} is a {kind or 'missing'} geometry; a map's regions must be Polygon "
                "or MultiPolygon (lines may be LineString or MultiLineString)."
            )
            continue
        if not positions_are_degrees(geometry.get("coordinates")):
            problems.append(
                f"{label} has coordinates outside longitude/latitude; "
                "the file must be in degrees (CGCS2000 or WGS 84), not projected."
            )
            continue
        raw = properties.get(code_property) if code_property else None
        if raw is None and not code_property:
            raw = first_of(properties, CODE_PROPERTIES)
        if raw is None and not code_property:
            raw = feature.get("id")
        code = canonical_code(raw) if kind in AREAS else None
        if code and code in seen:
            problems.append(f"{label} has the code {raw} of feature {seen[code]} too.")
            continue
        try:
            coordinates = simplified(kind, geometry["coordinates"])
        except (IndexError, TypeError, ValueError):
            problems.append(f"{label} has malformed coordinates (an empty ring or line).")
            continue
        if code:
            seen[code] = number
            reading.coded += 1
        else:
            reading.uncoded_names.append(name or str(number))
        kept.append(
            {
                "type": "Feature",
                "properties": {"code": code or "", "name": name},
                "geometry": {"type": kind, "coordinates": coordinates},
            }
        )
    if not problems and not reading.coded:
        where = (
            f"property “{code_property}”"
            if code_property
            else "properties " + ", ".join(CODE_PROPERTIES)
        )
        problems.append(
            f"No region carries a 6-, 9- or 12-digit division code in its {where} or id; "
            "name the property with --code-property."
        )
    if problems:
        raise BoundaryError(problems[:20] + more(problems, 20))
    return reading


def first_of(properties, names):
    return next((properties[n] for n in names if properties.get(n) not in (None, "")), None)


def more(items, shown):
    return [f"… and {len(items) - shown} more."] if len(items) > shown else []


def positions_are_degrees(coordinates):
    try:
        return all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in positions(coordinates))
    except (TypeError, ValueError):
        return False


def positions(coordinates):
    if coordinates and isinstance(coordinates[0], int | float):
        yield coordinates[0], coordinates[1]
        return
    for part in coordinates or ():
        yield from positions(part)


def simplified(kind, coordinates):
    """Rounded coordinates without repeated positions. A ring or line that rounding would
    shrink to nothing (an islet, a reef) keeps finer coordinates: nothing of a reviewed map
    is left out."""
    if kind == "Polygon":
        return polygon(coordinates)
    if kind == "MultiPolygon":
        return [polygon(part) for part in coordinates]
    if kind == "LineString":
        return line(coordinates, 2)
    return [line(part, 2) for part in coordinates]


def polygon(rings):
    return [closed_ring(ring) for ring in rings]


def closed_ring(points):
    """A ring ends where it starts."""
    for decimals in (DECIMALS, FINEST):
        kept = line(points, 1, decimals)
        if kept[0] != kept[-1]:
            kept.append(kept[0])
        if len(kept) >= 4:
            return kept
    return kept


def line(points, fewest, decimals=DECIMALS):
    kept = []
    for x, y, *_ in points:
        position = [round(float(x), decimals), round(float(y), decimals)]
        if not kept or kept[-1] != position:
            kept.append(position)
    if len(kept) < fewest and decimals < FINEST:
        return line(points, fewest, FINEST)
    return kept
