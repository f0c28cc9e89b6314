"""意见征集: anyone comments on a published item; the owning department answers, and may publish the answer.

A comment sits at its publication's path, so it reaches the queue of whoever holds FEEDBACK VIEW there (the
department's head and liaison, the supervising office over the whole unit). The commenter's name and contact
are optional and are shown only in that queue, never on the portal. A client address is kept only as a keyed
hash, to throttle repeated filing.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, ServiceError
from lianfang.core.writing import clean_input

from .models import Feedback, FeedbackStatus, Publication
from .publishing import bump

TEXT_MAX, NAME_MAX, CONTACT_MAX, ANSWER_MAX = 2000, 50, 100, 2000
# At most this many comments from one client address within the window.
THROTTLE_COUNT = int(getattr(settings, "LIANFANG_FEEDBACK_PER_WINDOW", 5))
THROTTLE_WINDOW = timedelta(minutes=int(getattr(settings, "LIANFANG_FEEDBACK_WINDOW_MINUTES", 10)))


class ThrottledError(ServiceError):
    """Too many comments from one client address in a short time."""


def client_hash(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


@dataclass
class FeedbackData:
    text: str
    name: str = ""
    contact: str = ""
    website: str = ""  # the honeypot: people leave it empty (it is hidden); form-filling robots do not


@transaction.atomic
def submit_feedback(actor: Actor, pub: Publication, data: FeedbackData, client: str) -> Feedback | None:
    """File a comment on a published item the actor can see (the caller has checked visibility). A filled
    honeypot is accepted silently and dropped (None)."""
    text = clean_input(data.text or "")
    name = clean_input(data.name or "")
    contact = clean_input(data.contact or "")
    if (data.website or "").strip():
        return None
    check = Checker()
    check.require(bool(text), "text", "请填写意见内容")
    check.require(len(text) <= TEXT_MAX, "text", f"意见内容不能超过{TEXT_MAX}字")
    check.require(len(name) <= NAME_MAX, "name", f"姓名不能超过{NAME_MAX}字")
    check.require(len(contact) <= CONTACT_MAX, "contact", f"联系方式不能超过{CONTACT_MAX}字")
    check.done()
    if not pub.is_current or pub.withdrawn:
        raise ServiceError("该公示事项已更新或撤回，请在现行版本上提出意见")
    digest = client_hash(client or "unknown")
    recent = Feedback.objects.filter(client_hash=digest, created_at__gte=timezone.now() - THROTTLE_WINDOW)
    if recent.count() >= THROTTLE_COUNT:
        raise ThrottledError("提交过于频繁，请稍后再试")
    feedback = Feedback.objects.create(
        publication=pub,
        unit_id=pub.unit_id,
        department_id=pub.department_id,
        path=pub.path,
        text=text,
        name=name,
        contact=contact,
        client_hash=digest,
    )
    # The log names the item and the length, not the commenter.
    record_change(
        actor,
        AuditAction.CREATE,
        feedback,
        scope_path=pub.path,
        before=None,
        after={"publication": pub.pk, "kind": pub.kind, "code": pub.code, "length": len(text)},
    )
    return feedback


@transaction.atomic
def answer_feedback(actor: Actor, feedback: Feedback, answer: str, *, public: bool) -> Feedback:
    """Answer a comment (FEEDBACK EDIT at its path); a public answer appears on the item's page."""
    require(actor, Action.EDIT, ObjectType.FEEDBACK, feedback.path)
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    answer = clean_input(answer or "")
    check = Checker()
    check.require(bool(answer), "answer", "请填写答复内容")
    check.require(len(answer) <= ANSWER_MAX, "answer", f"答复不能超过{ANSWER_MAX}字")
    check.done()
    before = {"status": feedback.status, "answer": feedback.answer, "answer_public": feedback.answer_public}
    feedback.answer = answer
    feedback.answer_public = public
    feedback.status = FeedbackStatus.ANSWERED
    feedback.answered_by = actor.name
    feedback.answered_at = timezone.now()
    feedback.save(update_fields=["answer", "answer_public", "status", "answered_by", "answered_at"])
    if public or before["answer_public"]:
        bump(feedback.unit_id)
    record_change(
        actor,
        AuditAction.UPDATE,
        feedback,
        scope_path=feedback.path,
        before=before,
        after={"status": feedback.status, "answer": answer, "answer_public": public},
    )
    return feedback


@transaction.atomic
def close_feedback(actor: Actor, feedback: Feedback) -> Feedback:
    """Close a comment that needs no answer (spam, duplicates); a published answer stays published."""
    require(actor, Action.EDIT, ObjectType.FEEDBACK, feedback.path)
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    before = {"status": feedback.status}
    feedback.status = FeedbackStatus.CLOSED
    feedback.save(update_fields=["status"])
    record_change(
        actor,
        AuditAction.UPDATE,
        feedback,
        scope_path=feedback.path,
        before=before,
        after={"status": "closed"},
    )
    return feedback
