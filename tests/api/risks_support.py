"""Helpers of the risk register API tests: clients, risk points made through the services, payloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role, User
from lianfang.cycles.models import Cycle
from lianfang.org import services as org_services
from lianfang.org.models import Post
from lianfang.risks import services
from lianfang.risks.models import RiskPoint
from tests.conftest import TwoUnits
from tests.factories import PASSWORD, SYSTEM

JSON = "application/json"
READ = ["risks:read"]
WRITE = ["risks:read", "risks:write", "powers:read"]
# The responsibility block is another module's: the tests pin it off (a module that does not exist) unless a
# test plugs one in.
NO_RESPONSIBILITY = "lianfang.risks.not_there"


def token_client(org: TwoUnits, scopes: list[str]) -> Client:
    _, key = account_services.create_token(SYSTEM, name="业务系统", unit=org.college, scopes=scopes)
    return Client(headers={"Authorization": f"Bearer {key}"})


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_risk(
    cycle: Cycle,
    *,
    post: Post | None = None,
    department: Any = None,
    name: str = "收受服务对象红包",
    measures: tuple[str, ...] = (),
) -> RiskPoint:
    kind = "post" if post else "department" if department else "unit"
    data = services.RiskData(
        subject_kind=kind,
        name=name,
        department=department,
        post=post,
        manifestations=["利用职务之便收受红包"],
    )
    risk = services.create_risk(SYSTEM, cycle, data)
    for text in measures:
        services.add_measure(SYSTEM, risk, services.MeasureData(category="rules", text=text))
    return risk


def risk_payload(cycle: Cycle, org: TwoUnits, **extra: Any) -> dict[str, Any]:
    return {
        "cycle_id": cycle.pk,
        "subject_kind": "post",
        "post_id": org.cashier.pk,
        "name": "违规支付资金",
        "duty": "负责资金支付",
        "manifestations": ["未经审批支付", "  ", "虚列支出套取资金"],
        "risk_type": "duty",
        "risk_kind": "integrity",
        "causes": ["oversight_gap", "self_discipline"],
        "cause_note": "审批单据未核对",
        "found_by": "organisation",
        **extra,
    }


def post_holder(org: TwoUnits, username: str, post: Post) -> User:
    """A person holding `post` through an open assignment, with the post-holder role over its department."""
    person = org_services.create_person(
        SYSTEM, unit=org.college, department=post.department, name=username, staff_no=username.upper()
    )
    org_services.assign_post(SYSTEM, person=person, post=post, start_date=dt.date(2024, 1, 1))
    user = account_services.create_user(SYSTEM, username=username, password=PASSWORD, person=person)
    account_services.grant_role(SYSTEM, user=user, role=Role.POST_HOLDER, department=post.department)
    return user


def assess(client: Client, risk_id: int, **body: Any) -> Any:
    return client.post(f"/api/risks/{risk_id}/assess", body, content_type=JSON)
