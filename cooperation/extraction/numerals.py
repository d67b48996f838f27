"""Numbers as Chinese reports write them, read into exact Decimals.

Reports mix three notations, often in one figure: Arabic digits with or without thousands
separators (5005, 1,526, 305.65), Chinese numerals (两, 五, 十二万三千, 一百二十, 一千零五) and
Arabic digits scaled by Chinese place words (3.89亿, 1千万, 2750万). `NUMBER` is the regular
expression for one such number; `number_value` reads what it matched. Full-width digits are
turned into ASCII before matching (see reading.normalise), so they need no case here.
"""

import re
from decimal import Decimal, InvalidOperation

ARABIC = r"\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?"
CHINESE_DIGIT_CHARACTERS = "〇零一二三四五六七八九两"
PLACE_CHARACTERS = "十百千万亿"

# Arabic digits with optional place words (3.89亿, 1千万); a Chinese numeral that starts with a
# digit or 十 (两, 十二万三千); or 百/千 directly scaled by 万/亿 (the 千万 of 近千万元).
# A bare 百 or 千 is left alone: 千方百计, 千山万水 and 百人大关 are not counts.
NUMBER = (
    rf"(?:(?:{ARABIC})[{PLACE_CHARACTERS}]*"
    rf"|[{CHINESE_DIGIT_CHARACTERS}十][{CHINESE_DIGIT_CHARACTERS}{PLACE_CHARACTERS}]*"
    r"|[百千][万亿]{1,2})"
)

DIGITS = {character: Decimal(value) for value, character in enumerate("〇一二三四五六七八九")}
DIGITS.update({"零": Decimal(0), "两": Decimal(2)})
PLACES = {"十": Decimal(10), "百": Decimal(100), "千": Decimal(1000)}
WAN = Decimal(10_000)
YI = Decimal(100_000_000)
TOKEN = re.compile(rf"(?:{ARABIC})|[{CHINESE_DIGIT_CHARACTERS}{PLACE_CHARACTERS}]")


def arabic_value(text):
    """'1,526' → 1526, '305.65' → 305.65; None for anything else."""
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _tokens(text):
    """The number split into digit values (Decimal) and place words (str), or None if some
    part is not a number at all."""
    tokens, position = [], 0
    for match in TOKEN.finditer(text):
        if match.start() != position:
            return None
        part = match.group()
        if part in PLACE_CHARACTERS:
            tokens.append(part)
        elif part in "零〇":
            tokens.append("零")
        elif part in DIGITS:
            tokens.append(DIGITS[part])
        else:
            tokens.append(arabic_value(part))
        position = match.end()
    return tokens if position == len(text) and tokens else None


def _digit_string(tokens):
    """二〇二三 → 2023: Chinese digits written one by one, with no place words."""
    digits = ["0" if token == "零" else token for token in tokens]
    if not all(isinstance(digit, str) or digit == digit.to_integral_value() for digit in digits):
        return None
    return Decimal("".join(str(digit) for digit in digits))


def _positional(tokens):
    """Place-value reading: 十二万三千 → 123000, 一千零五 → 1005, 3.89亿 → 389000000.

    A digit left over after a place word of 百 or more scales by the next place down, as
    speech does (一百二 → 120, 三千五 → 3500, 一万五 → 15000); after 零 it does not (一千零五).
    Two digits in a row (三四个, "three or four") are an estimate, not a number: None.
    """
    total = section = small = Decimal(0)
    digit, last_place, after_zero = None, None, False
    for token in tokens:
        if token == "零":
            after_zero = True
            continue
        if isinstance(token, Decimal):
            if digit is not None:
                return None
            digit = token
            continue
        if token in PLACES:
            small += (Decimal(1) if digit is None else digit) * PLACES[token]
            last_place = PLACES[token]
        elif token == "万":
            group = small + (digit or 0)
            section += (group or 1) * WAN
            small, last_place = Decimal(0), WAN
        else:  # 亿
            group = section + small + (digit or 0)
            total = (total + (group or 1)) * YI
            section = small = Decimal(0)
            last_place = YI
        digit, after_zero = None, False
    if digit is not None:
        if last_place is not None and last_place >= 100 and not after_zero:
            digit *= last_place / 10
        small += digit
    return total + section + small


def number_value(text):
    """The exact value of a number matched by NUMBER, or None when it is not one."""
    plain = arabic_value(text)
    if plain is not None:
        return plain
    tokens = _tokens(text)
    if tokens is None:
        return None
    if len(tokens) > 1 and not any(isinstance(token, str) and token != "零" for token in tokens):
        # Digits one by one are a year (二〇二三); two or three digits are an estimate (三四个).
        return _digit_string(tokens) if len(tokens) == 4 or "零" in tokens else None
    value = _positional(tokens)
    return value


def is_chinese(text):
    """Whether the number is written in Chinese numerals only (两, 十二, 五)."""
    return not any(character.isdigit() for character in text)
