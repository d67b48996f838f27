"""What a figure counts, proposed from the words around it: a label and a Figure.Measure.

The label is the figure's clause less the figure: the words before it back to the previous
comma or figure, and the words after it up to the next one (投入305.65万元支持易地扶贫搬迁集中
安置区 → 投入支持易地扶贫搬迁集中安置区; 帮助130人农村劳动力实现就业 → 帮助农村劳动力实现就业).
In a list (选派5名挂职干部、43名专业技术人才到紫云县…) a later item with no words of its own
before it borrows the first item's verb phrase. Period words are left out: they become the
figure's period. The measure is read from the label's words, and when the label alone does
not say what is trained or counted (培训1526人次) from the labels before it in the sentence.
Reviewers correct both; OTHER is proposed when the words are not clear.
"""

import re

# Figure.Measure values, as plain strings so that this module needs no app registry.
ASSISTANCE_FUNDS, INVESTMENT, ENTERPRISES = "assistance_funds", "investment", "enterprises"
JOBS, NEW_JOBS, SALES, DONATIONS = "jobs", "new_jobs", "sales", "donations"
OUTPUT_VALUE, OUTPUT, WORKSHOPS, PEOPLE = "output_value", "output", "workshops", "people"
SECONDED_CADRES, TECHNICAL_STAFF = "seconded_cadres", "technical_staff"
WEST_CADRES, WEST_TECHNICAL_STAFF = "west_cadres", "west_technical_staff"
CADRE_TRAINING, TECHNICAL_TRAINING = "cadre_training", "technical_training"
TECHNICAL_TRAINING_SESSIONS = "technical_training_sessions"
LABOUR_TRAINING, LABOUR_TRAINING_SESSIONS = "labour_training", "labour_training_sessions"
RATE, OTHER = "rate", "other"

CLAUSE_ENDS = ',，;；:：()（）“”‘’"「」『』《》【】 \t'
LEADING_WORDS = ("同时", "其中", "并且", "并", "又", "还", "另外", "此外", "通过", "在", "是")
TRAILING_WORDS = ("达到", "达", "为", "共计", "合计", "总计", "共", "约", "是", "有", "的", "从")
PEOPLE_UNITS = ("人", "名", "")

MONEY_RULES = (
    (r"产值", OUTPUT_VALUE),
    (r"销售|采购|消费帮扶", SALES),
    (r"捐赠|捐款|捐助|资助", DONATIONS),
    (r"投资|招商", INVESTMENT),
    (r"资金|投入|援助|帮扶|扶持|拨付|援建", ASSISTANCE_FUNDS),
)
TRAINING_RULES = (
    (r"党政|干部", CADRE_TRAINING, None),
    (r"专业技术", TECHNICAL_TRAINING, TECHNICAL_TRAINING_SESSIONS),
    (r"劳务|劳动力|技能|农民|务工", LABOUR_TRAINING, LABOUR_TRAINING_SESSIONS),
)


def _clause_start(normal, sentence_start, position, previous_end):
    begin = max(sentence_start, previous_end)
    for index in range(position - 1, begin - 1, -1):
        if normal[index] in CLAUSE_ENDS:
            return index + 1
        if normal[index] == "、" and _figure_between(normal, index, previous_end, sentence_start):
            return index + 1
    return begin


def _figure_between(normal, index, previous_end, sentence_start):
    """A 、 ends a list item only when a figure stands in that item (5名挂职干部、43名…)."""
    if previous_end <= sentence_start:
        return False
    return not any(character in CLAUSE_ENDS for character in normal[previous_end:index])


def _clause_end(normal, position, sentence_end, next_start):
    stop = min(sentence_end, next_start)
    for index in range(position, stop):
        if normal[index] in CLAUSE_ENDS or normal[index] in "、。!?":
            return index
    return stop


def _without_spans(text, offset, spans):
    """text (starting at `offset`) with the given spans cut out."""
    kept = list(text)
    for begin, stop in spans:
        for index in range(max(begin, offset), min(stop, offset + len(text))):
            kept[index - offset] = ""
    return "".join(kept)


def _trimmed(words):
    changed = True
    while changed and words:
        changed = False
        for word in LEADING_WORDS:
            if words.startswith(word) and len(words) > len(word) + 1:
                words, changed = words[len(word) :], True
        for word in TRAILING_WORDS:
            if words.endswith(word) and len(words) > len(word):
                words, changed = words[: -len(word)], True
    return words


def labels(text, normal, sentence, quantities, period_spans):
    """A label for each quantity of one sentence, cut from the input text as written."""
    found, previous_end, list_head = [], sentence.start, ""
    for index, quantity in enumerate(quantities):
        following = quantities[index + 1].start if index + 1 < len(quantities) else sentence.end
        begin = _clause_start(normal, sentence.start, quantity.start, previous_end)
        stop = _clause_end(normal, quantity.end, sentence.end, following)
        before = _trimmed(_without_spans(text[begin : quantity.start], begin, period_spans))
        after = _without_spans(text[quantity.end : stop], quantity.end, period_spans)
        if stop == following and following < sentence.end:
            after = ""  # a verb into the next figure: 50%提升到96%, 32人分两批
        item_of_a_list = begin > sentence.start and (
            normal[begin - 1] == "、" or begin == previous_end
        )
        if not item_of_a_list:
            list_head = before
        elif not before or (begin == previous_end and before.endswith(("到", "至"))):
            before = list_head
        found.append(_trimmed(f"{before}{after}".strip())[:200])
        previous_end = quantity.end
    return found


def measure(unit, label, earlier_labels, sentence):
    """A proposed Figure.Measure for a figure with this unit and label. When the label alone
    does not tell, the labels of the figures before it in its sentence are read too, nearest
    first (开展专业技术人才培训70期,培训1526人次); `sentence` is the whole sentence."""
    if unit == "%":
        return RATE
    for context in ("", *reversed(earlier_labels)):
        found = _measure(unit, f"{label} {context}", sentence)
        if found != OTHER:
            return found
    return OTHER


def _measure(unit, words, sentence):
    if unit == "元":
        return next((m for pattern, m in MONEY_RULES if re.search(pattern, words)), OTHER)
    if unit in ("人次", "期") or (unit in PEOPLE_UNITS and "培训" in words):
        if "培训" not in words:
            return OTHER
        for pattern, people, sessions in TRAINING_RULES:
            if re.search(pattern, words):
                chosen = sessions if unit == "期" else people
                return chosen or OTHER
        return OTHER
    if unit in ("个", "家"):
        if "车间" in words:
            return WORKSHOPS
        if re.search(r"(引进|落地|投产|入驻|招引).*企业|企业.*(落地|投产|入驻)", words):
            return ENTERPRISES
        return OTHER
    if unit in ("斤", "吨") and "产" in words:
        return OUTPUT
    if unit in PEOPLE_UNITS:
        return _people(words, sentence)
    return OTHER


def _people(words, sentence):
    if "就业" in words:
        return NEW_JOBS if "新增" in words else JOBS
    westward = "跟岗" in sentence
    if "专业技术人才" in words:
        return WEST_TECHNICAL_STAFF if westward else TECHNICAL_STAFF
    if "挂职" in words:
        return SECONDED_CADRES
    if "干部" in words and westward:
        return WEST_CADRES
    if re.search(r"受益|惠及|带动", words):
        return PEOPLE
    return OTHER
