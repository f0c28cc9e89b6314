"""The leadership team (领导班子) with the departments each member is in charge of, and liaisons."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import ui_view

from .. import selectors, services
from ..forms import LeadershipForm, LiaisonForm
from ..models import LeadershipRole, Liaison, Status
from .common import date_page, form_page, path_crumbs


def _unit_url(unit_id: int) -> str:
    return reverse("org:unit_detail", args=[unit_id])


@login_required
@ui_view
def leadership_create(request: HttpRequest, unit_pk: int) -> HttpResponse:
    actor = actor_of(request)
    unit = selectors.get_or_404(selectors.units(actor), pk=unit_pk)
    if not can(actor, Action.CREATE, ObjectType.LEADERSHIP, unit.path):
        raise PermissionDenied(_("您没有维护该单位领导班子的权限"))
    form = LeadershipForm(
        request.POST or None,
        initial={"start_date": timezone.localdate()},
        persons=selectors.persons(actor).filter(unit=unit, status=Status.ACTIVE).order_by("name"),
        departments=selectors.departments(actor).filter(unit=unit, status=Status.ACTIVE).order_by("path"),
    )

    def save(data: dict[str, Any]) -> LeadershipRole:
        return services.create_leadership(
            actor,
            unit=unit,
            person=data["person"],
            kind=data["kind"],
            title=data["title"],
            start_date=data["start_date"],
            departments=data["departments"],
        )

    return form_page(
        request,
        form,
        save,
        title=_("新增领导职务"),
        intro=_("单位：%(name)s") % {"name": unit.name},
        crumbs=path_crumbs(actor, unit.path),
        cancel_url=_unit_url(unit.pk),
        success=lambda r: _("领导职务“%(title)s”已登记。") % {"title": r},
        success_url=lambda r: _unit_url(unit.pk),
    )


@login_required
@ui_view
def leadership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    role = selectors.get_or_404(selectors.leadership_roles(actor), pk=pk)
    if not can(actor, Action.EDIT, ObjectType.LEADERSHIP, role.unit.path):
        raise PermissionDenied(_("您没有修改该领导职务的权限"))
    form = LeadershipForm(
        request.POST or None,
        editing=True,
        initial={"kind": role.kind, "title": role.title, "departments": list(role.departments.all())},
        departments=selectors.departments(actor)
        .filter(unit=role.unit, status=Status.ACTIVE)
        .order_by("path"),
    )

    def save(data: dict[str, Any]) -> LeadershipRole:
        return services.update_leadership(
            actor, role, kind=data["kind"], title=data["title"], departments=data["departments"]
        )

    return form_page(
        request,
        form,
        save,
        title=_("修改领导职务"),
        intro=_("%(person)s · %(title)s") % {"person": role.person.name, "title": role.title},
        crumbs=path_crumbs(actor, role.unit.path),
        cancel_url=_unit_url(role.unit_id),
        success=lambda r: _("领导职务已保存。"),
        success_url=lambda r: _unit_url(role.unit_id),
    )


@login_required
@ui_view
def leadership_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    role = selectors.get_or_404(selectors.leadership_roles(actor), pk=pk)
    if not can(actor, Action.RETIRE, ObjectType.LEADERSHIP, role.unit.path):
        raise PermissionDenied(_("您没有结束该领导职务的权限"))
    names = {"person": role.person.name, "title": role.title}
    return date_page(
        request,
        lambda day: services.end_leadership(actor, role, day),
        title=_("结束领导职务"),
        question=_("结束%(person)s的“%(title)s”职务。") % names,
        date_label=_("结束日期"),
        crumbs=path_crumbs(actor, role.unit.path),
        cancel_url=_unit_url(role.unit_id),
        success=_("%(person)s的“%(title)s”职务已结束。") % names,
        success_url=_unit_url(role.unit_id),
        danger=False,
    )


@login_required
@ui_view
def liaison_designate(request: HttpRequest, dept_pk: int) -> HttpResponse:
    actor = actor_of(request)
    dept = selectors.get_or_404(selectors.departments(actor), pk=dept_pk)
    if not can(actor, Action.CREATE, ObjectType.LEADERSHIP, dept.path):
        raise PermissionDenied(_("您没有指定该部门联络员的权限"))
    form = LiaisonForm(
        request.POST or None,
        initial={"start_date": timezone.localdate()},
        persons=selectors.persons(actor).filter(unit=dept.unit, status=Status.ACTIVE).order_by("name"),
    )
    url = reverse("org:department_detail", args=[dept.pk])

    def save(data: dict[str, Any]) -> Liaison:
        return services.designate_liaison(
            actor, department=dept, person=data["person"], start_date=data["start_date"]
        )

    return form_page(
        request,
        form,
        save,
        title=_("指定联络员"),
        intro=_("部门：%(name)s。原联络员的任期将自动结束。") % {"name": dept.name},
        crumbs=path_crumbs(actor, dept.path),
        cancel_url=url,
        success=lambda li: _("已指定联络员。"),
        success_url=lambda li: url,
    )


@login_required
@ui_view
def liaison_end(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    liaison = selectors.get_or_404(selectors.liaisons(actor), pk=pk)
    if not can(actor, Action.RETIRE, ObjectType.LEADERSHIP, liaison.department.path):
        raise PermissionDenied(_("您没有结束该联络员任期的权限"))
    url = reverse("org:department_detail", args=[liaison.department_id])
    names = {"person": liaison.person.name, "dept": liaison.department.name}
    return date_page(
        request,
        lambda day: services.end_liaison(actor, liaison, day),
        title=_("结束联络员任期"),
        question=_("结束%(person)s作为“%(dept)s”联络员的任期。") % names,
        date_label=_("结束日期"),
        crumbs=path_crumbs(actor, liaison.department.path),
        cancel_url=url,
        success=_("联络员任期已结束。"),
        success_url=url,
        danger=False,
    )
