"""Writes to the structure: units, departments and posts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, ServiceError

from ..models import (
    Department,
    DepartmentKind,
    Liaison,
    Post,
    PostLevel,
    Status,
    Unit,
    UnitKind,
)
from .common import _audited_update, _clean, _ids, _retired, _save, _temp_path
from .people import end_liaison

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
    require(actor, Action.CREATE, ObjectType.UNIT, parent.path if parent else "")
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
    require(actor, Action.EDIT, ObjectType.UNIT, unit.path)
    name, code, short_name = _clean(name), _clean(code), _clean(short_name)
    _check_unit_fields(name, code, kind, exclude_pk=unit.pk)
    changes = {"name": name, "code": code, "kind": kind, "short_name": short_name}
    _audited_update(actor, unit, changes, unit.path, "单位代码重复")
    return unit


@transaction.atomic
def retire_unit(actor: Actor, unit: Unit, on: date | None = None) -> Unit:
    require(actor, Action.RETIRE, ObjectType.UNIT, unit.path)
    if unit.status == Status.RETIRED:
        raise ServiceError("该单位已停用")
    if unit.children.filter(status=Status.ACTIVE).exists():
        raise ServiceError("请先停用其下属单位")
    if unit.departments.filter(status=Status.ACTIVE).exists():
        raise ServiceError("请先停用该单位的全部部门")
    _audited_update(actor, unit, _retired(on), unit.path, "停用失败", action=AuditAction.RETIRE)
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
    require(actor, Action.CREATE, ObjectType.DEPARTMENT, base)
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
    require(actor, Action.EDIT, ObjectType.DEPARTMENT, dept.path)
    name = _clean(name)
    _check_department(dept.unit, name, kind, parent, exclude_pk=dept.pk)
    old_path = dept.path
    new_base = parent.path if parent else dept.unit.path
    new_path = f"{new_base}D{dept.pk}/"
    if new_path != old_path:
        require(actor, Action.CREATE, ObjectType.DEPARTMENT, new_base)
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
    require(actor, Action.RETIRE, ObjectType.DEPARTMENT, dept.path)
    if dept.status == Status.RETIRED:
        raise ServiceError("该部门已停用")
    if dept.children.filter(status=Status.ACTIVE).exists():
        raise ServiceError("请先停用其下级部门")
    if dept.posts.filter(status=Status.ACTIVE).exists():
        raise ServiceError("请先停用该部门的全部岗位")
    changes = _retired(on)
    # A retired department has no liaison any more; each term ends with its own audit entry.
    for liaison in Liaison.objects.filter(department=dept, end_date__isnull=True).select_related(
        "department"
    ):
        end_liaison(actor, liaison, changes["retired_on"])
    _audited_update(actor, dept, changes, dept.path, "停用失败", action=AuditAction.RETIRE)
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
    require(actor, Action.CREATE, ObjectType.POST, department.path)
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
    require(actor, Action.EDIT, ObjectType.POST, post.department.path)
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
    require(actor, Action.RETIRE, ObjectType.POST, post.department.path)
    if post.status == Status.RETIRED:
        raise ServiceError("该岗位已停用")
    if post.assignments.filter(end_date__isnull=True).exists():
        raise ServiceError("该岗位仍有在任人员，请先结束其任职")
    _audited_update(actor, post, _retired(on), post.department.path, "停用失败", action=AuditAction.RETIRE)
    return post
