"""The official risk sheets: built from the register, written as xlsx in the official layout (opened back
with openpyxl), exported and imported back into a fresh cycle, and the CLI. Real database."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from lianfang.audit.models import AuditAction, AuditEntry
from lianfang.org.services import create_leadership
from lianfang.risks.models import AssessmentSource, RiskPoint
from lianfang.risks.sheet_import import import_risk_sheet
from lianfang.risks.sheet_view import COLUMNS, SheetKind
from lianfang.risks.sheets import department_sheet, export_sheets, post_sheet, summary_sheet, unit_sheet
from lianfang.risks.vocabulary import SubjectKind
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, DepartmentFactory, PersonFactory, make_cycle
from tests.risk_sheet_support import (
    DAY,
    M,
    add_risk,
    build_register,
    make_people,
    messy_workbook,
    register_of,
    xlsx,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org: TwoUnits) -> dict[str, Any]:
    return make_people(org)


# --- building and writing ---------------------------------------------------------------------------


def test_department_sheet_view_groups_by_duty_with_head_and_labels(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    build_register(org, cycle)
    view = department_sheet(SYSTEM, cycle, org.finance, today=DAY)
    assert view.kind == SheetKind.DEPARTMENT
    assert view.title == "某职业学院财务处工作廉政风险排查表（2026年度）"
    assert view.header == (("部门（盖章）", "财务处"), ("负责人", "张三"), ("填表日期", "2026年3月1日"))
    assert [(g.duty, [r.name for r in g.risks]) for g in view.groups] == [
        ("负责学院财务收支管理", ["违规审批经费报销", "预算调整不规范"]),
        ("负责收费管理", ["违规收费"]),
    ]
    first = view.groups[0].risks[0]
    assert first.causes == "制度缺陷及漏洞、监管缺失、个别人员心存侥幸"
    assert (first.level, first.measures) == ("高", ("建立报销审批台帐", "实行经费支出AB角审核"))
    assert view.groups[1].risks[0].causes == "外部人员请托"
    assert view.footer_label == "分管领导审核意见"

    post = post_sheet(SYSTEM, cycle, org.cashier, today=DAY)
    assert post.header == (
        ("部门", "核算科"),
        ("姓名", "李四"),
        ("职务", "出纳"),
        ("填表日期", "2026年3月1日"),
    )
    assert [r.name for g in post.groups for r in g.risks] == ["挪用公款"]


def test_xlsx_official_layout(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    build_register(org, cycle)
    wb = load_workbook(xlsx([department_sheet(SYSTEM, cycle, org.finance, today=DAY)]))
    ws = wb["财务处"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws["A1"].value == "附件二"
    assert ws["A2"].value == "某职业学院财务处工作廉政风险排查表（2026年度）"
    assert ws["A3"].value == "部门（盖章）：财务处    负责人：张三    填表日期：2026年3月1日"
    assert [c.value for c in ws[4]] == list(COLUMNS[SheetKind.DEPARTMENT])
    assert ws["A5"].value == "负责学院财务收支管理" and ws["A6"].value is None
    assert [ws.cell(5, c).value for c in range(2, 8)] == [
        "违规审批经费报销",
        "1.超标准报销\n2.无预算支出",
        "制度缺陷及漏洞、监管缺失、个别人员心存侥幸",
        "高",
        "1.建立报销审批台帐\n2.实行经费支出AB角审核",
        "重点监控",
    ]
    assert ws["C6"].value == "随意调整预算" and ws["E6"].value == "中"
    assert ws["A7"].value == "负责收费管理" and ws["E7"].value == "低"
    assert ws["A8"].value == "分管领导审核意见" and ws["A9"].value.startswith("签字：")
    assert {"A2:G2", "A3:G3", "A5:A6", "B8:G8", "A9:G9"} <= merged
    assert "A7:A7" not in merged and ws["C5"].alignment.wrap_text
    assert ws.print_title_rows == "$4:$4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4


def test_unit_and_summary_sheets(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    build_register(org, cycle)
    add_risk(
        cycle,
        {"subject_kind": SubjectKind.UNIT},
        "重大事项决策不民主",
        duty="决策三重一大事项",
        manifestations=["个人说了算"],
        level="high",
        measures=[(M.STRUCTURE, "集体决策")],
    )
    head = PersonFactory(department=org.finance, name="王院长")
    create_leadership(SYSTEM, unit=org.college, person=head, kind="head", title="院长", start_date=DAY)
    DepartmentFactory(unit=org.college, name="纪委办公室", kind="supervision")
    unit = unit_sheet(SYSTEM, cycle, today=DAY)
    assert unit.header == (
        ("单位（盖章）", "某职业学院"),
        ("主要领导", "王院长"),
        ("填表日期", "2026年3月1日"),
    )
    assert [r.name for g in unit.groups for r in g.risks] == ["重大事项决策不民主"]
    summary = summary_sheet(SYSTEM, cycle, today=DAY)
    rows = [
        (r.subject, r.department, r.post, r.name, r.level, r.responsible) for r in summary.groups[0].risks
    ]
    assert rows == [
        ("单位（领导班子）", "", "", "重大事项决策不民主", "高", "院长 王院长"),
        ("部门", "财务处", "", "违规审批经费报销", "高", "院长 王院长"),
        ("部门", "财务处", "", "预算调整不规范", "中", ""),  # no 分管领导 set: blank, not a guess
        ("部门", "财务处", "", "违规收费", "低", "财务处处长 张三"),
        ("个人岗位", "核算科", "出纳", "挪用公款", "高", "院长 王院长；直接责任人：李四"),
    ]
    ws = load_workbook(xlsx([summary]))["汇总表"]
    assert [c.value for c in ws[3]] == list(COLUMNS[SheetKind.SUMMARY])
    assert [ws.cell(4, c).value for c in (1, 2, 5, 8)] == [1, "单位（领导班子）", "重大事项决策不民主", "高"]


def test_export_is_audited(org: TwoUnits, people: dict) -> None:
    cycle = make_cycle(org.college)
    build_register(org, cycle)
    data = export_sheets(SYSTEM, cycle, [department_sheet(SYSTEM, cycle, org.finance)], "xlsx")
    assert load_workbook(io.BytesIO(data)).sheetnames == ["财务处"]
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="risks.sheet").get()
    assert json.loads(entry.after)["sheets"] == [
        {"kind": "department", "title": "某职业学院财务处工作廉政风险排查表（2026年度）", "count": 3}
    ]


# --- round trip ---------------------------------------------------------------------------------------


def test_export_import_round_trip_into_a_fresh_cycle(org: TwoUnits, people: dict) -> None:
    old = make_cycle(org.college, 2026)
    build_register(org, old)
    views = [department_sheet(SYSTEM, old, org.finance), post_sheet(SYSTEM, old, org.cashier)]
    new = make_cycle(org.college, 2027)
    report = import_risk_sheet(xlsx(views), actor=SYSTEM, cycle=new)
    assert report.errors == [] and (report.created, report.updated) == (4, 0)
    assert register_of(new) == register_of(old)
    assert len(register_of(new)) == 4
    sources = set(RiskPoint.objects.filter(cycle=new).values_list("assessments__source", flat=True))
    assert sources == {AssessmentSource.IMPORTED}


# --- the CLI ----------------------------------------------------------------------------------------------


def test_cli_export_then_import(org: TwoUnits, people: dict, tmp_path: Path) -> None:
    old = make_cycle(org.college, 2026)
    build_register(org, old)
    target = tmp_path / "财务处.xlsx"
    out = io.StringIO()
    call_command(
        "export",
        "risk-sheet",
        "--department",
        "财务处",
        "--format",
        "xlsx",
        "-o",
        str(target),
        "--unit-code",
        "COLLEGE",
        "--year",
        "2026",
        stdout=out,
    )
    assert (
        out.getvalue().strip()
        == f"已导出某职业学院财务处工作廉政风险排查表（2026年度）（3 个风险点）到 {target}"
    )
    assert load_workbook(target)["财务处"]["B5"].value == "违规审批经费报销"
    post_file = tmp_path / "出纳.xlsx"
    call_command(
        "export",
        "risk-sheet",
        "--post",
        "财务处/核算科/出纳",
        "-o",
        str(post_file),
        "--unit-code",
        "COLLEGE",
        "--year",
        "2026",
        stdout=io.StringIO(),
    )
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="risks.sheet").count() == 2

    make_cycle(org.college, 2027)
    dry = io.StringIO()
    call_command(
        "import",
        "risk-sheet",
        str(target),
        "--unit",
        "COLLEGE",
        "--year",
        "2027",
        "--dry-run",
        "--json",
        stdout=dry,
    )
    assert json.loads(dry.getvalue()) == {"created": 3, "updated": 0, "errors": []}
    assert not RiskPoint.objects.filter(cycle__year=2027).exists()
    done = io.StringIO()
    call_command("import", "risk-sheet", str(post_file), "--unit", "COLLEGE", "--year", "2027", stdout=done)
    assert done.getvalue().splitlines() == [
        "某职业学院 2027年度廉政风险排查表：",
        "导入完成：新增 1 条，更新 0 条。",
    ]
    assert RiskPoint.objects.get(cycle__year=2027).post == org.cashier


def test_cli_import_errors_exit_1(org: TwoUnits, people: dict, tmp_path: Path) -> None:
    make_cycle(org.college)
    wb = messy_workbook(department="后勤处")
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "risk-sheet", str(path), "--unit", "COLLEGE", "--json", stdout=out)
    assert exit_info.value.code == 1
    assert json.loads(out.getvalue())["errors"] == [
        {
            "sheet": "Sheet1",
            "row": 2,
            "column": "部门",
            "message": "部门“后勤处”不存在：某职业学院没有这个部门（或已停用）",
        }
    ]


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_cli_export_pdf_and_docx(org: TwoUnits, people: dict, tmp_path: Path, fmt: str) -> None:
    pytest.importorskip(f"lianfang.risks.sheet_{fmt}")
    cycle = make_cycle(org.college)
    build_register(org, cycle)
    target = tmp_path / f"out.{fmt}"
    call_command(
        "export",
        "risk-sheet",
        "--summary",
        "--format",
        fmt,
        "-o",
        str(target),
        "--unit-code",
        "COLLEGE",
        stdout=io.StringIO(),
    )
    magic = b"%PDF" if fmt == "pdf" else b"PK"
    assert target.read_bytes().startswith(magic)
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="risks.sheet").get()
    details = json.loads(entry.after)
    assert details["format"] == fmt and details["sheets"][0]["count"] == 4
