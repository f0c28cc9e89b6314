"""Register dashboard benchmark: the dashboard page over a cycle of 50,000 risk points.

Run:  .venv/bin/python benchmarks/risk_dashboard_bench.py [--risks 50000] [--requests 50]
Uses a fresh SQLite file in a temporary folder, or DATABASE_URL if set (a scratch database: it is migrated
and filled). Target: p95 under 200 ms, like the register page. Requests go through Django's full request
stack with the test client, as a supervisor of the unit (the whole register) and as a department head (one
department's subtree). Risk points and measures are bulk-inserted; a tenth of the posts have no risk point,
a tenth of the risk points no measure, some measures are past due and some downgrades pending.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from lianfang.accounts import services as account_services  # noqa: E402
from lianfang.accounts.models import Role, User  # noqa: E402
from lianfang.core.actor import system_actor  # noqa: E402
from lianfang.core.vocabulary import RiskType  # noqa: E402
from lianfang.cycles.services import create_cycle  # noqa: E402
from lianfang.org import services as org_services  # noqa: E402
from lianfang.risks.models import Assessment, Measure, RiskPoint  # noqa: E402
from lianfang.risks.vocabulary import MeasureCategory, MeasureStatus, SubjectKind  # noqa: E402

PASSWORD = "Bench-2026-dashboard"
TARGET_P95_MS = 200.0
LEVELS = ["high", "medium", "low", "low", ""]
STATUSES = list(MeasureStatus.values)


def populate(n: int) -> tuple[int, int]:
    actor = system_actor("基准测试")
    unit = org_services.create_unit(actor, name="基准学院", code="BENCH", kind="college")
    departments = [org_services.create_department(actor, unit=unit, name=f"部门{i:02d}") for i in range(40)]
    posts = [
        org_services.create_post(actor, department=d, name=f"岗位{j:02d}")
        for d in departments
        for j in range(10)
    ]
    cycle = create_cycle(actor, unit=unit, year=2026)
    covered = posts[: len(posts) * 9 // 10]
    types = RiskType.values
    risks = []
    for i in range(n):
        kind = i % 10
        post = covered[i % len(covered)] if kind < 7 else None
        dept = post.department if post else (departments[i % len(departments)] if kind < 9 else None)
        subject = SubjectKind.POST if post else SubjectKind.DEPARTMENT if dept else SubjectKind.UNIT
        risks.append(
            RiskPoint(
                cycle=cycle,
                unit=unit,
                subject_kind=subject,
                department=dept,
                post=post,
                path=dept.path if dept else unit.path,
                code=f"R-{i + 1:05d}",
                name=f"{['违规审批', '票据审核不严', '采购围标', '评审不公', '资金挪用'][i % 5]}{i}",
                risk_type=types[i % len(types)],
                level=LEVELS[i % len(LEVELS)],
                sort_order=i,
            )
        )
    RiskPoint.objects.bulk_create(risks, batch_size=2000)
    today = dt.date(2026, 6, 1)
    measures = (
        Measure(
            risk_id=pk,
            category=MeasureCategory.RULES,
            text="建立台帐，定期检查",
            due_date=today - dt.timedelta(days=(pk % 60) - 30),
            status=STATUSES[pk % len(STATUSES)],
        )
        for pk in RiskPoint.objects.values_list("pk", flat=True)
        if pk % 10
    )
    Measure.objects.bulk_create(measures, batch_size=2000)
    Assessment.objects.bulk_create(
        Assessment(
            risk_id=pk,
            source="imported",
            level="medium",
            status="pending",
            justification="已整改",
            created_by="基准",
        )
        for pk in RiskPoint.objects.filter(level="high").values_list("pk", flat=True)[:200]
    )
    for username, role, node in (
        ("bench", Role.SUPERVISOR, unit),
        ("bench-head", Role.DEPT_HEAD, departments[3]),
    ):
        user = account_services.create_user(actor, username=username, password=PASSWORD)
        if node is unit:
            account_services.grant_role(actor, user=user, role=role, unit=unit)
        else:
            account_services.grant_role(actor, user=user, role=role, department=node)
    return cycle.pk, n


def measure(client: Client, url: str, runs: int) -> tuple[float, float, float]:
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    return statistics.median(times), p95, times[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--risks", type=int, default=50000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    cycle_id, n = populate(args.risks)
    print(
        f"database        : {connection.vendor}; {n} risk points"
        f" set up in {time.perf_counter() - started:.1f} s"
    )
    worst = 0.0
    for label, username, url in (
        ("whole unit", "bench", f"/risks/dashboard/?cycle={cycle_id}"),
        ("filtered high", "bench", f"/risks/dashboard/?cycle={cycle_id}&level=high&risk_type=duty"),
        ("one department", "bench-head", f"/risks/dashboard/?cycle={cycle_id}"),
    ):
        client = Client()
        client.force_login(User.objects.get(username=username))
        median, p95, slowest = measure(client, url, args.requests)
        worst = max(worst, p95)
        print(
            f"{label:16}: median {median:7.1f} ms  p95 {p95:7.1f} ms  max {slowest:7.1f} ms"
            f"  (p95 / target {p95 / TARGET_P95_MS:.2f})"
        )
    print(
        f"worst p95       : {worst:.1f} ms — target {TARGET_P95_MS:.0f} ms:"
        f" {'met' if worst < TARGET_P95_MS else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
