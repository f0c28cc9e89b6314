"""Every review chain of a risk sheet, move by move, with the right and the wrong people (role × scope ×
organisation facts), written out by hand.

Sheets: the post 出纳 in 核算科 (under 财务处), the department 财务处, and the college's own (领导班子) sheet.
Columns are moves from the stage they start in; "1" allowed, "0" refused (and not offered as a button).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role, User
from lianfang.audit.models import AuditEntry
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.cycles.models import Cycle
from lianfang.org import services as org_services
from lianfang.org.models import LeadershipKind, Post
from lianfang.review import chain
from lianfang.review.models import RiskSheet, SheetStage
from lianfang.review.services.sheets import allowed_moves, move, open_sheet, sheet_risks
from lianfang.risks.models import RiskPoint
from lianfang.risks.services import MeasureData, RiskData, add_measure, assess, create_risk
from lianfang.risks.vocabulary import MeasureCategory, SubjectKind
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, UserFactory, leader_user, make_cycle, user_with_role
from tests.risk_factories import dept_risk_data, post_risk_data

DAY = dt.date(2024, 1, 1)
LOW = {"probability": "low", "harm": "minor"}
_n = itertools.count()

S = SheetStage
# (action, from stage) columns per chain.
POST_MOVES = [
    ("open_comments", S.DRAFT),
    ("submit", S.COMMENTING),
    ("submit", S.RETURNED),
    ("pass", S.DEPT_REVIEW),
    ("return", S.DEPT_REVIEW),
    ("pass", S.LEADER_REVIEW),
    ("return", S.LEADER_REVIEW),
    ("pass", S.OFFICE_CHECK),
    ("return", S.OFFICE_CHECK),
    ("approve", S.DECISION),
    ("return", S.DECISION),
    ("publish", S.APPROVED),
    ("revise", S.APPROVED),
    ("revise", S.PUBLISHED),
]
#                   open sub  sub  dept ret  lead ret  offc ret  dec  ret  pub  rev  rev
#                   drft cmnt rtd  pass dept pass lead pass offc appr dec  aprv aprv publ
POST_EXPECTED = {
    "holder_own": "1 1 1 0 0 0 0 0 0 0 0 0 1 1",
    "holder_other": "0 0 0 0 0 0 0 0 0 0 0 0 0 0",  # another post in the same office
    "dept_head_finance": "1 1 1 1 1 0 0 0 0 0 0 0 1 1",
    "dept_head_academic": "0 0 0 0 0 0 0 0 0 0 0 0 0 0",
    "liaison_finance": "0 0 0 0 0 0 0 0 0 0 0 0 0 0",
    "deputy_over_finance": "0 0 0 0 0 1 1 0 0 0 0 0 0 0",
    "deputy_over_academic": "0 0 0 0 0 0 0 0 0 0 0 0 0 0",
    "head_of_college": "0 0 0 0 0 1 1 0 0 1 1 0 1 1",
    "supervisor_college": "1 1 1 0 0 0 0 1 1 1 1 1 1 1",
    "supervisor_other_unit": "0 0 0 0 0 0 0 0 0 0 0 0 0 0",
    "sysadmin_college": "0 0 0 0 0 0 0 0 0 0 0 0 0 0",
}
DEPT_MOVES = [
    ("open_comments", S.DRAFT),
    ("submit", S.COMMENTING),
    ("submit", S.RETURNED),
    ("pass", S.LEADER_REVIEW),
    ("return", S.LEADER_REVIEW),
    ("pass", S.OFFICE_CHECK),
    ("return", S.OFFICE_CHECK),
    ("approve", S.DECISION),
    ("return", S.DECISION),
    ("publish", S.APPROVED),
    ("revise", S.PUBLISHED),
]
#                   open sub  sub  lead ret  offc ret  dec  ret  pub  rev
DEPT_EXPECTED = {
    "holder_own": "0 0 0 0 0 0 0 0 0 0 0",  # a post holder writes only their post's sheet
    "holder_other": "0 0 0 0 0 0 0 0 0 0 0",
    "dept_head_finance": "1 1 1 0 0 0 0 0 0 0 1",
    "dept_head_academic": "0 0 0 0 0 0 0 0 0 0 0",
    "liaison_finance": "0 0 0 0 0 0 0 0 0 0 0",
    "deputy_over_finance": "0 0 0 1 1 0 0 0 0 0 0",
    "deputy_over_academic": "0 0 0 0 0 0 0 0 0 0 0",
    "head_of_college": "0 0 0 1 1 0 0 1 1 0 1",
    "supervisor_college": "1 1 1 0 0 1 1 1 1 1 1",
    "supervisor_other_unit": "0 0 0 0 0 0 0 0 0 0 0",
    "sysadmin_college": "0 0 0 0 0 0 0 0 0 0 0",
}
UNIT_MOVES = [
    ("open_comments", S.DRAFT),
    ("submit", S.COMMENTING),
    ("submit", S.RETURNED),
    ("approve", S.DECISION),
    ("return", S.DECISION),
    ("publish", S.APPROVED),
    ("revise", S.PUBLISHED),
]
#                   open sub  sub  dec  ret  pub  rev
UNIT_EXPECTED = {
    "holder_own": "0 0 0 0 0 0 0",
    "holder_other": "0 0 0 0 0 0 0",
    "dept_head_finance": "0 0 0 0 0 0 0",
    "dept_head_academic": "0 0 0 0 0 0 0",
    "liaison_finance": "0 0 0 0 0 0 0",
    "deputy_over_finance": "0 0 0 0 0 0 0",  # a deputy does not decide for the leadership
    "deputy_over_academic": "0 0 0 0 0 0 0",
    "head_of_college": "0 0 0 1 1 0 1",
    "supervisor_college": "1 1 1 1 1 1 1",
    "supervisor_other_unit": "0 0 0 0 0 0 0",
    "sysadmin_college": "0 0 0 0 0 0 0",
}


def _person_user(org: TwoUnits) -> User:
    n = next(_n)
    person = org_services.create_person(SYSTEM, unit=org.college, name=f"人员{n}", staff_no=f"S{n:04d}")
    user: User = UserFactory(person=person)  # type: ignore[assignment]
    return user


def _leader(org: TwoUnits, kind: str, over: list) -> Actor:  # type: ignore[type-arg]
    return actor_of(leader_user(org.college, kind, over, start=DAY))


def _holder(org: TwoUnits, post: Post) -> Actor:
    user = _person_user(org)
    org_services.assign_post(SYSTEM, person=user.person, post=post, start_date=DAY)
    account_services.grant_role(SYSTEM, user=user, role=Role.POST_HOLDER, department=org.finance)
    return actor_of(user)


@dataclass
class People:
    actors: dict[str, Actor]


@pytest.fixture
def people(org: TwoUnits) -> People:
    accountant = org_services.create_post(SYSTEM, department=org.finance_office, name="会计")
    return People(
        {
            "holder_own": _holder(org, org.cashier),
            "holder_other": _holder(org, accountant),
            "dept_head_finance": actor_of(user_with_role(Role.DEPT_HEAD, org.finance)),
            "dept_head_academic": actor_of(user_with_role(Role.DEPT_HEAD, org.academic)),
            "liaison_finance": actor_of(user_with_role(Role.LIAISON, org.finance)),
            "deputy_over_finance": _leader(org, LeadershipKind.DEPUTY, [org.finance]),
            "deputy_over_academic": _leader(org, LeadershipKind.DEPUTY, [org.academic]),
            "head_of_college": _leader(org, LeadershipKind.HEAD, []),
            "supervisor_college": actor_of(user_with_role(Role.SUPERVISOR, org.college)),
            "supervisor_other_unit": actor_of(user_with_role(Role.SUPERVISOR, org.other)),
            "sysadmin_college": actor_of(user_with_role(Role.SYSADMIN, org.college)),
        }
    )


def _ready_risk(cycle: Cycle, kind: str, org: TwoUnits) -> RiskPoint:
    if kind == SubjectKind.POST:
        data = post_risk_data(org.cashier, name=f"风险{next(_n)}")
    elif kind == SubjectKind.DEPARTMENT:
        data = dept_risk_data(org.finance, name=f"风险{next(_n)}")
    else:
        data = RiskData(
            subject_kind=SubjectKind.UNIT, name=f"风险{next(_n)}", manifestations=["重大事项未经集体决策"]
        )
    risk = create_risk(SYSTEM, cycle, data)
    add_measure(SYSTEM, risk, MeasureData(category=MeasureCategory.RULES, text="建立台帐，定期检查"))
    assess(SYSTEM, risk, LOW)
    return risk


def _sheet(cycle: Cycle, kind: str, org: TwoUnits) -> RiskSheet:
    _ready_risk(cycle, kind, org)
    if kind == SubjectKind.POST:
        return open_sheet(SYSTEM, cycle, kind, post=org.cashier)
    if kind == SubjectKind.DEPARTMENT:
        return open_sheet(SYSTEM, cycle, kind, department=org.finance)
    return open_sheet(SYSTEM, cycle, kind)


def _put(sheet: RiskSheet, stage: str) -> None:
    """Place the sheet (and its risk points) at a stage, as the chain would have left them."""
    RiskSheet.objects.filter(pk=sheet.pk).update(stage=stage)
    sheet_risks(sheet).update(status=chain.RISK_STATUS[stage])
    sheet.refresh_from_db()


CHAINS = {
    SubjectKind.POST: (POST_MOVES, POST_EXPECTED),
    SubjectKind.DEPARTMENT: (DEPT_MOVES, DEPT_EXPECTED),
    SubjectKind.UNIT: (UNIT_MOVES, UNIT_EXPECTED),
}


@pytest.mark.parametrize("kind", [SubjectKind.POST, SubjectKind.DEPARTMENT, SubjectKind.UNIT])
def test_every_move_of_every_chain_follows_the_table(org: TwoUnits, people: People, kind: str) -> None:
    moves, expected = CHAINS[kind]
    assert set(expected) == set(people.actors)
    sheet = _sheet(make_cycle(org.college), kind, org)
    for column, (action, stage) in enumerate(moves):
        for name, actor in people.actors.items():
            _put(sheet, stage)
            want = expected[name].split()[column] == "1"
            offered = action in [m.action for m in allowed_moves(actor, sheet)]
            assert offered == want, f"{kind}: {name} offered {action} from {stage}: {offered}"
            try:
                move(actor, sheet, action, "请重新查找岗位风险点")
            except (PermissionDeniedError, NotFoundError, ServiceError) as exc:
                assert not want, f"{kind}: {name} refused {action} from {stage}: {exc}"
                sheet.refresh_from_db()
                assert sheet.stage == stage
            else:
                assert want, f"{kind}: {name} was allowed {action} from {stage}"
                sheet.refresh_from_db()
                event = sheet.events.order_by("-id").first()
                assert event is not None and event.action == action and event.from_stage == stage
                assert sheet.stage == event.to_stage


def test_a_post_sheet_travels_the_whole_chain_and_is_published(org: TwoUnits, people: People) -> None:
    a = people.actors
    cycle = make_cycle(org.college)
    sheet = _sheet(cycle, SubjectKind.POST, org)
    journey = [
        ("holder_own", "open_comments", S.COMMENTING, "draft"),
        ("holder_own", "submit", S.DEPT_REVIEW, "submitted"),
        ("dept_head_finance", "pass", S.LEADER_REVIEW, "submitted"),
        ("deputy_over_finance", "pass", S.OFFICE_CHECK, "submitted"),
        ("supervisor_college", "pass", S.DECISION, "submitted"),
        ("head_of_college", "approve", S.APPROVED, "approved"),
        ("supervisor_college", "publish", S.PUBLISHED, "published"),
    ]
    for who, action, stage, risk_status in journey:
        sheet = move(a[who], sheet, action)
        assert sheet.stage == stage
        assert set(sheet_risks(sheet).values_list("status", flat=True)) == {risk_status}
    from lianfang.portal.models import Publication

    risk = sheet_risks(sheet).get()
    assert Publication.objects.filter(kind="risk", code=risk.code, is_current=True).count() == 1
    # Every move is in the audit log, with who made it.
    entries = AuditEntry.objects.filter(object_type="review.risksheet", object_id=str(sheet.pk))
    assert entries.filter(action__in=["review", "publish"]).count() == len(journey)
    # Revising opens the next version; the published version stays what readers see.
    sheet = move(a["holder_own"], sheet, "revise")
    assert (sheet.stage, sheet.version) == (S.DRAFT, 2)
    assert set(sheet_risks(sheet).values_list("status", flat=True)) == {"draft"}
    assert Publication.objects.filter(kind="risk", code=risk.code, is_current=True).count() == 1


def test_sending_back_needs_reasons_and_they_stay_with_the_version(org: TwoUnits, people: People) -> None:
    a = people.actors
    sheet = _sheet(make_cycle(org.college), SubjectKind.POST, org)
    move(a["holder_own"], sheet, "open_comments")
    move(a["holder_own"], sheet, "submit")
    with pytest.raises(ServiceError, match="理由"):
        move(a["dept_head_finance"], sheet, "return", "   ")
    sheet = move(a["dept_head_finance"], sheet, "return", "漏查了票据保管环节的风险，等级偏低")
    assert sheet.stage == S.RETURNED
    assert set(sheet_risks(sheet).values_list("status", flat=True)) == {"returned"}
    # Returned: the author edits and hands it in again, straight to the first review stage.
    sheet = move(a["holder_own"], sheet, "submit")
    assert sheet.stage == S.DEPT_REVIEW
    returned = sheet.events.get(action="return")
    assert returned.version == 1 and returned.comment == "漏查了票据保管环节的风险，等级偏低"
    assert returned.actor_name and returned.from_stage == S.DEPT_REVIEW


def test_one_to_one_is_enforced_when_the_sheet_is_handed_in(org: TwoUnits, people: People) -> None:
    cycle = make_cycle(org.college)
    sheet = _sheet(cycle, SubjectKind.POST, org)
    bare = create_risk(SYSTEM, cycle, post_risk_data(org.cashier, name="现金坐支"))
    move(SYSTEM, sheet, "open_comments")
    with pytest.raises(ServiceError) as err:
        move(people.actors["holder_own"], sheet, "submit")
    message = str(err.value)
    assert bare.code in message and "没有防控措施（每个风险点至少要有一条措施，一对一）" in message
    assert "尚未评定风险等级" in message
    sheet.refresh_from_db()
    assert sheet.stage == S.COMMENTING
    add_measure(SYSTEM, bare, MeasureData(category=MeasureCategory.STRUCTURE, text="钱账分管，AB角"))
    assess(SYSTEM, bare, LOW)
    assert move(people.actors["holder_own"], sheet, "submit").stage == S.DEPT_REVIEW


def test_an_empty_sheet_cannot_be_handed_in(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    sheet = open_sheet(SYSTEM, cycle, SubjectKind.POST, post=org.cashier)
    move(SYSTEM, sheet, "open_comments")
    with pytest.raises(ServiceError, match="还没有风险点"):
        move(SYSTEM, sheet, "submit")


def test_nothing_is_added_to_a_sheet_under_review(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    sheet = _sheet(cycle, SubjectKind.POST, org)
    move(SYSTEM, sheet, "open_comments")
    move(SYSTEM, sheet, "submit")
    with pytest.raises(ServiceError, match="已提交审核或已审定"):
        create_risk(SYSTEM, cycle, post_risk_data(org.cashier, name="新发现的风险"))
    # Another post's sheet is not affected.
    create_risk(SYSTEM, cycle, post_risk_data(org.teacher, name="教学秘书的风险"))


def test_unknown_and_misplaced_moves_are_refused_in_chinese(org: TwoUnits) -> None:
    sheet = _sheet(make_cycle(org.college), SubjectKind.POST, org)
    with pytest.raises(ServiceError, match="未知的审核操作"):
        move(SYSTEM, sheet, "jump")
    with pytest.raises(ServiceError, match="不能执行“公示”"):
        move(SYSTEM, sheet, "publish")
    with pytest.raises(ServiceError, match="只有已审定或已公示"):
        move(SYSTEM, sheet, "revise")


def test_sheets_outside_the_scope_are_not_found(org: TwoUnits, people: People) -> None:
    from lianfang.review import selectors

    sheet = _sheet(make_cycle(org.college), SubjectKind.POST, org)
    outsider = people.actors["supervisor_other_unit"]
    assert not selectors.sheets(outsider).filter(pk=sheet.pk).exists()
    with pytest.raises(NotFoundError):
        selectors.get_sheet(outsider, sheet.pk)
    assert selectors.get_sheet(people.actors["holder_own"], sheet.pk) == sheet
    with pytest.raises(PermissionDeniedError):
        open_sheet(outsider, sheet.cycle, SubjectKind.POST, post=org.cashier)


def test_a_sheet_opened_over_handed_in_risk_points_starts_where_they_are(org: TwoUnits) -> None:
    """Risk points handed in before sheets existed (an upgraded database) keep their status when their
    sheet is first opened: the sheet starts at its first review stage, or at 已审定 / 已公示."""
    cycle = make_cycle(org.college)
    for status, kind, expected in (
        ("submitted", SubjectKind.POST, S.DEPT_REVIEW),
        ("approved", SubjectKind.DEPARTMENT, S.APPROVED),
        ("published", SubjectKind.UNIT, S.PUBLISHED),
    ):
        risk = _ready_risk(cycle, kind, org)
        RiskPoint.objects.filter(pk=risk.pk).update(status=status)
        sheet = open_sheet(SYSTEM, cycle, kind, department=risk.department, post=risk.post)
        assert sheet.stage == expected, kind
        assert RiskPoint.objects.get(pk=risk.pk).status == status
    mixed = create_risk(SYSTEM, make_cycle(org.college, 2027), post_risk_data(org.cashier))
    assert open_sheet(SYSTEM, mixed.cycle, SubjectKind.POST, post=org.cashier).stage == S.DRAFT
