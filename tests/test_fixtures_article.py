"""The article's fixtures hold what the article says, walked paragraph by paragraph.

Each table below lists the figures of one part of the article with the phrase that
states them; a figure missing from the fixtures (or stored with another value, unit,
qualifier, kind or period) fails. A last check makes sure that every number written in
the article is covered by one of these phrases.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import models

from cooperation.attribution import programme_figures
from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Indicator,
    Organization,
    Pairing,
    Person,
    Project,
    ProjectOrganization,
    Publication,
    Qualifier,
    Region,
    Side,
    Source,
    year_over_year,
)
from cooperation.models.periods import Period
from cooperation.totals import HEADLINE_BY_KEY, headline_totals

REPO = Path(settings.BASE_DIR)
FIXTURES = sorted(str(path) for path in (REPO / "fixtures").glob("*.json"))
ARTICLE_PATHS = (
    Path("/work/shared/source/article.txt"),
    REPO.parent / "shared" / "source" / "article.txt",
)
SOURCE_SLUG = "zgxczx-2023-10-26-nansha-ziyun"


def read_article():
    for path in ARTICLE_PATHS:
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise FileNotFoundError(f"article.txt not found at {[str(p) for p in ARTICLE_PATHS]}")


ARTICLE = read_article()

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
M = Figure.Measure
U = Figure.Unit
PUBLISHED_ON = datetime.date(2023, 10, 26)
Q3 = "2023年前三季度"
UP_TO_PUBLICATION = "截至2023年10月26日"


@dataclass(frozen=True)
class Stated:
    """A figure as the article states it, and where the fixtures keep it."""

    phrase: str
    measure: str
    value: Decimal
    unit: str
    owner: str
    qualifier: str = Qualifier.EXACT
    kind: str = Figure.Kind.ACTUAL
    year: int | None = None
    period: str = ""
    label: str = ""
    scope: str = Figure.Scope.OWNER
    places: tuple = ()


def names(text):
    """Names written one after another, separated by spaces or line breaks."""
    return text.split()


def wan(number):
    return Decimal(number) * WAN


def yi(number):
    return Decimal(number) * YI


PAIRING = Figure.Scope.PAIRING
PARK = "project co-built-industrial-park"
LANDED = "project investment-promotion-enterprises"
LABOURERS = "紫云自治县农村劳动力"

TALENT_EXCHANGE = [
    Stated(
        "今年南沙区选派5名挂职干部",
        M.SECONDED_CADRES,
        5,
        U.PERSON,
        "indicator",
        year=2023,
        scope=PAIRING,
    ),
    Stated(
        "43名专业技术人才到紫云县",
        M.TECHNICAL_STAFF,
        43,
        U.PERSON,
        "indicator",
        year=2023,
        scope=PAIRING,
    ),
    Stated(
        "与上一年40人相比", M.TECHNICAL_STAFF, 40, U.PERSON, "indicator", year=2022, scope=PAIRING
    ),
    Stated("紫云县选派9名干部", M.WEST_CADRES, 9, U.PERSON, "indicator", year=2023, scope=PAIRING),
    Stated(
        "282名专业技术人才到南沙区",
        M.WEST_TECHNICAL_STAFF,
        282,
        U.PERSON,
        "indicator",
        year=2023,
        scope=PAIRING,
    ),
    Stated(
        "与上一年47人相比",
        M.WEST_TECHNICAL_STAFF,
        47,
        U.PERSON,
        "indicator",
        year=2022,
        scope=PAIRING,
    ),
    Stated(
        "党政培训干部560人次",
        M.CADRE_TRAINING,
        560,
        U.PERSON_TIME,
        "indicator",
        year=2023,
        scope=PAIRING,
    ),
    Stated(
        "与上一年225人相比", M.CADRE_TRAINING, 225, U.PERSON, "indicator", year=2022, scope=PAIRING
    ),
    Stated(
        "专业技术人才培训70期",
        M.TECHNICAL_TRAINING_SESSIONS,
        70,
        U.SESSION,
        "indicator",
        year=2023,
        scope=PAIRING,
    ),
    Stated(
        "培训1526人次",
        M.TECHNICAL_TRAINING,
        1526,
        U.PERSON_TIME,
        "indicator",
        year=2023,
        scope=PAIRING,
    ),
    Stated(
        "与上一年1355相比",
        M.TECHNICAL_TRAINING,
        1355,
        U.PERSON_TIME,
        "indicator",
        year=2022,
        scope=PAIRING,
    ),
]

PARK_AND_ENTERPRISES = [
    Stated("紫云、南沙共建产业园区1个", M.OTHER, 1, U.ITEM, PARK),
    Stated("引进企业3个", M.ENTERPRISES, 3, U.ENTERPRISE, PARK, year=2023, period=Q3),
    Stated("实际投资额度3.89亿元", M.INVESTMENT, yi("3.89"), U.YUAN, PARK, year=2023, period=Q3),
    Stated(
        "吸纳农村劳动力就业172人",
        M.JOBS,
        172,
        U.PERSON,
        f"benefit co-built-industrial-park → {LABOURERS}",
        year=2023,
        period=Q3,
    ),
    Stated(
        "在2023年前三季度,新增引导落地紫云投产企业5家",
        M.ENTERPRISES,
        5,
        U.ENTERPRISE,
        LANDED,
        year=2023,
        period=Q3,
    ),
    Stated(
        "实际到位投资额5.92亿元", M.INVESTMENT, yi("5.92"), U.YUAN, LANDED, year=2023, period=Q3
    ),
    Stated(
        "吸纳农村劳动力就业258人",
        M.JOBS,
        258,
        U.PERSON,
        f"benefit investment-promotion-enterprises → {LABOURERS}",
        year=2023,
        period=Q3,
    ),
]

CONSUMPTION = [
    Stated(
        "销售额达2.17亿元",
        M.SALES,
        yi("2.17"),
        U.YUAN,
        "project consumption-assistance-ziyun-products",
        period=UP_TO_PUBLICATION,
    ),
    Stated(
        "等10余种农产品",
        M.OTHER,
        10,
        U.KIND,
        "project consumption-assistance-ziyun-products",
        qualifier=Qualifier.MORE_THAN,
        period=UP_TO_PUBLICATION,
    ),
]

WORKSHOPS = [
    Stated(
        "投入305.65万元支持易地扶贫搬迁集中安置区",
        M.ASSISTANCE_FUNDS,
        wan("305.65"),
        U.YUAN,
        "project relocation-site-workshops",
    ),
    Stated("援建3个帮扶车间", M.WORKSHOPS, 3, U.ITEM, "project relocation-site-workshops"),
    Stated(
        "帮助130人农村劳动力实现就业",
        M.JOBS,
        130,
        U.PERSON,
        f"benefit relocation-site-workshops → {LABOURERS}",
    ),
    Stated("援建就业车间10个", M.WORKSHOPS, 10, U.ITEM, "project employment-workshops"),
    Stated(
        "帮助573人农村劳动力实现就业",
        M.JOBS,
        573,
        U.PERSON,
        f"benefit employment-workshops → {LABOURERS}",
    ),
]

LABOUR = [
    Stated(
        "东西部劳务协作培训班14期",
        M.LABOUR_TRAINING_SESSIONS,
        14,
        U.SESSION,
        "project labour-cooperation-training-jobs",
        period="一年来",
        scope=PAIRING,
    ),
    Stated(
        "培训农村劳动力568人次",
        M.LABOUR_TRAINING,
        568,
        U.PERSON_TIME,
        f"benefit labour-cooperation-training-jobs → {LABOURERS}",
        period="一年来",
        scope=PAIRING,
    ),
    Stated(
        "帮助农村劳动力就业人数5005人",
        M.JOBS,
        5005,
        U.PERSON,
        f"benefit labour-cooperation-training-jobs → {LABOURERS}",
        period="一年来",
        scope=PAIRING,
    ),
    Stated(
        "新增帮助农村劳动力就业3552人",
        M.NEW_JOBS,
        3552,
        U.PERSON,
        f"benefit labour-cooperation-training-jobs → {LABOURERS}",
        period="一年来",
        scope=PAIRING,
    ),
]

MEDICAL = [
    Stated(
        "遴选了5名中级以上职称人员作为带教老师",
        M.OTHER,
        5,
        U.PERSON,
        "project medical-team-ziyun-peoples-hospital",
        year=2023,
    ),
    Stated(
        "健全‘五个中心’",
        M.OTHER,
        5,
        U.ITEM,
        "project medical-team-ziyun-peoples-hospital",
        kind=Figure.Kind.TARGET,
    ),
]

EDUCATION = [
    Stated(
        "课堂优良率从50%",
        M.RATE,
        50,
        U.PERCENT,
        "benefit dongchong-team-ziyun-minzu-middle-school → 紫云县民族中学",
    ),
    Stated(
        "提升到96%",
        M.RATE,
        96,
        U.PERCENT,
        "benefit dongchong-team-ziyun-minzu-middle-school → 紫云县民族中学",
    ),
    Stated("广州选派4人", M.OTHER, 4, U.PERSON, "project education-team-yuqian-class"),
    Stated(
        "老师和教研团队共32人",
        M.PEOPLE,
        32,
        U.PERSON,
        "benefit education-team-yuqian-class → 紫云民中教师和教研团队",
    ),
    Stated(
        "分两批到广州交流学习",
        M.OTHER,
        2,
        U.BATCH,
        "benefit education-team-yuqian-class → 紫云民中教师和教研团队",
    ),
    Stated(
        "同课异构共15节",
        M.OTHER,
        15,
        U.LESSON,
        "benefit education-team-yuqian-class → 紫云民中教师和教研团队",
    ),
    Stated(
        "教师省级课题立项4个",
        M.OTHER,
        4,
        U.ITEM,
        "benefit education-team-yuqian-class → 紫云民中教师和教研团队",
    ),
    Stated(
        "市级课题立项25个",
        M.OTHER,
        25,
        U.ITEM,
        "benefit education-team-yuqian-class → 紫云民中教师和教研团队",
    ),
    Stated(
        "东西部协作教育帮扶资金480万元",
        M.ASSISTANCE_FUNDS,
        wan(480),
        U.YUAN,
        "project education-team-yuqian-class",
        period=UP_TO_PUBLICATION,
    ),
    Stated(
        "资金合计50余万元",
        M.DONATIONS,
        wan(50),
        U.YUAN,
        "project education-team-yuqian-class",
        qualifier=Qualifier.MORE_THAN,
    ),
    Stated(
        "一本上线人数108人",
        M.OTHER,
        108,
        U.PERSON,
        "benefit education-team-yuqian-class → 紫云自治县民族高级中学",
        year=2023,
    ),
]

RURAL = [
    Stated(
        "在坝羊镇投入扶持资金1000万元",
        M.ASSISTANCE_FUNDS,
        wan(1000),
        U.YUAN,
        "project bayang-bulk-tea-factory",
    ),
    Stated(
        "去年,他们又投入2750多万元帮扶资金",
        M.ASSISTANCE_FUNDS,
        wan(2750),
        U.YUAN,
        "project luga-reservoir-erguan-fisheries",
        qualifier=Qualifier.AT_LEAST,
        year=2022,
        period="去年",
        scope=Figure.Scope.PLACES,
        places=("二关村", "四大寨乡"),
    ),
    Stated(
        "预计年产优质生态鱼200万斤",
        M.OUTPUT,
        wan(200),
        U.JIN,
        "project luga-reservoir-erguan-fisheries",
        kind=Figure.Kind.EXPECTED,
        period="每年",
    ),
    Stated(
        "年产值3200万元",
        M.OUTPUT_VALUE,
        wan(3200),
        U.YUAN,
        "project luga-reservoir-erguan-fisheries",
        kind=Figure.Kind.EXPECTED,
        period="每年",
    ),
    *[
        Stated(
            "分别投入东西部协作扶持资金500万元",
            M.ASSISTANCE_FUNDS,
            wan(500),
            U.YUAN,
            "project rural-tourism-demonstration-belt",
            label=f"{village}东西部协作扶持资金",
            scope=Figure.Scope.PLACES,
            places=(village,),
        )
        for village in ("黄鹤营村", "硐口村", "翠河村")
    ],
    Stated(
        "财政帮扶资金1120万元",
        M.ASSISTANCE_FUNDS,
        wan(1120),
        U.YUAN,
        "project village-collective-livable-villages-2023",
        year=2023,
        period="今年",
    ),
]

PARAGRAPHS = {
    "talent-exchange": TALENT_EXCHANGE,  # 协作帮扶，人才交流是关键
    "park-and-enterprises": PARK_AND_ENTERPRISES,  # 互联互通，发展资源要素加快
    "consumption": CONSUMPTION,
    "workshops": WORKSHOPS,
    "labour": LABOUR,  # 民生协作，助力乡村振兴
    "medical-team": MEDICAL,  # 薪火相传，输血+造血双向奔赴
    "education-team": EDUCATION,  # 用活资金，助力教育高质量发展
    "tea-fish-tourism-villages": RURAL,  # 整合资源，打造和美宜居乡村
}
ALL_STATED = [stated for figures in PARAGRAPHS.values() for stated in figures]

# The counted pairings of "2021年以来,南沙区14个乡镇叠加帮扶紫云县13个乡镇;…".
COUNTED_PAIRINGS = [
    ("2021年以来,南沙区14个乡镇叠加帮扶紫云县13个乡镇", "town", "layered", 14, 13),
    ("南沙区8个村(社区)结对帮扶紫云县17个村", "village", "one_to_one", 8, 17),
    ("4家企业结对帮扶紫云县12个村", "enterprise_village", "one_to_one", 4, 12),
    ("20家社会组织结对帮扶紫云县34个村", "social_village", "one_to_one", 20, 34),
    ("南沙区8家医院结对帮扶紫云县15家医院", "hospital", "one_to_one", 8, 15),
    ("南沙区33所学校叠加帮扶紫云县101所学校", "school", "layered", 33, 101),
]

# Dated happenings: phrase, event title, date, precision.
EVENTS = [
    (
        "2021年,广州市南沙区与安顺市紫云自治县结成了新一轮东西部协作关系",
        "广州市南沙区与安顺市紫云自治县结成新一轮东西部协作关系",
        datetime.date(2021, 1, 1),
        Event.Precision.YEAR,
    ),
    (
        "2023年6月,南沙区委副书记、区长吴扬率队到紫云自治县开展调研对接",
        "南沙区委副书记、区长吴扬率队到紫云自治县开展调研对接",
        datetime.date(2023, 6, 1),
        Event.Precision.MONTH,
    ),
    (
        "2023年5月,紫云自治县委书记黄浩洋率队赴南沙开展调研对接",
        "紫云自治县委书记黄浩洋率队赴南沙开展调研对接",
        datetime.date(2023, 5, 1),
        Event.Precision.MONTH,
    ),
    (
        "今年7月19日,广州市第一人民医院驻紫云自治县人民医疗队与县人民医院举行了“师带徒”签约仪式",
        "“师带徒”签约仪式",
        datetime.date(2023, 7, 19),
        Event.Precision.DAY,
    ),
    (
        "2023年,紫云自治县东西部协作技能培训",
        "紫云自治县东西部协作技能培训",
        datetime.date(2023, 1, 1),
        Event.Precision.YEAR,
    ),
    (
        "中式烹调师培训小组实操比赛",
        "中式烹调师培训小组实操比赛",
        datetime.date(2023, 1, 1),
        Event.Precision.YEAR,
    ),
    (
        "2023年紫云·南沙东西部劳务协作专场招聘会",
        "2023年紫云·南沙东西部劳务协作专场招聘会",
        datetime.date(2023, 1, 1),
        Event.Precision.YEAR,
    ),
    (
        "第二期东西部协作保育员培训",
        "第二期东西部协作保育员培训",
        datetime.date(2023, 1, 1),
        Event.Precision.YEAR,
    ),
    (
        "开展东西部协作农村致富带头人培训",
        "东西部协作农村致富带头人培训",
        datetime.date(2023, 1, 1),
        Event.Precision.YEAR,
    ),
    (
        "2023年高考,紫云自治县民族高级中学,实现“两个首次”,一本首次突破100个",
        "紫云自治县民族高级中学2023年高考实现“两个首次”",
        datetime.date(2023, 1, 1),
        Event.Precision.YEAR,
    ),
]

# Numbers the article writes in running text, kept in a record's text: phrase, record, words.
IN_WORDS = [
    ("选拔1至2名热爱卫生事业的医务人员", "project medical-team-ziyun-peoples-hospital", "1至2名"),
    ("将利用1年时间", "project medical-team-ziyun-peoples-hospital", "1年时间"),
    ("采用“2+X+3”特色教育模式", "project education-team-yuqian-class", "2+X+3"),
    ("“粤黔育才班”采用2+X+3教育模式", "project education-team-yuqian-class", "2+X+3"),
    ("走进21℃的城市,体验360度人生", "project rural-tourism-demonstration-belt", "21℃"),
    ("体验360度人生", "project rural-tourism-demonstration-belt", "360度人生"),
    ("2021年以来,南沙·紫云两地共同抓实", "project talent-exchange-cadres", "互派干部人才"),
    ("2021年以来,根据国家新一轮东西部协作结对调整安排与部署", "pairing county", "2021年"),
    (
        "自2021年广州市南沙区紫云自治县东西部协作定点帮扶工作开启以来",
        "project education-team-yuqian-class",
        "粤黔育才班",
    ),
    (
        "其中3家在猫营产业园区投资生产,投资额达3.89亿元",
        "project co-built-industrial-park",
        "猫营产业园区",
    ),
    ("投资资金5.92亿元", "project investment-promotion-enterprises", "5.92亿元"),
    # restates the five enterprises of 2023: one figure, not two
    ("南沙区引导落地投产企业数5个", "project investment-promotion-enterprises", "企业5家"),
    (
        "今年高考我们学校取得了历史性的好成绩",
        "project education-team-yuqian-class",
        "一本上线108人",
    ),
]

# Year-over-year ratios the article gives: measure, this year's share of last year's.
RATIOS = [
    ("完成107.5%", M.TECHNICAL_STAFF, Decimal("107.50")),
    ("完成600%", M.WEST_TECHNICAL_STAFF, Decimal("600.00")),
    ("完成248.89%", M.CADRE_TRAINING, Decimal("248.89")),
    ("完成112.62%", M.TECHNICAL_TRAINING, Decimal("112.62")),
]

PLACES = names(
    """
    广东省 广州市 南沙区 贵州省 安顺市 紫云自治县 坝羊镇 猫营镇 四大寨乡
    格凸河镇 板当镇 黄鹤营村 硐口村 翠河村 二关村
"""
)
PLACES_IN_TEXT = ["噜嘎水库", "粤港澳大湾区", "印山", "格凸", "翠河", "黔中", "珠江", "西南"]
ORGANIZATIONS = names(
    """
    南沙区委 紫云自治县委 紫云自治县就业局 紫云自治县教育和科技局 中组部
    广东省委组织部 贵州省委组织部 广东省卫健委 贵州省卫健委 广东省乡村振兴局
    贵州省乡村振兴局 猫营工业园区 坝羊镇农民工返乡创业园 紫云薯来食品有限公司
    黔中香绿色产业有限责任公司 广州南沙帮扶店 “黄果树·臻品”广州销售中心
    粤黔协作工作队安顺工作组紫云工作小组 广州市第一人民医院
    广州市第一人民医院南沙医院 紫云自治县人民医院 南沙区东涌中学 紫云县民族中学
    紫云自治县民族高级中学 广东肇庆鼎源肥业有限公司 广东农垦旅游集团有限公司
    广东能源集团 广药集团 京东西南中心京喜农场 成都大胃王
    贵州蓝洋渔业产业发展有限公司 贵州神农生物科技有限公司
"""
)
ORGANIZATIONS_IN_TEXT = ["猫营产业园区", "紫云民中", "县人民医院"]
# Names the records spell out where the article shortens them.
PROVINCIAL_BODIES = "粤黔两省省委组织部、省卫健委、省乡村振兴局"
ARTICLE_WORDING = {
    "广东省": "广东",
    "贵州省": "贵州",
    "紫云自治县教育和科技局": "该县教育和科技局",
    **dict.fromkeys(
        [
            "广东省委组织部",
            "贵州省委组织部",
            "广东省卫健委",
            "贵州省卫健委",
            "广东省乡村振兴局",
            "贵州省乡村振兴局",
        ],
        PROVINCIAL_BODIES,
    ),
}
PEOPLE = [
    ("吴扬", "南沙区委副书记、区长"),
    ("黄浩洋", "紫云自治县委书记"),
    ("范献强", "广州市南沙区挂职紫云自治县副县长"),
    ("赵健翔", "紫云自治县就业局副局长"),
    ("孙政", "紫云自治县人民医院院长"),
    ("罗平", "广州市南沙区挂职紫云自治县民族高级中学校长"),
]
PRODUCTS = names(
    """
    蜂蜜 贡菜 油菜籽 佛手瓜 大宗茶叶 红薯面条 红薯饮料 红薯冲剂
    紫云山苍子香氛杀菌系列产品 紫松茸 绿茶 面条 鸡蛋 红心薯 生态鱼 茶叶
    肉鸡养殖
"""
)
PROGRAMMES = names(
    """
    粤黔协作 穗安协作 亚鲁文化
    健全会商机制,规范服务管理、落实待遇保障,解决后顾之忧
    《广州南沙深化面向世界的粤港澳全面合作总体方案》 出山入湾
    “米袋子”“菜篮子”“果盘子” 人人有活干、户户有增收 技能培训
    中式烹调师培训小组实操比赛 专场招聘会 保育员培训 农村致富带头人培训
    “组团式” 国家乡村振兴重点帮扶县 提内涵、补短板、夯基础、强专科、强二甲
    师带徒 团队带团队 请进来、派出去 远程培训 跟班学习 五个中心
    危重孕产妇救治中心 危重儿童和新生儿救治中心 胸痛中心 创伤中心 卒中中心
    分级诊疗 粤黔育才班 2+X+3 导师制 同课异构 特色田园乡村 乡村旅游示范带
    漂翠河、泡温泉、逛印山、游格凸 村集体经济 宜居乡村 厕所革命
    紫云所需、南沙所能 守底线、抓发展、促振兴
"""
)


@pytest.fixture
def article(db):
    call_command("loaddata", *FIXTURES, verbosity=0)
    return Source.objects.get(slug=SOURCE_SLUG)


def owner_text(figure):
    if figure.project_id:
        return f"project {figure.project.slug}"
    if figure.benefit_id:
        return f"benefit {figure.benefit.project.slug} → {figure.benefit.beneficiary.name}"
    if figure.indicator_id:
        return "indicator"
    return f"beneficiary {figure.beneficiary.name}"


def find_figures(stated):
    figures = Figure.objects.filter(
        quote__contains=stated.phrase,
        measure=stated.measure,
        value=stated.value,
        unit=stated.unit,
    )
    if stated.label:
        figures = figures.filter(label=stated.label)
    return list(figures)


def stored_as_stated(stated):
    """What differs between the article's figure and the stored one ([] when it matches)."""
    assert stated.phrase in ARTICLE, f"the phrase {stated.phrase!r} is not in the article"
    found = find_figures(stated)
    if len(found) != 1:
        return [f"{stated.phrase}: {len(found)} figures of {stated.value}{stated.unit}"]
    figure = found[0]
    expected = {
        "qualifier": stated.qualifier,
        "kind": stated.kind,
        "year": stated.year,
        "period": stated.period,
        "owner": stated.owner,
        "scope": stated.scope,
        "places": tuple(sorted(stated.places)),
    }
    actual = {
        "qualifier": figure.qualifier,
        "kind": figure.kind,
        "year": figure.year,
        "period": figure.period,
        "owner": owner_text(figure),
        "scope": figure.scope,
        "places": tuple(sorted(figure.places.values_list("name", flat=True))),
    }
    return [
        f"{stated.phrase}: {key} is {actual[key]!r}, not {expected[key]!r}"
        for key in expected
        if actual[key] != expected[key]
    ]


def record_text(key):
    kind, name = key.split(" ", 1)
    if kind == "project":
        project = Project.objects.get(slug=name)
        return " ".join([project.title, project.summary, project.description])
    pairing = Pairing.objects.get(level=Pairing.Level.COUNTY)
    return f"{pairing.start_year}年 {pairing.description} {pairing.source_note}"


def data_text():
    """All text the records hold, except the quotes and citation notes they carry."""
    parts = []
    for model in apps.get_app_config("cooperation").get_models():
        if model.__name__.startswith("Historical"):
            continue
        fields = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField)
            and field.name not in ("quote", "source_note")
        ]
        for row in model.objects.values_list(*fields):
            parts.extend(str(value) for value in row)
    return "\n".join(parts)


def nansha_ziyun():
    return Pairing.objects.get(level=Pairing.Level.COUNTY)


# ---------------------------------------------------------------- the source and the opening


def test_the_article_is_the_source(article):
    assert article.title == "广东南沙与贵州紫云携手开启新征程,共谱粤黔协作新篇章"
    assert article.publisher == "中国乡村振兴网"
    assert article.author == "罗建国"
    assert article.published_on == PUBLISHED_ON
    assert article.kind == Source.Kind.NEWS
    assert article.url == ""
    assert f"标题: {article.title}" in ARTICLE
    assert "来源: 中国乡村振兴网" in ARTICLE and "作者: 罗建国" in ARTICLE


def test_regions_form_the_two_trees(article):
    def region(name):
        return Region.objects.get(models.Q(name=name) | models.Q(short_name=name))

    ziyun = region("紫云自治县")
    assert ziyun.name == "紫云苗族布依族自治县"
    assert [r.name for r in ziyun.ancestors()] == ["贵州省", "安顺市"]
    assert [r.name for r in region("南沙区").ancestors()] == ["广东省", "广州市"]
    for town in ("坝羊镇", "猫营镇", "四大寨乡", "格凸河镇", "板当镇"):
        assert region(town).parent == ziyun
        assert region(town).level == Region.Level.TOWN
    villages = {"黄鹤营村": "猫营镇", "硐口村": "板当镇", "翠河村": "板当镇", "二关村": "格凸河镇"}
    for village, town in villages.items():
        assert region(village).parent.name == town
        assert region(village).level == Region.Level.VILLAGE
    assert {r.side for r in Region.objects.within(region("广东省"))} == {Side.EAST}
    assert {r.side for r in Region.objects.within(region("贵州省"))} == {Side.WEST}
    assert Region.objects.within(ziyun).count() == 10


def test_pairings_run_from_provinces_to_nansha_and_ziyun_since_2021(article):
    county = nansha_ziyun()
    assert (county.east_region.name, county.west_region.name) == ("南沙区", "紫云苗族布依族自治县")
    assert county.start_year == 2021
    assert "2021年,广州市南沙区与安顺市紫云自治县结成了新一轮东西部协作关系" in county.quote
    city = county.parent
    assert (city.level, city.east_region.name, city.west_region.name) == (
        Pairing.Level.CITY,
        "广州市",
        "安顺市",
    )
    province = city.parent
    assert (province.level, province.east_region.name, province.west_region.name) == (
        Pairing.Level.PROVINCE,
        "广东省",
        "贵州省",
    )
    assert province.parent is None


# ---------------------------------------------------------------- 协作帮扶，人才交流是关键


def test_officials_are_public_figures_with_their_posts(article):
    for name, post in PEOPLE:
        person = Person.objects.get(name=name)
        assert person.post == post
        assert person.is_public_figure
        assert f"{post}{name}" in ARTICLE
    assert Person.objects.count() == len(PEOPLE)


def test_visits_and_dated_happenings_keep_their_precision(article):
    for phrase, title, date, precision in EVENTS:
        assert phrase in ARTICLE
        event = Event.objects.get(title=title)
        assert (event.date, event.date_precision) == (date, precision), title
    assert list(Event.objects.get(date=datetime.date(2023, 6, 1)).people.all()) == [
        Person.objects.get(name="吴扬")
    ]
    assert list(Event.objects.get(date=datetime.date(2023, 5, 1)).people.all()) == [
        Person.objects.get(name="黄浩洋")
    ]
    assert Event.objects.get(date=datetime.date(2023, 7, 19)).date_text == "2023年7月19日"
    assert Event.objects.count() == len(EVENTS)


@pytest.mark.parametrize("paragraph", PARAGRAPHS)
def test_each_figure_of_the_paragraph_is_stored_as_stated(article, paragraph):
    differences = [d for stated in PARAGRAPHS[paragraph] for d in stored_as_stated(stated)]
    assert differences == []


def test_year_over_year_ratios_follow_from_the_two_stored_values(article):
    pairing = nansha_ziyun()
    for phrase, measure, ratio in RATIOS:
        assert phrase in ARTICLE
        this_year = Indicator.objects.get(pairing=pairing, measure=measure, year=2023).actual
        last_year = Indicator.objects.get(pairing=pairing, measure=measure, year=2022).actual
        assert year_over_year(this_year.value, last_year.value) == ratio, phrase
        # The article compares 560人次 with 225人; the units are kept as it gives them.
        assert (this_year.unit == last_year.unit) == (measure != M.CADRE_TRAINING), phrase
    assert Indicator.objects.exclude(pairing=pairing).count() == 0
    for indicator in Indicator.objects.all():
        assert [f.measure for f in indicator.figures.all()] == [indicator.measure]
        assert indicator.actual.year == indicator.year


# ---------------------------------------------------------------- 互联互通，发展资源要素加快


def test_processing_lines_and_tea_factory(article):
    lines = Project.objects.get(slug="maoying-park-processing-lines")
    for product in ("蜂蜜", "贡菜", "油菜籽", "佛手瓜"):
        assert product in lines.summary and product in lines.description
    assert list(lines.locations.values_list("name", flat=True)) == ["猫营镇"]
    assert lines.funds is None
    tea = Project.objects.get(slug="bayang-bulk-tea-factory")
    assert tea.funds == wan(1000) and tea.funds_qualifier == Qualifier.EXACT
    assert "坝羊镇农民工返乡创业园" in tea.organizations.values_list("name", flat=True)
    assert list(tea.locations.values_list("name", flat=True)) == ["坝羊镇"]


def test_the_park_is_a_part_of_the_landed_enterprises_and_not_counted_twice(article):
    park = Project.objects.get(slug="co-built-industrial-park")
    landed = Project.objects.get(slug="investment-promotion-enterprises")
    for measure in (M.ENTERPRISES, M.INVESTMENT):
        part = park.figures.get(measure=measure)
        assert part.part_of == landed.figures.get(measure=measure)
        assert "其中3家在猫营产业园区" in part.source_note
    park_jobs = Figure.objects.get(benefit__project=park, measure=M.JOBS)
    assert park_jobs.part_of == Figure.objects.get(benefit__project=landed, measure=M.JOBS)
    assert "未直接说明" in park_jobs.source_note
    investment = headline_totals(programme_figures(), headlines=[HEADLINE_BY_KEY["investment"]])
    assert investment[0].value == yi("5.92")
    assert "投资资金5.92亿元" in landed.figures.get(measure=M.INVESTMENT).source_note


def test_visiting_and_negotiating_companies_are_named_but_are_not_partners(article):
    """The article says they visited or are in talks, not that they take part."""
    landed = Project.objects.get(slug="investment-promotion-enterprises")
    partners = set(landed.roles.filter(role="partner").values_list("organization__name", flat=True))
    visited = ["广东肇庆鼎源肥业有限公司", "广东农垦旅游集团有限公司", "广东能源集团"]
    negotiating = [
        "广药集团",
        "京东西南中心京喜农场",
        "成都大胃王",
        "贵州蓝洋渔业产业发展有限公司",
        "贵州神农生物科技有限公司",
    ]
    assert partners == {"粤黔协作工作队安顺工作组紫云工作小组"}
    assert not ProjectOrganization.objects.filter(organization__name__in=[*visited, *negotiating])
    for name in visited:
        assert "考察" in Organization.objects.get(name=name).source_note
        assert name in landed.description.split("正在对接洽谈")[0]
    for name in negotiating:
        assert "洽谈" in Organization.objects.get(name=name).source_note
        assert name in landed.description.split("正在对接洽谈")[1]


def test_consumption_assistance_names_shop_centre_and_products(article):
    project = Project.objects.get(slug="consumption-assistance-ziyun-products")
    centre = Organization.objects.get(name="“黄果树·臻品”广州销售中心")
    assert set(project.organizations.values_list("name", flat=True)) >= {
        "广州南沙帮扶店",
        centre.name,
        "紫云薯来食品有限公司",
        "黔中香绿色产业有限责任公司",
    }
    assert centre.region.name == "南沙区"
    assert "主语" in project.source_note
    assert set(project.beneficiaries.values_list("name", flat=True)) == {
        "紫云薯来食品有限公司",
        "黔中香绿色产业有限责任公司",
    }
    sales = project.figures.get(measure=M.SALES)
    assert (sales.period_kind, sales.period_start, sales.period_end) == (
        Period.CUMULATIVE,
        None,
        PUBLISHED_ON,
    )


def test_relocation_site_workshops_get_the_funds_and_employment_workshops_none(article):
    relocation = Project.objects.get(slug="relocation-site-workshops")
    assert relocation.funds == wan("305.65")
    assert set(relocation.beneficiaries.values_list("kind", flat=True)) == {
        Beneficiary.Kind.RELOCATION_SITE,
        Beneficiary.Kind.LABOURERS,
    }
    assert Project.objects.get(slug="employment-workshops").funds is None


# ---------------------------------------------------------------- 民生协作，助力乡村振兴


def test_counted_pairings_keep_counts_and_invent_no_names(article):
    county = nansha_ziyun()
    for phrase, level, mode, east, west in COUNTED_PAIRINGS:
        assert phrase in ARTICLE
        pairing = Pairing.objects.get(quote=phrase)
        assert (pairing.level, pairing.mode, pairing.east_count, pairing.west_count) == (
            level,
            mode,
            east,
            west,
        )
        assert pairing.parent == county and pairing.start_year == 2021
        assert (pairing.east_region, pairing.west_region) == (
            county.east_region,
            county.west_region,
        )
        assert pairing.east_organization is None and pairing.west_organization is None
    # "4家企业" and "20家社会组织" are not said to be Nansha's: the reading is noted.
    for pairing in Pairing.objects.filter(quote__in=[p for p, *_ in COUNTED_PAIRINGS[2:4]]):
        assert "未明说" in pairing.source_note


def test_labour_cooperation_is_run_by_the_employment_bureau(article):
    labour = Project.objects.get(slug="labour-cooperation-training-jobs")
    assert labour.roles.get(role="implementer").organization.name == "紫云自治县就业局"
    assert labour.events.count() == 5
    leaders = labour.events.get(title="东西部协作农村致富带头人培训")
    assert list(leaders.people.values_list("name", flat=True)) == ["赵健翔"]
    assert "种养殖技能和创业能力" in leaders.description


# ---------------------------------------------------------------- 薪火相传（医疗、教育）


def test_medical_team_pairs_the_two_hospitals(article):
    team = Pairing.objects.get(level=Pairing.Level.HOSPITAL, mode=Pairing.Mode.TEAM_BASED)
    assert team.east_organization.name == "广州市第一人民医院"
    assert team.west_organization.name == "紫云自治县人民医院"
    nansha_hospital = Organization.objects.get(name="广州市第一人民医院南沙医院")
    assert nansha_hospital.parent == team.east_organization
    project = Project.objects.get(slug="medical-team-ziyun-peoples-hospital")
    assert project.pairing == team
    assert nansha_hospital in project.organizations.all()
    assert project.events.get().kind == Event.Kind.SIGNING


def test_education_team_pairs_dongchong_with_the_minority_school(article):
    team = Pairing.objects.get(level=Pairing.Level.SCHOOL, mode=Pairing.Mode.TEAM_BASED)
    assert team.east_organization.name == "南沙区东涌中学"
    assert team.west_organization.name == "紫云县民族中学"
    assert team.parent == nansha_ziyun()
    project = Project.objects.get(slug="dongchong-team-ziyun-minzu-middle-school")
    assert project.pairing == team
    assert project.funds is None
    assert project.start_year == 2021
    assert "同一所学校" in Organization.objects.get(name="紫云县民族中学").source_note
    assert set(project.beneficiaries.values_list("name", flat=True)) == {"紫云县民族中学"}


def test_the_team_of_four_is_not_said_to_be_the_dongchong_pairing(article):
    """The 480万元, the donations and the exchange visits belong to the team Guangzhou sent
    to 民族高级中学; the article does not say that team is 东涌中学's."""
    project = Project.objects.get(slug="education-team-yuqian-class")
    assert project.pairing == nansha_ziyun()
    assert "南沙区东涌中学" not in project.organizations.values_list("name", flat=True)
    assert "东涌中学" not in project.description
    assert project.funds == wan(480)
    assert project.figures.get(measure=M.ASSISTANCE_FUNDS).value == wan(480)
    assert "未说这4人就是南沙区东涌中学" in project.source_note
    assert set(project.beneficiaries.values_list("kind", flat=True)) == {
        Beneficiary.Kind.SCHOOL,
        Beneficiary.Kind.STUDENTS,
        Beneficiary.Kind.TEACHERS,
    }


def test_officials_own_words_and_the_hospitals_slogans_are_kept(article):
    fan = Person.objects.get(name="范献强")
    assert fan.quote.startswith("“来到紫云,感受到紫云人民的热情和淳朴")
    assert "贡献一份党员的微薄之力。”" in fan.quote
    hospital = Project.objects.get(slug="medical-team-ziyun-peoples-hospital")
    for slogan in ("提内涵、补短板、夯基础、强专科、强二甲", "精准把脉、可实现、可持续、有成效"):
        assert slogan in hospital.description
    assert "质量+数量双向驱动补短板" in hospital.description


# ---------------------------------------------------------------- 整合资源，打造和美宜居乡村


def test_tourism_belt_gets_500_wan_for_each_of_three_villages(article):
    belt = Project.objects.get(slug="rural-tourism-demonstration-belt")
    assert belt.funds == wan(1500) and belt.funds_qualifier == Qualifier.EXACT
    assert set(belt.locations.values_list("name", flat=True)) == {"黄鹤营村", "硐口村", "翠河村"}
    assert set(
        Benefit.objects.filter(project=belt).values_list("beneficiary__name", flat=True)
    ) == {
        "黄鹤营村",
        "硐口村",
        "翠河村",
    }
    assert "每村" in belt.source_note


def test_fisheries_keep_at_least_and_expected(article):
    fish = Project.objects.get(slug="luga-reservoir-erguan-fisheries")
    assert fish.funds == wan(2750) and fish.funds_qualifier == Qualifier.AT_LEAST
    assert fish.start_year == 2022
    assert "噜嘎水库" in fish.title
    assert set(fish.locations.values_list("name", flat=True)) == {"四大寨乡", "二关村"}
    output = fish.figures.filter(measure=M.OUTPUT_VALUE).values_list("kind", flat=True)
    assert set(output) == {Figure.Kind.EXPECTED}


# ---------------------------------------------------------------- the whole article


def test_every_number_in_the_article_is_covered(article):
    body = ARTICLE.split("---", 1)[1]
    body = "\n".join(
        line
        for line in body.splitlines()
        if not line.startswith("时间:") and not line.strip().endswith(".jpg")
    )
    phrases = [s.phrase for s in ALL_STATED]
    phrases += [p for p, *_ in COUNTED_PAIRINGS] + [p for p, *_ in EVENTS]
    phrases += [p for p, *_ in IN_WORDS] + [p for p, *_ in RATIOS]
    covered = set()
    for phrase in phrases:
        for match in re.finditer(re.escape(phrase), body):
            covered.update(range(match.start(), match.end()))
    uncovered = [
        m.group() + " … " + body[max(0, m.start() - 10) : m.end() + 10]
        for m in re.finditer(r"\d+(?:\.\d+)?", body)
        if not set(range(m.start(), m.end())) <= covered
    ]
    assert uncovered == []
    for phrase, key, words in IN_WORDS:
        assert words in record_text(key), phrase


def test_no_figure_is_left_unchecked(article):
    matched = {find_figures(stated)[0].pk for stated in ALL_STATED if find_figures(stated)}
    assert len(matched) == len(ALL_STATED)
    assert Figure.objects.count() == len(ALL_STATED)


def test_every_named_thing_is_a_record_or_a_value_of_one(article):
    text = data_text()
    for name in PLACES:
        assert Region.objects.filter(models.Q(name=name) | models.Q(short_name=name)), name
    for name in ORGANIZATIONS:
        assert Organization.objects.filter(models.Q(name=name) | models.Q(short_name=name)), name
    missing = [
        name
        for name in PLACES_IN_TEXT + ORGANIZATIONS_IN_TEXT + PRODUCTS + PROGRAMMES
        if name not in text
    ]
    assert missing == []
    named = PLACES + PLACES_IN_TEXT + ORGANIZATIONS + ORGANIZATIONS_IN_TEXT + PRODUCTS
    named += PROGRAMMES
    assert [name for name in named if ARTICLE_WORDING.get(name, name) not in ARTICLE] == []


def test_every_record_cites_the_article_with_a_real_quote(article):
    cited_models = [
        model
        for model in apps.get_app_config("cooperation").get_models()
        if not model.__name__.startswith("Historical")
        and {"source", "quote"} <= {f.name for f in model._meta.concrete_fields}
    ]
    assert len(cited_models) == 9
    for model in cited_models:
        rows = list(model.objects.values_list("pk", "source", "quote"))
        assert rows, model.__name__
        for pk, source, quote in rows:
            assert source == article.pk, (model.__name__, pk)
            assert quote and quote in ARTICLE, (model.__name__, pk, quote)


def test_everything_is_published(article):
    for model in (Pairing, Project, Beneficiary):
        assert set(model.objects.values_list("status", flat=True)) == {Publication.PUBLISHED}
    assert Figure.objects.published().count() == Figure.objects.count()
    assert Event.objects.published().count() == Event.objects.count()
    assert Indicator.objects.published().count() == Indicator.objects.count()


def test_every_record_passes_model_validation(article):
    for model in apps.get_app_config("cooperation").get_models():
        if model.__name__.startswith("Historical"):
            continue
        for record in model.objects.all():
            record.full_clean()


def test_cached_region_paths_and_project_funds_match_a_recomputation(article):
    def regions():
        return list(Region.objects.order_by("pk").values_list("pk", "side", "path"))

    def funds():
        return list(Project.objects.order_by("pk").values_list("pk", "funds", "funds_qualifier"))

    stored_regions, stored_funds = regions(), funds()
    for level in Region.Level.values:
        for region in Region.objects.filter(level=level):
            region.save()
    for project in Project.objects.all():
        project.update_funds()
    assert regions() == stored_regions
    assert funds() == stored_funds
    assert Project.objects.filter(funds__isnull=False).count() == 6


def test_each_period_is_read_from_the_articles_words_and_date(article):
    one_year = (Period.FLOW, datetime.date(2022, 10, 27), PUBLISHED_ON)
    for figure in Figure.objects.filter(period="一年来"):
        assert (figure.period_kind, figure.period_start, figure.period_end) == one_year
    for figure in Figure.objects.filter(period__startswith="截至"):
        assert figure.period_kind in (Period.CUMULATIVE, Period.STOCK)
        assert (figure.period_start, figure.period_end) == (None, PUBLISHED_ON)
    three_quarters = (datetime.date(2023, 1, 1), datetime.date(2023, 9, 30))
    for figure in Figure.objects.filter(period="2023年前三季度"):
        assert (figure.period_start, figure.period_end) == three_quarters
    assert Figure.objects.get(period="去年").period_start == datetime.date(2022, 1, 1)
    for figure in Figure.objects.filter(period_kind=Period.UNKNOWN):
        assert figure.year is None and figure.period in ("", "每年")
    assert not Figure.objects.exclude(period_kind=Period.UNKNOWN).filter(
        period_start__isnull=True, period_end__isnull=True
    )


def test_each_figure_of_the_fixtures_keeps_the_pairing_of_its_owner(article):
    for figure in Figure.objects.select_related("project", "indicator", "benefit__project"):
        assert figure.pairing_id == figure.owner_pairing_id(), figure


def test_each_projects_cached_funds_are_its_own_funds_by_the_rules(article):
    for project in Project.objects.all():
        stored = (project.funds, project.funds_qualifier)
        project.update_funds()
        assert (project.funds, project.funds_qualifier) == stored, project
