"""The event-log simulator: deterministic, on working days and hours only, with the anomalies asked for, each
found by the engine exactly where it was put (and no rule finds anything in the cases left clean)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from pathlib import Path

import pytest

from lianfang.supervision.engine.model import PowerModel, compile_power
from lianfang.supervision.engine.run import Checker, Finding
from lianfang.supervision.simulate import (
    RULE_OF,
    Rates,
    SimulatedLog,
    Staffing,
    simulate,
    staffing_for,
    synthetic_flows,
    write_csv,
)
from lianfang.workdays.counting import WorkCalendar

from .test_conformance_pm4py import calendar

START, END = dt.date(2025, 3, 3), dt.date(2026, 6, 30)
CASES = 2000
RATES = Rates(
    late=0.1,
    skipped=0.05,
    out_of_order=0.05,
    unknown=0.04,
    separation=0.06,
    discretion=0.06,
    reopened=0.03,
    wrong_post=0.06,
    suspended=0.1,
    open=0.05,
)


@pytest.fixture(scope="module")
def setup() -> tuple[list[PowerModel], WorkCalendar, Staffing, SimulatedLog]:
    flows = synthetic_flows(4, random.Random(5))
    models = [compile_power(f"P{n}", spec) for n, spec in enumerate(flows, start=1)]
    staffing = staffing_for(models, 3)
    cal = calendar()
    return models, cal, staffing, simulate(models, cal, START, END, CASES, staffing, RATES, seed=42)


@pytest.fixture(scope="module")
def findings(
    setup: tuple[list[PowerModel], WorkCalendar, Staffing, SimulatedLog],
    tmp_path_factory: pytest.TempPathFactory,
) -> list[Finding]:
    models, cal, staffing, log = setup
    path = tmp_path_factory.mktemp("log") / "log.csv"
    write_csv(log.rows, path)  # the batch mode: inserting 10,000 events one by one would take long
    return Checker(models, cal, staffing.held(START)).check_csv(path, END)


def test_the_same_seed_gives_the_same_log(setup: tuple) -> None:
    models, cal, staffing, log = setup
    again = simulate(models, cal, START, END, CASES, staffing, RATES, seed=42)
    assert again.rows == log.rows and again.injected == log.injected
    other = simulate(models, cal, START, END, CASES, staffing, RATES, seed=43)
    assert other.rows != log.rows
    assert synthetic_flows(4, random.Random(5)) == synthetic_flows(4, random.Random(5))


def test_events_fall_on_working_days_in_working_hours_within_the_range(setup: tuple) -> None:
    _models, cal, _staffing, log = setup
    assert len(log.case_ids) == CASES and len(log.rows) > 4 * CASES
    days = {r.ts.date() for r in log.rows}
    assert all(cal.is_workday(d) for d in days)
    assert {d.weekday() for d in days} >= {0, 1, 2, 3, 4}
    assert any(d.weekday() >= 5 for d in days), "adjusted working days (调休) on weekends are used too"
    assert min(days) >= START and max(days) <= END
    assert all(dt.time(8, 30) <= r.ts.time() < dt.time(18) for r in log.rows)
    for case in log.case_ids[:200]:
        stamps = [r.ts for r in log.rows if r.case_id == case]
        assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    suspended = [r for r in log.rows if r.suspend_from]
    assert suspended and all(r.suspend_to and r.suspend_from <= r.suspend_to for r in suspended)


def test_anomalies_come_at_roughly_the_rates_asked(setup: tuple) -> None:
    log = setup[3]
    counts = Counter(name for found in log.injected.values() for name in found)
    for name in RULE_OF:
        asked = getattr(RATES, name) * CASES
        assert 0.6 * asked <= counts[name] <= 1.2 * asked, (name, counts[name], asked)
    assert 0.9 * CASES * (1 - RATES.open) <= len(log.completed) < CASES


def test_the_engine_finds_each_anomaly_where_it_was_put(setup: tuple, findings: list[Finding]) -> None:
    log = setup[3]
    by_rule: dict[str, set[str]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, set()).add(f.case_id)
    for name in ("late", "unknown", "separation", "discretion", "reopened"):
        (rule,) = RULE_OF[name]
        assert by_rule.get(rule, set()) == log.with_anomaly(name), name
    # A step left out may read as out of order and the reverse; a reopened case goes on past its end step.
    off_flow = by_rule["skipped_step"] | by_rule["out_of_order"]
    put = log.with_anomaly("skipped") | log.with_anomaly("out_of_order") | log.with_anomaly("reopened")
    assert off_flow == put
    assert log.with_anomaly("skipped") & by_rule["skipped_step"]
    assert log.with_anomaly("out_of_order") & by_rule["out_of_order"]
    # A separation breach gives the second step to the first step's holder, who does not hold its post.
    assert log.with_anomaly("wrong_post") <= by_rule["wrong_post"]
    assert by_rule["wrong_post"] <= log.with_anomaly("wrong_post") | log.with_anomaly("separation")
    clean = set(log.case_ids) - set(log.injected)
    assert len(clean) > CASES // 2
    time_rules = {"near_promised", "promised_exceeded", "statutory_exceeded"}
    assert {f.rule for f in findings if f.case_id in clean} <= time_rules


def test_synthetic_flows_have_a_branch_a_loop_limits_and_benchmarks() -> None:
    for spec in synthetic_flows(20, random.Random(1)):
        model = compile_power("P", spec)
        assert 4 <= len(spec.steps) <= 9
        assert [s.code for s in spec.steps if s.is_start] == ["S1"]
        assert [s.step_code for s in model.steps if s.is_end] == [spec.steps[-1].code]
        out = Counter(a for a, _b in model.transitions)
        assert max(out.values()) >= 2  # an XOR split
        assert any((b, b) in model.reach for _a, b in model.transitions)  # a loop
        assert any(s.time_limit for s in spec.steps) and spec.promised_limit and spec.statutory_limit
        assert spec.separations and spec.discretion


def test_write_csv_gives_the_batch_mode_the_same_log(setup: tuple, tmp_path: Path) -> None:
    models, cal, staffing, log = setup
    rows = [r for r in log.rows if r.case_id in set(log.case_ids[:300])]
    path = tmp_path / "log.csv"
    write_csv(rows, path)
    checker = Checker(models, cal, staffing.held(START))
    streamed = checker.check_rows(rows, END)
    assert len(streamed) > 30
    assert checker.check_csv(path, END) == streamed
