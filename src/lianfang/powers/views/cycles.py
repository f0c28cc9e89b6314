"""The yearly cycles of the units in scope: start the first one, open the next year, close a year."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action, ObjectType, can, can_anywhere
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import apply_service_error, flash_service_error, ui_view
from lianfang.cycles import selectors as cycle_selectors
from lianfang.cycles import services as cycle_services
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org import selectors as org_selectors
from lianfang.org.models import Status, Unit

from ..forms import CycleForm
from .common import Crumb


@dataclass
class UnitCycles:
    unit: Unit
    cycles: list[Cycle]
    may_open_next: bool
    may_close: bool


def _units_without_cycles(actor: Actor) -> list[Unit]:
    units = org_selectors.units(actor).filter(status=Status.ACTIVE, cycles__isnull=True).order_by("path")
    return [u for u in units if can(actor, Action.CREATE, ObjectType.CYCLE, u.path)]


def _page(
    request: HttpRequest, actor: Actor, form: CycleForm | None = None, status: int = 200
) -> HttpResponse:
    groups: dict[int, UnitCycles] = {}
    for cycle in cycle_selectors.cycles(actor).order_by("unit__path", "-year"):
        group = groups.get(cycle.unit_id)
        if group is None:
            path = cycle.unit.path
            group = groups[cycle.unit_id] = UnitCycles(
                cycle.unit,
                [],
                can(actor, Action.CREATE, ObjectType.CYCLE, path),
                can(actor, Action.EDIT, ObjectType.CYCLE, path),
            )
        group.cycles.append(cycle)
    startable = _units_without_cycles(actor)
    if form is None and startable:
        form = CycleForm(
            initial={"unit": startable[0], "year": timezone.localdate().year},
            units=Unit.objects.filter(pk__in=[u.pk for u in startable]).order_by("path"),
        )
    return render(
        request,
        "powers/cycles.html",
        {
            "groups": list(groups.values()),
            "form": form,
            "crumbs": [Crumb(_("职权目录"), reverse("powers:catalog")), Crumb(_("年度周期"))],
            "open": CycleStatus.OPEN,
        },
        status=status,
    )


@login_required
@ui_view
def cycle_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_anywhere(actor, Action.VIEW, ObjectType.CYCLE):
        raise PermissionDenied(_("您没有查看年度周期的权限"))
    return _page(request, actor)


@login_required
@ui_view
@require_POST
def cycle_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    startable = _units_without_cycles(actor)
    if not startable:
        raise PermissionDenied(_("您没有开启年度周期的权限"))
    form = CycleForm(request.POST, units=Unit.objects.filter(pk__in=[u.pk for u in startable]))
    if form.is_valid():
        d = form.cleaned_data
        try:
            cycle = cycle_services.create_cycle(actor, unit=d["unit"], year=d["year"], title=d["title"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s已开启。") % {"name": cycle})
            return redirect("powers:cycle_list")
    return _page(request, actor, form, status=400)


@login_required
@ui_view
@require_POST
def cycle_open_next(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    cycle = cycle_selectors.get_cycle(actor, pk)
    try:
        new = cycle_services.open_next_cycle(actor, cycle)
    except ServiceError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(
            request, _("%(name)s已开启，上年度的职权和流程图已复制为草稿，请逐项修订。") % {"name": new}
        )
    return redirect("powers:cycle_list")


@login_required
@ui_view
@require_POST
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    cycle = cycle_selectors.get_cycle(actor, pk)
    try:
        cycle_services.close_cycle(actor, cycle)
    except ServiceError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("%(name)s已结束。") % {"name": cycle})
    return redirect("powers:cycle_list")
