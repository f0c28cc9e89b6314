"""The official risk sheets on screen (附件二 部门, 附件三 岗位, the unit's sheet, the 汇总表), exported.

The page offers the sheets of the subjects in the actor's risk scope: the departments and posts whose risk
points the actor may read, and the unit's sheet and the summary to whoever may read the whole unit. The
builders in `risks.sheets` read the register through the scoped selectors; the export goes through
`sheets.export_sheets`, which records it in the audit log. Department and post sheets also show the
subject's own level (`subject_levels`) with its explanation and the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can, scope
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.core.i18n import source_text
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import ui_view
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post, PostAssignment, Status
from lianfang.powers.forms import dept_label, post_label

from .. import sheets
from ..grading import describe_subject_rule
from ..models import RiskPoint
from ..sheet_view import APPENDIX, SheetKind, SheetRisk, SheetView
from ..subject_levels import subject_level_of_department, subject_level_of_post
from ..vocabulary import RiskLevel
from .common import Crumb, pick_cycle, register_crumbs, require_view

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
SUMMARY, UNIT = "summary", "unit"
NOT_FOUND = "排查表不存在或不在您的权限范围内"
# 高/中/低 as the sheets write them → the level value (the badge's class).
LEVEL_OF_TEXT = {source_text(level.label): level.value for level in RiskLevel}


# --- which sheets the actor may open ----------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """The sheets offered in a cycle: unit-wide ones (unit sheet and summary), departments and posts."""

    unit_wide: bool
    departments: list[Department]
    posts: list[Post]
    held: list[int]  # the posts the user holds among `posts`

    def choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The select's option groups: (group label, [(value, label)])."""
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        if self.unit_wide:
            groups.append(
                (
                    _("单位"),
                    [
                        (SUMMARY, source_text(SheetKind.SUMMARY.label)),
                        (UNIT, source_text(SheetKind.UNIT.label)),
                    ],
                )
            )
        if self.departments:
            groups.append(
                (
                    _("附件二 部门工作廉政风险排查表"),
                    [(f"department-{d.pk}", dept_label(d)) for d in self.departments],
                )
            )
        if self.posts:
            groups.append(
                (_("附件三 个人岗位廉政风险排查表"), [(f"post-{p.pk}", post_label(p)) for p in self.posts])
            )
        return groups

    def default(self) -> str:
        """What the page opens on: the user's own post, else the summary, else the first department/post."""
        if self.held:
            return f"post-{self.held[0]}"
        if self.unit_wide:
            return SUMMARY
        if self.departments:
            return f"department-{self.departments[0].pk}"
        if self.posts:
            return f"post-{self.posts[0].pk}"
        return ""


def _subjects_of(cycle: Cycle, field: str) -> QuerySet[RiskPoint, dict[str, Any]]:
    return RiskPoint.objects.filter(cycle=cycle, **{f"{field}__isnull": False}).values(field)


def offer(request: HttpRequest, actor: Actor, cycle: Cycle) -> Offer:
    """The subjects in the actor's risk scope: active ones, and retired ones that have risk points in the
    cycle (an earlier year's sheet stays readable)."""
    unit = cycle.unit
    departments = scope(
        actor,
        Action.VIEW,
        ObjectType.RISK,
        Department.objects.filter(unit=unit).select_related("parent"),
        lookups=("path",),
    ).filter(Q(status=Status.ACTIVE) | Q(pk__in=_subjects_of(cycle, "department")))
    posts = scope(
        actor,
        Action.VIEW,
        ObjectType.RISK,
        Post.objects.filter(department__unit=unit).select_related("department"),
        lookups=("department__path",),
    ).filter(Q(status=Status.ACTIVE) | Q(pk__in=_subjects_of(cycle, "post")))
    post_list = list(posts.order_by("department__path", "name", "pk"))
    person = getattr(request.user, "person", None)
    held: list[int] = []
    if person is not None:
        mine = set(
            PostAssignment.objects.filter(person=person, end_date__isnull=True).values_list(
                "post_id", flat=True
            )
        )
        held = [p.pk for p in post_list if p.pk in mine]
    return Offer(
        unit_wide=can(actor, Action.VIEW, ObjectType.RISK, unit.path),
        departments=list(departments.order_by("path")),
        posts=post_list,
        held=held,
    )


@dataclass(frozen=True)
class Chosen:
    value: str
    department: Department | None = None
    post: Post | None = None


def choose(found: Offer, value: str) -> Chosen:
    """The sheet asked for, if offered; anything else is not found (out of scope or unknown)."""
    if value in (SUMMARY, UNIT) and found.unit_wide:
        return Chosen(value)
    kind, _sep, pk = value.partition("-")
    if kind == "department":
        for department in found.departments:
            if str(department.pk) == pk:
                return Chosen(value, department=department)
    if kind == "post":
        for post in found.posts:
            if str(post.pk) == pk:
                return Chosen(value, post=post)
    raise NotFoundError(NOT_FOUND)


def build(actor: Actor, cycle: Cycle, chosen: Chosen) -> SheetView:
    if chosen.department is not None:
        return sheets.department_sheet(actor, cycle, chosen.department)
    if chosen.post is not None:
        return sheets.post_sheet(actor, cycle, chosen.post)
    if chosen.value == UNIT:
        return sheets.unit_sheet(actor, cycle)
    return sheets.summary_sheet(actor, cycle)


def resolve(request: HttpRequest, actor: Actor) -> tuple[Cycle | None, Any, Offer | None, Chosen | None]:
    cycle, choices = pick_cycle(request, actor)
    if cycle is None:
        return None, choices, None, None
    found = offer(request, actor, cycle)
    value = request.GET.get("sheet") or found.default()
    if not value:
        return cycle, choices, found, None
    return cycle, choices, found, choose(found, value)


# --- the table on screen ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One risk point's row: `span` > 0 on the first row of its duty group (the 职责 cell's rowspan)."""

    risk: SheetRisk | None  # None: a duty without risk points
    number: int
    level: str  # the level value, for the badge
    duty: str = ""
    span: int = 0


def rows_of(view: SheetView) -> list[Row]:
    rows: list[Row] = []
    number = 0
    for group in view.groups:
        if not group.risks:
            rows.append(Row(None, 0, "", group.duty, 1))
            continue
        for i, risk in enumerate(group.risks):
            number += 1
            span = len(group.risks) if i == 0 else 0
            rows.append(Row(risk, number, LEVEL_OF_TEXT.get(risk.level, ""), group.duty, span))
    return rows


@dataclass(frozen=True)
class SubjectLevel:
    label: str  # 岗位风险等级 / 部门风险等级
    level: str
    explanation: str  # how the rule applied (the rule itself is in `rule`)
    rule: str


def subject_level_of(cycle: Cycle, chosen: Chosen) -> SubjectLevel | None:
    rule = describe_subject_rule()
    if chosen.post is not None:
        label = _("岗位风险等级")
        level, explanation = subject_level_of_post(cycle, chosen.post)
    elif chosen.department is not None:
        label = _("部门风险等级")
        level, explanation = subject_level_of_department(cycle, chosen.department)
    else:
        return None
    explanation = explanation.removeprefix(rule)
    return SubjectLevel(label, level, explanation, rule)


def export_url(cycle: Cycle, chosen: Chosen, fmt: str) -> str:
    query = urlencode({"cycle": cycle.pk, "sheet": chosen.value, "format": fmt})
    return f"{reverse('risks:sheet_export')}?{query}"


@login_required
@ui_view
def sheet_page(request: HttpRequest) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    cycle, choices, found, chosen = resolve(request, actor)
    context: dict[str, Any] = {
        "cycle": cycle,
        "cycle_choices": choices,
        "crumbs": [*register_crumbs(cycle), Crumb(_("风险排查表"))],
    }
    if cycle is not None and found is not None:
        context["sheet_choices"] = found.choices()
    if cycle is not None and chosen is not None:
        view = build(actor, cycle, chosen)
        # The footer's label cell: over 序号 and 风险主体 in the summary, so that 序号 stays narrow.
        footer_span = 2 if view.kind == SheetKind.SUMMARY else 1
        context.update(
            {
                "chosen": chosen.value,
                "view": view,
                "appendix": APPENDIX.get(view.kind, ""),
                "duty_sheet": view.kind != SheetKind.SUMMARY,
                "footer_span": footer_span,
                "footer_rest": len(view.columns) - footer_span,
                "rows": rows_of(view),
                "subject_level": subject_level_of(cycle, chosen),
                "exports": [
                    (_("导出 Excel"), export_url(cycle, chosen, "xlsx")),
                    (_("导出 PDF"), export_url(cycle, chosen, "pdf")),
                    (_("导出 Word"), export_url(cycle, chosen, "docx")),
                ],
            }
        )
    return render(request, "risks/sheets.html", context)


@login_required
@ui_view
def sheet_export(request: HttpRequest) -> HttpResponse:
    """The sheet on the page as a file (xlsx, PDF or Word); `export_sheets` records the export."""
    require_view(request)
    fmt = request.GET.get("format", "")
    if fmt not in CONTENT_TYPES:
        return HttpResponseBadRequest(_("导出格式应为 xlsx、pdf 或 docx"))
    actor = actor_of(request)
    cycle, _choices, _found, chosen = resolve(request, actor)
    if cycle is None or chosen is None:
        raise NotFoundError(NOT_FOUND)
    view = build(actor, cycle, chosen)
    content = sheets.export_sheets(actor, cycle, [view], fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{view.title}.{fmt}')}"
    return response
