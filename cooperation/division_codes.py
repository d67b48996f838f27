"""The deployer's table of official division codes (行政区划代码), read for
`manage.py install_map`: one row per region, `division_code` and either `region_id` or
`path` (贵州省/安顺市/紫云自治县, each step by full or short name).

`read_code_table()` checks every row before anything is written and returns the regions
with their new codes, or raises CodeTableError with each bad row's line number: a path
that names no region or more than one, a code that is not 6, 9 or 12 digits or does not
fit the region's level or its parent's code, a code or region given twice, a code that
another region already holds.
"""

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q

from cooperation.boundaries import canonical_code, code_level
from cooperation.models import Region

PATH_STEP = re.compile(r"\s*[/／›>]\s*")
# The depth a region's code has at each level (boundaries.code_level).
CODE_DEPTH = {
    Region.Level.PROVINCE: {0},
    Region.Level.CITY: {1, 2},  # a prefecture, or a county-level city under the province
    Region.Level.COUNTY: {2},
    Region.Level.TOWN: {3},
    Region.Level.VILLAGE: {4},
}


class CodeTableError(ValueError):
    def __init__(self, problems):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Row:
    line: int
    region: Region
    code: str  # as the table gives it: 6, 9 or 12 digits


def read_code_table(path):
    with open(path, "rb") as file:
        try:
            text = file.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CodeTableError([f"The table is not UTF-8: {error}"]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = {(name or "").strip() for name in reader.fieldnames or ()}
    if "division_code" not in header or not header & {"path", "region_id"}:
        raise CodeTableError(
            ["line 1: the table needs a division_code column and a path or region_id column."]
        )
    rows = [
        (reader.line_num, {(k or "").strip(): (v or "").strip() for k, v in row.items() if k})
        for row in reader
    ]
    problems, found = [], []
    regions = RegionFinder([row for _, row in rows])
    for line, row in rows:
        region, problem = regions.find(row)
        given = row.get("division_code", "")
        code = canonical_code(given)
        if problem is None and code is None:
            problem = f"“{given}” is not a 6-, 9- or 12-digit division code"
        if problem is None:
            # Stored as long as it was given, in plain digits.
            found.append(Row(line, region, code[: len(unicodedata.normalize("NFKC", given))]))
        else:
            problems.append(f"line {line}: {problem}.")
    problems += conflicts(found)
    if problems:
        raise CodeTableError(sorted(problems, key=line_number))
    return found


def line_number(problem):
    return int(problem.split(":")[0].removeprefix("line "))


class RegionFinder:
    """Finds a row's region among those the table names, read in one query."""

    def __init__(self, rows):
        names, ids = set(), set()
        for row in rows:
            names.update(part for part in PATH_STEP.split(row.get("path", "")) if part)
            value = row.get("region_id", "")
            if value.isascii() and value.isdigit():
                ids.add(int(value))
        records = Region.objects.filter(
            Q(name__in=names) | Q(short_name__in=names) | Q(pk__in=ids)
        ).select_related("parent")
        self.by_id = {region.pk: region for region in records}
        self.children = {}
        for region in records:
            self.children.setdefault(region.parent_id, []).append(region)

    def find(self, row):
        """(the region, None) or (None, what is wrong)."""
        if row.get("region_id"):
            value = row["region_id"]
            region = self.by_id.get(int(value)) if value.isascii() and value.isdigit() else None
            return (region, None) if region else (None, f"no region has the id “{value}”")
        steps = [part for part in PATH_STEP.split(row.get("path", "")) if part]
        if not steps:
            return None, "the row names no region (path or region_id)"
        parent = None
        for depth, step in enumerate(steps):
            matches = [
                region
                for region in self.children.get(parent.pk if parent else None, [])
                if step in (region.name, region.short_name)
            ]
            where = "/".join(steps[:depth]) or "the top level"
            if not matches:
                return None, f"no region “{step}” under “{where}”"
            if len(matches) > 1:
                return None, f"“{step}” under “{where}” could be any of {len(matches)} regions"
            parent = matches[0]
        return parent, None


def conflicts(rows):
    """Codes and regions given twice, codes that do not fit, codes held elsewhere."""
    problems, by_code, by_region = [], {}, {}
    for row in rows:
        code = canonical_code(row.code)
        if code in by_code:
            problems.append(f"line {row.line}: the code {row.code} is on line {by_code[code]} too.")
            continue
        if row.region.pk in by_region:
            problems.append(
                f"line {row.line}: the region is on line {by_region[row.region.pk]} too."
            )
            continue
        by_code[code], by_region[row.region.pk] = row.line, row.line
        _, depth = code_level(code)
        if depth not in CODE_DEPTH[row.region.level]:
            problems.append(
                f"line {row.line}: {row.code} is not the code of a "
                f"{Region.Level(row.region.level).name.lower()}."
            )
    new_codes = {row.region.pk: canonical_code(row.code) for row in rows}
    problems += parents_disagree(rows, new_codes)
    problems += held_elsewhere(rows)
    return problems


def parents_disagree(rows, new_codes):
    """A code begins with its parent's: 520425 lies under 5204 (安顺市) and 52 (贵州省)."""
    problems = []
    for row in rows:
        parent = row.region.parent
        if parent is None:
            continue
        parent_code = new_codes.get(parent.pk) or canonical_code(parent.division_code)
        if parent_code and not canonical_code(row.code).startswith(own_prefix(parent_code)):
            problems.append(
                f"line {row.line}: {row.code} does not lie under the code "
                f"{parent_code.rstrip('0') or parent_code} of “{parent.name}”."
            )
    return problems


def own_prefix(code):
    _, depth = code_level(code)
    return code[: (2, 4, 6, 9, 12)[depth]]


def held_elsewhere(rows):
    """Codes that regions outside the table already hold, in any of their spellings."""
    spellings = {}
    for row in rows:
        code = canonical_code(row.code)
        for length in (6, 9, 12):
            if code[length:].strip("0") == "":
                spellings[code[:length]] = row
    taken = (
        Region.objects.filter(division_code__in=spellings)
        .exclude(pk__in=[row.region.pk for row in rows])
        .values_list("division_code", "name")
    )
    return [
        f"line {spellings[code].line}: the code {spellings[code].code} belongs to “{name}” already."
        for code, name in taken
    ]
