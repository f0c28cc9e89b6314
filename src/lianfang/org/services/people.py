"""Writes about people: persons, their posts, the leadership team and liaisons."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, ServiceError

from ..models import (
    Department,
    LeadershipKind,
    LeadershipRole,
    Liaison,
    Person,
    Post,
    PostAssignment,
    Status,
    Unit,
)
from .common import _audited_update, _clean, _ids, _retired, _save

# --- persons ------------------------------------------------------------------


def person_path(person: Person) -> str:
    return person.department.path if person.department else person.unit.path


def _check_person(
    unit: Unit, department: Department | None, name: str, staff_no: str, exclude_pk: int | None = None
) -> None:
    check = Checker()
    check.require(bool(name), "name", "姓名不能为空")
    check.require(bool(staff_no), "staff_no", "工号不能为空")
    if department is not None:
        check.require(department.unit_id == unit.pk, "department", "所在部门必须属于所属单位")
    if staff_no:
        clash = Person.objects.filter(unit=unit, staff_no=staff_no).exclude(pk__in=_ids(exclude_pk))
        check.require(not clash.exists(), "staff_no", f"工号“{staff_no}”已被使用")
    check.done()


@transaction.atomic
def create_person(
    actor: Actor,
    *,
    unit: Unit,
    name: str,
    staff_no: str,
    department: Department | None = None,
    title: str = "",
    phone: str = "",
) -> Person:
    name, staff_no = _clean(name), _clean(staff_no)
    require(actor, Action.CREATE, ObjectType.PERSON, department.path if department else unit.path)
    _check_person(unit, department, name, staff_no)
    person = Person(
        unit=unit,
        department=department,
        name=name,
        staff_no=staff_no,
        title=_clean(title),
        phone=_clean(phone),
    )
    _save(person, f"工号“{staff_no}”已被使用")
    record_change(
        actor, AuditAction.CREATE, person, scope_path=person_path(person), before=None, after=snapshot(person)
    )
    return person


@transaction.atomic
def update_person(
    actor: Actor,
    person: Person,
    *,
    name: str,
    staff_no: str,
    department: Department | None,
    title: str = "",
    phone: str = "",
) -> Person:
    require(actor, Action.EDIT, ObjectType.PERSON, person_path(person))
    if department is not None and department != person.department:
        require(actor, Action.CREATE, ObjectType.PERSON, department.path)
    name, staff_no = _clean(name), _clean(staff_no)
    _check_person(person.unit, department, name, staff_no, exclude_pk=person.pk)
    changes = {
        "name": name,
        "staff_no": staff_no,
        "department": department,
        "title": _clean(title),
        "phone": _clean(phone),
    }
    _audited_update(actor, person, changes, person_path(person), f"工号“{staff_no}”已被使用")
    return person


@transaction.atomic
def retire_person(actor: Actor, person: Person, on: date | None = None) -> Person:
    """A person who leaves keeps their history; their open posts and roles end on the same day."""
    require(actor, Action.RETIRE, ObjectType.PERSON, person_path(person))
    if person.status == Status.RETIRED:
        raise ServiceError("该人员已停用")
    day = on or timezone.localdate()
    for assignment in person.assignments.filter(end_date__isnull=True).select_related("post__department"):
        end_assignment(actor, assignment, max(day, assignment.start_date))
    for liaison in person.liaison_roles.filter(end_date__isnull=True).select_related("department"):
        end_liaison(actor, liaison, max(day, liaison.start_date))
    for role in person.leadership_roles.filter(end_date__isnull=True).select_related("unit"):
        end_leadership(actor, role, max(day, role.start_date))
    _audited_update(actor, person, _retired(day), person_path(person), "停用失败", action=AuditAction.RETIRE)
    return person


# --- assignments ----------------------------------------------------------------


@transaction.atomic
def assign_post(
    actor: Actor,
    *,
    person: Person,
    post: Post,
    start_date: date,
    end_date: date | None = None,
    note: str = "",
) -> PostAssignment:
    require(actor, Action.CREATE, ObjectType.ASSIGNMENT, post.department.path)
    check = Checker()
    check.require(person.status == Status.ACTIVE, "person", "该人员已停用")
    check.require(post.status == Status.ACTIVE, "post", "该岗位已停用")
    check.require(person.unit_id == post.department.unit_id, "post", "岗位与人员不属于同一单位")
    check.require(end_date is None or end_date >= start_date, "end_date", "任职结束日期不能早于开始日期")
    if end_date is None:
        check.require(
            not PostAssignment.objects.filter(person=person, post=post, end_date__isnull=True).exists(),
            "post",
            f"{person.name}已在任“{post.name}”",
        )
    check.done()
    assignment = PostAssignment(
        person=person, post=post, start_date=start_date, end_date=end_date, note=_clean(note)
    )
    _save(assignment, f"{person.name}已在任“{post.name}”")
    record_change(
        actor,
        AuditAction.CREATE,
        assignment,
        scope_path=post.department.path,
        before=None,
        after=snapshot(assignment),
    )
    return assignment


@transaction.atomic
def end_assignment(actor: Actor, assignment: PostAssignment, end_date: date) -> PostAssignment:
    path = assignment.post.department.path
    require(actor, Action.EDIT, ObjectType.ASSIGNMENT, path)
    if assignment.end_date is not None:
        raise ServiceError("该任职已结束")
    if end_date < assignment.start_date:
        raise ServiceError("任职结束日期不能早于开始日期", field="end_date")
    _audited_update(actor, assignment, {"end_date": end_date}, path, "任职记录冲突")
    return assignment


# --- leadership and liaisons ------------------------------------------------------


def _check_leadership(
    unit: Unit,
    person: Person,
    kind: str,
    title: str,
    departments: list[Department],
    start_date: date,
    exclude_pk: int | None = None,
) -> None:
    check = Checker()
    check.require(kind in LeadershipKind.values, "kind", "领导类别无效")
    check.require(bool(_clean(title)), "title", "职务不能为空")
    check.require(person.unit_id == unit.pk, "person", "人员必须属于本单位")
    check.require(person.status == Status.ACTIVE, "person", "该人员已停用")
    check.require(all(d.unit_id == unit.pk for d in departments), "departments", "分管部门必须属于本单位")
    # 一把手不直接分管: the head of the unit must not run departments directly.
    check.require(
        not (kind == LeadershipKind.HEAD and departments),
        "departments",
        "主要领导不直接分管部门（一把手不直接分管）",
    )
    if kind == LeadershipKind.HEAD:
        clash = LeadershipRole.objects.filter(unit=unit, kind=LeadershipKind.HEAD, end_date__isnull=True)
        check.require(not clash.exclude(pk__in=_ids(exclude_pk)).exists(), "kind", "本单位已有在任的主要领导")
    check.done()


@transaction.atomic
def create_leadership(
    actor: Actor,
    *,
    unit: Unit,
    person: Person,
    kind: str,
    title: str,
    start_date: date,
    departments: Iterable[Department] = (),
) -> LeadershipRole:
    require(actor, Action.CREATE, ObjectType.LEADERSHIP, unit.path)
    departments = list(departments)
    _check_leadership(unit, person, kind, title, departments, start_date)
    role = LeadershipRole(unit=unit, person=person, kind=kind, title=_clean(title), start_date=start_date)
    _save(role, "本单位已有在任的主要领导")
    role.departments.set(departments)
    after = {**snapshot(role), "departments": sorted(d.pk for d in departments)}
    record_change(actor, AuditAction.CREATE, role, scope_path=unit.path, before=None, after=after)
    return role


@transaction.atomic
def update_leadership(
    actor: Actor, role: LeadershipRole, *, kind: str, title: str, departments: Iterable[Department]
) -> LeadershipRole:
    require(actor, Action.EDIT, ObjectType.LEADERSHIP, role.unit.path)
    departments = list(departments)
    _check_leadership(role.unit, role.person, kind, title, departments, role.start_date, exclude_pk=role.pk)
    before = {**snapshot(role), "departments": sorted(role.departments.values_list("pk", flat=True))}
    role.kind, role.title = kind, _clean(title)
    _save(role, "本单位已有在任的主要领导")
    role.departments.set(departments)
    after = {**snapshot(role), "departments": sorted(d.pk for d in departments)}
    if before != after:
        record_change(actor, AuditAction.UPDATE, role, scope_path=role.unit.path, before=before, after=after)
    return role


@transaction.atomic
def end_leadership(actor: Actor, role: LeadershipRole, end_date: date) -> LeadershipRole:
    require(actor, Action.RETIRE, ObjectType.LEADERSHIP, role.unit.path)
    if role.end_date is not None:
        raise ServiceError("该领导职务已结束")
    if end_date < role.start_date:
        raise ServiceError("结束日期不能早于开始日期", field="end_date")
    _audited_update(
        actor, role, {"end_date": end_date}, role.unit.path, "结束失败", action=AuditAction.RETIRE
    )
    return role


@transaction.atomic
def designate_liaison(actor: Actor, *, department: Department, person: Person, start_date: date) -> Liaison:
    """Make `person` the department's liaison; the previous one's term ends the day before."""
    require(actor, Action.CREATE, ObjectType.LEADERSHIP, department.path)
    check = Checker()
    check.require(person.unit_id == department.unit_id, "person", "联络员必须是本单位人员")
    check.require(person.status == Status.ACTIVE, "person", "该人员已停用")
    check.require(department.status == Status.ACTIVE, "department", "该部门已停用")
    check.done()
    current = Liaison.objects.filter(department=department, end_date__isnull=True).first()
    if current is not None:
        if current.person_id == person.pk:
            raise ServiceError(f"{person.name}已是该部门的联络员")
        end_liaison(actor, current, max(current.start_date, start_date))
    liaison = Liaison(department=department, person=person, start_date=start_date)
    _save(liaison, "该部门已有在任联络员")
    record_change(
        actor, AuditAction.CREATE, liaison, scope_path=department.path, before=None, after=snapshot(liaison)
    )
    return liaison


@transaction.atomic
def end_liaison(actor: Actor, liaison: Liaison, end_date: date) -> Liaison:
    require(actor, Action.RETIRE, ObjectType.LEADERSHIP, liaison.department.path)
    if liaison.end_date is not None:
        raise ServiceError("该联络员任期已结束")
    changes = {"end_date": max(end_date, liaison.start_date)}
    _audited_update(actor, liaison, changes, liaison.department.path, "结束失败", action=AuditAction.RETIRE)
    return liaison
