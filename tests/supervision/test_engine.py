"""The rule engine on crafted cases: each rule fires exactly when it should (and no other rule does), on
the real 2026 calendar; the batch mode over a CSV log finds the same as the streaming mode."""

from __future__ import annotations

import csv
import datetime as dt
import gc
from pathlib import Path

import chinese_calendar
import pytest

from lianfang.core.vocabulary import LimitUnit
from lianfang.powers.flowspec import DiscretionSpec, FlowSpec, SeparationSpec, StepSpec, TransitionSpec
from lianfang.supervision.engine.model import compile_power
from lianfang.supervision.engine.run import Checker, EventRow, Held, collector_paused, csv_reader
from lianfang.workdays.counting import MissingCalendarYear, WorkCalendar
from lianfang.workdays.services import chinesecalendar_calendar

# 2026-03-02 is a Monday; March 2026 has no holidays. 2026-04-03..06 is 清明 (Fri 3rd? see calendar).
MON = dt.date(2026, 3, 2)
W = LimitUnit.WORKING_DAYS


def calendar() -> WorkCalendar:
    return chinesecalendar_calendar({2025, 2026})


def flow() -> FlowSpec:
    return FlowSpec(
        code="F1",
        name="行政处罚",
        steps=(
            StepSpec("S1", "受理", post_id=1, time_limit=1, is_start=True),
            StepSpec("S2", "审核", post_id=2, time_limit=3),
            StepSpec("S3", "决定", post_id=3, time_limit=2),
            StepSpec("S4", "送达", post_id=4),
        ),
        transitions=(
            TransitionSpec("S1", "S2"),
            TransitionSpec("S2", "S3"),
            TransitionSpec("S3", "S2", "退回重审"),
            TransitionSpec("S3", "S4"),
        ),
        promised_limit=5,
        statutory_limit=10,
        separations=(SeparationSpec("S2", "S3"),),
        discretion=(DiscretionSpec("逾期未改正", min_amount=1000, max_amount=5000),),
    )


HELD = [Held(f"p{n}", n, dt.date(2020, 1, 1), None) for n in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker([compile_power("P1", flow())], calendar(), HELD)


def at(day: int, hour: int = 10) -> dt.datetime:
    """Working day `day` after MON (0 = MON), at `hour`: March 2026 has only weekends to skip."""
    d = MON
    n = 0
    while n < day:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n += 1
    return dt.datetime.combine(d, dt.time(hour))


def case(cid: str, *steps: tuple, completes_last: bool = True) -> list[EventRow]:
    rows = []
    for i, step in enumerate(steps):
        activity, day, resource, *rest = step
        extra = rest[0] if rest else {}
        rows.append(
            EventRow(
                cid,
                "P1",
                activity,
                at(day),
                resource,
                **{"completes": completes_last and i == len(steps) - 1, **extra},
            )
        )
    return rows


GOOD = [("S1", 0, "p1"), ("S2", 1, "p2"), ("S3", 2, "p3"), ("S4", 3, "p4")]
TODAY = dt.date(2026, 3, 31)

CASES: dict[str, tuple[list[EventRow], set[tuple[str, str]]]] = {
    "ok": (case("ok", *GOOD), set()),
    "loop back is allowed": (
        case(
            "loop",
            ("S1", 0, "p1"),
            ("S2", 1, "p2"),
            ("S3", 2, "p3"),
            ("S2", 3, "p2"),
            ("S3", 4, "p3"),
            ("S4", 5, "p4"),
        ),
        set(),
    ),
    "skipped": (case("skip", ("S1", 0, "p1"), ("S3", 1, "p3"), ("S4", 2, "p4")), {("skipped_step", "S3")}),
    "not started at the start": (case("late-start", *GOOD[1:]), {("skipped_step", "S2")}),
    "completed before the end": (case("no-end", *GOOD[:3]), {("skipped_step", "S3")}),
    "out of order": (
        case("order", ("S1", 0, "p1"), ("S2", 1, "p2"), ("S1", 1, "p1"), completes_last=False),
        # Still open on TODAY, a month later: both limits have passed too.
        {("out_of_order", "S1"), ("promised_exceeded", ""), ("statutory_exceeded", "")},
    ),
    "unknown": (case("unknown", ("S1", 0, "p1"), ("X9", 0, "p1"), *GOOD[1:]), {("unknown_step", "X9")}),
    "step over its limit": (
        case("slow-step", ("S1", 0, "p1"), ("S2", 4, "p2"), ("S3", 4, "p3"), ("S4", 4, "p4")),
        {("step_overdue", "S2")},
    ),
    "promised exceeded (yellow)": (
        case("yellow", ("S1", 0, "p1"), ("S2", 1, "p2"), ("S3", 3, "p3"), ("S4", 6, "p4")),
        {("promised_exceeded", "")},
    ),
    "statutory exceeded (red)": (
        case("red", ("S1", 0, "p1"), ("S2", 1, "p2"), ("S3", 3, "p3"), ("S4", 11, "p4")),
        {("promised_exceeded", ""), ("statutory_exceeded", "")},
    ),
    "suspension keeps it in time": (
        case(
            "suspended",
            ("S1", 0, "p1"),
            ("S2", 1, "p2", {"suspend_from": at(2).date(), "suspend_to": at(4).date()}),
            ("S3", 5, "p3"),
            ("S4", 7, "p4"),
        ),
        {("step_overdue", "S3")},  # the step limit counts the days as they came; the case limit does not
    ),
    "separation of duties": (
        case("sep", ("S1", 0, "p1"), ("S2", 1, "p2"), ("S3", 2, "p2"), ("S4", 3, "p4")),
        {("separation", "S3"), ("wrong_post", "S3")},
    ),
    "discretion out of range": (
        case(
            "fine",
            ("S1", 0, "p1"),
            ("S2", 1, "p2"),
            ("S3", 2, "p3", {"amount": 9000.0, "violation": "逾期未改正"}),
            ("S4", 3, "p4"),
        ),
        {("discretion", "S3")},
    ),
    "discretion within range": (
        case(
            "fine-ok",
            ("S1", 0, "p1"),
            ("S2", 1, "p2"),
            ("S3", 2, "p3", {"amount": 3000.0, "violation": "逾期未改正"}),
            ("S4", 3, "p4"),
        ),
        set(),
    ),
    "reopened": (
        case("reopen", *GOOD) + case("reopen", ("S2", 5, "p2"), completes_last=False),
        {
            ("reopened", "S2"),
            ("out_of_order", "S2"),
        },
    ),
    "completed on a step not in the flowchart": (
        case(
            "odd-done",
            ("S1", 0, "p1"),
            ("S2", 1, "p2"),
            ("X9", 2, "p3", {"completes": True}),
            ("S3", 3, "p3"),
            completes_last=False,
        ),
        # Completion is when X9 came: S2 was the last known step then, and S3 came after it.
        {("unknown_step", "X9"), ("skipped_step", "S2"), ("reopened", "S3")},
    ),
    "wrong post": (
        case("post", ("S1", 0, "p9"), ("S2", 1, "p2"), ("S3", 2, "p3"), ("S4", 3, "p1")),
        {("wrong_post", "S4")},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_rule_fires_exactly_when_it_should(checker: Checker, name: str) -> None:
    events, expected = CASES[name]
    found = {(f.rule, f.step_code) for f in checker.check_rows(events, TODAY)}
    assert found == expected, name


def test_an_open_case_is_warned_before_its_promised_limit(checker: Checker) -> None:
    events = case("open", ("S1", 0, "p1"), ("S2", 1, "p2"), completes_last=False)
    assert checker.check_rows(events, at(2).date()) == []  # 2 of 5 working days used: 3 left
    near = checker.check_rows(events, at(3).date())  # 3 used, 2 left: 预警
    assert [(f.rule, f.n1, f.n2, f.n3) for f in near] == [("near_promised", 3, 5, 2)]
    late = {f.rule for f in checker.check_rows(events, at(6).date())}
    assert late == {"promised_exceeded"}
    assert {f.rule for f in checker.check_rows(events, at(11).date())} == {
        "promised_exceeded",
        "statutory_exceeded",
    }


def test_the_acceptance_day_is_not_counted_and_holidays_are_skipped() -> None:
    """S2 may take 3 working days after S1. From Thursday 2 April 2026, across 清明, the third working day
    is in time and the fourth is not — although both are well over 3 calendar days later."""
    from dataclasses import replace

    cal = calendar()
    spec = replace(flow(), promised_limit=None, statutory_limit=None)
    checker = Checker([compile_power("P1", spec)], cal, HELD)
    start = dt.date(2026, 4, 2)
    third, fourth = cal.add_working_days(start, 3), cal.add_working_days(start, 4)
    assert any(chinese_calendar.is_holiday(start + dt.timedelta(days=n)) for n in range(1, 6))
    assert (third - start).days > 3 and cal.working_days_between(start, third) == 3

    def s1_then_s2(day: dt.date) -> list[EventRow]:
        return [
            EventRow("h", "P1", "S1", dt.datetime.combine(start, dt.time(16)), "p1"),
            EventRow("h", "P1", "S2", dt.datetime.combine(day, dt.time(9)), "p2"),
        ]

    assert checker.check_rows(s1_then_s2(third), dt.date(2026, 4, 20)) == []
    late = checker.check_rows(s1_then_s2(fourth), dt.date(2026, 4, 20))
    assert [(f.rule, f.step_code, f.n1, f.n2) for f in late] == [("step_overdue", "S2", 4, 3)]


def test_a_year_missing_from_the_calendar_is_refused_in_both_modes(checker: Checker, tmp_path: Path) -> None:
    early = [EventRow("early", "P1", "S1", dt.datetime(2024, 12, 30, 9), "p1")]
    with pytest.raises(MissingCalendarYear) as before:
        checker.check_rows(early, TODAY)
    assert before.value.year == 2024
    # The first day of a covered year still needs the day before it (the day of acceptance is not counted).
    new_year = [EventRow("ny", "P1", "S1", dt.datetime(2025, 1, 1, 9), "p1")]
    with pytest.raises(MissingCalendarYear):
        checker.check_rows(new_year, TODAY)
    with pytest.raises(MissingCalendarYear) as after:
        checker.check_rows(case("ok", *GOOD), dt.date(2027, 1, 4))
    assert after.value.year == 2027
    log = tmp_path / "early.csv"
    log.write_text(
        "case_id,power_code,activity,timestamp,resource\nearly,P1,S1,2024-12-30T09:00:00+08:00,p1\n",
        encoding="utf-8",
    )
    with pytest.raises(MissingCalendarYear):
        checker.check_csv(log, TODAY)
    assert checker.check_rows(case("ok", *GOOD), TODAY) == []  # and the checker goes on working


def test_rules_switched_off_for_a_power_do_not_fire() -> None:
    checker = Checker([compile_power("P1", flow(), disabled={"skipped_step"})], calendar(), HELD)
    events, _expected = CASES["skipped"]
    assert checker.check_rows(events, TODAY) == []


def test_batch_over_a_csv_log_finds_what_streaming_finds(checker: Checker, tmp_path: Path) -> None:
    everything = [e for events, _exp in CASES.values() for e in events]
    log = tmp_path / "log.csv"
    with log.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
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
            ]
        )
        for e in everything:
            w.writerow(
                [
                    e.case_id,
                    e.power_code,
                    e.activity,
                    e.ts.isoformat() + "+08:00",
                    e.resource,
                    "" if e.amount is None else e.amount,
                    e.violation,
                    e.suspend_from or "",
                    e.suspend_to or "",
                    "1" if e.completes else "0",
                ]
            )
    streamed = set()
    for events, _exp in CASES.values():
        streamed |= set(checker.check_rows(events, TODAY))
    assert set(checker.check_csv(log, TODAY)) == streamed
    assert len(streamed) > 10


@pytest.mark.parametrize("on_before", [True, False])
def test_the_cycle_collector_is_paused_only_while_findings_are_built(on_before: bool) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if on_before else gc.disable()
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is on_before
        with pytest.raises(RuntimeError), collector_paused():
            raise RuntimeError
        assert gc.isenabled() is on_before
    finally:
        gc.enable() if was else gc.disable()


def test_quoted_column_names_and_fields_are_read(checker: Checker, tmp_path: Path) -> None:
    """A header with quoted names and a BOM (as some spreadsheet programs write it), quoted fields with commas
    and quotes inside: read as the plain file is."""
    rows = (
        'C9,P1,S1,2026-03-02T10:00:00+08:00,"p1"\r\n'
        "C9,P1,S2,2026-03-03T10:00:00+08:00,p2\r\n"
        'C9,P1,"X""9",2026-03-03T11:00:00+08:00,"p,2"\r\n'
    )
    plain, quoted = tmp_path / "plain.csv", tmp_path / "quoted.csv"
    plain.write_text("case_id,power_code,activity,timestamp,resource\r\n" + rows, encoding="utf-8")
    quoted.write_text(
        '\ufeff"case_id","power_code","activity","timestamp","resource"\r\n' + rows, encoding="utf-8"
    )
    assert (
        csv_reader(quoted)[1]
        == csv_reader(plain)[1]
        == [
            "case_id",
            "power_code",
            "activity",
            "timestamp",
            "resource",
        ]
    )
    found = {(f.rule, f.step_code, f.resource) for f in checker.check_csv(plain, TODAY)}
    assert ("unknown_step", 'X"9', "p,2") in found
    assert found == {(f.rule, f.step_code, f.resource) for f in checker.check_csv(quoted, TODAY)}


def test_times_in_other_offsets_and_with_fractions_are_read_as_beijing_time(
    checker: Checker, tmp_path: Path
) -> None:
    """The usual +08:00 to the second is parsed directly; UTC ('Z' or +00:00) and fractions of a second go
    through the general cast. All give the Beijing times the streaming mode is given."""
    events = CASES["step over its limit"][0] + CASES["promised exceeded (yellow)"][0]
    beijing = dt.timezone(dt.timedelta(hours=8))
    log = tmp_path / "utc.csv"
    with log.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "power_code", "activity", "timestamp", "resource", "completes"])
        for i, e in enumerate(events):
            utc = e.ts.replace(tzinfo=beijing).astimezone(dt.UTC)
            text = [
                utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
                utc.isoformat(),
                e.ts.isoformat() + ".000+08:00",
            ][i % 3]
            w.writerow([e.case_id, e.power_code, e.activity, text, e.resource, "1" if e.completes else "0"])
    expected = set(checker.check_rows(events, TODAY))
    assert {f.rule for f in expected} == {"step_overdue", "promised_exceeded"}
    assert set(checker.check_csv(log, TODAY)) == expected
