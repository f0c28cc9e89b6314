"""The organisation workbook: its sheets, columns and accepted values, and the empty template."""

from __future__ import annotations

import re
from typing import Any

from openpyxl import Workbook

from lianfang.core.importing import (
    Choices,
    Column,
    SheetSpec,
    build_template,
)

from .models import (
    DepartmentKind,
    LeadershipKind,
    PostLevel,
    UnitKind,
)

UNIT_KINDS = Choices.of(
    "单位类型",
    UnitKind.choices,
    {
        "高校": "college",
        "院校": "college",
        "机关": "party_gov",
        "企业": "enterprise",
        "国企": "enterprise",
        "地区": "region",
    },
)
DEPT_KINDS = Choices.of(
    "部门类型",
    DepartmentKind.choices,
    {
        "职能": "functional",
        "系部": "teaching",
        "教学单位": "teaching",
        "直属单位": "affiliated",
        "附属单位": "affiliated",
        "纪检监察": "supervision",
        "纪委": "supervision",
    },
)
LEVELS = Choices.of(
    "岗位层级",
    PostLevel.choices,
    {"领导": "leader", "中层": "middle", "中层部门负责人岗位": "middle", "一般": "general"},
)
LEAD_KINDS = Choices.of(
    "领导类别",
    LeadershipKind.choices,
    {
        "主要负责人": "head",
        "一把手": "head",
        "分管": "deputy",
        "纪检监察负责人": "supervision",
        "纪委负责人": "supervision",
    },
)
FLAG_COLUMNS = (
    ("manages_people", "管人"),
    ("manages_money", "管财"),
    ("manages_assets", "管物"),
    ("manages_approval", "管审批"),
    ("manages_enforcement", "管执法"),
)


def _unit_code() -> Column:
    return Column(
        "单位代码", kind="code", field="unit", note="工作簿只涉及一个单位（或系统中只有一个单位）时可留空"
    )


def _staff_no(field: str = "person") -> Column:
    return Column(
        "工号", required=True, kind="code", field=field, note="本单位内唯一；按文本保存，保留前导 0"
    )


def _date(header: str, required: bool = True, **kw: Any) -> Column:
    return Column(header, required=required, kind="date", width=12, **kw)


NAME_CHECK = Column("姓名", width=10, note="可选；填写时须与该工号的人员一致")

UNITS = SheetSpec(
    "单位",
    (
        Column(
            "单位代码",
            required=True,
            kind="code",
            field="code",
            note="唯一代码，如 QLVTC；重复导入时按此匹配",
        ),
        Column("单位名称", required=True, width=28, field="name"),
        Column("简称", field="short_name"),
        Column("单位类型", kind="choice", options=UNIT_KINDS.labels, field="kind", note="默认“事业单位”"),
        Column(
            "上级单位代码", kind="code", field="parent", note="留空为顶级单位；导入不能更改已有单位的上级"
        ),
    ),
    aliases=("单位信息",),
    note="每行一个单位",
)
DEPARTMENTS = SheetSpec(
    "部门",
    (
        _unit_code(),
        Column(
            "部门名称",
            required=True,
            aliases=("科室名称",),
            width=20,
            field="name",
            note="本单位内唯一；科室也写在本表",
        ),
        Column(
            "上级部门",
            aliases=("上级部门名称", "所属部门"),
            width=20,
            field="parent",
            note="科室填所属部门名称；留空为单位直属部门（有此列时以它为准）",
        ),
        Column("部门代码", kind="code", field="code"),
        Column("部门类型", kind="choice", options=DEPT_KINDS.labels, field="kind", note="默认“职能部门”"),
        Column("排序", kind="int", width=8, note="整数，越小越靠前；默认按本表行序"),
        Column("部门职责", width=50),
    ),
    aliases=("部门（科室）", "部门科室", "部门信息"),
    note="部门和科室，每行一个",
)
POSTS = SheetSpec(
    "岗位",
    (
        _unit_code(),
        Column(
            "部门名称",
            required=True,
            aliases=("所属部门",),
            width=20,
            field="department",
            note="岗位所在的部门或科室",
        ),
        Column("岗位名称", required=True, width=20, field="name", note="同一部门内不能重名"),
        Column("岗位代码", kind="code", field="code"),
        Column(
            "岗位层级",
            kind="choice",
            options=LEVELS.labels,
            field="level",
            note="领导岗位/中层岗位/一般岗位，默认一般岗位",
        ),
        Column("编制人数", kind="int", width=10, field="headcount", note="默认 1"),
        *(
            Column(
                label,
                kind="flag",
                options=("是", "否"),
                width=8,
                field="flags",
                note="是/否，也可用 √；默认否",
            )
            for _, label in FLAG_COLUMNS
        ),
        Column("岗位职责", width=60),
    ),
    aliases=("岗位信息",),
    note="每行一个岗位",
)
PERSONS = SheetSpec(
    "人员",
    (
        _unit_code(),
        _staff_no("staff_no"),
        Column("姓名", required=True, width=10, field="name"),
        Column("所在部门", aliases=("部门名称", "部门"), width=20, field="department"),
        Column("职务", width=16, field="title"),
        Column("联系电话", kind="code", field="phone"),
    ),
    aliases=("人员信息",),
    note="每行一名人员；重复导入时按单位 + 工号匹配",
)
ASSIGNMENTS = SheetSpec(
    "任职",
    (
        _unit_code(),
        _staff_no(),
        NAME_CHECK,
        Column("部门名称", required=True, aliases=("所属部门",), width=20),
        Column("岗位名称", required=True, width=20, field="post"),
        _date(
            "任职开始",
            aliases=("开始日期", "任职日期"),
            field="start_date",
            note="日期，如 2024-01-01、2024/1/1 或 2024年1月1日",
        ),
        _date("任职结束", required=False, aliases=("结束日期",), field="end_date", note="仍在任留空"),
        Column("备注", width=24),
    ),
    aliases=("任职信息", "岗位任职"),
    note="谁在什么时间担任什么岗位；可填历史任职",
)
LEADERSHIP = SheetSpec(
    "领导分工",
    (
        _unit_code(),
        _staff_no(),
        NAME_CHECK,
        Column(
            "类别",
            required=True,
            aliases=("领导类别",),
            kind="choice",
            options=LEAD_KINDS.labels,
            field="kind",
        ),
        Column("职务", required=True, width=16, field="title", note="如 党委书记、副院长、纪委书记"),
        _date("开始日期", field="start_date"),
        Column(
            "分管部门",
            width=40,
            field="departments",
            note="多个部门用顿号“、”分隔；主要领导不直接分管部门（一把手不直接分管）",
        ),
    ),
    aliases=("领导班子", "领导"),
    note="领导班子成员及其分管部门",
)
LIAISONS = SheetSpec(
    "联络员",
    (
        _unit_code(),
        Column("部门名称", required=True, width=20, field="department"),
        _staff_no(),
        NAME_CHECK,
        _date("开始日期", field="start_date"),
    ),
    note="每个部门一名廉政风险防控联络员；换人时原联络员的任期自动结束",
)
SHEETS = (UNITS, DEPARTMENTS, POSTS, PERSONS, ASSIGNMENTS, LEADERSHIP, LIAISONS)

NOTES = (
    "廉防 · 组织机构导入模板",
    "1. 按需填写各工作表，用不到的表可以留空或删除；表头上方可以有标题行，空行会被忽略。",
    "2. 红色表头为必填列。日期可写 2024-01-01、2024/1/1 或 2024年1月1日；是/否列可写 是、否 或 √。",
    "3. 有任何错误时不会写入任何数据，系统会列出每处错误所在的工作表、行号和列名。",
    "4. 重复导入同一工作簿会更新已有记录而不会重复新增；更新时空白单元格表示保留原值。",
)

LIST_SPLIT = re.compile(r"[、，,;；/／\s]+")


def make_template() -> Workbook:
    """The empty import workbook: a 填写说明 sheet, then one sheet per kind of row with its headers."""
    return build_template(SHEETS, NOTES)
