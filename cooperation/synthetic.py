"""A synthetic national data set for load tests: many county pairings and everything below them.

The content depends only on the seed (and, to keep names unique, on the names already in
the database), never on primary keys or the clock. Rows are written with batched
bulk_create, which skips save(), so the values save() would derive (Region.side and
Region.path, Project.funds) are set here. A project's figures, with the cases the adding
rules tell apart, are planned in cooperation/synthetic_cases.py.
"""

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from cooperation import pinyin
from cooperation.models import (
    Beneficiary,
    Benefit,
    Event,
    Figure,
    Indicator,
    Organization,
    Pairing,
    Project,
    ProjectLocation,
    ProjectOrganization,
    Publication,
    Qualifier,
    Region,
    Side,
    Source,
)
from cooperation.models.periods import Period
from cooperation.synthetic_cases import (
    YEARS,
    Report,
    amount,
    flow,
    log_uniform,
    pick,
    project_figures,
    report_case,
)

BATCH_SIZE = 5000
PROJECTS_PER_COUNTY_PAIRING = 600
UNITS_PER_GROUP = 40
DRAFT_SHARE = 0.02

# Eastern province → western province, with how often the pair is drawn.
PROVINCE_PAIRS = [
    ("广东省", "贵州省", 8),
    ("广东省", "广西壮族自治区", 6),
    ("浙江省", "四川省", 7),
    ("上海市", "云南省", 7),
    ("江苏省", "陕西省", 4),
    ("江苏省", "青海省", 2),
    ("山东省", "重庆市", 3),
    ("山东省", "甘肃省", 3),
    ("天津市", "甘肃省", 3),
    ("北京市", "内蒙古自治区", 4),
    ("福建省", "宁夏回族自治区", 2),
    ("北京市", "西藏自治区", 1),
    ("广东省", "新疆维吾尔自治区", 1),
]
EAST_PROVINCES = {east for east, _west, _weight in PROVINCE_PAIRS}
MUNICIPALITIES = {"北京市", "天津市", "上海市", "重庆市"}

FIRST_CHARS = (
    "安宝北昌长成大丹德东凤福高古广海和河红华怀黄建江金靖开康乐黎连临龙禄罗茂梅明南宁"
    "盘平普青清庆仁荣瑞三沙山石水顺思太泰天通桐万望威文武西仙湘祥新兴秀玉元云正中竹紫"
)
SECOND_CHARS = (
    "安昌城川定丰峰冈谷关河和湖化江锦靖康口乐林岭隆宁平坪浦桥清泉山石水顺台潭田溪仙祥兴阳源岳云州庄"
)
VILLAGE_FIRST = "白坝板大岗高河黄老龙马平桥青沙上石水四塘田下新杨营羊竹中猫冲坡鸡牛"
VILLAGE_SECOND = "坝坪寨冲沟湾岩田塘口湖营林坡庄院河关场头洞"
PEOPLES = ["苗族", "布依族", "彝族", "土家族", "侗族", "回族", "藏族", "瑶族", "壮族", "仡佬族"]
TRADE_NAMES = [
    *("鼎源", "粤丰", "穗安", "海润", "恒达", "华晟", "金穗", "嘉禾", "顺德", "兴农", "绿源"),
    *("南粤", "浦江", "江海", "瑞丰", "润田", "天禾", "新希", "正和", "中联", "东方", "百川"),
    *("宏图", "鹏程", "远航"),
]
BUSINESSES = ["农业科技", "食品", "现代农业", "生物科技", "供应链", "电子", "服装", "文旅", "物流"]

# Products and how often they appear; 茶叶 often enough for a text search to find thousands.
PRODUCTS = (
    ("茶叶", 4),
    ("食用菌", 2),
    ("红芯薯", 2),
    ("生态鱼", 1),
    ("辣椒", 2),
    ("中药材", 2),
    ("蜂蜜", 1),
    ("肉牛", 2),
    ("生猪", 1),
    ("百香果", 1),
    ("刺梨", 1),
    ("猕猴桃", 1),
    ("蔬菜", 2),
    ("核桃", 1),
    ("油茶", 1),
    ("李子", 1),
    ("蓝莓", 1),
    ("马铃薯", 1),
    ("枸杞", 1),
    ("花卉", 1),
)

# Category shares; 人才交流 is 4%, so 250,000 projects give an export of about 10,000 rows.
CATEGORY_SHARES = (
    (Project.Category.INDUSTRY, 20),
    (Project.Category.WORKSHOP, 14),
    (Project.Category.LABOUR, 12),
    (Project.Category.CONSUMPTION, 12),
    (Project.Category.TALENT, 4),
    (Project.Category.EDUCATION, 10),
    (Project.Category.HEALTH, 10),
    (Project.Category.RURAL, 12),
    (Project.Category.INVESTMENT, 6),
)

TITLES = {
    Project.Category.INDUSTRY: [
        "{place}{product}种植基地",
        "{place}{product}深加工生产线",
        "{place}{product}产业示范园",
        "{place}标准化{product}加工厂",
    ],
    Project.Category.WORKSHOP: [
        "{place}{product}帮扶车间",
        "{place}易地扶贫搬迁安置点就业帮扶车间",
        "{place}服装加工帮扶车间",
        "{place}电子元件就业车间",
    ],
    Project.Category.LABOUR: [
        "{year}年{west}农村劳动力技能培训",
        "{place}劳务协作工作站",
        "{year}年{west}·{east}劳务协作专场招聘会",
        "{place}{product}种养殖技能培训",
    ],
    Project.Category.CONSUMPTION: [
        "{place}{product}消费帮扶",
        "{west}{product}进{east}展销",
        "{east}消费帮扶专柜（{west}{product}）",
    ],
    Project.Category.TALENT: [
        "{east}选派专业技术人才支持{west}",
        "{west}干部赴{east}跟岗学习",
        "{year}年{west}党政干部培训",
    ],
    Project.Category.EDUCATION: [
        "{organization}“组团式”教育帮扶",
        "{place}小学校舍改造",
        "{east}—{west}教师交流",
        "{organization}“育才班”",
    ],
    Project.Category.HEALTH: [
        "{organization}“组团式”医疗帮扶",
        "{place}卫生院设备提升",
        "{place}村卫生室标准化建设",
        "{organization}“师带徒”结对",
    ],
    Project.Category.RURAL: [
        "{place}和美乡村建设",
        "{place}乡村旅游带",
        "{place}人居环境整治",
        "{place}产业路建设",
    ],
    Project.Category.INVESTMENT: [
        "{enterprise}{product}项目落地{west}",
        "{enterprise}在{place}投资建设{product}加工厂",
    ],
}

# Which beneficiaries a project of each category reaches, and how.
BENEFITS = {
    Project.Category.INDUSTRY: (("village",), Benefit.Kind.JOBS),
    Project.Category.WORKSHOP: (("relocation_site", "village"), Benefit.Kind.JOBS),
    Project.Category.LABOUR: ((Beneficiary.Kind.LABOURERS,), Benefit.Kind.TRAINING),
    Project.Category.CONSUMPTION: (("village",), Benefit.Kind.SALES),
    Project.Category.TALENT: (
        (Beneficiary.Kind.CADRES, Beneficiary.Kind.MEDICAL_STAFF, Beneficiary.Kind.TEACHERS),
        Benefit.Kind.TRAINING,
    ),
    Project.Category.EDUCATION: (
        (Beneficiary.Kind.SCHOOL, Beneficiary.Kind.STUDENTS),
        Benefit.Kind.SERVICES,
    ),
    Project.Category.HEALTH: ((Beneficiary.Kind.HOSPITAL,), Benefit.Kind.SERVICES),
    Project.Category.RURAL: (("village",), Benefit.Kind.FUNDS),
    Project.Category.INVESTMENT: (("village", Beneficiary.Kind.LABOURERS), Benefit.Kind.JOBS),
}

M, U = Figure.Measure, Figure.Unit

# Annual indicators of a county pairing: measure, label, unit, range of the first year's value.
INDICATORS = [
    (M.SECONDED_CADRES, "东部选派挂职干部", U.PERSON, 3, 12),
    (M.TECHNICAL_STAFF, "东部选派专业技术人才", U.PERSON, 20, 80),
    (M.WEST_CADRES, "西部选派干部到东部", U.PERSON, 5, 20),
    (M.WEST_TECHNICAL_STAFF, "西部专业技术人才到东部跟岗学习", U.PERSON, 40, 300),
    (M.CADRE_TRAINING, "党政干部培训", U.PERSON_TIME, 200, 600),
    (M.TECHNICAL_TRAINING, "专业技术人才培训", U.PERSON_TIME, 800, 2000),
    (M.LABOUR_TRAINING, "劳务协作培训农村劳动力", U.PERSON_TIME, 300, 1500),
    (M.JOBS, "帮助农村劳动力就业", U.PERSON, 2000, 8000),
    (M.NEW_JOBS, "新增帮助农村劳动力就业", U.PERSON, 1000, 4000),
    (M.ENTERPRISES, "引导落地投产企业", U.ENTERPRISE, 2, 10),
    (M.INVESTMENT, "实际到位投资", U.YUAN, 100_000_000, 800_000_000),
    (M.SALES, "消费帮扶销售额", U.YUAN, 50_000_000, 300_000_000),
    (M.ASSISTANCE_FUNDS, "财政援助资金", U.YUAN, 30_000_000, 150_000_000),
]

# The figure a benefit carries, by how the beneficiary benefits.
BENEFIT_FIGURES = {
    Benefit.Kind.JOBS: (M.JOBS, "就业人数", U.PERSON, 5, 300),
    Benefit.Kind.TRAINING: (M.LABOUR_TRAINING, "参加培训", U.PERSON_TIME, 10, 500),
    Benefit.Kind.SALES: (M.SALES, "销售额", U.YUAN, 1e4, 5e6),
    Benefit.Kind.FUNDS: (M.ASSISTANCE_FUNDS, "获得帮扶资金", U.YUAN, 5e4, 2e6),
    Benefit.Kind.SERVICES: (M.PEOPLE, "受益人数", U.PERSON, 50, 3000),
}

# Work status by start year: older projects are mostly finished.
WORK_STATUS = {
    2021: (("completed", 60), ("in_operation", 35), ("under_way", 5)),
    2022: (("completed", 50), ("in_operation", 40), ("under_way", 10)),
    2023: (("completed", 35), ("in_operation", 35), ("under_way", 30)),
    2024: (("completed", 15), ("in_operation", 25), ("under_way", 60)),
    2025: (("planned", 30), ("under_way", 60), ("in_operation", 10)),
}

# Which projects a pairing under the county pairing may carry.
CHILD_CATEGORIES = {
    Pairing.Level.TOWN: (Project.Category.WORKSHOP, Project.Category.RURAL),
    Pairing.Level.VILLAGE: (Project.Category.RURAL, Project.Category.INDUSTRY),
    Pairing.Level.ENTERPRISE_VILLAGE: (Project.Category.INDUSTRY, Project.Category.CONSUMPTION),
    Pairing.Level.SOCIAL_VILLAGE: (Project.Category.RURAL,),
    Pairing.Level.HOSPITAL: (Project.Category.HEALTH,),
    Pairing.Level.SCHOOL: (Project.Category.EDUCATION,),
}
OPERATED_CATEGORIES = {
    Project.Category.INDUSTRY,
    Project.Category.WORKSHOP,
    Project.Category.CONSUMPTION,
    Project.Category.INVESTMENT,
}

# Groups of people each western county has as beneficiaries.
GROUPS = [
    (Beneficiary.Kind.LABOURERS, "农村劳动力"),
    (Beneficiary.Kind.STUDENTS, "学生"),
    (Beneficiary.Kind.MEDICAL_STAFF, "医务人员"),
    (Beneficiary.Kind.TEACHERS, "教师"),
    (Beneficiary.Kind.CADRES, "党政干部"),
]

PAIRING_EVENTS = [
    (Event.Kind.VISIT, "{east}党政代表团赴{west}考察调研"),
    (Event.Kind.SIGNING, "{east}与{west}签订{year}年东西部协作协议"),
    (Event.Kind.JOB_FAIR, "{year}年{west}·{east}东西部劳务协作专场招聘会"),
    (Event.Kind.TRAINING, "{west}东西部协作农村致富带头人培训"),
    (Event.Kind.COMPETITION, "{west}中式烹调师培训实操比赛"),
]


@dataclass(slots=True)
class Village:
    pk: int
    name: str
    beneficiary: int | None = None


@dataclass(slots=True)
class Town:
    pk: int
    name: str
    villages: list = field(default_factory=list)


@dataclass(slots=True)
class Party:
    """An organisation as later stages need it."""

    pk: int
    name: str


@dataclass(slots=True)
class County:
    """A western county or eastern district, with what lies in it once created."""

    row: Region
    prefix: str  # the city (or municipality) name, to tell same-named counties apart
    towns: list = field(default_factory=list)
    organizations: dict = field(default_factory=dict)
    beneficiaries: dict = field(default_factory=dict)
    partners: int = 0

    @property
    def short(self):
        return self.row.display_name

    @property
    def key(self):
        """What seeds this county's own random stream: its name, never its pk."""
        return f"{self.prefix}/{self.row.name}"

    def parties(self, kind):
        return self.organizations.get(kind, [])


@dataclass(slots=True)
class Child:
    """A pairing under a county pairing, and where on the western side it works."""

    level: str
    row: Pairing | None = None
    pk: int | None = None
    town: Town | None = None
    village: Village | None = None
    organization: Party | None = None


@dataclass(slots=True)
class Unit:
    """One district↔county pairing and the pairings under it."""

    index: int
    east: County
    west: County
    pairing: int | None = None
    children: dict = field(default_factory=dict)  # project category → [Child]


@dataclass(slots=True)
class Batch:
    """The rows of one batch of projects, in the order they are inserted."""

    projects: list = field(default_factory=list)
    locations: list = field(default_factory=list)
    roles: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    parts: list = field(default_factory=list)
    places: list = field(default_factory=list)
    benefits: list = field(default_factory=list)
    benefit_figures: list = field(default_factory=list)
    events: list = field(default_factory=list)


def moment(rng, year):
    """A time in the given year, drawn from the seed's stream rather than the clock."""
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(270))
    return datetime.datetime.combine(day, datetime.time(9, rng.randrange(60)), datetime.UTC)


@contextmanager
def given_timestamps(*models):
    """Let bulk_create keep the created_at/updated_at set here instead of the clock's."""
    fields = [m._meta.get_field(name) for m in models for name in ("created_at", "updated_at")]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


class Names:
    """Fresh place and organisation names that collide with nothing already stored."""

    def __init__(self):
        self.organizations = set(Organization.objects.values_list("name", flat=True))
        self.cities = set(
            Region.objects.filter(level__in=[Region.Level.PROVINCE, Region.Level.CITY]).values_list(
                "name", flat=True
            )
        )
        self.under_province = {}
        for parent_id, name in Region.objects.filter(
            parent__isnull=False, parent__parent__isnull=True
        ).values_list("parent_id", "name"):
            self.under_province.setdefault(parent_id, set()).add(name)

    @staticmethod
    def fresh(rng, taken, suffix, first=FIRST_CHARS, second=SECOND_CHARS, infix=""):
        """A two-character stem and a whole name not in `taken` (which it joins)."""
        for _attempt in range(100):
            a, b = rng.choice(first), rng.choice(second)
            stem = a + b if a != b else a + rng.choice(second.replace(a, ""))
            name = f"{stem}{infix}{suffix}"
            if name not in taken:
                taken.add(name)
                return stem, name
        raise RuntimeError(f"No free name ending in {suffix} is left.")

    def organization(self, *candidates):
        """The first candidate not yet taken, else the last one numbered."""
        choices = [*candidates, *(f"{candidates[-1]}（{n}）" for n in range(2, 1000))]
        name = next(c for c in choices if c not in self.organizations)
        self.organizations.add(name)
        return name


def refresh_statistics():
    """Let PostgreSQL's planner know the new rows at once. Its autovacuum would, but only
    minutes later; until then it plans for the empty tables. SQLite keeps no statistics
    unless asked, and its plans are the ones the indexes were chosen for."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def english_place(row):
    row.name_en = pinyin.place_name(row.name)
    row.short_name_en = pinyin.place_name(row.short_name) if row.short_name else ""


def title_sort(row):
    row.title_sort = pinyin.sort_key(row.title)


# What save() would derive from the Chinese texts, set here because bulk_create skips it.
DERIVED_ON_SAVE = {Region: english_place, Project: title_sort}


class Synthesizer:
    def __init__(self, seed, projects, progress=print):
        self.seed = seed
        self.project_count = projects
        self.progress = progress
        self.counts = {}

    def rng(self, *parts):
        return random.Random(":".join(str(part) for part in (self.seed, *parts)))

    def insert(self, model, rows):
        derive = DERIVED_ON_SAVE.get(model)
        if derive:
            for row in rows:
                derive(row)
        model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        name = model._meta.model_name
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        return rows

    def status(self, rng):
        return Publication.DRAFT if rng.random() < DRAFT_SHARE else Publication.PUBLISHED

    def publishable(self, model, rng, year, **fields):
        created = moment(rng, year)
        return model(
            status=fields.pop("status", None) or self.status(rng),
            created_at=created,
            updated_at=created,
            source=self.source,
            **fields,
        )

    def run(self):
        with given_timestamps(Project, Pairing, Beneficiary):
            with transaction.atomic():
                self.source = Source.objects.create(
                    slug=f"synthetic-{self.seed}",
                    title=f"合成测试数据（种子 {self.seed}）",
                    kind=Source.Kind.SYNTHETIC,
                    publisher="东西部协作门户",
                    description=f"由 synthesize 命令生成的{self.project_count}个项目，仅供测试。",
                )
                self.units = self.plan_units()
            self.progress(f"{len(self.units)} county pairings planned")
            for start in range(0, len(self.units), UNITS_PER_GROUP):
                group = self.units[start : start + UNITS_PER_GROUP]
                with transaction.atomic():
                    self.build_places(group)
                    self.build_organizations(group)
                    self.build_pairings(group)
                    self.build_beneficiaries(group)
                    self.build_indicators(group)
                    self.build_pairing_events(group)
                self.progress(f"county pairings {start + len(group)}/{len(self.units)} built")
            self.build_projects()
        refresh_statistics()
        return self.counts

    # Regions: provinces (reused when present), cities, counties; then towns and villages.

    def plan_units(self):
        rng = self.rng("plan")
        self.names = Names()
        provinces = self.provinces()
        open_cities = {}  # province name → [city, counties it may still take]
        cities, counties, units = [], [], []
        districts = {name: [] for name in EAST_PROVINCES}
        taken = {}

        def county(province_name, side):
            province = provinces[province_name]
            if province_name in MUNICIPALITIES:
                parent = province
                names_taken = self.names.under_province.setdefault(province.pk, set())
            else:
                current = open_cities.get(province_name)
                if current is None or current[1] == 0:
                    siblings = self.names.under_province.setdefault(province.pk, set())
                    _stem, name = self.names.fresh(rng, self.names.cities | siblings, "市")
                    self.names.cities.add(name)
                    siblings.add(name)
                    city = Region(name=name, level=Region.Level.CITY, parent=province)
                    cities.append(city)
                    current = open_cities[province_name] = [city, rng.randint(3, 8)]
                current[1] -= 1
                parent = current[0]
                names_taken = taken.setdefault(parent.name, set())
            short = ""
            if side == Side.WEST and rng.random() < 0.15:
                peoples = "".join(rng.sample(PEOPLES, 2))
                stem, name = self.names.fresh(rng, names_taken, "自治县", infix=peoples)
                short = f"{stem}县"
            else:
                suffix = rng.choice("县县县区" if side == Side.WEST else "区区区县市")
                stem, name = self.names.fresh(rng, names_taken, suffix)
            row = Region(name=name, short_name=short, level=Region.Level.COUNTY, parent=parent)
            counties.append(row)
            return County(row=row, prefix=parent.name)

        weights = [weight for _east, _west, weight in PROVINCE_PAIRS]
        count = max(2, round(self.project_count / PROJECTS_PER_COUNTY_PAIRING))
        for index in range(count):
            east_name, west_name, _weight = rng.choices(PROVINCE_PAIRS, weights)[0]
            # About one eastern district in five assists two western counties.
            single = [d for d in districts[east_name] if d.partners == 1]
            if single and rng.random() < 0.25:
                east = single[0]
            else:
                east = county(east_name, Side.EAST)
                districts[east_name].append(east)
            east.partners += 1
            units.append(Unit(index=index, east=east, west=county(west_name, Side.WEST)))
        self.insert_regions(cities)
        self.insert_regions(counties)
        return units

    def provinces(self):
        names = {name for east, west, _weight in PROVINCE_PAIRS for name in (east, west)}
        found = {r.name: r for r in Region.objects.filter(parent__isnull=True, name__in=names)}
        missing = [
            Region(
                name=name,
                level=Region.Level.PROVINCE,
                side=Side.EAST if name in EAST_PROVINCES else Side.WEST,
                path="/",
                source=self.source,
            )
            for name in sorted(names - set(found))
        ]
        for row in self.insert(Region, missing):
            found[row.name] = row
        return found

    def insert_regions(self, rows):
        for row in rows:
            row.side = row.parent.side
            row.path = f"{row.parent.path}{row.parent.pk}/"
            row.source = self.source
        return self.insert(Region, rows)

    def build_places(self, group):
        counties = [c for unit in group for c in (unit.east, unit.west) if not c.towns]
        counties = list({id(c): c for c in counties}.values())
        towns = []
        for county in counties:
            rng = self.rng("places", county.key)
            west = county.row.side == Side.WEST
            taken = set()
            for _ in range(rng.randint(8, 16) if west else rng.randint(6, 12)):
                suffix = rng.choice(["镇", "镇", "镇", "乡"] if west else ["镇", "街道"])
                _stem, name = self.names.fresh(rng, taken, suffix)
                row = Region(name=name, level=Region.Level.TOWN, parent=county.row)
                towns.append((county, row, rng.randint(5, 12) if west else rng.randint(3, 8)))
        self.insert_regions([row for _county, row, _villages in towns])
        villages = []
        for county, row, village_count in towns:
            rng = self.rng("villages", county.key, row.name)
            town = Town(pk=row.pk, name=row.name)
            county.towns.append(town)
            taken = set()
            for _ in range(village_count):
                suffix = rng.choice(["村", "村", "村", "村", "社区"])
                _stem, name = self.names.fresh(rng, taken, suffix, VILLAGE_FIRST, VILLAGE_SECOND)
                villages.append((town, Region(name=name, level=Region.Level.VILLAGE, parent=row)))
        self.insert_regions([row for _town, row in villages])
        for town, row in villages:
            town.villages.append(Village(pk=row.pk, name=row.name))

    # Organisations: government, hospitals, schools; enterprises and social bodies in the east.

    def build_organizations(self, group):
        counties = [c for unit in group for c in (unit.east, unit.west) if not c.organizations]
        counties = list({id(c): c for c in counties}.values())
        rows = []
        for county in counties:
            rng = self.rng("organizations", county.key)
            rows += [(county, kind, row) for kind, row in self.county_organizations(rng, county)]
        self.insert(Organization, [row for _county, _kind, row in rows])
        for county, kind, row in rows:
            county.organizations.setdefault(kind, []).append(Party(pk=row.pk, name=row.name))

    def county_organizations(self, rng, county):
        K = Organization.Kind
        west = county.row.side == Side.WEST

        def organization(kind, suffix):
            name = self.names.organization(
                f"{county.short}{suffix}",
                f"{county.row.name}{suffix}",
                f"{county.prefix}{county.row.name}{suffix}",
            )
            return kind, Organization(name=name, kind=kind, region=county.row, source=self.source)

        rows = [organization(K.GOVERNMENT, "人民政府")]
        hospitals = ["人民医院", "中医院", "妇幼保健院"][: rng.randint(1 if west else 2, 3)]
        rows += [organization(K.HOSPITAL, name) for name in hospitals]
        schools = ["第一中学", "民族中学" if west else "实验中学", "实验小学", "职业技术学校"]
        rows += [organization(K.SCHOOL, name) for name in schools[: rng.randint(2, 4)]]
        for town in rng.sample(county.towns, 2):
            rows.append(organization(K.SCHOOL, f"{town.name}中心小学"))
        if west:
            if rng.random() < 0.6:
                rows.append(organization(K.INDUSTRIAL_PARK, "东西部协作产业园区"))
            return rows
        for _ in range(rng.randint(3, 6)):
            trade, business = rng.choice(TRADE_NAMES), rng.choice(BUSINESSES)
            rows.append(organization(K.ENTERPRISE, f"{trade}{business}有限公司"))
        rows.append(organization(K.SOCIAL, "慈善会"))
        if rng.random() < 0.5:
            rows.append(organization(K.SOCIAL, "青年志愿者协会"))
        return rows

    # Pairings: district↔county, and under it towns, villages, enterprises, hospitals, schools.

    def build_pairings(self, group):
        tops = []
        for unit in group:
            rng = self.rng("pairing", unit.index)
            tops.append(
                self.publishable(
                    Pairing,
                    rng,
                    2021,
                    status=Publication.PUBLISHED,
                    level=Pairing.Level.COUNTY,
                    east_region=unit.east.row,
                    west_region=unit.west.row,
                    start_year=2021,
                    description=f"{unit.east.short}与{unit.west.short}结成东西部协作关系。",
                )
            )
        self.insert(Pairing, tops)
        children = []
        for unit, top in zip(group, tops, strict=True):
            unit.pairing = top.pk
            children.append((unit, self.child_pairings(unit, top)))
        for depth in (1, 2):
            self.insert(
                Pairing,
                [c.row for _unit, kids in children for d, c in kids if d == depth],
            )
        for unit, kids in children:
            for _depth, child in kids:
                published = child.row.status == Publication.PUBLISHED
                child.pk, child.row = child.row.pk, None
                for category in CHILD_CATEGORIES[child.level] if published else ():
                    unit.children.setdefault(category, []).append(child)

    def child_pairings(self, unit, top):
        """The pairings under one county pairing, as (depth, Child); depth 2 is under a town's."""
        rng = self.rng("children", unit.index)
        L, Mode = Pairing.Level, Pairing.Mode
        east, west = unit.east, unit.west
        kids = []

        def pairing(level, mode=Mode.ONE_TO_ONE, parent=top, **sides):
            return self.publishable(
                Pairing,
                rng,
                2022,
                level=level,
                mode=mode,
                parent=parent,
                start_year=rng.choice([2021, 2021, 2022, 2023]),
                **sides,
            )

        def counted(level, mode=Mode.ONE_TO_ONE, east_count=None, west_count=None):
            row = pairing(
                level,
                mode,
                east_region=east.row,
                west_region=west.row,
                east_count=east_count or rng.randint(2, 20),
                west_count=west_count or rng.randint(3, 40),
            )
            kids.append((1, Child(level=level, row=row)))

        if rng.random() < 0.6:
            count = min(len(east.towns), len(west.towns), rng.randint(3, 8))
            pairs = zip(rng.sample(east.towns, count), rng.sample(west.towns, count), strict=True)
            for east_town, west_town in pairs:
                town_row = pairing(
                    L.TOWN, Mode.LAYERED, east_region_id=east_town.pk, west_region_id=west_town.pk
                )
                kids.append((1, Child(level=L.TOWN, row=town_row, town=west_town)))
                for _ in range(rng.randint(0, 2)):
                    village = rng.choice(west_town.villages)
                    row = pairing(
                        L.VILLAGE,
                        parent=town_row,
                        east_region_id=rng.choice(east_town.villages).pk,
                        west_region_id=village.pk,
                    )
                    kids.append((2, Child(L.VILLAGE, row=row, town=west_town, village=village)))
        else:
            counted(L.TOWN, Mode.LAYERED, len(east.towns), len(west.towns))
            counted(L.VILLAGE)
        for enterprise in east.parties(Organization.Kind.ENTERPRISE)[:3]:
            town = rng.choice(west.towns)
            village = rng.choice(town.villages)
            row = pairing(
                L.ENTERPRISE_VILLAGE, east_organization_id=enterprise.pk, west_region_id=village.pk
            )
            kids.append((1, Child(row.level, row=row, town=town, village=village)))
        if rng.random() < 0.5:
            counted(L.ENTERPRISE_VILLAGE)
        counted(L.SOCIAL_VILLAGE)
        for level, kind in ((L.HOSPITAL, "hospital"), (L.SCHOOL, "school")):
            for giver, taker in zip(east.parties(kind), west.parties(kind), strict=False):
                mode = Mode.TEAM_BASED if rng.random() < 0.3 else Mode.ONE_TO_ONE
                row = pairing(
                    level, mode, east_organization_id=giver.pk, west_organization_id=taker.pk
                )
                kids.append((1, Child(level, row=row, organization=taker)))
            if rng.random() < 0.5:
                counted(level, Mode.LAYERED)
        return kids

    # Beneficiaries: every western village, relocation sites, hospitals, schools, groups.

    def build_beneficiaries(self, group):
        rows, figures = [], []
        for unit in group:
            rng = self.rng("beneficiaries", unit.west.key)
            rows += self.county_beneficiaries(rng, unit.west, figures)
        self.insert(Beneficiary, [row for row, _county, _keep in rows])
        for row, county, keep in rows:
            if isinstance(keep, Village):
                keep.beneficiary = row.pk
            else:
                county.beneficiaries.setdefault(keep, []).append(row.pk)
        self.insert(
            Figure,
            [
                flow(
                    self.source,
                    Figure.Measure.PEOPLE,
                    label,
                    Decimal(value),
                    Figure.Unit.PERSON,
                    2023,
                    beneficiary=row,
                )
                for row, label, value in figures
            ],
        )

    def county_beneficiaries(self, rng, county, figures):
        """(row, county, what to remember its pk on) for one western county."""
        K = Beneficiary.Kind
        rows = []

        def beneficiary(name, kind, region_id, keep, organization_id=None):
            row = self.publishable(
                Beneficiary,
                rng,
                2022,
                name=name,
                kind=kind,
                region_id=region_id,
                organization_id=organization_id,
            )
            rows.append((row, county, keep))
            return row

        for town in county.towns:
            for village in town.villages:
                row = beneficiary(village.name, K.VILLAGE, village.pk, village)
                if rng.random() < 0.3:
                    figures.append((row, "户籍人口", rng.randint(600, 4000)))
        for town in rng.sample(county.towns, rng.randint(1, 3)):
            name = f"{town.name}易地扶贫搬迁安置点"
            row = beneficiary(name, K.RELOCATION_SITE, town.pk, "relocation_site")
            figures.append((row, "搬迁安置人口", rng.randint(800, 20000)))
        for kind in (K.HOSPITAL, K.SCHOOL):
            for party in county.parties(kind):
                beneficiary(party.name, kind, county.row.pk, kind, party.pk)
        for kind, noun in GROUPS:
            beneficiary(f"{county.short}{noun}", kind, county.row.pk, kind)
        return rows

    # Indicators and events of each county pairing, year by year.

    def build_indicators(self, group):
        indicators, figures = [], []
        for unit in group:
            rng = self.rng("indicators", unit.index)
            for measure, label, unit_of, low, high in rng.sample(INDICATORS, 8):
                value = log_uniform(rng, low, high)
                for year in YEARS:
                    indicator = Indicator(pairing_id=unit.pairing, measure=measure, year=year)
                    indicators.append(indicator)
                    if unit_of == Figure.Unit.YUAN:
                        number = Decimal(int(round(value, -4)))
                    else:
                        number = Decimal(max(1, round(value)))
                    partial = year == YEARS[-1]
                    end = datetime.date(year, 9, 30) if partial else datetime.date(year, 12, 31)
                    figures.append(
                        Figure(
                            measure=measure,
                            label=label,
                            value=number,
                            unit=unit_of,
                            year=year,
                            period_kind=Period.FLOW,
                            period_start=datetime.date(year, 1, 1),
                            period_end=end,
                            period=f"{year}年1—9月" if partial else f"{year}年",
                            scope=Figure.Scope.PAIRING,
                            indicator=indicator,
                            pairing_id=unit.pairing,
                            source=self.source,
                        )
                    )
                    value *= rng.uniform(0.85, 1.6)
        self.insert(Indicator, indicators)
        self.insert(Figure, figures)

    def build_pairing_events(self, group):
        events = []
        for unit in group:
            rng = self.rng("events", unit.index)
            names = {"east": unit.east.short, "west": unit.west.short}
            for year in YEARS:
                for kind, title in rng.sample(PAIRING_EVENTS, rng.randint(1, 3)):
                    events.append(
                        self.event(
                            rng,
                            year,
                            kind,
                            title.format(year=year, **names),
                            pairing_id=unit.pairing,
                        )
                    )
        self.insert(Event, events)

    def event(self, rng, year, kind, title, **owner):
        day = moment(rng, year).date()
        precision = Event.Precision.DAY if rng.random() < 0.8 else Event.Precision.MONTH
        if precision == Event.Precision.MONTH:
            day = day.replace(day=1)
        return Event(
            title=title[:200],
            kind=kind,
            date=day,
            date_precision=precision,
            source=self.source,
            **owner,
        )

    # Projects, batch by batch, with their places, bodies, figures, benefits and events.

    def build_projects(self):
        rng, cases = self.rng("projects"), self.rng("cases")
        done = 0
        while done < self.project_count:
            size = min(BATCH_SIZE, self.project_count - done)
            batch = Batch()
            for number in range(done + 1, done + size + 1):
                self.plan_project(rng, cases, number, batch)
            with transaction.atomic():
                self.insert(Project, batch.projects)
                self.insert(ProjectLocation, batch.locations)
                self.insert(ProjectOrganization, batch.roles)
                self.insert(Figure, batch.figures)
                self.insert(Figure, batch.parts)
                self.insert(Figure.places.through, batch.places)
                self.insert(Benefit, batch.benefits)
                self.insert(Figure, batch.benefit_figures)
                self.insert(Event, batch.events)
            done += size
            self.progress(f"projects {done}/{self.project_count} written")

    def plan_project(self, rng, cases, number, batch):
        unit = self.units[rng.randrange(len(self.units))]
        east, west = unit.east, unit.west
        category = pick(rng, CATEGORY_SHARES)
        year = rng.choice(YEARS)
        children = unit.children.get(category)
        child = rng.choice(children) if children and rng.random() < 0.5 else None
        town = child.town if child and child.town else rng.choice(west.towns)
        village = child.village if child and child.village else None
        if village is None and rng.random() < 0.5:
            village = rng.choice(town.villages)
        place = village or town
        where = town.name + (village.name if village else "")
        product = pick(rng, PRODUCTS)
        organization = child.organization if child and child.organization else None
        if organization is None:
            kind = "school" if category == Project.Category.EDUCATION else "hospital"
            organization = rng.choice(west.parties(kind))
        enterprise = rng.choice(east.parties(Organization.Kind.ENTERPRISE))
        title = rng.choice(TITLES[category]).format(
            place=place.name,
            product=product,
            year=year,
            east=east.short,
            west=west.short,
            organization=organization.name,
            enterprise=enterprise.name,
        )
        work_status = pick(rng, WORK_STATUS[year])
        if work_status == "planned" or (work_status == "under_way" and rng.random() < 0.3):
            end_year = None
        elif work_status == "under_way":
            end_year = year + rng.choice([1, 2])
        else:
            end_year = min(YEARS[-1], year + rng.choice([0, 0, 1]))
        project = self.publishable(
            Project,
            rng,
            year,
            title=title,
            slug=f"syn{self.seed}-{number:06d}",
            category=category,
            pairing_id=child.pk if child else unit.pairing,
            start_year=year,
            end_year=end_year,
            work_status=work_status,
            summary=f"{east.short}帮扶{west.short}，实施地点：{where}。",
        )
        batch.projects.append(project)
        located = [(town, place)]
        if rng.random() < 0.15:
            other = rng.choice(west.towns)
            if other is not town:
                located.append((other, other))
        self.plan_roles(rng, batch, project, unit, organization, enterprise)
        figures, parts = project_figures(rng, self.source, project, category, year)
        report = Report(self.source, project, figures, parts, located, west.towns)
        report_case(cases, report)
        batch.locations += [ProjectLocation(project=project, region_id=p.pk) for _t, p in located]
        batch.figures += report.figures
        batch.parts += report.parts
        batch.places += report.places
        self.plan_benefits(rng, batch, project, category, year, west, town, village)
        if rng.random() < 0.2:
            kind, verb = rng.choice([(Event.Kind.SIGNING, "签约"), (Event.Kind.LAUNCH, "投产")])
            batch.events.append(self.event(rng, year, kind, f"{title}{verb}", project=project))

    def plan_roles(self, rng, batch, project, unit, organization, enterprise):
        Role = ProjectOrganization.Role
        if rng.random() < 0.7:
            funder = unit.east.parties(Organization.Kind.GOVERNMENT)[0]
        else:
            funder = enterprise
        implementer = organization
        if project.category not in (Project.Category.EDUCATION, Project.Category.HEALTH):
            implementer = unit.west.parties(Organization.Kind.GOVERNMENT)[0]
        roles = [(funder, Role.FUNDER), (implementer, Role.IMPLEMENTER)]
        if project.category in OPERATED_CATEGORIES and rng.random() < 0.4:
            roles.append((enterprise, Role.OPERATOR))
        batch.roles += [
            ProjectOrganization(project=project, organization_id=party.pk, role=role)
            for party, role in roles
        ]

    def plan_benefits(self, rng, batch, project, category, year, west, town, village):
        kinds, benefit_kind = BENEFITS[category]
        chosen = []
        for kind in kinds[: rng.choice([0, 1, 1, 1, 2, 2])]:
            if kind == "village":
                pk = (village or rng.choice(town.villages)).beneficiary
            else:
                pk = rng.choice(west.beneficiaries[kind])
            if pk not in chosen:
                chosen.append(pk)
        measure, label, unit, low, high = BENEFIT_FIGURES[benefit_kind]
        for pk in chosen:
            benefit = Benefit(
                project=project, beneficiary_id=pk, kind=benefit_kind, source=self.source
            )
            batch.benefits.append(benefit)
            if rng.random() < 0.5:
                value = amount(rng, low, high, unit, Qualifier.EXACT)
                batch.benefit_figures.append(
                    flow(self.source, measure, label, value, unit, year, benefit=benefit)
                )
