"""The progress board of a cycle: per department and per post, where its risk sheet stands, how many risk
points it has, how often it was sent back, and whether it is late against the phase
deadlines (chain.deadlines).

A subject without a sheet row counts as 未开始 (a draft nobody opened). The board is read in a handful of
aggregate queries whatever the number of posts: departments, posts, sheets, risk counts, returns, phases.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, prefixes
from lianfang.core.actor import Actor
from lianfang.core.i18n import source_text
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post, Status
from lianfang.risks.models import RiskPoint
from lianfang.risks.vocabulary import SubjectKind

from . import chain
from .models import Phase, RiskSheet, SheetAction, SheetEvent, SheetStage
from .selectors_progress import phase_ends

NOT_STARTED = "none"
St = SheetStage

# The columns of the board: where a sheet stands, in words everyone uses.
BUCKETS: tuple[tuple[str, str], ...] = (
    (NOT_STARTED, "未开始"),
    ("drafted", "填报中"),
    ("submitted", "审核中"),
    ("returned", "已退回"),
    ("approved", "已审定"),
    ("published", "已公示"),
)
BUCKET_OF: dict[str, str] = {
    St.DRAFT: "drafted",
    St.COMMENTING: "drafted",
    St.DEPT_REVIEW: "submitted",
    St.LEADER_REVIEW: "submitted",
    St.OFFICE_CHECK: "submitted",
    St.DECISION: "submitted",
    St.RETURNED: "returned",
    St.APPROVED: "approved",
    St.PUBLISHED: "published",
}
STAGE_FILTERS: tuple[tuple[str, str], ...] = (
    (NOT_STARTED, "未开始"),
    *((value, source_text(label)) for value, label in St.choices),
)


def phase_name(phase: str) -> str:
    return source_text(Phase(phase).label) if phase in Phase.values else phase


def stage_name(stage: str) -> str:
    return source_text(St(stage).label) if stage in St.values else "未开始"


@dataclass
class Row:
    kind: str
    subject_id: int
    name: str
    department_id: int | None
    department_name: str
    path: str
    sheet_id: int | None
    stage: str  # "" without a sheet
    risk_count: int
    returned_count: int
    late: chain.Deadline | None
    due: chain.Deadline | None

    @property
    def bucket(self) -> str:
        return BUCKET_OF.get(self.stage, NOT_STARTED)

    @property
    def stage_label(self) -> str:
        return stage_name(self.stage)

    @property
    def late_label(self) -> str:
        if self.late is None:
            return ""
        return (
            f"{phase_name(self.late.phase)}（{self.late.due:%Y-%m-%d}）应达到“{stage_name(self.late.stage)}”"
        )

    @property
    def due_label(self) -> str:
        if self.due is None:
            return ""
        return f"{self.due.due:%Y-%m-%d}前达到“{stage_name(self.due.stage)}”"

    def matches(self, stage: str, late_only: bool) -> bool:
        if late_only and self.late is None:
            return False
        if stage == NOT_STARTED:
            return self.sheet_id is None
        return not stage or self.stage == stage


@dataclass
class Rollup:
    buckets: Counter[str] = field(default_factory=Counter)
    late: int = 0
    subjects: int = 0
    risks: int = 0
    returned: int = 0

    def add(self, row: Row) -> None:
        self.buckets[row.bucket] += 1
        self.late += row.late is not None
        self.subjects += 1
        self.risks += row.risk_count
        self.returned += row.returned_count

    def cells(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.buckets.get(key, 0)) for key, label in BUCKETS]


@dataclass
class DeptBlock:
    department: Row
    posts: list[Row]
    rollup: Rollup  # the posts of this department and of the departments below it


@dataclass
class Board:
    cycle: Cycle
    today: dt.date
    deadlines: list[chain.Deadline]
    unit: Row | None
    blocks: list[DeptBlock]
    totals: Rollup  # every post row in scope
    dept_totals: Rollup  # every department row in scope

    def rows(self) -> list[Row]:
        """Every row drawn, unit first, each department followed by its posts (for the table and the CLI)."""
        out = [self.unit] if self.unit else []
        for b in self.blocks:
            out.append(b.department)
            out.extend(b.posts)
        return out


def _in_scope(path: str, paths: list[str]) -> bool:
    return any(path.startswith(p) for p in paths)


def build(
    actor: Actor, cycle: Cycle, *, stage: str = "", late_only: bool = False, today: dt.date | None = None
) -> Board:
    """The board of the cycle's unit as the actor may see it (RISK VIEW scope), filtered."""
    today = today or timezone.localdate()
    paths = prefixes(actor, Action.VIEW, ObjectType.RISK)
    unit = cycle.unit
    dues = chain.deadlines(phase_ends(cycle.pk))

    departments = [
        d
        for d in Department.objects.filter(unit=unit, status=Status.ACTIVE)
        .order_by("path")
        .values("id", "name", "path")
        if _in_scope(d["path"], paths)
    ]
    posts = [
        p
        for p in Post.objects.filter(department__unit=unit, status=Status.ACTIVE)
        .order_by("department__path", "name", "id")
        .values("id", "name", "department_id", "department__path")
        if _in_scope(p["department__path"], paths)
    ]
    sheets = RiskSheet.objects.filter(cycle=cycle).values_list(
        "id", "subject_kind", "post_id", "department_id", "stage"
    )
    sheet_of: dict[tuple[str, int | None], tuple[int, str]] = {}
    for sheet_pk, kind, post_id, department_id, sheet_stage in sheets:
        sheet_of[(kind, post_id if kind == SubjectKind.POST else department_id)] = (sheet_pk, sheet_stage)
    risk_counts: dict[tuple[str, int | None], int] = {}
    for r in (
        RiskPoint.objects.filter(cycle=cycle)
        .order_by()
        .values("subject_kind", "post_id", "department_id")
        .annotate(n=Count("id"))
    ):
        subject = r["post_id"] if r["subject_kind"] == SubjectKind.POST else r["department_id"]
        key = (r["subject_kind"], None if r["subject_kind"] == SubjectKind.UNIT else subject)
        risk_counts[key] = risk_counts.get(key, 0) + r["n"]
    returns = dict(
        SheetEvent.objects.filter(sheet__cycle=cycle, action=SheetAction.RETURN)
        .order_by()
        .values("sheet_id")
        .annotate(n=Count("id"))
        .values_list("sheet_id", "n")
    )

    def row(kind: str, subject_id: int, name: str, dept_id: int | None, dept_name: str, path: str) -> Row:
        key = (kind, None if kind == SubjectKind.UNIT else subject_id)
        sheet = sheet_of.get(key)
        sheet_id, stage = sheet if sheet else (None, "")
        effective = stage or St.DRAFT
        return Row(
            kind=kind,
            subject_id=subject_id,
            name=name,
            department_id=dept_id,
            department_name=dept_name,
            path=path,
            sheet_id=sheet_id,
            stage=stage,
            risk_count=risk_counts.get(key, 0),
            returned_count=returns.get(sheet_id, 0) if sheet_id else 0,
            late=chain.missed(kind, effective, dues, today),
            due=chain.next_due(kind, effective, dues, today),
        )

    unit_row = None
    if _in_scope(unit.path, paths):
        unit_row = row(SubjectKind.UNIT, unit.pk, unit.name, None, "", unit.path)
    dept_rows = {
        d["id"]: row(SubjectKind.DEPARTMENT, d["id"], d["name"], d["id"], d["name"], d["path"])
        for d in departments
    }
    names = {d["id"]: d["name"] for d in departments}
    post_rows: dict[int, list[Row]] = {}
    totals = Rollup()
    for p in posts:
        if p["department_id"] not in names:  # a post left in a retired department
            continue
        prow = row(
            SubjectKind.POST,
            p["id"],
            p["name"],
            p["department_id"],
            names.get(p["department_id"], ""),
            p["department__path"],
        )
        post_rows.setdefault(p["department_id"], []).append(prow)
        totals.add(prow)
    dept_totals = Rollup()
    blocks = []
    for dept_id, drow in dept_rows.items():
        dept_totals.add(drow)
        rollup = Rollup()
        for other_id, other in dept_rows.items():
            if other.path.startswith(drow.path):
                for child in post_rows.get(other_id, []):
                    rollup.add(child)
        shown = [x for x in post_rows.get(dept_id, []) if x.matches(stage, late_only)]
        if shown or drow.matches(stage, late_only):
            blocks.append(DeptBlock(drow, shown, rollup))
    if unit_row is not None and not unit_row.matches(stage, late_only):
        unit_row = None
    return Board(cycle, today, dues, unit_row, blocks, totals, dept_totals)
