"""Backup → wipe → restore gives back identical data and an intact audit chain; bad files are refused."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from lianfang.accounts import services as account_services
from lianfang.audit.dbguard import lift_guard, restore_guard
from lianfang.audit.models import AuditEntry
from lianfang.audit.selectors import verify_chain
from lianfang.core import backup
from lianfang.org import services as svc
from lianfang.org.models import Department, LeadershipRole, Unit
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, AssignmentFactory, PersonFactory, user_with_role


def everything() -> list[dict[str, object]]:
    data, _ = backup.dump_data()
    return json.loads(json.dumps(data, cls=backup.ExactJSONEncoder))


def wipe() -> None:
    with transaction.atomic():
        lift_guard()
        backup._delete_all(backup.backed_up_models())
        restore_guard()


@pytest.fixture
def populated(org: TwoUnits) -> TwoUnits:
    AssignmentFactory(post=org.cashier)
    leader = PersonFactory(unit=org.college, department=org.finance)
    svc.create_leadership(
        SYSTEM,
        unit=org.college,
        person=leader,
        kind="deputy",
        title="副院长",
        start_date=__import__("datetime").date(2024, 1, 1),
        departments=[org.finance, org.academic],
    )
    user = user_with_role("sysadmin", org.college)
    account_services.create_token(
        SYSTEM, name="财务系统", unit=org.college, scopes=["org:read"], created_by=user
    )
    # A department moved under a later one: restoring must not depend on primary-key order.
    svc.update_department(SYSTEM, org.academic, name=org.academic.name, parent=org.finance_office)
    return org


def test_round_trip_is_identical(populated: TwoUnits, tmp_path: Path) -> None:
    before = everything()
    path = tmp_path / "b.json.gz"
    summary = backup.create_backup(path)
    assert summary.total == len(before)
    wipe()
    assert Unit.objects.count() == 0 and AuditEntry.objects.count() == 0
    backup.restore_backup(path)
    assert everything() == before
    assert verify_chain().ok
    assert sorted(LeadershipRole.objects.get().departments.values_list("name", flat=True)) == [
        "教务处",
        "财务处",
    ]
    # The restored database keeps working: new writes continue the chain and get fresh ids.
    dept = svc.create_department(SYSTEM, unit=populated.college, name="新部门")
    assert dept.pk > max(d.pk for d in Department.objects.exclude(pk=dept.pk))
    assert verify_chain().ok


def test_restore_refuses_a_non_empty_database_unless_replacing(populated: TwoUnits, tmp_path: Path) -> None:
    path = tmp_path / "b.json.gz"
    call_command("backup", str(path), "--no-progress")
    svc.create_department(SYSTEM, unit=populated.college, name="备份后新增")
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(path), "--no-progress")
    call_command("restore", str(path), "--replace", "--no-progress")
    assert not Department.objects.filter(name="备份后新增").exists()
    assert verify_chain().ok


def test_corrupted_backup_is_refused_and_nothing_changes(populated: TwoUnits, tmp_path: Path) -> None:
    path = tmp_path / "b.json.gz"
    backup.create_backup(path)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        document = json.load(fh)
    document["data"][0]["fields"]["name"] = "被改动"
    bad = tmp_path / "bad.json.gz"
    with gzip.open(bad, "wt", encoding="utf-8") as fh:
        json.dump(document, fh)
    before = everything()
    with pytest.raises(CommandError, match="校验失败"):
        call_command("restore", str(bad), "--replace", "--no-progress")
    assert everything() == before
    (tmp_path / "junk.json.gz").write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="无法读取"):
        call_command("restore", str(tmp_path / "junk.json.gz"), "--no-progress")


def test_restore_rolls_back_when_the_chain_in_the_backup_is_broken(
    populated: TwoUnits, tmp_path: Path
) -> None:
    # A backup whose checksum was recomputed after tampering with an audit entry still fails on the chain.
    path = tmp_path / "b.json.gz"
    backup.create_backup(path)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        document = json.load(fh)
    for row in document["data"]:
        if row["model"] == "audit.auditentry" and row["pk"] == 2:
            row["fields"]["object_repr"] = "改过"
    document["manifest"]["sha256"] = backup._digest(document["data"])
    forged = tmp_path / "forged.json.gz"
    with gzip.open(forged, "wt", encoding="utf-8") as fh:
        json.dump(document, fh)
    before = everything()
    with pytest.raises(CommandError, match="审计链校验失败"):
        call_command("restore", str(forged), "--replace", "--no-progress")
    assert everything() == before
