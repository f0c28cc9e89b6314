"""Reading cases and events, always through the actor's scope (ObjectType.CASE at the case's path)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from lianfang.accounts.permissions import Action, ObjectType, scope
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.org.models import Unit

from .models import Case, Event
from .services.intake import EventIn


def cases(actor: Actor, action: str = Action.VIEW) -> QuerySet[Case]:
    qs = Case.objects.select_related("unit", "power", "flow", "department")
    return scope(actor, action, ObjectType.CASE, qs)


def get_case(actor: Actor, pk: int) -> Case:
    case = cases(actor).filter(pk=pk).first()
    if case is None:
        raise NotFoundError("监察案件不存在或不在您的权限范围内")
    return case


def with_events(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Cases with their events read by timestamp (the order things happened, not the order they arrived)."""
    events = Event.objects.select_related("step", "person").order_by("timestamp", "id")
    return qs.prefetch_related(Prefetch("events", queryset=events))


def case_events(actor: Actor, case: Case) -> QuerySet[Event]:
    get_case(actor, case.pk)
    return Event.objects.filter(case=case).select_related("step", "person").order_by("timestamp", "id")


def event_in_of(event: Event, case: Case) -> EventIn:
    """A stored event as the intake takes it, with its key as the event id (so a re-import is the same)."""
    return EventIn(
        case_id=case.external_id,
        power_code=case.power.code,
        activity=event.activity,
        timestamp=event.timestamp,
        resource=event.resource,
        event_id=event.key,
        amount=event.amount,
        violation=event.violation,
        materials=list(event.materials or []),
        suspend_from=event.suspend_from,
        suspend_to=event.suspend_to,
        completes=event.completes,
        title=case.title,
        source=case.source,
    )


def case_log(actor: Actor, unit: Unit, power_code: str = "") -> list[EventIn]:
    """A unit's cases (of one power, if named) with their events by timestamp, as an event log."""
    qs = cases(actor).filter(unit=unit)
    if power_code:
        qs = qs.filter(power__code=power_code)
    by_pk = {c.pk: c for c in qs.order_by("accepted_at", "id")}
    if not by_pk:
        return []
    order = {pk: n for n, pk in enumerate(by_pk)}
    events = Event.objects.filter(case__in=qs).order_by("case_id", "timestamp", "id")
    rows = sorted(events, key=lambda e: (order[e.case_id], e.timestamp, e.pk))
    return [event_in_of(e, by_pk[e.case_id]) for e in rows]
