# ruff: noqa: E501  (a data module: long Chinese duty texts read better unbroken)
"""The demo institution: a fictional vocational college, modelled on the programme of seed 002.

Every name here is invented. Plain data only; `lianfang.core.demo` loads it through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .demo_posts import LEADERS, POSTS, PostSpec  # noqa: F401 - posts live in their own module

DEMO_PASSWORD = "Lianfang2026demo"  # noqa: S105 - the documented, shared password of the demo logins

UNIT = {"name": "青岚职业技术学院", "short_name": "青岚职院", "code": "QLVTC", "kind": "college"}


@dataclass(frozen=True)
class Dept:
    name: str
    kind: str
    duties: str
    parent: str = ""


DEPARTMENTS = (
    Dept(
        LEADERS,
        "other",
        "学院领导班子成员的岗位。领导班子对学院廉政风险防控工作负总责，班子成员落实“一岗双责”。",
    ),
    Dept(
        "党政办公室",
        "functional",
        "负责学院党委、行政日常运转，文电会务、督查督办、信息公开、机要保密、档案管理和公务接待等工作。",
    ),
    Dept(
        "组织人事处",
        "functional",
        "负责干部选拔任用、人事调配与招聘、职称评审、薪酬福利和师资队伍建设等工作。",
    ),
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
    Dept(
        "资产与设备管理处",
        "functional",
        "负责国有资产管理、仪器设备与物资采购、政府采购执行、资产处置和仓库管理。",
    ),
    Dept(
        "采购科",
        "functional",
        "负责采购计划汇总、政府采购及自行采购的组织实施、合同与验收管理。",
        "资产与设备管理处",
    ),
    Dept(
        "学生处", "functional", "负责学生思想政治教育、学生日常管理、奖助学金评定、违纪处分和辅导员队伍管理。"
    ),
    Dept("后勤处", "functional", "负责后勤保障、食堂管理、物业维修、学生公寓管理、水电能源管理和校园环境。"),
    Dept("图书馆", "affiliated", "负责文献资源建设、图书采购与编目、借阅服务和数字资源管理。"),
    Dept(
        "纪委办公室（监察处）",
        "supervision",
        "在学院纪委领导下，负责党风廉政建设和反腐败工作的组织协调、监督检查、信访举报受理和案件查办；"
        "学院廉政风险防控工作领导小组办公室设在本部门，承办防控日常工作。",
    ),
)


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
    Leader(
        "吴海峰", "deputy", "副院长", date(2020, 1, 1), ("财务处", "基建处", "资产与设备管理处", "后勤处")
    ),
    Leader("郭雅琴", "deputy", "副院长", date(2022, 3, 1), ("党政办公室", "招生就业处")),
    Leader("冯正清", "supervision", "纪委书记", date(2021, 9, 1), ("纪委办公室（监察处）",)),
)

# One 廉政风险防控联络员 per department (科室 are covered by their department's liaison).
LIAISONS = {
    LEADERS: "马俊杰",
    "党政办公室": "彭静怡",
    "组织人事处": "袁浩然",
    "财务处": "程凤霞",
    "招生就业处": "姚佳怡",
    "教务处": "钟丽娟",
    "科研处": "廖文华",
    "基建处": "付玉梅",
    "资产与设备管理处": "孟凡星",
    "学生处": "段晓丽",
    "后勤处": "黎秀珍",
    "图书馆": "龚丽",
    "纪委办公室（监察处）": "严明",
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
