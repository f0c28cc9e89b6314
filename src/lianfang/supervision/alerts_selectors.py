"""Scoped reads of alerts and cards (ObjectType.ALERT): the supervising office sees, issues and decides over
its unit; unit leaders and liaisons see; department heads see and appeal in their department."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from lianfang.accounts.permissions import Action, ObjectType, can, scope
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError

from .models import Alert, AlertLevel, AlertState, AppealState, Rule

RELATED = ("unit", "case", "power", "department", "post", "person", "step", "risk")


@dataclass(frozen=True)
class AlertFilters:
    state: str = ""
    level: str = ""
    rule: str = ""
    appeal_state: str = ""
    department_id: int | None = None
    power_id: int | None = None
    case_id: int | None = None

    @classmethod
    def clean(
        cls,
        *,
        state: str = "",
        level: str = "",
        rule: str = "",
        appeal_state: str = "",
        department_id: int | None = None,
        power_id: int | None = None,
        case_id: int | None = None,
    ) -> AlertFilters:
        """Unknown values are dropped rather than refused (they come from query strings)."""
        return cls(
            state=state if state in AlertState.values else "",
            level=level if level in AlertLevel.values else "",
            rule=rule if rule in Rule.values else "",
            appeal_state=appeal_state if appeal_state in AppealState.values and appeal_state else "",
            department_id=department_id,
            power_id=power_id,
            case_id=case_id,
        )


def visible(actor: Actor) -> QuerySet[Alert]:
    return scope(actor, Action.VIEW, ObjectType.ALERT, Alert.objects.all())


def alerts(actor: Actor, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    f = filters or AlertFilters()
    qs = visible(actor).select_related(*RELATED)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.rule:
        qs = qs.filter(rule=f.rule)
    if f.appeal_state:
        qs = qs.filter(appeal_state=f.appeal_state)
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    if f.power_id:
        qs = qs.filter(power_id=f.power_id)
    if f.case_id:
        qs = qs.filter(case_id=f.case_id)
    return qs


def get_alert(actor: Actor, pk: int) -> Alert:
    found = visible(actor).select_related(*RELATED).filter(pk=pk).first()
    if found is None:
        raise NotFoundError("告警不存在或不在您的权限范围内")
    return found


def appeal_queue(actor: Actor) -> QuerySet[Alert]:
    """Appeals waiting for a decision, oldest first, among the alerts the actor sees."""
    return (
        visible(actor)
        .select_related(*RELATED)
        .filter(appeal_state=AppealState.APPEALED)
        .order_by("appealed_at", "id")
    )


def decided_appeals(actor: Actor) -> QuerySet[Alert]:
    return (
        visible(actor)
        .select_related(*RELATED)
        .exclude(appeal_state__in=[AppealState.NONE, AppealState.APPEALED])
        .order_by("-decided_at", "-id")
    )


@dataclass(frozen=True)
class Allowed:
    """What the actor may do with an alert now (buttons on the pages, `actions` in the API)."""

    issue: bool
    withdraw: bool
    escalate: bool
    appeal: bool
    decide: bool

    def names(self) -> list[str]:
        return [n for n in ("issue", "withdraw", "escalate", "appeal", "decide") if getattr(self, n)]


def allowed(actor: Actor, alert: Alert) -> Allowed:
    edit = can(actor, Action.EDIT, ObjectType.ALERT, alert.path)
    open_appeal = alert.appeal_state == AppealState.APPEALED
    return Allowed(
        issue=edit and alert.state == AlertState.PENDING,
        withdraw=edit and alert.state != AlertState.WITHDRAWN and not open_appeal,
        escalate=edit and alert.state == AlertState.ISSUED and not open_appeal,
        appeal=can(actor, Action.SUBMIT, ObjectType.ALERT, alert.path)
        and alert.state == AlertState.ISSUED
        and alert.level in (AlertLevel.YELLOW, AlertLevel.RED)
        and alert.appeal_state == AppealState.NONE,
        decide=open_appeal and can(actor, Action.APPROVE, ObjectType.ALERT, alert.path),
    )
