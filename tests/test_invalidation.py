"""Which scopes a change replaces the versions of (cooperation/invalidation.py): those of
every page that can show the record, before the change and after, and no others."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation import jobs, summaries
from cooperation.counting import bump, cached, versions
from cooperation.flows import diagram
from cooperation.models import Figure, Publication, Region, Side
from tests.factories import (
    make_beneficiary,
    make_benefit,
    make_event,
    make_figure,
    make_hospital_pairing,
    make_organization,
    make_pairing,
    make_project,
    make_region,
    make_role,
)


class Elsewhere:
    """A second pairing in other provinces: Zhejiang's Anji with Sichuan's Yanyuan."""

    def __init__(self, world):
        self.zhejiang = make_region("浙江省", side=Side.EAST)
        self.anji = make_region("安吉县", Region.Level.COUNTY, self.zhejiang)
        self.sichuan = make_region("四川省", side=Side.WEST)
        self.yanyuan = make_region("盐源县", Region.Level.COUNTY, self.sichuan)
        self.pairing = make_pairing(self.anji, self.yanyuan, world.source)


def scope(record):
    return f"{type(record).__name__.lower()}:{record.pk}"


def replaced_by(change, watched):
    """The watched scopes whose versions the change replaced."""
    before = versions(watched)
    change()
    after = versions(watched)
    return {name for name in watched if before[name] != after[name]}


def test_a_project_change_reaches_its_pairing_places_organisations_and_lists(world):
    other = Elsewhere(world)
    hospitals = make_hospital_pairing(world)
    clinic = make_organization("紫云县人民医院", region=world.ziyun)
    project = make_project(hospitals, world.source, locations=[world.bayang])
    make_role(project, clinic)
    watched = [
        scope(project),
        scope(hospitals),
        scope(world.pairing),  # the pairing the hospitals' pairing is layered on
        scope(world.bayang),
        scope(world.ziyun),
        scope(world.guizhou),
        scope(world.nansha),  # the eastern party's place
        scope(clinic),
        scope(world.source),
        "list:project",
        "totals",
        scope(other.pairing),
        scope(other.yanyuan),
        scope(other.sichuan),
        scope(world.maoying),
    ]

    def retitle():
        project.title = "紫云县医院远程会诊"
        project.save()

    assert replaced_by(retitle, watched) == set(watched[:-4])


def test_a_project_moved_to_another_pairing_changes_both(world):
    other = Elsewhere(world)
    project = make_project(world.pairing, world.source)
    watched = [scope(world.pairing), scope(other.pairing), scope(world.ziyun), scope(other.anji)]

    def move():
        project.pairing = other.pairing
        project.save()

    assert replaced_by(move, watched) == set(watched)


def test_a_project_moved_to_another_place_changes_both_places_and_their_provinces(world):
    other = Elsewhere(world)
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    watched = [
        scope(world.bayang),
        scope(world.guizhou),
        scope(other.yanyuan),
        scope(other.sichuan),
    ]

    assert replaced_by(lambda: project.locations.set([other.yanyuan]), watched) == set(watched)


def test_unpublishing_a_project_reaches_its_figures_and_the_beneficiaries_it_helped(world):
    project = make_project(world.pairing, world.source, funds=100)
    village = make_beneficiary(world.source, region=world.huanghe)
    make_benefit(project, village)
    figure = Figure.objects.get(project=project)
    watched = [scope(figure), scope(village), "list:figure", "list:beneficiary", "years"]

    def unpublish():
        project.status = Publication.DRAFT
        project.save()

    # 2023 was the only year of a published flow: it is no longer one to choose.
    assert replaced_by(unpublish, watched) == set(watched)


def test_a_figure_reaches_its_owner_its_places_and_the_regions_above_them(world):
    other = Elsewhere(world)
    project = make_project(world.pairing, world.source, locations=[world.ziyun])
    watched = [
        scope(project),
        scope(world.pairing),
        scope(world.maoying),
        scope(world.ziyun),
        scope(world.guizhou),
        scope(world.source),
        "totals",
        scope(other.yanyuan),
    ]

    def add_figure():
        make_figure(world.source, 50, project=project, places=[world.maoying], year=2023)

    assert replaced_by(add_figure, watched) == set(watched[:-1])


def test_a_figure_moved_to_another_place_changes_both(world):
    other = Elsewhere(world)
    project = make_project(world.pairing, world.source)
    figure = make_figure(
        world.source, 50, project=project, scope=Figure.Scope.PLACES, places=[world.bayang]
    )
    watched = [scope(world.bayang), scope(other.yanyuan), scope(other.sichuan)]

    assert replaced_by(lambda: figure.places.set([other.yanyuan]), watched) == set(watched)


def test_a_pairing_change_reaches_its_parties_parent_children_and_its_label(world):
    other = Elsewhere(world)
    hospitals = make_hospital_pairing(world)
    project = make_project(world.pairing, world.source)
    watched = [
        scope(world.pairing),
        scope(hospitals),
        f"label:pairing:{world.pairing.pk}",  # on its projects' pages
        scope(world.nansha),
        scope(world.guangdong),
        scope(world.ziyun),
        "list:pairing",
        "list:project",
        scope(project),  # its page reads the label: the pairing's thousands are not touched
        scope(other.pairing),
        scope(other.anji),
    ]

    def unpublish():
        world.pairing.status = Publication.DRAFT
        world.pairing.save()

    assert replaced_by(unpublish, watched) == set(watched[:-3])


def test_a_pairing_moved_to_another_eastern_party_changes_both(world):
    other = Elsewhere(world)
    watched = [
        scope(world.nansha),
        scope(world.guangdong),
        scope(other.anji),
        scope(other.zhejiang),
    ]

    def move():
        world.pairing.east_region = other.anji
        world.pairing.save()

    assert replaced_by(move, watched) == set(watched)


def test_a_beneficiary_reaches_its_region_and_the_projects_that_helped_it(world):
    project = make_project(world.pairing, world.source)
    village = make_beneficiary(world.source, region=world.huanghe)
    make_benefit(project, village)
    watched = [scope(village), scope(project), scope(world.huanghe), scope(world.guizhou)]

    def rename():
        village.name = "黄鹤营村（新）"
        village.save()

    assert replaced_by(rename, watched) == set(watched)


def test_an_event_reaches_its_project_and_the_latest_events_only(world):
    project = make_project(world.pairing, world.source)
    watched = [scope(project), "events", "totals", scope(world.ziyun)]

    def add_event():
        make_event(world.source, project=project)

    assert replaced_by(add_event, watched) == {scope(project), "events"}


def test_editing_a_place_changes_the_names_adding_one_does_not(world):
    watched = ["names:region", "list:region", scope(world.ziyun)]

    added = replaced_by(lambda: make_region("格凸河镇", Region.Level.TOWN, world.ziyun), watched)

    def rename():
        world.bayang.name = "坝羊镇（新）"
        world.bayang.save()

    assert added == {"list:region", scope(world.ziyun)}
    assert replaced_by(rename, watched) == set(watched)


def test_deleting_a_project_reaches_what_showed_it(world):
    project = make_project(world.pairing, world.source, locations=[world.bayang])
    watched = [scope(project), scope(world.pairing), scope(world.bayang), "list:project"]

    assert replaced_by(project.delete, watched) == set(watched)


def test_bump_without_scopes_replaces_everything(world):
    values = []
    cached("a-project-value", lambda: values.append(1) or len(values), [scope(world.pairing)])

    bump()

    assert (
        cached("a-project-value", lambda: values.append(1) or len(values), [scope(world.pairing)])
        == 2
    )


def test_a_value_is_computed_again_only_after_a_change_of_its_scopes(world):
    other = Elsewhere(world)
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    scopes = [scope(world.ziyun)]
    assert cached("ziyun-value", compute, scopes) == 1
    make_project(other.pairing, world.source, locations=[other.yanyuan])
    assert cached("ziyun-value", compute, scopes) == 1
    make_project(world.pairing, world.source, locations=[world.bayang])
    assert cached("ziyun-value", compute, scopes) == 2


def test_a_value_without_scopes_follows_any_change(world):
    other = Elsewhere(world)
    calls = []
    assert cached("any-value", lambda: calls.append(1) or len(calls)) == 1

    make_project(other.pairing, world.source)

    assert cached("any-value", lambda: calls.append(1) or len(calls)) == 2


def test_warming_computes_the_summaries_the_next_visitor_reads(world):
    make_project(world.pairing, world.source, locations=[world.bayang], funds=1000)

    summaries.warm([scope(world.ziyun), scope(world.pairing), "totals"])

    for summary in (
        lambda: summaries.region_summary(world.ziyun),
        lambda: summaries.pairing_totals(world.pairing),
        summaries.home_dashboard,
        lambda: diagram(world.ziyun),
        lambda: diagram(None),
    ):
        with CaptureQueriesContext(connection) as queries:
            summary()
        assert len(queries) == 1  # the versions, read outside a request; nothing computed


def test_a_committed_change_asks_once_for_its_summaries_to_be_warmed(
    world, monkeypatch, django_capture_on_commit_callbacks, settings
):
    settings.WARM_SUMMARIES = True
    asked = []
    monkeypatch.setattr(jobs, "run_later", lambda path, *args: asked.append((path, args)))

    with django_capture_on_commit_callbacks(execute=True):
        make_project(world.pairing, world.source, locations=[world.bayang], funds=1000)

    assert len(asked) == 1
    path, (scopes,) = asked[0]
    assert path == "cooperation.summaries.warm"
    assert {scope(world.ziyun), scope(world.guizhou), scope(world.pairing), "totals"} <= set(scopes)
