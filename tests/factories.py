"""Test data built through the real services, so every fixture row also has its audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from lianfang.accounts import services as account_services
from lianfang.accounts.models import User
from lianfang.core.actor import system_actor
from lianfang.org import services as org_services
from lianfang.org.models import Department, Person, Post, PostAssignment, Unit

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
