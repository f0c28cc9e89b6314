"""Persons: roster, detail, create, edit, retire."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from lianfang.accounts.models import User
from lianfang.accounts.permissions import Action, ObjectType, can, can_anywhere, scope
from lianfang.core.actor import Actor
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import include_retired, paginate, ui_view

from .. import selectors, services
from ..forms import PersonForm
from ..models import Department, Person, Post, Status, Unit
from .common import Crumb, date_page, flags, form_page, int_param, path_crumbs


def _person_url(person: Any) -> str:
    return reverse("org:person_detail", args=[person.pk])


def _responsible_risks(actor: Actor, person: Person) -> list[tuple[Any, str, str]]:
    """The risk points the person answers for (分级负责), with their role and the register page's URL."""
    from lianfang.risks.responsibility import risks_for_person

    out = []
    for risk, role in risks_for_person(actor, person):
        try:
            url = reverse("risks:detail", args=[risk.pk])
        except NoReverseMatch:  # the register pages are not wired yet
            url = ""
        out.append((risk, role, url))
    return out


def _department_choices(actor: Actor, unit: Unit) -> QuerySet[Department]:
    return selectors.departments(actor, Action.VIEW).filter(unit=unit, status=Status.ACTIVE).order_by("path")


@login_required
@ui_view
def person_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_anywhere(actor, Action.VIEW, ObjectType.PERSON):
        raise PermissionDenied(_("您没有查看人员的权限"))
    qs = selectors.persons(actor).order_by("unit__path", "staff_no")
    retired = include_retired(request)
    if not retired:
        qs = qs.filter(status=Status.ACTIVE)
    unit = None
    unit_id = int_param(request, "unit")
    if unit_id:
        unit = selectors.get_or_404(selectors.units(actor), pk=unit_id)
        qs = qs.filter(unit=unit)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(staff_no__icontains=q) | Q(title__icontains=q))
    return render(
        request,
        "org/person_list.html",
        {
            "page_obj": paginate(request, qs),
            "unit": unit,
            "q": q,
            "retired": retired,
            "units": selectors.units(actor).filter(status=Status.ACTIVE).order_by("path"),
        },
    )


@login_required
@ui_view
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.get_or_404(selectors.persons(actor), pk=pk)
    path = services.person_path(person)
    account = scope(actor, Action.VIEW, ObjectType.ACCOUNT, User.objects.filter(person=person)).first()
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "crumbs": path_crumbs(actor, path),
            "assignments": selectors.assignments(actor)
            .filter(person=person)
            .order_by("end_date", "-start_date"),
            "leadership": selectors.leadership_roles(actor)
            .filter(person=person)
            .order_by("end_date", "-start_date"),
            "liaisons": selectors.liaisons(actor).filter(person=person).order_by("end_date", "-start_date"),
            "account": account,
            "responsible_risks": _responsible_risks(actor, person),
            "may_create_account": account is None
            and person.status == Status.ACTIVE
            and not User.objects.filter(person=person).exists()
            and can(actor, Action.CREATE, ObjectType.ACCOUNT, path),
            "perm": flags(actor, ObjectType.PERSON, path),
            # The same checks the actions make: a post of the person's unit the actor may assign to, and
            # each assignment's own post department.
            "may_assign": person.status == Status.ACTIVE
            and scope(
                actor,
                Action.CREATE,
                ObjectType.ASSIGNMENT,
                Post.objects.filter(department__unit=person.unit, status=Status.ACTIVE),
                lookups=("department__path",),
            ).exists(),
            "endable_assignments": set(
                selectors.assignments(actor, Action.EDIT)
                .filter(person=person, end_date__isnull=True)
                .values_list("pk", flat=True)
            ),
        },
    )


@login_required
@ui_view
def person_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    dept_id = int_param(request, "department")
    dept = selectors.get_or_404(selectors.departments(actor), pk=dept_id) if dept_id else None
    unit = dept.unit if dept else selectors.get_or_404(selectors.units(actor), pk=int_param(request, "unit"))
    base = dept.path if dept else unit.path
    if not can(actor, Action.CREATE, ObjectType.PERSON, base):
        raise PermissionDenied(_("您没有在此新增人员的权限"))
    form = PersonForm(
        request.POST or None, initial={"department": dept}, departments=_department_choices(actor, unit)
    )

    def save(data: dict[str, Any]) -> Person:
        return services.create_person(
            actor,
            unit=unit,
            name=data["name"],
            staff_no=data["staff_no"],
            department=data["department"],
            title=data["title"],
            phone=data["phone"],
        )

    return form_page(
        request,
        form,
        save,
        title=_("新增人员"),
        intro=_("所属单位：%(name)s") % {"name": unit.name},
        crumbs=path_crumbs(actor, base),
        cancel_url=reverse("org:department_detail", args=[dept.pk])
        if dept
        else reverse("org:unit_detail", args=[unit.pk]),
        success=lambda p: _("人员“%(name)s”已登记。") % {"name": p},
        success_url=_person_url,
    )


@login_required
@ui_view
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.get_or_404(selectors.persons(actor), pk=pk)
    path = services.person_path(person)
    if not can(actor, Action.EDIT, ObjectType.PERSON, path):
        raise PermissionDenied(_("您没有修改该人员的权限"))
    initial = {
        "name": person.name,
        "staff_no": person.staff_no,
        "department": person.department,
        "title": person.title,
        "phone": person.phone,
    }
    form = PersonForm(
        request.POST or None, initial=initial, departments=_department_choices(actor, person.unit)
    )

    def save(data: dict[str, Any]) -> Person:
        return services.update_person(
            actor,
            person,
            name=data["name"],
            staff_no=data["staff_no"],
            department=data["department"],
            title=data["title"],
            phone=data["phone"],
        )

    return form_page(
        request,
        form,
        save,
        title=_("修改人员信息"),
        crumbs=[*path_crumbs(actor, path), Crumb(person.name, _person_url(person))],
        cancel_url=_person_url(person),
        success=lambda p: _("人员“%(name)s”已保存。") % {"name": p},
        success_url=_person_url,
    )


@login_required
@ui_view
def person_retire(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.get_or_404(selectors.persons(actor), pk=pk)
    path = services.person_path(person)
    if not can(actor, Action.RETIRE, ObjectType.PERSON, path):
        raise PermissionDenied(_("您没有停用该人员的权限"))
    return date_page(
        request,
        lambda day: services.retire_person(actor, person, day),
        title=_("人员离岗停用"),
        question=_("确定将“%(name)s”停用吗？其在任的岗位、联络员和领导职务将于同一日结束；历史记录仍会保留。")
        % {"name": person.name},
        date_label=_("停用日期"),
        crumbs=[*path_crumbs(actor, path), Crumb(person.name, _person_url(person))],
        cancel_url=_person_url(person),
        success=_("人员“%(name)s”已停用。") % {"name": person.name},
        success_url=_person_url(person),
    )
