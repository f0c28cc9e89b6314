"""Who may move a power or a flowchart along 部门负责人提交 → 分管领导审核 → 组织审核 → 领导班子审定 → 公示,
and send it back.

The expected table is written out by hand: each row is an actor, each column a move from a state, and the
cell says whether the move is allowed. Leaders are distinguished by organisation facts (who oversees which
department, who is the unit head), not only by their role.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from lianfang.accounts.models import Role
from lianfang.core.actor import Actor
from lianfang.core.errors import PermissionDeniedError, ServiceError
from lianfang.org.models import LeadershipKind
from lianfang.powers.models import ApprovalStatus, Flowchart, Power
from lianfang.powers.services import allowed_actions, review
from tests.conftest import TwoUnits, actor_of
from tests.factories import (
    SYSTEM,
    leader_user,
    make_cycle,
    make_flow,
    make_power,
    user_with_role,
)

# The moves, each from the state it starts in.
MOVES = [
    ("submit", ApprovalStatus.DRAFT),
    ("submit", ApprovalStatus.RETURNED),
    ("check", ApprovalStatus.SUBMITTED),
    ("return", ApprovalStatus.SUBMITTED),
    ("verify", ApprovalStatus.CHECKED),
    ("return", ApprovalStatus.CHECKED),
    ("approve", ApprovalStatus.VERIFIED),
    ("return", ApprovalStatus.VERIFIED),
    ("publish", ApprovalStatus.APPROVED),
    ("revise", ApprovalStatus.APPROVED),
    ("revise", ApprovalStatus.PUBLISHED),
]
#                     submit submit check return verify return approve return publish revise revise
#                     draft  ret'd  subm  subm   chkd   chkd   verif   verif  apprvd  apprvd publ'd
EXPECTED = {
    "dept_head_finance": "1 1 0 0 0 0 0 0 0 1 1",
    "dept_head_academic": "0 0 0 0 0 0 0 0 0 0 0",  # another department: not even visible
    "liaison_finance": "0 0 0 0 0 0 0 0 0 0 0",
    "post_holder_college": "0 0 0 0 0 0 0 0 0 0 0",
    "deputy_over_finance": "0 0 1 1 0 0 0 0 0 0 0",
    "deputy_over_academic": "0 0 0 0 0 0 0 0 0 0 0",  # a leader, but not the one in charge of finance
    "head_of_college": "0 0 1 1 0 0 1 1 0 1 1",  # oversees everything and signs for the leadership
    # The supervising office checks (组织审), records the leadership's collective decision and publishes.
    "supervisor_college": "0 0 0 0 1 1 1 1 1 1 1",
    "supervisor_other_unit": "0 0 0 0 0 0 0 0 0 0 0",
    "sysadmin_college": "0 0 0 0 0 0 0 0 0 0 0",
}


@dataclass
class People:
    actors: dict[str, Actor]


def _leader(org: TwoUnits, name: str, kind: str, departments: list) -> Actor:  # type: ignore[type-arg]
    return actor_of(leader_user(org.college, kind, departments, name=name, staff_no=f"L-{name}"))


@pytest.fixture
def people(org: TwoUnits) -> People:
    return People(
        {
            "dept_head_finance": actor_of(user_with_role(Role.DEPT_HEAD, org.finance)),
            "dept_head_academic": actor_of(user_with_role(Role.DEPT_HEAD, org.academic)),
            "liaison_finance": actor_of(user_with_role(Role.LIAISON, org.finance)),
            "post_holder_college": actor_of(user_with_role(Role.POST_HOLDER, org.college)),
            "deputy_over_finance": _leader(org, "分管财务", LeadershipKind.DEPUTY, [org.finance]),
            "deputy_over_academic": _leader(org, "分管教学", LeadershipKind.DEPUTY, [org.academic]),
            "head_of_college": _leader(org, "院长", LeadershipKind.HEAD, []),
            "supervisor_college": actor_of(user_with_role(Role.SUPERVISOR, org.college)),
            "supervisor_other_unit": actor_of(user_with_role(Role.SUPERVISOR, org.other)),
            "sysadmin_college": actor_of(user_with_role(Role.SYSADMIN, org.college)),
        }
    )


PATHS = {
    ApprovalStatus.DRAFT: [],
    ApprovalStatus.SUBMITTED: ["submit"],
    ApprovalStatus.RETURNED: ["submit", "return"],
    ApprovalStatus.CHECKED: ["submit", "check"],
    ApprovalStatus.VERIFIED: ["submit", "check", "verify"],
    ApprovalStatus.APPROVED: ["submit", "check", "verify", "approve"],
    ApprovalStatus.PUBLISHED: ["submit", "check", "verify", "approve", "publish"],
}


def _item_in(kind: str, status: str, org: TwoUnits) -> Power | Flowchart:
    from lianfang.cycles.models import Cycle

    cycle = Cycle.objects.filter(unit=org.college).first() or make_cycle(org.college)
    n = Flowchart.objects.count() + 1
    flow = make_flow(cycle, org.finance_office, code=f"F{n}")
    item: Power | Flowchart = (
        make_power(cycle, org.finance_office, f"P{n}", flow=flow) if kind == "power" else flow
    )
    for action in PATHS[ApprovalStatus(status)]:
        review(SYSTEM, item, action, "请补充依据" if action == "return" else "")
    item.refresh_from_db()
    assert item.status == status
    return item


@pytest.mark.parametrize("kind", ["power", "flow"])
def test_review_moves_follow_the_table(org: TwoUnits, people: People, kind: str) -> None:
    for column in range(len(MOVES)):
        _check_column(org, people, kind, column)


def _check_column(org: TwoUnits, people: People, kind: str, column: int) -> None:
    action, status = MOVES[column]
    item = _item_in(kind, status, org)
    for name, actor in people.actors.items():
        expected = EXPECTED[name].split()[column] == "1"
        offered = action in allowed_actions(actor, item)
        assert offered == expected, f"{name} offered {action} from {status}: {offered}"
        try:
            review(actor, item, action, "理由：依据不全")
        except (PermissionDeniedError, ServiceError) as exc:
            assert not expected, f"{name} refused {action} from {status}: {exc}"
            item.refresh_from_db()
            assert item.status == status
        else:
            assert expected, f"{name} was allowed {action} from {status}"
            item.refresh_from_db()
            assert item.reviews.last().action == action  # type: ignore[union-attr]
            # Put it back for the next actor, the way the chain itself would.
            type(item).objects.filter(pk=item.pk).update(status=status)
            item.refresh_from_db()


def test_return_needs_reasons_and_keeps_them(org: TwoUnits, people: People) -> None:
    item = _item_in("power", ApprovalStatus.SUBMITTED, org)
    deputy = people.actors["deputy_over_finance"]
    with pytest.raises(ServiceError, match="理由"):
        review(deputy, item, "return", "  ")
    review(deputy, item, "return", "依据文件已废止，请重新查找")
    item.refresh_from_db()
    assert item.status == ApprovalStatus.RETURNED
    last = item.reviews.last()
    assert last is not None and last.comment == "依据文件已废止，请重新查找" and last.actor_name


def test_submission_needs_a_complete_power(org: TwoUnits, people: People) -> None:
    cycle = make_cycle(org.college)
    power = make_power(cycle, org.finance, content="", bases=[])
    with pytest.raises(ServiceError) as err:
        review(people.actors["dept_head_finance"], power, "submit")
    assert "未填写具体内容" in str(err.value) and "未填写制度依据" in str(err.value)
    assert "未关联权力运行流程图" in str(err.value)
