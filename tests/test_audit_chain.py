"""The audit log: every write leaves one entry; tampering of every kind is found; failures leave nothing."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from lianfang.audit.dbguard import lift_guard, restore_guard
from lianfang.audit.models import AuditEntry, AuditHead
from lianfang.audit.selectors import verify_chain
from lianfang.core.errors import ServiceError
from lianfang.org import services as svc
from lianfang.org.models import Department, Unit
from tests.factories import SYSTEM, DepartmentFactory, UnitFactory

T = AuditEntry._meta.db_table


@pytest.fixture
def chain(db: None) -> list[AuditEntry]:
    unit = UnitFactory()
    for i in range(5):
        DepartmentFactory(unit=unit, name=f"部门{i}")
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) == 6 and verify_chain().ok
    return entries


@contextmanager
def attacker() -> Iterator[None]:
    """Someone with direct database access: the append-only triggers are no obstacle to them."""
    with transaction.atomic():
        lift_guard()
        yield
        restore_guard()


def sql(statement: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_each_write_appends_one_linked_entry(chain: list[AuditEntry]) -> None:
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5, 6]
    assert chain[0].prev_hash == "0" * 64
    for before, after in itertools.pairwise(chain):
        assert after.prev_hash == before.hash
    entry = chain[1]
    assert entry.action == "create" and entry.object_type == "org.department"
    assert json.loads(entry.after)["name"] == "部门0"
    assert entry.actor_kind == "system"


def test_update_records_before_and_after(chain: list[AuditEntry]) -> None:
    dept = Department.objects.get(name="部门0")
    svc.update_department(SYSTEM, dept, name="部门甲", parent=None)
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    assert json.loads(last.before)["name"] == "部门0"
    assert json.loads(last.after)["name"] == "部门甲"
    assert verify_chain().ok


def test_altered_content_is_detected(chain: list[AuditEntry]) -> None:
    with attacker():
        sql(f"UPDATE {T} SET object_repr = %s WHERE seq = 3", ["篡改后的名称"])
    result = verify_chain()
    assert not result.ok and result.problem is not None
    assert result.problem.seq == 3 and "篡改" in result.problem.reason


def test_altered_and_rehashed_entry_breaks_the_next_link(chain: list[AuditEntry]) -> None:
    # A careful attacker recomputes the entry's own hash; the following entry still points at the old one.
    from lianfang.audit.chain import entry_hash, timestamp_text

    e = chain[2]
    new_hash = entry_hash(
        e.seq,
        timestamp_text(e.at),
        e.actor_kind,
        e.actor_id,
        e.actor_name,
        e.action,
        e.object_type,
        e.object_id,
        "改过的",
        e.scope_path,
        e.before,
        e.after,
        e.prev_hash,
    )
    with attacker():
        sql(f"UPDATE {T} SET object_repr = %s, hash = %s WHERE seq = 3", ["改过的", new_hash])
    result = verify_chain()
    assert result.problem is not None and result.problem.seq == 4


def test_deleted_middle_entry_is_detected(chain: list[AuditEntry]) -> None:
    with attacker():
        sql(f"DELETE FROM {T} WHERE seq = 4")
    result = verify_chain()
    assert result.problem is not None and result.problem.seq == 4 and "缺失" in result.problem.reason


def test_deleted_last_entry_is_detected_by_the_head(chain: list[AuditEntry]) -> None:
    with attacker():
        sql(f"DELETE FROM {T} WHERE seq = 6")
    result = verify_chain()
    assert result.problem is not None and result.problem.seq == 6


def test_inserted_entry_is_detected(chain: list[AuditEntry]) -> None:
    forged = chain[5]
    with attacker():
        # Make room at seq 3 by shifting later entries up, then insert a forged line there.
        for seq in range(6, 2, -1):
            sql(f"UPDATE {T} SET seq = seq + 1 WHERE seq = %s", [seq])
        sql(
            f"INSERT INTO {T} (seq, at, actor_kind, actor_id, actor_name, action, object_type, object_id, "
            "object_repr, scope_path, before, after, prev_hash, hash) "
            "VALUES (3, %s, 'user', 'user:9', '伪造', 'create', 'org.unit', '1', '伪造', '', '', '', %s, %s)",
            [forged.at, chain[1].hash, "f" * 64],
        )
    result = verify_chain()
    assert result.problem is not None and result.problem.seq == 3


def test_reordered_entries_are_detected(chain: list[AuditEntry]) -> None:
    with attacker():
        sql(f"UPDATE {T} SET seq = 100 WHERE seq = 2")
        sql(f"UPDATE {T} SET seq = 2 WHERE seq = 3")
        sql(f"UPDATE {T} SET seq = 3 WHERE seq = 100")
    result = verify_chain()
    assert result.problem is not None and result.problem.seq == 2


def test_the_database_refuses_update_and_delete(chain: list[AuditEntry]) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).update(actor_name="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(seq=1).delete()
    assert verify_chain().ok


def test_failed_service_leaves_no_row_and_no_entry(chain: list[AuditEntry]) -> None:
    unit = Unit.objects.get()
    before_units, before_entries = Department.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ServiceError):
        svc.create_department(SYSTEM, unit=unit, name="部门0")  # duplicate name
    with pytest.raises(ServiceError):
        svc.create_department(SYSTEM, unit=unit, name="   ")
    assert Department.objects.count() == before_units
    assert AuditEntry.objects.count() == before_entries
    assert AuditHead.objects.get().last_seq == before_entries


def test_failure_after_the_audit_entry_rolls_both_back(
    chain: list[AuditEntry], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The entry is written, then the service fails: the transaction takes both away.
    unit = Unit.objects.get()
    count = AuditEntry.objects.count()

    def broken_save(*args: object, **kwargs: object) -> None:
        raise RuntimeError("磁盘已满")

    original = Department.save
    calls = {"n": 0}

    def save_then_break(self: Department, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the second save sets the path, after the row exists
            broken_save()
        original(self, *args, **kwargs)

    monkeypatch.setattr(Department, "save", save_then_break)
    with pytest.raises(RuntimeError):
        svc.create_department(SYSTEM, unit=unit, name="新部门")
    assert not Department.objects.filter(name="新部门").exists()
    assert AuditEntry.objects.count() == count
    assert verify_chain().ok


def test_record_outside_a_transaction_is_refused(transactional_db: None) -> None:
    from lianfang.audit.services import record

    with pytest.raises(RuntimeError):
        record(SYSTEM, "system", object_type="x")


def test_cli_verify_exit_codes(chain: list[AuditEntry], capsys: pytest.CaptureFixture[str]) -> None:
    call_command("audit", "verify", "--json")
    report = json.loads(capsys.readouterr().out)
    assert report == {
        "ok": True,
        "checked": 6,
        "seconds": report["seconds"],
        "first_bad_seq": None,
        "problem": None,
    }
    with attacker():
        sql(f"UPDATE {T} SET after = %s WHERE seq = 5", ['{"name":"x"}'])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", "--no-progress")
    assert exit_info.value.code == 1
    assert "第 5 条" in capsys.readouterr().err


def test_overlong_input_is_a_chinese_field_error_not_a_database_error(chain: list[AuditEntry]) -> None:
    unit = Unit.objects.get()
    count = AuditEntry.objects.count()
    with pytest.raises(ServiceError) as info:
        svc.create_department(SYSTEM, unit=unit, name="长" * 201)
    assert "name" in info.value.field_errors
    assert "200" in info.value.field_errors["name"][0] and "字符" in info.value.field_errors["name"][0]
    assert AuditEntry.objects.count() == count


def test_retiring_a_department_ends_its_liaison_with_an_entry_of_its_own(chain: list[AuditEntry]) -> None:
    import datetime as dt

    dept = Department.objects.get(name="部门0")
    person = svc.create_person(SYSTEM, unit=dept.unit, department=dept, name="李四", staff_no="L1")
    liaison = svc.designate_liaison(SYSTEM, department=dept, person=person, start_date=dt.date(2024, 1, 1))
    svc.retire_department(SYSTEM, dept, dt.date(2025, 6, 30))
    liaison.refresh_from_db()
    assert liaison.end_date == dt.date(2025, 6, 30)
    ends = AuditEntry.objects.filter(object_type="org.liaison", action="retire", object_id=str(liaison.pk))
    assert ends.count() == 1 and json.loads(ends.get().after)["end_date"] == "2025-06-30"
    assert verify_chain().ok
