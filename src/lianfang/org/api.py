"""Organisation endpoints. Thin: parse, resolve references inside the caller's scope, call the services."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from lianfang.accounts.permissions import Action
from lianfang.accounts.selectors import request_actor
from lianfang.core.errors import ServiceError

from . import selectors as sel
from . import services
from .models import DepartmentKind, LeadershipKind, PostLevel, Status, UnitKind

router = Router(tags=["组织机构"])


class RetireIn(Schema):
    on: date | None = Field(None, description="停用日期，默认今天")


class EndIn(Schema):
    end_date: date


def _ref(qs: QuerySet[Any], pk: int | None, label: str) -> Any:
    """Resolve a referenced id inside the caller's view scope: an id outside it is treated as unknown."""
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise ServiceError(f"{label}（ID {pk}）不存在或不在您的权限范围内")
    return obj


def _status_filter(qs: QuerySet[Any], include_retired: bool) -> QuerySet[Any]:
    return qs if include_retired else qs.filter(status=Status.ACTIVE)


# --- units ------------------------------------------------------------------


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    kind: UnitKind
    parent_id: int | None
    path: str
    status: Status
    retired_on: date | None


class UnitIn(Schema):
    name: str
    code: str
    kind: UnitKind = UnitKind.INSTITUTION
    short_name: str = ""
    parent_id: int | None = None


@router.get("/units", response=list[UnitOut], summary="单位列表")
@paginate
def list_units(request: HttpRequest, include_retired: bool = False) -> Any:
    return _status_filter(sel.units(request_actor(request)), include_retired)


@router.get("/units/{unit_id}", response=UnitOut, summary="单位详情")
def get_unit(request: HttpRequest, unit_id: int) -> Model:
    return sel.get_or_404(sel.units(request_actor(request)), pk=unit_id)


@router.post("/units", response={201: UnitOut}, summary="新增单位")
def create_unit(request: HttpRequest, payload: UnitIn) -> Any:
    actor = request_actor(request)
    parent = _ref(sel.units(actor), payload.parent_id, "上级单位")
    data = payload.dict(exclude={"parent_id"})
    return HttpStatus(201, services.create_unit(actor, parent=parent, **data))


@router.put("/units/{unit_id}", response=UnitOut, summary="修改单位")
def update_unit(request: HttpRequest, unit_id: int, payload: UnitIn) -> Model:
    actor = request_actor(request)
    unit = sel.get_or_404(sel.units(actor, Action.EDIT), pk=unit_id)
    return services.update_unit(actor, unit, **payload.dict(exclude={"parent_id"}))


@router.post("/units/{unit_id}/retire", response=UnitOut, summary="停用单位")
def retire_unit(request: HttpRequest, unit_id: int, payload: RetireIn) -> Model:
    actor = request_actor(request)
    unit = sel.get_or_404(sel.units(actor, Action.RETIRE), pk=unit_id)
    return services.retire_unit(actor, unit, payload.on)


# --- departments --------------------------------------------------------------


class DepartmentOut(Schema):
    id: int
    unit_id: int
    parent_id: int | None
    name: str
    code: str
    kind: DepartmentKind
    duties: str
    sort_order: int
    path: str
    status: Status
    retired_on: date | None


class DepartmentIn(Schema):
    unit_id: int
    name: str
    parent_id: int | None = None
    code: str = ""
    kind: DepartmentKind = DepartmentKind.FUNCTIONAL
    duties: str = ""
    sort_order: int = Field(0, ge=0)


@router.get("/departments", response=list[DepartmentOut], summary="部门列表")
@paginate
def list_departments(request: HttpRequest, unit_id: int | None = None, include_retired: bool = False) -> Any:
    qs = _status_filter(sel.departments(request_actor(request)), include_retired)
    return qs.filter(unit_id=unit_id) if unit_id else qs


@router.get("/departments/{dept_id}", response=DepartmentOut, summary="部门详情")
def get_department(request: HttpRequest, dept_id: int) -> Model:
    return sel.get_or_404(sel.departments(request_actor(request)), pk=dept_id)


@router.post("/departments", response={201: DepartmentOut}, summary="新增部门")
def create_department(request: HttpRequest, payload: DepartmentIn) -> Any:
    actor = request_actor(request)
    unit = _ref(sel.units(actor), payload.unit_id, "所属单位")
    parent = _ref(sel.departments(actor), payload.parent_id, "上级部门")
    data = payload.dict(exclude={"unit_id", "parent_id"})
    return HttpStatus(201, services.create_department(actor, unit=unit, parent=parent, **data))


@router.put("/departments/{dept_id}", response=DepartmentOut, summary="修改部门")
def update_department(request: HttpRequest, dept_id: int, payload: DepartmentIn) -> Model:
    actor = request_actor(request)
    dept = sel.get_or_404(sel.departments(actor, Action.EDIT), pk=dept_id)
    parent = _ref(sel.departments(actor), payload.parent_id, "上级部门")
    return services.update_department(
        actor, dept, parent=parent, **payload.dict(exclude={"unit_id", "parent_id"})
    )


@router.post("/departments/{dept_id}/retire", response=DepartmentOut, summary="停用部门")
def retire_department(request: HttpRequest, dept_id: int, payload: RetireIn) -> Model:
    actor = request_actor(request)
    dept = sel.get_or_404(sel.departments(actor, Action.RETIRE), pk=dept_id)
    return services.retire_department(actor, dept, payload.on)


# --- posts ------------------------------------------------------------------


class PostOut(Schema):
    id: int
    department_id: int
    name: str
    code: str
    duties: str
    level: PostLevel
    headcount: int
    manages_people: bool
    manages_money: bool
    manages_assets: bool
    manages_approval: bool
    manages_enforcement: bool
    status: Status
    retired_on: date | None


class PostIn(Schema):
    department_id: int
    name: str
    duties: str = ""
    level: PostLevel = PostLevel.GENERAL
    code: str = ""
    headcount: int = Field(1, ge=1)
    flags: list[str] = Field(
        default_factory=list, description="重点岗位标记：" + "、".join(services.POST_FLAGS)
    )


@router.get("/posts", response=list[PostOut], summary="岗位列表")
@paginate
def list_posts(request: HttpRequest, department_id: int | None = None, include_retired: bool = False) -> Any:
    qs = _status_filter(sel.posts(request_actor(request)), include_retired)
    return qs.filter(department_id=department_id) if department_id else qs


@router.get("/posts/{post_id}", response=PostOut, summary="岗位详情")
def get_post(request: HttpRequest, post_id: int) -> Model:
    return sel.get_or_404(sel.posts(request_actor(request)), pk=post_id)


@router.post("/posts", response={201: PostOut}, summary="新增岗位")
def create_post(request: HttpRequest, payload: PostIn) -> Any:
    actor = request_actor(request)
    dept = _ref(sel.departments(actor), payload.department_id, "所属部门")
    post = services.create_post(actor, department=dept, **payload.dict(exclude={"department_id"}))
    return HttpStatus(201, post)


@router.put("/posts/{post_id}", response=PostOut, summary="修改岗位")
def update_post(request: HttpRequest, post_id: int, payload: PostIn) -> Model:
    actor = request_actor(request)
    post = sel.get_or_404(sel.posts(actor, Action.EDIT), pk=post_id)
    return services.update_post(actor, post, **payload.dict(exclude={"department_id"}))


@router.post("/posts/{post_id}/retire", response=PostOut, summary="停用岗位")
def retire_post(request: HttpRequest, post_id: int, payload: RetireIn) -> Model:
    actor = request_actor(request)
    post = sel.get_or_404(sel.posts(actor, Action.RETIRE), pk=post_id)
    return services.retire_post(actor, post, payload.on)


# --- persons ------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    unit_id: int
    department_id: int | None
    name: str
    staff_no: str
    title: str
    phone: str
    status: Status
    retired_on: date | None


class PersonIn(Schema):
    unit_id: int
    name: str
    staff_no: str
    department_id: int | None = None
    title: str = ""
    phone: str = ""


@router.get("/persons", response=list[PersonOut], summary="人员列表")
@paginate
def list_persons(
    request: HttpRequest, department_id: int | None = None, include_retired: bool = False, q: str = ""
) -> Any:
    qs = _status_filter(sel.persons(request_actor(request)), include_retired)
    if department_id:
        qs = qs.filter(department_id=department_id)
    return qs.filter(name__contains=q.strip()) if q.strip() else qs


@router.get("/persons/{person_id}", response=PersonOut, summary="人员详情")
def get_person(request: HttpRequest, person_id: int) -> Model:
    return sel.get_or_404(sel.persons(request_actor(request)), pk=person_id)


@router.post("/persons", response={201: PersonOut}, summary="新增人员")
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    actor = request_actor(request)
    dept = _ref(sel.departments(actor), payload.department_id, "所在部门")
    # A department-level user may not see the unit itself: the department decides it.
    unit = dept.unit if dept is not None else _ref(sel.units(actor), payload.unit_id, "所属单位")
    data = payload.dict(exclude={"unit_id", "department_id"})
    return HttpStatus(201, services.create_person(actor, unit=unit, department=dept, **data))


@router.put("/persons/{person_id}", response=PersonOut, summary="修改人员")
def update_person(request: HttpRequest, person_id: int, payload: PersonIn) -> Model:
    actor = request_actor(request)
    person = sel.get_or_404(sel.persons(actor, Action.EDIT), pk=person_id)
    dept = _ref(sel.departments(actor), payload.department_id, "所在部门")
    return services.update_person(
        actor, person, department=dept, **payload.dict(exclude={"unit_id", "department_id"})
    )


@router.post("/persons/{person_id}/retire", response=PersonOut, summary="停用人员（离职）")
def retire_person(request: HttpRequest, person_id: int, payload: RetireIn) -> Model:
    actor = request_actor(request)
    person = sel.get_or_404(sel.persons(actor, Action.RETIRE), pk=person_id)
    return services.retire_person(actor, person, payload.on)


# --- assignments ----------------------------------------------------------------


class AssignmentOut(Schema):
    id: int
    person_id: int
    post_id: int
    start_date: date
    end_date: date | None
    note: str


class AssignmentIn(Schema):
    person_id: int
    post_id: int
    start_date: date
    end_date: date | None = None
    note: str = ""


@router.get("/assignments", response=list[AssignmentOut], summary="任职记录")
@paginate
def list_assignments(
    request: HttpRequest, post_id: int | None = None, person_id: int | None = None, current: bool = False
) -> Any:
    qs = sel.assignments(request_actor(request))
    if post_id:
        qs = qs.filter(post_id=post_id)
    if person_id:
        qs = qs.filter(person_id=person_id)
    return qs.filter(end_date__isnull=True) if current else qs


@router.post("/assignments", response={201: AssignmentOut}, summary="任命岗位")
def create_assignment(request: HttpRequest, payload: AssignmentIn) -> Any:
    actor = request_actor(request)
    person = _ref(sel.persons(actor), payload.person_id, "人员")
    post = _ref(sel.posts(actor), payload.post_id, "岗位")
    assignment = services.assign_post(
        actor,
        person=person,
        post=post,
        start_date=payload.start_date,
        end_date=payload.end_date,
        note=payload.note,
    )
    return HttpStatus(201, assignment)


@router.post("/assignments/{assignment_id}/end", response=AssignmentOut, summary="结束任职")
def end_assignment(request: HttpRequest, assignment_id: int, payload: EndIn) -> Model:
    actor = request_actor(request)
    assignment = sel.get_or_404(sel.assignments(actor, Action.EDIT), pk=assignment_id)
    return services.end_assignment(actor, assignment, payload.end_date)


# --- leadership and liaisons ----------------------------------------------------------


class LeadershipOut(Schema):
    id: int
    unit_id: int
    person_id: int
    kind: LeadershipKind
    title: str
    department_ids: list[int]
    start_date: date
    end_date: date | None

    @staticmethod
    def resolve_department_ids(obj: Any) -> list[int]:
        return sorted(d.pk for d in obj.departments.all())


class LeadershipIn(Schema):
    unit_id: int
    person_id: int
    kind: LeadershipKind
    title: str
    start_date: date
    department_ids: list[int] = Field(default_factory=list)


class LeadershipUpdateIn(Schema):
    kind: LeadershipKind
    title: str
    department_ids: list[int] = Field(default_factory=list)


def _departments(actor: Any, ids: list[int]) -> list[Any]:
    return [_ref(sel.departments(actor), pk, "分管部门") for pk in ids]


@router.get("/leadership", response=list[LeadershipOut], summary="领导班子与分工")
@paginate
def list_leadership(request: HttpRequest, unit_id: int | None = None, current: bool = True) -> Any:
    qs = sel.leadership_roles(request_actor(request))
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    return qs.filter(end_date__isnull=True) if current else qs


@router.post("/leadership", response={201: LeadershipOut}, summary="新增领导职务")
def create_leadership(request: HttpRequest, payload: LeadershipIn) -> Any:
    actor = request_actor(request)
    unit = _ref(sel.units(actor), payload.unit_id, "单位")
    person = _ref(sel.persons(actor), payload.person_id, "人员")
    role = services.create_leadership(
        actor,
        unit=unit,
        person=person,
        kind=payload.kind,
        title=payload.title,
        start_date=payload.start_date,
        departments=_departments(actor, payload.department_ids),
    )
    return HttpStatus(201, role)


@router.put("/leadership/{role_id}", response=LeadershipOut, summary="修改领导职务与分管部门")
def update_leadership(request: HttpRequest, role_id: int, payload: LeadershipUpdateIn) -> Model:
    actor = request_actor(request)
    role = sel.get_or_404(sel.leadership_roles(actor, Action.EDIT), pk=role_id)
    return services.update_leadership(
        actor,
        role,
        kind=payload.kind,
        title=payload.title,
        departments=_departments(actor, payload.department_ids),
    )


@router.post("/leadership/{role_id}/end", response=LeadershipOut, summary="结束领导职务")
def end_leadership(request: HttpRequest, role_id: int, payload: EndIn) -> Model:
    actor = request_actor(request)
    role = sel.get_or_404(sel.leadership_roles(actor, Action.RETIRE), pk=role_id)
    return services.end_leadership(actor, role, payload.end_date)


class LiaisonOut(Schema):
    id: int
    department_id: int
    person_id: int
    start_date: date
    end_date: date | None


class LiaisonIn(Schema):
    department_id: int
    person_id: int
    start_date: date


@router.get("/liaisons", response=list[LiaisonOut], summary="部门联络员")
@paginate
def list_liaisons(request: HttpRequest, current: bool = True) -> Any:
    qs = sel.liaisons(request_actor(request))
    return qs.filter(end_date__isnull=True) if current else qs


@router.post("/liaisons", response={201: LiaisonOut}, summary="指定部门联络员")
def designate_liaison(request: HttpRequest, payload: LiaisonIn) -> Any:
    actor = request_actor(request)
    dept = _ref(sel.departments(actor), payload.department_id, "部门")
    person = _ref(sel.persons(actor), payload.person_id, "人员")
    liaison = services.designate_liaison(actor, department=dept, person=person, start_date=payload.start_date)
    return HttpStatus(201, liaison)


@router.post("/liaisons/{liaison_id}/end", response=LiaisonOut, summary="结束联络员任期")
def end_liaison(request: HttpRequest, liaison_id: int, payload: EndIn) -> Model:
    actor = request_actor(request)
    liaison = sel.get_or_404(sel.liaisons(actor, Action.RETIRE), pk=liaison_id)
    return services.end_liaison(actor, liaison, payload.end_date)
