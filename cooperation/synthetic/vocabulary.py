"""What the synthetic data set is made of: provinces paired east to west, the characters of
place names, products, categories and their shares, title patterns, indicators and events.
Plain constants, so that a change to the data set's shape is made in one place."""

from cooperation.models import Beneficiary, Benefit, Event, Figure, Pairing, Project

YEARS = range(2021, 2026)

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
