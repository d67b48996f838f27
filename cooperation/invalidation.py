"""Which cached pages and values a change can reach: the scopes of the data.

A scope is a string; a change replaces the version (counting.bump) of every scope it can be
seen under, in the change's own transaction, and a cached page or value depends on the
scopes it declares (counting.cached(scopes=…), portal.page_cache.depends_on). The scopes:

- "project:12", "pairing:3", "beneficiary:4", "region:7", "organization:5", "source:1",
  "figure:9": the page of that record (public or API) and everything it lists or adds up.
  A record's change touches its own scope and the scopes of the records whose pages show
  it: a project touches its pairing, the pairing's ancestors and children (layered totals,
  rule 6 of cooperation.totals) and parties, its places and their ancestor regions, its
  organisations, its beneficiaries, its sources and its figures; a figure touches its
  owner's scopes, its places, its reporting pairing and its source; and so on below.
  Both the state before a change and after are touched: a project moved from one pairing
  or place to another changes the pages of both.
- "indicators:pairing:3": the annual indicators a pairing's page shows, with their figures.
- "label:pairing:3": what a project's page shows of its pairing (parties, published or
  not), touched by a change to the pairing record alone.
- "list:project" … "list:figure" (counting.LISTS): the lists, feeds and API lists of a kind,
  with their counts; a project's change touches the pairing and beneficiary lists too,
  which count projects.
- "totals": the programme's totals and anything computed from all published figures (the
  home page, the breakdowns, the flow diagram's inputs); "years": the years a visitor may
  choose, replaced only when a change may add or remove one; "events": the latest events.
- "names:region", "names:organization", "names:source", "names:person": the names of
  reference records, shown on most pages. They change when such a record is edited or
  deleted (rare), not when one is added (nothing shows it until something links to it).
- "any": replaced by every change; what declares no scope depends on it. "everything":
  replaced by counting.bump() for writes that skip the signals; everything depends on it.

- "moves": replaced by every change of what is public or of where it is seen: a record
  created, published, unpublished, moved (its links, a figure's year, a region's path) or
  deleted, a link added or removed. Summaries may lag behind the other changes (edits of
  values and names), never behind these.

What may be stale, and for how long: nothing public but the summaries, which an anonymous
visitor's page may show as they were before an edit of values, for at most
settings.SUMMARY_LAG_SECONDS, never before a move (cooperation/counting.py).
Tokens are replaced in the writing transaction and read before the data they guard (a
page's at the start of its request, portal.page_cache), so the first request after the
commit misses the cache on every app server. Between a write and its commit nothing
changes for readers; with autocommit (a lone save outside a transaction) the row and the
tokens are committed one statement apart, and a request falling exactly between them may
serve the page of a moment before. Admin changes go through transactions. Unpublished
revisions and intakes are not public and touch nothing until published.

The model signals that replace the versions, and compute the expensive summaries a change
touched again after its commit, are in cooperation/change_signals.py.
"""

from cooperation.counting import EVENTS, FUNDS, NAMES, TOTALS, YEARS
from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Indicator,
    Intake,
    Organization,
    Pairing,
    Person,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Region,
    ReviewStep,
    Revision,
    Source,
)

# Records the public never sees: their changes touch nothing (a published revision
# reaches the public through the saves of the records it changes).
UNSEEN = (Intake, Revision, ReviewStep)
# Reference records whose names most pages show.
NAMED = {Region: "names:region", Organization: "names:organization", Source: "names:source"}
NAMED[Person] = "names:person"
FIGURE_LISTS = (TOTALS, "list:figure")
RECORD_LISTS = {"list:project", "list:pairing", "list:beneficiary"}


def region_scopes(region_ids):
    """The regions and every region above them."""
    region_ids = {pk for pk in region_ids if pk}
    scopes = {f"region:{pk}" for pk in region_ids}
    for path in Region.objects.filter(pk__in=region_ids).values_list("path", flat=True):
        scopes |= {f"region:{pk}" for pk in path.strip("/").split("/") if pk}
    return scopes


def pairing_scopes(pairing_id, known=None):
    """A pairing, the pairings above and directly below it, its parties and their places."""
    if not pairing_id:
        return set()
    known = {} if known is None else known
    if pairing_id in known:
        return known[pairing_id]
    row = Pairing.objects.filter(pk=pairing_id).values(*PAIRING_FIELDS).first()
    if row is None:
        return set()
    scopes = pairing_row_scopes(row)
    parent = row["parent_id"]
    seen = {pairing_id}
    while parent and parent not in seen:
        seen.add(parent)
        scopes.add(f"pairing:{parent}")
        parent = Pairing.objects.filter(pk=parent).values_list("parent_id", flat=True).first()
    children = Pairing.objects.filter(parent=pairing_id).values_list("pk", flat=True)
    scopes |= {f"pairing:{pk}" for pk in children}
    known[pairing_id] = scopes
    return scopes


PAIRING_FIELDS = (
    "pk",
    "parent_id",
    "source_id",
    "east_region_id",
    "west_region_id",
    "east_organization_id",
    "west_organization_id",
)


def pairing_row_scopes(row):
    organizations = {row["east_organization_id"], row["west_organization_id"]} - {None}
    places = {row["east_region_id"], row["west_region_id"]}
    places |= set(
        Organization.objects.filter(pk__in=organizations).values_list("region_id", flat=True)
    )
    return {
        f"pairing:{row['pk']}",
        f"source:{row['source_id']}",
        "list:pairing",
        "list:project",
        *FIGURE_LISTS,
        *(f"organization:{pk}" for pk in organizations),
        *region_scopes(places),
    }


def figures_scopes(figures, known=None):
    """What the figures are seen under besides their owner: their own pages, sources,
    reporting pairings and places; and "years" when they may add or remove a year."""
    rows = list(figures.values_list("pk", "source_id", "pairing_id", "year"))
    if not rows:
        return set()
    scopes = {f"figure:{pk}" for pk, *_ in rows} | {f"source:{s}" for _, s, _, _ in rows}
    for pairing_id in {pairing for _, _, pairing, _ in rows}:
        scopes |= pairing_scopes(pairing_id, known)
    places = Figure.places.through.objects.filter(figure_id__in=[row[0] for row in rows])
    scopes |= region_scopes(places.values_list("region_id", flat=True))
    published = Figure.objects.published().exclude(pk__in=[row[0] for row in rows])
    # A year no other published figure has may come or go with these (one probe a year,
    # which stops at the first other figure).
    if any(not published.filter(year=year).exists() for year in {r[3] for r in rows} - {None}):
        scopes.add(YEARS)
    return scopes


def project_scopes(project, known=None):
    known = {} if known is None else known
    pk = project.pk
    scopes = {
        f"project:{pk}",
        f"source:{project.source_id}",
        "list:project",
        "list:pairing",
        "list:beneficiary",
        *FIGURE_LISTS,
    }
    scopes |= pairing_scopes(project.pairing_id, known)
    places = ProjectLocation.objects.filter(project=pk).values_list("region_id", flat=True)
    scopes |= region_scopes(places)
    roles = ProjectOrganization.objects.filter(project=pk).values_list("organization_id", "pk")
    scopes |= {f"organization:{organization}" for organization, _ in roles}
    benefits = Benefit.objects.filter(project=pk).values_list("beneficiary_id", "source_id")
    for beneficiary, source in benefits:
        scopes |= {f"beneficiary:{beneficiary}", f"source:{source}"}
    scopes |= {
        f"source:{s}" for s in Event.objects.filter(project=pk).values_list("source_id", flat=True)
    }
    scopes |= figures_scopes(figures_of(project=pk, benefit__project=pk), known)
    return scopes


def beneficiary_scopes(beneficiary, known=None):
    pk = beneficiary.pk
    scopes = {
        f"beneficiary:{pk}",
        f"source:{beneficiary.source_id}",
        f"organization:{beneficiary.organization_id}",
        "list:beneficiary",
        *FIGURE_LISTS,
    }
    scopes |= region_scopes([beneficiary.region_id])
    projects = Benefit.objects.filter(beneficiary=pk).values_list("project_id", flat=True)
    scopes |= {f"project:{project}" for project in projects}
    scopes |= figures_scopes(figures_of(beneficiary=pk, benefit__beneficiary=pk), known)
    return scopes


def figures_of(**owners):
    """The figures of any of these owners: one query each, through its index (an OR across
    a join makes the database read every figure)."""
    ids = set()
    for lookup, pk in owners.items():
        ids |= set(Figure.objects.filter(**{lookup: pk}).order_by().values_list("pk", flat=True))
    return Figure.objects.filter(pk__in=ids)


def benefit_scopes(benefit, known=None):
    known = {} if known is None else known
    scopes = {f"source:{benefit.source_id}"}
    project = Project.objects.filter(pk=benefit.project_id).first()
    if project is not None:
        scopes |= project_scopes(project, known)
    beneficiary = Beneficiary.objects.filter(pk=benefit.beneficiary_id).first()
    if beneficiary is not None:
        scopes |= beneficiary_scopes(beneficiary, known)
    return scopes


def figure_scopes(figure, known=None):
    known = {} if known is None else known
    scopes = {f"figure:{figure.pk}", f"figure:{figure.part_of_id}", *FIGURE_LISTS}
    owners = (
        (Project, figure.project_id, project_scopes),
        (Beneficiary, figure.beneficiary_id, beneficiary_scopes),
        (Benefit, figure.benefit_id, benefit_scopes),
        (Indicator, figure.indicator_id, indicator_scopes),
    )
    owned = False
    for model, pk, scopes_of_owner in owners:
        owner = model.objects.filter(pk=pk).first() if pk else None
        if owner is not None:
            scopes |= scopes_of_owner(owner, known)  # with the owner's figures, this one too
            owned = True
    if not owned:
        scopes |= figures_scopes(Figure.objects.filter(pk=figure.pk), known)
    # The lists of projects, pairings and beneficiaries show no figure but a project's own
    # funds (Project.update_funds), which the project lists declare apart (FUNDS).
    scopes -= RECORD_LISTS
    if figure.project_id and figure.measure == Figure.Measure.ASSISTANCE_FUNDS:
        scopes.add(FUNDS)
    return scopes


def indicator_scopes(indicator, known=None):
    known = {} if known is None else known
    scopes = pairing_scopes(indicator.pairing_id, known) | set(FIGURE_LISTS)
    scopes.add(f"indicators:pairing:{indicator.pairing_id}")
    return scopes | figures_scopes(Figure.objects.filter(indicator=indicator.pk), known)


def pairing_record_scopes(pairing, known=None):
    known = {} if known is None else known
    row = {field: getattr(pairing, field) for field in PAIRING_FIELDS}
    scopes = pairing_row_scopes(row) | pairing_scopes(pairing.parent_id, known)
    scopes |= {f"pairing:{pk}" for pk in pairing.children.values_list("pk", flat=True)}
    # Its projects' pages show it by this label rather than each being touched: a county's
    # pairing may have thousands of projects.
    scopes.add(f"label:pairing:{pairing.pk}")
    return scopes | figures_scopes(Figure.objects.filter(indicator__pairing=pairing.pk), known)


def event_scopes(event, known=None):
    scopes = {EVENTS, f"source:{event.source_id}", f"project:{event.project_id}"}
    return scopes | {f"pairing:{event.pairing_id}"}


def region_record_scopes(region, known=None):
    scopes = {f"source:{region.source_id}", "list:region", TOTALS}
    return scopes | region_scopes([region.pk, region.parent_id])


def organization_scopes(organization, known=None):
    scopes = {f"organization:{organization.pk}", f"organization:{organization.parent_id}"}
    scopes |= {f"source:{organization.source_id}", "list:organization"}
    return scopes | region_scopes([organization.region_id])


def person_scopes(person, known=None):
    scopes = {"list:person", f"organization:{person.organization_id}"}
    return scopes | {f"source:{person.source_id}"} | region_scopes([person.region_id])


def source_scopes(source, known=None):
    return {f"source:{source.pk}", "list:source"}


def location_scopes(link, known=None):
    return linked_project_scopes(link, known) | region_scopes([link.region_id])


def role_scopes(link, known=None):
    return linked_project_scopes(link, known) | {f"organization:{link.organization_id}"}


def linked_project_scopes(link, known):
    project = Project.objects.filter(pk=link.project_id).first()
    return project_scopes(project, known) if project is not None else set()


SCOPES_OF = {
    Project: project_scopes,
    Pairing: pairing_record_scopes,
    Beneficiary: beneficiary_scopes,
    Benefit: benefit_scopes,
    Figure: figure_scopes,
    Indicator: indicator_scopes,
    Event: event_scopes,
    Region: region_record_scopes,
    Organization: organization_scopes,
    Person: person_scopes,
    Source: source_scopes,
    ProjectLocation: location_scopes,
    ProjectOrganization: role_scopes,
}


def scopes_of(record):
    """Every scope under which the record, in its present state, can be seen; None when
    that is not known (a model without a mapping: everything)."""
    scopes_of_model = SCOPES_OF.get(type(record))
    if scopes_of_model is None:
        return None
    return {scope for scope in scopes_of_model(record) if not scope.endswith(":None")}


def page_scopes(record):
    """The scopes a public page (or API answer) about one record depends on: its own, which
    every change it shows touches (its owner's, its links', what it lists and adds up),
    and the names of reference records."""
    scopes = {f"{type(record).__name__.lower()}:{record.pk}", *NAMES}
    if isinstance(record, Project):
        scopes.add(f"label:pairing:{record.pairing_id}")  # its pairing, if published
    if isinstance(record, (Region, Pairing)):
        scopes.add(YEARS)  # the years a visitor may choose
    return scopes
