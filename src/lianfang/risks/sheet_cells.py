"""What goes in each cell of an official risk sheet, shared by the PDF and Word writers.

A sheet of kind 部门/岗位/单位 has the duty (职责) in its first column, one cell spanning the risk
points of the duty; the other cells come from `risk_cells`. The summary (汇总表) has no duty column:
its rows are numbered through the whole sheet. Lists (表现形式, 防控措施) are numbered inside their
cell by `sheet_view.numbered`, one item a line, so the writers only split a cell's text at its line breaks.
"""

from __future__ import annotations

import re

from .sheet_view import SheetKind, SheetRisk, SheetView, numbered

__all__ = ["SIGNATURE", "clean", "column_shares", "has_duty", "risk_cells", "sheet_rows"]

# Relative column widths per kind, in the order of `sheet_view.COLUMNS`.
_SHARES: dict[str, tuple[float, ...]] = {
    SheetKind.DEPARTMENT: (13, 13, 22, 13, 5, 25, 9),
    SheetKind.SUMMARY: (4, 7, 9, 9, 16, 7, 6, 5, 27, 10),
}
SIGNATURE = ("签字：", "日期：")

# Characters XML 1.0 (and so Word) refuses, and other controls no sheet needs; tabs become spaces.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def has_duty(kind: str) -> bool:
    """Whether the sheet's first column is the duty (职责) cell spanning its risk points."""
    return kind != SheetKind.SUMMARY


def column_shares(kind: str) -> tuple[float, ...]:
    return _SHARES.get(kind, _SHARES[SheetKind.DEPARTMENT])


def clean(text: object) -> str:
    """A cell's text with Windows line ends made plain and control characters removed."""
    value = str(text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROLS.sub("", value).strip()


def risk_cells(kind: str, risk: SheetRisk, number: int) -> tuple[str, ...]:
    """The cells of one risk point's row after the duty column (all of them for the summary)."""
    if kind == SheetKind.SUMMARY:
        return tuple(
            clean(value)
            for value in (
                number,
                risk.subject,
                risk.department,
                risk.post,
                risk.name,
                risk.risk_type,
                risk.risk_kind,
                risk.level,
                numbered(risk.measures) if risk.measures else "",
                risk.responsible,
            )
        )
    return tuple(
        clean(value)
        for value in (
            risk.name,
            numbered(risk.manifestations) if risk.manifestations else "",
            risk.causes,
            risk.level,
            numbered(risk.measures) if risk.measures else "",
            risk.notes,
        )
    )


def sheet_rows(view: SheetView) -> list[tuple[str, list[tuple[str, ...]]]]:
    """The view's duty groups as (duty text, rows of cells); the summary gives one group without a duty."""
    if not has_duty(view.kind):
        risks = [risk for group in view.groups for risk in group.risks]
        return [("", [risk_cells(view.kind, risk, i) for i, risk in enumerate(risks, 1)])] if risks else []
    blank = ("",) * (len(view.columns) - 1)  # a duty with no risk point found still has its row
    return [
        (clean(group.duty), [risk_cells(view.kind, risk, 0) for risk in group.risks] or [blank])
        for group in view.groups
    ]
