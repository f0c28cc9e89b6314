"""The layout of the risk sheets as people fill them: which columns, the fields written above the table,
where the table ends, and which rows make one risk point. Pure reading of an openpyxl worksheet; no
database (`sheet_import` decides what the rows mean). Documented in docs/formats/risk-sheets.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lianfang.core.importing import clean_text, normalise_label

from .vocabulary import SubjectKind

# --- the columns ----------------------------------------------------------------------------------------

DUTY, NAME, MANIFEST, CAUSES, LEVEL = "职责", "廉政风险点", "表现形式", "原因分析", "风险等级"
MEASURES, NOTES, CATEGORY, INDEX = "防控措施", "备注", "措施类别", "序号"
SUMMARY_MARK = "风险主体"

ALIASES: dict[str, tuple[str, ...]] = {
    DUTY: (
        "部门职责",
        "岗位职责",
        "单位职责",
        "领导班子职责",
        "班子职责",
        "单位（领导班子）职责",
        "工作职责",
        "主要职责",
        "职责内容",
        "科室职责",
        "职责",
    ),
    NAME: ("廉政风险点", "风险点", "廉政风险点名称", "风险点名称", "主要风险点", "风险名称", "风险点描述"),
    MANIFEST: ("表现形式", "风险表现形式", "主要表现形式", "具体表现", "表现", "风险表现"),
    CAUSES: ("原因分析", "原因", "风险原因", "成因", "成因分析", "产生原因", "风险成因"),
    LEVEL: ("风险等级", "等级", "风险级别", "级别", "风险等级评定"),
    MEASURES: ("防控措施", "措施", "风险防控措施", "防范措施", "防控措施及办法", "预防措施", "防控办法"),
    NOTES: ("备注", "说明"),
    CATEGORY: ("措施类别", "措施类型", "防控措施类别"),
    INDEX: ("序号", "编号"),
    SUMMARY_MARK: ("风险主体",),
}
LOOKUP = {normalise_label(alias): canon for canon, names in ALIASES.items() for alias in names}
DESCRIPTIVE = (DUTY, MANIFEST, CAUSES, LEVEL, MEASURES)
FIELDS = {"name": NAME, "duty": DUTY, "manifestations": MANIFEST, "causes": CAUSES, "cause_note": CAUSES}
FIELDS |= {"notes": NOTES, "level": LEVEL, "text": MEASURES, "category": MEASURES}

# --- around the table -----------------------------------------------------------------------------------

_LABELS: tuple[tuple[str, str], ...] = (
    ("department", r"部\s*门\s*[（(]\s*盖\s*章\s*[)）]"),
    ("unit", r"单\s*位\s*[（(]\s*盖\s*章\s*[)）]"),
    ("head", r"部门负责人|负\s*责\s*人|主要领导"),
    ("date", r"填表日期|填报日期|日\s*期"),
    ("person", r"姓\s*名"),
    ("title", r"职\s*务|职\s*位"),
    ("post", r"岗位名称|岗\s*位"),
    ("department", r"所在部门|部门名称|部\s*门|科\s*室"),
    ("unit", r"单位名称|单\s*位"),
    ("other", r"填表人|联系电话|联系人|电\s*话"),
)
FIELD = re.compile("(?:" + "|".join(f"(?P<f{i}>{p})" for i, (_, p) in enumerate(_LABELS)) + r")\s*[:：]")
_FOOTER = re.compile(
    r"^(?:\S{0,10}(?:审核|审定|审批|审查)意见|(?:签\s*字|签\s*名|盖\s*章|审核人|填表人|制表人|日\s*期)\s*[:：]"
    r"|注\s*[:：]|说明\s*[:：]|填表说明)"
)
NAME_NUMBER = re.compile(r"^\s*(?:\d{1,2}\s*[、.．](?!\d)|[(（]\s*\d{1,2}\s*[)）]|[①-⑳])\s*")
NAME_SPLIT = re.compile(r"[、，,；;/\s]+")
_KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("岗位", SubjectKind.POST),
    ("部门", SubjectKind.DEPARTMENT),
    ("科室", SubjectKind.DEPARTMENT),
    ("单位", SubjectKind.UNIT),
    ("班子", SubjectKind.UNIT),
    ("领导", SubjectKind.UNIT),
)


def header_fields(rows: list[tuple[int, str]]) -> dict[str, tuple[str, int]]:
    """The "label：value" fields written in the rows above the table: key → (value, Excel row). The first
    occurrence of a key wins; a blank value is ""."""
    found: dict[str, tuple[str, int]] = {}
    for number, text in rows:
        matches = list(FIELD.finditer(text))
        for match, nxt in zip(matches, [*matches[1:], None], strict=False):
            key = _LABELS[int((match.lastgroup or "f0")[1:])][0]
            value = text[match.end() : nxt.start() if nxt else len(text)].strip(" _\u3000")
            found.setdefault(key, (value, number))
    return found


def is_footer(text: str) -> bool:
    return bool(_FOOTER.match(clean_text(text)))


def kind_of(text: str) -> str | None:
    """The subject kind a duty header or a title names: 岗位 → post, 部门/科室 → department,
    单位/班子 → unit."""
    return next((kind for word, kind in _KIND_WORDS if word in text), None)


def same(a: str, b: str) -> bool:
    return normalise_label(a) == normalise_label(b)


# --- the table ---------------------------------------------------------------------------------------


@dataclass
class SheetTable:
    ws: Any
    header_row: int
    columns: dict[str, int]  # canonical header → Excel column
    labels: dict[str, str]  # canonical header → the header as written
    origin: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def value(self, r: int, c: int) -> Any:
        """A cell's value, merged cells resolved to their top-left cell."""
        at = self.origin.get((r, c), (r, c))
        return self.ws.cell(*at).value

    def distinct(self, rows: list[int], canon: str) -> list[Any]:
        """The non-blank values of a column over several rows, each merged cell once."""
        if canon not in self.columns:
            return []
        c, seen, out = self.columns[canon], set(), []
        for r in rows:
            at = self.origin.get((r, c), (r, c))
            if at in seen:
                continue
            seen.add(at)
            value = self.ws.cell(*at).value
            if clean_text(value):
                out.append(value)
        return out


def merged_origins(ws: Any) -> dict[tuple[int, int], tuple[int, int]]:
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                origin[(r, c)] = (rng.min_row, rng.min_col)
    return origin


def find_header(ws: Any, origin: dict[tuple[int, int], tuple[int, int]], scan: int = 20) -> SheetTable | None:
    """The row among the first `scan` naming 廉政风险点 and most other columns (merged cells resolved)."""
    best: tuple[int, dict[str, int], dict[str, str]] | None = None
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=scan, values_only=True), start=1):
        columns: dict[str, int] = {}
        labels: dict[str, str] = {}
        for c, value in enumerate(values, start=1):
            if value is None and (r, c) in origin:
                value = ws.cell(*origin[(r, c)]).value
            canon = LOOKUP.get(normalise_label(value))
            if canon and canon not in columns:
                columns[canon], labels[canon] = c, clean_text(value)
        if NAME not in columns or not any(h in columns for h in DESCRIPTIVE):
            continue
        if best is None or len(columns) > len(best[1]):
            best = (r, columns, labels)
    if best is None:
        return None
    return SheetTable(ws, best[0], best[1], best[2], origin)


def risk_rows(sheet: SheetTable) -> list[list[int]]:
    """The data rows, grouped into risk points (rows sharing one merged 廉政风险点 cell are one)."""
    ws, name_col = sheet.ws, sheet.columns[NAME]
    name_labels = {normalise_label(a) for a in ALIASES[NAME]}
    groups: list[list[int]] = []
    last_key: tuple[int, int] | None = None
    data_cols = [c for canon, c in sheet.columns.items() if canon != INDEX]
    # openpyxl computes max_row/max_column by scanning every cell: read them once, not once per row.
    last_row, last_col = ws.max_row, ws.max_column
    for r in range(sheet.header_row + 1, last_row + 1):
        filled = [t for t in (clean_text(ws.cell(r, c).value) for c in range(1, last_col + 1)) if t]
        if filled and is_footer(filled[0]) and not clean_text(ws.cell(r, name_col).value):
            break  # 审核意见, signatures, notes: the table has ended
        if not any(clean_text(ws.cell(r, c).value) for c in data_cols):
            continue  # a spacer row, a pre-numbered empty row, or only merged values from above
        if normalise_label(sheet.value(r, name_col)) in name_labels:
            continue  # the header row repeated on a later page
        key = sheet.origin.get((r, name_col))
        if key is not None and key == last_key and clean_text(sheet.value(r, name_col)):
            groups[-1].append(r)
            continue
        last_key = key
        groups.append([r])
    return groups


def above_table(sheet: SheetTable) -> tuple[dict[str, tuple[str, int]], str]:
    """The header fields written above the table, and its title (the longest line there without fields)."""
    above = []
    last_col = sheet.ws.max_column
    for r in range(1, sheet.header_row):
        cells = (clean_text(sheet.value(r, c)) for c in range(1, last_col + 1))
        text = "  ".join(dict.fromkeys(t for t in cells if t))
        if text:
            above.append((r, text))
    title = max((t for _, t in above if not FIELD.search(t)), key=len, default="")
    return header_fields(above), title
