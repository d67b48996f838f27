"""Names in Hanyu Pinyin, for English pages and for sorting Chinese text as readers expect.

When no English name is entered, a place or a person gets one from these functions when
it is saved: stored, and editable in the admin, so an official form entered by hand (Ziyun
Miao and Buyei Autonomous County) always wins. A place keeps its proper name in pinyin,
written as one word, and its generic part translated (县 County, 镇 Town, 村 Village); a
person is written family name first (Fan Xianqiang). Polyphonic characters that pypinyin
reads wrongly in names are corrected below; the result is a starting point for a person
to check, not a final translation.

`sort_key()` is what a title sorts by: its pinyin, so that lists follow the order of a
Chinese dictionary rather than of code points (SQLite has no pinyin collation).
"""

import re

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Readings of place names (地名) that differ from the common reading of the characters.
load_phrases_dict(
    {
        "长顺": [["cháng"], ["shùn"]],
        "六盘水": [["liù"], ["pán"], ["shuǐ"]],
        "六安": [["lù"], ["ān"]],
        "丽水": [["lí"], ["shuǐ"]],
        "蚌埠": [["bèng"], ["bù"]],
        "番禺": [["pān"], ["yú"]],
        "東莞": [["dōng"], ["guǎn"]],
        "东莞": [["dōng"], ["guǎn"]],
        "单县": [["shàn"], ["xiàn"]],
        "洪洞": [["hóng"], ["tóng"]],
        "乐亭": [["lào"], ["tíng"]],
        "铅山": [["yán"], ["shān"]],
        "黄陂": [["huáng"], ["pí"]],
    }
)

# Generic parts of place names, longest first so that 自治县 wins over 县.
GENERIC_PARTS = (
    ("特别行政区", "Special Administrative Region"),
    ("自治区", "Autonomous Region"),
    ("自治州", "Autonomous Prefecture"),
    ("自治县", "Autonomous County"),
    ("自治旗", "Autonomous Banner"),
    ("街道", "Subdistrict"),
    ("社区", "Community"),
    ("省", "Province"),
    ("市", "City"),
    ("州", "Prefecture"),
    ("盟", "League"),
    ("区", "District"),
    ("县", "County"),
    ("旗", "Banner"),
    ("乡", "Township"),
    ("镇", "Town"),
    ("村", "Village"),
)

# Family names whose reading as a name differs from the character's common reading.
SURNAMES = {
    "单": "Shan",
    "曾": "Zeng",
    "解": "Xie",
    "仇": "Qiu",
    "区": "Ou",
    "朴": "Piao",
    "查": "Zha",
    "盖": "Ge",
    "缪": "Miao",
    "覃": "Qin",
    "翟": "Zhai",
    "乐": "Yue",
    "尉": "Yu",
    "长孙": "Zhangsun",
    "欧阳": "Ouyang",
    "司马": "Sima",
    "诸葛": "Zhuge",
    "上官": "Shangguan",
    "令狐": "Linghu",
}
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def syllables(text):
    return "".join(lazy_pinyin(text, style=Style.NORMAL))


def place_name(name):
    """A place's English name: its proper name in pinyin and its generic part in English."""
    name = name.strip()
    for chinese, english in GENERIC_PARTS:
        proper = name.removesuffix(chinese)
        if proper != name and proper:
            return f"{syllables(proper).capitalize()} {english}"
    return syllables(name).capitalize()


def person_name(name):
    """A Chinese person's name in pinyin, family name first: 范献强 → Fan Xianqiang."""
    name = name.strip()
    if not CJK.search(name):
        return name
    for surname in sorted(SURNAMES, key=len, reverse=True):
        if name.startswith(surname) and len(name) > len(surname):
            family = SURNAMES[surname]
            break
    else:
        surname, family = name[:1], syllables(name[:1]).capitalize()
    given = syllables(name[len(surname) :]).capitalize()
    return f"{family} {given}".strip()


def sort_key(text, length=200):
    """The text as it sorts: pinyin syllables, lower case, with punctuation and quotation
    marks left out, so that 《…》 and “…” do not sort first."""
    words = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars))
    letters = "".join(word.lower() for word in words if word.strip())
    return re.sub(r"[^0-9a-z\u00c0-\u024f]+", "", letters)[:length]
