"""Reading comments, always through the scope of their target: a target the actor may not see answers 404.

A comment's target is one of six kinds; `get_target` finds it inside the actor's VIEW scope of the target's
object type (risk points, measures and sheets: RISK; powers: POWER; flowcharts and their steps: FLOW).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse

from lianfang.accounts.permissions import Action, ObjectType, scope
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.core.i18n import source_text
from lianfang.powers.models import Flowchart, FlowStep, Power
from lianfang.risks.models import Measure, RiskPoint

from .models import Comment, CommentTarget, RiskSheet
from .selectors_progress import holder_user_ids

NOT_FOUND = "评论对象不存在或不在您的权限范围内"


@dataclass(frozen=True)
class Target:
    """What a comment is about, reduced to what the comment rules need."""

    kind: str
    pk: int
    unit_id: int
    path: str
    object_type: str
    name: str
    url: str
    post_id: int | None = None

    @property
    def label(self) -> str:
        return source_text(CommentTarget(self.kind).label)

    def owner_user_ids(self) -> set[int]:
        """The accounts of whoever holds the target's post today (risk points, measures, sheets of a post)."""
        return holder_user_ids([self.post_id]).get(self.post_id, set()) if self.post_id else set()


def _sheet_url(pk: int) -> str:
    return reverse("review:sheet", args=[pk])


def _risk_target(actor: Actor, pk: int) -> Target:
    qs = scope(actor, Action.VIEW, ObjectType.RISK, RiskPoint.objects.all())
    risk = qs.only("id", "unit_id", "path", "name", "post_id").filter(pk=pk).first()
    if risk is None:
        raise NotFoundError(NOT_FOUND)
    url = reverse("risks:detail", args=[risk.pk])
    return Target(
        CommentTarget.RISK, risk.pk, risk.unit_id, risk.path, ObjectType.RISK, risk.name, url, risk.post_id
    )


def _measure_target(actor: Actor, pk: int) -> Target:
    qs = scope(actor, Action.VIEW, ObjectType.RISK, Measure.objects.select_related("risk"), ("risk__path",))
    m = qs.filter(pk=pk).first()
    if m is None:
        raise NotFoundError(NOT_FOUND)
    risk = m.risk
    url = reverse("risks:detail", args=[risk.pk]) + f"#measure-{m.pk}"
    return Target(
        CommentTarget.MEASURE, m.pk, risk.unit_id, risk.path, ObjectType.RISK, m.text[:60], url, risk.post_id
    )


def _power_target(actor: Actor, pk: int) -> Target:
    power = scope(actor, Action.VIEW, ObjectType.POWER, Power.objects.all()).filter(pk=pk).first()
    if power is None:
        raise NotFoundError(NOT_FOUND)
    url = reverse("powers:power_detail", args=[power.pk])
    return Target(CommentTarget.POWER, power.pk, power.unit_id, power.path, ObjectType.POWER, power.name, url)


def _flow_target(actor: Actor, pk: int) -> Target:
    flow = scope(actor, Action.VIEW, ObjectType.FLOW, Flowchart.objects.all()).filter(pk=pk).first()
    if flow is None:
        raise NotFoundError(NOT_FOUND)
    url = reverse("powers:flow_detail", args=[flow.pk])
    return Target(CommentTarget.FLOW, flow.pk, flow.unit_id, flow.path, ObjectType.FLOW, flow.name, url)


def _step_target(actor: Actor, pk: int) -> Target:
    qs = scope(actor, Action.VIEW, ObjectType.FLOW, FlowStep.objects.select_related("flow"), ("flow__path",))
    step = qs.filter(pk=pk).first()
    if step is None:
        raise NotFoundError(NOT_FOUND)
    flow = step.flow
    url = reverse("powers:flow_detail", args=[flow.pk])
    name = f"{flow.name} · {step.code} {step.name}"
    return Target(CommentTarget.STEP, step.pk, flow.unit_id, flow.path, ObjectType.FLOW, name, url)


def _sheet_target(actor: Actor, pk: int) -> Target:
    qs = scope(
        actor, Action.VIEW, ObjectType.RISK, RiskSheet.objects.select_related("unit", "department", "post")
    )
    sheet = qs.filter(pk=pk).first()
    if sheet is None:
        raise NotFoundError(NOT_FOUND)
    return Target(
        CommentTarget.SHEET,
        sheet.pk,
        sheet.unit_id,
        sheet.path,
        ObjectType.RISK,
        str(sheet),
        _sheet_url(sheet.pk),
        sheet.post_id,
    )


FINDERS = {
    CommentTarget.RISK: _risk_target,
    CommentTarget.MEASURE: _measure_target,
    CommentTarget.POWER: _power_target,
    CommentTarget.FLOW: _flow_target,
    CommentTarget.STEP: _step_target,
    CommentTarget.SHEET: _sheet_target,
}


def get_target(actor: Actor, kind: str, pk: int) -> Target:
    """The target in the actor's VIEW scope, or NotFoundError (an unknown kind is not found either)."""
    finder = FINDERS.get(CommentTarget(kind)) if kind in CommentTarget.values else None
    if finder is None:
        raise NotFoundError(NOT_FOUND)
    return finder(actor, pk)


def get_comment(actor: Actor, pk: int) -> Comment:
    """A comment whose target the actor may see."""
    comment = Comment.objects.select_related("parent").filter(pk=pk).first()
    if comment is None:
        raise NotFoundError("评论不存在或不在您的权限范围内")
    get_target(actor, comment.target_kind, comment.target_id)
    return comment


@dataclass
class Thread:
    root: Comment
    replies: list[Comment] = field(default_factory=list)

    @property
    def resolved(self) -> bool:
        return self.root.resolved_at is not None


def threads(actor: Actor, kind: str, pk: int) -> tuple[Target, list[Thread]]:
    """The target and its threads (open ones first, each in the order written); one query for the comments."""
    target = get_target(actor, kind, pk)
    found: dict[int, Thread] = {}
    orphans: list[Comment] = []
    for c in Comment.objects.filter(target_kind=target.kind, target_id=target.pk).order_by(
        "created_at", "id"
    ):
        if c.parent_id is None:
            found[c.pk] = Thread(c)
        else:
            orphans.append(c)
    for c in orphans:
        if c.parent_id in found:
            found[c.parent_id].replies.append(c)
    ordered = sorted(found.values(), key=lambda t: (t.resolved, t.root.created_at, t.root.pk))
    return target, ordered


def comment_counts(kind: str, ids: list[int]) -> dict[int, tuple[int, int]]:
    """(comments, open threads) per target id, in one query; for the collapsed widgets of a list."""
    counts: dict[int, tuple[int, int]] = {}
    rows = Comment.objects.filter(target_kind=kind, target_id__in=ids).values_list(
        "target_id", "parent_id", "resolved_at"
    )
    for target_id, parent_id, resolved_at in rows:
        total, open_ = counts.get(target_id, (0, 0))
        counts[target_id] = (total + 1, open_ + (1 if parent_id is None and resolved_at is None else 0))
    return counts
