"""Spreadsheet cells name places, organisations and pairings as admins write them, and
columns may be named in Chinese, in English or by field name."""

import re

import pytest

from cooperation.models import Organization, Pairing, Project, Region
from cooperation.natural_keys import Names
from tests.factories import (
    admin_import,
    confirm_import,
    csv_file,
    make_organization,
    make_pairing,
    make_region,
)


@pytest.fixture
def names(world):
    return Names()


def page_text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# Places ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "贵州省/安顺市/紫云苗族布依族自治县/坝羊镇",
        "贵州省/安顺市/紫云县/坝羊镇",
        "贵州省／紫云县／坝羊镇",
        "安顺市紫云县坝羊镇",
        "紫云县 / 坝羊镇",
        "坝羊镇",
        "Bayang Town",
    ],
)
def test_a_place_is_found_by_its_path_with_full_or_short_names(names, world, text):
    assert names.region(text) == world.bayang.pk


def test_an_autonomous_county_is_found_by_the_short_forms_people_write(names, world):
    assert names.region("紫云自治县") == world.ziyun.pk
    assert names.region("贵州省/紫云自治县") == world.ziyun.pk


def test_a_number_is_still_an_id(names, world):
    assert names.region(str(world.maoying.pk)) == world.maoying.pk
    with pytest.raises(ValueError, match="找不到编号为“9999”的区域"):
        names.region("9999")


def test_a_name_of_two_places_names_both_with_their_paths(names, world):
    make_region("新寨村", Region.Level.VILLAGE, world.bayang)
    make_region("新寨村", Region.Level.VILLAGE, world.maoying)
    names = Names()
    with pytest.raises(ValueError) as refused:
        names.region("新寨村")
    message = str(refused.value)
    assert "“新寨村”对应多个区域" in message
    assert "贵州省/安顺市/紫云苗族布依族自治县/坝羊镇/新寨村" in message
    assert "贵州省/安顺市/紫云苗族布依族自治县/猫营镇/新寨村" in message
    assert names.region("猫营镇/新寨村") != names.region("坝羊镇/新寨村")


def test_an_unknown_place_is_told_the_nearest_names(names, world):
    with pytest.raises(ValueError) as refused:
        names.region("紫云县/坝阳镇")
    message = str(refused.value)
    assert message.startswith("找不到区域“紫云县/坝阳镇”。相近的有：")
    assert "坝羊镇（贵州省/安顺市/紫云苗族布依族自治县/坝羊镇）" in message


def test_a_place_under_the_wrong_parent_is_not_found(names, world):
    with pytest.raises(ValueError, match="找不到区域"):
        names.region("广东省/坝羊镇")


# Organisations and pairings ----------------------------------------------------------------


def test_an_organization_is_found_by_name_or_short_name(names, world):
    hospital = make_organization(
        "紫云苗族布依族自治县人民医院",
        Organization.Kind.HOSPITAL,
        region=world.ziyun,
        short_name="紫云县人民医院",
    )
    names = Names()
    assert names.organization("紫云苗族布依族自治县人民医院") == hospital.pk
    assert names.organization("紫云县人民医院") == hospital.pk
    with pytest.raises(ValueError, match="相近的有：紫云苗族布依族自治县人民医院"):
        names.organization("紫云人民医院")


@pytest.mark.parametrize(
    "text",
    ["南沙区 → 紫云县", "南沙区—紫云县", "广州市南沙区 紫云县", "南沙区-紫云自治县", str],
)
def test_a_pairing_is_found_by_its_parties(world, text):
    make_pairing(
        world.nansha,
        world.ziyun,
        world.source,
        Pairing.Level.TOWN,
        parent=world.pairing,
        east_count=14,
        west_count=13,
    )
    text = str(world.pairing.pk) if text is str else text
    assert Names().pairing(text) == world.pairing.pk


def test_a_counted_pairing_is_found_by_its_counts(world):
    towns = make_pairing(
        world.nansha,
        world.ziyun,
        world.source,
        Pairing.Level.TOWN,
        parent=world.pairing,
        east_count=14,
        west_count=13,
    )
    assert Names().pairing("南沙区14个乡镇 → 紫云县13个乡镇") == towns.pk
    assert Names().pairing("南沙区14个乡镇—紫云自治县13个乡镇") == towns.pk


def test_two_pairings_of_the_same_parties_are_both_named(world):
    second = make_pairing(world.nansha, world.ziyun, world.source, Pairing.Level.HOSPITAL)
    with pytest.raises(ValueError) as refused:
        Names().pairing("南沙区—紫云县")
    message = str(refused.value)
    assert "对应多个结对关系" in message
    assert f"区县结对，编号 {world.pairing.pk}" in message
    assert f"医院结对，编号 {second.pk}" in message


def test_an_unknown_pairing_is_told_the_nearest(world):
    with pytest.raises(
        ValueError, match="找不到结对关系“南沙区—紫去县”。相近的有：南沙区 → 紫云县"
    ):
        Names().pairing("南沙区—紫去县")


def test_names_are_read_once_for_a_whole_file(world, django_assert_max_num_queries):
    names = Names()
    with django_assert_max_num_queries(3):
        for _ in range(20):
            names.region("贵州省/安顺市/紫云县/坝羊镇")
            names.region("猫营镇")
            names.pairing("南沙区—紫云县")
            with pytest.raises(ValueError):
                names.region("紫云县/坝阳镇")


# Columns in either language --------------------------------------------------------------

CHINESE = ["网址标识", "项目名称", "类别", "结对关系", "地点", "开始年份", "来源"]
ENGLISH = ["URL slug", "Project", "Category", "Pairing", "Locations", "Start year", "Source"]


def named_rows(world):
    return [
        [
            "zy-tea",
            "紫云茶叶加工",
            "产业协作",
            "南沙区—紫云县",
            "紫云县/坝羊镇",
            2023,
            world.source.slug,
        ],
        [
            "zy-workshop",
            "猫营帮扶车间",
            "workshop",
            "广州市南沙区 紫云县",
            "坝羊镇;猫营镇",
            2023,
            world.source.title,
        ],
    ]


@pytest.mark.parametrize("header", [CHINESE, ENGLISH], ids=["chinese", "english"])
def test_a_file_with_names_in_either_language_imports(admin_client, world, header):
    preview = admin_import(admin_client, "project", "p.csv", csv_file(header, named_rows(world)))
    assert "confirm_form" in preview.context, page_text(preview)
    confirm_import(admin_client, preview)
    workshop = Project.objects.get(slug="zy-workshop")
    assert workshop.pairing == world.pairing
    assert workshop.category == Project.Category.WORKSHOP
    assert set(workshop.locations.all()) == {world.bayang, world.maoying}
    assert Project.objects.get(slug="zy-tea").category == Project.Category.INDUSTRY


def test_the_english_admin_names_the_columns_in_english(admin_client, world):
    admin_client.cookies["django_language"] = "en"
    rows = named_rows(world)
    rows[1][4] = "坝阳镇"
    response = admin_import(admin_client, "project", "p.csv", csv_file(CHINESE, rows))
    text = page_text(response)
    assert "<code>URL slug, Project, Project title (English), Category" in text
    assert "地点（Locations）" in text
    assert "坝羊镇" in text
    assert not Project.objects.exists()


def test_an_error_names_the_column_as_the_file_wrote_it(admin_client, world):
    rows = named_rows(world)
    rows[1][4] = "坝阳镇"
    response = admin_import(admin_client, "project", "p.csv", csv_file(CHINESE, rows))
    [invalid] = response.context["result"].invalid_rows
    assert invalid.number == 2
    assert list(invalid.error_dict) == ["地点"]
    [message] = invalid.error_dict["地点"]
    assert message.startswith("找不到区域“坝阳镇”。相近的有：坝羊镇（贵州省/安顺市/")


def test_two_names_of_one_column_are_refused(admin_client, world):
    header = [*CHINESE, "category"]
    rows = [[*row, "industry"] for row in named_rows(world)]
    response = admin_import(admin_client, "project", "p.csv", csv_file(header, rows))
    assert "这几列是同一列：类别、category。" in page_text(response)
    assert not Project.objects.exists()
