"""The official risk sheets built from the register (through the scoped selectors), and their export.

- `department_sheet(actor, cycle, department)`: 附件二 部门工作廉政风险排查表, the department's own risk
  points; header 部门（盖章）, 负责人 (the department's head), 填表日期.
- `post_sheet(actor, cycle, post)`: 附件三 个人岗位廉政风险排查表; header 部门, 姓名 (the post's current
  holders), 职务 (the post), 填表日期.
- `unit_sheet(actor, cycle)`: the unit's (领导班子) own risk points; header 单位（盖章）, 主要领导, 填表日期.
- `summary_sheet(actor, cycle)`: 风险排查及风险评估汇总表, every risk point of the unit the actor may see.

Rows are grouped by duty, in the order the duties first appear (risk points in the register's order:
sort order, then code). `export_sheets(actor, cycle, views, fmt)` draws the views as xlsx, PDF or Word and
records the export in the audit log. The layouts are documented in docs/formats/risk-sheets.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from lianfang.accounts.models import Role, RoleGrant
from lianfang.audit.services import record_export
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.core.i18n import source_text
from lianfang.core.vocabulary import RiskType
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post, PostAssignment

from . import selectors
from .models import RiskPoint
from .responsibility import OrgFacts, ResponsibilityError, load_facts, responsibility_for
from .sheet_view import FOOTERS, DutyGroup, SheetKind, SheetRisk, SheetView
from .vocabulary import Cause, RiskKind, RiskLevel, SubjectKind

FORMATS = ("xlsx", "pdf", "docx")


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- who: holders, heads, leaders -------------------------------------------------------------------


def holder_names(post: Post) -> list[str]:
    """The names of the post's current holders (open assignments), earliest start first."""
    rows = PostAssignment.objects.filter(post=post, end_date__isnull=True).order_by("start_date", "id")
    return list(dict.fromkeys(rows.values_list("person__name", flat=True)))


def department_head(department: Department, facts: OrgFacts | None = None) -> str:
    """The department's head as `responsibility` finds it (the holders of its 中层 head post, a post not
    named 副… first); else the people granted the 部门负责人 role over it; else ""."""
    facts = facts or load_facts(department.unit_id)
    heads = facts.dept_heads.get(department.pk)
    if heads:
        return "、".join(dict.fromkeys(w.name for w in heads))
    grants = RoleGrant.objects.filter(
        role=Role.DEPT_HEAD, department=department, revoked_at__isnull=True, user__person__isnull=False
    ).order_by("granted_at", "id")
    return "、".join(dict.fromkeys(grants.values_list("user__person__name", flat=True)))


def responsible_text(risk: RiskPoint, facts: OrgFacts) -> str:
    """The summary's 责任人: the managing person (分级负责, `responsibility`), and for a post's risk its
    holders as 直接责任人. Blank when the level or the organisation does not say yet."""
    try:
        found = responsibility_for(risk, facts)
    except ResponsibilityError:
        return ""
    manager = f"{found.manager.title} {found.manager.name}".strip() or found.manager.display
    if found.direct:
        return f"{manager}；直接责任人：{'、'.join(p.name for p in found.direct)}"
    return manager


# --- rows ---------------------------------------------------------------------------------------------


def causes_text(causes: Iterable[str], note: str) -> str:
    """原因分析 as written on the sheet: the cause labels joined with 、, then the free text."""
    labels = [source_text(Cause(c).label) for c in causes if c in Cause.values]
    return "、".join([*labels, *([note] if note else [])])


def level_text(level: str) -> str:
    return source_text(RiskLevel(level).label) if level in RiskLevel.values else ""


def sheet_risk(risk: RiskPoint, responsible: Callable[[RiskPoint], str] | None = None) -> SheetRisk:
    """One risk point as a sheet row (manifestations and measures prefetched by `with_details`)."""
    return SheetRisk(
        code=risk.code,
        name=risk.name,
        manifestations=tuple(m.text for m in risk.manifestations.all()),
        causes=causes_text(risk.causes, risk.cause_note),
        level=level_text(risk.level),
        measures=tuple(m.text for m in risk.measures.all()),
        notes=risk.notes,
        subject=source_text(SubjectKind(risk.subject_kind).label),
        department=risk.department.name if risk.department else "",
        post=risk.post.name if risk.post else "",
        risk_type=source_text(RiskType(risk.risk_type).label) if risk.risk_type in RiskType.values else "",
        risk_kind=source_text(RiskKind(risk.risk_kind).label) if risk.risk_kind in RiskKind.values else "",
        responsible=responsible(risk) if responsible else "",
    )


def group_by_duty(risks: Iterable[SheetRisk], duties: Iterable[str]) -> tuple[DutyGroup, ...]:
    """Risk points grouped by duty text, in the order each duty first appears."""
    groups: dict[str, list[SheetRisk]] = {}
    for risk, duty in zip(risks, duties, strict=True):
        groups.setdefault(duty, []).append(risk)
    return tuple(DutyGroup(duty, tuple(items)) for duty, items in groups.items())


def _ordered(qs: QuerySet[RiskPoint]) -> list[RiskPoint]:
    return list(selectors.with_details(qs).order_by("sort_order", "code", "id"))


def _view(kind: str, title: str, header: tuple[tuple[str, str], ...], risks: list[RiskPoint]) -> SheetView:
    rows = [sheet_risk(r) for r in risks]
    return SheetView(
        kind=kind,
        title=title,
        header=header,
        groups=group_by_duty(rows, (r.duty for r in risks)),
        footer_label=FOOTERS[kind],
    )


def _in_cycle(cycle: Cycle, ok: bool, what: str) -> None:
    if not ok:
        raise ServiceError(f"{what}不属于{cycle.unit.name}")


# --- the four sheets ----------------------------------------------------------------------------------


def department_sheet(
    actor: Actor, cycle: Cycle, department: Department, *, today: date | None = None
) -> SheetView:
    """附件二: the department's own risk points (not those of its posts or sub-departments)."""
    _in_cycle(cycle, department.unit_id == cycle.unit_id, f"部门“{department.name}”")
    qs = selectors.risks(actor).filter(
        cycle=cycle, subject_kind=SubjectKind.DEPARTMENT, department=department
    )
    header = (
        ("部门（盖章）", department.name),
        ("负责人", department_head(department)),
        ("填表日期", chinese_date(today or timezone.localdate())),
    )
    title = f"{cycle.unit.name}{department.name}工作廉政风险排查表（{cycle.year}年度）"
    return _view(SheetKind.DEPARTMENT, title, header, _ordered(qs))


def post_sheet(actor: Actor, cycle: Cycle, post: Post, *, today: date | None = None) -> SheetView:
    """附件三: one post's risk points; 姓名 are its current holders, 职务 the post."""
    _in_cycle(cycle, post.department.unit_id == cycle.unit_id, f"岗位“{post.name}”")
    qs = selectors.risks(actor).filter(cycle=cycle, subject_kind=SubjectKind.POST, post=post)
    header = (
        ("部门", post.department.name),
        ("姓名", "、".join(holder_names(post))),
        ("职务", post.name),
        ("填表日期", chinese_date(today or timezone.localdate())),
    )
    title = f"{cycle.unit.name}{post.department.name}{post.name}个人岗位廉政风险排查表（{cycle.year}年度）"
    return _view(SheetKind.POST, title, header, _ordered(qs))


def unit_sheet(actor: Actor, cycle: Cycle, *, today: date | None = None) -> SheetView:
    """The unit's (领导班子) own risk points."""
    qs = selectors.risks(actor).filter(cycle=cycle, subject_kind=SubjectKind.UNIT)
    header = (
        ("单位（盖章）", cycle.unit.name),
        ("主要领导", head.name if (head := load_facts(cycle.unit_id).head) else ""),
        ("填表日期", chinese_date(today or timezone.localdate())),
    )
    title = f"{cycle.unit.name}单位职权及风险排查表（{cycle.year}年度）"
    return _view(SheetKind.UNIT, title, header, _ordered(qs))


def summary_sheet(actor: Actor, cycle: Cycle, *, today: date | None = None) -> SheetView:
    """风险排查及风险评估汇总表: every risk point of the cycle the actor may see, unit first, then by
    organisation path; one group (the summary has no duty column)."""
    facts = load_facts(cycle.unit_id)
    qs = selectors.with_details(selectors.risks(actor).filter(cycle=cycle))
    order = {SubjectKind.UNIT: 0, SubjectKind.DEPARTMENT: 1, SubjectKind.POST: 2}
    risks = sorted(
        qs,
        key=lambda r: (
            order.get(SubjectKind(r.subject_kind), 3),
            r.path,
            r.post.name if r.post else "",
            r.sort_order,
            r.code,
        ),
    )
    header = (
        ("单位（盖章）", cycle.unit.name),
        ("填表日期", chinese_date(today or timezone.localdate())),
    )
    title = f"{cycle.unit.name}风险排查及风险评估汇总表（{cycle.year}年度）"
    rows = tuple(sheet_risk(r, lambda risk: responsible_text(risk, facts)) for r in risks)
    return SheetView(
        kind=SheetKind.SUMMARY,
        title=title,
        header=header,
        groups=(DutyGroup("", rows),) if rows else (),
        footer_label=FOOTERS[SheetKind.SUMMARY],
    )


# --- export -------------------------------------------------------------------------------------------


def render(views: list[SheetView], fmt: str, progress: Callable[[int], None] | None = None) -> bytes:
    """The views drawn in one file: xlsx (`sheet_xlsx`), PDF (`sheet_pdf`) or Word (`sheet_docx`)."""
    if fmt == "xlsx":
        from .sheet_xlsx import write_workbook

        return write_workbook(views, progress=progress)
    if fmt == "pdf":
        from .sheet_pdf import write_pdf  # type: ignore[import-not-found,unused-ignore]

        data: bytes = write_pdf(views)
    elif fmt == "docx":
        from .sheet_docx import write_docx  # type: ignore[import-not-found,unused-ignore]

        data = write_docx(views)
    else:
        raise ServiceError(f"导出格式应为 {'、'.join(FORMATS)}", field="format")
    if progress:
        progress(sum(v.risk_count for v in views))
    return data


def export_sheets(
    actor: Actor,
    cycle: Cycle,
    views: list[SheetView],
    fmt: str,
    *,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Draw the views and record the export (what, how many risk points) in the audit log."""
    if fmt not in FORMATS:
        raise ServiceError(f"导出格式应为 {'、'.join(FORMATS)}", field="format")
    data = render(views, fmt, progress)
    with transaction.atomic():
        record_export(
            actor,
            what=f"导出{'、'.join(v.title for v in views)}（{fmt}）",
            object_type="risks.sheet",
            details={
                "cycle": cycle.pk,
                "unit": cycle.unit.code,
                "year": cycle.year,
                "format": fmt,
                "sheets": [{"kind": v.kind, "title": v.title, "count": v.risk_count} for v in views],
            },
        )
    return data
