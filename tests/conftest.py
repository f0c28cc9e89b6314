from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from lianfang.accounts.selectors import actor_for_user
from lianfang.audit.dbguard import lift_guard, restore_guard
from lianfang.core.actor import Actor
from lianfang.org.models import Department, Post, Unit
from tests.factories import DepartmentFactory, PostFactory, UnitFactory


@dataclass
class TwoUnits:
    """A parent unit with a child unit, two departments (one nested) and posts in each: scope fixtures."""

    city: Unit
    college: Unit
    other: Unit
    finance: Department
    finance_office: Department
    academic: Department
    other_dept: Department
    cashier: Post
    teacher: Post
    other_post: Post


@pytest.fixture
def org(db: None) -> TwoUnits:
    city = UnitFactory(name="某市纪委监委", code="CITY")
    college = UnitFactory(name="某职业学院", code="COLLEGE", parent=city)
    other = UnitFactory(name="另一单位", code="OTHER")
    finance = DepartmentFactory(unit=college, name="财务处")
    finance_office = DepartmentFactory(unit=college, name="核算科", parent=finance)
    academic = DepartmentFactory(unit=college, name="教务处")
    other_dept = DepartmentFactory(unit=other, name="办公室")
    return TwoUnits(
        city=city,
        college=college,
        other=other,
        finance=finance,
        finance_office=finance_office,
        academic=academic,
        other_dept=other_dept,
        cashier=PostFactory(department=finance_office, name="出纳"),
        teacher=PostFactory(department=academic, name="教学秘书"),
        other_post=PostFactory(department=other_dept, name="文书"),
    )


def actor_of(user: object) -> Actor:
    return actor_for_user(user)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _audit_guard(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep the audit table's append-only triggers in place for every test that touches the database.

    Tests that really commit (transactional_db, live_server) end with Django flushing every table, which the
    triggers would refuse: for them the triggers are lifted just before that flush and put back at the next
    test's start.
    """
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
        restore_guard()
        yield
        lift_guard()
        return
    if "db" in names:
        request.getfixturevalue("db")
        restore_guard()
    yield


@pytest.fixture(autouse=True)
def _complaint_key(tmp_path_factory: pytest.TempPathFactory, settings: object) -> None:
    """Each test session keeps the complaint box's key in a temporary folder, never in ./data."""
    settings.COMPLAINT_KEY_FILE = tmp_path_factory.getbasetemp() / "keys" / "complaints.key"  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_reference_caches() -> Iterator[None]:
    """The calendar and the supervision engine cache their reference data per version counter; a test's
    rolled-back database restarts those counters, so each test starts with empty caches."""
    from lianfang.supervision.engine.run import forget_checkers
    from lianfang.workdays.selectors import forget_cached_calendar

    forget_checkers()
    forget_cached_calendar()
    yield
    forget_checkers()
    forget_cached_calendar()
