"""Departments: detail, create, edit, retire."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can
from lianfang.core.actor import Actor
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import include_retired, ui_view

from .. import selectors, services
from ..forms import DepartmentForm
from ..models import Department, Status, Unit
from .common import date_page, flags, form_page, int_param, path_crumbs
from .posts import posts_with_holders


def _dept_url(dept: Any) -> str:
    return reverse("org:department_detail", args=[dept.pk])


def _parent_choices(actor: Actor, unit: Unit, exclude: Department | None = None) -> QuerySet[Department]:
    qs = selectors.departments(actor, Action.CREATE).filter(unit=unit, status=Status.ACTIVE).order_by("path")
    if exclude is not None:
        qs = qs.exclude(path__startswith=exclude.path)
    return qs


@login_required
@ui_view
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    dept = selectors.get_or_404(selectors.departments(actor), pk=pk)
    retired = include_retired(request)
    persons = selectors.persons(actor).filter(department=dept).order_by("staff_no")
    if not retired:
        persons = persons.filter(status=Status.ACTIVE)
    liaisons = selectors.liaisons(actor).filter(department=dept).order_by("-start_date")
    overseers = selectors.leadership_roles(actor).filter(departments=dept, end_date__isnull=True)
    return render(
        request,
        "org/department_detail.html",
        {
            "dept": dept,
            "crumbs": path_crumbs(actor, dept.path, include_last=False),
            "retired": retired,
            "children": selectors.department_children(actor, dept.unit, dept, include_retired=retired),
            "posts": posts_with_holders(actor, dept, retired),
            "persons": persons,
            "liaisons": liaisons,
            "current_liaison": next((li for li in liaisons if li.end_date is None), None),
            "overseers": overseers,
            "perm": flags(actor, ObjectType.DEPARTMENT, dept.path),
            "may_create_post": can(actor, Action.CREATE, ObjectType.POST, dept.path),
            "may_create_person": can(actor, Action.CREATE, ObjectType.PERSON, dept.path),
            "may_designate": can(actor, Action.CREATE, ObjectType.LEADERSHIP, dept.path),
            "may_end_liaison": can(actor, Action.RETIRE, ObjectType.LEADERSHIP, dept.path),
        },
    )


@login_required
@ui_view
def department_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    parent_id = int_param(request, "parent")
    parent = selectors.get_or_404(selectors.departments(actor), pk=parent_id) if parent_id else None
    unit_id = int_param(request, "unit")
    unit = parent.unit if parent else selectors.get_or_404(selectors.units(actor), pk=unit_id)
    base = parent.path if parent else unit.path
    if not can(actor, Action.CREATE, ObjectType.DEPARTMENT, base):
        raise PermissionDenied(_("您没有在此新增部门的权限"))
    form = DepartmentForm(
        request.POST or None, initial={"parent": parent}, parents=_parent_choices(actor, unit)
    )

    def save(data: dict[str, Any]) -> Department:
        return services.create_department(
            actor,
            unit=unit,
            name=data["name"],
            parent=data["parent"],
            code=data["code"],
            kind=data["kind"],
            duties=data["duties"],
            sort_order=data["sort_order"] or 0,
        )

    return form_page(
        request,
        form,
        save,
        title=_("新增部门"),
        intro=_("所属单位：%(name)s") % {"name": unit.name},
        crumbs=path_crumbs(actor, base),
        cancel_url=_dept_url(parent) if parent else reverse("org:unit_detail", args=[unit.pk]),
        success=lambda d: _("部门“%(name)s”已创建。") % {"name": d},
        success_url=_dept_url,
    )


@login_required
@ui_view
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    dept = selectors.get_or_404(selectors.departments(actor), pk=pk)
    if not can(actor, Action.EDIT, ObjectType.DEPARTMENT, dept.path):
        raise PermissionDenied(_("您没有修改该部门的权限"))
    initial = {
        "name": dept.name,
        "code": dept.code,
        "kind": dept.kind,
        "parent": dept.parent,
        "duties": dept.duties,
        "sort_order": dept.sort_order,
    }
    parents = _parent_choices(actor, dept.unit, exclude=dept)
    if dept.parent is not None:
        # The current parent stays selectable even where the actor could not create under it.
        parents = Department.objects.filter(Q(pk__in=parents.values("pk")) | Q(pk=dept.parent_id)).order_by(
            "path"
        )
    form = DepartmentForm(request.POST or None, initial=initial, parents=parents)

    def save(data: dict[str, Any]) -> Department:
        return services.update_department(
            actor,
            dept,
            name=data["name"],
            parent=data["parent"],
            code=data["code"],
            kind=data["kind"],
            duties=data["duties"],
            sort_order=data["sort_order"] or 0,
        )

    return form_page(
        request,
        form,
        save,
        title=_("修改部门信息"),
        crumbs=path_crumbs(actor, dept.path),
        cancel_url=_dept_url(dept),
        success=lambda d: _("部门“%(name)s”已保存。") % {"name": d},
        success_url=_dept_url,
    )


@login_required
@ui_view
def department_retire(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    dept = selectors.get_or_404(selectors.departments(actor), pk=pk)
    if not can(actor, Action.RETIRE, ObjectType.DEPARTMENT, dept.path):
        raise PermissionDenied(_("您没有停用该部门的权限"))
    return date_page(
        request,
        lambda day: services.retire_department(actor, dept, day),
        title=_("停用部门"),
        question=_("确定停用部门“%(name)s”吗？停用前须先停用其下级部门和全部岗位；在任联络员的任期同时结束。")
        % {"name": dept.name},
        date_label=_("停用日期"),
        crumbs=path_crumbs(actor, dept.path),
        cancel_url=_dept_url(dept),
        success=_("部门“%(name)s”已停用。") % {"name": dept.name},
        success_url=_dept_url(dept),
    )
