"""The life of an alert or card: 待发 → 已发 (issue, with notifications) → 撤销 (withdraw) / 督办
(escalate), and the handling department's appeal (申诉), decided by the supervising office (撤销, 驳回, 上报).

Who is told when an alert is issued (`recipients`):
- 黄牌 (YELLOW): the head(s) of the alert's department (a live dept_head grant over it or a department above);
- 红牌 (RED): those, the 分管领导 of that department (a current deputy in the unit's leadership overseeing it
  or a department above) and the supervising office (supervisor grant over the unit, or the nearest one
  above);
- 提示/预警 (NOTICE/WARNING): the post's current holders, if the alert names a post.
An appeal tells the supervising office. Each notice is written once per (recipient, key), so issuing again or
re-running the job sends nothing twice; it is e-mailed after commit when an SMTP server is configured.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, can, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, NotFoundError, ServiceError
from lianfang.core.writing import clean_input
from lianfang.org.models import Unit
from lianfang.review.models import NotificationKind
from lianfang.review.selectors_progress import (
    covering,
    dept_heads,
    holder_user_ids,
    overseeing_deputies,
    supervisors,
    unit_office,
)
from lianfang.review.services.notifications import Draft, create_once, email_pending

from ..models import Alert, AlertLevel, AlertState, AppealState

CARDS = (AlertLevel.YELLOW, AlertLevel.RED)
DECISIONS = (AppealState.UPHELD, AppealState.REJECTED, AppealState.REPORTED)
AUDITED = (
    "state",
    "issued_at",
    "appeal_state",
    "appeal_reason",
    "appealed_by",
    "decision_note",
    "decided_by",
)


def _facts(alert: Alert) -> dict[str, object]:
    data: dict[str, object] = {f: getattr(alert, f) for f in AUDITED}
    if data["issued_at"] is not None:
        data["issued_at"] = alert.issued_at.isoformat()  # type: ignore[union-attr]
    return data


def _locked(actor: Actor, alert: Alert) -> Alert:
    """The alert re-read under a row lock; out of the actor's sight it does not exist."""
    if not can(actor, Action.VIEW, ObjectType.ALERT, alert.path):
        raise NotFoundError("告警不存在或不在您的权限范围内")
    found = (
        Alert.objects.select_for_update(of=("self",))
        .select_related("unit", "case", "power", "department", "post", "person", "step", "risk")
        .filter(pk=alert.pk)
        .first()
    )
    if found is None:
        raise NotFoundError("告警不存在或不在您的权限范围内")
    return found


def _save(actor: Actor, alert: Alert, before: dict[str, object], action: str = AuditAction.UPDATE) -> Alert:
    alert.save()
    record_change(actor, action, alert, scope_path=alert.path, before=before, after=_facts(alert))
    return alert


def describe(alert: Alert) -> str:
    """One line naming what and where: level, rule, case, step, power, department, post, person, risk."""
    parts = [f"{alert.get_level_display()}：{alert.get_rule_display()}", f"案件{alert.case.external_id}"]
    if alert.step_id or alert.step_code:
        parts.append(f"环节“{alert.step.name if alert.step else alert.step_code}”")
    parts.append(f"职权“{alert.power.name}”")
    if alert.department_id:
        parts.append(f"部门“{alert.department.name}”")  # type: ignore[union-attr]
    if alert.post_id:
        parts.append(f"岗位“{alert.post.name}”")  # type: ignore[union-attr]
    if alert.person_id:
        parts.append(f"人员“{alert.person.name}”")  # type: ignore[union-attr]
    if alert.risk_id:
        parts.append(f"风险点“{alert.risk.name}”")  # type: ignore[union-attr]
    return "，".join(parts)


def recipients(alert: Alert) -> set[int]:
    """Who is told when the alert is issued (see the module's description)."""
    where = alert.department.path if alert.department_id else alert.path  # type: ignore[union-attr]
    if alert.level in CARDS:
        found = covering(dept_heads(), where)
        if alert.level == AlertLevel.RED:
            found |= covering(overseeing_deputies(alert.unit_id), where)
            found |= unit_office(supervisors(), alert.unit.path)
        return found
    if alert.post_id is None:
        return set()
    return holder_user_ids([alert.post_id]).get(alert.post_id, set())


def alert_url(alert: Alert) -> str:
    return reverse("supervision:alert_detail", args=[alert.pk])


def _notify(user_ids: set[int], kind: str, text: str, link: str, key: str) -> int:
    created = create_once([Draft(u, kind, text, link, key) for u in sorted(user_ids)])
    if created:
        keys = {n.key for n in created}
        transaction.on_commit(lambda: email_pending(keys))
    return len(created)


@transaction.atomic
def issue(actor: Actor, alert: Alert) -> Alert:
    """待发 → 已发, and tell the people the level names. Issuing an issued alert again changes nothing and
    sends nothing twice."""
    alert = _locked(actor, alert)
    require(actor, Action.EDIT, ObjectType.ALERT, alert.path)
    if alert.state == AlertState.ISSUED:
        return alert
    if alert.state != AlertState.PENDING:
        raise ServiceError(f"该告警处于“{alert.get_state_display()}”状态，不能发出")
    before = _facts(alert)
    alert.state = AlertState.ISSUED
    alert.issued_at = timezone.now()
    _save(actor, alert, before)
    kind = NotificationKind.OVERDUE if alert.level in CARDS else NotificationKind.WAITING
    _notify(
        recipients(alert), kind, f"电子监察{describe(alert)}", alert_url(alert), f"alert:{alert.pk}:issued"
    )
    return alert


def issue_pending(actor: Actor, unit: Unit) -> int:
    """Issue every pending alert of a unit (the engine's job may call this); returns how many were issued."""
    require(actor, Action.EDIT, ObjectType.ALERT, unit.path)
    count = 0
    for alert in Alert.objects.filter(unit=unit, state=AlertState.PENDING).order_by("id"):
        issue(actor, alert)
        count += 1
    return count


def _require_note(note: str, message: str) -> str:
    note = clean_input(note or "")
    checker = Checker()
    checker.require(bool(note), "note", message)
    checker.done()
    return note


def _no_open_appeal(alert: Alert) -> None:
    if alert.appeal_state == AppealState.APPEALED:
        raise ServiceError("该告警的申诉尚未处理，请先在申诉队列中作出决定")


def _decided(actor: Actor, alert: Alert, note: str) -> None:
    alert.decision_note = note
    alert.decided_by = actor.name[:200]
    alert.decided_at = timezone.now()


@transaction.atomic
def withdraw(actor: Actor, alert: Alert, note: str) -> Alert:
    """→ 撤销, with the reason."""
    alert = _locked(actor, alert)
    require(actor, Action.EDIT, ObjectType.ALERT, alert.path)
    note = _require_note(note, "撤销告警须说明理由")
    if alert.state == AlertState.WITHDRAWN:
        raise ServiceError("该告警已撤销")
    _no_open_appeal(alert)
    before = _facts(alert)
    alert.state = AlertState.WITHDRAWN
    _decided(actor, alert, note)
    return _save(actor, alert, before)


@transaction.atomic
def escalate(actor: Actor, alert: Alert, note: str) -> Alert:
    """已发 → 督办, with what is asked of the department."""
    alert = _locked(actor, alert)
    require(actor, Action.EDIT, ObjectType.ALERT, alert.path)
    note = _require_note(note, "督办须写明督办意见")
    if alert.state != AlertState.ISSUED:
        raise ServiceError(f"只有已发出的告警可以督办（当前为“{alert.get_state_display()}”）")
    _no_open_appeal(alert)
    before = _facts(alert)
    alert.state = AlertState.ESCALATED
    _decided(actor, alert, note)
    return _save(actor, alert, before)


@transaction.atomic
def appeal(actor: Actor, alert: Alert, reason: str) -> Alert:
    """The handling department appeals an issued yellow or red card, with its reasons; the office is told."""
    alert = _locked(actor, alert)
    require(actor, Action.SUBMIT, ObjectType.ALERT, alert.path)
    reason = clean_input(reason or "")
    checker = Checker()
    checker.require(bool(reason), "reason", "申诉须写明理由")
    checker.done()
    if alert.level not in CARDS:
        raise ServiceError("只有黄牌、红牌可以申诉")
    if alert.state != AlertState.ISSUED:
        raise ServiceError(f"只有已发出的红黄牌可以申诉（当前为“{alert.get_state_display()}”）")
    if alert.appeal_state != AppealState.NONE:
        raise ServiceError(f"该红黄牌已申诉过（{alert.get_appeal_state_display()}），不能再次申诉")
    before = _facts(alert)
    alert.appeal_state = AppealState.APPEALED
    alert.appeal_reason = reason
    alert.appealed_by = actor.name[:200]
    alert.appealed_at = timezone.now()
    _save(actor, alert, before)
    office = unit_office(supervisors(), alert.unit.path)
    text = f"待处理申诉：{describe(alert)}（申诉人：{alert.appealed_by}）"
    _notify(office, NotificationKind.WAITING, text, alert_url(alert), f"alert:{alert.pk}:appealed")
    return alert


@transaction.atomic
def decide_appeal(actor: Actor, alert: Alert, decision: str, note: str = "") -> Alert:
    """The supervising office decides an appeal: upheld → 撤销; rejected → stays 已发; reported → 督办 (上报).
    Rejecting or reporting needs the office's reasons."""
    alert = _locked(actor, alert)
    require(actor, Action.APPROVE, ObjectType.ALERT, alert.path)
    note = clean_input(note or "")
    checker = Checker()
    checker.require(decision in DECISIONS, "decision", "请选择处理决定（撤销、驳回或上报）")
    checker.require(
        bool(note) or decision not in (AppealState.REJECTED, AppealState.REPORTED),
        "note",
        "驳回或上报须写明理由",
    )
    checker.done()
    if alert.appeal_state != AppealState.APPEALED:
        raise ServiceError("该告警没有待处理的申诉")
    before = _facts(alert)
    alert.appeal_state = decision
    if decision == AppealState.UPHELD:
        alert.state = AlertState.WITHDRAWN
    elif decision == AppealState.REPORTED:
        alert.state = AlertState.ESCALATED
    _decided(actor, alert, note)
    return _save(actor, alert, before, AuditAction.REVIEW)
