"""Streaming evaluation through the database: events taken in by the intake service are checked at once,
findings become alerts naming where they happened, late events clear what they fill, the background job
finds deadlines without new events, a missing calendar year is never guessed, and the batch mode over the
same events as a CSV log finds the same alerts."""

from __future__ import annotations

import csv
import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from lianfang.risks.models import RiskPoint
from lianfang.supervision.models import Alert, AlertState, Case
from lianfang.supervision.services.evaluate import evaluate_cases, evaluate_open_cases
from lianfang.supervision.services.intake import intake
from lianfang.supervision.services.monitor import monitor_log
from lianfang.workdays.services import seed_from_chinesecalendar
from tests.factories import SYSTEM
from tests.risk_factories import make_risk, post_risk_data

from .support import Supervised, event, make_supervised, walk


@pytest.fixture
def s(db: None) -> Supervised:
    seed_from_chinesecalendar(SYSTEM, [2025, 2026])
    return make_supervised(steps=3, promised_limit=5, statutory_limit=10, separations=(("S2", "S3"),))


def alerts_of(s: Supervised, case_id: str) -> set[tuple[str, str]]:
    case = Case.objects.get(unit=s.unit, external_id=case_id)
    return {(a.rule, a.step_code) for a in case.alerts.all()}


def test_a_case_that_follows_its_flow_raises_nothing_and_a_skipped_step_is_named(s: Supervised) -> None:
    risk = make_risk(s.cycle, post_risk_data(s.posts[2], name="决定环节擅自改变处罚"))
    RiskPoint.objects.filter(pk=risk.pk).update(step=s.step("S3"))
    intake(SYSTEM, s.unit, walk(s, "OK-1"))
    assert alerts_of(s, "OK-1") == set()
    intake(
        SYSTEM,
        s.unit,
        [event("SKIP-1", "S1", 0, s.staff_nos[0]), event("SKIP-1", "S3", 24, s.staff_nos[2], completes=True)],
    )
    assert alerts_of(s, "SKIP-1") == {("skipped_step", "S3")}
    alert = Alert.objects.get(case__external_id="SKIP-1")
    assert (alert.rule, alert.step_code, alert.level, alert.state) == (
        "skipped_step",
        "S3",
        "yellow",
        "pending",
    )
    assert (alert.power, alert.step, alert.post, alert.person) == (
        s.power,
        s.step("S3"),
        s.posts[2],
        s.persons[2],
    )
    assert alert.department == s.power.department and alert.risk_id == risk.pk
    assert "跳过环节" in alert.detail and alert.path == s.power.path


def test_a_late_event_that_fills_the_gap_clears_the_pending_alert(s: Supervised) -> None:
    intake(
        SYSTEM,
        s.unit,
        [event("LATE", "S1", 0, s.staff_nos[0]), event("LATE", "S3", 48, s.staff_nos[2], completes=True)],
    )
    assert alerts_of(s, "LATE") == {("skipped_step", "S3")}
    intake(SYSTEM, s.unit, [event("LATE", "S2", 24, s.staff_nos[1])])  # arrives after S3, happened before
    assert alerts_of(s, "LATE") == set()


def test_issued_alerts_stay_when_the_finding_goes(s: Supervised) -> None:
    intake(
        SYSTEM,
        s.unit,
        [event("KEEP", "S1", 0, s.staff_nos[0]), event("KEEP", "S3", 48, s.staff_nos[2], completes=True)],
    )
    Alert.objects.filter(case__external_id="KEEP").update(state=AlertState.ISSUED)
    intake(SYSTEM, s.unit, [event("KEEP", "S2", 24, s.staff_nos[1])])
    assert alerts_of(s, "KEEP") == {("skipped_step", "S3")}


def test_the_job_finds_deadlines_without_new_events(s: Supervised) -> None:
    intake(SYSTEM, s.unit, walk(s, "OPEN", completes=False)[:2])  # accepted Monday 2 March 2026
    evaluate_open_cases(SYSTEM, today=dt.date(2026, 3, 6))  # 4 of 5 working days used
    assert alerts_of(s, "OPEN") == {("near_promised", "")}
    evaluate_open_cases(SYSTEM, today=dt.date(2026, 3, 17))
    # The 预警 was never issued: the cards that replace it are what the office sees.
    assert alerts_of(s, "OPEN") == {("promised_exceeded", ""), ("statutory_exceeded", "")}
    levels = dict(Alert.objects.filter(case__external_id="OPEN").values_list("rule", "level"))
    assert levels == {"promised_exceeded": "yellow", "statutory_exceeded": "red"}
    case = Case.objects.get(external_id="OPEN")
    assert case.promised_due == dt.date(2026, 3, 9) and case.statutory_due == dt.date(2026, 3, 16)


def test_a_missing_calendar_year_is_never_guessed(s: Supervised) -> None:
    when = dt.datetime(2024, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # 2024 is not entered
    intake(SYSTEM, s.unit, [event("Y2024", "S1", when, s.staff_nos[0])])
    case = Case.objects.get(external_id="Y2024")
    done = evaluate_cases(SYSTEM, [case.pk], today=dt.date(2024, 3, 20))
    assert done.missing_calendar == 1 and not case.alerts.exists()


def test_streaming_and_batch_find_the_same_alerts(s: Supervised, tmp_path: Path) -> None:
    n = s.staff_nos
    events = [
        *walk(s, "A"),
        event("B", "S1", 0, n[0]),
        event("B", "S3", 30, n[2]),
        event("C", "S1", 0, n[0]),
        event("C", "S2", 20, n[1]),
        event("C", "S3", 40, n[1], completes=True),  # the same person on S2 and S3, and not S3's post holder
        event("D", "S1", 0, n[0]),
        event("D", "S9", 5, n[0]),
        *walk(s, "E", start=0)[:1],
        event("E", "S2", 24 * 9, n[1]),  # far over S2's limit of 2 working days
    ]
    intake(SYSTEM, s.unit, events)
    today = dt.date(2026, 3, 31)
    evaluate_open_cases(SYSTEM, today=today)
    streamed = {(a.case.external_id, a.rule, a.step_code) for a in Alert.objects.select_related("case")}
    log = tmp_path / "log.csv"
    with log.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["case_id", "power_code", "activity", "timestamp", "resource", "completes"])
        for e in events:
            assert e.timestamp is not None
            w.writerow(
                [e.case_id, e.power_code, e.activity, e.timestamp.isoformat(), e.resource, int(e.completes)]
            )
    batch = {(f.case_id, f.rule, f.step_code) for f in monitor_log(s.unit, log, today).findings}
    assert batch == streamed
    assert {r for _c, r, _s in streamed} >= {
        "skipped_step",
        "separation",
        "wrong_post",
        "unknown_step",
        "step_overdue",
    }
    out = StringIO()
    call_command("monitor", log=str(log), unit=s.unit.code, today="2026-03-31", json=True, stdout=out)
    data = json.loads(out.getvalue())
    assert data["events"] == len(events) and data["cases"] == 5
    assert {(a["case_id"], a["rule"], a["step_code"]) for a in data["alerts"]} == streamed


def test_queued_evaluation_waits_for_the_worker_and_queues_one_run(s: Supervised, settings: object) -> None:
    from django_tasks_db.models import DBTaskResult

    from lianfang.supervision.services.evaluate import evaluate_pending

    settings.SUPERVISION_EVALUATION = "queued"  # type: ignore[attr-defined]
    skip = [event("Q1", "S1", 0, s.staff_nos[0]), event("Q1", "S3", 24, s.staff_nos[2], completes=True)]
    intake(SYSTEM, s.unit, skip)
    intake(SYSTEM, s.unit, walk(s, "Q2"))
    assert not Alert.objects.exists()  # nothing checked in the request
    assert DBTaskResult.objects.filter(task_path__endswith="evaluate_pending_cases").count() == 1
    done = evaluate_pending(SYSTEM)
    assert done.cases == 2 and alerts_of(s, "Q1") == {("skipped_step", "S3")} and alerts_of(s, "Q2") == set()
    assert evaluate_pending(SYSTEM).cases == 0  # nothing new since
    intake(SYSTEM, s.unit, [event("Q1", "S2", 12, s.staff_nos[1])])  # late, with an old timestamp
    assert evaluate_pending(SYSTEM).cases == 1 and alerts_of(s, "Q1") == set()


@pytest.mark.parametrize("gather", [0.5, 0.0])
def test_a_queued_run_starts_after_the_gathering_time(s: Supervised, settings: object, gather: float) -> None:
    from django_tasks_db.models import DBTaskResult, get_date_max

    settings.SUPERVISION_EVALUATION = "queued"  # type: ignore[attr-defined]
    settings.SUPERVISION_GATHER_SECONDS = gather  # type: ignore[attr-defined]
    before = timezone.now()
    intake(SYSTEM, s.unit, walk(s, "G1"))
    intake(SYSTEM, s.unit, walk(s, "G2"))  # while the first run waits: no second run
    (run,) = DBTaskResult.objects.filter(task_path__endswith="evaluate_pending_cases")
    if gather:
        assert (
            before + dt.timedelta(seconds=gather)
            <= run.run_after
            <= timezone.now() + dt.timedelta(seconds=gather)
        )
        assert not DBTaskResult.objects.ready().exists()  # not yet due
    else:
        assert run.run_after == get_date_max() and DBTaskResult.objects.ready().count() == 1


def test_an_event_arriving_during_a_run_leaves_its_case_for_the_next_run(
    s: Supervised, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker reads a case's events, then writes what it found. An event stored in between must not be
    taken as checked: the case stays marked, and the next run checks it with that event."""
    from lianfang.supervision.engine.run import Checker
    from lianfang.supervision.services.evaluate import evaluate_pending

    settings.SUPERVISION_EVALUATION = "queued"  # type: ignore[attr-defined]
    skip = [event("R1", "S1", 0, s.staff_nos[0]), event("R1", "S3", 24, s.staff_nos[2], completes=True)]
    intake(SYSTEM, s.unit, skip)
    check_rows = Checker.check_rows
    sent: list[bool] = []

    def meanwhile(self: Checker, events: Any, today: Any) -> Any:
        found = check_rows(self, events, today)
        if not sent:  # the late S2 arrives while the first run is between reading and writing
            sent.append(True)
            intake(SYSTEM, s.unit, [event("R1", "S2", 12, s.staff_nos[1])])
        return found

    monkeypatch.setattr(Checker, "check_rows", meanwhile)
    first = evaluate_pending(SYSTEM)  # loops: the second pass sees the case still marked and checks it again
    case = Case.objects.get(external_id="R1")
    assert case.evaluated_at is not None and first.cases == 2
    # Checked with S2 in the end: the skipped-step card found without it is gone.
    assert alerts_of(s, "R1") == set()
