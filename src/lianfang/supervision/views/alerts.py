"""Alerts and cards: the list (with the office's buttons), one alert (appeal and decision forms), the appeal
queue. Every button posts to `alert_action`, which calls the one service and comes back with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import paginate, ui_view

from .. import alerts_selectors as sel
from ..models import Alert, AlertLevel, AlertState, AppealState, Rule
from ..services import alerts as services
from .common import int_param


def _require_any(actor: Actor) -> None:
    if not can_anywhere(actor, Action.VIEW, ObjectType.ALERT):
        raise PermissionDenied(_("您没有查看电子监察告警的权限"))


@login_required
@ui_view
def alert_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_any(actor)
    filters = sel.AlertFilters.clean(
        state=request.GET.get("state", ""),
        level=request.GET.get("level", ""),
        rule=request.GET.get("rule", ""),
        department_id=int_param(request, "department"),
        power_id=int_param(request, "power"),
    )
    page = paginate(request, sel.alerts(actor, filters))
    context: dict[str, Any] = {
        "page_obj": page,
        "rows": [(a, sel.allowed(actor, a)) for a in page.object_list],
        "filters": filters,
        "states": AlertState.choices,
        "levels": AlertLevel.choices,
        "rules": Rule.choices,
        "next": request.get_full_path(),
    }
    if request.htmx and request.htmx.target == "alert-results":  # type: ignore[attr-defined]
        return render(request, "supervision/alert_results.html", context)
    return render(request, "supervision/alert_list.html", context)


@login_required
@ui_view
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    alert = sel.get_alert(actor, pk)
    context = {
        "alert": alert,
        "may": sel.allowed(actor, alert),
        "decisions": [(v, label) for v, label in AppealState.choices if v in services.DECISIONS],
        "next": request.get_full_path(),
    }
    return render(request, "supervision/alert_detail.html", context)


@login_required
@ui_view
def appeal_queue(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_any(actor)
    waiting = list(sel.appeal_queue(actor))
    context = {
        "rows": [(a, sel.allowed(actor, a)) for a in waiting],
        "decided": list(sel.decided_appeals(actor)[:50]),
        "decisions": [(v, label) for v, label in AppealState.choices if v in services.DECISIONS],
        "next": request.get_full_path(),
    }
    return render(request, "supervision/appeals.html", context)


ACTIONS: dict[str, Callable[[Actor, Alert, HttpRequest], Alert]] = {
    "issue": lambda actor, alert, r: services.issue(actor, alert),
    "withdraw": lambda actor, alert, r: services.withdraw(actor, alert, r.POST.get("note", "")),
    "escalate": lambda actor, alert, r: services.escalate(actor, alert, r.POST.get("note", "")),
    "appeal": lambda actor, alert, r: services.appeal(actor, alert, r.POST.get("reason", "")),
    "decide": lambda actor, alert, r: services.decide_appeal(
        actor, alert, r.POST.get("decision", ""), r.POST.get("note", "")
    ),
}
DONE = {
    "issue": gettext_lazy("已发出。"),
    "withdraw": gettext_lazy("已撤销。"),
    "escalate": gettext_lazy("已转为督办。"),
    "appeal": gettext_lazy("申诉已提交，等待监察部门处理。"),
    "decide": gettext_lazy("申诉已处理。"),
}


def _back(request: HttpRequest, alert: Alert) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(reverse("supervision:alert_detail", args=[alert.pk]))


@login_required
@ui_view
@require_POST
def alert_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = actor_of(request)
    alert = sel.get_alert(actor, pk)
    run = ACTIONS.get(action)
    if run is None:
        raise NotFoundError("没有这个操作")
    try:
        run(actor, alert, request)
    except (PermissionDeniedError, NotFoundError):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, DONE[action])
    return _back(request, alert)
