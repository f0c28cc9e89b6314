"""Shared by the risk sheet tests: a small register built through the services, messy sheets as people
fill them (built with openpyxl), and the register read back for comparison."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from lianfang.cycles.models import Cycle
from lianfang.risks import services
from lianfang.risks.models import RiskPoint
from lianfang.risks.selectors import with_details
from lianfang.risks.sheet_xlsx import write_workbook
from lianfang.risks.vocabulary import Cause, MeasureCategory, SubjectKind
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, AssignmentFactory, PersonFactory, PostFactory

DAY = date(2026, 3, 1)
C, M = Cause, MeasureCategory


def add_risk(cycle: Cycle, subject: dict[str, Any], name: str, **f: Any) -> RiskPoint:
    measures = f.pop("measures", [])
    level = f.pop("level", "")
    risk = services.create_risk(SYSTEM, cycle, services.RiskData(name=name, **subject, **f))
    for category, text in measures:
        services.add_measure(SYSTEM, risk, services.MeasureData(category=category, text=text))
    if level:
        services.record_imported_level(SYSTEM, risk, level)
    return risk


def make_people(org: TwoUnits) -> dict[str, Any]:
    """财务处 has a head (处长 张三); the cashier post is held by 李四 (职务 会计)."""
    head_post = PostFactory(department=org.finance, name="处长", level="middle")
    zhang = PersonFactory(department=org.finance, name="张三")
    AssignmentFactory(post=head_post, person=zhang)
    li = PersonFactory(department=org.finance_office, name="李四", title="会计")
    AssignmentFactory(post=org.cashier, person=li)
    return {"zhang": zhang, "li": li, "head_post": head_post}


def build_register(org: TwoUnits, cycle: Cycle) -> None:
    dept = {"subject_kind": SubjectKind.DEPARTMENT, "department": org.finance}
    post = {"subject_kind": SubjectKind.POST, "post": org.cashier}
    add_risk(
        cycle,
        dept,
        "违规审批经费报销",
        duty="负责学院财务收支管理",
        sort_order=1,
        manifestations=["超标准报销", "无预算支出"],
        causes=[C.SYSTEM_GAP, C.OVERSIGHT_GAP],
        cause_note="个别人员心存侥幸",
        level="high",
        notes="重点监控",
        measures=[(M.RULES, "建立报销审批台帐"), (M.STRUCTURE, "实行经费支出AB角审核")],
    )
    add_risk(
        cycle,
        dept,
        "预算调整不规范",
        duty="负责学院财务收支管理",
        sort_order=2,
        manifestations=["随意调整预算"],
        causes=[C.SELF_DISCIPLINE],
        level="medium",
        measures=[(M.STRUCTURE, "预算调整须经领导班子集体研究")],
    )
    add_risk(
        cycle,
        dept,
        "违规收费",
        duty="负责收费管理",
        sort_order=3,
        manifestations=["自立收费项目", "超标准收费"],
        cause_note="外部人员请托",
        level="low",
        measures=[(M.DISCLOSURE, "收费项目公示")],
    )
    add_risk(
        cycle,
        post,
        "挪用公款",
        duty="办理现金收付",
        sort_order=1,
        manifestations=["收款不入账", "以白条抵库"],
        causes=[C.SELF_DISCIPLINE],
        level="high",
        measures=[(M.STRUCTURE, "钱、账分离管理"), (M.TECHNOLOGY, "库存现金每日电子对账")],
        notes="五类重点岗位",
    )


def register_of(cycle: Cycle) -> list[tuple[Any, ...]]:
    qs = with_details(RiskPoint.objects.filter(cycle=cycle)).order_by("subject_kind", "sort_order", "name")
    return [
        (
            r.subject_kind,
            r.department.name if r.department else "",
            r.post.name if r.post else "",
            r.duty,
            r.name,
            [m.text for m in r.manifestations.all()],
            r.causes,
            r.cause_note,
            r.level,
            [(m.category, m.text) for m in r.measures.all()],
            r.notes,
        )
        for r in qs
    ]


def xlsx(views: list[Any]) -> io.BytesIO:
    return io.BytesIO(write_workbook(views))


def messy_workbook(department: str = "财务处") -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["某职业学院财务处工作廉政风险排查表"])
    ws.merge_cells("A1:G1")
    ws.append([f"部门（盖章）：{department}  负责人：张三  填表日期：2026年3月"])
    ws.append([])
    ws.append(["部门职责", "廉政风险点 ", "表现形式", "原因分析", "风险\n等级", "防控措施", "备注"])
    ws.append(
        [
            "负责学院经费报销审核、会计核算",
            "1、违规审批报销",
            "1.票据审核不严。2.超标准报销。",
            "制度缺陷及漏洞、监管缺失、其他：个别人员心存侥幸",
            "高",
            "（1）建立报销台帐；（2）实行AB角复核。",
            "重点",
        ]
    )
    ws.append([None, "会计核算不规范", "①虚列支出②隐匿收入", "个人业务素质", "II", "加强业务培训"])
    ws.append([])
    ws.append([None, "私设小金库", "账外设账", "监管缺失", "Ⅲ级", "【强化科技防控】上线财务监控系统"])
    ws.merge_cells("A5:A8")
    ws.append([])
    ws.append(
        [
            "负责收费管理",
            "违规收费",
            "1.自立项目收费\n2.超标准收费",
            "外部环境影响",
            "一级",
            "（1）收费项目公示（2）定期检查",
        ]
    )
    ws.append([])
    ws.append(["分管领导审核意见："])
    ws.merge_cells("B12:G12")
    ws.append(["签字：            日期：    年  月  日"])
    return wb


def saved(wb: Workbook) -> io.BytesIO:
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


MESSY_EXPECTED = [
    (
        "department",
        "财务处",
        "",
        "负责学院经费报销审核、会计核算",
        "违规审批报销",
        ["票据审核不严", "超标准报销"],
        [C.SYSTEM_GAP, C.OVERSIGHT_GAP],
        "其他：个别人员心存侥幸",
        "high",
        [(M.RULES, "建立报销台帐"), (M.STRUCTURE, "实行AB角复核")],
        "重点",
    ),
    (
        "department",
        "财务处",
        "",
        "负责学院经费报销审核、会计核算",
        "会计核算不规范",
        ["虚列支出", "隐匿收入"],
        [C.COMPETENCE],
        "",
        "medium",
        [(M.EDUCATION, "加强业务培训")],
        "",
    ),
    (
        "department",
        "财务处",
        "",
        "负责学院经费报销审核、会计核算",
        "私设小金库",
        ["账外设账"],
        [C.OVERSIGHT_GAP],
        "",
        "low",
        [(M.TECHNOLOGY, "上线财务监控系统")],
        "",
    ),
    (
        "department",
        "财务处",
        "",
        "负责收费管理",
        "违规收费",
        ["自立项目收费", "超标准收费"],
        [C.ENVIRONMENT],
        "",
        "high",
        [(M.DISCLOSURE, "收费项目公示"), (M.RULES, "定期检查")],
        "",
    ),
]


def post_workbook(*fields: str) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["附件三"])
    ws.append(["个人岗位廉政风险排查表"])
    ws.append(["    ".join(fields)])
    ws.append(["岗位职责", "廉政风险点", "表现形式", "原因分析", "风险等级", "防控措施", "备注"])
    ws.append(["办理现金收付", "挪用公款", "1.收款不入账 2.以白条抵库", "个人自律", "I", "钱账分管", ""])
    ws.append(["部门领导审核意见"])
    return saved(wb)
