"""What the synthesizer remembers of the rows it wrote, and the names it has given out.

Later stages need only a county's towns, villages, bodies and beneficiaries by primary key,
so these small records stand in for the model instances, which are let go once written.
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

from cooperation.models import Organization, Pairing, Region
from cooperation.synthetic.vocabulary import FIRST_CHARS, SECOND_CHARS


@dataclass(slots=True)
class Village:
    pk: int
    name: str
    beneficiary: int | None = None


@dataclass(slots=True)
class Town:
    pk: int
    name: str
    villages: list = field(default_factory=list)


@dataclass(slots=True)
class Party:
    """An organisation as later stages need it."""

    pk: int
    name: str


@dataclass(slots=True)
class County:
    """A western county or eastern district, with what lies in it once created."""

    row: Region
    prefix: str  # the city (or municipality) name, to tell same-named counties apart
    towns: list = field(default_factory=list)
    organizations: dict = field(default_factory=dict)
    beneficiaries: dict = field(default_factory=dict)
    partners: int = 0

    @property
    def short(self):
        return self.row.display_name

    @property
    def key(self):
        """What seeds this county's own random stream: its name, never its pk."""
        return f"{self.prefix}/{self.row.name}"

    def parties(self, kind):
        return self.organizations.get(kind, [])


@dataclass(slots=True)
class Child:
    """A pairing under a county pairing, and where on the western side it works."""

    level: str
    row: Pairing | None = None
    pk: int | None = None
    town: Town | None = None
    village: Village | None = None
    organization: Party | None = None


@dataclass(slots=True)
class Unit:
    """One district↔county pairing and the pairings under it."""

    index: int
    east: County
    west: County
    pairing: int | None = None
    children: dict = field(default_factory=dict)  # project category → [Child]


@dataclass(slots=True)
class Batch:
    """The rows of one batch of projects, in the order they are inserted."""

    projects: list = field(default_factory=list)
    locations: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    parts: list = field(default_factory=list)
    places: list = field(default_factory=list)
    benefits: list = field(default_factory=list)
    benefit_figures: list = field(default_factory=list)
    events: list = field(default_factory=list)


def moment(rng, year):
    """A time in the given year, drawn from the seed's stream rather than the clock."""
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(270))
    return datetime.datetime.combine(day, datetime.time(9, rng.randrange(60)), datetime.UTC)


@contextmanager
def given_timestamps(*models):
    """Let bulk_create keep the created_at/updated_at set here instead of the clock's."""
    fields = [m._meta.get_field(name) for m in models for name in ("created_at", "updated_at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Names:
    """Fresh place and organisation names that collide with nothing already stored."""

    def __init__(self):
        self.organizations = set(Organization.objects.values_list("name", flat=True))
        self.cities = set(
            Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.CITY]).values_list(
                "name", flat=True
            )
        )
        self.under_province = {}
        for parent_id, name in Region.objects.filter(
            parent__isnull=False, parent__parent__isnull=True
        ).values_list("parent_id", "name"):
            self.under_province.setdefault(parent_id, set()).add(name)

    @staticmethod
    def fresh(rng, taken, suffix, first=FIRST_CHARS, second=SECOND_CHARS, infix=""):
        """A two-character stem and a whole name not in `taken` (which it joins)."""
        for _attempt in range(100):
            a, b = rng.choice(first), rng.choice(second)
            stem = a + b if a != b else a + rng.choice(second.replace(a, ""))
            name = f"{stem}{infix}{suffix}"
            if name not in taken:
                taken.add(name)
                return stem, name
        raise RuntimeError(f"No free name ending in {suffix} is left.")

    def organization(self, *candidates):
        """The first candidate not yet taken, else the last one numbered."""
        choices = [*candidates, *(f"{candidates[-1]}（{n}）" for n in range(2, 1000))]
        name = next(c for c in choices if c not in self.organizations)
        self.organizations.add(name)
        return name
