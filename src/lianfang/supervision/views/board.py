"""The live board (电子监察看板): by department and by power."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import ui_view

from .. import board as board_module
from .common import int_param


@login_required
@ui_view
def board_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_anywhere(actor, Action.VIEW, ObjectType.CASE):
        raise PermissionDenied(_("您没有查看电子监察的权限"))
    departments, powers = board_module.filter_choices(actor)
    dept_id, power_id = int_param(request, "department"), int_param(request, "power")
    department = next((d for d in departments if d.pk == dept_id), None)
    power = next((p for p in powers if p.pk == power_id), None)
    context = {
        "board": board_module.build(actor, department=department, power=power),
        "departments": departments,
        "powers": powers,
        "department": department,
        "power": power,
    }
    if request.htmx and request.htmx.target == "board-results":  # type: ignore[attr-defined]
        return render(request, "supervision/board_results.html", context)
    return render(request, "supervision/board.html", context)
