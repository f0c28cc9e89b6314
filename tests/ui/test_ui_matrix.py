"""The role × scope permission matrix through the server-rendered pages: the third layer beside the
services and the API (tests/test_permission_matrix.py), held to the same hand-written table (tests/matrix.py).

V is a GET of the page that shows the object; C, E and R POST the real form. Allowed means a redirect to an
organisation page that renders and the change in the database; refused means 403 or 404 and no change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse

from lianfang.accounts.models import Role
from lianfang.org.models import (
    Department,
    LeadershipRole,
    Liaison,
    Person,
    Post,
    PostAssignment,
    Status,
    Unit,
)
from tests import test_permission_matrix
from tests.factories import SYSTEM, PostFactory
from tests.matrix import expected
from tests.test_permission_matrix import DAY, Side, _grant, _n, _service_attempts

pytestmark = pytest.mark.django_db

sides = test_permission_matrix.sides  # the fixture: "in" and "out" objects, fresh targets on demand
ON = DAY.isoformat()
Check = Callable[[Any], bool]  # given the response


@dataclass(frozen=True)
class Try:
    """One request: a GET when `data` is None, else a form POST; `happened` says whether it took effect."""

    url: str
    data: dict[str, Any] | None
    happened: Check


def _url(name: str, *args: int, query: str = "") -> str:
    return reverse(f"org:{name}", args=args) + (f"?{query}" if query else "")


def _shows(pattern: str) -> Check:
    """The page (a 200) contains the pattern: how the object identifies itself where it is listed."""
    return lambda r: r.status_code == 200 and re.search(pattern, r.content.decode()) is not None


def _heading(name: str) -> str:
    return rf"<h1[^>]*>{re.escape(name)}[\s<]"


def _person_link(person: Person) -> str:
    return rf'href="{re.escape(_url("person_detail", person.pk))}">{re.escape(person.name)}</a>'


def _db(check: Callable[[], bool]) -> Check:
    return lambda r: check()


def _retired(model: type[Unit | Department | Post | Person], pk: int) -> Check:
    return _db(lambda: model.objects.filter(pk=pk, status=Status.RETIRED).exists())


def _ended(model: type[PostAssignment | LeadershipRole | Liaison], pk: int) -> Check:
    return _db(lambda: model.objects.filter(pk=pk, end_date__isnull=False).exists())


def _end(name: str, model: type[Any], obj: Any) -> Try:
    """Retiring or ending: the confirmation form asks only for the date."""
    check = _retired(model, obj.pk) if hasattr(obj, "status") else _ended(model, obj.pk)
    return Try(_url(name, obj.pk), {"date": ON}, check)


def _ui_attempts(s: Side) -> dict[tuple[str, str], Callable[[], Try]]:
    """The same (type, action) pairs as the service table; fresh targets are made only when tried."""
    n = _n()
    unit, dept, sub = s.unit, s.dept, s.sub
    post, person = cast(Post, s.post), cast(Person, s.person)

    def assign() -> Try:
        newcomer = s.fresh_person()
        data = {"person": newcomer.pk, "post": post.pk, "start_date": ON}
        done = _db(lambda: PostAssignment.objects.filter(person=newcomer, post=post).exists())
        return Try(_url("assignment_create", query=f"post={post.pk}"), data, done)

    def lead() -> Try:
        newcomer = s.fresh_person()
        data = {"person": newcomer.pk, "kind": "deputy", "title": "副院长", "start_date": ON}
        done = _db(lambda: LeadershipRole.objects.filter(person=newcomer, unit=unit).exists())
        return Try(_url("leadership_create", unit.pk), data, done)

    def designate() -> Try:
        target = s.fresh_dept()
        done = _db(lambda: Liaison.objects.filter(department=target, person=person).exists())
        return Try(_url("liaison_designate", target.pk), {"person": person.pk, "start_date": ON}, done)

    leader: Person = s.leadership.person
    return {
        ("unit", "V"): lambda: Try(_url("unit_detail", unit.pk), None, _shows(_heading(unit.name))),
        ("unit", "C"): lambda: Try(
            _url("unit_create", query=f"parent={unit.pk}"),
            {"name": f"新单位{n}", "code": f"N{n}", "kind": unit.kind},
            _db(lambda: Unit.objects.filter(code=f"N{n}", parent=unit).exists()),
        ),
        ("unit", "E"): lambda: Try(
            _url("unit_edit", unit.pk),
            {"name": unit.name + "改", "code": unit.code, "kind": unit.kind},
            _db(lambda: Unit.objects.filter(pk=unit.pk, name=unit.name + "改").exists()),
        ),
        ("unit", "R"): lambda: _end("unit_retire", Unit, s.fresh_unit()),
        ("department", "V"): lambda: Try(
            _url("department_detail", dept.pk), None, _shows(_heading(dept.name))
        ),
        ("department", "C"): lambda: Try(
            _url("department_create", query=f"parent={dept.pk}"),
            {"name": f"新部门{n}", "kind": dept.kind, "parent": dept.pk},
            _db(lambda: Department.objects.filter(name=f"新部门{n}", parent=dept).exists()),
        ),
        ("department", "E"): lambda: Try(
            _url("department_edit", dept.pk),
            {"name": dept.name, "code": dept.code, "kind": dept.kind, "duties": "新职责"},
            _db(lambda: Department.objects.filter(pk=dept.pk, duties="新职责").exists()),
        ),
        ("department", "R"): lambda: _end("department_retire", Department, s.fresh_dept()),
        ("post", "V"): lambda: Try(_url("post_detail", post.pk), None, _shows(_heading(post.name))),
        ("post", "C"): lambda: Try(
            _url("post_create", query=f"department={sub.pk}"),
            {"name": f"新岗位{n}", "level": "general", "headcount": 1},
            _db(lambda: Post.objects.filter(name=f"新岗位{n}", department=sub).exists()),
        ),
        ("post", "E"): lambda: Try(
            _url("post_edit", post.pk),
            {"name": post.name, "level": post.level, "headcount": post.headcount, "duties": "新职责"},
            _db(lambda: Post.objects.filter(pk=post.pk, duties="新职责").exists()),
        ),
        ("post", "R"): lambda: _end("post_retire", Post, cast(Post, PostFactory(department=sub))),
        ("person", "V"): lambda: Try(_url("person_detail", person.pk), None, _shows(_heading(person.name))),
        ("person", "C"): lambda: Try(
            _url("person_create", query=f"department={sub.pk}"),
            {"name": "新人", "staff_no": f"X{n}", "department": sub.pk},
            _db(lambda: Person.objects.filter(staff_no=f"X{n}", unit=unit).exists()),
        ),
        ("person", "E"): lambda: Try(
            _url("person_edit", person.pk),
            {"name": person.name, "staff_no": person.staff_no, "department": sub.pk, "title": "科员"},
            _db(lambda: Person.objects.filter(pk=person.pk, title="科员").exists()),
        ),
        ("person", "R"): lambda: _end("person_retire", Person, s.fresh_person()),
        # No detail pages: the post lists its holders, the unit its leaders, the department its liaison.
        ("assignment", "V"): lambda: Try(
            _url("post_detail", post.pk),
            None,
            _shows(rf"{_person_link(person)}</td>\s*<td>{re.escape(person.staff_no)}</td>"),
        ),
        ("assignment", "C"): assign,
        ("assignment", "E"): lambda: _end("assignment_end", PostAssignment, s.fresh_assignment()),
        ("leadership", "V"): lambda: Try(
            _url("unit_detail", unit.pk),
            None,
            _shows(rf"{_person_link(leader)}</td>\s*<td>{re.escape(s.leadership.title)}</td>"),
        ),
        ("leadership", "C"): lead,
        ("leadership", "E"): lambda: Try(
            _url("leadership_edit", s.leadership.pk),
            {"kind": "deputy", "title": "常务副院长", "departments": [dept.pk]},
            _db(lambda: LeadershipRole.objects.filter(pk=s.leadership.pk, title="常务副院长").exists()),
        ),
        ("leadership", "R"): lambda: _end("leadership_end", LeadershipRole, s.fresh_leadership()),
        ("liaison", "V"): lambda: Try(
            _url("department_detail", dept.pk),
            None,
            _shows(rf'{_person_link(person)}\s*<span class="muted">[^<]*{ON}'),
        ),
        ("liaison", "C"): designate,
        ("liaison", "R"): lambda: _end("liaison_end", Liaison, s.fresh_liaison()),
    }


def _outcome(client: Client, attempt: Try) -> str:
    """Either "allowed", "refused", or what else happened (always a mismatch)."""
    if attempt.data is None:
        response = client.get(attempt.url)
        if response.status_code in (403, 404):
            return "refused"
        if response.status_code == 200:
            return "allowed" if attempt.happened(response) else "refused"
        return f"GET answered {response.status_code}"
    response = client.post(attempt.url, attempt.data)
    changed = attempt.happened(response)
    if response.status_code in (403, 404):
        return "refused" if not changed else f"answered {response.status_code} but the change was made"
    if response.status_code != 302:
        form = response.context.get("form") if response.context else None
        errors = form.errors.as_json() if form is not None else ""
        return f"POST answered {response.status_code} {errors}, changed={changed}"
    location = response["Location"]
    landing = client.get(location)
    if resolve(urlsplit(location).path).namespace != "org" or landing.status_code != 200:
        return f"redirected to {location} ({landing.status_code}), changed={changed}"
    return "allowed" if changed else f"redirected to {location} without the change"


@pytest.mark.parametrize("role", Role.values)
def test_matrix_through_ui(role: str, sides: dict[str, Side]) -> None:
    client = Client()
    client.force_login(_grant(role, sides["in"]))
    table = expected()[role]
    mismatches = []
    for where in ("in", "out"):
        for (typ, action), make in _ui_attempts(sides[where]).items():
            want = action in table[typ] if where == "in" else False
            got = _outcome(client, make())
            if got != ("allowed" if want else "refused"):
                mismatches.append(f"{role} {where} {typ} {action}: expected allowed={want}, got {got}")
    assert not mismatches, "\n".join(mismatches)


def test_the_ui_attempts_every_pair_the_services_do(sides: dict[str, Side]) -> None:
    assert set(_ui_attempts(sides["in"])) == set(_service_attempts(SYSTEM, sides["in"]))


# --- the buttons ------------------------------------------------------------------------------------------


def _links(s: Side) -> dict[str, dict[str, tuple[str, str]]]:
    """Per page in scope, the action links it may carry: href → the (type, letter) that must allow it."""
    unit, dept, post, person = s.unit, s.dept, cast(Post, s.post), cast(Person, s.person)
    return {
        _url("unit_detail", unit.pk): {
            _url("unit_edit", unit.pk): ("unit", "E"),
            _url("unit_retire", unit.pk): ("unit", "R"),
            _url("unit_create", query=f"parent={unit.pk}"): ("unit", "C"),
            _url("department_create", query=f"unit={unit.pk}"): ("department", "C"),
            _url("person_create", query=f"unit={unit.pk}"): ("person", "C"),
            _url("leadership_create", unit.pk): ("leadership", "C"),
            _url("leadership_edit", s.leadership.pk): ("leadership", "E"),
            _url("leadership_end", s.leadership.pk): ("leadership", "R"),
        },
        _url("department_detail", dept.pk): {
            _url("department_edit", dept.pk): ("department", "E"),
            _url("department_retire", dept.pk): ("department", "R"),
            _url("department_create", query=f"parent={dept.pk}"): ("department", "C"),
            _url("post_create", query=f"department={dept.pk}"): ("post", "C"),
            _url("person_create", query=f"department={dept.pk}"): ("person", "C"),
            _url("liaison_designate", dept.pk): ("liaison", "C"),
            _url("liaison_end", s.liaison.pk): ("liaison", "R"),
        },
        _url("post_detail", post.pk): {
            _url("post_edit", post.pk): ("post", "E"),
            _url("post_retire", post.pk): ("post", "R"),
            _url("assignment_create", query=f"post={post.pk}"): ("assignment", "C"),
            _url("assignment_end", s.assignment.pk): ("assignment", "E"),
        },
        _url("person_detail", person.pk): {
            _url("person_edit", person.pk): ("person", "E"),
            _url("person_retire", person.pk): ("person", "R"),
            _url("assignment_end", s.assignment.pk, query="from=person"): ("assignment", "E"),
        },
    }


@pytest.mark.parametrize("role", Role.values)
def test_action_links_are_shown_only_where_allowed(role: str, sides: dict[str, Side]) -> None:
    client = Client()
    client.force_login(_grant(role, sides["in"]))
    table = expected()[role]
    mismatches = []
    for page, links in _links(sides["in"]).items():
        response = client.get(page)
        assert response.status_code in (200, 404), (role, page, response.status_code)
        html = response.content.decode() if response.status_code == 200 else ""
        for href, (typ, letter) in links.items():
            want, shown = letter in table[typ], f'href="{href}"' in html
            if shown != want:
                mismatches.append(
                    f"{role} {page}: link {href} ({typ} {letter}) expected {want}, shown {shown}"
                )
    assert not mismatches, "\n".join(mismatches)
