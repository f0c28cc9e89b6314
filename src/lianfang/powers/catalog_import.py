"""Import the power catalog from .xlsx sheets in the layout of 附件一, through the catalog services.

Every sheet whose header row names at least 权力名称 and 具体内容 is a catalog sheet; others (a 填写说明
sheet, a cover) are ignored. The sheet's department is the “部门：…” written above the table, else the
sheet's name; “单位层面” (or the unit's own name) means unit-level powers. An optional 部门 column overrides
it per row.

What people do to the form and is tolerated: title rows, merged cells (a merged 办理主体 or 制度依据
applies to every row it spans), blank and pre-numbered spacer rows, section rows (“一、行政许可类” — sets
the category of the rows under it when it names one), signature and note rows under the table, full-width
spaces and punctuation, a header row repeated on the next page.

Powers are matched by 职权编码; without one by department + name; new ones without a code get
“<部门代码 or D<id>>-<nn>”. One transaction; every problem is collected with sheet, row and column and if
there is any, nothing is written. Writes go through `services.create_power/update_power` (one validation,
permission checks, audit entries); an approved power can't be changed, which is reported on its row.
On an update a blank cell in an optional column keeps the stored value, and so does the stored order (the
row order numbers new powers only); the four official columns say exactly what the power is.
Documented in docs/formats/catalog-xlsx.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor
from lianfang.core.importing import (
    ImportReport,
    Row,
    SheetSpec,
    Table,
    UnreadableFileError,
    clean_text,
    normalise_label,
    open_workbook,
    read_sheet,
    rows_of,
    run_import,
)
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org.models import Department, Status

from .catalog_xlsx import (
    AUDIENCE,
    AUDIENCES,
    BASES,
    CATEGORIES,
    CATEGORY,
    CLASSIFIED,
    CODE,
    CONTENT,
    DEPARTMENT,
    DISPOSITION,
    DISPOSITIONS,
    FLOW,
    HANDLER,
    INDEX,
    NAME,
    OFFICIAL,
    READ_COLUMNS,
    REASON,
    UNIT_LEVEL,
    department_field,
    is_footer,
    is_numbering,
    looks_like_section,
    section_category,
    split_bases,
)
from .models import Audience, Disposition, Flowchart, Power, PowerCategory
from .services import PowerData, create_power, update_power

# The probe finds catalog sheets (权力名称 and 具体内容 make one); the other official columns are required.
_PROBE = tuple(replace(c, required=c.header in (NAME, CONTENT)) for c in READ_COLUMNS)
_NAME_HEADERS = {normalise_label(n) for c in READ_COLUMNS if c.header == NAME for n in (c.header, *c.aliases)}


def import_catalog_xlsx(
    path_or_file: str | Path | IO[bytes], *, actor: Actor, cycle: Cycle, dry_run: bool = False
) -> ImportReport:
    """Import the workbook into `cycle` with `actor`'s permissions; all or nothing (module docstring)."""
    report = ImportReport(dry_run=dry_run)
    try:
        workbook = open_workbook(path_or_file)
    except UnreadableFileError as exc:
        report.add_error("", None, "", str(exc))
        return report
    if cycle.status != CycleStatus.OPEN:
        report.add_error("", None, "", f"{cycle.unit.name}{cycle}已结束，不能再导入职权目录")
        return report
    if isinstance(path_or_file, str | Path):
        source = Path(path_or_file).name
    else:
        source = Path(str(getattr(path_or_file, "name", "") or "")).name
    return run_import(
        lambda report: _CatalogImport(workbook, actor, cycle, report).run(source), dry_run=dry_run
    )


@dataclass
class _Item:
    """One parsed power row, waiting for the second pass (codes are generated after all are read)."""

    row: Row
    position: int
    department: Department | None
    code: str
    name: str
    content: str
    handler: str
    bases: list[tuple[str, str]]
    category: str | None
    audience: str | None
    disposition: str | None
    reason: str
    secret: bool | None
    flow: Flowchart | None


def _header_columns(ws: Any, table: Table) -> dict[str, int]:
    """Which Excel column each header of `table` is in (the header row read the way `read_sheet` reads it)."""
    known = {normalise_label(n): c.header for c in READ_COLUMNS for n in (c.header, *c.aliases)}
    merged: dict[int, Any] = {}
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= table.header_row <= rng.max_row:
            for c in range(rng.min_col, rng.max_col + 1):
                merged[c] = ws.cell(rng.min_row, rng.min_col).value
    found: dict[str, int] = {}
    for c in range(1, ws.max_column + 1):
        value = ws.cell(table.header_row, c).value
        header = known.get(normalise_label(merged.get(c, value) if value is None else value))
        if header and header not in found:
            found[header] = c
    return found


class _CatalogImport:
    def __init__(self, workbook: Workbook, actor: Actor, cycle: Cycle, report: ImportReport):
        self.workbook, self.actor, self.cycle, self.report = workbook, actor, cycle, report
        unit = cycle.unit
        self.depts = {
            normalise_label(d.name): d for d in Department.objects.filter(unit=unit, status=Status.ACTIVE)
        }
        self.unit_names = {normalise_label(n) for n in (UNIT_LEVEL, unit.name, unit.short_name) if n}
        self.flows = {f.code: f for f in Flowchart.objects.filter(cycle=cycle)}
        self.items: list[_Item] = []
        self.seen_codes: dict[str, str] = {}  # code → where it was first seen
        self.seen_names: dict[tuple[int | None, str], str] = {}
        self.numbers: dict[str, int] = {}  # code prefix → last number handed out

    # --- reading ------------------------------------------------------------------------------------

    def run(self, source: str) -> None:
        sheets = [ws.title for ws in self.workbook.worksheets]
        found = 0
        for ws in self.workbook.worksheets:
            found += self.read(ws)
        if not found and self.report.ok:
            heads = "、".join(OFFICIAL)
            self.report.add_error("", None, "", f"工作簿中没有职权目录表：表头应包括 {heads}（附件一的格式）")
            return
        for item in self.items:
            if not item.row.failed:
                self.save(item)
        order = {name: i for i, name in enumerate(sheets)}
        self.report.errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row or 0))
        if self.report.ok and not self.report.dry_run:
            # Each power has its own entry from its service; this one says the rows came in together.
            record(
                self.actor,
                AuditAction.IMPORT,
                object_type="powers.import",
                object_repr=f"职权目录导入 {self.cycle.unit.name}{self.cycle.year}年度 {source}".strip(),
                scope_path=self.cycle.unit.path,
                after={
                    "file": source,
                    "cycle": self.cycle.pk,
                    "created": self.report.created,
                    "updated": self.report.updated,
                },
            )

    def read(self, ws: Any) -> int:
        """Read one sheet's rows into `self.items`; 0 when the sheet is not a catalog sheet."""
        spec = SheetSpec(ws.title, _PROBE)
        table = read_sheet(ws, spec, ImportReport())
        if table is None:
            return 0
        missing = [h for h in OFFICIAL if h not in table.present]
        for header in missing:
            self.report.add_error(ws.title, table.header_row, header, f"缺少必填列“{header}”（附件一的四列）")
        if missing:
            return 1
        sheet_ok, department = self.sheet_department(ws, table)
        columns = _header_columns(ws, table)
        section: str | None = None
        position = 0
        for row in rows_of(self.report, table):
            raw = [(h, clean_text(ws.cell(row.number, c).value)) for h, c in columns.items()]
            filled = [(h, t) for h, t in raw if t]
            if not filled:
                continue  # only merged values from the rows above: a spacer
            first_header, first = filled[0]
            if is_footer(first) and (":" in first or "：" in first or "签" in first):
                continue
            if len(filled) == 1 and (
                (first_header == INDEX and not is_numbering(first))
                or (first_header == NAME and looks_like_section(first))
            ):
                section = section_category(first)
                continue
            if len(filled) == 1 and first_header == INDEX:
                continue  # a pre-numbered empty row
            if normalise_label(row.values.get(NAME)) in _NAME_HEADERS:
                continue  # the header row repeated on a later page
            position += 1
            item = self.parse(row, position, department, section)
            if not sheet_ok:
                row.failed = True  # the sheet's department is unknown: already reported once
            if item is not None:
                self.items.append(item)
        return 1

    def sheet_department(self, ws: Any, table: Table) -> tuple[bool, Department | None]:
        above = ws.iter_rows(min_row=1, max_row=table.header_row - 1, values_only=True)
        field = department_field(above) if table.header_row > 1 else None
        if field is not None and field[0]:
            name, where = field
            ok, dept = self.department(name)
            if not ok:
                message = f"部门“{name}”不存在：{self.cycle.unit.name}没有这个部门（或已停用）"
                self.report.add_error(ws.title, where, DEPARTMENT, message)
            return ok, dept
        ok, dept = self.department(ws.title)
        if not ok:
            message = (
                f"未能确定部门：表格上方没有填写“部门：”，工作表名“{ws.title}”"
                f"也不是{self.cycle.unit.name}的部门"
            )
            self.report.add_error(ws.title, field[1] if field else None, DEPARTMENT, message)
        return ok, dept

    def department(self, name: str) -> tuple[bool, Department | None]:
        """(found, department): unit-level names give (True, None)."""
        key = normalise_label(name)
        if key in self.unit_names:
            return True, None
        dept = self.depts.get(key)
        return dept is not None, dept

    def parse(self, row: Row, position: int, department: Department | None, section: str | None) -> _Item:
        if row.has(DEPARTMENT) and row.text(DEPARTMENT):
            name = row.text(DEPARTMENT)
            ok, department = self.department(name)
            if not ok:
                row.error(DEPARTMENT, f"部门“{name}”不存在：{self.cycle.unit.name}没有这个部门（或已停用）")
        name = row.text(NAME, required=True, max_length=200)
        bases = split_bases(row.values.get(BASES))
        for document, article in bases:
            if len(document) > 300 or len(article) > 200:
                row.error(BASES, f"依据“{document}{article}”过长（文件名不超过 300 字，条款不超过 200 字）")
        flow: Flowchart | None = None
        flow_code = row.code(FLOW, max_length=40) if row.has(FLOW) else ""
        if flow_code:
            flow = self.flows.get(flow_code)
            if flow is None:
                row.error(FLOW, f"流程编号“{flow_code}”在{self.cycle.year}年度中不存在，请先录入流程图")
        item = _Item(
            row=row,
            position=position,
            department=department,
            code=row.code(CODE, max_length=40) if row.has(CODE) else "",
            name=name,
            content=row.text(CONTENT, multiline=True),
            handler=row.text(HANDLER, max_length=300),
            bases=bases,
            category=(row.choice(CATEGORY, CATEGORIES) if row.has(CATEGORY) else None) or section,
            audience=row.choice(AUDIENCE, AUDIENCES) if row.has(AUDIENCE) else None,
            disposition=row.choice(DISPOSITION, DISPOSITIONS) if row.has(DISPOSITION) else None,
            reason=row.text(REASON, multiline=True) if row.has(REASON) else "",
            secret=row.flag(CLASSIFIED) if row.has(CLASSIFIED) else None,
            flow=flow,
        )
        here = f"工作表 {row.sheet} 第 {row.number} 行"
        if item.code:
            if item.code in self.seen_codes:
                row.error(CODE, f"职权编码“{item.code}”与{self.seen_codes[item.code]}重复")
            else:
                self.seen_codes[item.code] = here
        elif name:
            key = (department.pk if department else None, name)
            if key in self.seen_names:
                first = self.seen_names[key]
                row.error(
                    NAME, f"同一部门中权力名称“{name}”与{first}重复（未填写职权编码时按部门和名称识别）"
                )
            else:
                self.seen_names[key] = here
        return item

    # --- writing ------------------------------------------------------------------------------------

    def existing(self, item: _Item) -> Power | None:
        qs = Power.objects.filter(cycle=self.cycle).select_related("flow", "department")
        if item.code:
            return qs.filter(code=item.code).first()
        matches = list(qs.filter(department=item.department, name=item.name)[:2])
        if len(matches) > 1:
            item.row.error(CODE, f"本年度该部门有多项名为“{item.name}”的职权，请填写职权编码以区分")
            return None
        return matches[0] if matches else None

    def new_code(self, department: Department | None) -> str:
        if department is not None:
            prefix = department.code or f"D{department.pk}"
        else:
            prefix = self.cycle.unit.code or f"U{self.cycle.unit.pk}"
        if prefix not in self.numbers:
            pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
            codes = [*Power.objects.filter(cycle=self.cycle).values_list("code", flat=True), *self.seen_codes]
            self.numbers[prefix] = max((int(m.group(1)) for c in codes if (m := pattern.match(c))), default=0)
        while True:
            self.numbers[prefix] += 1
            code = f"{prefix}-{self.numbers[prefix]:02d}"
            taken = code in self.seen_codes or Power.objects.filter(cycle=self.cycle, code=code).exists()
            if not taken:
                return code

    def save(self, item: _Item) -> None:
        power = self.existing(item)
        if item.row.failed:
            return
        if power is None:
            data = PowerData(
                code=item.code or self.new_code(item.department),
                name=item.name,
                content=item.content,
                category=item.category or PowerCategory.OTHER,
                audience=item.audience or Audience.INTERNAL,
                department=item.department,
                handler_text=item.handler,
                bases=item.bases,
                disposition=item.disposition or Disposition.KEEP,
                disposition_reason=item.reason,
                is_secret=bool(item.secret),
                flow=item.flow,
                sort_order=item.position,
            )
            if item.row.attempt(partial(create_power, self.actor, self.cycle, data)) is not None:
                self.report.created += 1
            return
        stored = _data_of(power)
        data = PowerData(
            code=power.code,
            name=item.name,
            content=item.content,
            category=item.category or power.category,
            audience=item.audience or power.audience,
            department=item.department,
            handler_text=item.handler,
            posts=stored.posts,
            bases=item.bases,
            disposition=item.disposition or power.disposition,
            disposition_reason=item.reason or power.disposition_reason,
            is_secret=power.is_secret if item.secret is None else item.secret,
            flow=item.flow or power.flow,
            sort_order=power.sort_order,  # the row order places new powers; an update keeps the stored order
        )
        if data.cleaned() == stored.cleaned():
            self.report.updated += 1  # matched and unchanged: nothing to write (an approved power is fine)
        elif item.row.attempt(partial(update_power, self.actor, power, data)) is not None:
            self.report.updated += 1


def _data_of(power: Power) -> PowerData:
    return PowerData(
        code=power.code,
        name=power.name,
        content=power.content,
        category=power.category,
        audience=power.audience,
        department=power.department,
        handler_text=power.handler_text,
        posts=list(power.posts.order_by("pk")),
        bases=[(b.document, b.article) for b in power.bases.order_by("order", "id")],
        disposition=power.disposition,
        disposition_reason=power.disposition_reason,
        is_secret=power.is_secret,
        flow=power.flow,
        sort_order=power.sort_order,
    )
