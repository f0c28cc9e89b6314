"""Accounts: where an account sits in the tree decides who may manage it."""

from __future__ import annotations

import pytest

from lianfang.accounts import services
from lianfang.accounts.models import User
from lianfang.accounts.permissions import Action, ObjectType, scope
from lianfang.accounts.selectors import actor_for_user
from lianfang.core.errors import PermissionDeniedError, ServiceError
from tests.conftest import TwoUnits
from tests.factories import PASSWORD, SYSTEM, user_with_role


def test_account_without_a_person_belongs_to_its_home_unit(org: TwoUnits) -> None:
    admin = actor_for_user(user_with_role("sysadmin", org.college))
    outsider = actor_for_user(user_with_role("sysadmin", org.other))
    account = services.create_user(admin, username="system-only", password=PASSWORD, scope_unit=org.college)
    assert account.home_unit == org.college
    assert account in scope(admin, Action.VIEW, ObjectType.ACCOUNT, User.objects.all())
    assert account not in scope(outsider, Action.VIEW, ObjectType.ACCOUNT, User.objects.all())
    services.set_user_active(admin, account, False)
    with pytest.raises(PermissionDeniedError):
        services.set_user_active(outsider, account, True)


def test_account_with_only_a_department_grant_is_seen_by_that_departments_administrators(
    org: TwoUnits,
) -> None:
    holder = user_with_role("dept_head", org.finance)
    finance_secadmin = actor_for_user(user_with_role("secadmin", org.finance))
    academic_secadmin = actor_for_user(user_with_role("secadmin", org.academic))
    assert holder in scope(finance_secadmin, Action.VIEW, ObjectType.ACCOUNT, User.objects.all())
    assert holder not in scope(academic_secadmin, Action.VIEW, ObjectType.ACCOUNT, User.objects.all())


def test_password_rules_report_each_problem(org: TwoUnits) -> None:
    with pytest.raises(ServiceError) as info:
        services.create_user(SYSTEM, username="weak", password="1234", scope_unit=org.college)
    problems = info.value.field_errors["password"]
    assert len(problems) >= 3  # too short, entirely numeric, no letters
    assert any("字母和数字" in p for p in problems)
    assert not User.objects.filter(username="weak").exists()
