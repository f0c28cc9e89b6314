"""The official risk sheets as plain data: built from the register, drawn by the xlsx, PDF and Word writers.

Kinds (seed 002 附件二/附件三, seed 004):
- 附件二 部门工作廉政风险排查表: one department's own risk points; header 部门（盖章）, 负责人, 填表日期;
  footer row 分管领导审核意见.
- 附件三 个人岗位廉政风险排查表: one post's risk points; header 姓名, 职务, 填表日期; footer 部门领导审核意见.
- 单位职权及风险排查表 (seed 004): the unit's (领导班子) risk points; footer 领导班子审定意见.
- 风险排查及风险评估汇总表 (seed 004): every risk point of the unit in one table, with subject and level.

Rows are grouped by duty (职责): in the sheets one 职责 cell spans the risk points arising from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class SheetKind(models.TextChoices):
    DEPARTMENT = "department", _("部门工作廉政风险排查表")
    POST = "post", _("个人岗位廉政风险排查表")
    UNIT = "unit", _("单位职权及风险排查表")
    SUMMARY = "summary", _("风险排查及风险评估汇总表")


# The official column headers, in order, per kind (the summary adds subject columns in front).
COLUMNS: dict[str, tuple[str, ...]] = {
    SheetKind.DEPARTMENT: ("部门职责", "廉政风险点", "表现形式", "原因分析", "风险等级", "防控措施", "备注"),
    SheetKind.POST: ("岗位职责", "廉政风险点", "表现形式", "原因分析", "风险等级", "防控措施", "备注"),
    SheetKind.UNIT: ("单位职责", "廉政风险点", "表现形式", "原因分析", "风险等级", "防控措施", "备注"),
    SheetKind.SUMMARY: (
        "序号",
        "风险主体",
        "部门",
        "岗位",
        "廉政风险点",
        "风险类型",
        "风险性质",
        "风险等级",
        "防控措施",
        "责任人",
    ),
}
FOOTERS: dict[str, str] = {
    SheetKind.DEPARTMENT: "分管领导审核意见",
    SheetKind.POST: "部门领导审核意见",
    SheetKind.UNIT: "领导班子审定意见",
    SheetKind.SUMMARY: "纪委（监察处）审核意见",
}
APPENDIX: dict[str, str] = {
    SheetKind.DEPARTMENT: "附件二",
    SheetKind.POST: "附件三",
    SheetKind.UNIT: "",
    SheetKind.SUMMARY: "",
}


@dataclass(frozen=True)
class SheetRisk:
    """One risk point as a sheet row: lists stay lists; writers number them inside one cell (1. 2. …)."""

    code: str
    name: str
    manifestations: tuple[str, ...]
    causes: str  # 、-joined cause labels, then the free text
    level: str  # 高 / 中 / 低, or "" when not graded
    measures: tuple[str, ...]
    notes: str = ""
    # Summary-only columns.
    subject: str = ""
    department: str = ""
    post: str = ""
    risk_type: str = ""
    risk_kind: str = ""
    responsible: str = ""


@dataclass(frozen=True)
class DutyGroup:
    duty: str
    risks: tuple[SheetRisk, ...]


@dataclass(frozen=True)
class SheetView:
    kind: str
    title: str  # e.g. "青岚职业技术学院财务处工作廉政风险排查表（2026年度）"
    header: tuple[tuple[str, str], ...]  # (label, value): 部门（盖章）/负责人/填表日期, or 姓名/职务/填表日期
    groups: tuple[DutyGroup, ...]
    footer_label: str
    footer_text: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS[self.kind]

    @property
    def risk_count(self) -> int:
        return sum(len(g.risks) for g in self.groups)


def numbered(items: tuple[str, ...] | list[str]) -> str:
    """How a list is written inside one cell: "1.…\\n2.…" (a single item is written as it is)."""
    if len(items) == 1:
        return items[0]
    return "\n".join(f"{i}.{text}" for i, text in enumerate(items, start=1))
