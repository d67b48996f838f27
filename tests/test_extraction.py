"""The quantity parser on real report phrasing: each form of the issue's grammar, what must not
be taken for a figure, periods, proposals, and a round trip through the portal's own printing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import assume, given
from hypothesis import strategies as st

from cooperation.extraction import extract, sentences
from cooperation.extraction.numerals import number_value
from cooperation.formatting import WAN, YI, count_parts, quantity_text, yuan_parts
from cooperation.models import Figure
from cooperation.models.periods import Period as PeriodKind
from cooperation.quantities import Qualifier, Unit

PUBLISHED = datetime.date(2023, 10, 26)
EXACT, AT_LEAST, MORE_THAN = "exact", "at_least", "more_than"
ABOUT, LESS_THAN = "about", "less_than"

# (sentence, span, value, value_max, unit, qualifier, kind)
QUANTITIES = [
    ("引进企业3个、实际投资额度3.89亿元。", "3.89亿元", "389000000", None, "元", EXACT, "actual"),
    ("今年南沙区选派5名挂职干部。", "5名", "5", None, "名", EXACT, "actual"),
    (
        "投入305.65万元支持易地扶贫搬迁集中安置区。",
        "305.65万元",
        "3056500",
        None,
        "元",
        EXACT,
        "actual",
    ),
    (
        "去年,他们又投入2750多万元帮扶资金。",
        "2750多万元",
        "27500000",
        None,
        "元",
        AT_LEAST,
        "actual",
    ),
    ("捐赠的资金合计50余万元。", "50余万元", "500000", None, "元", MORE_THAN, "actual"),
    ("全年累计培训约2万人次。", "约2万人次", "20000", None, "人次", ABOUT, "actual"),
    ("三年投入帮扶资金近千万元。", "近千万元", "10000000", None, "元", ABOUT, "actual"),
    ("社会各界捐赠超过5亿元。", "超过5亿元", "500000000", None, "元", MORE_THAN, "actual"),
    ("落实帮扶资金120.5余万元。", "120.5余万元", "1205000", None, "元", MORE_THAN, "actual"),
    ("举办培训班14期568人次。", "14期", "14", None, "期", EXACT, "actual"),
    ("举办培训班14期568人次。", "568人次", "568", None, "人次", EXACT, "actual"),
    ("实际到位投资额5.92億元。", "5.92億元", "592000000", None, "元", EXACT, "actual"),
    ("援建就業車間12個。", "12個", "12", None, "個", EXACT, "actual"),
    ("帶動農村勞動力就業3萬人。", "3萬人", "30000", None, "人", EXACT, "actual"),
    ("培訓約2萬人次。", "約2萬人次", "20000", None, "人次", ABOUT, "actual"),
    ("投入資金逾3億元。", "逾3億元", "300000000", None, "元", MORE_THAN, "actual"),
    ("每个科室选拔1至2名医务人员。", "1至2名", "1", "2", "名", EXACT, "actual"),
    ("每村设置3—5个公益岗位。", "3—5个", "3", "5", "个", EXACT, "actual"),
    ("计划引进3-5家企业。", "3-5家", "3", "5", "家", EXACT, "expected"),
    ("每户补助3至5万元。", "3至5万元", "30000", "50000", "元", EXACT, "actual"),
    (
        "预计年产优质生态鱼200万斤、年产值3200万元。",
        "200万斤",
        "2000000",
        None,
        "斤",
        EXACT,
        "expected",
    ),
    (
        "预计年产优质生态鱼200万斤、年产值3200万元。",
        "3200万元",
        "32000000",
        None,
        "元",
        EXACT,
        "expected",
    ),
    ("计划投资1.2亿元建设冷链仓储。", "1.2亿元", "120000000", None, "元", EXACT, "expected"),
    ("力争实现消费帮扶销售额5000万元。", "5000万元", "50000000", None, "元", EXACT, "target"),
    ("目标帮助1000名农村劳动力就业。", "1000名", "1000", None, "名", EXACT, "target"),
    ("计划投资5亿元,已完成3亿元。", "3亿元", "300000000", None, "元", EXACT, "actual"),
    ("涉及蜂蜜、绿茶等10余种农产品。", "10余种", "10", None, "种", MORE_THAN, "actual"),
    ("与广州教师同课异构共15节。", "15节", "15", None, "节", EXACT, "actual"),
    ("老师共32人分两批到广州交流学习。", "两批", "2", None, "批", EXACT, "actual"),
    ("希望赶紧健全“五个中心”的建设。", "五个", "5", None, "个", EXACT, "target"),
    ("新建高标准茶园三千亩。", "三千亩", "3000", None, "亩", EXACT, "actual"),
    ("带动十二万三千人增收。", "十二万三千人", "123000", None, "人", EXACT, "actual"),
    ("培训一百二十人次。", "一百二十人次", "120", None, "人次", EXACT, "actual"),
    ("搬迁群众一千零五户。", "一千零五户", "1005", None, "户", EXACT, "actual"),
    ("去年投入资金三千五百万元。", "三千五百万元", "35000000", None, "元", EXACT, "actual"),
    ("援建两所学校。", "两所", "2", None, "所", EXACT, "actual"),
    ("开发十余种特色产品。", "十余种", "10", None, "种", MORE_THAN, "actual"),
    ("带动二十多户脱贫户增收。", "二十多户", "20", None, "户", AT_LEAST, "actual"),
    ("与上一年40人相比,完成107.5%。", "107.5%", "107.5", None, "%", EXACT, "actual"),
    ("与上一年225人相比,完成248.89%。", "248.89%", "248.89", None, "%", EXACT, "actual"),
    ("课堂优良率从50%提升到96%。", "50%", "50", None, "%", EXACT, "actual"),
    ("课堂优良率从50%提升到96%。", "96%", "96", None, "%", EXACT, "actual"),
    ("百分之五十的资金用于产业。", "百分之五十", "50", None, "%", EXACT, "actual"),
    ("受益群众1,526人。", "1,526人", "1526", None, "人", EXACT, "actual"),
    ("受益群众１２５００人。", "１２５００人", "12500", None, "人", EXACT, "actual"),
    ("投入５．９２亿元。", "５．９２亿元", "592000000", None, "元", EXACT, "actual"),
    ("帮扶资金达１２０万元，", "１２０万元", "1200000", None, "元", EXACT, "actual"),
    ("吸纳13.76万农村劳动力就业。", "13.76万", "137600", None, "", EXACT, "actual"),
    ("师带徒结对12对。", "12对", "12", None, "对", EXACT, "actual"),
    ("带动脱贫户360户。", "360户", "360", None, "户", EXACT, "actual"),
    ("年产茶叶50吨。", "50吨", "50", None, "吨", EXACT, "actual"),
    ("村集体收入增长1.5倍。", "1.5倍", "1.5", None, "倍", EXACT, "actual"),
    ("覆盖不少于200户。", "不少于200户", "200", None, "户", AT_LEAST, "actual"),
    ("受益学生不足300人。", "不足300人", "300", None, "人", LESS_THAN, "actual"),
    ("每班控制在30人以下。", "30人以下", "30", None, "人", LESS_THAN, "actual"),
    ("参训人员500人左右。", "500人左右", "500", None, "人", ABOUT, "actual"),
    ("逾3000人次参加招聘会。", "逾3000人次", "3000", None, "人次", MORE_THAN, "actual"),
    ("带动100多人就业。", "100多人", "100", None, "人", AT_LEAST, "actual"),
    ("捐赠物资价值1千万元。", "1千万元", "10000000", None, "元", EXACT, "actual"),
    ("为紫云县送去2万余斤大米。", "2万余斤", "20000", None, "斤", MORE_THAN, "actual"),
    ("募集资金约3.5亿元。", "约3.5亿元", "350000000", None, "元", ABOUT, "actual"),
    ("将近2000人受益。", "将近2000人", "2000", None, "人", ABOUT, "actual"),
    ("一本首次突破100个。", "突破100个", "100", None, "个", MORE_THAN, "actual"),
    ("共有50余家企业参与。", "50余家", "50", None, "家", MORE_THAN, "actual"),
    ("5名中级以上职称人员作为带教老师。", "5名", "5", None, "名", EXACT, "actual"),
    ("开展专业技术人才培训1526人次,与上一年1355相比。", "1355", "1355", None, "", EXACT, "actual"),
    ("引进企业3个。", "3个", "3", None, "个", EXACT, "actual"),
]


def found_by_span(sentence, span):
    found = [item for item in extract(sentence, published_on=PUBLISHED) if item.text == span]
    assert len(found) == 1, [item.text for item in extract(sentence, published_on=PUBLISHED)]
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "span", "value", "value_max", "unit", "qualifier", "kind"), QUANTITIES
)
def test_quantity_is_read_with_value_unit_qualifier_and_kind(
    sentence, span, value, value_max, unit, qualifier, kind
):
    found = found_by_span(sentence, span)
    assert found.value == Decimal(value)
    assert found.value_max == (None if value_max is None else Decimal(value_max))
    assert (found.unit, found.qualifier, found.kind) == (unit, qualifier, kind)
    assert sentence[found.start : found.end] == span


NOT_FIGURES = [
    "吸引更多游客“走进21℃的城市,体验360度人生”。",
    "开设了“粤黔育才班”,采用“2+X+3”特色教育模式。",
    "“粤黔育才班”采用2+X+3教育模式。",
    "2023年6月,南沙区委副书记率队到紫云自治县开展调研对接。",
    "今年7月19日,医疗队与县人民医院举行了签约仪式。",
    "2021年以来,两地不断深化东西部协作。",
    "第二期东西部协作保育员培训。",
    "因为东西部协作,一山一海的两座城市由此“结缘”。",
    "一年来,两地合作硕果累累。",
    "开展东西部协作农村致富带头人培训等一系列活动。",
    "两年来,南沙区、紫云自治县坚持资源共享。",
    "时间:2023-10-26 14:12:08来源:中国乡村振兴网作者:罗建国",
    "一笔笔资金陆续投入、一个个项目落地见效。",
    "广州和安顺,同饮珠江水,同是一家人。",
    "这是组团式教育协作的一个创新模式。",
    "跨越千山万水,千方百计帮助劳动力实现就业增收。",
    "被带教的医务人员将利用1年时间。",
    "c7342980972c0292bb5df21de362d68.jpg",
    "微信图片_20231026103208.jpg",
    "广州市第一人民医院驻紫云自治县人民医疗队。",
    "用了3个月时间完成建设。",
    "首次突破百人大关。",
    "事情十万火急,千万不要拖延。",
    "二〇二三年紫云县民族高级中学高考。",
    "2023—2025年三年行动计划。",
    "正在对接洽谈的企业有广药集团。",
    "近年来,我们结合广州教学理念。",
]


@pytest.mark.parametrize("sentence", NOT_FIGURES)
def test_no_figure_is_found_in_words_that_only_contain_numerals(sentence):
    assert [item.text for item in extract(sentence, published_on=PUBLISHED)] == []


def test_traditional_text_keeps_its_own_characters_and_offsets():
    text = "今年南沙區實際到位投資5.92億元，建成車間12個，培訓約2萬人次。"
    found = extract(text, published_on=PUBLISHED)
    assert [item.text for item in found] == ["5.92億元", "12個", "約2萬人次"]
    assert all(text[item.start : item.end] == item.text for item in found)
    assert [item.model_unit for item in found] == ["元", "个", "人次"]
    assert found[0].measure == Figure.Measure.INVESTMENT
    assert found[0].sentence.text == text


def test_people_counted_with_ming_are_stored_as_ren_and_enterprises_as_jia():
    five, three = extract("选派5名挂职干部,引进企业3个。")
    assert (five.unit, five.model_unit) == ("名", Unit.PERSON)
    assert (three.unit, three.model_unit) == ("个", Unit.ENTERPRISE)


def test_every_proposal_uses_the_models_choice_values():
    text = "。".join(sentence for sentence, *_ in QUANTITIES)
    found = extract(text, published_on=PUBLISHED)
    assert {item.qualifier for item in found} <= set(Qualifier.values)
    assert {item.model_unit for item in found} - {""} <= set(Unit.values)
    assert {item.kind for item in found} <= set(Figure.Kind.values)
    assert {item.measure for item in found} <= set(Figure.Measure.values)
    periods = {item.period.kind for item in found if item.period}
    assert periods <= set(PeriodKind.values)


def test_the_previous_years_value_takes_the_unit_label_and_measure_of_this_years():
    found = extract("开展专业技术人才培训70期,培训1526人次,与上一年1355相比,完成112.62%。")
    last_year = found[2]
    assert (last_year.text, last_year.unit, last_year.model_unit) == ("1355", "", "人次")
    assert last_year.measure == found[1].measure == Figure.Measure.TECHNICAL_TRAINING
    assert found[0].measure == Figure.Measure.TECHNICAL_TRAINING_SESSIONS


@pytest.mark.parametrize(
    ("text", "span", "measure", "label"),
    [
        (
            "投入305.65万元支持易地扶贫搬迁集中安置区,",
            "305.65万元",
            "assistance_funds",
            "投入支持易地扶贫搬迁集中安置区",
        ),
        ("帮助130人农村劳动力实现就业;", "130人", "jobs", "帮助农村劳动力实现就业"),
        ("新增帮助农村劳动力就业3552人。", "3552人", "new_jobs", "新增帮助农村劳动力就业"),
        (
            "今年南沙区选派5名挂职干部、43名专业技术人才到紫云县开展帮扶工作,",
            "43名",
            "technical_staff",
            "南沙区选派专业技术人才到紫云县开展帮扶工作",
        ),
        (
            "紫云县选派9名干部、282名专业技术人才到南沙区跟岗学习,",
            "9名",
            "west_cadres",
            "紫云县选派干部",
        ),
        (
            "举办东西部劳务协作培训班14期,培训农村劳动力568人次,",
            "568人次",
            "labour_training",
            "培训农村劳动力",
        ),
        ("销售额达2.17亿元,", "2.17亿元", "sales", "销售额"),
        (
            "先后捐赠文具及定向资助贫困学生的资金合计50余万元。",
            "50余万元",
            "donations",
            "先后捐赠文具及定向资助贫困学生的资金",
        ),
        (
            "在易地扶贫搬迁集中安置区援建3个帮扶车间,",
            "3个",
            "workshops",
            "易地扶贫搬迁集中安置区援建帮扶车间",
        ),
        ("教师省级课题立项4个,", "4个", "other", "教师省级课题立项"),
    ],
)
def test_measure_and_label_are_proposed_from_the_sentences_words(text, span, measure, label):
    found = found_by_span(text, span)
    assert (found.measure, found.label) == (measure, label)


def flow(first, last):
    return ("flow", datetime.date.fromisoformat(first), datetime.date.fromisoformat(last))


@pytest.mark.parametrize(
    ("text", "span", "words", "period"),
    [
        ("今年南沙区选派5名挂职干部,", "5名", "今年", flow("2023-01-01", "2023-12-31")),
        ("与上一年40人相比,完成107.5%", "40人", "上一年", flow("2022-01-01", "2022-12-31")),
        (
            "今年选派43名,与上一年40人相比,完成107.5%",
            "107.5%",
            "今年",
            flow("2023-01-01", "2023-12-31"),
        ),
        (
            "去年,他们又投入2750多万元帮扶资金。",
            "2750多万元",
            "去年",
            flow("2022-01-01", "2022-12-31"),
        ),
        (
            "在2023年前三季度,新增引导落地紫云投产企业5家,",
            "5家",
            "2023年前三季度",
            flow("2023-01-01", "2023-09-30"),
        ),
        ("2023年上半年投入300万元。", "300万元", "2023年上半年", flow("2023-01-01", "2023-06-30")),
        (
            "2023年第一季度投入300万元。",
            "300万元",
            "2023年第一季度",
            flow("2023-01-01", "2023-03-31"),
        ),
        ("2023年6月投入300万元。", "300万元", "2023年6月", flow("2023-06-01", "2023-06-30")),
        ("一年来,两地举办培训班14期,", "14期", "一年来", flow("2022-10-27", "2023-10-26")),
        (
            "2021年以来,南沙区14个乡镇叠加帮扶紫云县13个乡镇;",
            "13个",
            "2021年以来",
            ("cumulative", datetime.date(2021, 1, 1), PUBLISHED),
        ),
        (
            "截至目前,共落实了教育帮扶资金480万元,",
            "480万元",
            "截至目前",
            ("cumulative", None, PUBLISHED),
        ),
        (
            "截至2023年9月底,共落实资金480万元,",
            "480万元",
            "截至2023年9月底",
            ("cumulative", None, datetime.date(2023, 9, 30)),
        ),
        (
            "2023年底在校学生108人。",
            "108人",
            "2023年底",
            ("stock", None, datetime.date(2023, 12, 31)),
        ),
        ("2021—2023年累计投入3亿元。", "3亿元", "2021—2023年", flow("2021-01-01", "2023-12-31")),
        ("2022年至2023年投入5亿元。", "5亿元", "2022年至2023年", flow("2022-01-01", "2023-12-31")),
    ],
)
def test_a_figure_takes_the_period_its_sentence_states(text, span, words, period):
    found = found_by_span(text, span)
    assert (found.period.words, found.period.kind, found.period.start, found.period.end) == (
        words,
        *period,
    )


def test_a_period_holds_for_the_rest_of_its_paragraph_and_not_beyond():
    text = "今年7月19日,举行了签约仪式。医院遴选了5名带教老师。\n援建车间3个。"
    teachers, workshops = extract(text, published_on=PUBLISHED)
    assert (teachers.period.words, teachers.period.start) == ("今年", datetime.date(2023, 1, 1))
    assert workshops.period is None


def test_a_sentence_about_the_present_or_future_leaves_the_paragraphs_period():
    text = "去年投入2750多万元。目前均已投入生产,预计年产优质生态鱼200万斤。"
    spent, fish = extract(text, published_on=PUBLISHED)
    assert spent.period.words == "去年"
    assert fish.period is None


def test_relative_periods_without_a_publication_date_keep_their_words_only():
    (found,) = extract("今年投入帮扶资金100万元。")
    assert (found.period.words, found.period.kind, found.period.start) == ("今年", "unknown", None)


def test_sentences_split_at_sentence_ends_and_line_breaks_but_not_commas():
    text = "一年来,举办培训班14期；培训568人次!\n\n  新增就业3552人？完成。５．９２亿元｡最后"
    split = sentences(text)
    assert [sentence.text for sentence in split] == [
        "一年来,举办培训班14期；",
        "培训568人次!",
        "新增就业3552人？",
        "完成。",
        "５．９２亿元｡",
        "最后",
    ]
    assert all(text[s.start : s.end] == s.text for s in split)
    assert [s.index for s in split] == list(range(6))


def test_as_json_gives_exact_decimal_strings_and_the_period():
    (found,) = extract("截至目前,投入3.89亿元。", published_on=PUBLISHED)
    record = found.as_json()
    assert record["value"] == "389000000"
    assert record["value_max"] is None
    assert record["period"] == {
        "words": "截至目前",
        "kind": "cumulative",
        "start": None,
        "end": "2023-10-26",
    }
    assert record["sentence"] == "截至目前,投入3.89亿元。"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十二万三千", 123000),
        ("一百二十", 120),
        ("一千零五", 1005),
        ("3.89亿", 389000000),
        ("1千万", 10000000),
        ("两万", 20000),
        ("千万", 10000000),
        ("三千五", 3500),
        ("十五", 15),
        ("1亿2千万", 120000000),
        ("1,526", 1526),
    ],
)
def test_numerals_read_to_exact_values(numeral, value):
    assert number_value(numeral) == value


def test_an_estimate_of_two_digits_is_not_a_number():
    assert number_value("三四") is None


SCALES = {"亿元": YI, "万元": WAN, "元": Decimal(1)}


def printed_exactly(value, unit):
    """Whether the portal prints the value without rounding it."""
    if unit == "元":
        number, unit_text = yuan_parts(value)
        return Decimal(number) * SCALES[unit_text] == value
    number, unit_text = count_parts(value, unit)
    scale = YI if unit_text.startswith("亿") else WAN if unit_text.startswith("万") else 1
    return Decimal(number) * scale == value


amounts = st.one_of(
    st.integers(1, 10**13).map(lambda cents: Decimal(cents) / 100),  # mostly rounded: dropped
    st.integers(1, 999_999).map(lambda cents: Decimal(cents) / 100),
    st.integers(1, 99_999_999).map(lambda ten_thousandths: Decimal(ten_thousandths) * WAN / 10_000),
    st.integers(1, 99_999_999).map(lambda ten_thousandths: Decimal(ten_thousandths) * YI / 10_000),
)
counts = st.one_of(
    st.integers(1, 99_999).map(Decimal),
    st.integers(10, 99_999_999).map(
        lambda ten_thousandths: Decimal(ten_thousandths) * WAN / 10_000
    ),
)


@given(
    quantity=st.one_of(
        st.tuples(amounts, st.just("元")),
        st.tuples(counts, st.sampled_from([u for u in Unit.values if u != "元"])),
    ),
    qualifier=st.sampled_from(Qualifier.values),
)
def test_amounts_the_portal_prints_read_back_to_the_same_value(quantity, qualifier):
    value, unit = quantity
    assume(printed_exactly(value, unit))
    with translation.override("zh-hans"):
        printed = quantity_text(value, unit, qualifier)
    text = f"今年紫云县投入{printed}，用于产业发展。"
    (found,) = extract(text, published_on=PUBLISHED)
    assert found.text == printed
    assert found.value == value
    assert (found.model_unit, found.qualifier) == (unit, qualifier)
