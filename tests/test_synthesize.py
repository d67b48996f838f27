import hashlib
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.test.utils import CaptureQueriesContext

from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Indicator,
    Organization,
    Pairing,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Publication,
    Region,
    Side,
    Source,
    combine_qualifiers,
)
from cooperation.models.periods import Period, calendar_year
from cooperation.synthetic import Synthesizer
from cooperation.synthetic.synthesizer import writer_for

PROJECTS = 400


def synthesize(seed=7, projects=PROJECTS):
    call_command("synthesize", projects=projects, seed=seed, stdout=io.StringIO())
    return Source.objects.get(slug=f"synthetic-{seed}")


def content_digest(source):
    """A hash of what one run wrote, read through names rather than primary keys."""
    cited = Q(source=source)
    rows = [
        Region.objects.filter(cited).values_list(
            "name", "short_name", "level", "side", "parent__name", "parent__parent__name"
        ),
        Organization.objects.filter(cited).values_list("name", "kind", "region__name"),
        Pairing.objects.filter(cited).values_list(
            "level",
            "mode",
            "status",
            "start_year",
            "east_region__name",
            "east_organization__name",
            "east_count",
            "west_region__name",
            "west_organization__name",
            "west_count",
            "parent__level",
            "parent__west_region__name",
            "created_at",
        ),
        Project.objects.filter(cited).values_list(
            "slug",
            "title",
            "category",
            "start_year",
            "end_year",
            "work_status",
            "status",
            "summary",
            "funds",
            "funds_qualifier",
            "pairing__level",
            "pairing__west_region__name",
            "pairing__west_organization__name",
            "created_at",
        ),
        ProjectLocation.objects.filter(project__source=source).values_list(
            "project__slug", "region__name", "region__parent__name"
        ),
        ProjectOrganization.objects.filter(project__source=source).values_list(
            "project__slug", "organization__name", "role"
        ),
        Beneficiary.objects.filter(cited).values_list(
            "name", "kind", "status", "region__name", "organization__name"
        ),
        Benefit.objects.filter(cited).values_list("project__slug", "beneficiary__name", "kind"),
        Figure.objects.filter(cited).values_list(
            "measure",
            "label",
            "value",
            "unit",
            "qualifier",
            "kind",
            "year",
            "period",
            "project__slug",
            "indicator__measure",
            "indicator__pairing__west_region__name",
            "beneficiary__name",
            "benefit__project__slug",
            "benefit__beneficiary__name",
            "part_of__label",
        ),
        Indicator.objects.filter(pairing__source=source).values_list(
            "pairing__west_region__name", "measure", "year"
        ),
        Event.objects.filter(cited).values_list(
            "title", "kind", "date", "date_precision", "project__slug", "pairing__west_region__name"
        ),
    ]
    text = repr([sorted(map(repr, query)) for query in rows])
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def synthetic(db):
    return synthesize()


def flush():
    """Empty the database inside the test's transaction (PostgreSQL checks deferred FKs first)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False)


def shift_primary_keys():
    """Use up some primary keys, so that a second run's rows get other pks than the first's."""
    regions = [
        Region.objects.create(name=f"临时省{n}", level="province", side="east") for n in range(7)
    ]
    bodies = [Organization.objects.create(name=f"临时单位{n}", kind="school") for n in range(3)]
    for record in regions + bodies:
        record.delete()


def test_same_seed_gives_the_same_content(db):
    first = content_digest(synthesize(seed=7))
    first_pks = set(Region.objects.values_list("pk", flat=True))
    flush()
    shift_primary_keys()
    second = content_digest(synthesize(seed=7))
    assert first == second
    assert set(Region.objects.values_list("pk", flat=True)) != first_pks


def test_the_chunk_size_does_not_change_the_content(db):
    first = content_digest(synthesize(seed=7))
    flush()
    Synthesizer(7, PROJECTS, progress=lambda message: None, chunk=37).run()
    assert content_digest(Source.objects.get(slug="synthetic-7")) == first


def written_in_chunks(projects, chunk, seed):
    """The rows of each write the synthesizer hands its writer, by model."""
    writer = writer_for(projects)
    writes = []
    write = writer.write

    def recording(model, rows):
        writes.append((model, len(rows)))
        write(model, rows)

    writer.write = recording
    Synthesizer(seed, projects, progress=lambda message: None, writer=writer, chunk=chunk).run()
    return writes


def test_rows_are_handed_over_a_chunk_at_a_time_whatever_the_size(db):
    """Memory holds one chunk of projects (and what hangs off them) at a time, so a run ten
    times larger hands over more chunks, none of them larger."""
    small = written_in_chunks(projects=100, chunk=50, seed=1)
    large = written_in_chunks(projects=1000, chunk=50, seed=2)
    assert [rows for model, rows in small if model is Project] == [50, 50]
    assert [rows for model, rows in large if model is Project] == [50] * 20
    # Both sizes plan two county pairings, so the largest write is a chunk's figures or a
    # county's regions at both; it does not grow with the number of projects.
    assert max(rows for _model, rows in large) <= 1.5 * max(rows for _model, rows in small)
    assert max(rows for model, rows in large if model is Figure) <= 50 * 10


def test_different_seeds_give_different_content(db):
    assert content_digest(synthesize(seed=7)) != content_digest(synthesize(seed=8))


def test_writes_the_projects_asked_for_and_what_hangs_off_them(synthetic):
    assert Project.objects.filter(source=synthetic).count() == PROJECTS
    assert Pairing.objects.filter(source=synthetic, level=Pairing.Level.COUNTY).count() >= 2
    assert Pairing.objects.filter(source=synthetic, parent__isnull=False).count() > 10
    assert Beneficiary.objects.filter(source=synthetic).count() > 100
    assert Benefit.objects.filter(source=synthetic).count() > PROJECTS / 2
    assert Indicator.objects.filter(pairing__source=synthetic).count() >= 2 * 8 * 5
    assert Event.objects.filter(source=synthetic, project__isnull=True).exists()
    assert Figure.objects.filter(source=synthetic, kind=Figure.Kind.EXPECTED).exists()
    assert Figure.objects.filter(source=synthetic, part_of__isnull=False).exists()
    assert Figure.objects.filter(source=synthetic).exclude(qualifier="exact").exists()
    assert Project.objects.filter(title__contains="茶叶").exists()


def test_about_two_percent_of_publishable_records_are_drafts(db):
    source = synthesize(projects=2000)
    for model in (Project, Beneficiary):
        records = model.objects.filter(source=source)
        share = records.filter(status=Publication.DRAFT).count() / records.count()
        assert 0.005 <= share <= 0.04, (model, share)
        assert not records.exclude(status__in=[Publication.DRAFT, Publication.PUBLISHED]).exists()
    # The county pairings themselves are always public.
    pairings = Pairing.objects.filter(source=source)
    assert not pairings.filter(parent__isnull=True, status=Publication.DRAFT).exists()


def test_timestamps_come_from_the_seed_not_the_clock(synthetic):
    years = set(Project.objects.filter(source=synthetic).values_list("created_at__year", flat=True))
    assert years <= {2021, 2022, 2023, 2024, 2025}
    project = Project.objects.filter(source=synthetic).first()
    assert project.updated_at == project.created_at


def sample(model, **filters):
    records = model.objects.filter(**filters).order_by("pk")
    count = records.count()
    return [records[index] for index in range(0, count, max(1, count // 25))]


@pytest.mark.parametrize(
    "model, filters",
    [
        (Region, {"source__slug": "synthetic-7"}),
        (Organization, {"source__slug": "synthetic-7"}),
        (Pairing, {"source__slug": "synthetic-7"}),
        (Project, {"source__slug": "synthetic-7"}),
        (ProjectLocation, {"project__source__slug": "synthetic-7"}),
        (ProjectOrganization, {"project__source__slug": "synthetic-7"}),
        (Beneficiary, {"source__slug": "synthetic-7"}),
        (Benefit, {"source__slug": "synthetic-7"}),
        (Figure, {"source__slug": "synthetic-7"}),
        (Indicator, {"pairing__source__slug": "synthetic-7"}),
        (Event, {"source__slug": "synthetic-7"}),
    ],
)
def test_sampled_records_pass_full_clean(synthetic, model, filters):
    records = sample(model, **filters)
    assert records
    for record in records:
        record.full_clean()


def test_pairing_sides_are_east_and_west_and_children_lie_within_their_parents(synthetic):
    pairings = Pairing.objects.filter(source=synthetic).select_related(
        "east_region", "west_region", "east_organization__region", "west_organization__region"
    )
    parents = {p.pk: p for p in pairings}
    for pairing in pairings:
        east, west = pairing.party_region(Side.EAST), pairing.party_region(Side.WEST)
        assert (east.side, west.side) == (Side.EAST, Side.WEST)
        if pairing.parent_id:
            parent = parents[pairing.parent_id]
            assert east.is_within(parent.party_region(Side.EAST))
            assert west.is_within(parent.party_region(Side.WEST))


def test_projects_lie_within_their_pairings_western_county(synthetic):
    locations = ProjectLocation.objects.filter(project__source=synthetic).select_related(
        "region", "project__pairing__west_region", "project__pairing__west_organization__region"
    )
    for location in locations:
        pairing = location.project.pairing
        while pairing.level != Pairing.Level.COUNTY:
            pairing = Pairing.objects.select_related("west_region").get(pk=pairing.parent_id)
        assert location.region.is_within(pairing.west_region)


def test_every_figure_has_one_owner_and_parts_fit_their_whole(synthetic):
    figures = Figure.objects.filter(source=synthetic)
    owned = sum(
        figures.filter(**{f"{owner}__isnull": False}).count() for owner in Figure.OWNER_FIELDS
    )
    assert owned == figures.count()
    for part in figures.filter(part_of__isnull=False).select_related("part_of"):
        assert part.part_of.project_id == part.project_id
        assert part.part_of.unit == part.unit
        assert part.value <= part.part_of.value
    funds = Project.objects.filter(source=synthetic, funds__isnull=False)
    assert funds.exists()
    assert not funds.filter(Q(funds__lt=90_000) | Q(funds__gt=30_100_000)).exists()
    # A project's own job figures; one about its whole pairing, or split by place, is not.
    jobs = figures.filter(
        measure=Figure.Measure.JOBS,
        project__isnull=False,
        part_of__isnull=True,
        scope=Figure.Scope.OWNER,
    )
    assert jobs.exists()
    assert not jobs.filter(Q(value__lt=10) | Q(value__gt=610)).exists()


def test_cached_project_funds_equal_the_sum_of_their_figures(synthetic):
    sums = dict(
        Figure.objects.filter(
            project__source=synthetic,
            measure=Figure.Measure.ASSISTANCE_FUNDS,
            kind=Figure.Kind.ACTUAL,
        )
        .values("project")
        .annotate(total=Sum("value"))
        .values_list("project", "total")
    )
    projects = Project.objects.filter(source=synthetic)
    assert projects.filter(funds__isnull=True).count() == len(projects) - len(sums)
    for project in projects:
        assert project.funds == sums.get(project.pk)
    for project in sample(Project, source=synthetic):
        funds, qualifier = project.funds, project.funds_qualifier
        project.update_funds()
        assert (project.funds, project.funds_qualifier) == (funds, qualifier)
    qualifiers = {
        pk: combine_qualifiers(
            Figure.objects.filter(project=pk, measure=Figure.Measure.ASSISTANCE_FUNDS).values_list(
                "qualifier", flat=True
            )
        )
        for pk in sums
    }
    approximate = [pk for pk, q in qualifiers.items() if q != "exact"]
    assert approximate
    assert all(Project.objects.get(pk=pk).funds_qualifier == qualifiers[pk] for pk in approximate)


def test_region_paths_and_sides_follow_their_parents(synthetic):
    regions = {r.pk: r for r in Region.objects.all()}
    for region in regions.values():
        if region.parent_id is None:
            assert region.path == "/"
            continue
        parent = regions[region.parent_id]
        assert region.path == f"{parent.path}{parent.pk}/"
        assert region.side == parent.side
    village = Region.objects.filter(source=synthetic, level=Region.Level.VILLAGE).first()
    levels = [region.level for region in village.ancestors()]
    # Municipalities (北京市, 重庆市…) have their districts directly under them.
    assert levels[0] == "province" and levels[-2:] == ["county", "town"]


def test_adds_to_loaded_data_reusing_its_provinces(world):
    source = synthesize(projects=300)
    assert Region.objects.filter(parent__isnull=True, name="广东省").get() == world.guangdong
    assert Region.objects.filter(parent__isnull=True, name="贵州省").get() == world.guizhou
    created = Region.objects.filter(source=source, level=Region.Level.PROVINCE)
    assert created.exists()
    assert not created.filter(name__in=["广东省", "贵州省"]).exists()
    world.pairing.refresh_from_db()
    assert world.pairing.source == world.source
    assert Project.objects.filter(source=source).count() == 300


def test_two_seeds_add_up_without_collisions(world):
    first, second = synthesize(seed=1, projects=300), synthesize(seed=2, projects=300)
    assert Project.objects.filter(source__in=[first, second]).count() == 600
    assert Region.objects.filter(parent__isnull=True, name="贵州省").count() == 1
    for record in sample(Region, source=second) + sample(Organization, source=second):
        record.full_clean()


def test_a_seed_already_loaded_is_refused(synthetic):
    with pytest.raises(CommandError, match="already loaded"):
        synthesize()


def test_rows_are_written_in_batches_not_one_by_one(db):
    with CaptureQueriesContext(connection) as queries:
        synthesize(projects=1000)
    rows = sum(
        model.objects.count()
        for model in (Region, Organization, Pairing, Project, ProjectLocation, Benefit, Figure)
    )
    assert len(queries) * 20 < rows


def test_the_planner_learns_of_the_new_rows_at_once(db):
    """PostgreSQL would otherwise plan for empty tables until autovacuum comes by; SQLite
    keeps no statistics unless asked, and takes any index's equality for a narrow one."""
    synthesize()

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'cooperation_project'")
            assert cursor.fetchone()[0] >= PROJECTS
        else:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'cooperation_project'")
            rows = [int(stat.split()[0]) for (stat,) in cursor.fetchall()]
            assert rows and min(rows) >= PROJECTS


# The cases cooperation/totals.py tells apart, with the share of projects that should have
# one. (Parts and expected values come with the figures of many projects.)
CASES = {
    "annual": (Q(period_kind=Period.FLOW, year__isnull=False), 0.9, 1),
    "cumulative": (Q(period_kind=Period.CUMULATIVE, period_start__isnull=False), 0.03, 0.07),
    "crosses year": (Q(period_kind=Period.FLOW, year__isnull=True, period="一年来"), 0.02, 0.05),
    "part": (Q(part_of__isnull=False), 0.05, 0.15),
    "expected": (Q(kind=Figure.Kind.EXPECTED), 0.1, 0.3),
    "per place": (Q(scope=Figure.Scope.PLACES, place_count=1), 0.015, 0.045),
    "joint": (Q(scope=Figure.Scope.PLACES, place_count__gte=2), 0.01, 0.03),
    "whole pairing": (Q(scope=Figure.Scope.PAIRING), 0.004, 0.02),
    "unknown period": (Q(period_kind=Period.UNKNOWN), 0.01, 0.03),
    "expected, of a headline": (
        Q(kind=Figure.Kind.EXPECTED, measure__in=[Figure.Measure.JOBS, Figure.Measure.SALES]),
        0.004,
        0.02,
    ),
    "other unit": (
        Q(measure=Figure.Measure.LABOUR_TRAINING, unit=Figure.Unit.PERSON),
        0.004,
        0.02,
    ),
    "stock": (Q(period_kind=Period.STOCK, period_start__isnull=True), 0.004, 0.02),
}
NATIONAL = 2000


@pytest.fixture
def national(db):
    return synthesize(projects=NATIONAL)


def project_figures(source):
    return Figure.objects.filter(project__source=source).annotate(place_count=Count("places"))


def test_every_case_of_the_adding_rules_comes_at_a_realistic_share(national):
    figures = project_figures(national)
    for case, (condition, low, high) in CASES.items():
        projects = figures.filter(condition).values("project").distinct().count()
        assert low <= projects / NATIONAL <= high, (case, projects)
    pairings = Figure.objects.filter(indicator__pairing__source=national)
    assert pairings.exists()
    assert not pairings.exclude(scope=Figure.Scope.PAIRING).exists()


def test_periods_fit_their_case_and_the_year_is_derived(national):
    figures = Figure.objects.filter(source=national)
    for kind, start, end, year in figures.values_list(
        "period_kind", "period_start", "period_end", "year"
    ):
        assert year == calendar_year(kind, start, end)
    for start, end in figures.filter(period="一年来").values_list("period_start", "period_end"):
        assert end.month == 10 and end.year == start.year + 1
        assert (end - start).days in (364, 365)
    cumulative = figures.filter(period_kind=Period.CUMULATIVE)
    assert not cumulative.filter(
        Q(period_start__isnull=True) | Q(period_end__month__lt=10)
    ).exists()
    assert not figures.filter(period_kind=Period.UNKNOWN).exclude(period="").exists()
    # Each case's figures pass the model's own checks, quotes included.
    for condition, _low, _high in CASES.values():
        for figure in project_figures(national).filter(condition).order_by("pk")[:10]:
            figure.full_clean()
            assert figure.source_id == national.pk
            if figure.period_kind != Period.FLOW or figure.scope != Figure.Scope.OWNER:
                assert figure.quote


def test_figures_for_places_list_villages_or_towns_the_project_lies_in(national):
    located = {}
    for project, region in ProjectLocation.objects.filter(project__source=national).values_list(
        "project", "region"
    ):
        located.setdefault(project, set()).add(region)
    figures = Figure.objects.filter(source=national, scope=Figure.Scope.PLACES)
    assert figures.exists()
    for figure in figures.prefetch_related("places__parent"):
        places = list(figure.places.all())
        assert places, figure
        for place in places:
            assert place.level in (Region.Level.VILLAGE, Region.Level.TOWN)
            within = {place.pk, *(int(pk) for pk in place.path.strip("/").split("/"))}
            assert within & located[figure.project_id], (figure, place)
        if len(places) > 1:
            towns = [p if p.level == Region.Level.TOWN else p.parent for p in places]
            assert len({town.pk for town in towns}) == len(places)
            assert len({town.parent_id for town in towns}) == 1


def test_every_synthetic_figure_knows_the_pairing_of_its_owner(db):
    synthesize()
    derived = Figure.objects.annotate(
        derived=Coalesce("project__pairing", "indicator__pairing", "benefit__project__pairing")
    )
    assert derived.count() > 1000
    assert (
        not derived.exclude(pairing=F("derived"))
        .exclude(pairing__isnull=True, derived__isnull=True)
        .exists()
    )
