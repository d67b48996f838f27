"""The small grammar in which Chinese reports state a programme quantity.

    [qualifier] number [至 number] [多|余] [万|亿] [unit] [左右|以上|以下]

as in 3.89亿元, 43名, 2750多万元, 50余万元, 约2万人次, 近千万元, 超过5亿元, 1至2名, 14期568人次
(two quantities) and 13.76万农村劳动力 (a quantity without a unit). The pattern runs over the
normalised text (reading.normalise), then `quantities` drops what only looks like one: years,
dates and times (periods.py marks them), ordinals (第二期), slogans and formulas (2+X+3),
measurements the programme does not count (21℃, 360度 have no unit here), the article 一
(一个创新模式, 一家人, 一山一海) and reduplications (一个个项目).
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from cooperation.quantities import Qualifier, Unit

from .numerals import NUMBER, PLACE_CHARACTERS, is_chinese, number_value

UNITS = "人次|元|人|名|个|家|所|期|批|节|种|对|斤|亩|户|吨|倍|%"

PATTERN = re.compile(
    rf"""
    (?P<prefix>不少于|不低于|不足|不到|少于|低于|至少|超过|逾|大约|约|将近|接近|近|突破)?
    (?P<percent_words>百分之)?
    (?P<number>{NUMBER})
    (?:(?P<separator>至|到|—|–|-|~|〜)(?P<upper>{NUMBER}))?
    (?P<infix>多|余)?
    (?P<scale>[万亿]{{1,2}})?
    (?P<unit>{UNITS})?
    (?P<suffix>左右|以上|以下)?
    """,
    re.VERBOSE,
)

QUALIFIER_WORDS = {
    **dict.fromkeys(("约", "大约", "近", "将近", "接近", "左右"), Qualifier.ABOUT),
    **dict.fromkeys(("超过", "逾", "突破", "余"), Qualifier.MORE_THAN),
    **dict.fromkeys(("不少于", "不低于", "至少", "多", "以上"), Qualifier.AT_LEAST),
    **dict.fromkeys(("不足", "不到", "少于", "低于", "以下"), Qualifier.LESS_THAN),
}

# Model units for the measure words that are written two ways: 名 counts people as 人 does.
MODEL_UNITS = {"名": Unit.PERSON}

# A measure word followed by one of these is part of another word: 3个月 is a duration, 5个
# 百分点 a difference of rates, 对接 and 对口 a verb, 户口 and 户外 no households.
NOT_A_UNIT_BEFORE = {
    "个": ("月", "多月", "小时", "百分点", "工作日"),
    "对": ("接", "口", "于", "象", "比", "照", "外", "待", "标"),
    "名": ("单", "称", "字", "义"),
    "家": ("庭", "乡", "属", "长"),
    "元": ("旦", "素", "宵"),
    "期": ("间", "限", "货"),
    "节": ("约", "日", "能", "点"),
    "户": ("口", "外", "籍", "型"),
    "批": ("准", "复", "示", "评"),
}

COMPARED_WITH = re.compile(r"与(?:上一?年|去年|上年|前一年|往年)(?:同期)?的?$")
COMPARISON_END = ("相比", "相较", "比较")

# The words that make a figure a plan or a goal, and those that bring the text back to what
# happened; the last one before a figure in its sentence decides its kind.
KIND_WORDS = re.compile(
    r"(?P<expected>预计|计划|拟|预期|将达)|(?P<target>目标|力争|争取|希望)|(?P<actual>已|实际|截至)"
)


@dataclass(frozen=True)
class Quantity:
    """One quantity read from the normalised text; offsets are into the whole text."""

    start: int
    end: int
    value: Decimal
    value_max: Decimal | None
    unit_start: int | None  # where the measure word is written (its form is cut from the input)
    unit: str  # the measure word normalised: 元, 人, 名, 个 …, or ""
    qualifier: str
    compared: bool  # the previous year's value in 与上一年…相比


def scaled(number, scale):
    """A number times its 万/亿 scale (2750 多 万 → 27500000)."""
    return number_value(number + (scale or ""))


def qualifier_of(match):
    for group in ("prefix", "infix", "suffix"):
        if match.group(group):
            return QUALIFIER_WORDS[match.group(group)]
    return Qualifier.EXACT


def _range_values(match):
    """The lower and upper value; 3至5万元 scales both ends by the 万 written once."""
    number, upper, scale = match.group("number"), match.group("upper"), match.group("scale")
    high = scaled(upper, scale) if upper else None
    if upper and number[-1] not in PLACE_CHARACTERS:
        places = re.search(rf"[{PLACE_CHARACTERS}]+$", upper)
        number += places.group() if places else ""
    low = scaled(number, scale)
    return low, high


def _unit_is_a_word_part(normal, match):
    unit = match.group("unit")
    after = normal[match.end("unit") :]
    if unit and after[:1] == unit[-1]:
        return True  # 一个个, 一批批
    return any(after.startswith(word) for word in NOT_A_UNIT_BEFORE.get(unit, ()))


def _looks_like_a_number_part(normal, match):
    """The match is the tail of a longer token: a code (c0292bb), a date (10-26), a formula
    (2+X+3), a longer numeral (the 二万三千 of 十二万三千) or an ordinal (第二期)."""
    before = normal[match.start() - 1] if match.start() else ""
    after = normal[match.end()] if match.end() < len(normal) else ""
    two_before = normal[match.start() - 2] if match.start() > 1 else ""
    if before in ".,-/:" and two_before.isdigit():
        return True
    if before and (before in "0123456789+×_第" or before.isascii() and before.isalpha()):
        return True
    if (
        before
        and is_chinese(match.group("number"))
        and before in "〇零一二三四五六七八九两十百千万亿"
    ):
        return True
    return after in ("+", "×") or (
        not match.group("unit") and after.isascii() and (after.isalnum() or after in "._")
    )


def quantities(normal, start, end, blocked):
    """Every quantity in normal[start:end], skipping those that overlap a blocked span."""
    found, position = [], start
    while (match := PATTERN.search(normal, position, end)) is not None:
        if match.end() == match.start():
            position = match.start() + 1
            continue
        quantity = _quantity(normal, match, blocked)
        if quantity is None:
            position = match.start() + 1
            continue
        found.append(quantity)
        position = match.end()
    return found


def _quantity(normal, match, blocked):
    number, unit = match.group("number"), match.group("unit") or ""
    if number == "一" and not match.group("upper"):
        return None  # the article "a": 一个创新模式, 一家人
    if _looks_like_a_number_part(normal, match) or _unit_is_a_word_part(normal, match):
        return None
    if any(match.start() < stop and begin < match.end() for begin, stop in blocked):
        return None
    low, high = _range_values(match)
    if low is None or (match.group("upper") and (high is None or high <= low)):
        return None
    if match.group("percent_words"):
        if unit:
            return None
        unit = "%"
    compared = bool(
        COMPARED_WITH.search(normal, max(0, match.start() - 12), match.start())
    ) and normal.startswith(COMPARISON_END, match.end())
    scale_written = bool(match.group("scale")) or bool(re.search("[万亿]", number))
    if not unit and not compared and not (scale_written and not is_chinese(number)):
        return None
    return Quantity(
        start=match.start(),
        end=match.end(),
        value=low,
        value_max=high,
        unit_start=match.start("unit") if match.group("unit") else None,
        unit=unit,
        qualifier=qualifier_of(match),
        compared=compared,
    )


def model_unit(unit):
    """The Unit choice a measure word is stored as (名 → 人), or "" when there is none."""
    unit = str(MODEL_UNITS.get(unit, unit))
    return unit if unit in Unit.values else ""


def kind_of(normal, sentence_start, position):
    """actual, expected (预计/计划) or target (目标/力争) for a figure at `position`."""
    kind = "actual"
    for match in KIND_WORDS.finditer(normal, sentence_start, position):
        kind = match.lastgroup
    return kind
