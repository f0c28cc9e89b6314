"""What the catalog views share: picking the cycle, choices in scope, breadcrumbs, errors on forms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.cycles import selectors as cycle_selectors
from lianfang.cycles.models import Cycle
from lianfang.cycles.selectors import unit_path_of
from lianfang.org import selectors as org_selectors
from lianfang.org.models import Department, Post, Status, Unit
from lianfang.org.views.common import Crumb, int_param

from ..models import Flowchart, Power
from ..services.common import EDITABLE

__all__ = ["Crumb", "int_param"]


@dataclass(frozen=True)
class CycleChoice:
    cycle: Cycle
    label: str


def _home_unit_paths(request: HttpRequest, actor: Actor) -> list[str]:
    """Where the user works, most specific first: their person's unit, their home unit, their grants."""
    user = request.user
    paths: list[str] = []
    person = getattr(user, "person", None)
    if person is not None:
        paths.append(person.unit.path)
    home = getattr(user, "home_unit", None)
    if home is not None:
        paths.append(home.path)
    paths.extend(unit_path_of(path) for _role, path in actor.grants)
    return paths


def cycle_choices(actor: Actor) -> list[CycleChoice]:
    visible = list(cycle_selectors.cycles(actor).order_by("unit__path", "-year"))
    several_units = len({c.unit_id for c in visible}) > 1
    return [
        CycleChoice(c, f"{c.unit.short_name or c.unit.name} · {c}" if several_units else str(c))
        for c in visible
    ]


def pick_cycle(request: HttpRequest, actor: Actor) -> tuple[Cycle | None, list[CycleChoice]]:
    """The cycle asked for (`?cycle=`), else the newest cycle of the user's own unit, else the first seen."""
    choices = cycle_choices(actor)
    wanted = int_param(request, "cycle")
    if wanted:
        for choice in choices:
            if choice.cycle.pk == wanted:
                return choice.cycle, choices
        raise NotFoundError("年度周期不存在或不在您的权限范围内")
    for path in _home_unit_paths(request, actor):
        for choice in choices:  # newest first within a unit
            if choice.cycle.unit.path == path:
                return choice.cycle, choices
    return (choices[0].cycle if choices else None), choices


def place_choices(
    actor: Actor, unit: Unit, object_type: str, action: str = Action.CREATE
) -> tuple[QuerySet[Department], bool]:
    """The unit's active departments where the actor may put a power or flow, and whether the unit itself
    (a unit-level item, without department) is allowed."""
    visible = org_selectors.departments(actor).filter(unit=unit, status=Status.ACTIVE).order_by("path")
    allowed = [d.pk for d in visible if can(actor, action, object_type, d.path)]
    return Department.objects.filter(pk__in=allowed).select_related("unit", "parent").order_by("path"), can(
        actor, action, object_type, unit.path
    )


def may_create_in(actor: Actor, cycle: Cycle, object_type: str) -> bool:
    """Whether the actor may add an item anywhere in the cycle's unit (the button on the list page)."""
    departments, unit_level = place_choices(actor, cycle.unit, object_type)
    return unit_level or departments.exists()


def unit_posts(actor: Actor, unit: Unit, department: Department | None = None) -> QuerySet[Post]:
    """Active posts the actor can see in the unit, or in one department and its sub-departments."""
    qs = org_selectors.posts(actor).filter(department__unit=unit, status=Status.ACTIVE)
    if department is not None:
        qs = qs.filter(department__path__startswith=department.path)
    return qs.order_by("department__path", "name")


def editable(item: Power | Flowchart) -> bool:
    return item.status in EDITABLE


def may(actor: Actor, action: str, item: Power | Flowchart) -> bool:
    object_type = ObjectType.POWER if isinstance(item, Power) else ObjectType.FLOW
    return can(actor, action, object_type, item.path)


def catalog_crumbs(cycle: Cycle | None) -> list[Crumb]:
    url = reverse("powers:catalog")
    return [Crumb(_("职权目录"), f"{url}?cycle={cycle.pk}" if cycle else url)]


def flow_crumbs(cycle: Cycle | None) -> list[Crumb]:
    url = reverse("powers:flow_list")
    return [Crumb(_("流程图"), f"{url}?cycle={cycle.pk}" if cycle else url)]


def power_url(power: Any) -> str:
    return reverse("powers:power_detail", args=[power.pk])


def flow_url(flow: Any) -> str:
    return reverse("powers:flow_detail", args=[flow.pk])


def editor_url(flow: Any) -> str:
    return reverse("powers:flow_editor", args=[flow.pk])


def not_editable(request: HttpRequest, item: Power | Flowchart, url: str) -> HttpResponse:
    label = item.get_status_display()
    messages.error(
        request,
        _("“%(name)s”处于“%(status)s”状态，不能修改；需先退回或重新修订。")
        % {
            "name": item.name,
            "status": label,
        },
    )
    return redirect(url)


def map_errors(form: forms.Form, field_errors: Mapping[str, list[str]], skip: tuple[str, ...] = ()) -> None:
    """Put service messages on a form's fields (or at its top when it has no such field)."""
    for name, msgs in field_errors.items():
        if name in skip:
            continue
        for message in msgs:
            form.add_error(name if name in form.fields else None, message)
