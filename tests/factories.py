"""Test data built through the real services, so every fixture row also has its audit entry."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

import factory

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role, User
from lianfang.core.actor import system_actor
from lianfang.org import services as org_services
from lianfang.org.models import Department, LeadershipKind, Person, Post, PostAssignment, Unit

SYSTEM = system_actor("测试")
PASSWORD = "Lianfang-2026"


class ServiceFactory(factory.Factory):
    class Meta:
        abstract = True

    _service: Any = None

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        return cls._service(SYSTEM, **kwargs)


class UnitFactory(ServiceFactory):
    class Meta:
        model = Unit

    _service = staticmethod(org_services.create_unit)
    name = factory.Sequence(lambda n: f"测试单位{n}")
    code = factory.Sequence(lambda n: f"U{n:04d}")
    kind = "college"
    parent = None


class DepartmentFactory(ServiceFactory):
    class Meta:
        model = Department

    _service = staticmethod(org_services.create_department)
    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"测试部门{n}")
    parent = None


class PostFactory(ServiceFactory):
    class Meta:
        model = Post

    _service = staticmethod(org_services.create_post)
    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"测试岗位{n}")
    level = "general"


class PersonFactory(ServiceFactory):
    class Meta:
        model = Person

    _service = staticmethod(org_services.create_person)
    department = factory.SubFactory(DepartmentFactory)
    unit = factory.LazyAttribute(lambda o: o.department.unit)
    name = factory.Sequence(lambda n: f"测试人员{n}")
    staff_no = factory.Sequence(lambda n: f"S{n:05d}")


class AssignmentFactory(ServiceFactory):
    class Meta:
        model = PostAssignment

    _service = staticmethod(org_services.assign_post)
    post = factory.SubFactory(PostFactory)
    person = factory.LazyAttribute(
        lambda o: PersonFactory(department=o.post.department, unit=o.post.department.unit)
    )
    start_date = dt.date(2024, 1, 1)


class UserFactory(ServiceFactory):
    class Meta:
        model = User

    _service = staticmethod(account_services.create_user)
    username = factory.Sequence(lambda n: f"user{n}")
    password = PASSWORD
    person = None


def user_with_role(role: str, node: Unit | Department, username: str | None = None) -> User:
    """A login holding one role over one node."""
    user = UserFactory(username=username) if username else UserFactory()
    if isinstance(node, Unit):
        account_services.grant_role(SYSTEM, user=user, role=role, unit=node)
    else:
        account_services.grant_role(SYSTEM, user=user, role=role, department=node)
    return user


_leaders = itertools.count(1)


def leader_user(
    unit: Unit,
    kind: str,
    departments: Sequence[Department] = (),
    *,
    name: str | None = None,
    staff_no: str | None = None,
    username: str | None = None,
    title: str | None = None,
    start: dt.date = dt.date(2024, 1, 1),
) -> User:
    """A member of the unit's leadership (院长, or a 副院长 overseeing `departments`) with a login that holds
    the unit-leader role."""
    n = next(_leaders)
    person = org_services.create_person(
        SYSTEM, unit=unit, name=name or f"领导{n}", staff_no=staff_no or f"LD{n:04d}"
    )
    org_services.create_leadership(
        SYSTEM,
        unit=unit,
        person=person,
        kind=kind,
        title=title or ("院长" if kind == LeadershipKind.HEAD else "副院长"),
        start_date=start,
        departments=list(departments),
    )
    user = UserFactory(person=person, username=username) if username else UserFactory(person=person)
    account_services.grant_role(SYSTEM, user=user, role=Role.UNIT_LEADER, unit=unit)
    return user


# --- the catalog -----------------------------------------------------------------------------------


def make_cycle(unit: Unit, year: int = 2026) -> Any:
    from lianfang.cycles.services import create_cycle

    return create_cycle(SYSTEM, unit=unit, year=year)


def simple_flow_spec(code: str = "F1", post: Post | None = None) -> Any:
    """受理 → 审核 → 决定, with limits and supervision: a flow with nothing to find."""
    from lianfang.powers.flowspec import FlowSpec, StepSpec, TransitionSpec

    pid = post.pk if post else None
    return FlowSpec(
        code=code,
        name="示例流程",
        steps=(
            StepSpec("S1", "受理", "accept", pid, "窗口", time_limit=1, supervision="纪委", is_start=True),
            StepSpec("S2", "审核", "check", None, "科长", time_limit=2, supervision="纪委"),
            StepSpec("S3", "决定", "decide", None, "分管领导", time_limit=2, supervision="纪委"),
        ),
        transitions=(
            TransitionSpec("S1", "S2"),
            TransitionSpec("S2", "S3"),
            TransitionSpec("S2", "S1", "补正"),
        ),
        statutory_limit=20,
        promised_limit=10,
    )


def make_flow(cycle: Any, department: Department | None, code: str = "F1", post: Post | None = None) -> Any:
    from lianfang.powers.services import FlowData, create_flow

    data = FlowData(
        code=code, name=f"流程{code}", department=department, statutory_limit=20, promised_limit=10
    )
    return create_flow(SYSTEM, cycle, data, simple_flow_spec(code, post))


def make_power(
    cycle: Any, department: Department | None, code: str = "P1", *, flow: Any = None, **extra: Any
) -> Any:
    from lianfang.powers.services import PowerData, create_power

    data = PowerData(
        code=code,
        name=extra.pop("name", f"职权{code}"),
        content=extra.pop("content", "具体内容"),
        department=department,
        bases=extra.pop("bases", [("《中华人民共和国行政许可法》", "第三十二条")]),
        flow=flow,
        **extra,
    )
    return create_power(SYSTEM, cycle, data)
