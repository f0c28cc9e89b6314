"""Units: detail, create, edit, retire."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import include_retired, ui_view

from .. import selectors, services
from ..forms import UnitForm
from ..models import Status, Unit
from .common import Crumb, date_page, flags, form_page, int_param, path_crumbs


def _unit_url(unit: Any) -> str:
    return reverse("org:unit_detail", args=[unit.pk])


@login_required
@ui_view
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    unit = selectors.get_or_404(selectors.units(actor), pk=pk)
    retired = include_retired(request)
    child_units = selectors.units(actor).filter(parent=unit).order_by("name")
    if not retired:
        child_units = child_units.filter(status=Status.ACTIVE)
    leaders = selectors.leadership_roles(actor).filter(unit=unit).order_by("end_date", "kind", "start_date")
    if not retired:
        leaders = leaders.filter(end_date__isnull=True)
    persons = selectors.persons(actor).filter(unit=unit)
    return render(
        request,
        "org/unit_detail.html",
        {
            "unit": unit,
            "crumbs": path_crumbs(actor, unit.path, include_last=False),
            "retired": retired,
            "child_units": child_units,
            "departments": selectors.department_children(actor, unit, None, include_retired=retired),
            "leaders": leaders,
            "person_count": persons.filter(status=Status.ACTIVE).count(),
            "perm": flags(actor, ObjectType.UNIT, unit.path),
            "may_create_department": can(actor, Action.CREATE, ObjectType.DEPARTMENT, unit.path),
            "may_create_person": can(actor, Action.CREATE, ObjectType.PERSON, unit.path),
            "may_create_leadership": can(actor, Action.CREATE, ObjectType.LEADERSHIP, unit.path),
            "may_edit_leadership": can(actor, Action.EDIT, ObjectType.LEADERSHIP, unit.path),
            "may_end_leadership": can(actor, Action.RETIRE, ObjectType.LEADERSHIP, unit.path),
        },
    )


@login_required
@ui_view
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    parent_id = int_param(request, "parent")
    parent = selectors.get_or_404(selectors.units(actor), pk=parent_id) if parent_id else None
    if not can(actor, Action.CREATE, ObjectType.UNIT, parent.path if parent else ""):
        raise PermissionDenied(_("您没有在此新增单位的权限"))
    form = UnitForm(request.POST or None)

    def save(data: dict[str, Any]) -> Unit:
        return services.create_unit(
            actor,
            name=data["name"],
            code=data["code"],
            kind=data["kind"],
            parent=parent,
            short_name=data["short_name"],
        )

    crumbs = path_crumbs(actor, parent.path) if parent else [Crumb(_("组织机构"), reverse("org:tree"))]
    return form_page(
        request,
        form,
        save,
        title=_("新增下级单位") if parent else _("新增单位"),
        intro=_("上级单位：%(name)s") % {"name": parent.name} if parent else "",
        crumbs=crumbs,
        cancel_url=_unit_url(parent) if parent else reverse("org:tree"),
        success=lambda u: _("单位“%(name)s”已创建。") % {"name": u},
        success_url=_unit_url,
    )


@login_required
@ui_view
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    unit = selectors.get_or_404(selectors.units(actor), pk=pk)
    if not can(actor, Action.EDIT, ObjectType.UNIT, unit.path):
        raise PermissionDenied(_("您没有修改该单位的权限"))
    initial = {"name": unit.name, "short_name": unit.short_name, "code": unit.code, "kind": unit.kind}
    form = UnitForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Unit:
        return services.update_unit(
            actor,
            unit,
            name=data["name"],
            code=data["code"],
            kind=data["kind"],
            short_name=data["short_name"],
        )

    return form_page(
        request,
        form,
        save,
        title=_("修改单位信息"),
        crumbs=path_crumbs(actor, unit.path),
        cancel_url=_unit_url(unit),
        success=lambda u: _("单位“%(name)s”已保存。") % {"name": u},
        success_url=_unit_url,
    )


@login_required
@ui_view
def unit_retire(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    unit = selectors.get_or_404(selectors.units(actor), pk=pk)
    if not can(actor, Action.RETIRE, ObjectType.UNIT, unit.path):
        raise PermissionDenied(_("您没有停用该单位的权限"))
    return date_page(
        request,
        lambda day: services.retire_unit(actor, unit, day),
        title=_("停用单位"),
        question=_("确定停用单位“%(name)s”吗？停用前须先停用其全部下属单位和部门；停用后历史记录仍会保留。")
        % {"name": unit.name},
        date_label=_("停用日期"),
        crumbs=path_crumbs(actor, unit.path),
        cancel_url=_unit_url(unit),
        success=_("单位“%(name)s”已停用。") % {"name": unit.name},
        success_url=reverse("org:unit_detail", args=[unit.pk]),
    )
