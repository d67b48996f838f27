"""English versions of the data: what an English reader is shown, names in pinyin when none
is entered, the pinyin sort key, and the audit chain across the added fields."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from cooperation import pinyin
from cooperation.models import Project, Region, Side
from portal import audit
from tests.factories import make_figure, make_person, make_project, make_region


@pytest.mark.parametrize(
    ("chinese", "english"),
    [
        ("猫营镇", "Maoying Town"),
        ("硐口村", "Dongkou Village"),
        ("四大寨乡", "Sidazhai Township"),
        ("长顺县", "Changshun County"),
        ("广西壮族自治区", "Guangxizhuangzu Autonomous Region"),
        ("南沙区", "Nansha District"),
        ("坝羊", "Bayang"),
    ],
)
def test_a_place_name_is_pinyin_with_its_generic_part_in_english(chinese, english):
    assert pinyin.place_name(chinese) == english


@pytest.mark.parametrize(
    ("chinese", "english"),
    [("范献强", "Fan Xianqiang"), ("单雄", "Shan Xiong"), ("欧阳修", "Ouyang Xiu")],
)
def test_a_person_is_written_family_name_first(chinese, english):
    assert pinyin.person_name(chinese) == english


def test_sort_key_is_pinyin_without_punctuation():
    assert pinyin.sort_key("“茶”叶工厂") == "chayegongchang"
    assert pinyin.sort_key("甲") < pinyin.sort_key("乙")


def test_a_place_or_person_saved_without_english_gets_pinyin_and_keeps_an_entered_name(db):
    province = make_region("贵州省", side=Side.WEST)
    county = make_region(
        "紫云苗族布依族自治县",
        level=Region.Level.COUNTY,
        parent=province,
        name_en="Ziyun Miao and Buyei Autonomous County",
    )
    town = make_region("猫营镇", level=Region.Level.TOWN, parent=county)
    person = make_person("范献强")

    assert province.name_en == "Guizhou Province"
    assert county.name_en == "Ziyun Miao and Buyei Autonomous County"
    assert town.name_en == "Maoying Town"
    assert person.name_en == "Fan Xianqiang"


def test_a_text_reads_english_on_english_pages_and_falls_back_to_chinese(world):
    project = make_project(world.pairing, world.source, title="茶叶加工厂", title_en="Tea plant")
    bare = make_project(world.pairing, world.source, title="包装厂")

    assert project.translated("title") == "茶叶加工厂"
    with translation.override("en"):
        assert project.translated("title") == "Tea plant"
        assert str(project) == "Tea plant"
        assert bare.translated("title") == "包装厂"


def test_english_project_page_shows_english_and_keeps_the_quotation_in_chinese(world, client):
    project = make_project(
        world.pairing,
        world.source,
        title="茶叶加工厂",
        title_en="Tea processing plant",
        quote="建成茶叶加工厂一座",
        quote_en="one tea processing plant was built",
    )

    address = project.get_absolute_url()
    english = client.get(f"/en{address}").content.decode()
    chinese = client.get(address).content.decode()

    assert '<h1 class="h2">Tea processing plant</h1>' in english
    assert '<blockquote class="citation-quote mb-1" lang="zh-Hans"><q>建成茶叶加工厂一座' in english
    assert "one tea processing plant was built" in english
    assert "one tea processing plant was built" not in chinese
    assert '<h1 class="h2">茶叶加工厂</h1>' in chinese


def test_a_period_without_english_words_reads_as_its_dates_on_english_pages(world):
    project = make_project(world.pairing, world.source)
    figure = make_figure(world.source, "100", project=project, period="今年")
    worded = make_figure(
        world.source, "100", project=project, period="今年", period_en="this year (2023)"
    )

    assert figure.period_label.startswith("今年")
    with translation.override("en"):
        assert figure.period_label == "2023"
        assert worded.period_label == "this year (2023)"


def test_a_history_row_sealed_before_the_english_fields_existed_still_verifies(world, monkeypatch):
    project = make_project(world.pairing, world.source, title="红心薯加工厂")
    history = Project.history.filter(id=project.pk)
    # As migration 0011 leaves the rows written before it: the new fields empty.
    history.update(title_sort="")
    row = history.latest("history_date")
    model = type(row)
    now = audit.row_digest(model, row)
    before = tuple(f for f in audit.chained_fields(model) if not audit.added_later(f))
    monkeypatch.setattr(audit, "chained_fields", lambda _model: before)

    assert {"title_en", "title_sort"} & {f.attname for f in before} == set()
    assert audit.row_digest(model, row) == now


def test_an_english_text_set_behind_the_portals_back_shows_as_tampering(world):
    project = make_project(world.pairing, world.source, title="红心薯加工厂")
    row = Project.history.filter(id=project.pk).latest("history_date")
    type(row).objects.filter(pk=row.pk).update(title_en="Sweet potato plant")

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=out)
    assert f"cooperation.historicalproject #{row.pk}" in out.getvalue()
