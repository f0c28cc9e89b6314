"""The approval chain of powers and flowcharts:
部门负责人提交 → 分管领导审核 → 组织审核 → 领导班子审定 → 公示.

Who may move an item is the role (accounts.permissions) *and* an organisation fact: a unit leader checks
only what lies in the departments they oversee (分管), and approves only as the unit's head (主要领导) —
or the supervising office records the leadership's collective decision. Anyone who may make the forward
move from a state may instead send the item back, with reasons, which stay in its review history.
"""

from __future__ import annotations

from django.db import transaction

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change
from lianfang.core.actor import Actor
from lianfang.core.errors import PermissionDeniedError, ServiceError
from lianfang.core.i18n import source_text
from lianfang.org.leadership import grant_allows, leadership_of
from lianfang.org.models import LeadershipRole

from ..models import ApprovalStatus, Flowchart, Power, ReviewAction, ReviewRecord

S = ApprovalStatus
# action → (states it starts from, state it leads to, permission it needs)
MOVES: dict[str, tuple[tuple[str, ...], str, str]] = {
    ReviewAction.SUBMIT: ((S.DRAFT, S.RETURNED), S.SUBMITTED, Action.SUBMIT),
    ReviewAction.CHECK: ((S.SUBMITTED,), S.CHECKED, Action.CHECK),
    ReviewAction.VERIFY: ((S.CHECKED,), S.VERIFIED, Action.VERIFY),
    ReviewAction.APPROVE: ((S.VERIFIED,), S.APPROVED, Action.APPROVE),
    ReviewAction.PUBLISH: ((S.APPROVED,), S.PUBLISHED, Action.PUBLISH),
}
REFUSALS: dict[str, str] = {
    Action.SUBMIT: "只有本部门负责人可以提交",
    Action.CHECK: "只有分管该部门的校（局）领导可以审核",
    Action.VERIFY: "只有纪检监察机构可以组织审核",
    Action.APPROVE: "只有主要领导或纪检监察机构可以登记领导班子的审定结果",
    Action.PUBLISH: "只有纪检监察机构可以公示",
}
# Returning from a state needs the permission of the forward move out of it.
RETURN_NEEDS: dict[str, str] = {
    S.SUBMITTED: Action.CHECK,
    S.CHECKED: Action.VERIFY,
    S.VERIFIED: Action.APPROVE,
}
# A decided item is reopened as a draft; what was published stays published until the next publication.
REVISABLE = (S.APPROVED, S.PUBLISHED)

Item = Power | Flowchart


def _object_type(item: Item) -> str:
    return ObjectType.POWER if isinstance(item, Power) else ObjectType.FLOW


def _grant_allows(
    actor: Actor, action: str, item: Item, leaderships: list[LeadershipRole] | None = None
) -> bool:
    return grant_allows(actor, action, _object_type(item), item.path, item.unit_id, leaderships)


def allowed_actions(actor: Actor, item: Item, leaderships: list[LeadershipRole] | None = None) -> list[str]:
    """The review actions this actor can take on the item now (for showing buttons and the worklist)."""
    if leaderships is None:
        leaderships = leadership_of(actor)

    def allows(perm: str) -> bool:
        return _grant_allows(actor, perm, item, leaderships)

    found = [a for a, (starts, _to, perm) in MOVES.items() if item.status in starts and allows(perm)]
    needs = RETURN_NEEDS.get(item.status)
    if needs and allows(needs):
        found.append(ReviewAction.RETURN)
    if item.status in REVISABLE and (allows(Action.SUBMIT) or allows(Action.APPROVE)):
        found.append(ReviewAction.REVISE)
    return found


def _ready_to_submit(item: Item) -> None:
    problems: list[str] = []
    if isinstance(item, Power):
        if not item.content:
            problems.append("未填写具体内容")
        if not item.bases.exists():
            problems.append("未填写制度依据")
        if item.flow_id is None:
            problems.append("未关联权力运行流程图")
        if not (item.handler_text or item.posts.exists() or item.department_id):
            problems.append("未写明办理主体")
    else:
        if not item.steps.exists():
            problems.append("流程图还没有环节")
        elif not item.steps.filter(is_start=True).exists():
            problems.append("流程图没有开始环节")
    if problems:
        raise ServiceError(f"“{item.name}”还不能提交：" + "；".join(problems))


@transaction.atomic
def review(actor: Actor, item: Item, action: str, comment: str = "") -> Item:
    """Move an item along its approval chain. Returning needs reasons; they stay with the item."""
    comment = (comment or "").strip()
    item = type(item).objects.select_for_update().get(pk=item.pk)
    require(actor, Action.VIEW, _object_type(item), item.path)
    current: str = item.status
    current_label = source_text(ApprovalStatus(current).label)
    if action == ReviewAction.RETURN:
        needs = RETURN_NEEDS.get(current)
        if needs is None:
            raise ServiceError(f"处于“{current_label}”状态的事项不能退回")
        if not comment:
            raise ServiceError("退回时必须写明理由（责令重新查找、评估的原因）", field="comment")
        target: str = S.RETURNED
        if not _grant_allows(actor, needs, item):
            raise PermissionDeniedError("您不能退回处于此状态的事项")
    elif action == ReviewAction.REVISE:
        if current not in REVISABLE:
            raise ServiceError("只有已审定或已公示的事项才能重新修订")
        if not (_grant_allows(actor, Action.SUBMIT, item) or _grant_allows(actor, Action.APPROVE, item)):
            raise PermissionDeniedError("您不能重新修订此事项")
        target = S.DRAFT
    elif action in MOVES:
        starts, target, perm = MOVES[action]
        if current not in starts:
            label = source_text(ReviewAction(action).label)
            raise ServiceError(f"处于“{current_label}”状态的事项不能执行“{label}”")
        if not _grant_allows(actor, perm, item):
            raise PermissionDeniedError(REFUSALS[perm])
        if action == ReviewAction.SUBMIT:
            _ready_to_submit(item)
    else:
        raise ServiceError("未知的审批操作")
    before = {"status": item.status}
    item.status = target
    item.save(update_fields=["status", "updated_at"])
    ReviewRecord.objects.create(
        power=item if isinstance(item, Power) else None,
        flow=item if isinstance(item, Flowchart) else None,
        action=action,
        from_status=current,
        to_status=target,
        comment=comment,
        actor_name=actor.name,
        user_id=actor.user_id,
    )
    record_change(
        actor,
        AuditAction.REVIEW,
        item,
        scope_path=item.path,
        before=before,
        after={"status": target, "action": action, "comment": comment},
    )
    if action == ReviewAction.PUBLISH:
        from lianfang.portal.publishing import publish  # the portal freezes the published version

        publish(actor, item)
    return item
