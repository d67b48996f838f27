"""A reviewed standard map installed by `manage.py install_map` and the choropleth it
allows: drawn with its 审图号 under it, and not at all without one."""

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.template import Context, Template
from django.urls import reverse

from cooperation import boundaries
from cooperation.boundaries import read_boundaries
from cooperation.maps import value_shades
from cooperation.models import Region, ReviewedMap

REVIEW_NUMBER = "GS(2024)0650号"
FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


def square(left, bottom, size=0.4):
    ring = [
        [left, bottom],
        [left, bottom + size],
        [left + size, bottom + size],
        [left + size, bottom],
        [left, bottom],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code, name, geometry):
    return {"type": "Feature", "properties": {"adcode": code, "name": name}, "geometry": geometry}


# 紫云 and 镇宁 side by side in 安顺市 (镇宁 is not in the portal), 安顺市 and 贵州省 around
# them, and a line with no code, as a national map carries one.
GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        feature("520000", "贵州省", square(103.6, 24.6, 5)),
        feature("520400", "安顺市", square(105.2, 25.3, 1.3)),
        feature("520425", "紫云苗族布依族自治县", square(105.9, 25.5)),
        feature("520423", "镇宁布依族苗族自治县", square(105.5, 25.5)),
        feature(
            "",
            "界线",
            {"type": "LineString", "coordinates": [[103.6, 30.0], [108.6, 30.0]]},
        ),
    ],
}

# The two counties as TopoJSON: quantized (0.1° a step from 105.5°E 25.5°N) and
# delta-encoded arcs; arc 0 is the border they share, walked backwards (~0) by 镇宁.
TOPOJSON = {
    "type": "Topology",
    "transform": {"scale": [0.1, 0.1], "translate": [105.5, 25.5]},
    "arcs": [
        [[4, 0], [0, 4]],
        [[4, 4], [4, 0], [0, -4], [-4, 0]],
        [[4, 0], [-4, 0], [0, 4], [4, 0]],
    ],
    "objects": {
        "counties": {
            "type": "GeometryCollection",
            "geometries": [
                {
                    "type": "Polygon",
                    "arcs": [[0, 1]],
                    "properties": {"adcode": 520425, "name": "紫云苗族布依族自治县"},
                },
                {
                    "type": "Polygon",
                    "arcs": [[~0, 2]],
                    "properties": {"adcode": 520423, "name": "镇宁布依族苗族自治县"},
                },
            ],
        }
    },
}
# The same two counties as GeoJSON, rings starting where the topology's do.
TWO_COUNTIES = {
    "type": "FeatureCollection",
    "features": [
        feature(
            520425,
            "紫云苗族布依族自治县",
            {
                "type": "Polygon",
                "coordinates": [
                    [[105.9, 25.5], [105.9, 25.9], [106.3, 25.9], [106.3, 25.5], [105.9, 25.5]]
                ],
            },
        ),
        feature(
            520423,
            "镇宁布依族苗族自治县",
            {
                "type": "Polygon",
                "coordinates": [
                    [[105.9, 25.9], [105.9, 25.5], [105.5, 25.5], [105.5, 25.9], [105.9, 25.9]]
                ],
            },
        ),
    ],
}

CODES = (
    "division_code,path\n"
    "520000,贵州省\n"
    "520400,贵州省/安顺市\n"
    "520425,贵州省 / 安顺市 / 紫云县\n"
    "440000,广东省\n"
)


@dataclass
class Shape:
    region: Region
    value: Decimal | None
    text: str
    url: str


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content), "utf-8")
    return str(path)


def install(tmp_path, geometry=GEOJSON, codes=CODES, *options, **named):
    named.setdefault("review_number", REVIEW_NUMBER)
    named.setdefault("title", "贵州省标准地图")
    arguments = [write(tmp_path, "map.json", geometry)]
    if codes is not None:
        arguments += ["--codes", write(tmp_path, "codes.csv", codes)]
    call_command("install_map", *arguments, *options, **named, stdout=(out := Output()))
    return out.text


class Output:
    def __init__(self):
        self.text = ""

    def write(self, text, *args, **kwargs):
        self.text += text

    def flush(self):
        pass


def render(shapes):
    return Template("{% load maps %}{% choropleth shapes %}").render(Context({"shapes": shapes}))


def ziyun_shape(world, value=Decimal("3056500")):
    world.ziyun.refresh_from_db()
    return Shape(world.ziyun, value, "305.65万元", "/breakdown/?region=ziyun")


def test_installed_map_draws_the_region_as_a_link_with_the_review_number(world, tmp_path):
    output = install(tmp_path)
    world.ziyun.refresh_from_db()
    assert world.ziyun.division_code == "520425"
    assert "1 features match no region" in output  # 镇宁, kept as a neighbour

    html = render([ziyun_shape(world)])

    assert "审图号：GS(2024)0650号" in html
    assert "贵州省标准地图" in html
    link = re.search(
        r'<a href="/breakdown/\?region=ziyun"><title>(.*?)</title><path ([^>]*)/>', html
    )
    assert link and link.group(1) == "紫云县：305.65万元"
    assert 'class="choropleth-area choropleth-shade-5"' in link.group(2)  # the only value
    assert html.count('class="choropleth-neighbour"') == 1  # 镇宁, same parent and level
    assert "choropleth-line" not in html  # the map's line belongs only to the whole map
    assert "style=" not in html


def test_a_page_of_every_region_of_the_map_draws_its_lines_too(world, tmp_path):
    shapes_map = {
        "type": "FeatureCollection",
        "features": [
            feature("520000", "贵州省", square(103.6, 24.6, 5)),
            feature("440000", "广东省", square(109.7, 20.2, 5)),
            feature("", "界线", {"type": "LineString", "coordinates": [[103, 19], [115, 19]]}),
        ],
    }
    install(tmp_path, shapes_map)
    for region in (world.guizhou, world.guangdong):
        region.refresh_from_db()
    html = render(
        [
            Shape(world.guizhou, Decimal(1), "1元", "/g"),
            Shape(world.guangdong, Decimal(9), "9元", "/d"),
        ]
    )
    assert html.count("choropleth-area") == 2
    assert "choropleth-shade-3" in html and "choropleth-shade-5" in html
    assert html.count('class="choropleth-line"') == 1


def test_without_an_installed_map_no_boundary_is_drawn(world):
    world.ziyun.division_code = "520425"
    world.ziyun.save()
    assert render([ziyun_shape(world)]) == ""


def test_uninstalled_map_is_no_longer_drawn(world, tmp_path):
    install(tmp_path)
    call_command("install_map", uninstall=True, stdout=Output())
    assert render([ziyun_shape(world)]) == ""
    assert ReviewedMap.objects.get().active is False


def test_a_new_map_replaces_the_active_one(world, tmp_path):
    install(tmp_path)
    install(tmp_path, review_number="黔S(2025)001号", title="新版")
    assert ReviewedMap.objects.filter(active=True).get().review_number == "黔S(2025)001号"
    assert "审图号：黔S(2025)001号" in render([ziyun_shape(world)])


def test_regions_without_a_feature_are_left_out_and_none_means_no_map(world, tmp_path):
    install(tmp_path)
    world.bayang.division_code = "520425101"
    world.bayang.save()
    bayang = Shape(world.bayang, Decimal(5), "5元", "/b")
    nansha = Shape(world.nansha, None, "", "/n")
    assert render([bayang, nansha]) == ""
    html = render([bayang, ziyun_shape(world), nansha])
    assert html.count("choropleth-area") == 1


def test_a_region_without_a_value_is_drawn_unshaded(world, tmp_path):
    install(tmp_path)
    world.ziyun.refresh_from_db()
    html = render([Shape(world.ziyun, None, "", "/z")])
    assert "choropleth-shade-none" in html
    assert "紫云县：暂无数据" in html


def test_topojson_decodes_to_the_same_features_as_geojson(tmp_path):
    topology = read_boundaries(write(tmp_path, "map.topojson", TOPOJSON))
    geojson = read_boundaries(write(tmp_path, "map.geojson", TWO_COUNTIES))
    assert topology.collection == geojson.collection
    assert topology.coded == 2
    ziyun = topology.collection["features"][0]
    assert ziyun["properties"] == {"code": "520425000000", "name": "紫云苗族布依族自治县"}


def test_topojson_installs_through_the_command(world, tmp_path):
    path = write(tmp_path, "map.topojson", TOPOJSON)
    call_command(
        "install_map", path, codes=write(tmp_path, "c.csv", CODES), review_number=REVIEW_NUMBER
    )
    assert "choropleth-area" in render([ziyun_shape(world)])


def test_coordinates_are_rounded_and_repeated_points_dropped(tmp_path):
    ring = [[105.90001, 25.5], [105.9, 25.50004], [105.9, 25.9], [106.3, 25.9], [106.3, 25.5]]
    reading = read_boundaries(
        write(
            tmp_path,
            "m.json",
            {
                "type": "Feature",
                "properties": {"code": "520425"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            },
        )
    )
    stored = reading.collection["features"][0]["geometry"]["coordinates"][0]
    assert stored == [[105.9, 25.5], [105.9, 25.9], [106.3, 25.9], [106.3, 25.5], [105.9, 25.5]]


@pytest.mark.parametrize(
    ("rows", "messages"),
    [
        ("520425,贵州省/安顺市/长顺县\n", ["line 2: no region “长顺县” under “贵州省/安顺市”"]),
        ("52042,贵州省/安顺市/紫云县\n", ["line 2: “52042” is not a 6-, 9- or 12-digit"]),
        ("\n52042,贵州省/安顺市/紫云县\n", ["line 3: “52042” is not"]),  # after a blank line
        (
            "520425,贵州省/安顺市/紫云县\n520425,贵州省/安顺市\n",
            ["line 3: the code 520425 is on line 2 too"],
        ),
        (
            "520425,贵州省/安顺市/紫云县\n520426,贵州省/安顺市/紫云苗族布依族自治县\n",
            ["line 3: the region is on line 2 too"],
        ),
        ("520400,贵州省/安顺市/紫云县\n", ["line 2: 520400 is not the code of a county"]),
        (
            "520400,贵州省/安顺市\n440115,贵州省/安顺市/紫云县\n",
            ["line 3: 440115 does not lie under the code 5204"],
        ),
        (
            "abc,贵州省\n440000,广东省/广州市/南沙区\n,\n",
            ["line 2: “abc”", "line 3: 440000 is not the code of a county", "line 4: the row"],
        ),
    ],
)
def test_a_bad_code_table_is_refused_with_line_numbers_and_nothing_is_written(
    world, tmp_path, rows, messages
):
    with pytest.raises(CommandError) as refused:
        install(tmp_path, codes="division_code,path\n" + rows)
    for message in messages:
        assert message in str(refused.value)
    assert not Region.objects.exclude(division_code="").exists()
    assert not ReviewedMap.objects.exists()


def test_an_ambiguous_name_is_refused(world, tmp_path):
    Region.objects.create(name="紫云县", level=Region.Level.COUNTY, parent=world.anshun)
    with pytest.raises(
        CommandError, match="line 2: “紫云县” under “贵州省/安顺市” could be any of 2"
    ):
        install(tmp_path, codes="division_code,path\n520425,贵州省/安顺市/紫云县\n")


def test_a_code_another_region_holds_is_refused(world, tmp_path):
    world.nansha.division_code = "520425000000"
    world.nansha.save()
    with pytest.raises(CommandError, match="line 2: the code 520425 belongs to “南沙区” already"):
        install(tmp_path, codes="division_code,region_id\n520425," + str(world.ziyun.pk) + "\n")


def test_a_table_with_a_bom_and_region_ids_sets_the_codes(world, tmp_path):
    table = (
        f"\ufeffdivision_code,region_id\n520425000000,{world.ziyun.pk}\n"
        f"５２０４００,{world.anshun.pk}\n"
    )
    install(tmp_path, codes=table)
    world.ziyun.refresh_from_db()
    world.anshun.refresh_from_db()
    assert (world.ziyun.division_code, world.anshun.division_code) == ("520425000000", "520400")
    assert "choropleth-area" in render([ziyun_shape(world)])


def test_a_dry_run_writes_nothing(world, tmp_path):
    output = install(tmp_path, GEOJSON, CODES, "--dry-run")
    assert "Dry run: nothing was written." in output
    assert not ReviewedMap.objects.exists()
    assert not Region.objects.exclude(division_code="").exists()


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (
            {
                "type": "FeatureCollection",
                "features": [
                    feature("520425", "紫云", {"type": "Point", "coordinates": [106, 25]})
                ],
            },
            "feature 1 (“紫云”) is a Point geometry",
        ),
        (
            {
                "type": "FeatureCollection",
                "features": [feature("520425", "紫云", square(500000, 2800000))],
            },
            "outside longitude/latitude",
        ),
        (
            {"type": "FeatureCollection", "features": [feature("", "紫云", square(105.9, 25.5))]},
            "No region carries a 6-, 9- or 12-digit division code",
        ),
        (
            {"type": "Topology", "arcs": [], "objects": {"a": {"type": "Polygon", "arcs": [[7]]}}},
            "arcs it does not hold",
        ),
        ({"type": "Feature"}, "is a missing geometry"),
        ([1, 2], "neither a GeoJSON FeatureCollection nor a TopoJSON"),
    ],
)
def test_a_boundary_file_that_cannot_be_drawn_is_refused(world, tmp_path, geometry, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        install(tmp_path, geometry)
    assert not ReviewedMap.objects.exists()
    assert not Region.objects.exclude(division_code="").exists()


def test_a_file_over_the_size_limit_is_refused(world, tmp_path, monkeypatch):
    monkeypatch.setattr(boundaries, "MAX_BYTES", 100)
    with pytest.raises(CommandError, match="larger than"):
        install(tmp_path)


@pytest.mark.parametrize("number", ["", "  ", "第一版", "审图号："])
def test_a_review_number_is_required(world, tmp_path, number):
    with pytest.raises(CommandError, match="--review-number"):
        install(tmp_path, review_number=number)
    assert not ReviewedMap.objects.exists()


def test_a_labelled_review_number_is_stored_without_its_label(world, tmp_path):
    install(tmp_path, review_number="审图号：GS京(2022)1061号")
    assert ReviewedMap.objects.get().review_number == "GS京(2022)1061号"


def test_the_database_allows_one_active_map(db):
    ReviewedMap.objects.create(review_number="GS(2019)1822号", boundaries={})
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewedMap.objects.create(review_number="GS(2020)1号", boundaries={})


def test_values_are_shaded_by_quantile():
    shades = value_shades([Decimal(v) for v in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)] + [None])
    assert [shades[Decimal(v)] for v in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)] == list("1122334455")
    assert value_shades([Decimal(3), Decimal(3)]) == {Decimal(3): "5"}
    assert value_shades([Decimal(1), Decimal(2)]) == {Decimal(1): "3", Decimal(2): "5"}


def test_a_drawn_map_costs_no_query_once_warm(world, tmp_path, django_assert_num_queries):
    install(tmp_path)
    shapes = [ziyun_shape(world)]
    render(shapes)
    with django_assert_num_queries(1):  # the data's version, once per request
        assert "choropleth-area" in render(shapes)


def test_the_article_regions_take_codes_by_their_short_names(db, tmp_path):
    call_command("loaddata", *FIXTURES, verbosity=0)
    install(tmp_path, codes="division_code,path\n520425,贵州省/安顺市/紫云自治县\n")
    ziyun = Region.objects.get(name="紫云苗族布依族自治县")
    assert ziyun.division_code == "520425"
    html = render([Shape(ziyun, Decimal(1), "1元", "/z")])
    assert "紫云自治县：1元" in html


def test_the_home_page_shows_the_choropleth_beside_the_diagram_with_its_review_number(
    world, tmp_path, client
):
    provinces = {
        "type": "FeatureCollection",
        "features": [
            feature("520000", "贵州省", square(103.6, 24.6, 5)),
            feature("440000", "广东省", square(109.7, 20.2, 5)),
        ],
    }
    install(tmp_path, provinces)
    html = client.get(reverse("cooperation:home")).content.decode()
    assert "审图号：GS(2024)0650号" in html
    # The diagram's western parties are shaded; 广东省 is drawn as their neighbour.
    assert html.count("choropleth-area") == 1 and "<title>贵州省：" in html
    assert html.count('class="choropleth-neighbour"') == 1
    assert html.index('id="flow-diagram"') < html.index('class="choropleth"')


def test_the_home_page_draws_no_boundaries_without_a_reviewed_map(world, client):
    world.guizhou.division_code = "520000"
    world.guizhou.save()
    html = client.get(reverse("cooperation:home")).content.decode()
    assert 'id="flow-diagram"' in html
    assert "choropleth" not in html and "审图号" not in html


def test_two_regions_may_swap_their_codes(world, tmp_path):
    install(tmp_path, codes="division_code,path\n520000,贵州省\n440000,广东省\n")
    install(tmp_path, codes="division_code,path\n440000,贵州省\n520000,广东省\n")
    world.guizhou.refresh_from_db()
    world.guangdong.refresh_from_db()
    assert (world.guizhou.division_code, world.guangdong.division_code) == ("440000", "520000")
