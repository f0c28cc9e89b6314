"""Simulated event logs for electronic supervision: deterministic (one seeded `random.Random`), for tests, the
batch benchmark and the demo.

Each case walks its flow's graph from a start step to an end step, choosing among the outgoing transitions at
random (a loop back at most once per case), on working days and in working hours, each step within its limit.
Then anomalies are put in at the rates asked, each tied to the event that shows it, so a caller knows which
cases should be found and by which rule (`RULE_OF`):

- control flow, at most one per case: a step left out (`skipped`), two steps swapped (`out_of_order`), an
  activity the flowchart does not have (`unknown`), an event after the case was completed (`reopened`);
- independent of those and of each other: a step over its limit (`late`), the two steps of a separation pair
  by one person (`separation`), an amount outside the discretion benchmark (`discretion`), a step handled by
  someone who does not hold its post (`wrong_post`); plus suspensions (中止) and cases still open at the end.

`synthetic_flows` makes flowcharts of 4–9 steps with an XOR branch, a loop back, limits, separation pairs and
a discretion benchmark; `write_csv` writes a log in the CSV format the batch mode reads.
"""

from __future__ import annotations

import csv
import random
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from lianfang.core.vocabulary import LimitUnit
from lianfang.powers.flowspec import (
    DiscretionSpec,
    FlowSpec,
    SeparationSpec,
    StepKind,
    StepSpec,
    TransitionSpec,
)
from lianfang.workdays.counting import MissingCalendarYear, WorkCalendar

from .engine.model import PowerModel, StepRow, closure
from .engine.run import EventRow, Held

CSV_COLUMNS = (
    "case_id",
    "power_code",
    "activity",
    "timestamp",
    "resource",
    "amount",
    "violation",
    "suspend_from",
    "suspend_to",
    "completes",
)
# The engine rule(s) that find each anomaly (a left-out step may read as out of order and the reverse,
# depending on where the jump lands).
RULE_OF: dict[str, frozenset[str]] = {
    "late": frozenset({"step_overdue"}),
    "skipped": frozenset({"skipped_step", "out_of_order"}),
    "out_of_order": frozenset({"skipped_step", "out_of_order"}),
    "unknown": frozenset({"unknown_step"}),
    "separation": frozenset({"separation"}),
    "discretion": frozenset({"discretion"}),
    "reopened": frozenset({"reopened"}),
    "wrong_post": frozenset({"wrong_post"}),
}
CONTROL_FLOW = ("skipped", "out_of_order", "unknown", "reopened")
UNKNOWN_ACTIVITIES = ("补充材料", "内部请示", "临时登记", "X9")
DAY_START, DAY_END = 8 * 60 + 30, 17 * 60 + 30  # working hours, in minutes after midnight
OPEN_WINDOW = 20  # open cases start within the last this many working days


@dataclass(frozen=True)
class Rates:
    """The share of cases given each anomaly (0..1). The control-flow ones exclude each other."""

    late: float = 0.0
    skipped: float = 0.0
    out_of_order: float = 0.0
    unknown: float = 0.0
    separation: float = 0.0
    discretion: float = 0.0
    reopened: float = 0.0
    wrong_post: float = 0.0
    suspended: float = 0.0  # cases with a suspension (中止) between two steps
    open: float = 0.0  # cases still open at the end of the range
    amounts: float = 0.5  # cases of a power with a discretion benchmark that record an amount

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not 0 <= value <= 1:
                raise ValueError(f"{f.name} must be between 0 and 1, not {value}")
        if sum(getattr(self, name) for name in CONTROL_FLOW) > 1:
            raise ValueError("the control-flow anomalies exclude each other: their rates must add up to ≤ 1")


@dataclass(frozen=True)
class Staffing:
    """Who may handle what, by the resource names events carry: the holders of each post, and for steps with
    no post the people of the power's department (by power code)."""

    by_post: Mapping[int, Sequence[str]]
    by_power: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def everyone(self) -> list[str]:
        names = {n for group in self.by_post.values() for n in group}
        names |= {n for group in self.by_power.values() for n in group}
        return sorted(names)

    def held(self, since: date) -> list[Held]:
        """The engine's post table: every holder holds their post from `since` on."""
        return [Held(name, post, since, None) for post, names in self.by_post.items() for name in names]


def staffing_for(models: Iterable[PowerModel], per_post: int, prefix: str = "E") -> Staffing:
    """`per_post` made-up people per post of the models' steps; post-less steps go to the power's people."""
    by_post: dict[int, list[str]] = {}
    by_power: dict[str, list[str]] = {}
    for m in models:
        mine: list[str] = []
        for s in m.steps:
            if s.post_id is None:
                continue
            names = by_post.setdefault(s.post_id, [f"{prefix}{s.post_id:05d}{k}" for k in range(per_post)])
            mine.extend(n for n in names if n not in mine)
        by_power[m.power_code] = mine or [f"{prefix}{m.power_code}-{k}" for k in range(per_post)]
    return Staffing(by_post=by_post, by_power=by_power)


@dataclass
class SimulatedLog:
    rows: list[EventRow]
    injected: dict[str, set[str]]  # case id → the anomalies (names of `Rates` fields) it carries
    completed: set[str]  # the case ids that were completed
    case_ids: list[str]

    def with_anomaly(self, name: str) -> set[str]:
        return {case for case, found in self.injected.items() if name in found}


@dataclass
class _Event:
    activity: str
    ts: datetime = datetime.min
    resource: str = ""
    amount: float | None = None
    violation: str = ""
    suspend_from: date | None = None
    suspend_to: date | None = None
    completes: bool = False


class _Flow:
    """One power's graph, ready for walking."""

    def __init__(self, model: PowerModel):
        self.model = model
        self.steps: dict[str, StepRow] = {s.step_code: s for s in model.steps}
        order = {s.step_code: s.order for s in model.steps}
        self.succ: dict[str, list[str]] = {}
        for a, b in sorted(model.transitions):
            self.succ.setdefault(a, []).append(b)
        self.starts = sorted(s.step_code for s in model.steps if s.is_start) or [model.steps[0].step_code]
        self.ends = {s.step_code for s in model.steps if s.is_end}
        self.back = {(a, b) for a, b in model.transitions if order[b] <= order[a]}
        self.partners: dict[str, set[str]] = {}
        for a, b in model.separations:
            self.partners.setdefault(a, set()).add(b)
            self.partners.setdefault(b, set()).add(a)
        # The next step on a shortest way to an end, from every step that has one.
        pred: dict[str, list[str]] = {}
        for a, b in model.transitions:
            pred.setdefault(b, []).append(a)
        self.to_end: dict[str, str] = {}
        todo = deque(sorted(self.ends))
        seen = set(self.ends)
        while todo:
            node = todo.popleft()
            for p in sorted(pred.get(node, ())):
                if p not in seen:
                    seen.add(p)
                    self.to_end[p] = node
                    todo.append(p)

    def walk(self, rng: random.Random) -> list[str]:
        cur = rng.choice(self.starts)
        path = [cur]
        looped = False
        cap = 4 * len(self.steps)
        while cur not in self.ends and cur in self.succ and len(path) < cap:
            options = self.succ[cur]
            if looped:
                options = [b for b in options if (cur, b) not in self.back] or [
                    self.to_end.get(cur, options[0])
                ]
            nxt = rng.choice(options)
            looped = looped or (cur, nxt) in self.back
            path.append(nxt)
            cur = nxt
        while cur not in self.ends and cur in self.to_end:
            cur = self.to_end[cur]
            path.append(cur)
        return path

    def deviation(self, seq: Sequence[str], completed: bool) -> int | None:
        """Where a sequence of steps first leaves the flowchart (the engine's control-flow rules), or None."""
        if not seq:
            return None
        if seq[0] not in self.starts:
            return 0
        for i in range(1, len(seq)):
            if (seq[i - 1], seq[i]) not in self.model.transitions:
                return i
        if completed and seq[-1] not in self.ends:
            return len(seq) - 1
        return None


class _Simulator:
    def __init__(
        self,
        models: Sequence[PowerModel],
        calendar: WorkCalendar,
        staffing: Staffing,
        rates: Rates,
        rng: random.Random,
        start: date,
        end: date,
    ):
        self.flows = [_Flow(m) for m in models if m.steps]
        if not self.flows:
            raise ValueError("no flowchart with steps to simulate")
        self.cal = calendar
        self.staffing = staffing
        self.rates = rates
        self.rng = rng
        self.end = end
        self.days = [d for d, work, _n in calendar.serial_table(start, end) if work]
        if not self.days:
            raise ValueError("no working day in the range")
        self.everyone = staffing.everyone()
        self.holders = {post: set(names) for post, names in staffing.by_post.items()}

    # --- time -------------------------------------------------------------------------------------

    def _gap_bound(self, day: date, step: StepRow) -> int | None:
        """The most working days after `day` that keep the step within its limit (None: no limit)."""
        if step.limit is None:
            return None
        if step.unit == LimitUnit.CALENDAR_DAYS:
            due = self.cal.add_calendar_days(day, step.limit)
        else:
            due = self.cal.add_working_days(day, step.limit)
        return self.cal.working_days_between(day, due)

    def _times(self, flow: _Flow, seq: list[str], first: date, late_at: int | None) -> list[datetime]:
        rng = self.rng
        day, minute = first, rng.randint(DAY_START, DAY_END - 30)
        out = [datetime.combine(day, time()) + timedelta(minutes=minute)]
        for i in range(1, len(seq)):
            bound = self._gap_bound(day, flow.steps[seq[i]])
            if i == late_at and bound is not None:
                gap = bound + rng.randint(1, 3)
            else:
                top = 2 if bound is None else bound
                gap = min(rng.randint(0, top), rng.randint(0, top))  # mostly quick
                if gap == 0 and minute >= DAY_END - 1 and top > 0:
                    gap = 1
            if gap == 0:
                minute = rng.randint(minute + 1, max(minute + 1, DAY_END))
            else:
                day = self.cal.add_working_days(day, gap)
                minute = rng.randint(DAY_START, DAY_END)
            out.append(datetime.combine(day, time()) + timedelta(minutes=minute))
        return out

    # --- people -----------------------------------------------------------------------------------

    def _candidates(self, flow: _Flow, step: StepRow) -> Sequence[str]:
        found: Sequence[str] = ()
        if step.post_id is not None:
            found = self.staffing.by_post.get(step.post_id, ())
        return found or self.staffing.by_power.get(flow.model.power_code, ()) or self.everyone or ("",)

    def _pick(self, flow: _Flow, events: list[_Event], activity: str) -> str:
        """Someone who may handle the step and handled none of its separation partners in the case."""
        partners = flow.partners.get(activity, ())
        taken = {ev.resource for ev in events if ev.activity in partners}
        options = self._candidates(flow, flow.steps[activity])
        return self.rng.choice([r for r in options if r not in taken] or list(options))

    def _assign(self, flow: _Flow, events: list[_Event]) -> None:
        for i, ev in enumerate(events):
            ev.resource = self._pick(flow, events[:i], ev.activity)

    # --- one case ---------------------------------------------------------------------------------

    def case(self, case_id: str) -> tuple[list[EventRow], set[str], bool]:
        rng, rates = self.rng, self.rates
        flow = rng.choice(self.flows)
        seq = flow.walk(rng)
        labels: dict[str, int] = {}  # anomaly → index (in `seq`, later in events) of the event that shows it

        roll, control = rng.random(), None
        for name in CONTROL_FLOW:
            roll -= getattr(rates, name)
            if roll < 0:
                control = name
                break
        if control in ("skipped", "out_of_order") and len(seq) > 1:
            spots = list(range(len(seq) if control == "skipped" else len(seq) - 1))
            rng.shuffle(spots)
            for i in spots:
                if control == "skipped":
                    changed = seq[:i] + seq[i + 1 :]
                else:
                    changed = [*seq[:i], seq[i + 1], seq[i], *seq[i + 2 :]]
                where = flow.deviation(changed, completed=True)
                if changed and where is not None:
                    seq, labels[control] = changed, where
                    break

        late_at = None
        if rng.random() < rates.late:
            limited = [i for i in range(1, len(seq)) if flow.steps[seq[i]].limit is not None]
            if limited:
                late_at = rng.choice(limited)
                labels["late"] = late_at

        is_open = rng.random() < rates.open
        events: list[_Event] = []
        for attempt in range(4):
            if is_open:
                first = rng.choice(self.days[-OPEN_WINDOW:])
            elif attempt == 0:
                first = rng.choice(self.days)
            else:
                first = rng.choice(self.days[: max(1, len(self.days) // (2 * attempt))])
            try:
                stamps = self._times(flow, seq, first, late_at)
            except MissingCalendarYear:
                continue
            events = [_Event(step, ts) for step, ts in zip(seq, stamps, strict=True)]
            if is_open or stamps[-1].date() <= self.end:
                break
        if not events:
            return [], set(), False
        events[-1].completes = True
        self._assign(flow, events)
        self._suspend(events)
        self._wrong_post(flow, events, labels)
        self._separation(flow, events, labels)
        self._amount(flow, events, labels)
        if control == "reopened":
            self._reopen(flow, events, labels)
        elif control == "unknown" and len(events) > 1:
            i = rng.randrange(len(events) - 1)
            a, b = events[i].ts, events[i + 1].ts
            name = rng.choice([n for n in UNKNOWN_ACTIVITIES if n not in flow.steps] or ["?"])
            # Soon after the event before it: the same working day, still in working hours.
            events.insert(
                i + 1, _Event(name, a + min((b - a) / 2, timedelta(minutes=20)), events[i].resource)
            )
            labels = {k: (v + 1 if v > i else v) for k, v in labels.items()}
            labels["unknown"] = i + 1

        # Cut what lies past the end (and open cases after a part of their way): their anomalies go with them.
        keep = sum(1 for ev in events if ev.ts.date() <= self.end)
        done = next(i for i, ev in enumerate(events) if ev.completes)
        if is_open and done > 0:
            keep = min(keep, rng.randint(1, done))
        if keep < len(events):
            events = events[:keep]
            labels = {k: v for k, v in labels.items() if v < keep}
        completed = any(ev.completes for ev in events)
        power = flow.model.power_code
        rows = [
            EventRow(
                case_id,
                power,
                ev.activity,
                ev.ts,
                ev.resource,
                ev.amount,
                ev.violation,
                ev.suspend_from,
                ev.suspend_to,
                ev.completes,
            )
            for ev in events
        ]
        return rows, set(labels), completed

    def _suspend(self, events: list[_Event]) -> None:
        if self.rng.random() >= self.rates.suspended:
            return
        spots = [
            i for i in range(len(events) - 1) if (events[i + 1].ts.date() - events[i].ts.date()).days >= 2
        ]
        if spots:
            i = self.rng.choice(spots)
            events[i].suspend_from = events[i].ts.date() + timedelta(days=1)
            events[i].suspend_to = events[i + 1].ts.date() - timedelta(days=1)

    def _wrong_post(self, flow: _Flow, events: list[_Event], labels: dict[str, int]) -> None:
        if self.rng.random() >= self.rates.wrong_post:
            return
        spots = [i for i, ev in enumerate(events) if flow.steps[ev.activity].post_id is not None]
        self.rng.shuffle(spots)
        for i in spots:
            ev = events[i]
            post = flow.steps[ev.activity].post_id
            assert post is not None
            taken = {
                other.resource for other in events if other.activity in flow.partners.get(ev.activity, ())
            }
            outsiders = [
                r for p, names in self.staffing.by_post.items() if p != post for r in names
            ]  # people who hold some post, but not this one
            outsiders = sorted(
                {r for r in outsiders if r not in self.holders.get(post, ()) and r not in taken}
            )
            if outsiders:
                ev.resource = self.rng.choice(outsiders)
                labels["wrong_post"] = i
                return

    def _separation(self, flow: _Flow, events: list[_Event], labels: dict[str, int]) -> None:
        if self.rng.random() >= self.rates.separation:
            return
        pairs = list(flow.model.separations)
        self.rng.shuffle(pairs)
        for a, b in pairs:
            firsts = [i for i, ev in enumerate(events) if ev.activity == a]
            seconds = [i for i, ev in enumerate(events) if ev.activity == b and i != labels.get("wrong_post")]
            if firsts and seconds:
                i, j = self.rng.choice(firsts), self.rng.choice(seconds)
                events[j].resource = events[i].resource
                labels["separation"] = j
                return

    def _amount(self, flow: _Flow, events: list[_Event], labels: dict[str, int]) -> None:
        rows = flow.model.discretion
        breach = self.rng.random() < self.rates.discretion
        if not rows or not (breach or self.rng.random() < self.rates.amounts):
            return
        violation, lo, hi = self.rng.choice(rows)
        deciding = [i for i, ev in enumerate(events) if ev.activity not in flow.ends] or [len(events) - 1]
        i = deciding[-1]
        low = lo if lo is not None else 0.0
        high = hi if hi is not None else max(low * 3, 10000.0)
        if breach and (hi is not None or (lo is not None and lo >= 1)):
            if hi is not None and (lo is None or lo < 1 or self.rng.random() < 0.7):
                amount = float(round(hi * self.rng.uniform(1.1, 2.0)) + 1)
            else:
                assert lo is not None
                amount = float(max(0, round(lo * self.rng.uniform(0.2, 0.9)) - 1))
            labels["discretion"] = i
        else:
            amount = min(high, max(low, float(round(self.rng.uniform(low, high)))))
        events[i].amount, events[i].violation = amount, violation

    def _reopen(self, flow: _Flow, events: list[_Event], labels: dict[str, int]) -> None:
        last = events[-1]
        step = self.rng.choice(sorted(flow.steps))
        try:  # a little later, but within the step's own limit (the reopening is the anomaly, not the delay)
            bound = self._gap_bound(last.ts.date(), flow.steps[step])
            day = self.cal.add_working_days(last.ts.date(), self.rng.randint(1, max(1, bound or 5)))
        except MissingCalendarYear:
            return
        ts = datetime.combine(day, time()) + timedelta(minutes=self.rng.randint(DAY_START, DAY_END))
        events.append(_Event(step, ts, self._pick(flow, events, step)))
        labels["reopened"] = len(events) - 1


def simulate(
    models: Sequence[PowerModel],
    calendar: WorkCalendar,
    start: date,
    end: date,
    cases: int,
    staffing: Staffing,
    rates: Rates | None = None,
    *,
    seed: int | random.Random = 0,
    prefix: str = "C",
) -> SimulatedLog:
    """`cases` cases of the given powers accepted on working days in [start, end], none past `end` (check the
    log with today = end). The same seed gives the same log."""
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)  # noqa: S311 - not for secrets
    sim = _Simulator(models, calendar, staffing, rates or Rates(), rng, start, end)
    width = max(6, len(str(cases)))
    log = SimulatedLog(rows=[], injected={}, completed=set(), case_ids=[])
    for n in range(1, cases + 1):
        case_id = f"{prefix}{n:0{width}d}"
        rows, labels, completed = sim.case(case_id)
        if not rows:
            continue
        log.rows.extend(rows)
        log.case_ids.append(case_id)
        if labels:
            log.injected[case_id] = labels
        if completed:
            log.completed.add(case_id)
    return log


def write_csv(rows: Iterable[EventRow], path: Path) -> None:
    """The log in the CSV format of the batch mode (times in ISO 8601 with the +08:00 offset)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(CSV_COLUMNS)
        for e in rows:
            out.writerow(
                (
                    e.case_id,
                    e.power_code,
                    e.activity,
                    e.ts.isoformat() + "+08:00",
                    e.resource,
                    "" if e.amount is None else f"{e.amount:.2f}",
                    e.violation,
                    e.suspend_from.isoformat() if e.suspend_from else "",
                    e.suspend_to.isoformat() if e.suspend_to else "",
                    "1" if e.completes else "0",
                )
            )


STEP_NAMES = ("受理", "初审", "复核", "调查核实", "集体研究", "审核", "审批", "决定", "送达")


def synthetic_flows(n: int, rng: random.Random, *, first_post: int = 1) -> list[FlowSpec]:
    """`n` flowcharts of 4–9 steps S1..Sk: a chain with an XOR branch (S_i → S_i+1 or S_i+2, both joining at
    S_i+3), one loop back (退回补正), step limits (mostly working days, some calendar days, some none),
    promised and statutory limits, one or two separation pairs and a discretion benchmark. Posts are
    numbered from `first_post` on, one per step (a few steps have none)."""
    flows = []
    post = first_post
    for f in range(1, n + 1):
        k = rng.randint(4, 9)
        codes = [f"S{i}" for i in range(1, k + 1)]
        x = rng.randint(0, k - 4)
        edges = [(codes[i], codes[i + 1], "") for i in range(k - 1) if i != x + 1]
        edges += [(codes[x], codes[x + 2], "情形二"), (codes[x + 1], codes[x + 3], "")]
        j = rng.randint(1, k - 2)
        reach = closure((a, b) for a, b, _label in edges)
        back = [m for m in range(j) if (codes[m], codes[j]) in reach]  # a loop, not a dead jump
        edges.append((codes[j], codes[rng.choice(back)], "退回补正"))
        steps = []
        budget = 0
        for i, code in enumerate(codes):
            limit: int | None
            unit = LimitUnit.WORKING_DAYS
            roll = rng.random()
            if i == 0 or roll < 0.1:
                limit = None
            elif roll < 0.25:
                limit, unit = rng.randint(3, 10), LimitUnit.CALENDAR_DAYS
            else:
                limit = rng.randint(1, 5)
            budget += (
                2 if limit is None else (limit if unit == LimitUnit.WORKING_DAYS else limit * 5 // 7 + 1)
            )
            post_id = None if i > 0 and rng.random() < 0.1 else post
            if post_id is not None:
                post += 1
            kind = (
                StepKind.ACCEPT
                if i == 0
                else StepKind.DELIVER
                if i == k - 1
                else StepKind.DECIDE
                if i == k - 2
                else StepKind.REVIEW
            )
            steps.append(
                StepSpec(
                    code,
                    STEP_NAMES[min(i, len(STEP_NAMES) - 1)] if i < k - 2 else ("决定", "送达")[i - (k - 2)],
                    kind,
                    post_id,
                    f"岗位{post_id}" if post_id else "领导班子会议",
                    time_limit=limit,
                    limit_unit=unit,
                    is_start=i == 0,
                )
            )
        pairs = rng.sample(range(1, k), min(k - 1, rng.randint(1, 2)))
        separations = tuple(
            SeparationSpec(codes[min(a, b)], codes[max(a, b)])
            for a, b in ((p, rng.choice([q for q in range(k) if q != p])) for p in pairs)
        )
        discretion = []
        for v in range(1, rng.randint(1, 3) + 1):
            lo = rng.randint(0, 5) * 1000
            hi = lo + rng.randint(1, 20) * 1000
            discretion.append(
                DiscretionSpec(
                    f"情形{v}",
                    circumstance="一般" if v == 1 else "较重",
                    min_amount=Decimal(lo) if lo else None,
                    max_amount=Decimal(hi),
                )
            )
        statutory_calendar = rng.random() < 0.1
        flows.append(
            FlowSpec(
                code=f"SIM{f:03d}",
                name=f"模拟流程{f}",
                steps=tuple(steps),
                transitions=tuple(TransitionSpec(a, b, label) for a, b, label in edges),
                promised_limit=budget,
                statutory_limit=budget * 3 if statutory_calendar else budget * 2,
                statutory_unit=LimitUnit.CALENDAR_DAYS if statutory_calendar else LimitUnit.WORKING_DAYS,
                separations=tuple(dict.fromkeys(separations)),
                discretion=tuple(discretion),
            )
        )
    return flows
