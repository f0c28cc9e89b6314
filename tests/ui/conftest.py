"""Fixtures for the web UI tests: one login per role, placed on the shared TwoUnits organisation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from lianfang.accounts.models import Role, User
from tests.conftest import TwoUnits
from tests.factories import user_with_role


@dataclass
class Logins:
    sysadmin: User  # 系统管理员 over the city (and so the college below it)
    secadmin: User
    auditadmin: User
    supervisor: User  # 纪委/防控办 over the college
    unit_leader: User
    dept_head: User  # 部门负责人 over 财务处 (and 核算科 below it)
    liaison: User  # 联络员 over 教务处
    post_holder: User  # 岗位人员 in 核算科
    outsider: User  # 系统管理员 of the other unit


@pytest.fixture
def logins(org: TwoUnits) -> Logins:
    return Logins(
        sysadmin=user_with_role(Role.SYSADMIN, org.city, "sysadmin"),
        secadmin=user_with_role(Role.SECADMIN, org.city, "secadmin"),
        auditadmin=user_with_role(Role.AUDITADMIN, org.city, "auditadmin"),
        supervisor=user_with_role(Role.SUPERVISOR, org.college, "supervisor"),
        unit_leader=user_with_role(Role.UNIT_LEADER, org.college, "leader"),
        dept_head=user_with_role(Role.DEPT_HEAD, org.finance, "depthead"),
        liaison=user_with_role(Role.LIAISON, org.academic, "liaison"),
        post_holder=user_with_role(Role.POST_HOLDER, org.finance_office, "holder"),
        outsider=user_with_role(Role.SYSADMIN, org.other, "outsider"),
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
