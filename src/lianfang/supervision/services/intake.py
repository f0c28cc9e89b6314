"""Intake of cases and events from business systems: one validation for the API, CSV and XES.

`intake` stores each good event once (its key: the sender's event id, or a digest of its content), whatever
the order or lateness of its arrival, and rejects bad events one by one with a Chinese reason; the good events
of a batch are stored unless the caller asks for all or nothing (`atomic`). A case is created by its first
event and takes the power of that code in the unit's latest cycle that has one. Everything is read in bulk
(cases, powers, steps, persons, known keys) and written with bulk_create, so a batch costs a fixed number of
queries; one audit entry records the call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor
from lianfang.org.models import Person, Unit
from lianfang.powers.models import FlowStep, Power

from ..models import Case, CaseStatus, Event

CHUNK = 500  # rows per IN (...) look-up and per bulk insert: well under every database's parameter limit
FUTURE_SLACK = dt.timedelta(days=1)
MAX_AMOUNT = Decimal("999999999999.99")


@dataclass
class EventIn:
    """One event as a business system reports it, already typed (see `formats.fields.event_from_fields`)."""

    case_id: str
    power_code: str
    activity: str
    timestamp: dt.datetime | None  # aware; a naive time is read as Asia/Shanghai
    resource: str = ""
    event_id: str = ""
    amount: Decimal | None = None
    violation: str = ""
    materials: list[str] = field(default_factory=list)
    suspend_from: dt.date | None = None
    suspend_to: dt.date | None = None
    completes: bool = False
    title: str = ""
    source: str = ""
    # Where the event came from, put before its rejection reasons (e.g. "第3行").
    origin: str = ""


@dataclass(frozen=True)
class Rejection:
    index: int  # the event's position in the batch (0-based)
    case_id: str
    reason: str


@dataclass
class IntakeResult:
    stored: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    case_ids: set[int] = field(default_factory=set)  # the cases of every accepted event (stored or known)
    dry_run: bool = False
    atomic: bool = False

    @property
    def written(self) -> bool:
        return self.stored > 0 and not self.dry_run

    def to_dict(self) -> dict[str, Any]:
        return {
            "stored": self.stored,
            "duplicates": self.duplicates,
            "rejected": [{"index": r.index, "case_id": r.case_id, "reason": r.reason} for r in self.rejected],
            "dry_run": self.dry_run,
            "atomic": self.atomic,
        }


def local_time(value: dt.datetime) -> dt.datetime:
    """An aware time: a naive one is read in the project's zone (Asia/Shanghai)."""
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def amount_text(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def event_key(ev: EventIn) -> str:
    """The sender's id, else a digest of what makes the event itself (the same report twice is one event)."""
    if ev.event_id:
        return ev.event_id
    assert ev.timestamp is not None
    parts = [
        ev.case_id,
        ev.activity,
        ev.timestamp.astimezone(dt.UTC).isoformat(),
        ev.resource,
        amount_text(ev.amount),
        ev.violation,
        ev.suspend_from.isoformat() if ev.suspend_from else "",
        ev.suspend_to.isoformat() if ev.suspend_to else "",
        "1" if ev.completes else "0",
    ]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def problems(ev: EventIn, now: dt.datetime) -> list[str]:
    """What is wrong with one event on its own (before looking at cases and powers)."""
    found = []
    if not ev.case_id:
        found.append("缺少案件编号（case_id）")
    elif len(ev.case_id) > 100:
        found.append("案件编号超过100个字符")
    if not ev.power_code:
        found.append("缺少职权编码（power_code）")
    if not ev.activity:
        found.append("缺少环节（activity）")
    elif len(ev.activity) > 100:
        found.append("环节编号超过100个字符")
    if ev.timestamp is None:
        found.append("缺少发生时间（timestamp）")
    elif ev.timestamp > now + FUTURE_SLACK:
        found.append(f"发生时间 {timezone.localtime(ev.timestamp):%Y-%m-%d %H:%M} 晚于当前时间一天以上")
    if len(ev.resource) > 100:
        found.append("办理人超过100个字符")
    if len(ev.event_id) > 100:
        found.append("事件编号超过100个字符")
    if len(ev.violation) > 300:
        found.append("违法情形超过300个字符")
    if ev.amount is not None:
        if not ev.amount.is_finite():
            found.append("金额/裁量值无效")
        elif int(ev.amount.as_tuple().exponent) < -2:
            found.append("金额/裁量值最多两位小数")
        elif abs(ev.amount) > MAX_AMOUNT:
            found.append("金额/裁量值过大")
    if ev.suspend_from and ev.suspend_to and ev.suspend_to < ev.suspend_from:
        found.append("中止结束日期早于中止开始日期")
    return found


T = TypeVar("T")


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterable[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass(frozen=True)
class _PowerRef:
    pk: int
    code: str
    flow_id: int | None
    department_id: int | None
    path: str


@dataclass(frozen=True)
class _CaseRef:
    pk: int
    power_code: str
    flow_id: int | None


@dataclass
class _Known:
    """What the batch refers to, read in bulk (plain rows: intake is the hot path of streaming)."""

    cases: dict[str, _CaseRef]
    powers: dict[str, _PowerRef]
    steps: dict[tuple[int, str], int]
    persons: dict[str, int]


def _case_refs(unit: Unit, external_ids: Sequence[str]) -> dict[str, _CaseRef]:
    found: dict[str, _CaseRef] = {}
    for part in chunks(external_ids):
        rows = (
            Case.objects.filter(unit=unit, external_id__in=part)
            .order_by()
            .values_list("external_id", "pk", "power__code", "flow_id")
        )
        found.update((ext, _CaseRef(pk, code, flow_id)) for ext, pk, code, flow_id in rows)
    return found


def _load(unit: Unit, events: Sequence[EventIn]) -> _Known:
    cases = _case_refs(unit, sorted({e.case_id for e in events}))
    codes = sorted({e.power_code for e in events} | {c.power_code for c in cases.values()})
    powers: dict[str, _PowerRef] = {}
    # The latest cycle that has a power of the code: newest first, the first one seen wins.
    for part in chunks(codes):
        rows = (
            Power.objects.filter(cycle__unit=unit, code__in=part)
            .order_by("-cycle__year", "-id")
            .values_list("pk", "code", "flow_id", "department_id", "path")
        )
        for row in rows:
            powers.setdefault(row[1], _PowerRef(*row))
    flow_ids = {p.flow_id for p in powers.values() if p.flow_id} | {
        c.flow_id for c in cases.values() if c.flow_id
    }
    steps = {
        (flow_id, code): pk
        for flow_id, code, pk in FlowStep.objects.filter(flow_id__in=flow_ids)
        .order_by()
        .values_list("flow_id", "code", "pk")
    }
    resources = sorted({e.resource for e in events if e.resource})
    persons: dict[str, int] = {}
    for part in chunks(resources):
        persons.update(
            Person.objects.filter(unit=unit, staff_no__in=part).order_by().values_list("staff_no", "pk")
        )
        missing = [r for r in part if r not in persons]
        if missing:
            persons.update(
                User.objects.filter(username__in=missing, person__unit=unit)
                .order_by()
                .values_list("username", "person_id")
            )
    return _Known(cases=cases, powers=powers, steps=steps, persons=persons)


def _known_keys(case_keys: dict[int, set[str]]) -> set[tuple[int, str]]:
    pairs = [(case_pk, key) for case_pk, keys in case_keys.items() for key in keys]
    found: set[tuple[int, str]] = set()
    for part in chunks(pairs, 300):
        q = Q(pk__in=[])
        by_case: dict[int, list[str]] = {}
        for case_pk, key in part:
            by_case.setdefault(case_pk, []).append(key)
        for case_pk, keys in by_case.items():
            q |= Q(case_id=case_pk, key__in=keys)
        found.update(Event.objects.filter(q).order_by().values_list("case_id", "key"))
    return found


def _new_case(unit: Unit, ev: EventIn, power: _PowerRef) -> Case:
    return Case(
        unit=unit,
        power_id=power.pk,
        flow_id=power.flow_id,
        department_id=power.department_id,
        path=power.path,
        external_id=ev.case_id,
        title=ev.title[:300],
        source=ev.source[:100],
        status=CaseStatus.OPEN,
    )


def intake(
    actor: Actor,
    unit: Unit,
    events: Sequence[EventIn | Rejection],
    *,
    atomic: bool = False,
    dry_run: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> IntakeResult:
    """Store a batch of events of one unit's cases. Items that are already `Rejection`s (a reader could not
    parse them) are reported as they are. With `atomic`, nothing is stored when any event is bad; with
    `dry_run`, nothing is stored at all and the result says what would have been.

    Everything is read and checked first, outside any transaction; only the writes take the database's
    write lock, which every other sender waits for. The rules check the touched cases after the events are
    committed (their own transaction), for the same reason."""
    advance = on_progress or (lambda n: None)
    plan = _plan(actor, unit, events, atomic=atomic, dry_run=dry_run, advance=advance)
    result = plan.result
    if dry_run:
        advance(len(plan.fresh))
        return _finish(actor, unit, result, write=False)
    if atomic and result.rejected:
        advance(len(plan.placed))
        with transaction.atomic():
            return _finish(actor, unit, result, write=True)
    _store(actor, unit, plan, advance)
    if result.stored:
        _after_intake(actor, result.case_ids)
    return result


@dataclass
class _Plan:
    """What a batch will write, worked out from what is stored (`_plan`), before the write transaction."""

    result: IntakeResult
    known: _Known
    new_cases: dict[str, Case]  # by external id
    placed: list[tuple[int, EventIn]]  # index in the batch, event: every event of a known or new case
    fresh: list[tuple[int, EventIn, str]]  # index, event, key: the events to store


def _plan(
    actor: Actor,
    unit: Unit,
    events: Sequence[EventIn | Rejection],
    *,
    atomic: bool,
    dry_run: bool,
    advance: Callable[[int], None],
) -> _Plan:
    require(actor, Action.CREATE, ObjectType.CASE, unit.path)
    result = IntakeResult(dry_run=dry_run, atomic=atomic)
    now = timezone.now()

    good: list[tuple[int, EventIn]] = []
    for index, item in enumerate(events):
        if isinstance(item, Rejection):
            result.rejected.append(Rejection(index, item.case_id, item.reason))
            continue
        if item.timestamp is not None:
            item.timestamp = local_time(item.timestamp)
        found = problems(item, now)
        if found:
            _reject(result, index, item, found)
        else:
            good.append((index, item))
    known = _load(unit, [ev for _, ev in good])

    # Cases: existing ones must be of the same power; a new one takes the first event's power.
    new_cases: dict[str, Case] = {}
    new_powers: dict[str, str] = {}
    placed: list[tuple[int, EventIn]] = []
    for index, ev in good:
        known_case = known.cases.get(ev.case_id)
        case_power = known_case.power_code if known_case else new_powers.get(ev.case_id)
        if case_power is not None:
            if case_power != ev.power_code:
                _reject(result, index, ev, _other_power(ev.case_id, case_power))
                continue
        else:
            power = known.powers.get(ev.power_code)
            if power is None:
                _reject(result, index, ev, f"职权编码“{ev.power_code}”在本单位不存在")
                continue
            new_cases[ev.case_id] = _new_case(unit, ev, power)
            new_powers[ev.case_id] = power.code
        placed.append((index, ev))
    advance(len(events) - len(placed))
    plan = _Plan(result, known, new_cases, placed, [])
    if atomic and result.rejected:
        return plan

    # Keys: what is already stored, and what repeats inside the batch.
    case_keys: dict[int, set[str]] = {}
    keyed: list[tuple[int, EventIn, str]] = []
    for index, ev in placed:
        key = event_key(ev)
        keyed.append((index, ev, key))
        existing = known.cases.get(ev.case_id)
        if existing is not None:
            case_keys.setdefault(existing.pk, set()).add(key)
    stored_keys = _known_keys(case_keys)
    seen: set[tuple[str, str]] = set()
    for index, ev, key in keyed:
        existing = known.cases.get(ev.case_id)
        if (ev.case_id, key) in seen or (existing is not None and (existing.pk, key) in stored_keys):
            result.duplicates += 1
            if existing is not None:
                result.case_ids.add(existing.pk)
            continue
        seen.add((ev.case_id, key))
        plan.fresh.append((index, ev, key))
    advance(len(keyed) - len(plan.fresh))
    result.stored = len(plan.fresh)
    return plan


def _reject(result: IntakeResult, index: int, ev: EventIn | None, reasons: list[str] | str) -> None:
    text = reasons if isinstance(reasons, str) else "；".join(reasons)
    if ev is not None and ev.origin:
        text = f"{ev.origin}：{text}"
    result.rejected.append(Rejection(index, ev.case_id if ev else "", text))


def _other_power(case_id: str, power_code: str) -> str:
    return f"案件 {case_id} 已属于职权 {power_code}"


@transaction.atomic
def _store(actor: Actor, unit: Unit, plan: _Plan, advance: Callable[[int], None]) -> None:
    """The writes of a planned batch, in one short transaction. What was read may have changed meanwhile
    (other senders): a case created by another sender is taken as it is, unless it is of another power
    (its events are then rejected), and an event stored meanwhile by another sender is skipped by the
    database's unique key (it is then counted as stored here too)."""
    result, known = plan.result, plan.known
    cases = _create_cases(unit, known, plan.new_cases)
    rows = []
    fresh: list[tuple[EventIn, str]] = []
    for index, ev, key in plan.fresh:
        case = cases[ev.case_id]
        if ev.case_id in plan.new_cases and case.power_code != ev.power_code:
            _reject(result, index, ev, _other_power(ev.case_id, case.power_code))
            result.stored -= 1
            advance(1)
            continue
        assert ev.timestamp is not None  # checked by `problems`
        fresh.append((ev, key))
        rows.append(
            Event(
                case_id=case.pk,
                key=key,
                activity=ev.activity,
                step_id=known.steps.get((case.flow_id, ev.activity)) if case.flow_id else None,
                timestamp=ev.timestamp,
                resource=ev.resource,
                person_id=known.persons.get(ev.resource) if ev.resource else None,
                amount=ev.amount,
                violation=ev.violation,
                materials=list(ev.materials),
                suspend_from=ev.suspend_from,
                suspend_to=ev.suspend_to,
                completes=ev.completes,
            )
        )
    for part in chunks(rows, 1000):
        # Keys were checked above; ignore_conflicts only covers a concurrent intake of the same event.
        Event.objects.bulk_create(part, ignore_conflicts=True)
        advance(len(part))
    touched = {cases[ev.case_id].pk for ev, _ in fresh}
    result.case_ids |= touched | {
        cases[ev.case_id].pk
        for _, ev in plan.placed
        if ev.case_id in cases and cases[ev.case_id].power_code == ev.power_code
    }
    # Queued mode: the touched cases are marked for the worker in the same statement. Marked, because a late
    # event may carry an old timestamp, so times cannot tell what is unchecked.
    queued = settings.SUPERVISION_EVALUATION == "queued"
    _refresh_cases(touched, {ev.case_id: ev for ev, _ in fresh}, mark_unevaluated=queued)
    _finish(actor, unit, result, write=True)


def _create_cases(unit: Unit, known: _Known, new_cases: dict[str, Case]) -> dict[str, _CaseRef]:
    """Every case of the batch by its external id, creating the new ones (a case created meanwhile by a
    concurrent intake is taken as it is)."""
    cases = dict(known.cases)
    if new_cases:
        for part in chunks(list(new_cases.values())):
            Case.objects.bulk_create(part, ignore_conflicts=True)
        cases.update(_case_refs(unit, sorted(new_cases)))
    return cases


def _refresh_sql(mark_unevaluated: bool, count: int) -> str:
    """One UPDATE that recomputes the touched cases' summary from their stored events (whatever order they
    came in) and, for the queued mode, marks them for the worker. Written as SQL, not ORM expressions:
    intake is the streaming hot path and compiling five correlated subqueries cost more than running them."""
    case, event = Case._meta.db_table, Event._meta.db_table
    of_case = f"FROM {event} e WHERE e.case_id = {case}.id"
    mark = ", evaluated_at = NULL" if mark_unevaluated else ""
    return (
        f"UPDATE {case} SET event_count = (SELECT COUNT(*) {of_case}), "  # noqa: S608 - names from _meta
        f"accepted_at = (SELECT MIN(e.timestamp) {of_case}), "
        f"last_event_at = (SELECT MAX(e.timestamp) {of_case}), "
        f"completed_at = COALESCE((SELECT MAX(e.timestamp) {of_case} AND e.completes), completed_at), "
        f"status = CASE WHEN EXISTS (SELECT 1 {of_case} AND e.completes) THEN %s ELSE status END{mark} "
        f"WHERE id IN ({', '.join(['%s'] * count)})"
    )


def _refresh_cases(case_pks: set[int], latest: dict[str, EventIn], *, mark_unevaluated: bool) -> None:
    """Keep each touched case's summary fields true to its stored events: one set-based UPDATE per chunk."""
    if not case_pks:
        return
    with connection.cursor() as cursor:
        for part in chunks(sorted(case_pks)):
            cursor.execute(_refresh_sql(mark_unevaluated, len(part)), [CaseStatus.COMPLETED.value, *part])
    titled = [k for k, ev in latest.items() if ev.title or ev.source]
    if not titled:
        return
    # A title or source first sent after the case's first event (rare: one small update per such case).
    untitled = Case.objects.filter(pk__in=case_pks).filter(Q(title="") | Q(source=""))
    for case in untitled.filter(external_id__in=titled):
        ev = latest[case.external_id]
        title, source = case.title or ev.title[:300], case.source or ev.source[:100]
        if (title, source) != (case.title, case.source):
            Case.objects.filter(pk=case.pk).update(title=title, source=source)


def _finish(actor: Actor, unit: Unit, result: IntakeResult, *, write: bool) -> IntakeResult:
    if write:
        record(
            actor,
            AuditAction.IMPORT,
            object_type="supervision.event",
            object_repr=f"{unit.name}：接收事件 {result.stored} 条",
            scope_path=unit.path,
            after={
                "unit": unit.code,
                "stored": result.stored,
                "duplicates": result.duplicates,
                "rejected": len(result.rejected),
                "cases": len(result.case_ids),
                "atomic": result.atomic,
            },
        )
    return result


def _after_intake(actor: Actor, case_ids: set[int]) -> None:
    """Check the cases that changed: at once in this request (the default), or — with
    LIANFANG_SUPERVISION_EVALUATION=queued, for high event rates — by the worker, which checks every
    case with new events in one run (see tasks.evaluate_pending_cases)."""
    if not case_ids:
        return
    if settings.SUPERVISION_EVALUATION == "queued":
        from ..tasks import enqueue_evaluation

        enqueue_evaluation()  # the cases were marked by `_refresh_cases`
        return
    from .evaluate import evaluate_cases

    evaluate_cases(actor, case_ids)
