"""A `SheetView` written as an .xlsx worksheet in the official layout (seed 002 附件二/附件三, seed 004):

    附件二                                                       ← the appendix number, when the form has one
    <单位><部门>工作廉政风险排查表（<year>年度）                    ← title, merged across
    部门（盖章）：财务处    负责人：张三    填表日期：2026年3月1日   ← header fields, merged across
    部门职责 | 廉政风险点 | 表现形式 | 原因分析 | 风险等级 | 防控措施 | 备注  ← column headers, every page
    <duty, merged down over its risk points> | risk | 1.… 2.… | … | 高 | 1.… 2.… | …
    分管领导审核意见 | <large merged blank cell>                   ← footer row
    签字：__________    日期：____年__月__日                       ← signature and date line

The summary (风险排查及风险评估汇总表) has its own columns (序号, 风险主体, 部门, 岗位, …) and no duty cells.
Text wraps; A4 landscape, fitted to the page width. One worksheet per view: `write_workbook(views)`.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Callable, Sequence
from copy import copy
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet

from lianfang.powers.catalog_xlsx import sheet_name

from .sheet_cells import clean, risk_cells
from .sheet_view import APPENDIX, DutyGroup, SheetKind, SheetRisk, SheetView

SIGNATURE = "签字：__________        日期：______年____月____日"

_WIDTHS: dict[str, tuple[int, ...]] = {
    SheetKind.DEPARTMENT: (22, 24, 36, 20, 9, 40, 14),
    SheetKind.POST: (22, 24, 36, 20, 9, 40, 14),
    SheetKind.UNIT: (22, 24, 36, 20, 9, 40, 14),
    SheetKind.SUMMARY: (6, 10, 14, 14, 26, 10, 8, 8, 40, 14),
}
_CENTERED = {"风险等级", "序号", "风险主体", "风险类型", "风险性质"}
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_WRAP_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")
_LINE_HEIGHT = 15.0


def header_line(view: SheetView) -> str:
    """The header fields on one line: "部门（盖章）：财务处    负责人：张三    填表日期：…"."""
    return "    ".join(f"{label}：{value}" for label, value in view.header)


def row_values(view: SheetView, risk: SheetRisk, duty: str, index: int) -> list[str | int]:
    """The cells of one risk point's row, in the order of `view.columns` (the cell texts are shared with
    the PDF and Word writers; the summary's number stays a number here)."""
    cells: list[str | int] = list(risk_cells(view.kind, risk, index))
    if view.kind == SheetKind.SUMMARY:
        cells[0] = index
        return cells
    return [clean(duty), *cells]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str, width: int) -> int:
    """How many printed lines a wrapped cell needs at a column width (Excel's units: about one Latin
    character, half a Chinese one)."""
    usable = max(width - 1, 1)
    return sum(max(1, math.ceil(_display_width(line) / usable)) for line in str(text).split("\n"))


def _sheet_title(view: SheetView) -> str:
    values = dict(view.header)
    if view.kind == SheetKind.DEPARTMENT:
        return values.get("部门（盖章）", "") or "部门排查表"
    if view.kind == SheetKind.POST:
        return f"{values.get('部门', '')}-{values.get('职务', '')}".strip("-") or "岗位排查表"
    if view.kind == SheetKind.UNIT:
        return "单位排查表"
    return "汇总表"


class _StyleCache:
    """Cell styles copied from the first cell styled each way: setting border and alignment on every cell
    of a big sheet costs openpyxl a hash of each style object."""

    def __init__(self) -> None:
        self.styles: dict[str, Any] = {}

    def apply(self, cell: Any, kind: str) -> None:
        if kind in self.styles:
            cell._style = copy(self.styles[kind])
            return
        cell.border = _BOX
        cell.alignment = _WRAP_CENTER if kind == "center" else _WRAP
        self.styles[kind] = copy(cell._style)


def write_sheet(ws: Worksheet, view: SheetView, advance: Callable[[int], None] | None = None) -> None:
    columns = view.columns
    widths = _WIDTHS[view.kind]
    last = get_column_letter(len(columns))
    appendix = APPENDIX.get(view.kind, "")
    if appendix:
        ws.append([appendix])
        ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([view.title])
    title_row = ws.max_row
    ws.merge_cells(f"A{title_row}:{last}{title_row}")
    ws.cell(title_row, 1).font = Font(bold=True, size=16)
    ws.cell(title_row, 1).alignment = _WRAP_CENTER
    ws.row_dimensions[title_row].height = 30
    ws.append([header_line(view)])
    ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
    ws.cell(ws.max_row, 1).alignment = Alignment(vertical="center")
    ws.row_dimensions[ws.max_row].height = 22
    ws.append(list(columns))
    header_row = ws.max_row
    for index, width in enumerate(widths, start=1):
        cell = ws.cell(header_row, index)
        cell.font = Font(bold=True)
        cell.alignment = _WRAP_CENTER
        cell.border = _BOX
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[header_row].height = 24
    styles = _StyleCache()
    duty_column = view.kind != SheetKind.SUMMARY
    row, number = header_row, 0
    groups: Sequence[DutyGroup] = view.groups or (DutyGroup("", ()),)
    for group in groups:
        first = row + 1
        for risk in group.risks:
            number += 1
            row += 1
            values = row_values(view, risk, group.duty if row == first else "", number)
            lines = 1
            for index, (header, value) in enumerate(zip(columns, values, strict=True), start=1):
                cell = ws.cell(row, index, None if value == "" else value)
                styles.apply(cell, "center" if header in _CENTERED else "wrap")
                if index > 1 or not duty_column:
                    lines = max(lines, _lines(str(value), widths[index - 1]))
            ws.row_dimensions[row].height = max(lines * _LINE_HEIGHT, 20)
            if advance:
                advance(1)
        if not group.risks:
            row += 1
            for index in range(1, len(columns) + 1):
                styles.apply(ws.cell(row, index, group.duty if index == 1 and group.duty else None), "wrap")
            ws.row_dimensions[row].height = 30
        if not duty_column:
            continue
        styles.apply(ws.cell(first, 1), "center")
        needed = _lines(group.duty, widths[0]) * _LINE_HEIGHT
        spread = sum(ws.row_dimensions[r].height or _LINE_HEIGHT for r in range(first, row + 1))
        if needed > spread:
            ws.row_dimensions[row].height = (ws.row_dimensions[row].height or 0) + needed - spread
        if row > first:
            # Added directly: `merge_cells` re-styles every merged cell, far too slow for big sheets.
            ws.merged_cells.add(CellRange(min_col=1, min_row=first, max_col=1, max_row=row))
    ws.append([view.footer_label, view.footer_text])
    footer = ws.max_row
    ws.merge_cells(start_row=footer, start_column=2, end_row=footer, end_column=len(columns))
    for index in range(1, len(columns) + 1):
        ws.cell(footer, index).border = _BOX
    ws.cell(footer, 1).font = Font(bold=True)
    ws.cell(footer, 1).alignment = _WRAP_CENTER
    ws.cell(footer, 2).alignment = _WRAP
    ws.row_dimensions[footer].height = 90
    ws.append([SIGNATURE])
    ws.merge_cells(f"A{ws.max_row}:{last}{ws.max_row}")
    ws.cell(ws.max_row, 1).alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[ws.max_row].height = 28
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def write_workbook(views: Sequence[SheetView], *, progress: Callable[[int], None] | None = None) -> bytes:
    """One worksheet per view, in order; `progress(n)` is called as risk rows are written."""
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for view in views:
        ws = wb.create_sheet(sheet_name(_sheet_title(view), taken))
        write_sheet(ws, view, progress)
    if not views:
        wb.create_sheet("排查表")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
