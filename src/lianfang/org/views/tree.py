"""The organisation tree: roots for the actor, children loaded on demand with htmx."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can, can_anywhere
from lianfang.core.actor import Actor
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import include_retired, ui_view

from .. import selectors
from ..models import Department, Status, Unit


def _unit_children(actor: Actor, unit: Unit, retired: bool) -> dict[str, Any]:
    child_units = selectors.units(actor).filter(parent=unit)
    if not retired:
        child_units = child_units.filter(status=Status.ACTIVE)
    return {
        "child_units": child_units.order_by("name"),
        "departments": selectors.department_children(actor, unit, None, include_retired=retired),
        "posts": [],
    }


def _department_children(actor: Actor, dept: Department, retired: bool) -> dict[str, Any]:
    posts = selectors.posts(actor).filter(department=dept)
    if not retired:
        posts = posts.filter(status=Status.ACTIVE)
    posts = posts.annotate(holder_count=Count("assignments", filter=Q(assignments__end_date__isnull=True)))
    return {
        "child_units": [],
        "departments": selectors.department_children(actor, dept.unit, dept, include_retired=retired),
        "posts": posts.order_by("level", "name"),
    }


@login_required
@ui_view
def tree(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not any(
        can_anywhere(actor, Action.VIEW, t) for t in (ObjectType.UNIT, ObjectType.DEPARTMENT, ObjectType.POST)
    ):
        raise PermissionDenied(_("您没有查看组织机构的权限"))
    retired = include_retired(request)
    roots: list[dict[str, Any]] = []
    for unit in selectors.root_units(actor):
        roots.append({"kind": "unit", "node": unit, **_unit_children(actor, unit, retired)})
    for dept in selectors.root_departments(actor):
        roots.append({"kind": "department", "node": dept, **_department_children(actor, dept, retired)})
    return render(
        request,
        "org/tree.html",
        {
            "roots": roots,
            "retired": retired,
            "may_create_root": can(actor, Action.CREATE, ObjectType.UNIT, ""),
        },
    )


@login_required
@ui_view
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    unit = selectors.get_or_404(selectors.units(actor), pk=pk)
    retired = include_retired(request)
    return render(
        request, "org/_tree_children.html", {**_unit_children(actor, unit, retired), "retired": retired}
    )


@login_required
@ui_view
def department_children(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    dept = selectors.get_or_404(selectors.departments(actor), pk=pk)
    retired = include_retired(request)
    return render(
        request, "org/_tree_children.html", {**_department_children(actor, dept, retired), "retired": retired}
    )
