"""The article's fixtures carry real English beside every public Chinese text.

Read from the JSON files themselves (not through the database), so that a missing or
half-translated record is caught even before the English fields are migrated.
"""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

FIXTURES = sorted((Path(settings.BASE_DIR) / "fixtures").glob("*.json"))

# The public text fields of each model that have an English sibling `<field>_en`.
PUBLIC_TEXTS = {
    "cooperation.source": ("title", "publisher", "author", "description"),
    "cooperation.region": ("name", "short_name"),
    "cooperation.organization": ("name", "short_name", "description"),
    "cooperation.person": ("name", "post"),
    "cooperation.beneficiary": ("name", "description"),
    "cooperation.benefit": ("description",),
    "cooperation.figure": ("label", "period"),
    "cooperation.event": ("title", "description"),
    "cooperation.pairing": ("description",),
    "cooperation.indicator": ("note",),
    "cooperation.project": ("title", "summary", "description"),
}

# Han characters, CJK punctuation (。、《》) and full-width forms (，（）); curly quotes pass.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")

# Every place of the article, with the English form it must carry.
PLACES = {
    "广东省": "Guangdong Province",
    "广州市": "Guangzhou City",
    "南沙区": "Nansha District",
    "贵州省": "Guizhou Province",
    "安顺市": "Anshun City",
    "紫云苗族布依族自治县": "Ziyun Miao and Buyei Autonomous County",
    "坝羊镇": "Bayang Town",
    "猫营镇": "Maoying Town",
    "四大寨乡": "Sidazhai Township",
    "格凸河镇": "Getuhe Town",
    "板当镇": "Bandang Town",
    "黄鹤营村": "Huangheying Village",
    "硐口村": "Dongkou Village",
    "翠河村": "Cuihe Village",
    "二关村": "Erguan Village",
}


def objects():
    for path in FIXTURES:
        yield from json.loads(path.read_text(encoding="utf-8"))


def texts_with_english():
    """(label, Chinese field, its value, the fields) for every non-empty text to translate."""
    for obj in objects():
        fields = obj["fields"]
        names = list(PUBLIC_TEXTS.get(obj["model"], ()))
        if fields.get("quote"):
            names += ["quote", "source_note"]
        for name in names:
            if fields.get(name):
                yield f"{obj['model']}#{obj['pk']}.{name}", name, fields[name], fields


def english_texts():
    for obj in objects():
        for name, value in obj["fields"].items():
            if name.endswith("_en"):
                yield f"{obj['model']}#{obj['pk']}.{name}", obj["model"], name, value


def by_name(model, name):
    return next(
        obj["fields"]
        for obj in objects()
        if obj["model"] == model and obj["fields"]["name"] == name
    )


def yuan_amounts(text):
    """Sums of money in a text, in 元: 305.65万元 and 3.89亿元 in Chinese, 3.0565 million yuan
    and 500,000 yuan in English."""
    amounts = set()
    for number, _, unit in re.findall(r"(\d+(?:\.\d+)?)(多|余)?(万|亿)?元", text):
        scale = {"万": 10_000, "亿": 100_000_000}.get(unit, 1)
        amounts.add(Decimal(number) * scale)
    for number, million in re.findall(r"(\d[\d,]*(?:\.\d+)?)( million)? yuan", text):
        amounts.add(Decimal(number.replace(",", "")) * (1_000_000 if million else 1))
    return {amount.normalize() for amount in amounts}


def test_the_fixtures_are_valid_json():
    for path in FIXTURES:
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), list), path.name


def test_every_chinese_text_has_an_english_sibling_without_chinese():
    missing, mixed = [], []
    for label, name, _, fields in texts_with_english():
        english = fields.get(f"{name}_en", "")
        if not english.strip():
            missing.append(label)
        elif CJK.search(english):
            mixed.append(label)
    assert not missing, f"no English for {missing}"
    assert not mixed, f"Chinese characters in the English of {mixed}"


def test_no_english_text_contains_chinese_characters():
    offending = [label for label, _, _, value in english_texts() if CJK.search(value)]
    assert not offending


def test_english_keys_are_fields_of_their_model_and_fit_them():
    for label, model_label, name, value in english_texts():
        field = apps.get_model(model_label)._meta.get_field(name)
        if field.max_length:
            assert len(value) <= field.max_length, label


def test_the_same_chinese_text_reads_the_same_in_english():
    english_of = {}
    for label, name, chinese, fields in texts_with_english():
        english = english_of.setdefault(chinese, fields[f"{name}_en"])
        assert fields[f"{name}_en"] == english, label


@pytest.mark.parametrize(("chinese", "english"), PLACES.items())
def test_place_names_have_their_english_form(chinese, english):
    assert by_name("cooperation.region", chinese)["name_en"] == english


def test_every_place_of_the_fixtures_is_in_the_table():
    names = {obj["fields"]["name"] for obj in objects() if obj["model"] == "cooperation.region"}
    assert names == set(PLACES)


def test_ziyun_carries_its_official_english_name_and_short_form():
    ziyun = by_name("cooperation.region", "紫云苗族布依族自治县")
    assert ziyun["name_en"] == "Ziyun Miao and Buyei Autonomous County"
    assert ziyun["short_name_en"] == "Ziyun County"


def test_dongkou_is_read_dong_not_tong():
    assert by_name("cooperation.region", "硐口村")["name_en"] == "Dongkou Village"
    assert by_name("cooperation.beneficiary", "硐口村")["name_en"] == "Dongkou Village"


def test_fan_xianqiang_is_named_family_name_first_with_his_post():
    fan = by_name("cooperation.person", "范献强")
    assert fan["name_en"] == "Fan Xianqiang"
    assert fan["post_en"].startswith("Deputy County Head of Ziyun Autonomous County, seconded from")


def test_sums_of_money_keep_their_value_in_english():
    for label, name, chinese, fields in texts_with_english():
        assert yuan_amounts(chinese) <= yuan_amounts(fields[f"{name}_en"]), label


def test_approximate_sums_keep_their_qualifier():
    for label, name, chinese, fields in texts_with_english():
        if re.search(r"\d(多|余)万元", chinese):
            assert "more than" in fields[f"{name}_en"].lower(), label


def test_periods_are_worded_as_the_chinese_says():
    periods = {
        obj["fields"]["period"]: obj["fields"].get("period_en")
        for obj in objects()
        if obj["model"] == "cooperation.figure" and obj["fields"]["period"]
    }
    assert periods == {
        "2023年前三季度": "first three quarters of 2023",
        "去年": "last year (2022)",
        "今年": "this year (2023)",
        "每年": "per year",
        "截至2023年10月26日": "as of 26 October 2023",
        "一年来": "over the past year",
    }


def test_the_source_names_its_publisher_and_author_in_english():
    source = next(obj["fields"] for obj in objects() if obj["model"] == "cooperation.source")
    assert source["publisher_en"] == "China Rural Revitalization Network"
    assert source["author_en"] == "Luo Jianguo"
    assert source["title_en"].startswith("Guangdong's Nansha and Guizhou's Ziyun")
