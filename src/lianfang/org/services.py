"""Every write to the organisation: validated, permission-checked, audited, atomic."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, can
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, PermissionDeniedError, ServiceError

from .models import (
    Department,
    DepartmentKind,
    LeadershipKind,
    LeadershipRole,
    Liaison,
    Person,
    Post,
    PostAssignment,
    PostLevel,
    Status,
    Unit,
    UnitKind,
)


def _require_permission(actor: Actor, action: str, object_type: str, path: str) -> None:
    if not can(actor, action, object_type, path):
        raise PermissionDeniedError(
            f"您没有在此范围内{Action(action).label}{ObjectType(object_type).label}的权限"
        )


def _clean(text: str | None) -> str:
    # People paste from Word: trim ordinary and full-width spaces.
    return (text or "").strip().strip("\u3000").strip()


def _save(obj: Model, integrity_message: str) -> None:
    # Field-level rules the model declares (lengths, choices) are checked here too, so the UI, the API and
    # the importers get the same Chinese message instead of a database error.
    try:
        obj.clean_fields(exclude=["path"])
    except ValidationError as exc:
        raise ServiceError(
            field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from exc
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ServiceError(integrity_message) from exc


def _ids(pk: int | None) -> list[int]:
    return [] if pk is None else [pk]


def _temp_path() -> str:
    return f"~{uuid.uuid4().hex}"


def _audited_update(
    actor: Actor, obj: Model, changes: dict[str, Any], scope_path: str, integrity_message: str
) -> Model:
    before = snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    after = snapshot(obj)
    if before == after:
        return obj
    _save(obj, integrity_message)
    record_change(actor, AuditAction.UPDATE, obj, scope_path=scope_path, before=before, after=after)
    return obj


# --- units ------------------------------------------------------------------


def _check_unit_fields(name: str, code: str, kind: str, exclude_pk: int | None = None) -> None:
    check = Checker()
    check.require(bool(name), "name", "单位名称不能为空")
    check.require(bool(code), "code", "单位代码不能为空")
    check.require(kind in UnitKind.values, "kind", "单位类型无效")
    if code:
        clash = Unit.objects.filter(code=code).exclude(pk__in=_ids(exclude_pk))
        check.require(not clash.exists(), "code", f"单位代码“{code}”已被使用")
    check.done()


@transaction.atomic
def create_unit(
    actor: Actor,
    *,
    name: str,
    code: str,
    kind: str = UnitKind.INSTITUTION,
    parent: Unit | None = None,
    short_name: str = "",
) -> Unit:
    name, code, short_name = _clean(name), _clean(code), _clean(short_name)
    _require_permission(actor, Action.CREATE, ObjectType.UNIT, parent.path if parent else "")
    if parent is not None and parent.status != Status.ACTIVE:
        raise ServiceError("上级单位已停用", field="parent")
    _check_unit_fields(name, code, kind)
    unit = Unit(name=name, code=code, kind=kind, parent=parent, short_name=short_name, path=_temp_path())
    _save(unit, "单位代码重复")
    unit.path = f"{parent.path if parent else ''}U{unit.pk}/"
    unit.save(update_fields=["path"])
    record_change(actor, AuditAction.CREATE, unit, scope_path=unit.path, before=None, after=snapshot(unit))
    return unit


@transaction.atomic
def update_unit(actor: Actor, unit: Unit, *, name: str, code: str, kind: str, short_name: str = "") -> Unit:
    _require_permission(actor, Action.EDIT, ObjectType.UNIT, unit.path)
    name, code, short_name = _clean(name), _clean(code), _clean(short_name)
    _check_unit_fields(name, code, kind, exclude_pk=unit.pk)
    changes = {"name": name, "code": code, "kind": kind, "short_name": short_name}
    _audited_update(actor, unit, changes, unit.path, "单位代码重复")
    return unit


@transaction.atomic
def retire_unit(actor: Actor, unit: Unit, on: date | None = None) -> Unit:
    _require_permission(actor, Action.RETIRE, ObjectType.UNIT, unit.path)
    if unit.status == Status.RETIRED:
        raise ServiceError("该单位已停用")
    if unit.children.filter(status=Status.ACTIVE).exists():
        raise ServiceError("请先停用其下属单位")
    if unit.departments.filter(status=Status.ACTIVE).exists():
        raise ServiceError("请先停用该单位的全部部门")
    changes = {"status": Status.RETIRED, "retired_on": on or timezone.localdate()}
    before = snapshot(unit)
    for key, value in changes.items():
        setattr(unit, key, value)
    unit.save()
    record_change(actor, AuditAction.RETIRE, unit, scope_path=unit.path, before=before, after=snapshot(unit))
    return unit


# --- departments --------------------------------------------------------------


def _check_department(
    unit: Unit, name: str, kind: str, parent: Department | None, exclude_pk: int | None = None
) -> None:
    check = Checker()
    check.require(bool(name), "name", "部门名称不能为空")
    check.require(kind in DepartmentKind.values, "kind", "部门类型无效")
    check.require(unit.status == Status.ACTIVE, "unit", "所属单位已停用")
    if parent is not None:
        check.require(parent.unit_id == unit.pk, "parent", "上级部门必须属于同一单位")
        check.require(parent.status == Status.ACTIVE, "parent", "上级部门已停用")
        if exclude_pk is not None:
            check.require(
                parent.pk != exclude_pk
                and not parent.path.startswith(Department.objects.get(pk=exclude_pk).path),
                "parent",
                "上级部门不能是本部门或其下级部门",
            )
    if name:
        clash = Department.objects.filter(unit=unit, name=name, status=Status.ACTIVE).exclude(
            pk__in=_ids(exclude_pk)
        )
        check.require(not clash.exists(), "name", f"本单位已有名为“{name}”的部门")
    check.done()


@transaction.atomic
def create_department(
    actor: Actor,
    *,
    unit: Unit,
    name: str,
    parent: Department | None = None,
    code: str = "",
    kind: str = DepartmentKind.FUNCTIONAL,
    duties: str = "",
    sort_order: int = 0,
) -> Department:
    name = _clean(name)
    base = parent.path if parent else unit.path
    _require_permission(actor, Action.CREATE, ObjectType.DEPARTMENT, base)
    _check_department(unit, name, kind, parent)
    dept = Department(
        unit=unit,
        parent=parent,
        name=name,
        code=_clean(code),
        kind=kind,
        duties=duties.strip(),
        sort_order=sort_order,
        path=_temp_path(),
    )
    _save(dept, f"本单位已有名为“{name}”的部门")
    dept.path = f"{base}D{dept.pk}/"
    dept.save(update_fields=["path"])
    record_change(actor, AuditAction.CREATE, dept, scope_path=dept.path, before=None, after=snapshot(dept))
    return dept


@transaction.atomic
def update_department(
    actor: Actor,
    dept: Department,
    *,
    name: str,
    parent: Department | None,
    code: str = "",
    kind: str = DepartmentKind.FUNCTIONAL,
    duties: str = "",
    sort_order: int = 0,
) -> Department:
    _require_permission(actor, Action.EDIT, ObjectType.DEPARTMENT, dept.path)
    name = _clean(name)
    _check_department(dept.unit, name, kind, parent, exclude_pk=dept.pk)
    old_path = dept.path
    new_base = parent.path if parent else dept.unit.path
    new_path = f"{new_base}D{dept.pk}/"
    if new_path != old_path:
        _require_permission(actor, Action.CREATE, ObjectType.DEPARTMENT, new_base)
    changes = {
        "name": name,
        "parent": parent,
        "code": _clean(code),
        "kind": kind,
        "duties": duties.strip(),
        "sort_order": sort_order,
        "path": new_path,
    }
    _audited_update(actor, dept, changes, new_path, f"本单位已有名为“{name}”的部门")
    if new_path != old_path:
        # Moving a department moves its whole subtree: rewrite the descendants' paths.
        for child in Department.objects.filter(path__startswith=old_path).exclude(pk=dept.pk):
            child.path = new_path + child.path[len(old_path) :]
            child.save(update_fields=["path"])
    return dept


@transaction.atomic
def retire_department(actor: Actor, dept: Department, on: date | None = None) -> Department:
    _require_permission(actor, Action.RETIRE, ObjectType.DEPARTMENT, dept.path)
    if dept.status == Status.RETIRED:
        raise ServiceError("该部门已停用")
    if dept.children.filter(status=Status.ACTIVE).exists():
        raise ServiceError("请先停用其下级部门")
    if dept.posts.filter(status=Status.ACTIVE).exists():
        raise ServiceError("请先停用该部门的全部岗位")
    before = snapshot(dept)
    dept.status, dept.retired_on = Status.RETIRED, on or timezone.localdate()
    dept.save()
    Liaison.objects.filter(department=dept, end_date__isnull=True).update(end_date=dept.retired_on)
    record_change(actor, AuditAction.RETIRE, dept, scope_path=dept.path, before=before, after=snapshot(dept))
    return dept


# --- posts ------------------------------------------------------------------

POST_FLAGS = ("manages_people", "manages_money", "manages_assets", "manages_approval", "manages_enforcement")


def _check_post(
    department: Department, name: str, level: str, headcount: int, exclude_pk: int | None = None
) -> None:
    check = Checker()
    check.require(bool(name), "name", "岗位名称不能为空")
    check.require(level in PostLevel.values, "level", "岗位层级无效（领导岗位/中层岗位/一般岗位）")
    check.require(headcount >= 1, "headcount", "编制人数至少为 1")
    check.require(department.status == Status.ACTIVE, "department", "所属部门已停用")
    if name:
        clash = Post.objects.filter(department=department, name=name, status=Status.ACTIVE).exclude(
            pk__in=_ids(exclude_pk)
        )
        check.require(not clash.exists(), "name", f"“{department.name}”已有名为“{name}”的岗位")
    check.done()


@transaction.atomic
def create_post(
    actor: Actor,
    *,
    department: Department,
    name: str,
    duties: str = "",
    level: str = PostLevel.GENERAL,
    code: str = "",
    headcount: int = 1,
    flags: Iterable[str] = (),
) -> Post:
    name = _clean(name)
    _require_permission(actor, Action.CREATE, ObjectType.POST, department.path)
    _check_post(department, name, level, headcount)
    flags = set(flags)
    unknown = flags - set(POST_FLAGS)
    if unknown:
        raise ServiceError(f"未知的重点岗位标记：{'、'.join(sorted(unknown))}", field="flags")
    post = Post(
        department=department,
        name=name,
        duties=duties.strip(),
        level=level,
        code=_clean(code),
        headcount=headcount,
        **{f: f in flags for f in POST_FLAGS},
    )
    _save(post, f"“{department.name}”已有名为“{name}”的岗位")
    record_change(
        actor, AuditAction.CREATE, post, scope_path=department.path, before=None, after=snapshot(post)
    )
    return post


@transaction.atomic
def update_post(
    actor: Actor,
    post: Post,
    *,
    name: str,
    duties: str = "",
    level: str = PostLevel.GENERAL,
    code: str = "",
    headcount: int = 1,
    flags: Iterable[str] = (),
) -> Post:
    _require_permission(actor, Action.EDIT, ObjectType.POST, post.department.path)
    name = _clean(name)
    _check_post(post.department, name, level, headcount, exclude_pk=post.pk)
    flags = set(flags)
    changes: dict[str, Any] = {
        "name": name,
        "duties": duties.strip(),
        "level": level,
        "code": _clean(code),
        "headcount": headcount,
        **{f: f in flags for f in POST_FLAGS},
    }
    _audited_update(actor, post, changes, post.department.path, f"已有名为“{name}”的岗位")
    return post


@transaction.atomic
def retire_post(actor: Actor, post: Post, on: date | None = None) -> Post:
    _require_permission(actor, Action.RETIRE, ObjectType.POST, post.department.path)
    if post.status == Status.RETIRED:
        raise ServiceError("该岗位已停用")
    if post.assignments.filter(end_date__isnull=True).exists():
        raise ServiceError("该岗位仍有在任人员，请先结束其任职")
    before = snapshot(post)
    post.status, post.retired_on = Status.RETIRED, on or timezone.localdate()
    post.save()
    record_change(
        actor, AuditAction.RETIRE, post, scope_path=post.department.path, before=before, after=snapshot(post)
    )
    return post


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
    _require_permission(actor, Action.CREATE, ObjectType.PERSON, department.path if department else unit.path)
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
    _require_permission(actor, Action.EDIT, ObjectType.PERSON, person_path(person))
    if department is not None and department != person.department:
        _require_permission(actor, Action.CREATE, ObjectType.PERSON, department.path)
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
    _require_permission(actor, Action.RETIRE, ObjectType.PERSON, person_path(person))
    if person.status == Status.RETIRED:
        raise ServiceError("该人员已停用")
    day = on or timezone.localdate()
    for assignment in person.assignments.filter(end_date__isnull=True).select_related("post__department"):
        end_assignment(actor, assignment, max(day, assignment.start_date))
    for liaison in person.liaison_roles.filter(end_date__isnull=True).select_related("department"):
        end_liaison(actor, liaison, max(day, liaison.start_date))
    for role in person.leadership_roles.filter(end_date__isnull=True).select_related("unit"):
        end_leadership(actor, role, max(day, role.start_date))
    before = snapshot(person)
    person.status, person.retired_on = Status.RETIRED, day
    person.save()
    record_change(
        actor,
        AuditAction.RETIRE,
        person,
        scope_path=person_path(person),
        before=before,
        after=snapshot(person),
    )
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
    _require_permission(actor, Action.CREATE, ObjectType.ASSIGNMENT, post.department.path)
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
    _require_permission(actor, Action.EDIT, ObjectType.ASSIGNMENT, path)
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
    _require_permission(actor, Action.CREATE, ObjectType.LEADERSHIP, unit.path)
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
    _require_permission(actor, Action.EDIT, ObjectType.LEADERSHIP, role.unit.path)
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
    _require_permission(actor, Action.RETIRE, ObjectType.LEADERSHIP, role.unit.path)
    if role.end_date is not None:
        raise ServiceError("该领导职务已结束")
    if end_date < role.start_date:
        raise ServiceError("结束日期不能早于开始日期", field="end_date")
    before = snapshot(role)
    role.end_date = end_date
    role.save(update_fields=["end_date"])
    record_change(
        actor, AuditAction.RETIRE, role, scope_path=role.unit.path, before=before, after=snapshot(role)
    )
    return role


@transaction.atomic
def designate_liaison(actor: Actor, *, department: Department, person: Person, start_date: date) -> Liaison:
    """Make `person` the department's liaison; the previous one's term ends the day before."""
    _require_permission(actor, Action.CREATE, ObjectType.LEADERSHIP, department.path)
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
    _require_permission(actor, Action.RETIRE, ObjectType.LEADERSHIP, liaison.department.path)
    if liaison.end_date is not None:
        raise ServiceError("该联络员任期已结束")
    before = snapshot(liaison)
    liaison.end_date = max(end_date, liaison.start_date)
    liaison.save(update_fields=["end_date"])
    record_change(
        actor,
        AuditAction.RETIRE,
        liaison,
        scope_path=liaison.department.path,
        before=before,
        after=snapshot(liaison),
    )
    return liaison
