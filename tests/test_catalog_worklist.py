"""The home page's 待我处理: each actor sees exactly the catalog items they can move forward now."""

from __future__ import annotations

from django.test import Client

from lianfang.accounts.models import Role
from lianfang.org.models import LeadershipKind
from lianfang.powers.services import review
from lianfang.powers.worklist import awaiting
from tests.conftest import TwoUnits, actor_of
from tests.factories import (
    SYSTEM,
    leader_user,
    make_cycle,
    make_flow,
    make_power,
    user_with_role,
)


def test_worklist_follows_the_chain_and_the_organisation(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance)
    review(SYSTEM, flow, "submit")
    review(SYSTEM, flow, "check")
    review(SYSTEM, flow, "verify")
    review(SYSTEM, flow, "approve")
    draft = make_power(cycle, org.finance, "P1", flow=flow)
    submitted = make_power(cycle, org.finance, "P2", flow=flow)
    review(SYSTEM, submitted, "submit")
    checked = make_power(cycle, org.academic, "P3", flow=flow)
    review(SYSTEM, checked, "submit")
    review(SYSTEM, checked, "check")
    verified = make_power(cycle, org.academic, "P4", flow=flow)
    for action in ("submit", "check", "verify"):
        review(SYSTEM, verified, action)
    deputy = leader_user(
        org.college, LeadershipKind.DEPUTY, [org.finance], name="分管财务副院长", staff_no="L1"
    )
    head = user_with_role(Role.DEPT_HEAD, org.finance)
    supervisor = user_with_role(Role.SUPERVISOR, org.college)

    def listed(user: object) -> list[tuple[str, str]]:
        items, total = awaiting(actor_of(user))
        assert total == len(items)
        return [(w.item.code, w.action) for w in items]

    assert listed(head) == [("P1", "submit")]
    assert listed(deputy) == [("P2", "check")]  # P3 is in a department this leader does not oversee
    # The supervising office checks P3 (组织审) and records the leadership's decision on P4; the flow,
    # approved, waits for it to publish.
    assert sorted(listed(supervisor)) == [("F1", "publish"), ("P3", "verify"), ("P4", "approve")]
    assert listed(user_with_role(Role.LIAISON, org.finance)) == []

    client = Client()
    client.force_login(deputy)
    html = client.get("/").content.decode()
    assert 'id="worklist"' in html and "P2" in html and draft.name not in html
