"""The official risk sheets on screen (附件二, 附件三, the unit's sheet, the 汇总表) in scope, their
exports to xlsx/PDF/Word, and the own level of posts and departments with its rule."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from lianfang.accounts.models import Role
from lianfang.audit.models import AuditAction, AuditEntry
from lianfang.cycles.models import Cycle
from lianfang.org import services as org_services
from lianfang.risks.grading import DEFAULT_SUBJECT_RULE, describe_subject_rule
from lianfang.risks.models import RiskPoint
from lianfang.risks.subject_levels import subject_level_of_department, subject_level_of_post
from lianfang.risks.vocabulary import SubjectKind
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, DepartmentFactory, PersonFactory, make_cycle, make_power, user_with_role
from tests.risk_sheet_support import C, M, add_risk

from .conftest import Logins, client_for

pytestmark = pytest.mark.django_db

DEPT = {"subject_kind": SubjectKind.DEPARTMENT}
DUTY = "负责学院财务收支管理"


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    return make_cycle(org.college, 2026)


@pytest.fixture
def register(org: TwoUnits, cycle: Cycle) -> dict[str, RiskPoint]:
    """财务处: three risk points under one duty and one under another; 出纳: one 高; the unit: one;
    教务处: one."""
    finance = {**DEPT, "department": org.finance}
    return {
        "reimburse": add_risk(
            cycle,
            finance,
            "违规审批经费报销",
            duty=DUTY,
            sort_order=1,
            manifestations=["超标准报销", "无预算支出"],
            causes=[C.SYSTEM_GAP],
            cause_note="个别人员心存侥幸",
            level="high",
            measures=[(M.RULES, "建立报销审批台帐"), (M.STRUCTURE, "实行经费支出AB角审核")],
        ),
        "budget": add_risk(
            cycle,
            finance,
            "预算调整不规范",
            duty=DUTY,
            sort_order=2,
            manifestations=["随意调整预算"],
            level="medium",
            measures=[(M.STRUCTURE, "预算调整须经领导班子集体研究")],
        ),
        "account": add_risk(
            cycle, finance, "私设小金库", duty=DUTY, sort_order=3, manifestations=["账外设账"], level="low"
        ),
        "fees": add_risk(
            cycle, finance, "违规收费", duty="负责收费管理", sort_order=4, manifestations=["自立收费项目"]
        ),
        "cash": add_risk(
            cycle,
            {"subject_kind": SubjectKind.POST, "post": org.cashier},
            "挪用公款",
            duty="办理现金收付",
            manifestations=["收款不入账", "以白条抵库"],
            level="high",
            measures=[(M.STRUCTURE, "钱、账分离管理")],
        ),
        "unit": add_risk(
            cycle,
            {"subject_kind": SubjectKind.UNIT},
            "重大事项决策不民主",
            duty="研究决定学院重大事项",
            manifestations=["个人说了算"],
            level="high",
        ),
        "exams": add_risk(
            cycle,
            {**DEPT, "department": org.academic},
            "考试成绩违规更改",
            duty="负责考试管理",
            manifestations=["私自修改学生成绩"],
        ),
    }


def sheet_url(cycle: Cycle, sheet: str = "", **extra: str) -> str:
    query = f"?cycle={cycle.pk}" + (f"&sheet={sheet}" if sheet else "")
    query += "".join(f"&{k}={v}" for k, v in extra.items())
    return reverse("risks:sheets") + query


def export_url(cycle: Cycle, sheet: str, fmt: str) -> str:
    return reverse("risks:sheet_export") + f"?cycle={cycle.pk}&sheet={sheet}&format={fmt}"


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def sheet_of(html: str) -> str:
    return html[html.index('<article class="sheet"') : html.index("</article>")]


def body_of(html: str) -> str:
    return html[html.index("<tbody>") : html.index("</tbody>")]


def names_in(html: str) -> list[str]:
    return re.findall(r'<td class="sheet-table__name">([^<]*)</td>', html)


# --- the sheets on screen ------------------------------------------------------------------------------


def test_department_sheet_in_the_official_layout(
    org: TwoUnits, logins: Logins, cycle: Cycle, register: dict[str, RiskPoint]
) -> None:
    html = sheet_of(page(client_for(logins.supervisor), sheet_url(cycle, f"department-{org.finance.pk}")))
    assert '<p class="sheet__appendix">附件二</p>' in html
    assert "某职业学院财务处工作廉政风险排查表（2026年度）" in html
    assert '<span class="sheet__label">部门（盖章）：</span><span class="sheet__value">财务处</span>' in html
    headers = re.findall(r'<th scope="col">([^<]*)</th>', html)
    assert headers == ["部门职责", "廉政风险点", "表现形式", "原因分析", "风险等级", "防控措施", "备注"]
    body = body_of(html)
    assert names_in(body) == ["违规审批经费报销", "预算调整不规范", "私设小金库", "违规收费"]
    assert body.count("<tr>") == 4
    duties = re.findall(r'<th scope="rowgroup" class="sheet-table__duty" rowspan="(\d+)">([^<]*)</th>', body)
    assert duties == [("3", DUTY), ("1", "负责收费管理")]
    assert '<ol class="sheet-list"><li>超标准报销</li><li>无预算支出</li></ol>' in body
    assert '<ol class="sheet-list"><li>建立报销审批台帐</li><li>实行经费支出AB角审核</li></ol>' in body
    assert "<td>随意调整预算</td>" in body  # a single item is written as it is, like `numbered`
    assert "<td>制度缺陷及漏洞、个别人员心存侥幸</td>" in body
    badges = re.findall(r'<span class="level level--(\w+)">(.)</span>', body)
    assert badges == [("high", "高"), ("medium", "中"), ("low", "低")]  # 违规收费 not graded: no badge
    assert '<tr class="sheet-table__footer">\n        <th scope="row">分管领导审核意见</th>' in html
    assert '<td colspan="6">' in html and "签字：" in html


def test_post_unit_and_summary_sheets(
    org: TwoUnits, logins: Logins, cycle: Cycle, register: dict[str, RiskPoint]
) -> None:
    client = client_for(logins.supervisor)
    post = sheet_of(page(client, sheet_url(cycle, f"post-{org.cashier.pk}")))
    assert '<p class="sheet__appendix">附件三</p>' in post
    assert "某职业学院核算科出纳个人岗位廉政风险排查表（2026年度）" in post
    assert names_in(body_of(post)) == ["挪用公款"]
    assert re.search(r'rowspan="1">办理现金收付</th>', post)
    assert '<th scope="row">部门领导审核意见</th>' in post
    unit = sheet_of(page(client, sheet_url(cycle, "unit")))
    assert "sheet__appendix" not in unit and "某职业学院单位职权及风险排查表（2026年度）" in unit
    assert names_in(body_of(unit)) == ["重大事项决策不民主"]
    assert '<th scope="row">领导班子审定意见</th>' in unit
    summary = sheet_of(page(client, sheet_url(cycle, "summary")))
    assert "某职业学院风险排查及风险评估汇总表（2026年度）" in summary
    assert names_in(body_of(summary)) == [
        "重大事项决策不民主",
        "违规审批经费报销",
        "预算调整不规范",
        "私设小金库",
        "违规收费",
        "考试成绩违规更改",
        "挪用公款",
    ]
    assert "rowspan" not in summary and "岗位风险等级" not in summary
    assert re.findall(r'<td class="num">(\d+)</td>', summary) == [str(i) for i in range(1, 8)]
    assert '<th scope="row" colspan="2">纪委（监察处）审核意见</th>\n        <td colspan="8">' in summary


def test_picker_offers_the_sheets_in_scope_and_opens_on_the_summary(
    org: TwoUnits, logins: Logins, cycle: Cycle, register: dict[str, RiskPoint]
) -> None:
    html = page(client_for(logins.supervisor), reverse("risks:sheets"))
    options = re.findall(r'<option value="([\w-]+)"( selected)?>', html[html.index('id="f-sheet"') :])
    assert options == [
        ("summary", " selected"),
        ("unit", ""),
        (f"department-{org.finance.pk}", ""),
        (f"department-{org.finance_office.pk}", ""),
        (f"department-{org.academic.pk}", ""),
        (f"post-{org.cashier.pk}", ""),
        (f"post-{org.teacher.pk}", ""),
    ]
    assert "某职业学院风险排查及风险评估汇总表（2026年度）" in html
    for fmt in ("xlsx", "pdf", "docx"):
        assert f'href="{export_url(cycle, "summary", fmt).replace("&", "&amp;")}"' in html
    register_page = page(client_for(logins.supervisor), reverse("risks:register"))
    assert f'href="{reverse("risks:sheets")}?cycle={cycle.pk}"' in register_page


def test_department_head_sees_their_department_and_not_another(
    org: TwoUnits, logins: Logins, cycle: Cycle, register: dict[str, RiskPoint]
) -> None:
    client = client_for(logins.dept_head)
    html = page(client, reverse("risks:sheets"))
    options = re.findall(r'<option value="([\w-]+)"', html[html.index('id="f-sheet"') :])
    assert options == [
        f"department-{org.finance.pk}",
        f"department-{org.finance_office.pk}",
        f"post-{org.cashier.pk}",
    ]
    assert "某职业学院财务处工作廉政风险排查表（2026年度）" in html  # the first offered sheet
    assert names_in(body_of(sheet_of(html))) == [
        "违规审批经费报销",
        "预算调整不规范",
        "私设小金库",
        "违规收费",
    ]
    page(client, sheet_url(cycle, f"department-{org.academic.pk}"), 404)
    page(client, sheet_url(cycle, f"department-{org.other_dept.pk}"), 404)
    page(client, sheet_url(cycle, "summary"), 404)
    page(client, sheet_url(cycle, "unit"), 404)
    page(client, sheet_url(cycle, "department-x"), 404)
    assert client.get(export_url(cycle, f"department-{org.academic.pk}", "xlsx")).status_code == 404
    assert client_for(logins.sysadmin).get(reverse("risks:sheets")).status_code == 403


def test_post_holder_opens_on_the_post_they_hold(
    org: TwoUnits, cycle: Cycle, register: dict[str, RiskPoint]
) -> None:
    accountant = org_services.create_post(SYSTEM, department=org.finance_office, name="会计")
    person: Any = PersonFactory(department=org.finance_office, unit=org.college, name="钱出纳")
    org_services.assign_post(SYSTEM, person=person, post=org.cashier, start_date=dt.date(2025, 1, 1))
    user = user_with_role(Role.POST_HOLDER, org.finance_office, "chuna")
    user.person = person
    user.save(update_fields=["person"])
    client = client_for(user)
    html = page(client, reverse("risks:sheets"))
    assert f'<option value="post-{org.cashier.pk}" selected>' in html
    assert f'<option value="post-{accountant.pk}">' in html  # readable in scope, like the register
    assert "某职业学院核算科出纳个人岗位廉政风险排查表（2026年度）" in html
    assert '<span class="sheet__label">姓名：</span><span class="sheet__value">钱出纳</span>' in html
    page(client, sheet_url(cycle, f"department-{org.finance.pk}"), 404)


# --- exports -------------------------------------------------------------------------------------------


def test_exports_answer_each_format_and_are_audited(
    org: TwoUnits, logins: Logins, cycle: Cycle, register: dict[str, RiskPoint]
) -> None:
    client = client_for(logins.supervisor)
    sheet = f"department-{org.finance.pk}"
    title = "某职业学院财务处工作廉政风险排查表（2026年度）"
    xlsx = client.get(export_url(cycle, sheet, "xlsx"))
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote(title + '.xlsx')}"
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    assert (ws["A1"].value, ws["A2"].value) == ("附件二", title)
    pdf = client.get(export_url(cycle, sheet, "pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    docx = client.get(export_url(cycle, sheet, "docx"))
    assert docx["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        assert title in archive.read("word/document.xml").decode()
    entries = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="risks.sheet")
    exported = [json.loads(e.after) for e in entries.order_by("seq")]
    formats = [e["format"] for e in exported]
    assert formats == ["xlsx", "pdf", "docx"]
    assert exported[0]["sheets"] == [{"kind": "department", "title": title, "count": 4}]
    bad = client.get(export_url(cycle, sheet, "csv"))
    assert bad.status_code == 400 and "导出格式应为" in bad.content.decode()
    assert entries.count() == 3


# --- the own level of posts and departments ------------------------------------------------------------


def test_post_with_one_high_risk_shows_high_with_the_rule(
    org: TwoUnits, logins: Logins, cycle: Cycle, register: dict[str, RiskPoint]
) -> None:
    html = sheet_of(page(client_for(logins.supervisor), sheet_url(cycle, f"post-{org.cashier.pk}")))
    assert '<strong>岗位风险等级：</strong><span class="level level--high">高</span>' in html
    assert (
        '<span class="subject-level__explain">本项：职权0项，风险点1个（高1个、中0个、低0个），'
        "有高等级风险点，定为高。</span>" in html
    )
    assert f"定级规则：{describe_subject_rule()}" in html
    assert html.index("subject-level") < html.index("<table")  # under the header, above the table


def test_department_with_three_powers_and_no_risk_points_is_medium(
    org: TwoUnits, logins: Logins, cycle: Cycle
) -> None:
    assert DEFAULT_SUBJECT_RULE.medium_min_powers == 3 and DEFAULT_SUBJECT_RULE.high_min_powers > 3
    section: Any = DepartmentFactory(unit=org.college, name="考务科", parent=org.academic)
    make_power(cycle, org.academic, "JW-001")
    make_power(cycle, org.academic, "JW-002")
    make_power(cycle, section, "JW-003")  # in the subtree
    make_power(cycle, org.finance, "CW-001")  # another department's
    html = sheet_of(page(client_for(logins.supervisor), sheet_url(cycle, f"department-{org.academic.pk}")))
    assert '<strong>部门风险等级：</strong><span class="level level--medium">中</span>' in html
    assert "本项：职权3项，风险点0个（高0个、中0个、低0个），职权不少于3项，定为中。" in html
    assert describe_subject_rule() in html
    assert "尚未登记风险点。" in html


def test_subject_level_selectors_count_powers_and_own_risk_points(
    org: TwoUnits, cycle: Cycle, register: dict[str, RiskPoint]
) -> None:
    make_power(cycle, org.finance, "CW-001", posts=[org.cashier])
    make_power(cycle, org.finance_office, "CW-002", posts=[org.cashier])
    level, explanation = subject_level_of_post(cycle, org.cashier)
    assert level == "high"
    assert explanation.endswith("本项：职权2项，风险点1个（高1个、中0个、低0个），有高等级风险点，定为高。")
    # 财务处's own risk points (three graded, one not); the cashier's post risk is not the department's.
    level, explanation = subject_level_of_department(cycle, org.finance)
    assert level == "high"
    assert explanation.endswith(
        "本项：职权2项，风险点3个（高1个、中1个、低1个），有高等级风险点，定为高。"
        "另有1个风险点尚未评定等级，未计入。"
    )
    level, explanation = subject_level_of_department(cycle, org.academic)
    assert (level, explanation.split("本项：")[1]) == (
        "low",
        "职权0项，风险点0个（高0个、中0个、低0个），未达到中、高等级的条件，定为低。"
        "另有1个风险点尚未评定等级，未计入。",
    )
