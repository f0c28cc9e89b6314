"""Audit benchmarks: the cost of auditing a write, and `audit verify` over a million entries.

Run:  .venv/bin/python benchmarks/audit_bench.py [--entries 1000000] [--writes 2000]
Uses a fresh SQLite file in a temporary folder, or DATABASE_URL if set (a scratch database: it is migrated
and the audit table is filled).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("LIANFANG_DATA_DIR", tempfile.mkdtemp(prefix="lianfang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianfang.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from lianfang.audit.chain import GENESIS_HASH, PAYLOAD_COLUMNS, canonical_json, entry_hash, timestamp_text  # noqa: E402
from lianfang.audit.dbguard import lift_guard, restore_guard  # noqa: E402
from lianfang.audit.models import AuditEntry, AuditHead  # noqa: E402
from lianfang.audit.selectors import verify_chain  # noqa: E402
from lianfang.core.actor import system_actor  # noqa: E402
from lianfang.org import services  # noqa: E402
from lianfang.org.models import Department, Unit  # noqa: E402


def bench_write_overhead(writes: int) -> None:
    actor = system_actor("基准测试")
    unit = services.create_unit(actor, name="基准单位", code="BENCH")

    started = time.perf_counter()
    for i in range(writes):
        services.create_department(actor, unit=unit, name=f"审计部门{i}")
    audited = (time.perf_counter() - started) / writes

    # The same rows, the same checks and transactions, without the audit entry.
    started = time.perf_counter()
    for i in range(writes):
        with transaction.atomic():
            name = f"直写部门{i}"
            if Department.objects.filter(unit=unit, name=name, status="active").exists():
                raise RuntimeError("duplicate")
            dept = Department.objects.create(unit=unit, name=name, path=f"~{i}")
            dept.path = f"{unit.path}D{dept.pk}/"
            dept.save(update_fields=["path"])
    plain = (time.perf_counter() - started) / writes

    print(f"audited write   : {audited * 1000:8.3f} ms per department created ({writes} writes)")
    print(f"unaudited write : {plain * 1000:8.3f} ms per department created")
    print(f"audit overhead  : ratio {audited / plain:5.2f}x  (+{(audited - plain) * 1000:.3f} ms per write)")


def fill_chain(entries: int, batch: int = 50_000) -> None:
    """Append `entries` valid, chained entries straight into the table (fast path, same hashing rules)."""
    head = AuditHead.objects.filter(id=1).first()
    seq = head.last_seq if head else 0
    prev = head.last_hash if head else GENESIS_HASH
    table = AuditEntry._meta.db_table
    cols = (*PAYLOAD_COLUMNS, "hash")
    sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(['%s'] * len(cols))})"
    now = timezone.now()
    at_text = timestamp_text(now)
    stored_at = connection.ops.adapt_datetimefield_value(now)  # as Django itself would store it
    before = canonical_json({"name": "旧名称", "status": "active", "duties": "负责本部门日常工作"})
    after = canonical_json(
        {"name": "新名称", "status": "active", "duties": "负责本部门日常工作及廉政风险防控"}
    )
    done = 0
    while done < entries:
        rows = []
        for _ in range(min(batch, entries - done)):
            seq += 1
            values = (
                seq,
                stored_at,
                "user",
                "user:42",
                "张三",
                "update",
                "org.department",
                str(seq % 997),
                "财务处",
                "U1/D3/",
                before,
                after,
                prev,
            )
            prev = entry_hash(values[0], at_text, *values[2:])
            rows.append((*values, prev))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        done += len(rows)
    AuditHead.objects.update_or_create(id=1, defaults={"last_seq": seq, "last_hash": prev})


def bench_verify(entries: int) -> None:
    started = time.perf_counter()
    fill_chain(entries)
    print(f"filled chain    : {entries:,} entries in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    result = verify_chain()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    assert result.ok, result.problem
    print(
        f"audit verify    : {result.checked:,} entries in {elapsed:.2f} s "
        f"({result.checked / elapsed:,.0f} entries/s; target < 10 s → {elapsed / 10:.2f} of budget), "
        f"process peak RSS {peak / 2**20:.0f} MiB"
    )
    # And it still finds a break in a chain this long.
    with transaction.atomic():
        lift_guard()
        AuditEntry.objects.filter(seq=entries // 2).update(object_repr="篡改")
        restore_guard()
    started = time.perf_counter()
    broken = verify_chain()
    assert broken.problem is not None and broken.problem.seq == entries // 2
    print(f"tamper found    : at entry {broken.problem.seq:,} after {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--writes", type=int, default=2000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if Unit.objects.exists() or AuditEntry.objects.exists():
        sys.exit("benchmark needs an empty scratch database")
    print(f"database        : {connection.vendor} ({connection.settings_dict['NAME']})")
    bench_write_overhead(args.writes)
    bench_verify(args.entries)


if __name__ == "__main__":
    main()
