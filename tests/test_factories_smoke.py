from cooperation.models import Project, Side
from tests.factories import make_project


def test_world_regions_take_their_province_side(world):
    assert world.huanghe.side == Side.WEST
    assert world.nansha.side == Side.EAST
    assert world.huanghe.is_within(world.ziyun)


def test_project_funds_follow_its_figures(world):
    project = make_project(world.pairing, world.source, locations=[world.bayang], funds=3056500)
    assert project.funds == 3056500
    assert Project.objects.published().in_region(world.ziyun).get() == project
