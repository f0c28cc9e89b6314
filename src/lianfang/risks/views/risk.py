"""One risk point: its page, the create/edit form (subject, manifestation rows, power and flow step redrawn
with htmx), deleting a draft entered by mistake, and submitting it (the one-to-one rule)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import flash_service_error, ui_view
from lianfang.cycles import selectors as cycle_selectors
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post
from lianfang.powers import selectors as power_selectors
from lianfang.powers.models import FlowStep, Power

from .. import services
from ..forms import ManifestationForm, ManifestationFormSet, RiskForm, StepFieldForm, SubjectPostForm
from ..models import RiskPoint
from .common import (
    Crumb,
    editable,
    get_risk,
    int_param,
    map_errors,
    may,
    places,
    posts_in,
    register_crumbs,
    register_url,
    require_view,
    risk_url,
)
from .detail import detail_page

MANIFESTATIONS = "m"
FIELDS = (
    "subject_kind",
    "department",
    "post",
    "code",
    "duty",
    "name",
    "risk_type",
    "risk_kind",
    "causes",
    "cause_note",
    "found_by",
    "power",
    "step",
    "three_important",
    "notes",
)


@login_required
@ui_view
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    return detail_page(request, actor, get_risk(actor, pk))


def _chosen(request: HttpRequest, qs: QuerySet[Any], name: str) -> Any:
    """The object asked for in `name` (GET or POST), among the allowed ones."""
    source = request.POST if request.method == "POST" else request.GET
    try:
        wanted = int(source.get(name) or 0)
    except ValueError:
        wanted = 0
    return qs.filter(pk=wanted).first() if wanted else None


def cycle_powers(actor: Actor, cycle: Cycle) -> QuerySet[Power]:
    return power_selectors.powers(actor).filter(cycle=cycle).order_by("sort_order", "code")


def power_steps(power: Power | None) -> QuerySet[FlowStep]:
    if power is None or not power.flow_id:
        return FlowStep.objects.none()
    return FlowStep.objects.filter(flow_id=power.flow_id).order_by("order", "id")


def _risk_page(
    request: HttpRequest,
    actor: Actor,
    cycle: Cycle,
    *,
    risk: RiskPoint | None,
    initial: dict[str, Any],
    manifestations: list[dict[str, str]],
) -> HttpResponse:
    allowed = places(actor, cycle)
    kinds, departments, posts = list(allowed.kinds), allowed.departments, allowed.posts
    if risk is not None:
        # What the risk point has now stays selectable; moving it needs the right there (service check).
        if risk.subject_kind not in kinds:
            kinds.append(risk.subject_kind)
        if risk.department_id:
            departments = (departments | Department.objects.filter(pk=risk.department_id)).distinct()
        if risk.post_id:
            posts = (posts | Post.objects.filter(pk=risk.post_id)).distinct()
    if not kinds:
        raise PermissionDenied(_("您没有在此登记风险点的权限"))
    posted = request.method == "POST"
    powers = cycle_powers(actor, cycle)
    if posted:
        dept = _chosen(request, departments, "department")
        power = _chosen(request, powers, "power")
    else:
        dept, power = initial.get("department"), initial.get("power")
    query = f"?cycle={cycle.pk}"
    form = RiskForm(
        request.POST if posted else None,
        initial=initial,
        kinds=kinds,
        departments=departments,
        posts=posts_in(posts, dept),
        powers=powers,
        steps=power_steps(power),
        posts_url=reverse("risks:post_field") + query,
        steps_url=reverse("risks:step_field") + query,
    )
    formset = ManifestationFormSet(
        request.POST if posted else None, initial=manifestations, prefix=MANIFESTATIONS
    )
    if posted and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        data = services.RiskData(
            subject_kind=d["subject_kind"],
            name=d["name"],
            department=d["department"],
            post=d["post"],
            code=d["code"],
            duty=d["duty"],
            manifestations=[f.cleaned_data.get("text", "") for f in formset],
            risk_type=d["risk_type"],
            risk_kind=d["risk_kind"],
            causes=list(d["causes"]),
            cause_note=d["cause_note"],
            found_by=d["found_by"],
            power=d["power"],
            step=d["step"],
            three_important=d["three_important"],
            notes=d["notes"],
            sort_order=risk.sort_order if risk else 0,
        )
        try:
            saved = (
                services.create_risk(actor, cycle, data)
                if risk is None
                else services.update_risk(actor, risk, data)
            )
        except ServiceError as exc:
            if isinstance(exc, NotFoundError):
                raise
            if isinstance(exc, PermissionDeniedError):
                form.add_error(None, exc.message)
            else:
                map_errors(form, exc.field_errors)
                if not exc.field_errors:
                    form.add_error(None, exc.message)
        else:
            done = _("风险点“%(name)s”已保存。") if risk else _("风险点“%(name)s”已登记。")
            messages.success(request, done % {"name": saved.name})
            return redirect(risk_url(saved))
    title = _("修改风险点") if risk else _("登记风险点")
    crumbs = register_crumbs(cycle)
    if risk is not None:
        crumbs.append(Crumb(risk.name, risk_url(risk)))
    return render(
        request,
        "risks/risk_form.html",
        {
            "form": form,
            "formset": formset,
            "title": title,
            "crumbs": [*crumbs, Crumb(title)],
            "cycle": cycle,
            "cancel_url": risk_url(risk) if risk else register_url(cycle),
        },
        status=400 if posted else 200,
    )


@login_required
@ui_view
def risk_create(request: HttpRequest) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    cycle = cycle_selectors.get_cycle(actor, int_param(request, "cycle") or 0)
    allowed = places(actor, cycle)
    initial: dict[str, Any] = {
        "subject_kind": allowed.kinds[0] if allowed.kinds else "",
        "department": _chosen(request, allowed.departments, "department"),
    }
    if allowed.kinds == ["post"] and allowed.posts.count() == 1:
        post = allowed.posts.first()
        initial.update({"post": post, "department": post.department if post else None})
    return _risk_page(request, actor, cycle, risk=None, initial=initial, manifestations=[])


@login_required
@ui_view
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    risk = get_risk(actor, pk)
    if not may(actor, Action.EDIT, risk):
        raise PermissionDenied(_("您没有修改该风险点的权限"))
    if not editable(risk):
        messages.error(
            request,
            _("风险点“%(name)s”处于“%(status)s”状态，不能修改；需先退回。")
            % {"name": risk.name, "status": risk.get_status_display()},
        )
        return redirect(risk_url(risk))
    initial = {name: getattr(risk, name) for name in FIELDS}
    manifestations = [{"text": m.text} for m in risk.manifestations.all()]
    return _risk_page(request, actor, risk.cycle, risk=risk, initial=initial, manifestations=manifestations)


@login_required
@ui_view
@require_POST
def risk_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require_view(request)
    actor = actor_of(request)
    risk = get_risk(actor, pk)
    try:
        services.delete_draft_risk(actor, risk)
    except ServiceError as exc:
        flash_service_error(request, exc)
        return redirect(risk_url(risk))
    messages.success(request, _("风险点“%(name)s”已删除。") % {"name": risk.name})
    return redirect(register_url(risk.cycle))


@login_required
@ui_view
def post_field(request: HttpRequest) -> HttpResponse:
    """The post select for the department just chosen on the risk form (htmx)."""
    require_view(request)
    actor = actor_of(request)
    cycle = cycle_selectors.get_cycle(actor, int_param(request, "cycle") or 0)
    allowed = places(actor, cycle)
    dept = _chosen(request, allowed.departments, "department")
    posts = posts_in(allowed.posts, dept)
    form = SubjectPostForm(posts=posts, initial={"post": _chosen(request, posts, "post")})
    return render(request, "risks/_post_field.html", {"field": form["post"]})


@login_required
@ui_view
def step_field(request: HttpRequest) -> HttpResponse:
    """The flow-step select for the power just chosen on the risk form (htmx)."""
    require_view(request)
    actor = actor_of(request)
    cycle = cycle_selectors.get_cycle(actor, int_param(request, "cycle") or 0)
    power = _chosen(request, cycle_powers(actor, cycle), "power")
    steps = power_steps(power)
    form = StepFieldForm(steps=steps, initial={"step": _chosen(request, steps, "step")})
    return render(request, "risks/_step_field.html", {"field": form["step"], "power": power})


@login_required
@ui_view
def manifestation_row(request: HttpRequest) -> HttpResponse:
    """One more empty manifestation row for the risk form (htmx), and the formset's new row count."""
    total = int_param(request, f"{MANIFESTATIONS}-TOTAL_FORMS") or 0
    total = max(0, min(total, 49))
    row = ManifestationForm(prefix=f"{MANIFESTATIONS}-{total}")
    return render(request, "risks/_manifestation_row.html", {"row": row, "total": total + 1})
