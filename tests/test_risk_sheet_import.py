"""Importing the risk sheets as people fill them: messy real-style files built with openpyxl (title and
header-field rows, merged duty and risk cells, numbered lists in one cell, mixed level spellings, spacer
and footer rows), every error listed with nothing written, dry runs, re-imports, who a post sheet
belongs to, and permissions. Real database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from lianfang.accounts.models import Role
from lianfang.audit.models import AuditAction, AuditEntry
from lianfang.risks.models import RiskPoint
from lianfang.risks.selectors import with_details
from lianfang.risks.sheet_import import import_risk_sheet
from lianfang.risks.sheet_layout import header_fields
from lianfang.risks.sheets import summary_sheet
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, PostFactory, make_cycle, user_with_role
from tests.risk_sheet_support import (
    MESSY_EXPECTED,
    C,
    M,
    build_register,
    make_people,
    messy_workbook,
    post_workbook,
    register_of,
    saved,
    xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org: TwoUnits) -> dict[str, Any]:
    return make_people(org)


def test_messy_real_style_sheet(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    report = import_risk_sheet(saved(messy_workbook()), actor=SYSTEM, cycle=cycle)
    assert report.errors == [] and report.created == 4
    assert register_of(cycle) == MESSY_EXPECTED
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT, object_type="risks.import").get()
    assert json.loads(entry.after)["created"] == 4


def test_dry_run_writes_nothing(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    report = import_risk_sheet(saved(messy_workbook()), actor=SYSTEM, cycle=cycle, dry_run=True)
    assert report.errors == [] and report.created == 4
    assert report.summary_lines() == ["试运行通过：将新增 4 条，更新 0 条（未写入任何数据）。"]
    assert not RiskPoint.objects.exists()
    assert not AuditEntry.objects.filter(object_type__startswith="risks.").exists()


def test_reimport_does_not_duplicate_and_updates_editable_risks(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    import_risk_sheet(saved(messy_workbook()), actor=SYSTEM, cycle=cycle)
    again = import_risk_sheet(saved(messy_workbook()), actor=SYSTEM, cycle=cycle)
    assert again.errors == [] and (again.created, again.updated) == (0, 4)
    assert register_of(cycle) == MESSY_EXPECTED
    wb = messy_workbook()
    wb.active["C10"] = "1.自立项目收费\n2.超标准收费\n3.收费不开票据"
    wb.active["F10"] = "收费项目在校园网公示"
    changed = import_risk_sheet(saved(wb), actor=SYSTEM, cycle=cycle)
    assert changed.errors == [] and (changed.created, changed.updated) == (0, 4)
    risk = with_details(RiskPoint.objects.filter(cycle=cycle, name="违规收费")).get()
    assert [m.text for m in risk.manifestations.all()] == ["自立项目收费", "超标准收费", "收费不开票据"]
    assert [(m.category, m.text) for m in risk.measures.all()] == [(M.DISCLOSURE, "收费项目在校园网公示")]
    assert RiskPoint.objects.filter(cycle=cycle).count() == 4


def test_reimport_refuses_changes_to_submitted_risks(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    import_risk_sheet(saved(messy_workbook()), actor=SYSTEM, cycle=cycle)
    RiskPoint.objects.filter(cycle=cycle, name="违规收费").update(status="submitted")  # its sheet handed in
    unchanged = import_risk_sheet(saved(messy_workbook()), actor=SYSTEM, cycle=cycle)
    assert unchanged.errors == [] and unchanged.updated == 4
    wb = messy_workbook()
    wb.active["G10"] = "已整改"
    refused = import_risk_sheet(saved(wb), actor=SYSTEM, cycle=cycle)
    assert [str(e) for e in refused.errors] == [
        "工作表 Sheet1 第 10 行 [廉政风险点]："
        "风险点“违规收费”（R-0004）已提交，不能通过导入修改；需先退回后再导入"
    ]
    assert RiskPoint.objects.get(cycle=cycle, name="违规收费").notes == ""


def test_bad_rows_are_all_listed_and_nothing_is_written(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    wb = messy_workbook()
    ws = wb.active
    ws["E6"] = "特高"
    ws["B8"] = None  # a risk point without its name
    good = wb.create_sheet("后勤")
    good.append(["部门（盖章）：后勤处"])
    good.append(["部门职责", "廉政风险点", "表现形式", "风险等级", "防控措施"])
    good.append(["物资采购", "虚报采购数量", "多报少购", "高", "验收双人签字"])
    good.append(["物资采购", "验收走过场", "不按合同验收", "极高", "建立验收台帐"])
    report = import_risk_sheet(saved(wb), actor=SYSTEM, cycle=cycle)
    assert [(e.sheet, e.row, e.column, e.message) for e in report.errors] == [
        (
            "Sheet1",
            6,
            "风险等级",
            "无法识别的风险等级“特高”，应为高、中、低（也可写作 I、II、III 或 一级、二级、三级）",
        ),
        ("Sheet1", 8, "廉政风险点", "“廉政风险点”不能为空"),
        ("后勤", 1, "部门", "部门“后勤处”不存在：某职业学院没有这个部门（或已停用）"),
        (
            "后勤",
            4,
            "风险等级",
            "无法识别的风险等级“极高”，应为高、中、低（也可写作 I、II、III 或 一级、二级、三级）",
        ),
    ]
    assert report.summary_lines()[0] == "导入未完成：发现 4 处错误，未写入任何数据。请修改后重新导入。"
    assert (report.created, report.updated) == (0, 0)
    assert not RiskPoint.objects.exists()


# --- post sheets: who the sheet belongs to -----------------------------------------------------------


def test_post_sheet_found_by_name_and_title(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    report = import_risk_sheet(
        post_workbook("姓名：李 四", "职务：会计", "填表日期：2026.3.1"), actor=SYSTEM, cycle=cycle
    )
    assert report.errors == []
    risk = RiskPoint.objects.get(cycle=cycle)
    assert (risk.subject_kind, risk.post, risk.department, risk.level) == (
        "post",
        org.cashier,
        org.finance_office,
        "high",
    )
    assert [m.text for m in risk.manifestations.all()] == ["收款不入账", "以白条抵库"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        (("姓名：赵六", "职务：出纳"), (3, "姓名", "姓名“赵六”不是某职业学院的在职人员")),
        (("姓名：李四", "职务：处长"), (3, "职务", "“李四”没有担任“处长”（现任：出纳）")),
        (
            ("岗位：出纳",),
            (3, "岗位", "岗位“出纳”不唯一（核算科/出纳、教务处/出纳），请在表格上方写明“部门：”或“岗位：”"),
        ),
        (
            ("填表日期：2026年3月",),
            (4, "姓名", "未能确定岗位：请在表格上方填写“姓名：”和“职务：”（或“岗位：”）"),
        ),
    ],
)
def test_post_sheet_subject_errors(
    org: TwoUnits, people: dict, fields: tuple[str, ...], error: tuple
) -> None:
    PostFactory(department=org.academic, name="出纳")
    cycle = make_cycle(org.college)
    report = import_risk_sheet(post_workbook(*fields), actor=SYSTEM, cycle=cycle)
    assert [(e.sheet, e.row, e.column, e.message) for e in report.errors] == [("Sheet", *error)]
    assert not RiskPoint.objects.exists()


def test_post_sheet_with_department_and_post_fields(org: TwoUnits, people: dict) -> None:
    PostFactory(department=org.academic, name="出纳")
    cycle = make_cycle(org.college)
    report = import_risk_sheet(post_workbook("部门：财务处", "岗位：出纳"), actor=SYSTEM, cycle=cycle)
    assert report.errors == [] and RiskPoint.objects.get().post == org.cashier


def test_header_fields() -> None:
    rows = [(2, "部门（盖章）：财务处  负责人：张三  填表日期：2026年3月"), (3, "姓 名：__李四__ 职务：")]
    assert header_fields(rows) == {
        "department": ("财务处", 2),
        "head": ("张三", 2),
        "date": ("2026年3月", 2),
        "person": ("李四", 3),
        "title": ("", 3),
    }


def test_not_a_risk_sheet_and_unreadable_files(org: TwoUnits, tmp_path: Path) -> None:
    cycle = make_cycle(org.college)
    wb = Workbook()
    wb.active.append(["填写说明"])
    report = import_risk_sheet(saved(wb), actor=SYSTEM, cycle=cycle)
    assert [e.message for e in report.errors] == [
        "工作簿中没有廉政风险排查表：表头应包括 职责、廉政风险点、表现形式、原因分析、"
        "风险等级、防控措施、备注（附件二、附件三的格式）"
    ]
    bad = tmp_path / "x.xlsx"
    bad.write_text("not excel")
    assert [str(e) for e in import_risk_sheet(bad, actor=SYSTEM, cycle=cycle).errors] == [
        "文件：无法读取文件：不是有效的 Excel 工作簿（.xlsx）"
    ]


def test_unit_sheet_with_merged_risk_cells_numbering_and_repeated_header(org: TwoUnits) -> None:
    """A risk point's cell merged over rows holding one manifestation and one measure each; a 序号
    column with a pre-numbered empty row; the header row repeated on a later page; a 注： row."""
    cycle = make_cycle(org.college)
    wb = Workbook()
    ws = wb.active
    ws.title = "领导班子"
    ws.append(["单位职权及风险排查表"])
    ws.append(["单位（盖章）：某职业学院", None, "填表日期：2026年3月1日"])
    header = [
        "序号",
        "单位（领导班子）职责",
        "廉政风险点",
        "表现形式",
        "原因分析",
        "风险等级",
        "防控措施",
        "备注",
    ]
    ws.append(header)
    ws.append([1, "三重一大决策", "重大事项决策不民主", "个人说了算", "制度缺陷", "高", "严格执行议事规则"])
    ws.append([None, None, None, "会前不充分酝酿", None, None, "会前征求意见"])
    ws.merge_cells("C4:C5")
    ws.merge_cells("F4:F5")
    ws.merge_cells("B4:B7")
    ws.append(header)  # repeated on page 2
    ws.append([2, None, "干部选拔把关不严", "带病提拔", "监管缺失", "中", "干部任前公示"])
    ws.append([3])  # pre-numbered, empty
    ws.append(["注：原因分析可多选"])
    report = import_risk_sheet(saved(wb), actor=SYSTEM, cycle=cycle)
    assert report.errors == [] and report.created == 2
    assert register_of(cycle) == [
        (
            "unit",
            "",
            "",
            "三重一大决策",
            "重大事项决策不民主",
            ["个人说了算", "会前不充分酝酿"],
            [C.SYSTEM_GAP],
            "",
            "high",
            [(M.RULES, "严格执行议事规则"), (M.RULES, "会前征求意见")],
            "",
        ),
        (
            "unit",
            "",
            "",
            "三重一大决策",
            "干部选拔把关不严",
            ["带病提拔"],
            [C.OVERSIGHT_GAP],
            "",
            "medium",
            [(M.DISCLOSURE, "干部任前公示")],
            "",
        ),
    ]


def test_post_holder_imports_only_their_own_post(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    user = user_with_role(Role.POST_HOLDER, org.finance_office)
    user.person = people["li"]
    user.save(update_fields=["person"])
    actor = actor_of(user)
    own = import_risk_sheet(post_workbook("姓名：李四", "职务：出纳"), actor=actor, cycle=cycle)
    assert own.errors == [] and RiskPoint.objects.get().post == org.cashier
    other = PostFactory(department=org.finance_office, name="会计")
    report = import_risk_sheet(post_workbook("部门：核算科", "岗位：会计"), actor=actor, cycle=cycle)
    assert [str(e) for e in report.errors] == [
        "工作表 Sheet 第 5 行：岗位人员只能填写和修改本人所在岗位的风险排查表"
    ]
    assert not RiskPoint.objects.filter(post=other).exists()


def test_summary_sheet_is_refused(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    build_register(org, cycle)
    report = import_risk_sheet(
        xlsx([summary_sheet(SYSTEM, cycle)]), actor=SYSTEM, cycle=make_cycle(org.college, 2027)
    )
    assert [str(e) for e in report.errors] == [
        "工作表 汇总表 第 3 行：这是风险排查及风险评估汇总表，不能导入；请导入各部门、岗位或单位的排查表"
    ]
