"""Which pairing and which project a quantity of a report probably belongs to.

Read once, when an intake starts (cooperation/intake.py), and kept with its proposals: the
places and bodies the report names are found by their names, short names and stems
(南沙区 → 南沙, 紫云县 → 紫云), and each sentence is matched against the pairings whose
parties it names, then against those pairings' projects by the places and bodies they
list and the words of their titles. The sentence counts most, the report as a whole
breaks ties. A proposal is only a proposal: the reviewer sees and changes it.

The cost is bounded at any size of the data: a name is searched for in the text only when
its first two characters occur in it, and at most a few hundred pairings and projects are
read.
"""

from dataclasses import dataclass, field

from django.db.models import Q

from cooperation.models import Organization, Pairing, Project, ProjectLocation, Region

SUFFIXES = ("自治县", "自治州", "自治区", "街道", "社区", "省", "市", "区", "县", "镇", "乡", "村")
MAX_PAIRINGS = 200
MAX_PROJECTS = 300
# Below this, no project is proposed: the reviewer picks one or makes a new one.
PROJECT_THRESHOLD = 2.5
BROAD_LEVELS = {Region.Level.PROVINCE, Region.Level.CITY, Region.Level.COUNTY}


def stem(name):
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def aliases(*names):
    found = set()
    for name in names:
        if name and len(name) >= 2:
            found |= {name, stem(name)}
    return found


@dataclass
class Named:
    """A place or body the report names, and the words that name it."""

    kind: str  # "region" or "organization"
    pk: int
    name: str
    words: set
    path: str = ""
    level: str = ""

    def named_in(self, text):
        return any(word in text for word in self.words)

    def subtree(self):
        return f"{self.path}{self.pk}/"


@dataclass
class Report:
    """What the whole report names, for matching its sentences."""

    regions: dict = field(default_factory=dict)  # pk → Named
    organizations: dict = field(default_factory=dict)
    pairings: list = field(default_factory=list)  # dicts of Pairing values
    projects: list = field(default_factory=list)  # dicts with title, locations, organizations


def in_text(text, pairs):
    """A filter for names: the text's own, found only when their first two characters are
    among the text's (most names of the country are not, and are never searched for)."""

    def found(word):
        return len(word) >= 2 and word[:2] in pairs and word in text

    return found


def read_report(text):
    found = in_text(text, bigrams(text))
    report = Report()
    rows = Region.objects.values_list("pk", "name", "short_name", "path", "level")
    for pk, name, short_name, path, level in rows.iterator(chunk_size=5000):
        words = {word for word in aliases(name, short_name) if found(word)}
        if words:
            report.regions[pk] = Named("region", pk, name, words, path, level)
    rows = Organization.objects.values_list("pk", "name", "short_name")
    for pk, name, short_name in rows.iterator(chunk_size=5000):
        words = {word for word in (name, short_name) if word and found(word)}
        if words:
            report.organizations[pk] = Named("organization", pk, name, words)
    report.pairings = list(
        Pairing.objects.filter(
            Q(east_region__in=list(report.regions))
            | Q(west_region__in=list(report.regions))
            | Q(east_organization__in=list(report.organizations))
            | Q(west_organization__in=list(report.organizations))
        )
        .order_by("pk")
        .values(
            "pk",
            "east_region",
            "west_region",
            "east_organization",
            "west_organization",
            "east_count",
            "west_count",
        )[:MAX_PAIRINGS]
    )
    report.projects = candidate_projects(report)
    return report


def candidate_projects(report):
    specific = [pk for pk, named in report.regions.items() if named.level not in BROAD_LEVELS]
    pairings = [pairing["pk"] for pairing in report.pairings]
    located = ProjectLocation.objects.filter(region__in=specific).values("project")
    funded = Project.organizations.through.objects.filter(
        organization__in=list(report.organizations)
    ).values("project")
    chosen = Project.objects.filter(Q(pk__in=located) | Q(pk__in=funded) | Q(pairing__in=pairings))
    projects = list(chosen.order_by("-pk").values("pk", "title", "pairing")[:MAX_PROJECTS])
    by_pk = {
        project["pk"]: {**project, "regions": set(), "organizations": set()} for project in projects
    }
    for project, region in ProjectLocation.objects.filter(project__in=list(by_pk)).values_list(
        "project", "region"
    ):
        by_pk[project]["regions"].add(region)
    through = Project.organizations.through.objects.filter(project__in=list(by_pk))
    for project, organization in through.values_list("project", "organization"):
        by_pk[project]["organizations"].add(organization)
    return list(by_pk.values())


def side_score(report, sentence, region_pk, organization_pk):
    """How clearly a sentence names one party of a pairing: 3 by name, 2 by a place within
    it, 1 named elsewhere in the report, 0.5 by a place within it elsewhere."""
    if organization_pk is not None:
        named = report.organizations.get(organization_pk)
        if named is None:
            return 0
        return 3 if named.named_in(sentence) else 1
    named = report.regions.get(region_pk)
    if named is not None and named.named_in(sentence):
        return 3
    within = [
        other
        for other in report.regions.values()
        if named is not None and other.path.startswith(named.subtree())
    ]
    if any(other.named_in(sentence) for other in within):
        return 2
    if named is not None:
        return 1
    return 0.5 if within else 0


def pairing_for(report, sentence):
    best, best_key = None, None
    for pairing in report.pairings:
        east = side_score(report, sentence, pairing["east_region"], pairing["east_organization"])
        west = side_score(report, sentence, pairing["west_region"], pairing["west_organization"])
        if not east or not west:
            continue
        bodies = (pairing["east_organization"] is not None) + (
            pairing["west_organization"] is not None
        )
        counted = pairing["east_count"] is not None or pairing["west_count"] is not None
        key = (east + west, bodies if east + west >= 5 else 0, not counted, -pairing["pk"])
        if best_key is None or key > best_key:
            best, best_key = pairing["pk"], key
    return best


def bigrams(text):
    return {text[index : index + 2] for index in range(len(text) - 1)}


def project_for(report, sentence, pairing):
    words = bigrams(sentence)
    best, best_score = None, 0
    for project in report.projects:
        score = 1 if project["pairing"] == pairing else 0
        score += 3 * sum(
            1
            for pk in project["regions"]
            if pk in report.regions
            and report.regions[pk].level not in BROAD_LEVELS
            and report.regions[pk].named_in(sentence)
        )
        score += 3 * sum(
            1
            for pk in project["organizations"]
            if pk in report.organizations and report.organizations[pk].named_in(sentence)
        )
        title = bigrams(project["title"])
        if title:
            score += 4 * len(title & words) / len(title)
        if score > best_score:
            best, best_score = project["pk"], score
    return best if best_score >= PROJECT_THRESHOLD else None


def places_named(report, sentence):
    return sorted(
        {named.name for named in report.regions.values() if named.named_in(sentence)}
        | {named.name for named in report.organizations.values() if named.named_in(sentence)}
    )
