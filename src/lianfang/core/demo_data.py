# ruff: noqa: E501  (a data module: long Chinese duty texts read better unbroken)
"""The demo institution: a fictional vocational college, modelled on the programme of seed 002.

Every name here is invented. Plain data only; `lianfang.core.demo` loads it through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

DEMO_PASSWORD = "Lianfang2026demo"  # noqa: S105 - the documented, shared password of the demo logins

UNIT = {"name": "青岚职业技术学院", "short_name": "青岚职院", "code": "QLVTC", "kind": "college"}
LEADERS = "院领导"  # the department that holds the leadership's own posts (领导岗位)


@dataclass(frozen=True)
class Dept:
    name: str
    kind: str
    duties: str
    parent: str = ""


DEPARTMENTS = (
    Dept(LEADERS, "other", "学院领导班子成员的岗位。领导班子对学院廉政风险防控工作负总责，班子成员落实“一岗双责”。"),
    Dept("党政办公室", "functional",
         "负责学院党委、行政日常运转，文电会务、督查督办、信息公开、机要保密、档案管理和公务接待等工作。"),
    Dept("组织人事处", "functional", "负责干部选拔任用、人事调配与招聘、职称评审、薪酬福利和师资队伍建设等工作。"),
    Dept("人事科", "functional", "负责人员招聘、调配、考核、薪酬福利和人事档案。", "组织人事处"),
    Dept("师资科", "functional", "负责师资队伍建设规划、教师培训、职称评审组织工作。", "组织人事处"),
    Dept("财务处", "functional", "负责学院预算编制与执行、会计核算、资金管理、收费管理和财务监督等工作。"),
    Dept("会计核算科", "functional", "负责会计核算、报销审核、资金收付和会计档案管理。", "财务处"),
    Dept("预算管理科", "functional", "负责预算编制、预算执行分析、学费及各类收费管理。", "财务处"),
    Dept("招生就业处", "functional", "负责招生计划编制、招生宣传与录取、毕业生就业指导与推荐服务。"),
    Dept("教务处", "functional", "负责教学计划、教学运行、考试管理、学籍管理、教材建设和教学质量监控。"),
    Dept("教学运行科", "functional", "负责排课调课、教学运行检查和教材征订发放。", "教务处"),
    Dept("考务科", "functional", "负责各类考试组织、学籍异动审核和成绩管理。", "教务处"),
    Dept("科研处", "functional", "负责科研项目申报与过程管理、科研经费监管、科研成果管理和校企合作。"),
    Dept("基建处", "functional", "负责学院基本建设规划、工程项目管理、工程招标、预结算审核及维修工程管理。"),
    Dept("资产与设备管理处", "functional", "负责国有资产管理、仪器设备与物资采购、政府采购执行、资产处置和仓库管理。"),
    Dept("采购科", "functional", "负责采购计划汇总、政府采购及自行采购的组织实施、合同与验收管理。", "资产与设备管理处"),
    Dept("学生处", "functional", "负责学生思想政治教育、学生日常管理、奖助学金评定、违纪处分和辅导员队伍管理。"),
    Dept("后勤处", "functional", "负责后勤保障、食堂管理、物业维修、学生公寓管理、水电能源管理和校园环境。"),
    Dept("图书馆", "affiliated", "负责文献资源建设、图书采购与编目、借阅服务和数字资源管理。"),
    Dept("纪委办公室（监察处）", "supervision",
         "在学院纪委领导下，负责党风廉政建设和反腐败工作的组织协调、监督检查、信访举报受理和案件查办；"
         "学院廉政风险防控工作领导小组办公室设在本部门，承办防控日常工作。"),
)

PEOPLE, MONEY, ASSETS, APPROVAL, ENFORCEMENT = (
    "manages_people", "manages_money", "manages_assets", "manages_approval", "manages_enforcement")


@dataclass(frozen=True)
class PostSpec:
    dept: str
    name: str
    level: str
    flags: tuple[str, ...]
    duties: str
    holders: tuple[str, ...] = ()
    headcount: int = 0  # 0: as many as holders (at least 1)


def _posts() -> tuple[PostSpec, ...]:
    L, M, G = "leader", "middle", "general"
    P = PostSpec
    return (
        # 院领导 — 领导岗位
        P(LEADERS, "党委书记", L, (PEOPLE,), "主持学院党委全面工作，履行党风廉政建设第一责任人职责；主持党委会，"
          "对“三重一大”事项按集体决策程序作出决定；管党治党、干部队伍建设。", ("周振邦",)),
        P(LEADERS, "院长", L, (PEOPLE, MONEY, APPROVAL), "主持学院行政全面工作，组织实施党委决定；主持院长办公会，"
          "负责年度预算和重大项目的组织实施，落实行政“一岗双责”。", ("陈立新",)),
        P(LEADERS, "党委副书记", L, (PEOPLE,), "协助书记抓党建、组织人事、学生思想政治教育和统战工作，分管组织人事处、学生处。",
          ("许慧敏",)),
        P(LEADERS, "副院长", L, (MONEY, ASSETS, APPROVAL), "按分工分管有关部门的业务工作，对分管部门的廉政风险防控负领导责任，"
          "审批分管范围内的经费支出和业务事项。", ("黄志远", "吴海峰", "郭雅琴")),
        P(LEADERS, "纪委书记", L, (ENFORCEMENT,), "主持学院纪委工作，履行监督责任；组织开展监督检查、信访举报处理和"
          "案件查办，领导廉政风险防控工作领导小组办公室。", ("冯正清",)),
        # 党政办公室
        P("党政办公室", "主任", M, (PEOPLE,), "主持办公室全面工作；组织党委会、院长办公会会务和督查督办；"
          "审核以学院名义印发的文件；负责公务接待和公车管理的审批。", ("唐卫东",)),
        P("党政办公室", "副主任", M, (), "协助主任工作，分管文秘、信息公开、档案和机要保密。", ("宋晓燕",)),
        P("党政办公室", "文秘", G, (), "起草综合性文稿，处理公文流转，整理会议纪要。", ("马俊杰", "彭静怡")),
        P("党政办公室", "机要与档案管理", G, (), "管理机要文件、印章使用登记和学院综合档案。", ("曾玉兰",)),
        P("党政办公室", "公务接待与车辆管理", G, (MONEY, ASSETS), "按标准安排公务接待，管理公务用车的派车、维修、"
          "加油和费用结算。", ("韩明辉",)),
        # 组织人事处
        P("组织人事处", "处长", M, (PEOPLE, APPROVAL), "主持处务工作；组织干部选拔任用考察、人员招聘、职称评审和"
          "绩效工资分配方案的拟订与实施。", ("邓国平",)),
        P("人事科", "科长", M, (PEOPLE,), "组织人员招聘和岗位聘用，办理人事调配、考核和人事档案管理。", ("曹春梅",)),
        P("人事科", "人事调配与招聘", G, (PEOPLE,), "实施公开招聘的报名、资格审查和考试组织，办理调入调出手续。",
          ("袁浩然",)),
        P("人事科", "薪酬福利", G, (MONEY,), "核定工资、津贴和社会保险，编制工资发放表。", ("潘丽华",)),
        P("师资科", "科长", M, (PEOPLE,), "拟订师资队伍建设规划，组织教师培训、进修和双师型教师认定。", ("蒋文静",)),
        P("师资科", "职称评审与培训", G, (PEOPLE, APPROVAL), "组织职称申报材料审核和评审会务，管理培训经费使用。",
          ("蔡思远",)),
        # 财务处
        P("财务处", "处长", M, (MONEY, APPROVAL), "主持财务处全面工作；组织编制和执行年度预算；审核大额资金支付，"
          "对学院财务收支的合法合规负责。", ("余建华",)),
        P("财务处", "副处长", M, (MONEY,), "协助处长工作，分管会计核算和收费管理，审核一般经费报销。", ("杜雪梅",)),
        P("会计核算科", "科长", M, (MONEY,), "组织会计核算和报销审核，编制财务报表，管理会计档案。", ("叶振宇",)),
        P("会计核算科", "会计", G, (MONEY,), "审核原始凭证，编制记账凭证，办理往来款项核对。", ("周秀兰", "程凤霞")),
        P("会计核算科", "出纳", G, (MONEY,), "办理现金收付和银行结算，保管库存现金、有价证券和空白票据，"
          "登记现金和银行存款日记账。", ("苏婷婷",)),
        P("预算管理科", "科长", M, (MONEY,), "组织预算编制和预算执行分析，审核项目经费使用。", ("魏国庆",)),
        P("预算管理科", "收费管理", G, (MONEY,), "按核定标准收取学费、住宿费等，办理退费和减免手续，管理收费票据。",
          ("吕晓峰",)),
        # 招生就业处
        P("招生就业处", "处长", M, (APPROVAL,), "主持招生就业工作；编制招生计划和章程，组织录取，审核就业推荐。",
          ("丁伟",)),
        P("招生就业处", "招生录取", G, (APPROVAL,), "办理考生志愿、分数线和录取名单的审核与上报，答复考生咨询。",
          ("任雅婷", "沈光明")),
        P("招生就业处", "招生宣传", G, (), "组织招生宣传和咨询活动，管理招生宣传经费。", ("姚佳怡",)),
        P("招生就业处", "就业指导与推荐", G, (APPROVAL,), "组织校园招聘会，审核用人单位资质，推荐毕业生就业和办理派遣。",
          ("卢志刚",)),
        # 教务处
        P("教务处", "处长", M, (APPROVAL,), "主持教务工作；审批教学计划调整、课程设置和教材选用。", ("姜红梅",)),
        P("教务处", "副处长", M, (), "协助处长工作，分管考务和教学质量监控。", ("崔永明",)),
        P("教学运行科", "排课与教学运行", G, (), "编排课表，办理调课停课，检查教学秩序。", ("钟丽娟",)),
        P("教学运行科", "教材采购与管理", G, (MONEY, ASSETS), "汇总教材征订计划，组织教材采购、验收、发放和结算。",
          ("谭建军",)),
        P("考务科", "考务管理", G, (APPROVAL,), "组织期末考试、补考和各类证书考试，管理试卷印制、保管和评阅。",
          ("陆晓东",)),
        P("考务科", "学籍与成绩管理", G, (APPROVAL,), "办理学籍异动、成绩录入与更正、毕业资格审核。", ("汪淑芬",)),
        # 科研处
        P("科研处", "处长", M, (MONEY, APPROVAL), "主持科研管理工作；组织项目申报评审，审批科研经费支出。", ("范德胜",)),
        P("科研处", "科研项目管理", G, (APPROVAL,), "组织项目申报、立项、中期检查和结题验收。", ("金美玲",)),
        P("科研处", "科研经费管理", G, (MONEY,), "审核科研经费预算和报销，监督经费使用。", ("石磊",)),
        P("科研处", "校企合作与社会服务", G, (), "对接合作企业，办理横向课题合同和社会培训项目。", ("廖文华",)),
        # 基建处
        P("基建处", "处长", M, (MONEY, ASSETS, APPROVAL), "主持基建工作；组织工程项目立项、招标、施工管理和竣工验收，"
          "审核工程款支付。", ("贾文涛",)),
        P("基建处", "工程管理", G, (ASSETS, APPROVAL), "负责施工现场质量、进度和安全管理，办理工程签证和设计变更审核。",
          ("夏永强", "韦建新")),
        P("基建处", "工程预结算", G, (MONEY, APPROVAL), "编制和审核工程预算、结算，配合审计部门开展工程审计。",
          ("付玉梅",)),
        P("基建处", "基建招标", G, (ASSETS, APPROVAL), "编制招标文件，组织招标和合同签订，管理招投标档案。", ("方振华",)),
        # 资产与设备管理处
        P("资产与设备管理处", "处长", M, (ASSETS, APPROVAL), "主持资产管理工作；审批资产配置、调拨和处置，"
          "组织大宗物资和设备采购。", ("白国栋",)),
        P("资产与设备管理处", "资产管理", G, (ASSETS,), "办理资产登记、入账、调拨和年度清查。", ("邹丽萍", "孟凡星")),
        P("资产与设备管理处", "资产处置", G, (ASSETS, APPROVAL), "办理资产报废、报损和处置申报，组织处置评估。",
          ("熊德明",)),
        P("采购科", "科长", M, (ASSETS, APPROVAL), "组织采购计划执行，审核采购方式和采购文件，组织履约验收。",
          ("秦海燕",)),
        P("采购科", "政府采购执行", G, (MONEY, ASSETS, APPROVAL), "办理政府采购和自行采购的询价、比选、合同签订和验收。",
          ("邱志勇",)),
        P("采购科", "仓库保管", G, (ASSETS,), "办理物资出入库，定期盘点，保证账实相符。", ("江小兰",)),
        # 学生处
        P("学生处", "处长", M, (APPROVAL,), "主持学生工作；审核奖助学金评定结果和学生违纪处分。", ("尹志华",)),
        P("学生处", "学生资助管理", G, (MONEY, APPROVAL), "组织国家助学金、奖学金和困难补助的申请、评审和发放。",
          ("薛慧",)),
        P("学生处", "奖惩与评优", G, (APPROVAL,), "组织评优评先，办理学生违纪处分和申诉。", ("何丽",)),
        P("学生处", "辅导员", G, (), "开展学生思想政治教育和日常管理，参与奖助学金初审。",
          ("闫明", "段晓丽", "雷振东", "侯佳")),
        # 后勤处
        P("后勤处", "处长", M, (MONEY, ASSETS), "主持后勤工作；审批后勤维修和物资采购，监督后勤服务外包合同履行。",
          ("龙建平",)),
        P("后勤处", "食堂管理与食材采购", G, (MONEY, ASSETS), "监督食堂经营、食品安全和大宗食材采购与验收。",
          ("史国华",)),
        P("后勤处", "物业与维修", G, (ASSETS,), "受理维修报修，组织零星维修工程和维修材料验收。", ("郑国强",)),
        P("后勤处", "学生公寓管理", G, (), "负责学生公寓安排、调整和安全管理。", ("黎秀珍", "贺永福")),
        P("后勤处", "水电能源管理", G, (ASSETS,), "负责水电计量、收费核算和节能管理。", ("顾卫国",)),
        # 图书馆
        P("图书馆", "馆长", M, (ASSETS, APPROVAL), "主持图书馆工作；审批文献资源采购计划和数据库订购。", ("毛书文",)),
        P("图书馆", "图书采编", G, (MONEY, ASSETS), "办理图书采购、验收、编目和书商结算。", ("郝晓梅",)),
        P("图书馆", "流通阅览", G, (), "办理借还书和阅览室管理。", ("龚丽", "邵志明")),
        # 纪委办公室（监察处）
        P("纪委办公室（监察处）", "主任", M, (ENFORCEMENT,), "主持纪委办公室工作；组织监督检查和信访举报处理，"
          "承办廉政风险防控领导小组办公室日常工作。", ("万正义",)),
        P("纪委办公室（监察处）", "纪检监察员", G, (ENFORCEMENT,), "受理信访举报，参与案件初核和调查，"
          "对招生、基建、采购等重点环节开展监督。", ("钱晓红", "严明")),
        P("纪委办公室（监察处）", "审计专员", G, (ENFORCEMENT,), "开展内部审计和经济责任审计，跟踪审计整改。",
          ("覃立群",)),
    )


POSTS = _posts()


@dataclass(frozen=True)
class Past:
    """An ended tenure: who held which post, from when to when. `retire` also retires the person that day."""

    person: str
    dept: str
    post: str
    start: date
    end: date
    note: str = ""
    retire: bool = False


HISTORY = (
    Past("周秀兰", "会计核算科", "出纳", date(2016, 9, 1), date(2021, 8, 31), "定期轮岗，转任会计"),
    Past("郑国强", "基建处", "工程管理", date(2015, 3, 1), date(2020, 12, 31), "重点岗位轮岗，调后勤处"),
    Past("何丽", "招生就业处", "招生录取", date(2017, 3, 1), date(2022, 2, 28), "定期轮岗，调学生处"),
    Past("宋晓燕", "学生处", "学生资助管理", date(2017, 9, 1), date(2022, 8, 31), "提任党政办公室副主任"),
    Past("孙立民", "财务处", "处长", date(2014, 7, 1), date(2022, 6, 30), "退休", retire=True),
    Past("钱振华", "采购科", "政府采购执行", date(2012, 3, 1), date(2023, 12, 31), "退休", retire=True),
    Past("孔繁荣", "后勤处", "食堂管理与食材采购", date(2016, 5, 1), date(2022, 12, 31), "退休", retire=True),
)

# Staff who hold no post yet (new hires), by department.
UNASSIGNED = (("武新宇", "教务处"), ("戴欣然", "学生处"))


@dataclass(frozen=True)
class Leader:
    person: str
    kind: str
    title: str
    start: date
    departments: tuple[str, ...] = ()


# The model allows one 主要领导 (head) per unit: the 党委书记. The 院长, the other 党政主要领导, is recorded as a
# leadership member of kind "deputy" who, like the head, runs no department directly (一把手不直接分管).
LEADERSHIP = (
    Leader("周振邦", "head", "党委书记", date(2020, 6, 1)),
    Leader("陈立新", "deputy", "院长、党委副书记", date(2021, 3, 1)),
    Leader("许慧敏", "deputy", "党委副书记", date(2019, 9, 1), ("组织人事处", "学生处")),
    Leader("黄志远", "deputy", "副院长", date(2018, 7, 1), ("教务处", "科研处", "图书馆")),
    Leader("吴海峰", "deputy", "副院长", date(2020, 1, 1), ("财务处", "基建处", "资产与设备管理处", "后勤处")),
    Leader("郭雅琴", "deputy", "副院长", date(2022, 3, 1), ("党政办公室", "招生就业处")),
    Leader("冯正清", "supervision", "纪委书记", date(2021, 9, 1), ("纪委办公室（监察处）",)),
)

# One 廉政风险防控联络员 per department (科室 are covered by their department's liaison).
LIAISONS = {
    LEADERS: "马俊杰", "党政办公室": "彭静怡", "组织人事处": "袁浩然", "财务处": "程凤霞", "招生就业处": "姚佳怡",
    "教务处": "钟丽娟", "科研处": "廖文华", "基建处": "付玉梅", "资产与设备管理处": "孟凡星", "学生处": "段晓丽",
    "后勤处": "黎秀珍", "图书馆": "龚丽", "纪委办公室（监察处）": "严明",
}
LIAISON_START = date(2024, 3, 1)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    node: str  # "" for the unit, else a department name
    person: str = ""
    display_name: str = ""


ACCOUNTS = (
    Account("admin", "sysadmin", "", display_name="系统管理员（演示）"),
    Account("security", "secadmin", "", display_name="安全管理员（演示）"),
    Account("auditor", "auditadmin", "", display_name="审计管理员（演示）"),
    Account("jiwei", "supervisor", "", person="万正义"),
    Account("leader", "unit_leader", "", person="吴海峰"),
    Account("caiwu_head", "dept_head", "财务处", person="余建华"),
    Account("caiwu_liaison", "liaison", "财务处", person="程凤霞"),
    Account("staff", "post_holder", "会计核算科", person="苏婷婷"),
)


@dataclass
class Roster:
    """Everyone in the demo, in a fixed order, with a fixed 工号 each."""

    names: list[str] = field(default_factory=list)

    def add(self, name: str) -> None:
        if name not in self.names:
            self.names.append(name)

    def staff_no(self, name: str) -> str:
        return f"QL{self.names.index(name) + 1:04d}"


def roster() -> Roster:
    r = Roster()
    for spec in POSTS:
        for name in spec.holders:
            r.add(name)
    for past in HISTORY:
        r.add(past.person)
    for name, _ in UNASSIGNED:
        r.add(name)
    return r
