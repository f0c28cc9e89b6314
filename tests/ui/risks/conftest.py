"""What the risk register page tests share: their fixtures and helpers."""

from __future__ import annotations

import datetime as dt

import pytest

from lianfang.accounts.models import Role, User
from lianfang.cycles.models import Cycle
from lianfang.org import services as org_services
from lianfang.org.models import Post
from lianfang.powers.models import Flowchart, Power
from lianfang.risks.models import RiskPoint
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, PersonFactory, make_cycle, make_flow, make_power, user_with_role
from tests.risk_factories import dept_risk_data, make_risk, post_risk_data


def table_of(html: str) -> str:
    return html[html.index('<table class="data register-table">') :]


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    return make_cycle(org.college, 2026)


@pytest.fixture
def flow(cycle: Cycle, org: TwoUnits) -> Flowchart:
    return make_flow(cycle, org.finance, "F1", post=org.cashier)


@pytest.fixture
def power(cycle: Cycle, org: TwoUnits, flow: Flowchart) -> Power:
    return make_power(cycle, org.finance, "CW-001", name="经费报销审核", flow=flow, category="internal")


@pytest.fixture
def cashier_risk(cycle: Cycle, org: TwoUnits) -> RiskPoint:
    return make_risk(cycle, post_risk_data(org.cashier, name="违规审批报销"), measure=True)


@pytest.fixture
def academic_risk(cycle: Cycle, org: TwoUnits) -> RiskPoint:
    return make_risk(
        cycle, dept_risk_data(org.academic, name="考试成绩违规更改", manifestations=["私自修改学生成绩"])
    )


def cashier_holder(org: TwoUnits) -> tuple[User, Post]:
    """A 岗位人员 who holds 出纳 in 核算科, where another post (会计) has someone else's risks."""
    other_post = org_services.create_post(SYSTEM, department=org.finance_office, name="会计")
    person = PersonFactory(department=org.finance_office, unit=org.college, name="钱出纳")
    org_services.assign_post(SYSTEM, person=person, post=org.cashier, start_date=dt.date(2025, 1, 1))
    user = user_with_role(Role.POST_HOLDER, org.finance_office, "chuna")
    user.person = person
    user.save(update_fields=["person"])
    return user, other_post


def risk_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "subject_kind": "department",
        "department": "",
        "post": "",
        "code": "",
        "duty": "负责学校经费报销审核",
        "name": "报销审核把关不严",
        "risk_type": "duty",
        "risk_kind": "integrity",
        "causes": ["system_gap", "self_discipline"],
        "cause_note": "报销制度更新不及时",
        "found_by": "colleagues",
        "power": "",
        "step": "",
        "notes": "",
        "m-TOTAL_FORMS": "3",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "50",
        "m-0-text": "对不合规票据予以报销",
        "m-1-text": "",
        "m-2-text": "拆分报销规避审批",
    }
    data.update(overrides)
    return data
