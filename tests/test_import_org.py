"""The organisation import: real workbooks written with openpyxl, imported through the real services."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from lianfang.audit.models import AuditEntry
from lianfang.audit.selectors import verify_chain
from lianfang.core.actor import system_actor
from lianfang.core.importing import clean_text, parse_date, parse_yes_no
from lianfang.org.import_layout import SHEETS, make_template
from lianfang.org.importer import import_org_workbook
from lianfang.org.models import (
    Department,
    LeadershipKind,
    LeadershipRole,
    Liaison,
    Person,
    Post,
    PostAssignment,
    PostLevel,
    Unit,
)

pytestmark = pytest.mark.django_db
ACTOR = system_actor("测试导入")

Sheets = dict[str, list[list[Any]]]
FLAGS = ["管人", "管财", "管物", "管审批", "管执法"]


def write_workbook(path: Path, sheets: Sheets) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def good_sheets() -> Sheets:
    return {
        "单位": [
            ["单位代码", "单位名称", "简称", "单位类型", "上级单位代码"],
            ["TSTC", "测试职业技术学院", "测试职院", "高等院校", ""],
        ],
        "部门": [
            ["部门名称", "上级部门", "部门类型", "部门职责"],
            ["会计核算科", "财务处", "职能部门", "会计核算与出纳"],  # the child before its parent
            ["财务处", "", "职能部门", "学院财务管理"],
            ["教务处", "", "", "教学运行管理"],
            ["纪委办公室", "", "纪检监察机构", "监督执纪问责"],
        ],
        "岗位": [
            ["部门名称", "岗位名称", "岗位层级", "编制人数", *FLAGS, "岗位职责"],
            ["财务处", "处长", "中层岗位", 1, "是", "是", "", "是", "", "主持财务处全面工作"],
            ["会计核算科", "出纳", "一般岗位", 1, "", "√", "", "", "", "现金收付与银行结算"],
            ["教务处", "考务管理", "一般岗位", "2", "否", "否", "否", "是", "否", "组织考试"],
            ["纪委办公室", "主任", "中层岗位", 1, "", "", "", "", "是", ""],
        ],
        "人员": [
            ["工号", "姓名", "所在部门", "职务"],
            [1001, "王建国", "财务处", "财务处处长"],
            ["1002", "李秀英", "会计核算科", "出纳"],
            ["01003", "张志强", "教务处", ""],
            [1004, "陈晓燕", "纪委办公室", "纪委办公室主任"],
            [1005, "刘院长", "", "院长"],
        ],
        "任职": [
            ["工号", "姓名", "部门名称", "岗位名称", "任职开始", "任职结束", "备注"],
            [1001, "王建国", "财务处", "处长", dt.datetime(2021, 3, 1), None, ""],
            [1002, "李秀英", "会计核算科", "出纳", "2019/9/1", "2023-08-31", "轮岗"],
            [1002, "李秀英", "会计核算科", "出纳", "2023年9月1日", None, ""],
            ["01003", "", "教务处", "考务管理", "2022-02-15", None, ""],
            [1004, "陈晓燕", "纪委办公室", "主任", "2020-01-01", None, ""],
        ],
        "领导分工": [
            ["工号", "姓名", "类别", "职务", "开始日期", "分管部门"],
            [1005, "刘院长", "主要领导", "院长", "2020-01-01", ""],
            [1001, "王建国", "分管领导", "副院长", "2022-01-01", "财务处、教务处"],
        ],
        "联络员": [
            ["部门名称", "工号", "姓名", "开始日期"],
            ["财务处", "1002", "李秀英", "2024-03-01"],
            ["教务处", "01003", "张志强", "2024-03-01"],
        ],
    }


def row_counts() -> dict[str, int]:
    models = (Unit, Department, Post, Person, PostAssignment, LeadershipRole, Liaison, AuditEntry)
    return {m.__name__: m.objects.count() for m in models}


def test_good_workbook_creates_everything_and_reimport_updates(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "org.xlsx", good_sheets())
    report = import_org_workbook(path, actor=ACTOR)
    assert report.errors == []
    assert (report.created, report.updated) == (1 + 4 + 4 + 5 + 5 + 2 + 2, 0)

    unit = Unit.objects.get(code="TSTC")
    office = Department.objects.get(unit=unit, name="会计核算科")
    assert office.parent == Department.objects.get(unit=unit, name="财务处")
    assert office.path.startswith(office.parent.path)
    assert Department.objects.get(name="纪委办公室").kind == "supervision"
    cashier = Post.objects.get(department=office, name="出纳")
    assert cashier.manages_money and not cashier.manages_people
    head = Post.objects.get(department__name="财务处", name="处长")
    assert head.level == PostLevel.MIDDLE and head.key_flag_labels == ["管人", "管财", "管审批"]
    assert Post.objects.get(name="考务管理").headcount == 2
    assert Person.objects.get(staff_no="01003").name == "张志强"  # leading zero kept
    assert Person.objects.get(staff_no="1001").department.name == "财务处"
    history = PostAssignment.objects.filter(person__staff_no="1002").order_by("start_date")
    assert [(a.start_date, a.end_date) for a in history] == [
        (dt.date(2019, 9, 1), dt.date(2023, 8, 31)),
        (dt.date(2023, 9, 1), None),
    ]
    deputy = LeadershipRole.objects.get(kind=LeadershipKind.DEPUTY)
    assert sorted(d.name for d in deputy.departments.all()) == ["教务处", "财务处"]
    assert LeadershipRole.objects.get(kind=LeadershipKind.HEAD).departments.count() == 0
    assert Liaison.objects.get(department__name="财务处").person.staff_no == "1002"
    assert verify_chain().ok

    before = row_counts()
    again = import_org_workbook(path, actor=ACTOR)
    assert again.errors == []
    assert (again.created, again.updated) == (0, report.created)
    after = row_counts()
    assert after == {**before, "AuditEntry": before["AuditEntry"] + 1}  # only the import's own entry
    assert verify_chain().ok


def test_reimport_applies_changes(tmp_path: Path) -> None:
    import_org_workbook(write_workbook(tmp_path / "a.xlsx", good_sheets()), actor=ACTOR)
    sheets = good_sheets()
    sheets["岗位"][2][5] = "否"  # 出纳 no longer 管财
    sheets["岗位"][2][9] = ""  # blank duties: keep the stored text
    sheets["人员"][1][1] = "王建军"
    sheets["任职"][1][1] = "王建军"
    sheets["领导分工"][2][1] = "王建军"
    sheets["任职"][4][5] = "2024-12-31"  # the open 考务管理 assignment ends
    report = import_org_workbook(write_workbook(tmp_path / "b.xlsx", sheets), actor=ACTOR)
    assert report.errors == [] and report.created == 0
    cashier = Post.objects.get(name="出纳")
    assert not cashier.manages_money and cashier.duties == "现金收付与银行结算"
    assert Person.objects.get(staff_no="1001").name == "王建军"
    assert PostAssignment.objects.get(person__staff_no="01003").end_date == dt.date(2024, 12, 31)
    assert verify_chain().ok


def bad_sheets() -> Sheets:
    sheets = good_sheets()
    sheets["岗位"] += [
        ["不存在处", "科员", "一般岗位", 1, "", "", "", "", "", ""],  # row 6: unknown department
        ["财务处", "处长", "中层岗位", 1, "", "", "", "", "", ""],  # row 7: duplicate post
        ["教务处", "教学秘书", "高级岗位", 1, "", "", "", "", "", ""],  # row 8: bad enum
        ["教务处", "排课员", "一般岗位", 1, "也许", "", "", "", "", ""],  # row 9: bad yes/no
    ]
    sheets["人员"].append([1006, "", "教务处", ""])  # row 7: empty name
    sheets["任职"].append([1004, "陈晓燕", "纪委办公室", "主任", "2024-13-45", None, ""])  # row 7: bad date
    sheets["领导分工"][1][5] = "教务处"  # row 2: the head may not run departments (a service rule)
    return sheets


EXPECTED_BAD = {
    ("岗位", 6, "部门名称"),
    ("岗位", 7, "岗位名称"),
    ("岗位", 8, "岗位层级"),
    ("岗位", 9, "管人"),
    ("人员", 7, "姓名"),
    ("任职", 7, "任职开始"),
    ("领导分工", 2, "分管部门"),
}


def test_bad_rows_are_all_reported_and_nothing_is_written(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "bad.xlsx", bad_sheets())
    before = row_counts()
    report = import_org_workbook(path, actor=ACTOR)
    assert {(e.sheet, e.row, e.column) for e in report.errors} == EXPECTED_BAD
    messages = {(e.sheet, e.row): e.message for e in report.errors}
    assert "不存在处" in messages[("岗位", 6)]
    assert "与第 2 行重复" in messages[("岗位", 7)]
    assert "领导岗位、中层岗位、一般岗位" in messages[("岗位", 8)]
    assert messages[("人员", 7)] == "“姓名”不能为空"
    assert "2024-13-45" in messages[("任职", 7)]
    assert "一把手不直接分管" in messages[("领导分工", 2)]
    assert (report.created, report.updated) == (0, 0)
    assert row_counts() == before
    assert verify_chain().ok


def test_dry_run_validates_and_writes_nothing(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "org.xlsx", good_sheets())
    before = row_counts()
    report = import_org_workbook(path, actor=ACTOR, dry_run=True)
    assert report.errors == [] and report.created == 23
    assert "试运行" in report.summary_lines()[0]
    assert row_counts() == before
    bad = import_org_workbook(write_workbook(tmp_path / "bad.xlsx", bad_sheets()), actor=ACTOR, dry_run=True)
    assert {(e.sheet, e.row, e.column) for e in bad.errors} == EXPECTED_BAD
    assert row_counts() == before


def test_command_json_report_and_exit_code(tmp_path: Path) -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command(
            "import_org", str(write_workbook(tmp_path / "b.xlsx", bad_sheets())), "--json", stdout=out
        )
    assert exit_info.value.code == 1
    data = json.loads(out.getvalue())
    assert set(data) == {"created", "updated", "errors"}
    assert data["created"] == data["updated"] == 0
    assert all(set(e) == {"sheet", "row", "column", "message"} for e in data["errors"])
    assert {(e["sheet"], e["row"], e["column"]) for e in data["errors"]} == EXPECTED_BAD

    out = io.StringIO()
    call_command("import_org", str(write_workbook(tmp_path / "g.xlsx", good_sheets())), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"created": 23, "updated": 0, "errors": []}


def test_command_readable_summary(tmp_path: Path) -> None:
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_org", str(write_workbook(tmp_path / "bad.xlsx", bad_sheets())), stdout=out)
    text = out.getvalue()
    assert "7 处错误" in text
    assert "工作表 岗位 第 6 行 [部门名称]：部门“不存在处”不存在" in text
    out = io.StringIO()
    path = write_workbook(tmp_path / "g.xlsx", good_sheets())
    call_command("import_org", str(path), "--dry-run", stdout=out)
    assert "将新增 23 条" in out.getvalue()
    assert not Unit.objects.filter(code="TSTC").exists()


def test_messy_but_valid_workbook_imports(tmp_path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    units = wb.create_sheet("单位 ")  # a trailing space in the sheet name
    units.append(["单位代码", "单位名称", "单位类型"])
    units.append(["ＭＥＳＳＹ", "　杂乱学院　", "高等院校 "])  # full-width letters and spaces
    depts = wb.create_sheet("部门")
    depts.append(["某某学院组织机构表"])  # a title row, merged across the table
    depts.merge_cells("A1:C1")
    depts.append(["部门名称*", "上级 部门", "部门类型"])  # required mark, a space inside a header
    depts.append(["财务处\u3000", None, "职能部门"])
    depts.append([None, None, None])  # spacer row
    depts.append(["  核算科", "财务处", None])
    posts = wb.create_sheet("岗位")
    posts.append(["岗位一览"])
    posts.append([])
    posts.append(["部门名称", "岗位名称", "岗位层级", "管财"])
    posts.append(["财务处", "会计", "一般岗位", "√"])
    posts.append([None, "出纳", "一般岗位", "是"])  # 部门名称 merged down from the row above
    posts.merge_cells("A4:A5")
    posts.append(["核算科", "复核", "一般", "✓"])
    persons = wb.create_sheet("人员")
    persons.append(["工号", "姓名", "所在部门"])
    persons.append([2001.0, "王  芳", "财务处"])  # a number that Excel stored as 2001.0; a padded name
    persons.append(["２００２", "李 四", "核算科"])
    assignments = wb.create_sheet("任职")
    assignments.append(["工号", "部门名称", "岗位名称", "任职开始", "任职结束"])
    assignments.append(["2001", "财务处", "会计", "2024年1月1日", ""])
    assignments.append([2002, "财务处", "出纳", "2024/1/1", None])
    assignments.append([2002, "核算科", "复核", 45292, "2024.12.31"])  # an Excel serial in a General cell
    liaisons = wb.create_sheet("联络员")
    liaisons.append(["部门名称", "工号", "姓名", "开始日期"])
    liaisons.append(["财务处", 2001, "王芳", dt.date(2024, 3, 1)])
    path = tmp_path / "messy.xlsx"
    wb.save(path)

    report = import_org_workbook(path, actor=ACTOR)
    assert report.errors == []
    unit = Unit.objects.get(code="MESSY")
    assert unit.name == "杂乱学院"
    assert sorted(Department.objects.filter(unit=unit).values_list("name", flat=True)) == ["核算科", "财务处"]
    assert Department.objects.get(name="核算科").parent.name == "财务处"
    money = Post.objects.filter(department__unit=unit, manages_money=True)
    assert set(money.values_list("name", flat=True)) == {"会计", "出纳", "复核"}
    assert list(Person.objects.filter(unit=unit).values_list("staff_no", "name")) == [
        ("2001", "王芳"),
        ("2002", "李四"),
    ]
    review = PostAssignment.objects.get(post__name="复核")
    assert (review.start_date, review.end_date) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert PostAssignment.objects.get(post__name="出纳").start_date == dt.date(2024, 1, 1)
    assert Liaison.objects.get(department__name="财务处").person.name == "王芳"


def test_unreadable_files_give_one_clear_error(tmp_path: Path) -> None:
    text = tmp_path / "org.xlsx"
    text.write_text("单位代码,单位名称\n", encoding="utf-8")
    report = import_org_workbook(text, actor=ACTOR)
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("", None, "")]
    assert ".xlsx" in report.errors[0].message
    old = import_org_workbook(io.BytesIO(b"\xd0\xcf\x11\xe0" + b"\0" * 100), actor=ACTOR)
    assert ".xls" in old.errors[0].message
    missing = import_org_workbook(tmp_path / "nope.xlsx", actor=ACTOR)
    assert "找不到文件" in missing.errors[0].message
    assert str(missing.errors[0]).startswith("文件：")


def test_missing_sheets_are_fine_but_missing_required_columns_are_not(tmp_path: Path) -> None:
    sheets = good_sheets()
    only = {"单位": sheets["单位"], "部门": sheets["部门"]}
    report = import_org_workbook(write_workbook(tmp_path / "some.xlsx", only), actor=ACTOR)
    assert report.errors == [] and report.created == 5
    broken = {"岗位": [["部门名称", "岗位层级"], ["财务处", "一般岗位"]]}
    report = import_org_workbook(write_workbook(tmp_path / "cols.xlsx", broken), actor=ACTOR)
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("岗位", 1, "岗位名称")]


def test_unknown_unit_and_parent_and_cycle(tmp_path: Path) -> None:
    sheets: Sheets = {
        "单位": [["单位代码", "单位名称", "上级单位代码"], ["A1", "甲单位", "ZZZ"], ["B1", "乙单位", ""]],
        "部门": [
            ["单位代码", "部门名称", "上级部门"],
            ["A1", "办公室", ""],
            ["B1", "一科", "二科"],
            ["B1", "二科", "一科"],
            ["B1", "三科", "没有的处"],
            ["C9", "四科", ""],
        ],
    }
    report = import_org_workbook(write_workbook(tmp_path / "refs.xlsx", sheets), actor=ACTOR)
    assert {(e.sheet, e.row, e.column) for e in report.errors} == {
        ("单位", 2, "上级单位代码"),
        ("部门", 3, "上级部门"),
        ("部门", 4, "上级部门"),  # the cycle
        ("部门", 5, "上级部门"),
        ("部门", 6, "单位代码"),
    }
    # The 办公室 row refers to a unit whose own row failed: no second error for it.
    assert not any(e.sheet == "部门" and e.row == 2 for e in report.errors)
    assert not Unit.objects.filter(code__in=["A1", "B1"]).exists()


def test_template_has_every_sheet_and_imports_empty(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    make_template().save(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["填写说明", *(spec.name for spec in SHEETS)]
    assert [c.value for c in wb["岗位"][1]][:3] == ["单位代码", "部门名称", "岗位名称"]
    report = import_org_workbook(path, actor=ACTOR)
    assert report.to_dict() == {"created": 0, "updated": 0, "errors": []}
    out = io.StringIO()
    call_command("org_template", str(tmp_path / "t2.xlsx"), stdout=out)
    assert (tmp_path / "t2.xlsx").exists()


NEW_YEAR = dt.date(2024, 1, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-01", NEW_YEAR),
        ("2024/1/1", NEW_YEAR),
        ("2024年1月1日", NEW_YEAR),
        ("２０２４年１月１日", NEW_YEAR),
        ("2024.1.1", NEW_YEAR),
        ("20240101", NEW_YEAR),
        (20240101, NEW_YEAR),
        (dt.datetime(2024, 1, 1), NEW_YEAR),
        (45292, NEW_YEAR),
        ("2024-01-01 00:00:00", NEW_YEAR),
        ("  ", None),
        (None, None),
    ],
)
def test_parse_date(value: Any, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "明年", "2024", 12.5])
def test_parse_date_rejects(value: Any) -> None:
    with pytest.raises(ValueError, match="日期"):
        parse_date(value)


def test_cell_cleanup() -> None:
    assert [parse_yes_no(v) for v in ("是", "√", "否", "", None, True, "Y", "×")] == [
        True,
        True,
        False,
        None,
        None,
        True,
        True,
        False,
    ]
    assert clean_text("\u3000王\u3000 芳 ") == "王芳"
    assert clean_text(1001.0) == "1001"
    assert clean_text("第一行  \n 第二行", multiline=True) == "第一行\n第二行"


def test_two_row_header_with_merged_cells(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "岗位"
    ws.append(["部门名称", "岗位名称", "重点岗位", None, "岗位职责"])
    ws.append([None, None, "管财", "管物", None])
    for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:E2"):
        ws.merge_cells(cells)
    ws.append(["财务处", "出纳", "是", "", "收付"])
    depts = wb.create_sheet("部门")
    depts.append(["部门名称"])
    depts.append(["财务处"])
    units = wb.create_sheet("单位")
    units.append(["单位代码", "单位名称"])
    units.append(["HDR", "表头学院"])
    path = tmp_path / "two-row.xlsx"
    wb.save(path)
    report = import_org_workbook(path, actor=ACTOR)
    assert report.errors == []
    post = Post.objects.get(name="出纳")
    assert post.manages_money and not post.manages_assets and post.duties == "收付"
