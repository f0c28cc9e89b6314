"""The role × scope matrix of the risk register, written out by hand (not derived from the code under test).

As in tests/matrix.py and tests/test_catalog_matrix.py: unit-level roles are granted over the college,
department-level roles over its 财务处; the risk points sit on the post 出纳 in the sub-department 核算科.
"out" objects belong to another unit and are never reachable by anyone.

Letters, one position each ("-" where refused):
  V view (selectors.risks)          C create (create_risk)      E edit (update_risk)
  R delete a draft (delete_draft_risk)                          S submit a ready post sheet (review chain)
  M add a control measure (add_measure)                         A decide a pending downgrade from 高

Organisation facts split two roles: a post holder writes only the sheet of a post they hold (own / other),
and lowering a 高 grade is the leadership's (领导班子): the unit head, not a deputy, nor a deputy who oversees
the department (the supervising office records the leadership's decision).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role, User
from lianfang.accounts.permissions import Action
from lianfang.accounts.selectors import actor_for_token
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError
from lianfang.cycles.models import Cycle
from lianfang.org import services as org_services
from lianfang.org.models import Department, LeadershipKind, Post
from lianfang.review.models import SheetStage
from lianfang.review.services.sheets import move, open_sheet
from lianfang.risks import selectors
from lianfang.risks.models import Assessment, AssessmentStatus, RiskPoint, RiskStatus
from lianfang.risks.services import (
    MeasureData,
    add_measure,
    assess,
    create_risk,
    decide_downgrade,
    delete_draft_risk,
    may_decide_downgrade,
    update_risk,
)
from lianfang.risks.services.common import may_risk
from lianfang.risks.vocabulary import MeasureCategory, RiskLevel
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, UserFactory, leader_user, make_cycle, user_with_role
from tests.risk_factories import post_risk_data

LETTERS = "VCERSMA"

EXPECTED_TEXT = """
row                 risk
sysadmin            -------
secadmin            -------
auditadmin          -------
supervisor          VCERSMA
unit_leader_head    V-----A
unit_leader_deputy  V------
dept_head           VCERSM-
liaison             VCE--M-
post_holder_own     VCE-SM-
post_holder_other   V------
"""

# API tokens issued over the college: reading, and writing without ever deciding a downgrade.
TOKEN_EXPECTED_TEXT = """
scope         risk
risks:read    V------
risks:write   VCERSM-
"""

ROW_ROLE = {
    "sysadmin": Role.SYSADMIN,
    "secadmin": Role.SECADMIN,
    "auditadmin": Role.AUDITADMIN,
    "supervisor": Role.SUPERVISOR,
    "unit_leader_head": Role.UNIT_LEADER,
    "unit_leader_deputy": Role.UNIT_LEADER,
    "dept_head": Role.DEPT_HEAD,
    "liaison": Role.LIAISON,
    "post_holder_own": Role.POST_HOLDER,
    "post_holder_other": Role.POST_HOLDER,
}
UNIT_LEVEL = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN, Role.SUPERVISOR, Role.UNIT_LEADER}
DAY = dt.date(2024, 1, 1)
HIGH = {"probability": "high", "harm": "minor"}
LOW = {"probability": "low", "harm": "minor"}
_n = itertools.count()


def _parse(text: str) -> dict[str, set[str]]:
    rows = [line.split() for line in text.strip().splitlines()[1:]]
    table = {}
    for name, cells in rows:
        assert len(cells) == len(LETTERS), name
        assert all(c in (letter, "-") for c, letter in zip(cells, LETTERS, strict=True)), name
        table[name] = set(cells) - {"-"}
    return table


def expected() -> dict[str, set[str]]:
    table = _parse(EXPECTED_TEXT)
    assert set(table) == set(ROW_ROLE)
    assert set(ROW_ROLE.values()) == set(Role.values)
    return table


@dataclass
class Side:
    """The objects on one side of the scope boundary."""

    cycle: Cycle
    post: Post
    risk: RiskPoint  # a draft to view, edit and add measures to

    def data(self, name: str = "违规审批报销") -> Any:
        return post_risk_data(self.post, name=name)

    def draft(self) -> RiskPoint:
        return create_risk(SYSTEM, self.cycle, self.data(f"草稿风险{next(_n)}"))

    def ready(self) -> RiskPoint:
        """A manifestation, a measure and a level: submittable."""
        risk = self.draft()
        add_measure(SYSTEM, risk, MeasureData(category=MeasureCategory.RULES, text="建立报销台帐"))
        assess(SYSTEM, risk, LOW)
        risk.refresh_from_db()
        assert risk.level == RiskLevel.LOW and risk.manifestations.exists()
        return risk

    def sheet_to_submit(self) -> Any:
        """A ready risk point on the post's sheet in another year, the sheet past its comments: a sheet
        whose submission touches nothing the other letters use."""
        cycle = make_cycle(self.cycle.unit, year=2030 + next(_n) % 60)
        risk = create_risk(SYSTEM, cycle, self.data())
        add_measure(SYSTEM, risk, MeasureData(category=MeasureCategory.RULES, text="建立报销台帐"))
        assess(SYSTEM, risk, LOW)
        sheet = open_sheet(SYSTEM, cycle, "post", post=self.post)
        return move(SYSTEM, sheet, "open_comments")

    def pending_downgrade(self) -> Assessment:
        """Graded 高, then re-assessed lower with a justification: waits for the leadership."""
        risk = self.draft()
        assess(SYSTEM, risk, HIGH)
        pending = assess(SYSTEM, risk, LOW, justification="已建立双人复核制度")
        assert pending.status == AssessmentStatus.PENDING
        risk.refresh_from_db()
        assert risk.level == RiskLevel.HIGH
        return pending


def _sides(org: TwoUnits) -> dict[str, Side]:
    cycle_in, cycle_out = make_cycle(org.college), make_cycle(org.other)
    risk_in = create_risk(SYSTEM, cycle_in, post_risk_data(org.cashier))
    risk_out = create_risk(SYSTEM, cycle_out, post_risk_data(org.other_post))
    return {"in": Side(cycle_in, org.cashier, risk_in), "out": Side(cycle_out, org.other_post, risk_out)}


def _person_user(org: TwoUnits, department: Department | None) -> User:
    n = next(_n)
    person = org_services.create_person(
        SYSTEM, unit=org.college, department=department, name=f"人员{n}", staff_no=f"M{n:04d}"
    )
    user: User = UserFactory(person=person)  # type: ignore[assignment]
    return user


def _leader(org: TwoUnits, kind: str) -> Actor:
    # The deputy oversees 财务处 itself: still not the leadership's decision to make alone.
    over = [org.finance] if kind == LeadershipKind.DEPUTY else []
    return actor_of(leader_user(org.college, kind, over, start=DAY))


def _post_holder(org: TwoUnits, post: Post) -> Actor:
    user = _person_user(org, org.finance_office)
    assert user.person is not None
    org_services.assign_post(SYSTEM, person=user.person, post=post, start_date=DAY)
    account_services.grant_role(SYSTEM, user=user, role=Role.POST_HOLDER, department=org.finance)
    return actor_of(user)


def _actor(row: str, org: TwoUnits) -> Actor:
    if row == "unit_leader_head":
        return _leader(org, LeadershipKind.HEAD)
    if row == "unit_leader_deputy":
        return _leader(org, LeadershipKind.DEPUTY)
    if row == "post_holder_own":
        return _post_holder(org, org.cashier)
    if row == "post_holder_other":
        accountant = org_services.create_post(SYSTEM, department=org.finance_office, name="会计")
        return _post_holder(org, accountant)
    role = ROW_ROLE[row]
    return actor_of(user_with_role(role, org.college if role in UNIT_LEVEL else org.finance))


def _allowed(work: Callable[[], object]) -> bool:
    """Refusals are PermissionDeniedError; any other error is a broken test, and propagates."""
    try:
        work()
    except PermissionDeniedError:
        return False
    return True


def _observe(actor: Actor, s: Side) -> set[str]:
    """What the actor manages to do to one side's objects, through the services."""
    got = set()
    if selectors.risks(actor).filter(pk=s.risk.pk).exists():
        got.add("V")
    if _allowed(lambda: create_risk(actor, s.cycle, s.data(f"新风险{next(_n)}"))):
        got.add("C")
    if _allowed(lambda: update_risk(actor, s.risk, s.data("改名后的风险点"))):
        got.add("E")
        s.risk.refresh_from_db()
        assert s.risk.name == "改名后的风险点"
    draft = s.draft()
    if _allowed(lambda: delete_draft_risk(actor, draft)):
        got.add("R")
        assert not RiskPoint.objects.filter(pk=draft.pk).exists()
    sheet = s.sheet_to_submit()
    if _allowed(lambda: move(actor, sheet, "submit")):
        got.add("S")
        sheet.refresh_from_db()
        assert sheet.stage == SheetStage.DEPT_REVIEW
        assert {r.status for r in RiskPoint.objects.filter(cycle=sheet.cycle)} == {RiskStatus.SUBMITTED}
    measure = MeasureData(category=MeasureCategory.TECHNOLOGY, text="电子监察全程留痕")
    if _allowed(lambda: add_measure(actor, s.risk, measure)):
        got.add("M")
    pending = s.pending_downgrade()
    if _allowed(lambda: decide_downgrade(actor, pending, approve=True, note="班子会议同意")):
        got.add("A")
        pending.risk.refresh_from_db()
        assert pending.risk.level == RiskLevel.LOW
    return got


def _assert_out_of_reach(actor: Actor, out: Side) -> None:
    """Nothing in the other unit: not listed, not fetched, not written."""
    assert not selectors.risks(actor).filter(pk=out.risk.pk).exists()
    assert not selectors.measures(actor).filter(risk__unit=out.cycle.unit).exists()
    with pytest.raises(NotFoundError):
        selectors.get_risk(actor, out.risk.pk)
    assert _observe(actor, out) == set()


def _offered(actor: Actor, s: Side) -> set[str]:
    """What the pages offer (buttons follow may_risk / may_decide_downgrade): the same letters."""
    checks = {"C": Action.CREATE, "E": Action.EDIT, "R": Action.RETIRE, "S": Action.SUBMIT, "M": Action.EDIT}
    got = {letter for letter, action in checks.items() if may_risk(actor, action, s.risk.path, s.post.pk)}
    if may_decide_downgrade(actor, s.risk):
        got.add("A")
    return got


@pytest.mark.parametrize("row", list(ROW_ROLE))
def test_risk_matrix_through_services(org: TwoUnits, row: str) -> None:
    want = expected()[row]
    sides = _sides(org)
    actor = _actor(row, org)
    assert _observe(actor, sides["in"]) == want
    _assert_out_of_reach(actor, sides["out"])
    # The pages offer exactly the writes the services allow (V is a selector, not a button).
    assert _offered(actor, sides["in"]) == want - {"V"}


@pytest.mark.parametrize("scope", ["risks:read", "risks:write"])
def test_risk_matrix_for_api_tokens(org: TwoUnits, scope: str) -> None:
    want = _parse(TOKEN_EXPECTED_TEXT)[scope]
    sides = _sides(org)
    token, _ = account_services.create_token(SYSTEM, name="业务系统", unit=org.college, scopes=[scope])
    actor = actor_for_token(token)
    assert _observe(actor, sides["in"]) == want
    _assert_out_of_reach(actor, sides["out"])
