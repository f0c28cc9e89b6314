"""Streaming evaluation: the rules over cases stored in the database, turned into alerts.

The engine's reference tables for a unit (its flowcharts with rule settings, who held which post, the
calendar) are built once per version and kept per thread; a case's events go through the same query as the
batch mode. A finding becomes an alert once (fingerprint = rule and step); a pending alert (待发) whose
finding has gone — a late event filled the gap — is dropped, while issued ones stay for the office.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor
from lianfang.org.models import Person, PostAssignment
from lianfang.powers.models import FlowStep, Power
from lianfang.powers.selectors import flow_spec
from lianfang.risks.models import RiskPoint
from lianfang.workdays.counting import MissingCalendarYear, WorkCalendar
from lianfang.workdays.selectors import calendar_version, current_calendar

from ..engine.model import DEFAULT_DAYS_BEFORE, PowerModel, compile_power
from ..engine.run import Checker, EventRow, Finding, Held, for_thread
from ..models import Alert, AlertLevel, AlertState, Case, Event, Rule, RuleSetting

LOCAL = ZoneInfo("Asia/Shanghai")

# The level each rule raises unless a power's setting says otherwise ({"level": …} in its params).
DEFAULT_LEVELS: dict[str, str] = {
    Rule.SKIPPED_STEP: AlertLevel.YELLOW,
    Rule.OUT_OF_ORDER: AlertLevel.WARNING,
    Rule.UNKNOWN_STEP: AlertLevel.NOTICE,
    Rule.STEP_OVERDUE: AlertLevel.WARNING,
    Rule.NEAR_PROMISED: AlertLevel.WARNING,
    Rule.PROMISED_EXCEEDED: AlertLevel.YELLOW,
    Rule.STATUTORY_EXCEEDED: AlertLevel.RED,
    Rule.SEPARATION: AlertLevel.RED,
    Rule.DISCRETION: AlertLevel.RED,
    Rule.REOPENED: AlertLevel.WARNING,
    Rule.WRONG_POST: AlertLevel.YELLOW,
}


def _n(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}"


def describe(f: Finding, step_name: str) -> str:
    """The alert's sentence, in Chinese, with the numbers behind it."""
    step = f"“{step_name or f.step_code}”" if f.step_code else ""
    texts: dict[str, str] = {
        Rule.SKIPPED_STEP: f"环节{step}之前有应经环节未办理（跳过环节）",
        Rule.OUT_OF_ORDER: f"环节{step}不符合流程图规定的顺序",
        Rule.UNKNOWN_STEP: f"环节{step}不在该职权的流程图中",
        Rule.STEP_OVERDUE: f"环节{step}用时 {_n(f.n1)} 天，超过本环节时限 {_n(f.n2)} 天",
        Rule.NEAR_PROMISED: (
            f"已用 {_n(f.n1)} 个工作日，距承诺时限 {_n(f.n2)} 个工作日仅剩 {_n(f.n3)} 个工作日"
        ),
        Rule.PROMISED_EXCEEDED: f"已用 {_n(f.n1)} 个工作日，超过承诺时限 {_n(f.n2)} 个工作日",
        Rule.STATUTORY_EXCEEDED: f"已用 {_n(f.n1)} 个工作日，超过法定时限 {_n(f.n2)} 个工作日",
        Rule.SEPARATION: f"不相容环节由同一人（{f.resource}）办理，环节{step}",
        Rule.DISCRETION: f"环节{step}裁量值 {_n(f.n1)} 超出裁量基准（{_n(f.n2)}—{_n(f.n3)}）",
        Rule.REOPENED: f"案件办结后又在环节{step}办理（重新办理）",
        Rule.WRONG_POST: f"环节{step}由未在该岗位任职的人员（{f.resource}）办理",
    }
    return texts.get(f.rule, f.rule)


@dataclass
class Reference:
    checker: Checker
    powers: dict[int, Power]
    steps: dict[tuple[int, str], FlowStep]  # (flow id, step code)
    levels: dict[int, dict[str, str]]


def _version(unit_id: int) -> tuple[object, ...]:
    """What the reference tables depend on: flows, powers, settings, tenure and the calendar."""
    powers = Power.objects.filter(unit_id=unit_id, flow__isnull=False).aggregate(
        n=Count("id"), p=Max("updated_at"), f=Max("flow__updated_at")
    )
    settings = RuleSetting.objects.filter(power__unit_id=unit_id).aggregate(n=Count("id"), m=Max("id"))
    tenure = PostAssignment.objects.filter(post__department__unit_id=unit_id).aggregate(
        n=Count("id"), m=Max("id")
    )
    return (unit_id, calendar_version(), *powers.values(), *settings.values(), *tenure.values())


def held_posts(unit_id: int) -> list[Held]:
    """Who held which post when, under the names events use for them: staff number and account name."""
    rows = PostAssignment.objects.filter(post__department__unit_id=unit_id).select_related("person__user")
    found: list[Held] = []
    for a in rows:
        names = {a.person.staff_no}
        user = getattr(a.person, "user", None)
        if user is not None:
            names.add(user.username)
        found.extend(Held(n, a.post_id, a.start_date, a.end_date) for n in names if n)
    return found


def _build(unit_id: int, calendar: WorkCalendar) -> Reference:
    powers = {
        p.pk: p for p in Power.objects.filter(unit_id=unit_id, flow__isnull=False).select_related("flow")
    }
    settings: dict[int, list[RuleSetting]] = defaultdict(list)
    for s in RuleSetting.objects.filter(power_id__in=powers):
        settings[s.power_id].append(s)
    models: list[PowerModel] = []
    levels: dict[int, dict[str, str]] = {}
    steps: dict[tuple[int, str], FlowStep] = {}
    for pk, power in powers.items():
        assert power.flow is not None
        mine = settings.get(pk, [])
        near = next((s for s in mine if s.rule == Rule.NEAR_PROMISED), None)
        days_before = (
            int((near.params or {}).get("days_before", DEFAULT_DAYS_BEFORE)) if near else DEFAULT_DAYS_BEFORE
        )
        levels[pk] = {
            s.rule: s.params["level"] for s in mine if (s.params or {}).get("level") in AlertLevel.values
        }
        models.append(
            compile_power(
                str(pk),
                flow_spec(power.flow),
                disabled={s.rule for s in mine if not s.enabled},
                days_before=days_before,
            )
        )
    for step in FlowStep.objects.filter(flow_id__in={p.flow_id for p in powers.values()}).select_related(
        "post"
    ):
        steps[(step.flow_id, step.code)] = step
    return Reference(Checker(models, calendar, held_posts(unit_id), threads=1), powers, steps, levels)


def reference(unit_id: int) -> Reference:
    calendar = current_calendar()
    ref: Reference = for_thread(_version(unit_id), lambda: _build(unit_id, calendar))  # type: ignore[assignment]
    return ref


_ROW_FIELDS = ("case_id", "activity", "timestamp", "resource", "amount", "violation")
_ROW_TAIL = ("suspend_from", "suspend_to", "completes")


def _rows(cases: list[Case]) -> list[EventRow]:
    """The cases' events as the engine reads them (plain rows: the worker reads thousands at a time)."""
    power_of = {c.pk: str(c.power_id) for c in cases}
    events = Event.objects.filter(case__in=cases).order_by("case_id", "timestamp", "id")
    rows = []
    for case_id, activity, at, resource, amount, violation, *tail in events.values_list(
        *_ROW_FIELDS, *_ROW_TAIL
    ):
        local = at.astimezone(LOCAL).replace(tzinfo=None)
        figure = float(amount) if amount is not None else None
        power = power_of[case_id]
        rows.append(EventRow(str(case_id), power, activity, local, resource, figure, violation, *tail))
    return rows


@dataclass
class Evaluated:
    cases: int = 0
    created: int = 0
    dropped: int = 0
    missing_calendar: int = 0


def _due_dates(case: Case, calendar: WorkCalendar, suspensions: list[tuple[date, date]]) -> None:
    flow = case.flow
    if flow is None or case.accepted_at is None:
        return
    accepted = timezone.localtime(case.accepted_at, LOCAL).date()
    for limit, unit, field in (
        (flow.promised_limit, flow.promised_unit, "promised_due"),
        (flow.statutory_limit, flow.statutory_unit, "statutory_due"),
    ):
        setattr(case, field, calendar.due_date(accepted, limit, unit, suspensions) if limit else None)


def evaluate_cases(actor: Actor, case_ids: Iterable[int], today: date | None = None) -> Evaluated:
    """Check these cases now and bring their alerts up to date (one audit entry for the whole run).

    The rules run before the write transaction opens: on SQLite a transaction takes the database's only
    write lock at its start, and the engine's work must not keep other senders waiting."""
    today = today or timezone.localdate()
    result = Evaluated()
    by_unit: dict[int, list[Case]] = defaultdict(list)
    for case in Case.objects.filter(pk__in=list(case_ids)).select_related("flow", "power"):
        by_unit[case.unit_id].append(case)
    planned: list[_Plan] = []
    for unit_id, cases in by_unit.items():
        ref = reference(unit_id)
        rows = _rows(cases)
        try:
            findings = ref.checker.check_rows(rows, today)
        except MissingCalendarYear:
            # The calendar lacks a year these cases need: nothing is guessed; the calendar page and the
            # administrators' alert say which year to enter.
            result.missing_calendar += len(cases)
            continue
        planned.append(_plan(ref, cases, rows, findings, result))
    # Only writes inside: on SQLite the transaction holds the database's one write lock that every sender
    # of events waits for.
    with transaction.atomic():
        for plan in planned:
            _write(plan, result)
        if result.cases or result.missing_calendar:
            record(
                actor,
                AuditAction.SYSTEM,
                object_type="supervision.alert",
                object_repr="电子监察规则检查",
                after={
                    "cases": result.cases,
                    "created": result.created,
                    "dropped": result.dropped,
                    "missing_calendar": result.missing_calendar,
                },
            )
    return result


@dataclass
class _Plan:
    """What one unit's run will write: new alerts, pending alerts whose finding has gone, case updates."""

    new: list[Alert]
    stale: list[int]
    cases: list[Case]


def _plan(
    ref: Reference, cases: list[Case], rows: list[EventRow], findings: list[Finding], result: Evaluated
) -> _Plan:
    """The alerts and due dates of one unit's cases, worked out in a fixed number of reads however many
    cases a run takes (the queued mode checks hundreds at once)."""
    found: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        found[int(f.case_id)].append(f)
    suspensions: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for r in rows:
        if r.suspend_from and r.suspend_to:
            suspensions[int(r.case_id)].append((r.suspend_from, r.suspend_to))
    existing: dict[int, dict[str, Alert]] = defaultdict(dict)
    for alert in Alert.objects.filter(case__in=cases).only("pk", "case_id", "fingerprint", "state"):
        existing[alert.case_id][alert.fingerprint] = alert
    named = Named.of(cases[0].unit_id if cases else 0, findings, ref, cases)
    plan = _Plan([], [], cases)
    now = timezone.now()
    for case in cases:
        created, dropped = _sync_alerts(case, found.get(case.pk, []), existing[case.pk], ref, named)
        plan.new.extend(created)
        plan.stale.extend(dropped)
        try:
            _due_dates(case, ref.checker.calendar, suspensions.get(case.pk, []))
        except MissingCalendarYear:
            result.missing_calendar += 1
        case.evaluated_at = now
    return plan


def _write(plan: _Plan, result: Evaluated) -> None:
    # ignore_conflicts: a run checking the same case at the same time has created that alert already.
    Alert.objects.bulk_create(plan.new, ignore_conflicts=True)
    if plan.stale:
        # Still pending: the office may have issued one since it was read.
        Alert.objects.filter(pk__in=plan.stale, state=AlertState.PENDING).delete()
    # One statement run for many rows (bulk_update's CASE expressions cost far more to build than to run).
    # Only where no event arrived since the case was read: a newer event leaves the case marked unchecked
    # (queued mode), and the next run checks it with that event.
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Case._meta.db_table} SET promised_due = %s, statutory_due = %s, "  # noqa: S608
            "evaluated_at = %s WHERE id = %s AND event_count = %s",
            [
                (
                    ops.adapt_datefield_value(c.promised_due),
                    ops.adapt_datefield_value(c.statutory_due),
                    ops.adapt_datetimefield_value(c.evaluated_at),
                    c.pk,
                    c.event_count,
                )
                for c in plan.cases
            ],
        )
    result.created += len(plan.new)
    result.dropped += len(plan.stale)
    result.cases += len(plan.cases)


@dataclass
class Named:
    """Who and what the findings of a run name: the people by staff number, the risk point on each step."""

    people: dict[str, Person]
    risks: dict[int, RiskPoint]

    @classmethod
    def of(cls, unit_id: int, findings: list[Finding], ref: Reference, cases: list[Case]) -> Named:
        flows = {c.pk: c.flow_id or 0 for c in cases}
        steps = {
            step.pk
            for f in findings
            if (step := ref.steps.get((flows.get(int(f.case_id), 0), f.step_code))) is not None
        }
        people = {
            p.staff_no: p
            for p in Person.objects.filter(unit_id=unit_id, staff_no__in={f.resource for f in findings})
        }
        risks: dict[int, RiskPoint] = {}
        for risk in RiskPoint.objects.filter(step_id__in=steps).order_by("level", "pk"):
            risks.setdefault(risk.step_id or 0, risk)
        return cls(people, risks)


def _sync_alerts(
    case: Case, findings: list[Finding], existing: dict[str, Alert], ref: Reference, named: Named
) -> tuple[list[Alert], list[int]]:
    """The alerts to create for new findings, and the pending ones whose finding has gone."""
    wanted = {f"{f.rule}:{f.step_code}": f for f in findings}
    power = ref.powers.get(case.power_id) or case.power
    levels = ref.levels.get(case.power_id, {})
    new: list[Alert] = []
    for key, f in wanted.items():
        if key in existing:
            continue
        step = ref.steps.get((case.flow_id or 0, f.step_code))
        new.append(
            Alert(
                unit_id=case.unit_id,
                case=case,
                rule=f.rule,
                level=levels.get(f.rule, DEFAULT_LEVELS.get(f.rule, AlertLevel.WARNING)),
                state=AlertState.PENDING,
                fingerprint=key,
                path=case.path,
                power=power,
                step_code=f.step_code,
                step=step,
                department_id=power.department_id,
                post=step.post if step is not None else None,
                person=named.people.get(f.resource),
                risk=named.risks.get(step.pk) if step is not None else None,
                detail=describe(f, step.name if step is not None else ""),
                facts={"n1": f.n1, "n2": f.n2, "n3": f.n3, "resource": f.resource},
            )
        )
    stale = [a.pk for k, a in existing.items() if k not in wanted and a.state == AlertState.PENDING]
    return new, stale


def evaluate_open_cases(actor: Actor, today: date | None = None, batch: int = 500) -> Evaluated:
    """The background job: deadlines come due without any new event, so open cases are checked again."""
    total = Evaluated()
    ids = list(Case.objects.filter(status="open").values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(ids), batch):
        part = evaluate_cases(actor, ids[start : start + batch], today)
        total.cases += part.cases
        total.created += part.created
        total.dropped += part.dropped
        total.missing_calendar += part.missing_calendar
    return total


def evaluate_pending(actor: Actor, batch: int = 2000) -> Evaluated:
    """Every case not checked since its last events arrived (the queued mode's worker task; intake marks
    them by clearing `evaluated_at`)."""
    total = Evaluated()
    while True:
        ids = list(
            Case.objects.filter(evaluated_at__isnull=True).order_by("pk").values_list("pk", flat=True)[:batch]
        )
        if not ids:
            return total
        part = evaluate_cases(actor, ids)
        total.cases += part.cases
        total.created += part.created
        total.dropped += part.dropped
        if part.cases < len(ids):  # cases left unchecked (a missing calendar year): do not loop on them
            return total
