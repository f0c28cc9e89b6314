"""Import the risk sheets as people fill them (附件二 部门, 附件三 个人岗位, the unit's sheet) through
`risks.services`. Layouts and tolerances: docs/formats/risk-sheets.md.

A worksheet is a risk sheet when a row among its first 20 names the 廉政风险点 column and at least one
of 职责/表现形式/原因分析/风险等级/防控措施 (other sheets — a 填写说明, a cover — are ignored). Its kind
comes from the duty column's header (岗位职责 → post, 部门职责 → department, 单位职责/领导班子职责 →
unit), else from the header fields, else from the title. Its subject comes from the header fields written
above the table ("部门（盖章）：财务处  负责人：张三  填表日期：2026年3月"; for a post "姓名：李四
职务：出纳", or "岗位：出纳", with an optional "部门："), a department sheet without a 部门 field falling
back to the worksheet's name.

Rows: blank spacer rows are skipped; reading stops at the footer (“分管领导审核意见”, “签字：”, “注：”); a
header row repeated on a later page is skipped. A merged 职责 cell applies to every row it spans; rows whose
廉政风险点 cell is one merged cell are one risk point (their manifestations and measures are collected).
Manifestations and measures numbered inside one cell (1.… 2.… / ①… / （1）…) become separate records
(`sheet_text.split_numbered`), causes are read by `sheet_text.parse_causes`, the level by
`grading.parse_level` (kept with `services.record_imported_level`), a measure's category from an optional
措施类别 column, a 【类别】 prefix, or guessed from its words.

A risk point is matched by subject and name: a match is updated (manifestations and measures replaced) when
it is still editable, left alone when nothing changed, and refused on its row when it was submitted or
approved. All or nothing: every problem is listed with sheet, row and column, and if there is any, nothing
is written; a dry run writes nothing either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.core.i18n import source_text
from lianfang.core.importing import (
    ImportReport,
    Row,
    Table,
    UnreadableFileError,
    add_service_error,
    normalise_label,
    open_workbook,
    run_import,
)
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org.models import Department, Person, Post, PostAssignment, Status

from . import grading, selectors, services
from .models import RiskPoint, RiskStatus
from .sheet_layout import (
    CATEGORY,
    CAUSES,
    DUTY,
    FIELDS,
    LEVEL,
    MANIFEST,
    MEASURES,
    NAME,
    NAME_NUMBER,
    NAME_SPLIT,
    NOTES,
    SUMMARY_MARK,
    SheetTable,
    above_table,
    find_header,
    kind_of,
    merged_origins,
    risk_rows,
    same,
)
from .sheet_text import (
    guess_measure_category,
    normalise_cell,
    parse_causes,
    parse_measure_category,
    split_numbered,
    strip_measure_category,
)
from .vocabulary import SubjectKind

# --- reading --------------------------------------------------------------------------------------------


@dataclass
class _Subject:
    kind: str
    department: Department | None = None
    post: Post | None = None

    @property
    def key(self) -> tuple[str, int | None, int | None]:
        return (
            self.kind,
            self.department.pk if self.department else None,
            self.post.pk if self.post else None,
        )

    def describe(self) -> str:
        if self.post is not None:
            return f"岗位“{self.post.department.name}/{self.post.name}”"
        if self.department is not None:
            return f"部门“{self.department.name}”"
        return "单位（领导班子）"


@dataclass
class _Item:
    row: Row
    subject: _Subject | None
    position: int
    duty: str
    name: str
    manifestations: list[str]
    causes: list[str]
    cause_note: str
    level: str | None
    measures: list[tuple[str, str]]
    categories_given: bool
    notes: str


class _RiskSheetImport:
    def __init__(self, workbook: Workbook, actor: Actor, cycle: Cycle, report: ImportReport):
        self.workbook, self.actor, self.cycle, self.report = workbook, actor, cycle, report
        unit = cycle.unit
        self.depts = {
            normalise_label(d.name): d for d in Department.objects.filter(unit=unit, status=Status.ACTIVE)
        }
        self.posts = list(
            Post.objects.filter(department__unit=unit, status=Status.ACTIVE).select_related("department")
        )
        self.items: list[_Item] = []
        # New risk points are checked one by one but written together (services.batch): per-row writes
        # would take minutes on a sheet of thousands of rows.
        self.pending: list[tuple[_Item, services.NewRisk]] = []
        self.seen: dict[tuple[tuple[str, int | None, int | None], str], str] = {}
        self.existing: dict[tuple[tuple[str, int | None, int | None], str], list[RiskPoint]] = {}
        for risk in selectors.with_details(selectors.risks(actor).filter(cycle=cycle)):
            subject = _Subject(risk.subject_kind, risk.department, risk.post)
            self.existing.setdefault((subject.key, normalise_label(risk.name)), []).append(risk)

    def run(self, source: str) -> None:
        found = sum(self.read(ws) for ws in self.workbook.worksheets)
        if not found and self.report.ok:
            self.report.add_error(
                "",
                None,
                "",
                "工作簿中没有廉政风险排查表：表头应包括 职责、廉政风险点、表现形式、原因分析、"
                "风险等级、防控措施、备注（附件二、附件三的格式）",
            )
            return
        for item in self.items:
            if not item.row.failed and item.subject is not None:
                self.save(item)
        self.create_pending()
        order = {ws.title: i for i, ws in enumerate(self.workbook.worksheets)}
        self.report.errors.sort(key=lambda e: (order.get(e.sheet, -1), e.row or 0))
        if self.report.ok and not self.report.dry_run:
            where = f"{self.cycle.unit.name}{self.cycle.year}年度"
            record(
                self.actor,
                AuditAction.IMPORT,
                object_type="risks.import",
                object_repr=f"廉政风险排查表导入 {where} {source}".strip(),
                scope_path=self.cycle.unit.path,
                after={
                    "file": source,
                    "cycle": self.cycle.pk,
                    "created": self.report.created,
                    "updated": self.report.updated,
                },
            )

    # --- one worksheet --------------------------------------------------------------------------------

    def read(self, ws: Any) -> int:
        """Read one worksheet's risk points into `self.items`; 0 when it is not a risk sheet."""
        sheet = find_header(ws, merged_origins(ws))
        if sheet is None:
            return 0
        if SUMMARY_MARK in sheet.columns:
            self.report.add_error(
                ws.title,
                sheet.header_row,
                "",
                "这是风险排查及风险评估汇总表，不能导入；请导入各部门、岗位或单位的排查表",
            )
            return 1
        fields, title = above_table(sheet)
        subject = self.subject(ws.title, sheet, fields, title)
        table = Table(ws.title, sheet.header_row, set(sheet.labels.values()), [], {})
        table.fields = {name: sheet.labels.get(canon, canon) for name, canon in FIELDS.items()}
        for position, rows in enumerate(risk_rows(sheet), start=1):
            values = {sheet.labels[canon]: sheet.value(rows[0], c) for canon, c in sheet.columns.items()}
            row = Row(self.report, table, rows[0], values)
            self.items.append(self.parse(sheet, row, rows, subject, position))
        return 1

    # --- the subject ----------------------------------------------------------------------------------

    def subject(
        self, sheet_title: str, sheet: SheetTable, fields: dict[str, tuple[str, int]], title: str
    ) -> _Subject | None:
        kind = kind_of(sheet.labels.get(DUTY, "").replace("职责", "", 1) or "")
        if kind is None:
            if {"person", "title", "post"} & set(fields):
                kind = SubjectKind.POST
            elif "department" in fields:
                kind = SubjectKind.DEPARTMENT
            else:
                kind = kind_of(title.replace("职权", ""))
        if kind is None:
            self.report.add_error(
                sheet_title,
                sheet.header_row,
                sheet.labels.get(DUTY, ""),
                "无法判断这是部门、岗位还是单位的排查表：请把职责列写成“部门职责”“岗位职责”或“单位职责”",
            )
            return None
        if kind == SubjectKind.DEPARTMENT:
            return self.department_subject(sheet_title, sheet, fields)
        if kind == SubjectKind.POST:
            return self.post_subject(sheet_title, sheet, fields)
        unit = self.cycle.unit
        if "unit" in fields and fields["unit"][0]:
            name, where = fields["unit"]
            if not any(same(name, n) for n in (unit.name, unit.short_name) if n):
                self.report.add_error(sheet_title, where, "单位", f"排查表的单位“{name}”不是{unit.name}")
                return None
        return _Subject(SubjectKind.UNIT)

    def department(self, name: str) -> Department | None:
        return self.depts.get(normalise_label(name.replace("／", "/").rsplit("/", 1)[-1]))

    def department_subject(
        self, sheet_title: str, sheet: SheetTable, fields: dict[str, tuple[str, int]]
    ) -> _Subject | None:
        unit = self.cycle.unit.name
        if "department" in fields and fields["department"][0]:
            name, where = fields["department"]
            dept = self.department(name)
            if dept is None:
                self.report.add_error(
                    sheet_title, where, "部门", f"部门“{name}”不存在：{unit}没有这个部门（或已停用）"
                )
                return None
            return _Subject(SubjectKind.DEPARTMENT, department=dept)
        dept = self.department(sheet_title)
        if dept is None:
            where = fields["department"][1] if "department" in fields else sheet.header_row
            self.report.add_error(
                sheet_title,
                where,
                "部门",
                f"未能确定部门：表格上方没有填写“部门（盖章）：”，工作表名“{sheet_title}”也不是{unit}的部门",
            )
            return None
        return _Subject(SubjectKind.DEPARTMENT, department=dept)

    def post_subject(
        self, sheet_title: str, sheet: SheetTable, fields: dict[str, tuple[str, int]]
    ) -> _Subject | None:
        def fail(key: str, column: str, message: str) -> None:
            where = fields[key][1] if key in fields else sheet.header_row
            self.report.add_error(sheet_title, where, column, message)

        def value(key: str) -> str:
            return fields[key][0] if key in fields else ""

        candidates = self.posts
        if value("department"):
            dept = self.department(value("department"))
            if dept is None:
                fail(
                    "department",
                    "部门",
                    f"部门“{value('department')}”不存在：{self.cycle.unit.name}没有这个部门（或已停用）",
                )
                return None
            candidates = [p for p in candidates if p.department.path.startswith(dept.path)]
        person_name, title, post_name = value("person"), value("title"), value("post")
        if post_name:
            found = [p for p in candidates if same(p.name, post_name)]
            where, column, what = "post", "岗位", f"岗位“{post_name}”"
        elif person_name:
            held = self.posts_held(person_name, title, candidates, fail)
            if held is None:
                return None
            found = held
            where, column, what = (
                "person",
                "姓名",
                f"“{person_name}”{'（' + title + '）' if title else ''}的岗位",
            )
        elif title:
            found = [p for p in candidates if same(p.name, title)]
            where, column, what = "title", "职务", f"岗位“{title}”"
        else:
            fail("person", "姓名", "未能确定岗位：请在表格上方填写“姓名：”和“职务：”（或“岗位：”）")
            return None
        if not found:
            fail(where, column, f"没有找到{what}（在用岗位中）")
            return None
        if len(found) > 1:
            names = "、".join(f"{p.department.name}/{p.name}" for p in found[:6])
            fail(where, column, f"{what}不唯一（{names}），请在表格上方写明“部门：”或“岗位：”")
            return None
        return _Subject(SubjectKind.POST, department=found[0].department, post=found[0])

    def posts_held(
        self, person_name: str, title: str, candidates: list[Post], fail: Callable[[str, str, str], None]
    ) -> list[Post] | None:
        """The candidate posts held (open assignments) by everyone named in 姓名, narrowed by 职务 (a post's
        name or the person's own title) when given."""
        names = [n for n in NAME_SPLIT.split(person_name) if n]
        allowed = {p.pk for p in candidates}
        held_ids: set[int] | None = None
        titles: dict[int, set[str]] = {}
        for name in names:
            people = Person.objects.filter(unit=self.cycle.unit, name=name, status=Status.ACTIVE)
            if not people.exists():
                fail("person", "姓名", f"姓名“{name}”不是{self.cycle.unit.name}的在职人员")
                return None
            mine = PostAssignment.objects.filter(
                person__in=people, end_date__isnull=True, post_id__in=allowed
            )
            posts: set[int] = set()
            for post_id, person_title in mine.values_list("post_id", "person__title"):
                posts.add(post_id)
                titles.setdefault(post_id, set()).add(person_title)
            held_ids = posts if held_ids is None else held_ids & posts
        found = [p for p in candidates if p.pk in (held_ids or set())]
        if not found:
            fail(
                "person",
                "姓名",
                f"“{person_name}”目前没有担任{'该部门的' if len(candidates) < len(self.posts) else ''}岗位",
            )
            return None
        if title:
            narrowed = [p for p in found if same(p.name, title) or any(same(t, title) for t in titles[p.pk])]
            if not narrowed:
                fail(
                    "title",
                    "职务",
                    f"“{person_name}”没有担任“{title}”（现任：{'、'.join(p.name for p in found)}）",
                )
                return None
            found = narrowed
        return found

    # --- one risk point -------------------------------------------------------------------------------

    def parse(
        self, sheet: SheetTable, row: Row, rows: list[int], subject: _Subject | None, position: int
    ) -> _Item:
        label = sheet.labels.get

        def joined(canon: str) -> str:
            return "\n".join(normalise_cell(v) for v in sheet.distinct(rows, canon))

        duty = row.text(label(DUTY, DUTY), multiline=True) if DUTY in sheet.columns else ""
        name = NAME_NUMBER.sub("", row.text(label(NAME, NAME), required=True, max_length=500))
        manifestations = [
            m for cell in sheet.distinct(rows, MANIFEST) for m in split_numbered(normalise_cell(cell))
        ]
        causes, cause_note = parse_causes(joined(CAUSES))
        level: str | None = None
        levels = list(dict.fromkeys(joined(LEVEL).split("\n"))) if joined(LEVEL) else []
        if len(levels) > 1:
            row.error(label(LEVEL, LEVEL), f"同一风险点写了多个风险等级（{'、'.join(levels)}）")
        elif levels:
            try:
                level = grading.parse_level(levels[0])
            except ServiceError as exc:
                row.error(label(LEVEL, LEVEL), exc.message)
        measures = self.measures(sheet, row, rows)
        item = _Item(
            row=row,
            subject=subject,
            position=position,
            duty=duty,
            name=name,
            manifestations=manifestations,
            causes=causes,
            cause_note=cause_note,
            level=level,
            measures=measures,
            categories_given=bool(sheet.distinct(rows, CATEGORY)),
            notes=joined(NOTES),
        )
        if subject is None:
            row.failed = True  # the sheet's subject is unknown: reported once for the sheet
        elif name:
            key = (subject.key, normalise_label(name))
            here = f"工作表 {row.sheet} 第 {row.number} 行"
            if key in self.seen:
                row.error(
                    label(NAME, NAME), f"{subject.describe()}的廉政风险点“{name}”与{self.seen[key]}重复"
                )
            else:
                self.seen[key] = here
        return item

    def measures(self, sheet: SheetTable, row: Row, rows: list[int]) -> list[tuple[str, str]]:
        texts = [m for cell in sheet.distinct(rows, MEASURES) for m in split_numbered(normalise_cell(cell))]
        given = [c for cell in sheet.distinct(rows, CATEGORY) for c in split_numbered(normalise_cell(cell))]
        column = sheet.labels.get(CATEGORY, CATEGORY)
        categories: list[str | None] = []
        for text in given:
            category = parse_measure_category(text)
            if category is None:
                row.error(
                    column,
                    f"措施类别“{text}”无效，应为：优化权力结构、改进业务流程、规范行政裁量、"
                    "加强制度建设、依法依规公开、强化科技防控、廉政教育",
                )
            categories.append(category)
        if given and len(given) not in (1, len(texts)):
            row.error(
                column,
                f"写了 {len(given)} 个措施类别，但有 {len(texts)} 条防控措施：请写一个类别，或每条措施一个",
            )
        out = []
        for index, text in enumerate(texts):
            prefix, body = strip_measure_category(text)
            chosen = (
                categories[0]
                if len(categories) == 1
                else categories[index]
                if index < len(categories)
                else None
            )
            out.append((chosen or prefix or guess_measure_category(body), body))
        return out

    # --- writing ----------------------------------------------------------------------------------------

    def save(self, item: _Item) -> None:
        assert item.subject is not None
        matches = self.existing.get((item.subject.key, normalise_label(item.name)), [])
        column = item.row.fields.get("name", NAME)
        if len(matches) > 1:
            codes = "、".join(r.code for r in matches)
            item.row.error(
                column,
                f"本年度{item.subject.describe()}已有多个名为“{item.name}”的风险点（{codes}），无法确定更新哪一个",
            )
            return
        if not matches:
            self.pending.append((item, self.new_risk(item)))
            return
        risk = matches[0]
        if unchanged(risk, item):
            self.report.updated += 1
            return
        if risk.status not in (RiskStatus.DRAFT, RiskStatus.RETURNED):
            status = source_text(RiskStatus(risk.status).label)
            item.row.error(
                column, f"风险点“{risk.name}”（{risk.code}）{status}，不能通过导入修改；需先退回后再导入"
            )
            return
        if item.row.attempt(partial(self.update, risk.pk, item)) is not None:
            self.report.updated += 1

    def new_risk(self, item: _Item) -> services.NewRisk:
        assert item.subject is not None
        data = services.RiskData(
            subject_kind=item.subject.kind,
            name=item.name,
            department=item.subject.department,
            post=item.subject.post,
            duty=item.duty,
            manifestations=item.manifestations,
            causes=item.causes,
            cause_note=item.cause_note,
            notes=item.notes,
            sort_order=item.position,
        )
        measures = [services.MeasureData(category=category, text=text) for category, text in item.measures]
        return services.NewRisk(data=data, measures=measures, level=item.level or None)

    def create_pending(self) -> None:
        if not self.pending:
            return
        entries = [entry for _item, entry in self.pending]
        problems = services.check_batch(self.actor, self.cycle, entries)
        for index, exc in problems.items():
            add_service_error(self.pending[index][0].row, exc)
        if problems or not self.report.ok:
            return  # the whole import is rolled back anyway: don't write what would be undone
        services.create_risks_in_batch(self.actor, self.cycle, entries)
        self.report.created += len(entries)

    def update(self, pk: int, item: _Item) -> RiskPoint:
        risk = selectors.get_risk(self.actor, pk)  # fresh: the services re-read its manifestations
        data = services.RiskData(
            subject_kind=risk.subject_kind,
            name=item.name,
            department=risk.department,
            post=risk.post,
            code=risk.code,
            duty=item.duty,
            manifestations=item.manifestations,
            risk_type=risk.risk_type,
            risk_kind=risk.risk_kind,
            causes=item.causes,
            cause_note=item.cause_note,
            found_by=risk.found_by,
            power=risk.power,
            step=risk.step,
            three_important=risk.three_important,
            notes=item.notes,
            sort_order=risk.sort_order,
        )
        services.update_risk(self.actor, risk, data)
        if not same_measures(risk, item):
            for measure in list(risk.measures.all()):
                services.remove_measure(self.actor, measure)
            for category, text in item.measures:
                services.add_measure(self.actor, risk, services.MeasureData(category=category, text=text))
        if item.level and item.level != risk.level:
            services.record_imported_level(self.actor, risk, item.level)
        return risk


def same_measures(risk: RiskPoint, item: _Item) -> bool:
    stored = [(m.category, m.text) for m in risk.measures.all()]
    if item.categories_given:
        return stored == item.measures
    return [text for _, text in stored] == [text for _, text in item.measures]


def unchanged(risk: RiskPoint, item: _Item) -> bool:
    """Whether the row says what the stored risk point already says (a blank level keeps the stored one)."""
    return (
        risk.duty == item.duty
        and risk.name == item.name
        and [m.text for m in risk.manifestations.all()] == item.manifestations
        and list(risk.causes) == item.causes
        and risk.cause_note == item.cause_note
        and risk.notes == item.notes
        and (item.level is None or item.level == risk.level)
        and same_measures(risk, item)
    )


def import_risk_sheet(
    path_or_file: str | Path | IO[bytes], *, actor: Actor, cycle: Cycle, dry_run: bool = False
) -> ImportReport:
    """Import every risk sheet of the workbook into `cycle` with `actor`'s permissions; all or nothing."""
    report = ImportReport(dry_run=dry_run)
    try:
        workbook = open_workbook(path_or_file)
    except UnreadableFileError as exc:
        report.add_error("", None, "", str(exc))
        return report
    if cycle.status != CycleStatus.OPEN:
        report.add_error("", None, "", f"{cycle.unit.name}{cycle}已结束，不能再导入风险排查表")
        return report
    if isinstance(path_or_file, str | Path):
        source = Path(path_or_file).name
    else:
        source = Path(str(getattr(path_or_file, "name", "") or "")).name
    return run_import(
        lambda report: _RiskSheetImport(workbook, actor, cycle, report).run(source), dry_run=dry_run
    )
