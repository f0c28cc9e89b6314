"""What waits for the actor along the catalog's approval chain: drafts and returned items to submit,
submitted items to check, checked ones to verify, verified ones to approve, approved ones to publish —
only those this actor may move."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.actor import Actor
from lianfang.cycles.models import CycleStatus
from lianfang.org.leadership import leadership_of

from . import selectors
from .models import ApprovalStatus, Flowchart, Power, ReviewAction
from .services.approval import allowed_actions

# The forward moves a worklist offers; returning and revising are reached from the item's page.
FORWARD = (
    ReviewAction.SUBMIT,
    ReviewAction.CHECK,
    ReviewAction.VERIFY,
    ReviewAction.APPROVE,
    ReviewAction.PUBLISH,
)
# Which statuses each permission can move forward, so the candidates are fetched with one query per type.
STATUSES_FOR = {
    Action.SUBMIT: (ApprovalStatus.DRAFT, ApprovalStatus.RETURNED),
    Action.CHECK: (ApprovalStatus.SUBMITTED,),
    Action.VERIFY: (ApprovalStatus.CHECKED,),
    Action.APPROVE: (ApprovalStatus.VERIFIED,),
    Action.PUBLISH: (ApprovalStatus.APPROVED,),
}


@dataclass(frozen=True)
class WorkItem:
    item: Power | Flowchart
    action: str

    @property
    def is_power(self) -> bool:
        return isinstance(self.item, Power)

    @property
    def action_label(self) -> str:
        return str(ReviewAction(self.action).label)


def awaiting(actor: Actor, limit: int = 20) -> tuple[list[WorkItem], int]:
    """Up to `limit` items the actor can move forward now, oldest change first, and how many in all."""
    leaderships = leadership_of(actor)
    found: list[WorkItem] = []
    for object_type, qs in (
        (ObjectType.POWER, selectors.powers(actor)),
        (ObjectType.FLOW, selectors.flows(actor)),
    ):
        statuses = [
            s for perm, ss in STATUSES_FOR.items() if can_anywhere(actor, perm, object_type) for s in ss
        ]
        if not statuses:
            continue
        candidates = qs.filter(status__in=statuses, cycle__status=CycleStatus.OPEN).order_by(
            "updated_at", "pk"
        )
        for item in candidates[:500]:
            moves = [a for a in allowed_actions(actor, item, leaderships) if a in FORWARD]
            if moves:
                found.append(WorkItem(item, moves[0]))
    found.sort(key=lambda w: (w.item.updated_at, w.item.pk))
    return found[:limit], len(found)
