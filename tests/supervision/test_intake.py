"""Intake of events: stored once, late and out of order, bad events rejected one by one (unless atomic),
dry runs, case bookkeeping, one audit entry per call."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lianfang.audit.models import AuditEntry
from lianfang.core.errors import PermissionDeniedError
from lianfang.supervision.models import Case, CaseStatus, Event
from lianfang.supervision.services.intake import EventIn, Rejection, event_key, intake
from tests.conftest import actor_of
from tests.factories import SYSTEM, user_with_role
from tests.supervision.support import START, Supervised, event, make_supervised, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def sup(db: None) -> Supervised:
    return make_supervised(unit_code="SUP", steps=3)


def test_a_case_walks_its_flow_and_is_kept_up_to_date(sup: Supervised) -> None:
    result = intake(SYSTEM, sup.unit, walk(sup, "C1"))
    assert (result.stored, result.duplicates, result.rejected) == (3, 0, [])
    case = Case.objects.get()
    assert case.power == sup.power and case.flow == sup.flow and case.path == sup.power.path
    assert case.department == sup.department and case.unit == sup.unit
    assert case.event_count == 3 and case.status == CaseStatus.COMPLETED
    assert case.accepted_at == START and case.completed_at == START + dt.timedelta(hours=48)
    assert result.case_ids == {case.pk}
    events = list(case.events.order_by("timestamp"))
    assert [e.step for e in events] == sup.steps
    assert [e.person for e in events] == sup.persons


def test_the_same_events_twice_are_stored_once(sup: Supervised) -> None:
    intake(SYSTEM, sup.unit, walk(sup, "C1"))
    again = intake(SYSTEM, sup.unit, walk(sup, "C1"))
    assert (again.stored, again.duplicates) == (0, 3)
    assert Event.objects.count() == 3 and Case.objects.get().event_count == 3
    # Repeats inside one batch, and events with the sender's own id, are stored once too.
    twice = [event("C2", "S1", 0, event_id="E-1"), event("C2", "S1", 0, event_id="E-1"), event("C2", "S2", 5)]
    first = intake(SYSTEM, sup.unit, [*twice, event("C2", "S2", 5)])
    assert (first.stored, first.duplicates) == (2, 2)
    assert set(Case.objects.get(external_id="C2").events.values_list("key", flat=True)) >= {"E-1"}


def test_the_key_is_the_same_instant_whatever_the_zone_it_is_written_in() -> None:
    beijing = event("C1", "S1", START)
    utc = event("C1", "S1", START.astimezone(dt.UTC))
    assert event_key(beijing) == event_key(utc)
    assert event_key(beijing) != event_key(event("C1", "S1", START, amount="1"))


def test_late_and_out_of_order_events_are_stored_and_read_by_timestamp(sup: Supervised) -> None:
    s1, s2, s3 = walk(sup, "C1")
    intake(SYSTEM, sup.unit, [s3])
    intake(SYSTEM, sup.unit, [s1])
    case = Case.objects.get()
    assert case.status == CaseStatus.COMPLETED and case.accepted_at == s1.timestamp
    late = intake(SYSTEM, sup.unit, [s2])
    assert late.stored == 1
    case.refresh_from_db()
    assert case.event_count == 3 and case.last_event_at == s3.timestamp
    assert [e.activity for e in case.events.order_by("timestamp", "id")] == ["S1", "S2", "S3"]


def test_an_event_after_completion_is_still_stored(sup: Supervised) -> None:
    intake(SYSTEM, sup.unit, walk(sup, "C1"))
    result = intake(SYSTEM, sup.unit, [event("C1", "S2", 100, sup.staff_nos[1])])
    assert result.stored == 1
    case = Case.objects.get()
    assert case.status == CaseStatus.COMPLETED and case.event_count == 4


def test_unknown_steps_and_people_are_kept_for_the_engine(sup: Supervised) -> None:
    result = intake(SYSTEM, sup.unit, [event("C1", "S9", 0, "nobody")])
    assert result.stored == 1
    stored = Event.objects.get()
    assert stored.step is None and stored.person is None and stored.resource == "nobody"


def test_a_user_name_finds_its_person(sup: Supervised) -> None:
    from lianfang.accounts import services as account_services

    account_services.create_user(SYSTEM, username="zhang3", password="Lianfang-2026", person=sup.persons[0])
    intake(SYSTEM, sup.unit, [event("C1", "S1", 0, "zhang3")])
    assert Event.objects.get().person == sup.persons[0]


def test_bad_events_are_rejected_with_reasons_while_good_ones_are_stored(sup: Supervised) -> None:
    future = timezone.now() + dt.timedelta(days=3)
    batch: list[EventIn | Rejection] = [
        event("C1", "S1", 0),
        EventIn(case_id="", power_code="P1", activity="S1", timestamp=START),
        EventIn(case_id="C2", power_code="", activity="", timestamp=None),
        event("C3", "S1", 0, power_code="NOPE"),
        event("C4", "S1", future),
        event("C5", "S1", 0, suspend_from=dt.date(2026, 3, 5), suspend_to=dt.date(2026, 3, 4)),
        event("C6", "S1", 0, amount="1.234"),
        Rejection(7, "C7", "第9行：金额/裁量值“abc”不是数字"),
        event("C8", "S2", 24),
    ]
    result = intake(SYSTEM, sup.unit, batch)
    assert result.stored == 2
    reasons = {r.index: r.reason for r in result.rejected}
    assert set(reasons) == {1, 2, 3, 4, 5, 6, 7}
    assert "缺少案件编号" in reasons[1]
    assert "缺少职权编码" in reasons[2] and "缺少环节" in reasons[2] and "缺少发生时间" in reasons[2]
    assert reasons[3] == "职权编码“NOPE”在本单位不存在"
    assert "晚于当前时间一天以上" in reasons[4]
    assert "中止结束日期早于中止开始日期" in reasons[5]
    assert "两位小数" in reasons[6]
    assert reasons[7].startswith("第9行")
    assert set(Case.objects.values_list("external_id", flat=True)) == {"C1", "C8"}


def test_an_event_of_another_power_is_refused_for_an_existing_case(sup: Supervised) -> None:
    make_supervised(sup.unit, cycle=sup.cycle, power_code="P2", flow_code="F2", steps=2)
    intake(SYSTEM, sup.unit, [event("C1", "S1", 0)])
    result = intake(
        SYSTEM, sup.unit, [event("C1", "S2", 1, power_code="P2"), event("C2", "S1", 0, power_code="P2")]
    )
    assert result.stored == 1
    assert [r.reason for r in result.rejected] == ["案件 C1 已属于职权 P1"]
    assert Case.objects.get(external_id="C2").power.code == "P2"
    # Inside one batch, the case's first event decides.
    mixed = intake(SYSTEM, sup.unit, [event("C3", "S1", 0), event("C3", "S2", 1, power_code="P2")])
    assert mixed.stored == 1 and mixed.rejected[0].reason == "案件 C3 已属于职权 P1"


def test_what_other_senders_wrote_between_reading_and_writing_is_respected(
    sup: Supervised, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Intake reads and checks before its write transaction; here two other senders write in between: one
    creates case C1 with another power, one stores C2's first event."""
    from lianfang.supervision.services import intake as module

    make_supervised(sup.unit, cycle=sup.cycle, power_code="P2", flow_code="F2", steps=2)
    planned, calls = module._plan, []

    def others_write_meanwhile(*args: object, **kwargs: object) -> object:
        plan = planned(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(plan)
        if len(calls) == 1:  # the other senders' own intake passes here too
            intake(SYSTEM, sup.unit, [event("C1", "S1", 0, power_code="P2"), event("C2", "S1", 0)])
        return plan

    monkeypatch.setattr(module, "_plan", others_write_meanwhile)
    result = intake(SYSTEM, sup.unit, [event("C1", "S1", 1), event("C2", "S1", 0), event("C2", "S2", 2)])
    monkeypatch.undo()
    assert [r.reason for r in result.rejected] == ["案件 C1 已属于职权 P2"]
    # C2's first event was stored once (counted as stored here too: the database's unique key skipped it).
    assert result.stored == 2
    c1, c2 = Case.objects.get(external_id="C1"), Case.objects.get(external_id="C2")
    assert c1.power.code == "P2" and list(c1.events.values_list("activity", flat=True)) == ["S1"]
    assert sorted(c2.events.values_list("activity", flat=True)) == ["S1", "S2"] and c2.event_count == 2
    assert result.case_ids == {c2.pk}


def test_a_new_case_takes_the_power_of_the_latest_cycle(sup: Supervised) -> None:
    later = make_supervised(sup.unit, year=2027, power_code="P1", flow_code="F1")
    intake(SYSTEM, sup.unit, [event("C1", "S1", 0)])
    case = Case.objects.get()
    assert case.power == later.power and case.flow == later.flow


def test_atomic_stores_nothing_when_any_event_is_bad(sup: Supervised) -> None:
    before = AuditEntry.objects.count()
    result = intake(
        SYSTEM, sup.unit, [*walk(sup, "C1"), event("C2", "S1", 0, power_code="NOPE")], atomic=True
    )
    assert result.stored == 0 and len(result.rejected) == 1
    assert not Case.objects.exists() and not Event.objects.exists()
    assert AuditEntry.objects.count() == before + 1  # the refused attempt is on record
    ok = intake(SYSTEM, sup.unit, walk(sup, "C1"), atomic=True)
    assert ok.stored == 3 and Event.objects.count() == 3


def test_a_dry_run_stores_nothing_but_reports_what_would_be(sup: Supervised) -> None:
    intake(SYSTEM, sup.unit, walk(sup, "C1")[:1])
    before = AuditEntry.objects.count()
    result = intake(
        SYSTEM, sup.unit, [*walk(sup, "C1"), event("C2", "S1", 0, power_code="NOPE")], dry_run=True
    )
    assert (result.stored, result.duplicates, len(result.rejected)) == (2, 1, 1)
    assert Event.objects.count() == 1 and Case.objects.count() == 1
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("mode", [{}, {"dry_run": True}, {"atomic": True}])
def test_progress_counts_every_event_once(sup: Supervised, mode: dict[str, bool]) -> None:
    intake(SYSTEM, sup.unit, walk(sup, "C1")[:1])
    bad = event("C3", "S1", 0, power_code="NOPE")
    batch = [*walk(sup, "C1"), *walk(sup, "C2"), bad, event("C2", "S1", 0)]
    steps: list[int] = []
    intake(SYSTEM, sup.unit, batch, on_progress=steps.append, **mode)
    assert sum(steps) == len(batch) and all(n >= 0 for n in steps)


def test_one_audit_entry_per_call_with_the_counts(sup: Supervised) -> None:
    mine = AuditEntry.objects.filter(object_type="supervision.event")
    before = mine.count()
    intake(SYSTEM, sup.unit, [*walk(sup, "C1"), *walk(sup, "C2"), event("C3", "S1", 0, power_code="X")])
    assert mine.count() == before + 1  # (the rule engine keeps its own entry)
    entry = mine.order_by("-seq").first()
    assert entry is not None and entry.action == "import" and entry.object_type == "supervision.event"
    assert '"stored":6' in entry.after.replace(" ", "") and '"rejected":1' in entry.after.replace(" ", "")


def test_only_writers_of_the_unit_may_send_events(sup: Supervised) -> None:
    supervisor = actor_of(user_with_role("supervisor", sup.unit))
    with pytest.raises(PermissionDeniedError):
        intake(supervisor, sup.unit, walk(sup, "C1"))
    assert not Event.objects.exists()


def test_the_rule_engine_is_called_with_the_changed_cases(
    sup: Supervised, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lianfang.supervision.services import intake as module

    seen: list[set[int]] = []
    monkeypatch.setattr(module, "_after_intake", lambda actor, ids: seen.append(set(ids)))
    result = intake(SYSTEM, sup.unit, walk(sup, "C1"))
    assert seen == [result.case_ids] and len(result.case_ids) == 1
    intake(SYSTEM, sup.unit, walk(sup, "C1"), dry_run=True)
    assert len(seen) == 1
