"""Every role, inside and outside its subtree, every organisation object type, every action:
allowed exactly where tests/matrix.py says — through the services and through the API."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from lianfang.accounts.models import Role
from lianfang.accounts.selectors import actor_for_user
from lianfang.core.actor import Actor
from lianfang.core.errors import PermissionDeniedError
from lianfang.org import selectors as sel
from lianfang.org import services as svc
from lianfang.org.models import Department, Person, Unit
from tests.factories import SYSTEM, DepartmentFactory, PersonFactory, PostFactory, UnitFactory, user_with_role
from tests.matrix import TYPES, UNIT_LEVEL_ROLES, expected

DAY = dt.date(2025, 3, 1)
_counter = itertools.count()


def _n() -> int:
    return next(_counter)


class Side:
    """The objects on one side of the scope boundary ("in" the grant's subtree, or "out" of it)."""

    def __init__(self, unit: Unit, dept: Department, sub: Department) -> None:
        self.unit, self.dept, self.sub = unit, dept, sub
        self.post = PostFactory(department=sub)
        self.person = PersonFactory(unit=unit, department=sub)
        self.assignment = svc.assign_post(SYSTEM, person=self.person, post=self.post, start_date=DAY)
        leader = PersonFactory(unit=unit, department=dept)
        self.leadership = svc.create_leadership(
            SYSTEM,
            unit=unit,
            person=leader,
            kind="deputy",
            title="副院长",
            start_date=DAY,
            departments=[dept],
        )
        self.liaison = svc.designate_liaison(SYSTEM, department=dept, person=self.person, start_date=DAY)

    # Fresh targets, so each attempt to retire or end something has its own object.
    def fresh_unit(self) -> Unit:
        return UnitFactory(parent=self.unit)

    def fresh_dept(self) -> Department:
        return DepartmentFactory(unit=self.unit, parent=self.dept)

    def fresh_person(self) -> Person:
        return PersonFactory(unit=self.unit, department=self.sub)

    def fresh_assignment(self) -> Any:
        return svc.assign_post(SYSTEM, person=self.fresh_person(), post=self.post, start_date=DAY)

    def fresh_leadership(self) -> Any:
        return svc.create_leadership(
            SYSTEM, unit=self.unit, person=self.fresh_person(), kind="deputy", title="副院长", start_date=DAY
        )

    def fresh_liaison(self) -> Any:
        dept = self.fresh_dept()
        return svc.designate_liaison(SYSTEM, department=dept, person=self.person, start_date=DAY)


@pytest.fixture
def sides(db: None) -> dict[str, Side]:
    college = UnitFactory(name="东湖职业技术学院")
    finance = DepartmentFactory(unit=college, name="财务处")
    inside = Side(college, finance, DepartmentFactory(unit=college, parent=finance, name="核算科"))
    other = UnitFactory(name="另一单位")
    office = DepartmentFactory(unit=other, name="办公室")
    outside = Side(other, office, DepartmentFactory(unit=other, parent=office, name="文书科"))
    return {"in": inside, "out": outside}


def _grant(role: str, inside: Side) -> Any:
    node = inside.unit if role in UNIT_LEVEL_ROLES else inside.dept
    return user_with_role(role, node)


# --- the service layer -----------------------------------------------------------------


def _service_attempts(actor: Actor, s: Side) -> dict[tuple[str, str], Callable[[], Any]]:
    n = _n()
    return {
        ("unit", "V"): lambda: s.unit in sel.units(actor),
        ("unit", "C"): lambda: svc.create_unit(actor, name=f"新单位{n}", code=f"N{n}", parent=s.unit),
        ("unit", "E"): lambda: svc.update_unit(
            actor, s.unit, name=s.unit.name + "改", code=s.unit.code, kind=s.unit.kind
        ),
        ("unit", "R"): lambda: svc.retire_unit(actor, s.fresh_unit()),
        ("department", "V"): lambda: s.dept in sel.departments(actor),
        ("department", "C"): lambda: svc.create_department(
            actor, unit=s.unit, parent=s.dept, name=f"新部门{n}"
        ),
        ("department", "E"): lambda: svc.update_department(
            actor, s.dept, name=s.dept.name, parent=None, duties="新职责"
        ),
        ("department", "R"): lambda: svc.retire_department(actor, s.fresh_dept()),
        ("post", "V"): lambda: s.post in sel.posts(actor),
        ("post", "C"): lambda: svc.create_post(actor, department=s.sub, name=f"新岗位{n}"),
        ("post", "E"): lambda: svc.update_post(actor, s.post, name=s.post.name, duties="新职责"),
        ("post", "R"): lambda: svc.retire_post(actor, PostFactory(department=s.sub)),
        ("person", "V"): lambda: s.person in sel.persons(actor),
        ("person", "C"): lambda: svc.create_person(
            actor, unit=s.unit, department=s.sub, name="新人", staff_no=f"X{n}"
        ),
        ("person", "E"): lambda: svc.update_person(
            actor, s.person, name=s.person.name, staff_no=s.person.staff_no, department=s.sub, title="科员"
        ),
        ("person", "R"): lambda: svc.retire_person(actor, s.fresh_person()),
        ("assignment", "V"): lambda: s.assignment in sel.assignments(actor),
        ("assignment", "C"): lambda: svc.assign_post(
            actor, person=s.fresh_person(), post=s.post, start_date=DAY
        ),
        ("assignment", "E"): lambda: svc.end_assignment(actor, s.fresh_assignment(), DAY),
        ("leadership", "V"): lambda: s.leadership in sel.leadership_roles(actor),
        ("leadership", "C"): lambda: svc.create_leadership(
            actor, unit=s.unit, person=s.fresh_person(), kind="deputy", title="副院长", start_date=DAY
        ),
        ("leadership", "E"): lambda: svc.update_leadership(
            actor, s.leadership, kind="deputy", title="常务副院长", departments=[s.dept]
        ),
        ("leadership", "R"): lambda: svc.end_leadership(actor, s.fresh_leadership(), DAY),
        ("liaison", "V"): lambda: s.liaison in sel.liaisons(actor),
        ("liaison", "C"): lambda: svc.designate_liaison(
            actor, department=s.fresh_dept(), person=s.person, start_date=DAY
        ),
        ("liaison", "R"): lambda: svc.end_liaison(actor, s.fresh_liaison(), DAY),
    }


def _allowed_by_service(attempt: Callable[[], Any], action: str) -> bool:
    try:
        result = attempt()
    except PermissionDeniedError:
        return False
    return bool(result) if action == "V" else True


@pytest.mark.parametrize("role", Role.values)
def test_matrix_through_services(role: str, sides: dict[str, Side]) -> None:
    actor = actor_for_user(_grant(role, sides["in"]))
    table = expected()[role]
    mismatches = []
    for where in ("in", "out"):
        for (typ, action), attempt in _service_attempts(actor, sides[where]).items():
            want = action in table[typ] if where == "in" else False
            got = _allowed_by_service(attempt, action)
            if got != want:
                mismatches.append(f"{role} {where} {typ} {action}: expected {want}, got {got}")
    assert not mismatches, "\n".join(mismatches)


# --- the API ---------------------------------------------------------------------------


def _api_attempts(s: Side) -> dict[tuple[str, str], Callable[[Client], Any]]:
    n = _n()

    def post(url: str, data: dict[str, Any]) -> Callable[[Client], Any]:
        return lambda c: c.post(url, data, content_type="application/json")

    def put(url: str, data: dict[str, Any]) -> Callable[[Client], Any]:
        return lambda c: c.put(url, data, content_type="application/json")

    def get(url: str) -> Callable[[Client], Any]:
        return lambda c: c.get(url)

    def lazy(
        method: Callable[[str, dict[str, Any]], Callable[[Client], Any]],
        url: Callable[[], str],
        data: dict[str, Any],
    ) -> Callable[[Client], Any]:
        return lambda c: method(url(), data)(c)

    api = "/api/org"
    return {
        ("unit", "V"): get(f"{api}/units/{s.unit.pk}"),
        ("unit", "C"): post(f"{api}/units", {"name": f"新单位{n}", "code": f"N{n}", "parent_id": s.unit.pk}),
        ("unit", "E"): put(
            f"{api}/units/{s.unit.pk}", {"name": "改名", "code": s.unit.code, "kind": s.unit.kind}
        ),
        ("unit", "R"): lazy(post, lambda: f"{api}/units/{s.fresh_unit().pk}/retire", {}),
        ("department", "V"): get(f"{api}/departments/{s.dept.pk}"),
        ("department", "C"): post(
            f"{api}/departments", {"unit_id": s.unit.pk, "parent_id": s.dept.pk, "name": f"新部门{n}"}
        ),
        ("department", "E"): put(
            f"{api}/departments/{s.dept.pk}", {"unit_id": s.unit.pk, "name": s.dept.name, "duties": "新职责"}
        ),
        ("department", "R"): lazy(post, lambda: f"{api}/departments/{s.fresh_dept().pk}/retire", {}),
        ("post", "V"): get(f"{api}/posts/{s.post.pk}"),
        ("post", "C"): post(f"{api}/posts", {"department_id": s.sub.pk, "name": f"新岗位{n}"}),
        ("post", "E"): put(
            f"{api}/posts/{s.post.pk}", {"department_id": s.sub.pk, "name": s.post.name, "duties": "新职责"}
        ),
        ("post", "R"): lazy(post, lambda: f"{api}/posts/{PostFactory(department=s.sub).pk}/retire", {}),
        ("person", "V"): get(f"{api}/persons/{s.person.pk}"),
        ("person", "C"): post(
            f"{api}/persons",
            {"unit_id": s.unit.pk, "department_id": s.sub.pk, "name": "新人", "staff_no": f"X{n}"},
        ),
        ("person", "E"): put(
            f"{api}/persons/{s.person.pk}",
            {
                "unit_id": s.unit.pk,
                "department_id": s.sub.pk,
                "name": s.person.name,
                "staff_no": s.person.staff_no,
                "title": "科员",
            },
        ),
        ("person", "R"): lazy(post, lambda: f"{api}/persons/{s.fresh_person().pk}/retire", {}),
        ("assignment", "V"): get(f"{api}/assignments?person_id={s.person.pk}"),
        ("assignment", "C"): lambda c: c.post(
            f"{api}/assignments",
            {"person_id": s.fresh_person().pk, "post_id": s.post.pk, "start_date": DAY.isoformat()},
            content_type="application/json",
        ),
        ("assignment", "E"): lazy(
            post, lambda: f"{api}/assignments/{s.fresh_assignment().pk}/end", {"end_date": DAY.isoformat()}
        ),
        ("leadership", "V"): get(f"{api}/leadership?unit_id={s.unit.pk}"),
        ("leadership", "C"): lambda c: c.post(
            f"{api}/leadership",
            {
                "unit_id": s.unit.pk,
                "person_id": s.fresh_person().pk,
                "kind": "deputy",
                "title": "副院长",
                "start_date": DAY.isoformat(),
            },
            content_type="application/json",
        ),
        ("leadership", "E"): put(
            f"{api}/leadership/{s.leadership.pk}",
            {"kind": "deputy", "title": "常务副院长", "department_ids": [s.dept.pk]},
        ),
        ("leadership", "R"): lazy(
            post, lambda: f"{api}/leadership/{s.fresh_leadership().pk}/end", {"end_date": DAY.isoformat()}
        ),
        ("liaison", "V"): get(f"{api}/liaisons"),
        ("liaison", "C"): lambda c: c.post(
            f"{api}/liaisons",
            {"department_id": s.fresh_dept().pk, "person_id": s.person.pk, "start_date": DAY.isoformat()},
            content_type="application/json",
        ),
        ("liaison", "R"): lazy(
            post, lambda: f"{api}/liaisons/{s.fresh_liaison().pk}/end", {"end_date": DAY.isoformat()}
        ),
    }


def _allowed_by_api(response: Any, typ: str, s: Side) -> bool:
    if response.status_code not in (200, 201):
        assert response.status_code in (400, 403, 404), response.content
        assert "detail" in response.json()
        return False
    body = response.json()
    # List endpoints answer 200 either way: allowed means the in-scope object is in the list.
    if isinstance(body, dict) and "items" in body:
        wanted = {"assignment": s.assignment.pk, "leadership": s.leadership.pk, "liaison": s.liaison.pk}[typ]
        return wanted in {item["id"] for item in body["items"]}
    return True


@pytest.mark.parametrize("role", Role.values)
def test_matrix_through_api(role: str, sides: dict[str, Side]) -> None:
    client = Client(enforce_csrf_checks=False)
    client.force_login(_grant(role, sides["in"]))
    table = expected()[role]
    mismatches = []
    for where in ("in", "out"):
        s = sides[where]
        for (typ, action), attempt in _api_attempts(s).items():
            want = action in table[typ] if where == "in" else False
            got = _allowed_by_api(attempt(client), typ, s)
            if got != want:
                mismatches.append(f"{role} {where} {typ} {action}: expected {want}, got {got}")
    assert not mismatches, "\n".join(mismatches)


def test_every_listed_action_is_attempted(sides: dict[str, Side]) -> None:
    """Each letter the table can grant has an attempt behind it, in both layers."""
    possible = {
        (typ, letter) for row in expected().values() for typ, letters in row.items() for letter in letters
    }
    actor = actor_for_user(_grant(Role.SYSADMIN, sides["in"]))
    assert possible <= set(_service_attempts(actor, sides["in"]))
    assert possible <= set(_api_attempts(sides["in"]))
    assert {typ for typ, _ in possible} == set(TYPES)
