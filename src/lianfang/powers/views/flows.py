"""Flowcharts: the cycle's list, a flow's page (diagram, steps, analysis, review), its PDF, and the form
for its basic facts (creating a flow leads straight into the editor)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.i18n import source_text
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import flash_service_error, ui_view
from lianfang.cycles import selectors as cycle_selectors
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org.models import Department
from lianfang.risks import selectors as risk_selectors
from lianfang.risks.services import drafts_from_findings
from lianfang.risks.services.common import may_risk

from .. import compare, selectors, services
from ..forms import FlowForm, ReviewForm
from ..models import Flowchart
from ..render_svg import limit_text
from . import diagram
from .common import (
    Crumb,
    editable,
    editor_url,
    flow_crumbs,
    flow_url,
    int_param,
    map_errors,
    may,
    may_create_in,
    not_editable,
    pick_cycle,
    place_choices,
)
from .review import review_buttons, review_post


def _require_view(request: HttpRequest) -> None:
    if not can_anywhere(actor_of(request), Action.VIEW, ObjectType.FLOW):
        raise PermissionDenied(_("您没有查看流程图的权限"))


@login_required
@ui_view
def flow_list(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    actor = actor_of(request)
    cycle, choices = pick_cycle(request, actor)
    context: dict[str, Any] = {"cycle": cycle, "cycle_choices": choices}
    if cycle is not None:
        q = request.GET.get("q", "").strip()
        qs = selectors.flows(actor).filter(cycle=cycle)
        if q:
            qs = qs.filter(name__icontains=q) | qs.filter(code__icontains=q)
        context.update(
            {
                "q": q,
                "flows": qs.annotate(
                    step_count=Count("steps", distinct=True), power_count=Count("powers", distinct=True)
                ).order_by("code"),
                "may_create": cycle.status == CycleStatus.OPEN
                and may_create_in(actor, cycle, ObjectType.FLOW),
            }
        )
    return render(request, "powers/flow_list.html", context)


def _limits(flow: Flowchart) -> dict[str, str]:
    return {
        "statutory": limit_text(flow.statutory_limit, flow.statutory_unit) or "—",
        "promised": limit_text(flow.promised_limit, flow.promised_unit) or "—",
    }


def _risk_url(pk: int) -> str:
    try:
        return reverse("risks:detail", args=[pk])
    except NoReverseMatch:  # the register pages are not wired yet
        return ""


def _may_draft(actor: Actor, flow: Flowchart, found: list[Any]) -> bool:
    """The 顺推法 button: findings to draft from, an open cycle, and the right to make risk points there."""
    return (
        flow.cycle.status == CycleStatus.OPEN
        and any(f.suggested_risk for f in found)
        and may_risk(actor, Action.CREATE, flow.path, None)
    )


def _detail(
    request: HttpRequest, actor: Actor, flow: Flowchart, review_form: ReviewForm | None = None
) -> Any:
    spec = selectors.flow_spec(flow)
    found = diagram.findings(spec)
    # The risk points of the cycle sitting on this flow's steps (the flow belongs to one cycle).
    step_risks = list(
        risk_selectors.risks(actor)
        .filter(step__flow=flow)
        .order_by("step__order", "step_id", "sort_order", "id")
    )
    on_steps = diagram.risk_markers((r.step.code, r.name, r.level) for r in step_risks if r.step)
    markers_on = request.GET.get("markers") == "1"
    names = {s.code: s.name for s in spec.steps}
    steps = list(flow.steps.select_related("post", "post__department").order_by("order", "id"))
    next_of: dict[str, list[str]] = {}
    for t in spec.transitions:
        label = f"{names.get(t.target, t.target)}（{t.label}）" if t.label else names.get(t.target, t.target)
        next_of.setdefault(t.source, []).append(label)
    powers = selectors.powers(actor).filter(flow=flow).order_by("code")
    previous = flow.predecessor
    field_changes, step_changes = compare.flow_changes(
        flow, spec, selectors.flow_spec(previous) if previous else None
    )
    return render(
        request,
        "powers/flow_detail.html",
        {
            "flow": flow,
            "spec": spec,
            "crumbs": flow_crumbs(flow.cycle),
            "limits": _limits(flow),
            "steps": [(s, next_of.get(s.code, [])) for s in steps],
            "names": names,
            "separations": [
                (names.get(p.first, p.first), names.get(p.second, p.second), p.note) for p in spec.separations
            ],
            "powers": powers,
            "svg": diagram.svg(spec, found if markers_on else None, on_steps),
            "step_risks": [(r, _risk_url(r.pk)) for r in step_risks],
            "may_draft": _may_draft(actor, flow, found),
            "markers_on": markers_on,
            "findings": diagram.shown(spec, found),
            "reviews": flow.reviews.order_by("at", "id"),
            "review_buttons": review_buttons(actor, flow),
            "review_form": review_form or ReviewForm(),
            "may_edit": editable(flow) and may(actor, Action.EDIT, flow),
            "may_delete": editable(flow) and may(actor, Action.RETIRE, flow),
            "flow_field_changes": field_changes,
            "step_changes": step_changes,
        },
    )


@login_required
@ui_view
def flow_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    response: HttpResponse = _detail(request, actor, selectors.get_flow(actor, pk))
    return response


@login_required
@ui_view
def flow_diagram(request: HttpRequest, pk: int) -> HttpResponse:
    """The diagram alone (htmx: redrawn after every change in the editor, markers on or off)."""
    actor = actor_of(request)
    spec = selectors.flow_spec(selectors.get_flow(actor, pk))
    found = diagram.findings(spec) if request.GET.get("markers") == "1" else None
    return HttpResponse(diagram.svg(spec, found))


@login_required
@ui_view
@require_POST
def flow_review(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    flow = selectors.get_flow(actor, pk)
    return review_post(request, actor, flow, flow_url(flow), lambda form: _detail(request, actor, flow, form))


@login_required
@ui_view
@require_POST
def flow_risk_drafts(request: HttpRequest, pk: int) -> HttpResponse:
    """将分析发现生成风险点草稿: one draft risk point per finding not drafted yet (顺推法)."""
    actor = actor_of(request)
    flow = selectors.get_flow(actor, pk)
    try:
        made = drafts_from_findings(actor, flow)
    except ServiceError as exc:
        flash_service_error(request, exc)
    else:
        if made:
            messages.success(
                request, _("已根据流程分析发现生成 %(count)d 个风险点草稿。") % {"count": len(made)}
            )
        else:
            messages.info(request, _("每项分析发现都已生成过风险点草稿，没有重复生成。"))
    return redirect(f"{flow_url(flow)}#flow-risks")


@login_required
@ui_view
def flow_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from urllib.parse import quote

    from ..render_pdf import flow_pdf as render_flow_pdf

    actor = actor_of(request)
    flow = selectors.get_flow(actor, pk)
    limits = _limits(flow)
    meta = [
        ("流程编号", flow.code),
        ("办理部门", flow.department.name if flow.department else flow.unit.name),
        ("法定时限", limits["statutory"]),
        ("承诺时限", limits["promised"]),
        ("审批状态", source_text(flow.get_status_display())),
    ]
    content = render_flow_pdf(selectors.flow_spec(flow), title=flow.name, meta=meta)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{flow.code}{flow.name}流程图.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _flow_page(
    request: HttpRequest, actor: Actor, cycle: Cycle, *, flow: Flowchart | None, initial: dict[str, Any]
) -> HttpResponse:
    departments, unit_level = place_choices(actor, cycle.unit, ObjectType.FLOW)
    if flow is not None and flow.department is not None:
        departments = (departments | Department.objects.filter(pk=flow.department.pk)).distinct()
    if not departments.exists() and not unit_level:
        raise PermissionDenied(_("您没有在此新建流程图的权限"))
    posted = request.method == "POST"
    form = FlowForm(
        request.POST if posted else None, initial=initial, departments=departments, unit_level=unit_level
    )
    if posted and form.is_valid():
        d = form.cleaned_data
        data = services.FlowData(
            code=d["code"],
            name=d["name"],
            department=d["department"],
            description=d["description"],
            statutory_limit=d["statutory_limit"],
            statutory_unit=d["statutory_unit"],
            promised_limit=d["promised_limit"],
            promised_unit=d["promised_unit"],
            is_secret=d["is_secret"],
        )
        try:
            saved = (
                services.create_flow(actor, cycle, data)
                if flow is None
                else services.update_flow(actor, flow, data)
            )
        except ServiceError as exc:
            if isinstance(exc, PermissionDeniedError | NotFoundError):
                raise
            map_errors(form, exc.field_errors)
            if not exc.field_errors:
                form.add_error(None, exc.message)
        else:
            if flow is None:
                messages.success(request, _("流程图“%(name)s”已创建，请添加环节。") % {"name": saved.name})
                return redirect(editor_url(saved))
            messages.success(request, _("流程图“%(name)s”已保存。") % {"name": saved.name})
            return redirect(flow_url(saved))
    title = _("修改流程图基本信息") if flow else _("新建流程图")
    crumbs = flow_crumbs(cycle)
    if flow is not None:
        crumbs.append(Crumb(flow.name, flow_url(flow)))
    return render(
        request,
        "powers/form.html",
        {
            "form": form,
            "title": title,
            "crumbs": [*crumbs, Crumb(title)],
            "intro": _("下一步在流程图编辑器中逐个添加环节。") if flow is None else "",
            "cancel_url": flow_url(flow) if flow else f"{reverse('powers:flow_list')}?cycle={cycle.pk}",
        },
        status=400 if posted else 200,
    )


def _free_code(cycle: Cycle) -> str:
    used = set(Flowchart.objects.filter(cycle=cycle).values_list("code", flat=True))
    n = len(used) + 1
    while f"LC{n:03d}" in used:
        n += 1
    return f"LC{n:03d}"


@login_required
@ui_view
def flow_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    cycle = cycle_selectors.get_cycle(actor, int_param(request, "cycle") or 0)
    departments, _unit_level = place_choices(actor, cycle.unit, ObjectType.FLOW)
    dept_id = int_param(request, "department")
    chosen = departments.filter(pk=dept_id) if dept_id is not None else departments
    initial = {"code": _free_code(cycle), "department": chosen.first()}
    return _flow_page(request, actor, cycle, flow=None, initial=initial)


@login_required
@ui_view
def flow_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    flow = selectors.get_flow(actor, pk)
    if not may(actor, Action.EDIT, flow):
        raise PermissionDenied(_("您没有修改该流程图的权限"))
    if not editable(flow):
        return not_editable(request, flow, flow_url(flow))
    names = (
        "code",
        "name",
        "department",
        "description",
        "statutory_limit",
        "statutory_unit",
        "promised_limit",
        "promised_unit",
        "is_secret",
    )
    return _flow_page(request, actor, flow.cycle, flow=flow, initial={n: getattr(flow, n) for n in names})


@login_required
@ui_view
@require_POST
def flow_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    flow = selectors.get_flow(actor, pk)
    try:
        services.delete_draft_flow(actor, flow)
    except ServiceError as exc:
        flash_service_error(request, exc)
        return redirect(flow_url(flow))
    messages.success(request, _("流程图“%(name)s”已删除。") % {"name": flow.name})
    return redirect(f"{reverse('powers:flow_list')}?cycle={flow.cycle_id}")
