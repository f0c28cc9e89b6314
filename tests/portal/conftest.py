"""A college with a published catalog: an external power on an external flow, an internal power on an
internal flow, a secret power, and a published risk point whose measure names a person (who must never show).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache

from lianfang.accounts.models import Role
from lianfang.org.models import Post
from lianfang.portal.models import Publication
from lianfang.portal.publishing import publish
from lianfang.powers.flowspec import FlowSpec, SeparationSpec, StepSpec, TransitionSpec
from lianfang.powers.models import Audience, Flowchart, Power, ReviewAction
from lianfang.powers.services import FlowData, create_flow, review
from lianfang.risks.models import RiskPoint, RiskStatus
from lianfang.risks.services import MeasureData, add_measure
from lianfang.risks.vocabulary import MeasureCategory
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, AssignmentFactory, PersonFactory, PostFactory, make_cycle, make_power
from tests.risk_factories import make_risk, post_risk_data

CHAIN = (ReviewAction.SUBMIT, ReviewAction.CHECK, ReviewAction.VERIFY, ReviewAction.APPROVE)
PERSON = "欧阳明远"  # a person's name: never on the portal
PHONE = "13912345678"
INTERNAL_POST = "内控专岗甲"  # an internal post: never on the external publication


def publish_through_chain(item: Power | Flowchart) -> Any:
    for action in (*CHAIN, ReviewAction.PUBLISH):
        item = review(SYSTEM, item, action, "")
    return item


def flow_spec_for(code: str, post: Post) -> FlowSpec:
    return FlowSpec(
        code=code,
        name=f"流程{code}",
        steps=(
            StepSpec(
                "S1",
                "受理申请",
                "accept",
                post.pk,
                "",
                time_limit=1,
                supervision="纪委监督电话",
                is_start=True,
            ),
            StepSpec("S2", "审核材料", "check", None, "审核科长", time_limit=2, supervision="纪委监督电话"),
            StepSpec("S3", "作出决定", "decide", None, "分管领导", time_limit=2, supervision="校长信箱"),
        ),
        transitions=(TransitionSpec("S1", "S2"), TransitionSpec("S2", "S3")),
        separations=(SeparationSpec("S2", "S3", "审核与决定分离"),),
        statutory_limit=20,
        promised_limit=10,
    )


@dataclass
class Portal:
    org: TwoUnits
    cycle: Any
    post: Post
    ext_flow: Flowchart
    ext_power: Power
    int_flow: Flowchart
    int_power: Power
    secret_power: Power
    risk: RiskPoint


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


@pytest.fixture
def portal(org: TwoUnits) -> Portal:
    cycle = make_cycle(org.college, 2026)
    post = PostFactory(department=org.finance_office, name=INTERNAL_POST)
    AssignmentFactory(
        post=post, person=PersonFactory(department=org.finance_office, name=PERSON, phone=PHONE)
    )
    ext_flow = create_flow(
        SYSTEM,
        cycle,
        FlowData(
            code="FX",
            name="学费退费流程",
            department=org.finance_office,
            statutory_limit=20,
            promised_limit=10,
        ),
        flow_spec_for("FX", post),
    )
    int_flow = create_flow(
        SYSTEM,
        cycle,
        FlowData(
            code="FI",
            name="内部报销流程",
            department=org.finance_office,
            statutory_limit=20,
            promised_limit=10,
        ),
        flow_spec_for("FI", post),
    )
    ext_power = make_power(
        cycle,
        org.finance_office,
        "P-EXT",
        name="学费退费审批",
        content="对退学学生办理退费",
        audience=Audience.EXTERNAL,
        flow=ext_flow,
        posts=[post],
    )
    int_power = make_power(
        cycle,
        org.finance_office,
        "P-INT",
        name="内部报销审核",
        content="审核教职工报销单据",
        audience=Audience.INTERNAL,
        flow=int_flow,
    )
    secret_power = make_power(
        cycle,
        org.finance_office,
        "P-SEC",
        name="涉密经费审批",
        content="机密事项",
        audience=Audience.INTERNAL,
        flow=ext_flow,
        is_secret=True,
    )
    for item in (ext_flow, int_flow, ext_power, int_power, secret_power):
        publish_through_chain(item)
    person = PersonFactory(department=org.finance_office, name="司马光耀", phone="13800001111")
    risk = make_risk(cycle, post_risk_data(post, name="违规审批退费"))
    add_measure(
        SYSTEM,
        risk,
        MeasureData(category=MeasureCategory.RULES, text="建立退费台帐", owner=person, owner_text="司马光耀"),
    )
    RiskPoint.objects.filter(pk=risk.pk).update(status=RiskStatus.APPROVED, level="high")
    publish(SYSTEM, risk)
    return Portal(org, cycle, post, ext_flow, ext_power, int_flow, int_power, secret_power, risk)


def staff(role: str, node: Any) -> Any:
    from tests.factories import user_with_role

    return user_with_role(role, node)


__all__ = ["CHAIN", "PERSON", "Portal", "Publication", "Role", "publish_through_chain", "staff"]
