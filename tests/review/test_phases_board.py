"""Phases (validation, who may set them) and the progress board (stages, lateness, roll-up, scope, speed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role, User
from lianfang.audit.models import AuditEntry
from lianfang.core.errors import PermissionDeniedError, ServiceError
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post
from lianfang.review import board
from lianfang.review.models import CyclePhase, Phase, RiskSheet, SheetAction, SheetEvent, SheetStage
from lianfang.review.services.phases import set_phases
from lianfang.risks.vocabulary import SubjectKind
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, AssignmentFactory, PostFactory, UserFactory, make_cycle, user_with_role
from tests.risk_factories import dept_risk_data, make_risk, post_risk_data

D = dt.date
PHASES_2026 = [
    (Phase.MOBILISE, D(2026, 3, 1), D(2026, 3, 31), "成立领导小组"),
    (Phase.INVESTIGATE, D(2026, 4, 1), D(2026, 5, 31), ""),
    (Phase.ASSESS, D(2026, 6, 1), D(2026, 6, 30), ""),
    (Phase.MECHANISM, D(2026, 7, 1), D(2026, 9, 30), ""),
    (Phase.INSPECT, D(2026, 10, 1), D(2026, 12, 15), ""),
]


# --- helpers shared with the other review progress tests -------------------------------------------------


def moved(
    sheet: RiskSheet, action: str, from_stage: str, to_stage: str, actor_name: str, comment: str = ""
) -> None:
    """The sheet's history records a move (the stage itself is set by make_sheet)."""
    SheetEvent.objects.create(
        sheet=sheet,
        version=1,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        comment=comment,
        actor_name=actor_name,
    )


def make_sheet(cycle: Cycle, subject: Post | Department | None, stage: str = SheetStage.DRAFT) -> RiskSheet:
    if isinstance(subject, Post):
        return RiskSheet.objects.create(
            cycle=cycle,
            unit=cycle.unit,
            subject_kind=SubjectKind.POST,
            post=subject,
            department=subject.department,
            path=subject.department.path,
            stage=stage,
        )
    if isinstance(subject, Department):
        return RiskSheet.objects.create(
            cycle=cycle,
            unit=cycle.unit,
            subject_kind=SubjectKind.DEPARTMENT,
            department=subject,
            path=subject.path,
            stage=stage,
        )
    return RiskSheet.objects.create(
        cycle=cycle, unit=cycle.unit, subject_kind=SubjectKind.UNIT, path=cycle.unit.path, stage=stage
    )


def holder_of(post: Post, username: str, role_node: Any = None, email: str = "") -> User:
    """A login whose person holds the post today, with the post-holder role over the post's department."""
    assignment = AssignmentFactory(post=post)
    user = UserFactory(username=username, person=assignment.person)
    if email:
        User.objects.filter(pk=user.pk).update(email=email)
        user.refresh_from_db()
    account_services.grant_role(
        SYSTEM, user=user, role=Role.POST_HOLDER, department=role_node or post.department
    )
    return user


def with_phases(cycle: Cycle) -> None:
    set_phases(SYSTEM, cycle, PHASES_2026)


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    return make_cycle(org.college)


# --- phases ----------------------------------------------------------------------------------------------


def test_set_phases_saves_in_order_and_audits(org: TwoUnits, cycle: Cycle) -> None:
    supervisor = user_with_role(Role.SUPERVISOR, org.college)
    before = AuditEntry.objects.count()
    rows = set_phases(actor_of(supervisor), cycle, list(reversed(PHASES_2026)))
    assert [p.phase for p in rows] == list(Phase.values)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.object_type == "review.cyclephase" and "mobilise" in entry.after
    # Replacing: a phase left out is removed, the others updated.
    set_phases(actor_of(supervisor), cycle, [(Phase.MOBILISE, D(2026, 3, 2), D(2026, 3, 30), "改")])
    assert list(CyclePhase.objects.filter(cycle=cycle).values_list("phase", "note")) == [("mobilise", "改")]


def test_phase_validation_collects_every_problem(org: TwoUnits, cycle: Cycle) -> None:
    rows = [
        (Phase.MOBILISE, D(2026, 3, 10), D(2026, 3, 1), ""),  # ends before it starts
        (Phase.INVESTIGATE, D(2026, 3, 1), D(2026, 5, 1), ""),  # starts before the previous phase
        (Phase.ASSESS, None, D(2026, 6, 1), ""),  # no start
        (Phase.MECHANISM, D(2026, 7, 1), D(2026, 4, 30), ""),  # ends before it starts and before ASSESS ends
        (Phase.MECHANISM, D(2026, 7, 1), D(2026, 8, 1), ""),  # twice
        ("holiday", D(2026, 7, 1), D(2026, 8, 1), ""),
    ]
    with pytest.raises(ServiceError) as caught:
        set_phases(SYSTEM, cycle, rows)
    errors = caught.value.field_errors
    assert "“宣传动员”的截止日期不能早于开始日期" in errors["mobilise"]
    assert "“全面排查”不能早于前一阶段“宣传动员”开始" in errors["investigate"]
    assert "请填写“科学评估”的开始日期" in errors["assess"]
    assert "“健全机制”重复填写" in errors["mechanism"]
    assert "未知的工作阶段“holiday”" in errors["phase"]
    assert not CyclePhase.objects.exists()


def test_overlapping_phases_in_order_are_allowed(cycle: Cycle) -> None:
    rows = [
        (Phase.INVESTIGATE, D(2026, 4, 1), D(2026, 5, 31), ""),
        (Phase.INSPECT, D(2026, 4, 15), D(2026, 12, 31), "全年"),
    ]
    assert len(set_phases(SYSTEM, cycle, rows)) == 2


@pytest.mark.parametrize(
    ("role", "node", "allowed"),
    [
        (Role.SUPERVISOR, "college", True),
        (Role.SUPERVISOR, "other", False),
        (Role.DEPT_HEAD, "finance", False),
        (Role.POST_HOLDER, "finance_office", False),
        (Role.UNIT_LEADER, "college", False),
    ],
)
def test_who_sets_phases(org: TwoUnits, cycle: Cycle, role: str, node: str, allowed: bool) -> None:
    actor = actor_of(user_with_role(role, getattr(org, node)))
    if allowed:
        set_phases(actor, cycle, PHASES_2026[:2])
        assert CyclePhase.objects.filter(cycle=cycle).count() == 2
    else:
        with pytest.raises(PermissionDeniedError):
            set_phases(actor, cycle, PHASES_2026[:2])
        assert not CyclePhase.objects.exists()


# --- the board -------------------------------------------------------------------------------------------


def _row(found: board.Board, kind: str, subject_id: int) -> board.Row:
    return next(r for r in found.rows() if r.kind == kind and r.subject_id == subject_id)


def test_board_stages_counts_and_lateness(org: TwoUnits, cycle: Cycle) -> None:
    with_phases(cycle)
    sheet = make_sheet(cycle, org.cashier, SheetStage.RETURNED)
    moved(sheet, SheetAction.RETURN, "dept_review", "returned", "部门负责人", comment="不完整")
    make_sheet(cycle, org.finance, SheetStage.COMMENTING)
    make_sheet(cycle, org.academic, SheetStage.LEADER_REVIEW)
    make_risk(cycle, post_risk_data(org.cashier))
    make_risk(cycle, post_risk_data(org.cashier, name="私存现金"))
    make_risk(cycle, dept_risk_data(org.finance))

    # Before the investigation ends nobody is late; the next deadline is its end (2026-05-31).
    early = board.build(SYSTEM, cycle, today=D(2026, 5, 20))
    cashier = _row(early, SubjectKind.POST, org.cashier.pk)
    assert (cashier.stage, cashier.bucket, cashier.risk_count, cashier.returned_count) == (
        "returned",
        "returned",
        2,
        1,
    )
    assert cashier.late is None and cashier.due is not None and cashier.due.due == D(2026, 5, 31)
    teacher = _row(early, SubjectKind.POST, org.teacher.pk)
    assert (teacher.sheet_id, teacher.bucket, teacher.stage_label) == (None, "none", "未开始")
    assert _row(early, SubjectKind.DEPARTMENT, org.finance.pk).risk_count == 1

    # After it: the returned and the unstarted post sheets are late; the academic department (at the
    # leader's review, past where dept_review would be) is not.
    late = board.build(SYSTEM, cycle, today=D(2026, 6, 1))
    assert _row(late, SubjectKind.POST, org.cashier.pk).late is not None
    assert _row(late, SubjectKind.POST, org.teacher.pk).late is not None
    assert _row(late, SubjectKind.DEPARTMENT, org.academic.pk).late is None
    assert _row(late, SubjectKind.DEPARTMENT, org.finance.pk).late is not None
    assert late.unit is not None and late.unit.late is not None

    # Roll-up: 财务处 counts the posts of 核算科 below it.
    finance = next(b for b in late.blocks if b.department.subject_id == org.finance.pk)
    assert (
        finance.rollup.subjects == 1 and finance.rollup.late == 1 and finance.rollup.buckets["returned"] == 1
    )
    assert finance.rollup.risks == 2
    assert late.totals.subjects == 2 and late.totals.late == 2

    # Filters: late only, and by stage ("none": no sheet yet).
    only_late = board.build(SYSTEM, cycle, today=D(2026, 6, 1), late_only=True)
    assert {r.subject_id for r in only_late.rows() if r.kind == SubjectKind.POST} == {
        org.cashier.pk,
        org.teacher.pk,
    }
    # A department is listed when it is late itself or has late posts (教务处: its 教学秘书).
    academic = next(b for b in only_late.blocks if b.department.subject_id == org.academic.pk)
    assert academic.department.late is None and [r.subject_id for r in academic.posts] == [org.teacher.pk]
    unstarted = board.build(SYSTEM, cycle, stage=board.NOT_STARTED, today=D(2026, 6, 1))
    assert [r.subject_id for r in unstarted.rows() if r.kind == SubjectKind.POST] == [org.teacher.pk]


def test_board_without_phases_is_never_late(org: TwoUnits, cycle: Cycle) -> None:
    found = board.build(SYSTEM, cycle, today=D(2026, 12, 31))
    assert found.deadlines == [] and all(r.late is None and r.due is None for r in found.rows())


def test_board_scope(org: TwoUnits, cycle: Cycle) -> None:
    dept_head = actor_of(user_with_role(Role.DEPT_HEAD, org.finance))
    found = board.build(dept_head, cycle)
    assert found.unit is None
    assert {b.department.subject_id for b in found.blocks} == {org.finance.pk, org.finance_office.pk}
    assert [r.subject_id for r in found.rows() if r.kind == SubjectKind.POST] == [org.cashier.pk]
    outsider = actor_of(user_with_role(Role.SUPERVISOR, org.other))
    assert board.build(outsider, cycle).rows() == []
    supervisor = actor_of(user_with_role(Role.SUPERVISOR, org.college))
    assert board.build(supervisor, cycle).unit is not None


def test_board_reads_in_a_fixed_number_of_queries(org: TwoUnits, cycle: Cycle) -> None:
    with_phases(cycle)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            board.build(SYSTEM, cycle, today=D(2026, 6, 1))
        return len(ctx.captured_queries)

    small = count()
    for i in range(15):
        post = PostFactory(department=org.academic, name=f"岗位{i}")
        make_sheet(cycle, post, SheetStage.DEPT_REVIEW)
    assert count() == small <= 8
