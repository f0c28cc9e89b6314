"""Catalog list benchmark: the 职权目录 page and the API list over a cycle of 5,000 powers.

Run:  .venv/bin/python benchmarks/catalog_list_bench.py [--powers 5000] [--requests 200]
Uses a fresh SQLite file in a temporary folder, or DATABASE_URL if set (a scratch database: it is migrated
and filled). Target: p95 under 200 ms for the list page. Requests go through Django's full request stack
(middleware, session auth, scoped selectors, templates) with the test client, as a supervisor of the unit.
The powers are bulk-inserted (setting up 5,000 rows through the audited services would only slow the set-up).
"""

from __future__ import annotations

import argparse
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
from lianfang.accounts.models import Role  # noqa: E402
from lianfang.core.actor import system_actor  # noqa: E402
from lianfang.cycles.services import create_cycle  # noqa: E402
from lianfang.org import services as org_services  # noqa: E402
from lianfang.powers.models import Audience, Power, PowerBasis, PowerCategory  # noqa: E402

PASSWORD = "Bench-2026-catalog"
TARGET_P95_MS = 200.0


def populate(n: int) -> int:
    actor = system_actor("基准测试")
    unit = org_services.create_unit(actor, name="基准学院", code="BENCH", kind="college")
    departments = [org_services.create_department(actor, unit=unit, name=f"部门{i:02d}") for i in range(40)]
    cycle = create_cycle(actor, unit=unit, year=2026)
    categories = PowerCategory.values
    powers = [
        Power(
            cycle=cycle,
            unit=unit,
            department=departments[i % len(departments)],
            path=departments[i % len(departments)].path,
            code=f"P{i:05d}",
            name=f"{['采购', '报销', '招生', '评审', '基建'][i % 5]}审批事项{i}",
            content="依照规定对申请事项进行审查并作出决定" * 3,
            category=categories[i % len(categories)],
            audience=Audience.EXTERNAL if i % 7 == 0 else Audience.INTERNAL,
            handler_text="办公室",
            sort_order=i,
        )
        for i in range(n)
    ]
    Power.objects.bulk_create(powers, batch_size=1000)
    PowerBasis.objects.bulk_create(
        (PowerBasis(power=p, document="《高等学校财务制度》", article="第十条") for p in Power.objects.all()),
        batch_size=1000,
    )
    user = account_services.create_user(actor, username="bench", password=PASSWORD)
    account_services.grant_role(actor, user=user, role=Role.SUPERVISOR, unit=unit)
    return cycle.pk


def measure(client: Client, url: str, runs: int) -> tuple[float, float, float]:
    client.get(url)  # warm caches and templates
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    return statistics.median(times), p95, times[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--powers", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    cycle_id = populate(args.powers)
    print(
        f"database        : {connection.vendor}; {args.powers} powers"
        f" set up in {time.perf_counter() - started:.1f} s"
    )
    client = Client()
    from lianfang.accounts.models import User

    client.force_login(User.objects.get(username="bench"))
    cases = [
        ("list, page 1", f"/powers/?cycle={cycle_id}"),
        ("list, page 50", f"/powers/?cycle={cycle_id}&page=50"),
        ("filter category", f"/powers/?cycle={cycle_id}&category=internal"),
        ("search 招生", f"/powers/?cycle={cycle_id}&q=招生"),
        ("htmx table", f"/powers/?cycle={cycle_id}&audience=external"),
        ("API list (50)", f"/api/powers?cycle_id={cycle_id}&limit=50"),
    ]
    worst = 0.0
    for label, url in cases:
        headers = {"HTTP_HX_REQUEST": "true"} if label == "htmx table" else {}
        if headers:
            client.defaults.update(headers)
        median, p95, slowest = measure(client, url, args.requests)
        client.defaults.pop("HTTP_HX_REQUEST", None)
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
