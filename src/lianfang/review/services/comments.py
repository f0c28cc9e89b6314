"""Comments on a risk point, measure, power, flowchart, flow step or risk sheet: threaded, resolvable,
audited.

Whoever may see the target may comment on it. A reply always hangs on the thread's first comment. A thread
is resolved (or reopened) by its author, by anyone who may edit the target, or by its reviewers.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, can
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, PermissionDeniedError, ServiceError
from lianfang.core.writing import clean_input
from lianfang.risks.services.common import may_risk

from ..comments_selectors import Target, get_comment, get_target
from ..models import Comment, NotificationKind
from . import notifications

BODY_MAX = 5000
REVIEW_ACTIONS = (Action.REVIEW, Action.CHECK, Action.VERIFY, Action.APPROVE)


def may_edit_target(actor: Actor, target: Target) -> bool:
    if target.object_type == ObjectType.RISK:
        return may_risk(actor, Action.EDIT, target.path, target.post_id)
    return can(actor, Action.EDIT, target.object_type, target.path)


def may_resolve_any(actor: Actor, target: Target) -> bool:
    """Whoever may edit the target, or a reviewer of its kind of object, may resolve any of its threads."""
    if may_edit_target(actor, target):
        return True
    return any(can(actor, a, target.object_type, target.path) for a in REVIEW_ACTIONS)


def may_resolve(actor: Actor, target: Target, root: Comment) -> bool:
    """The thread's author, or whoever `may_resolve_any`."""
    if actor.user_id is not None and root.author_id == actor.user_id:
        return True
    return may_resolve_any(actor, target)


def _thread_root(comment: Comment) -> Comment:
    return comment.parent if comment.parent_id and comment.parent is not None else comment


@transaction.atomic
def add_comment(
    actor: Actor, target_kind: str, target_id: int, body: str, parent: Comment | int | None = None
) -> Comment:
    """A new thread on the target, or a reply to one of its threads (attached to the thread's root)."""
    target = get_target(actor, target_kind, target_id)  # 404 when the actor may not see it
    text = clean_input(body)
    check = Checker()
    check.require(bool(text), "body", "请填写评论内容")
    check.require(len(text) <= BODY_MAX, "body", f"评论内容不能超过{BODY_MAX}字")
    root: Comment | None = None
    if parent is not None:
        parent_id = parent.pk if isinstance(parent, Comment) else int(parent)
        found = (
            Comment.objects.select_related("parent")
            .filter(pk=parent_id, target_kind=target.kind, target_id=target.pk)
            .first()
        )
        if found is None:
            check.require(False, "parent", "要回复的评论不存在或不属于该对象")
        else:
            root = _thread_root(found)
            check.require(root.resolved_at is None, "parent", "该讨论已解决，请先重新打开再回复")
    check.done()
    comment = Comment(
        unit_id=target.unit_id,
        target_kind=target.kind,
        target_id=target.pk,
        path=target.path,
        parent=root,
        body=text,
        author_id=actor.user_id,
        author_name=actor.name[:200],
    )
    comment.save()
    record_change(
        actor, AuditAction.CREATE, comment, scope_path=target.path, before=None, after=snapshot(comment)
    )
    _notify(actor, target, comment, root or comment)
    return comment


def _notify(actor: Actor, target: Target, comment: Comment, root: Comment) -> None:
    """In-app notice to the thread's participants and to the holders of the target's post."""
    participants = set(
        Comment.objects.filter(pk=root.pk).exclude(author__isnull=True).values_list("author_id", flat=True)
    ) | set(
        Comment.objects.filter(parent=root).exclude(author__isnull=True).values_list("author_id", flat=True)
    )
    recipients = (participants | target.owner_user_ids()) - {actor.user_id}
    what = f"{target.label}“{target.name}”"
    text = f"{actor.name}在{what}上{'回复了评论' if comment.parent_id else '发表了评论'}：{comment.body[:80]}"
    notifications.notify(
        sorted(r for r in recipients if r is not None),
        NotificationKind.COMMENT,
        text,
        link=target.url,
        key=f"comment:{comment.pk}",
    )


def _set_resolved(actor: Actor, comment: Comment, resolved: bool) -> Comment:
    target = get_target(actor, comment.target_kind, comment.target_id)
    root = _thread_root(comment)
    if not may_resolve(actor, target, root):
        raise PermissionDeniedError("只有讨论发起人、可修改该对象的人员或审核人员可以解决或重新打开讨论")
    if resolved == (root.resolved_at is not None):
        raise ServiceError("该讨论已解决" if resolved else "该讨论尚未解决")
    before = {
        "resolved_at": root.resolved_at.isoformat() if root.resolved_at else None,
        "resolved_by": root.resolved_by,
    }
    root.resolved_at = timezone.now() if resolved else None
    root.resolved_by = actor.name[:200] if resolved else ""
    root.save(update_fields=["resolved_at", "resolved_by"])
    after = {
        "resolved_at": root.resolved_at.isoformat() if root.resolved_at else None,
        "resolved_by": root.resolved_by,
    }
    record_change(actor, AuditAction.UPDATE, root, scope_path=root.path, before=before, after=after)
    return root


@transaction.atomic
def resolve_thread(actor: Actor, comment: Comment | int) -> Comment:
    """Mark the comment's thread resolved. Returns the thread's root."""
    found = comment if isinstance(comment, Comment) else get_comment(actor, comment)
    return _set_resolved(actor, found, True)


@transaction.atomic
def reopen_thread(actor: Actor, comment: Comment | int) -> Comment:
    found = comment if isinstance(comment, Comment) else get_comment(actor, comment)
    return _set_resolved(actor, found, False)
