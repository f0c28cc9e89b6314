"""The register dashboard page: counts by level × type × department, the heat map and the gaps."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import ui_view
from lianfang.core.vocabulary import RiskType
from lianfang.powers.views.common import pick_cycle

from . import dashboard as selectors
from .vocabulary import RiskLevel


def _url(name: str, *args: int) -> str:
    """A page of the register if it is wired (the dashboard does not depend on it)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@login_required
@ui_view
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_anywhere(actor, Action.VIEW, ObjectType.RISK):
        raise PermissionDenied(_("您没有查看风险点的权限"))
    cycle, choices = pick_cycle(request, actor)
    context: dict[str, Any] = {
        "cycle": cycle,
        "cycle_choices": choices,
        "levels": [(lv, selectors.level_label(lv)) for lv in selectors.LEVELS],
        "graded_levels": [(lv.value, lv.label) for lv in RiskLevel],
        "types": [(t.value, t.label) for t in RiskType],
        "columns": len(selectors.LEVELS) + len(RiskType.values) + 3,
        "detail_links": bool(_url("risks:detail", 0)),
    }
    if cycle is not None:
        context["board"] = selectors.dashboard(
            actor,
            cycle,
            level=request.GET.get("level", ""),
            risk_type=request.GET.get("risk_type", ""),
        )
        register = _url("risks:register")
        context["register_url"] = f"{register}?cycle={cycle.pk}" if register else ""
    return render(request, "risks/dashboard.html", context)
