"""Risk sheets along their review chains: the list (with 待我处理), one sheet with its chain, risk points,
moves and history by version, and one POST for every move."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.errors import NotFoundError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import flash_service_error, paginate, ui_view
from lianfang.cycles import selectors as cycle_selectors
from lianfang.org import selectors as org_selectors
from lianfang.powers.views.common import Crumb, int_param, pick_cycle
from lianfang.risks import selectors as risk_selectors
from lianfang.risks.services import readiness_problems
from lianfang.risks.vocabulary import SubjectKind

from .. import chain, selectors
from ..models import RiskSheet, SheetAction, SheetStage
from ..services import sheets as services

BUTTONS = {
    SheetAction.OPEN_COMMENTS: gettext_lazy("征求同事意见"),
    SheetAction.SUBMIT: gettext_lazy("提交审核"),
    SheetAction.PASS: gettext_lazy("审核通过"),
    SheetAction.APPROVE: gettext_lazy("审定通过"),
    SheetAction.PUBLISH: gettext_lazy("公示"),
    SheetAction.RETURN: gettext_lazy("退回"),
    SheetAction.REVISE: gettext_lazy("重新修订"),
}


def _require_view(request: HttpRequest) -> None:
    if not can_anywhere(actor_of(request), Action.VIEW, ObjectType.RISK):
        raise PermissionDenied(_("您没有查看风险排查表的权限"))


def sheet_url(sheet: RiskSheet) -> str:
    return reverse("review:sheet", args=[sheet.pk])


def official_form_url(sheet: RiskSheet) -> str:
    """The same sheet drawn as the official form (附件二/三), with its exports."""
    if sheet.subject_kind == SubjectKind.POST:
        which = f"post-{sheet.post_id}"
    elif sheet.subject_kind == SubjectKind.DEPARTMENT:
        which = f"department-{sheet.department_id}"
    else:
        which = "unit"
    return f"{reverse('risks:sheets')}?cycle={sheet.cycle_id}&sheet={which}"


@login_required
@ui_view
def sheet_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    actor = actor_of(request)
    cycle, choices = pick_cycle(request, actor)
    stage = request.GET.get("stage", "")
    qs = selectors.sheets(actor)
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    if stage in SheetStage.values:
        qs = qs.filter(stage=stage)
    work, total = selectors.awaiting(actor)
    context: dict[str, Any] = {
        "cycle": cycle,
        "cycle_choices": choices,
        "stage": stage,
        "stages": SheetStage.choices,
        "page": paginate(request, selectors.with_risk_counts(qs.order_by("path", "subject_kind", "pk"))),
        "work": work,
        "work_total": total,
        "crumbs": [Crumb(_("排查表审核"))],
    }
    return render(request, "review/sheet_list.html", context)


@login_required
@ui_view
def sheet_open(request: HttpRequest) -> HttpResponse:
    """The sheet of a subject (?cycle=&kind=post|department|unit&id=), begun when first asked for."""
    _require_view(request)
    actor = actor_of(request)
    cycle = cycle_selectors.get_cycle(actor, int_param(request, "cycle") or 0)
    kind = request.GET.get("kind", "")
    pk = int_param(request, "id") or 0
    department = post = None
    if kind == SubjectKind.POST:
        post = org_selectors.posts(actor).filter(pk=pk).select_related("department").first()
        if post is None:
            raise NotFoundError("岗位不存在或不在您的权限范围内")
    elif kind == SubjectKind.DEPARTMENT:
        department = org_selectors.departments(actor).filter(pk=pk).first()
        if department is None:
            raise NotFoundError("部门不存在或不在您的权限范围内")
    try:
        sheet = services.open_sheet(actor, cycle, kind, department=department, post=post)
    except ServiceError as exc:
        flash_service_error(request, exc)
        return redirect(reverse("review:sheets"))
    return redirect(sheet_url(sheet))


@login_required
@ui_view
def sheet_of_risk(request: HttpRequest, risk_pk: int) -> HttpResponse:
    _require_view(request)
    actor = actor_of(request)
    risk = risk_selectors.get_risk(actor, risk_pk)
    sheet = services.open_sheet(
        actor, risk.cycle, risk.subject_kind, department=risk.department, post=risk.post
    )
    return redirect(sheet_url(sheet))


@login_required
@ui_view
def sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    actor = actor_of(request)
    sheet = selectors.get_sheet(actor, pk)
    return _render(request, sheet)


def _render(request: HttpRequest, sheet: RiskSheet) -> HttpResponse:
    actor = actor_of(request)
    risks = list(
        services.sheet_risks(sheet)
        .prefetch_related("measures", "manifestations", "assessments")
        .order_by("sort_order", "code")
    )
    at_author = sheet.stage in chain.AUTHOR_STAGES
    rows = [(r, readiness_problems(r) if at_author else []) for r in risks]
    steps = chain.CHAINS[sheet.subject_kind]
    reached = chain.rank(sheet.subject_kind, sheet.stage)
    events = list(sheet.events.order_by("-at", "-id"))
    versions: dict[int, list[Any]] = {}
    for event in events:
        versions.setdefault(event.version, []).append(event)
    context = {
        "sheet": sheet,
        "rows": rows,
        "ready": all(not problems for _r, problems in rows) and bool(rows),
        "chain": [(s, SheetStage(s).label, i < reached, i == reached) for i, s in enumerate(steps)],
        "returned": sheet.stage == SheetStage.RETURNED,
        "moves": [(m.action, BUTTONS[SheetAction(m.action)]) for m in services.allowed_moves(actor, sheet)],
        "versions": sorted(versions.items(), reverse=True),
        "form_url": official_form_url(sheet),
        "crumbs": [Crumb(_("排查表审核"), reverse("review:sheets")), Crumb(str(sheet))],
    }
    return render(request, "review/sheet_detail.html", context)


@login_required
@ui_view
@require_POST
def sheet_move(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    actor = actor_of(request)
    sheet = selectors.get_sheet(actor, pk)
    action = request.POST.get("action", "")
    try:
        sheet = services.move(actor, sheet, action, request.POST.get("comment", ""))
    except ServiceError as exc:
        # The refusal is shown on the sheet's page (a redirect, so reloading does not post again).
        flash_service_error(request, exc)
        return redirect(sheet_url(sheet))
    label = SheetStage(sheet.stage).label
    messages.success(request, _("“%(sheet)s”现为：%(stage)s。") % {"sheet": sheet, "stage": label})
    return redirect(sheet_url(sheet))
