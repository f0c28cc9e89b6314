"""The power catalog in the layout of 附件一: export, import back through the services, the CLI.

Workbooks are real files written with openpyxl (the messy ones here, by hand) and opened back with openpyxl.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from lianfang.accounts.models import Role
from lianfang.audit.models import AuditAction, AuditEntry
from lianfang.audit.selectors import verify_chain
from lianfang.cycles.models import Cycle
from lianfang.powers.catalog_import import import_catalog_xlsx
from lianfang.powers.catalog_xlsx import (
    COLUMNS,
    department_field,
    export_catalog_xlsx,
    section_category,
    sheet_name,
    split_bases,
)
from lianfang.powers.models import ApprovalStatus, Audience, Disposition, Power, PowerCategory
from lianfang.powers.services import review
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, make_cycle, make_flow, make_power, user_with_role

pytestmark = pytest.mark.django_db

HEADERS = [c.header for c in COLUMNS]


def build_catalog(org: TwoUnits, cycle: Cycle) -> dict[str, Power]:
    """Several departments, a unit-level power, bases with articles, categories, a secret power,
    dispositions with reasons, flows; sort_order 1..n per department (the row order of the sheets)."""
    f1, f2 = make_flow(cycle, org.finance, "F1"), make_flow(cycle, org.academic, "F2")
    cat, dis = PowerCategory, Disposition

    def add(dept: Any, code: str, name: str, content: str, handler: str, **extra: Any) -> Power:
        return make_power(cycle, dept, code, name=name, content=content, handler_text=handler, **extra)

    made = [
        add(org.finance, "CW-01", "经费报销审核", "审核报销单据的真实性、合规性\n超过限额的报分管领导审批",
            "财务处会计核算科", category=cat.INTERNAL, flow=f1, sort_order=1,
            bases=[("《中华人民共和国会计法》", "第十条"), ("《学院财务管理办法》", "第五条、第六条")]),
        add(org.finance, "CW-02", "预算编制", "编制学院年度预算", "财务处",
            bases=[("学院预算管理规定", "第三条")], category=cat.INSPECTION, disposition=dis.ADJUST,
            disposition_reason="预算审批权上移至领导班子", is_secret=True, sort_order=2),
        add(org.finance_office, "HS-01", "收费许可", "对外收费项目的许可", "核算科",
            bases=[("《行政事业性收费管理办法》", "")], category=cat.LICENSING, audience=Audience.EXTERNAL,
            disposition=dis.NEW, disposition_reason="新明确的职权", sort_order=1),
        add(org.academic, "JW-01", "学籍异动审批", "休学、复学、退学的审批", "教务处学籍科",
            bases=[("《普通高等学校学生管理规定》", "第二十八条")], category=cat.LICENSING,
            audience=Audience.EXTERNAL, flow=f2, sort_order=1),
        add(org.academic, "JW-02", "教材征订", "统一征订教材", "教务处", bases=[], category=cat.OTHER,
            disposition=dis.ABOLISH, disposition_reason="改由二级学院自行征订", sort_order=2),
        add(None, "XY-01", "“三重一大”事项决策", "重大事项决策、重要干部任免、重大项目安排、大额度资金使用",
            "学院领导班子", category=cat.INTERNAL, sort_order=1,
            bases=[("学院章程", "第二十条"), ("《关于“三重一大”决策制度的实施办法》", "")]),
    ]  # fmt: skip
    return {p.code: p for p in made}


def snapshot(power: Power) -> dict[str, Any]:
    return {
        "name": power.name,
        "content": power.content,
        "department": power.department_id,
        "handler_text": power.handler_text,
        "bases": [(b.document, b.article) for b in power.bases.order_by("order", "id")],
        "category": power.category,
        "audience": power.audience,
        "disposition": power.disposition,
        "disposition_reason": power.disposition_reason,
        "is_secret": power.is_secret,
        "flow": power.flow.code if power.flow else None,
        "sort_order": power.sort_order,
    }


def cells(ws: Any) -> list[list[str]]:
    return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]


def all_text(data: bytes) -> str:
    wb = load_workbook(io.BytesIO(data))
    return "\n".join("\t".join(row) for ws in wb.worksheets for row in cells(ws))


def write(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


# --- export --------------------------------------------------------------------------------------------


def test_export_layout(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    build_catalog(org, cycle)
    import datetime as dt

    data = export_catalog_xlsx(SYSTEM, cycle, today=dt.date(2026, 3, 5))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["财务处", "核算科", "教务处", "单位层面"]
    ws = wb["财务处"]
    rows = cells(ws)
    assert rows[0][0] == "某职业学院职权目录（2026年度）"
    assert "A1:L1" in {str(r) for r in ws.merged_cells.ranges}
    assert rows[1][0] == "部门：财务处    填表日期：2026年3月5日"
    assert rows[2] == HEADERS
    assert rows[3] == [
        "1",
        "CW-01",
        "经费报销审核",
        "审核报销单据的真实性、合规性\n超过限额的报分管领导审批",
        "财务处会计核算科",
        "《中华人民共和国会计法》第十条\n《学院财务管理办法》第五条、第六条",
        "内部人财物管理",
        "对内",
        "保留",
        "",
        "否",
        "F1",
    ]
    assert rows[4][6:12] == ["行政检查/监管", "对内", "调整", "预算审批权上移至领导班子", "是", ""]
    assert rows[5] == [""] * 12
    assert rows[6][0] == "分管校领导：__________    部门负责人：__________"
    assert ws.max_row == 7
    assert ws.cell(4, 4).alignment.wrap_text is True
    assert ws.column_dimensions["D"].width == 40
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.print_title_rows == "$3:$3"
    assert cells(wb["单位层面"])[1][0] == "部门：单位层面    填表日期：2026年3月5日"
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert entry.object_type == "powers.catalog"
    assert json.loads(entry.after)["count"] == 6
    assert verify_chain().ok


def test_export_shows_only_what_the_actor_may_see(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    build_catalog(org, cycle)
    head = actor_of(user_with_role(Role.DEPT_HEAD, org.academic))
    wb = load_workbook(io.BytesIO(export_catalog_xlsx(head, cycle)))
    assert wb.sheetnames == ["教务处"]
    assert [r[1] for r in cells(wb["教务处"])[3:5]] == ["JW-01", "JW-02"]


def test_external_export_has_only_approved_external_public_powers(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2026)
    flow = make_flow(cycle, org.finance, "F1")
    shown = make_power(cycle, org.finance, "OK-1", name="公开职权甲", audience=Audience.EXTERNAL, flow=flow)
    internal = make_power(cycle, org.finance, "IN-1", name="内部职权乙", flow=flow)
    secret = make_power(cycle, org.finance, "SE-1", name="涉密职权丙", is_secret=True, flow=flow)
    draft = make_power(cycle, org.academic, "DR-1", name="草稿职权丁", audience=Audience.EXTERNAL)
    abolished = make_power(
        cycle,
        org.academic,
        "AB-1",
        name="废止职权戊",
        audience=Audience.EXTERNAL,
        flow=flow,
        disposition=Disposition.ABOLISH,
        disposition_reason="职能划转",
    )
    for power in (shown, internal, secret, abolished):
        for action in ("submit", "check", "verify", "approve"):
            review(SYSTEM, power, action)
    data = export_catalog_xlsx(SYSTEM, cycle, audience="external")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["财务处"]
    rows = cells(wb["财务处"])
    assert rows[2] == [h for h in HEADERS if h != "涉密"]
    assert rows[3][1:3] == ["OK-1", "公开职权甲"]
    text = all_text(data)
    for power in (internal, secret, draft, abolished):
        assert power.name not in text and power.code not in text
    assert "涉密" not in text
    assert draft.status == ApprovalStatus.DRAFT
    everything = all_text(export_catalog_xlsx(SYSTEM, cycle))
    assert all(p.name in everything for p in (shown, internal, secret, draft, abolished))


# --- import --------------------------------------------------------------------------------------------


def test_round_trip_into_a_new_year(org: TwoUnits, tmp_path: Path) -> None:
    old = make_cycle(org.college, 2026)
    originals = build_catalog(org, old)
    path = tmp_path / "catalog.xlsx"
    path.write_bytes(export_catalog_xlsx(SYSTEM, old))

    new = make_cycle(org.college, 2027)
    make_flow(new, org.finance, "F1")
    make_flow(new, org.academic, "F2")
    report = import_catalog_xlsx(path, actor=SYSTEM, cycle=new)
    assert report.errors == []
    assert (report.created, report.updated) == (6, 0)
    imported = {p.code: p for p in Power.objects.filter(cycle=new)}
    assert set(imported) == set(originals)
    for code, power in originals.items():
        assert snapshot(imported[code]) == snapshot(power), code
        assert imported[code].status == ApprovalStatus.DRAFT
        assert imported[code].flow is None or imported[code].flow.cycle_id == new.pk
    assert Power.objects.filter(cycle=old).count() == 6

    # Importing the same file again updates the same powers instead of adding copies.
    again = import_catalog_xlsx(path, actor=SYSTEM, cycle=new)
    assert again.errors == [] and (again.created, again.updated) == (0, 6)
    assert Power.objects.filter(cycle=new).count() == 6
    entry = AuditEntry.objects.filter(action=AuditAction.IMPORT).latest("seq")
    assert entry.object_type == "powers.import"
    assert verify_chain().ok


def messy_workbook(path: Path) -> Path:
    wb = Workbook()
    wb.active.title = "填写说明"
    wb.active.append(["请按附件一填写，每个部门一个工作表"])
    ws = wb.create_sheet("Sheet1")
    ws.append(["附件一："])
    ws.append(["某职业学院廉政风险防控职权目录"])
    ws.merge_cells("A2:F2")
    ws.append(["部门（盖章）：财务处\u3000\u3000填表日期：2026年3月"])
    ws.merge_cells("A3:F3")
    ws.append(["序号", "权力名称 ", "具体内容", "办理\n主体", "制度依据", "备注"])
    ws.append(["一、内部管理类"])
    ws.merge_cells("A5:F5")
    ws.append(
        [
            "1.",
            "经费报销审核\u3000",
            " 审核报销单据 ",
            "会计核算科",
            "《学院财务管理办法》第五条；《会计法》第十条",
        ]
    )
    ws.append(
        ["（二）", "借款审批", "审批借款申请", None, "1.《学院借款管理办法》第三条\n2.《学院财务管理办法》"]
    )
    ws.append(["3", "\u3000票据管理 ", "管理票据的领用和核销", None, "学院票据管理规定第二条 "])
    ws.merge_cells("D6:D8")
    ws.append([])
    ws.append([None, None, None, None, None])
    ws.append(["二、其他事项"])
    ws.append(["4", "档案借阅", "财务档案的借阅审批", "财务处\u3000 ", "《会计档案管理办法》"])
    ws.append(["5"])  # a pre-numbered row nobody filled
    ws.append([])
    ws.append(["分管校领导：                部门负责人："])
    ws.merge_cells("A15:F15")
    ws.append(["  ", "\u3000"])
    wb.save(path)
    return path


def test_messy_real_style_sheet_imports(org: TwoUnits, tmp_path: Path) -> None:
    cycle = make_cycle(org.college, 2026)
    report = import_catalog_xlsx(messy_workbook(tmp_path / "附件一.xlsx"), actor=SYSTEM, cycle=cycle)
    assert report.errors == []
    assert (report.created, report.updated) == (4, 0)
    got = [
        (p.code, p.name, p.content, p.handler_text, p.category, p.sort_order, p.department_id)
        for p in Power.objects.filter(cycle=cycle).order_by("sort_order")
    ]
    d = org.finance.pk
    assert got == [
        (f"D{d}-01", "经费报销审核", "审核报销单据", "会计核算科", PowerCategory.INTERNAL, 1, d),
        (f"D{d}-02", "借款审批", "审批借款申请", "会计核算科", PowerCategory.INTERNAL, 2, d),
        (f"D{d}-03", "票据管理", "管理票据的领用和核销", "会计核算科", PowerCategory.INTERNAL, 3, d),
        (f"D{d}-04", "档案借阅", "财务档案的借阅审批", "财务处", PowerCategory.OTHER, 4, d),
    ]
    bases = {p.name: [(b.document, b.article) for b in p.bases.all()] for p in Power.objects.all()}
    assert bases == {
        "经费报销审核": [("《学院财务管理办法》", "第五条"), ("《会计法》", "第十条")],
        "借款审批": [("《学院借款管理办法》", "第三条"), ("《学院财务管理办法》", "")],
        "票据管理": [("学院票据管理规定", "第二条")],
        "档案借阅": [("《会计档案管理办法》", "")],
    }
    # Without codes, re-importing matches by department + name.
    again = import_catalog_xlsx(tmp_path / "附件一.xlsx", actor=SYSTEM, cycle=cycle)
    assert again.errors == [] and (again.created, again.updated) == (0, 4)
    assert Power.objects.count() == 4


def bad_sheets() -> dict[str, list[list[Any]]]:
    head = [
        "序号",
        "权力名称",
        "具体内容",
        "办理主体",
        "制度依据",
        "职权类别",
        "清理意见",
        "清理理由",
        "部门",
    ]
    return {
        "财务处": [
            ["某职业学院职权目录（2026年度）"],
            ["部门：财务处", None, None, "填表日期：2026-03-01"],
            head,
            [
                1,
                "经费报销审核",
                "审核报销单据",
                "财务处",
                "《会计法》第十条",
                "内部人财物管理",
                "保留",
                "",
                "",
            ],
            [2, "采购审批", "审批采购", "财务处", "", "", "", "", "不存在处"],
            [3, "", "没有名称的内容", "财务处", "", "", "", "", ""],
            [4, "收费管理", "管理收费", "财务处", "", "行政审批类", "", "", ""],
            [5, "预算调整", "调整预算", "财务处", "", "", "调整", "", ""],
        ],
        "后勤": [
            ["部门：后勤处     填表日期：2026年3月1日"],
            ["权力名称", "具体内容", "办理主体", "制度依据"],
            ["维修审批", "审批维修申请", "后勤处", ""],
        ],
        "缺列": [["权力名称", "具体内容", "办理主体"], ["某职权", "内容", "某处"]],
    }


EXPECTED_BAD = {
    ("财务处", 5, "部门"),
    ("财务处", 6, "权力名称"),
    ("财务处", 7, "职权类别"),
    ("财务处", 8, "清理理由"),
    ("后勤", 1, "部门"),
    ("缺列", 1, "制度依据"),
}


def test_bad_rows_are_all_reported_and_nothing_is_written(org: TwoUnits, tmp_path: Path) -> None:
    cycle = make_cycle(org.college, 2026)
    before = (Power.objects.count(), AuditEntry.objects.count())
    report = import_catalog_xlsx(write(tmp_path / "bad.xlsx", bad_sheets()), actor=SYSTEM, cycle=cycle)
    assert [(e.sheet, e.row, e.column) for e in report.errors] == sorted(
        EXPECTED_BAD, key=lambda e: (["财务处", "后勤", "缺列"].index(e[0]), e[1])
    )
    messages = {(e.sheet, e.row): e.message for e in report.errors}
    assert messages[("财务处", 5)] == "部门“不存在处”不存在：某职业学院没有这个部门（或已停用）"
    assert messages[("财务处", 6)] == "“权力名称”不能为空"
    assert messages[("财务处", 7)].startswith("“行政审批类”不是有效的职权类别，应为：行政许可、")
    assert messages[("财务处", 8)] == "清理意见为调整、废止或新明确时必须说明理由"
    assert messages[("后勤", 1)] == "部门“后勤处”不存在：某职业学院没有这个部门（或已停用）"
    assert messages[("缺列", 1)] == "缺少必填列“制度依据”（附件一的四列）"
    assert (report.created, report.updated) == (0, 0)
    assert (Power.objects.count(), AuditEntry.objects.count()) == before
    assert "6 处错误" in report.summary_lines()[0]


def test_codes_flows_and_departments_by_sheet_name_or_column(org: TwoUnits, tmp_path: Path) -> None:
    cycle = make_cycle(org.college, 2026)
    make_flow(cycle, org.academic, "F2")
    head = ["职权编码", "权力名称", "具体内容", "办理主体", "制度依据", "流程编号", "部门"]
    exam = [f"D{org.academic.pk}-01", "考务", "组织考试", "", "", "", ""]
    good = {
        "教务处": [head, ["", "排课", "安排课表", "教务处", "", "F2", ""], exam],
        "单位层面": [head, ["XY-01", "决策", "集体决策", "班子", "学院章程第二十条", "", "核算科"]],
    }
    report = import_catalog_xlsx(write(tmp_path / "g.xlsx", good), actor=SYSTEM, cycle=cycle)
    assert report.errors == [] and report.created == 3
    got = {p.name: (p.code, p.department_id, p.flow.code if p.flow else "") for p in Power.objects.all()}
    a = org.academic.pk
    # The generated code skips the one written in a later row; the 部门 column beats the sheet's.
    assert got == {
        "排课": (f"D{a}-02", a, "F2"),
        "考务": (f"D{a}-01", a, ""),
        "决策": ("XY-01", org.finance_office.pk, ""),
    }

    bad = {"Sheet1": [head, ["C-1", "甲", "", "", "", "F9", ""], ["C-1", "乙", "", "", "", "", ""]]}
    report = import_catalog_xlsx(write(tmp_path / "b.xlsx", bad), actor=SYSTEM, cycle=cycle)
    assert [str(e) for e in report.errors] == [
        "工作表 Sheet1 [部门]：未能确定部门：表格上方没有填写“部门：”，"
        "工作表名“Sheet1”也不是某职业学院的部门",
        "工作表 Sheet1 第 2 行 [流程编号]：流程编号“F9”在2026年度中不存在，请先录入流程图",
        "工作表 Sheet1 第 3 行 [职权编码]：职权编码“C-1”与工作表 Sheet1 第 2 行重复",
    ]


def test_dry_run_writes_nothing(org: TwoUnits, tmp_path: Path) -> None:
    cycle = make_cycle(org.college, 2026)
    path = messy_workbook(tmp_path / "m.xlsx")
    before = AuditEntry.objects.count()
    report = import_catalog_xlsx(path, actor=SYSTEM, cycle=cycle, dry_run=True)
    assert report.errors == [] and (report.created, report.updated) == (4, 0)
    assert report.summary_lines() == ["试运行通过：将新增 4 条，更新 0 条（未写入任何数据）。"]
    assert Power.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_approved_power_is_not_changed_by_import(org: TwoUnits, tmp_path: Path) -> None:
    cycle = make_cycle(org.college, 2026)
    flow = make_flow(cycle, org.finance, "F1")
    power = make_power(
        cycle, org.finance, "CW-01", name="报销审核", content="审核", handler_text="财务处", flow=flow
    )
    for action in ("submit", "check", "verify", "approve"):
        review(SYSTEM, power, action)
    path = tmp_path / "cat.xlsx"
    path.write_bytes(export_catalog_xlsx(SYSTEM, cycle))
    same = import_catalog_xlsx(path, actor=SYSTEM, cycle=cycle)
    assert same.errors == [] and same.updated == 1  # unchanged: nothing to refuse

    wb = load_workbook(path)
    wb["财务处"]["D4"] = "审核报销单据（已修改）"
    wb.save(path)
    report = import_catalog_xlsx(path, actor=SYSTEM, cycle=cycle)
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("财务处", 4, "")]
    assert "已审定" in report.errors[0].message
    assert Power.objects.get(pk=power.pk).content == "审核"


def test_import_without_permission_is_a_row_error(org: TwoUnits, tmp_path: Path) -> None:
    cycle = make_cycle(org.college, 2026)
    head = actor_of(user_with_role(Role.DEPT_HEAD, org.academic))
    path = messy_workbook(tmp_path / "m.xlsx")
    report = import_catalog_xlsx(path, actor=head, cycle=cycle)
    assert {(e.sheet, e.row) for e in report.errors} == {
        ("Sheet1", 6),
        ("Sheet1", 7),
        ("Sheet1", 8),
        ("Sheet1", 12),
    }
    assert Power.objects.count() == 0


def test_unreadable_file_and_closed_cycle(org: TwoUnits, tmp_path: Path) -> None:
    from lianfang.cycles.services import close_cycle

    cycle = make_cycle(org.college, 2026)
    junk = tmp_path / "x.xlsx"
    junk.write_bytes(b"not a workbook")
    report = import_catalog_xlsx(junk, actor=SYSTEM, cycle=cycle)
    assert [str(e) for e in report.errors] == ["文件：无法读取文件：不是有效的 Excel 工作簿（.xlsx）"]
    empty = write(tmp_path / "e.xlsx", {"说明": [["这里没有表格"]]})
    report = import_catalog_xlsx(empty, actor=SYSTEM, cycle=cycle)
    assert report.errors[0].message.startswith("工作簿中没有职权目录表")
    close_cycle(SYSTEM, cycle)
    report = import_catalog_xlsx(messy_workbook(tmp_path / "m.xlsx"), actor=SYSTEM, cycle=cycle)
    assert [e.message for e in report.errors] == ["某职业学院2026年度已结束，不能再导入职权目录"]


def test_cell_helpers() -> None:
    assert split_bases("《xx条例》第十二条") == [("《xx条例》", "第十二条")]
    assert split_bases("1.《甲》第一条；（2）乙办法第 3 条\n③《丙》") == [
        ("《甲》", "第一条"),
        ("乙办法", "第 3 条"),
        ("《丙》", ""),
    ]
    assert split_bases(None) == []
    assert section_category("一、内部管理类") == PowerCategory.INTERNAL
    assert section_category("（二）行政许可事项") == PowerCategory.LICENSING
    assert section_category("三、综合类") is None
    assert department_field([["标题"], ["部门（盖章）：", "财务处", "填表日期：", "2026年"]]) == ("财务处", 2)
    assert department_field([["部门：____", "填表日期：  年  月  日"]]) == ("", 1)
    assert department_field([["职权目录"]]) is None
    taken: set[str] = set()
    assert (
        sheet_name("计算机与信息工程学院/大数据产业学院（筹）实验实训中心", taken)
        == ("计算机与信息工程学院大数据产业学院（筹）实验实训中心"[:31])
    )
    assert sheet_name("财务处", taken) == "财务处"
    assert sheet_name("财务处", taken) == "财务处(2)"


# --- the CLI -------------------------------------------------------------------------------------------


def test_cli_import_json_and_exit_codes(org: TwoUnits, tmp_path: Path) -> None:
    make_cycle(org.college, 2025)
    cycle = make_cycle(org.college, 2026)
    out = io.StringIO()
    call_command("import", "powers", str(messy_workbook(tmp_path / "m.xlsx")), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"created": 4, "updated": 0, "errors": []}
    assert Power.objects.filter(cycle=cycle).count() == 4  # the latest year by default

    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import", "powers", str(write(tmp_path / "b.xlsx", bad_sheets())), "--year", "2025", stdout=out
        )
    assert exit_info.value.code == 1
    assert "6 处错误" in out.getvalue()
    assert "工作表 财务处 第 6 行 [权力名称]：“权力名称”不能为空" in out.getvalue()

    out = io.StringIO()
    path = str(messy_workbook(tmp_path / "m2.xlsx"))
    call_command("import", "powers", path, "--unit", "COLLEGE", "--year", "2025", "--dry-run", stdout=out)
    assert "将新增 4 条" in out.getvalue()
    assert Power.objects.filter(cycle__year=2025).count() == 0


def test_cli_cycle_errors_are_chinese(org: TwoUnits, tmp_path: Path) -> None:
    path = str(messy_workbook(tmp_path / "m.xlsx"))
    with pytest.raises(CommandError, match="还没有任何年度周期"):
        call_command("import", "powers", path)
    make_cycle(org.college, 2026)
    make_cycle(org.other, 2026)
    with pytest.raises(CommandError, match="请用 --unit 指定单位代码（COLLEGE、OTHER）"):
        call_command("import", "powers", path)
    with pytest.raises(CommandError, match="该单位没有 2024 年度周期（已有：2026）"):
        call_command("import", "powers", path, "--unit", "COLLEGE", "--year", "2024")
    with pytest.raises(CommandError, match="单位代码“NOPE”不存在"):
        call_command("export", "powers", "-o", str(tmp_path / "x.xlsx"), "--unit", "NOPE")
    with pytest.raises(CommandError, match="没有名为“后勤处”的部门"):
        call_command(
            "export", "powers", "-o", str(tmp_path / "x.xlsx"), "--unit", "COLLEGE", "--department", "后勤处"
        )


def test_cli_export_xlsx_and_pdf(org: TwoUnits, tmp_path: Path) -> None:
    cycle = make_cycle(org.college, 2026)
    build_catalog(org, cycle)
    out = io.StringIO()
    target = tmp_path / "目录.xlsx"
    call_command("export", "powers", "--format", "xlsx", "-o", str(target), "--no-progress", stdout=out)
    assert "6 项" in out.getvalue()
    wb = load_workbook(target)
    assert wb.sheetnames == ["财务处", "核算科", "教务处", "单位层面"]

    target = tmp_path / "dept.xlsx"
    call_command(
        "export", "powers", "-o", str(target), "--department", "教务处", "--audience", "external", stdout=out
    )
    assert load_workbook(target).sheetnames == ["教务处"]
    assert cells(load_workbook(target)["教务处"])[3:4] == [[""] * 11]  # nothing approved yet

    pdf = tmp_path / "目录.pdf"
    call_command("export", "powers", "--format", "pdf", "-o", str(pdf), "--unit", "COLLEGE", stdout=out)
    assert pdf.read_bytes().startswith(b"%PDF")
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("seq")
    assert json.loads(entry.after)["format"] == "pdf"
