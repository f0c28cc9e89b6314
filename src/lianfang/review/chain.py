"""The review chains of risk sheets as data (seed 000 §三(四), seed 002 §五): pure, no database.

A post's sheet: 自己找 → 同事点 → 部门负责人审核 → 分管领导提 → 组织审 → 集体定 → 公示.
A department's sheet: 科室集体找 → 征求意见 → 分管领导提 → 单位（组织）审 → 党政联席会审定 → 公示.
The unit's (领导班子) sheet, drafted by the supervising office: 自己找 → 征求科室意见 → 班子集体审核 → 公示.

Each move names the permission it needs; organisation facts (the 分管 leader, the unit head, the post
holder) are checked by the services on top. A reviewer who may move a sheet forward from a stage may instead
send it back with reasons; the author resubmits it to the first review stage of its chain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lianfang.accounts.permissions import Action
from lianfang.risks.models import RiskStatus
from lianfang.risks.vocabulary import SubjectKind

from .models import Phase, SheetAction, SheetStage

St = SheetStage

CHAINS: dict[str, tuple[str, ...]] = {
    SubjectKind.POST: (
        St.DRAFT,
        St.COMMENTING,
        St.DEPT_REVIEW,
        St.LEADER_REVIEW,
        St.OFFICE_CHECK,
        St.DECISION,
        St.APPROVED,
        St.PUBLISHED,
    ),
    SubjectKind.DEPARTMENT: (
        St.DRAFT,
        St.COMMENTING,
        St.LEADER_REVIEW,
        St.OFFICE_CHECK,
        St.DECISION,
        St.APPROVED,
        St.PUBLISHED,
    ),
    SubjectKind.UNIT: (St.DRAFT, St.COMMENTING, St.DECISION, St.APPROVED, St.PUBLISHED),
}
# The author's stages: the sheet can be edited, and the author moves it on.
AUTHOR_STAGES = (St.DRAFT, St.COMMENTING, St.RETURNED)
REVIEW_STAGES = (St.DEPT_REVIEW, St.LEADER_REVIEW, St.OFFICE_CHECK, St.DECISION)
# The permission that moves a sheet out of each stage (forward, or back to the author).
STAGE_PERMISSION: dict[str, str] = {
    St.DRAFT: Action.SUBMIT,
    St.COMMENTING: Action.SUBMIT,
    St.RETURNED: Action.SUBMIT,
    St.DEPT_REVIEW: Action.REVIEW,
    St.LEADER_REVIEW: Action.CHECK,
    St.OFFICE_CHECK: Action.VERIFY,
    St.DECISION: Action.APPROVE,
    St.APPROVED: Action.PUBLISH,
}
FORWARD_ACTION: dict[str, str] = {
    St.DRAFT: SheetAction.OPEN_COMMENTS,
    St.COMMENTING: SheetAction.SUBMIT,
    St.RETURNED: SheetAction.SUBMIT,
    St.DEPT_REVIEW: SheetAction.PASS,
    St.LEADER_REVIEW: SheetAction.PASS,
    St.OFFICE_CHECK: SheetAction.PASS,
    St.DECISION: SheetAction.APPROVE,
    St.APPROVED: SheetAction.PUBLISH,
}
REVISABLE = (St.APPROVED, St.PUBLISHED)
# Who reopens a decided sheet: its author or whoever records the leadership's decision.
REVISE_PERMISSIONS = (Action.SUBMIT, Action.APPROVE)

RISK_STATUS: dict[str, str] = {
    St.DRAFT: RiskStatus.DRAFT,
    St.COMMENTING: RiskStatus.DRAFT,
    St.RETURNED: RiskStatus.RETURNED,
    St.DEPT_REVIEW: RiskStatus.SUBMITTED,
    St.LEADER_REVIEW: RiskStatus.SUBMITTED,
    St.OFFICE_CHECK: RiskStatus.SUBMITTED,
    St.DECISION: RiskStatus.SUBMITTED,
    St.APPROVED: RiskStatus.APPROVED,
    St.PUBLISHED: RiskStatus.PUBLISHED,
}


@dataclass(frozen=True)
class Move:
    action: str
    to_stage: str
    permission: str


def next_stage(kind: str, stage: str) -> str | None:
    """Where the forward move from `stage` leads on this kind of sheet (None at the end)."""
    chain = CHAINS[kind]
    if stage == St.RETURNED:
        return chain[2]  # back to the first review stage
    index = chain.index(stage)
    return chain[index + 1] if index + 1 < len(chain) else None


def forward(kind: str, stage: str) -> Move | None:
    to = next_stage(kind, stage)
    if to is None:
        return None
    return Move(FORWARD_ACTION[stage], to, STAGE_PERMISSION[stage])


def moves_from(kind: str, stage: str) -> list[Move]:
    """Every move the chain allows from this stage, before asking who the actor is."""
    found: list[Move] = []
    ahead = forward(kind, stage)
    if ahead is not None:
        found.append(ahead)
    if stage in REVIEW_STAGES:
        found.append(Move(SheetAction.RETURN, St.RETURNED, STAGE_PERMISSION[stage]))
    return found


def rank(kind: str, stage: str) -> int:
    """How far along its chain a sheet is (a returned sheet counts as the author's)."""
    if stage == St.RETURNED:
        return 0
    return CHAINS[kind].index(stage)


def reached(kind: str, stage: str, target: str) -> bool:
    """Whether a sheet at `stage` has got at least as far as `target` (or its chain skips `target`)."""
    chain = CHAINS[kind]
    if target not in chain:
        # A stage this chain does not have: reached once the sheet is past where it would be.
        later = [s for s in chain if _GLOBAL_ORDER.index(s) > _GLOBAL_ORDER.index(target)]
        return bool(later) and rank(kind, stage) >= chain.index(later[0])
    return rank(kind, stage) >= chain.index(target)


# Every stage in order: a post's chain, the longest, has them all.
_GLOBAL_ORDER = CHAINS[SubjectKind.POST]

# What must be done by the end of each phase (seed 002 §五): the investigation ends with the sheets handed
# in, the assessment with their grades decided by the leadership, the mechanism with the measures published.
DUE_BY_PHASE: dict[str, str] = {
    Phase.INVESTIGATE: St.DEPT_REVIEW,
    Phase.ASSESS: St.APPROVED,
    Phase.MECHANISM: St.PUBLISHED,
}


@dataclass(frozen=True)
class Deadline:
    phase: str
    due: date
    stage: str  # the stage a sheet must have reached by `due`


def deadlines(phase_ends: dict[str, date]) -> list[Deadline]:
    """The cycle's sheet deadlines, earliest first, from the phases' end dates."""
    found = [Deadline(p, phase_ends[p], s) for p, s in DUE_BY_PHASE.items() if p in phase_ends]
    return sorted(found, key=lambda d: d.due)


def missed(kind: str, stage: str, dues: list[Deadline], today: date) -> Deadline | None:
    """The latest deadline already passed that the sheet has not met, if any."""
    late = None
    for d in dues:
        if d.due < today and not reached(kind, stage, d.stage):
            late = d
    return late


def next_due(kind: str, stage: str, dues: list[Deadline], today: date) -> Deadline | None:
    """The first deadline still ahead (today included) that the sheet has yet to meet."""
    for d in dues:
        if d.due >= today and not reached(kind, stage, d.stage):
            return d
    return None
