"""Risk sheet import benchmark: a 10,000-row 附件二 sheet imported through Lianfang's importer, against
django-import-export importing the same rows.

Run:  .venv/bin/pip install django-import-export   (benchmark only; not a dependency of Lianfang)
      .venv/bin/python benchmarks/risk_import_bench.py [--rows 10000]
Uses a fresh SQLite file in a temporary folder, or DATABASE_URL if set (a scratch database). Target: the
10,000-row import under 10 s.

What each side does, so the ratio is read fairly:
- Lianfang reads the official layout (title and header-field rows, merged 职责 cells), splits the numbered
  manifestations and measures in each cell into their own records, parses causes and levels, checks every
  row with the services' validation and permissions, and writes risk points, manifestations, measures,
  imported assessments, search words and the audit entry — all or nothing.
- django-import-export gets a flat table (one row per risk point: subject ids, duty, name, the raw cell
  texts) and writes one model row per risk point through a ModelResource in one transaction; it splits
  nothing and writes no related rows. It is the common Django baseline, not an equivalent workload.
"""

from __future__ import annotations

import argparse
import io
import os
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

from lianfang.core.actor import system_actor  # noqa: E402
from lianfang.cycles.services import create_cycle  # noqa: E402
from lianfang.org import services as org_services  # noqa: E402
from lianfang.risks.models import RiskPoint  # noqa: E402
from lianfang.risks.sheet_import import import_risk_sheet  # noqa: E402
from lianfang.risks.sheet_view import FOOTERS, DutyGroup, SheetKind, SheetRisk, SheetView  # noqa: E402
from lianfang.risks.sheet_xlsx import write_workbook  # noqa: E402

TARGET_S = 10.0
LEVELS = ("高", "中", "低")


def sheet(rows: int, department: str) -> SheetView:
    groups = []
    per_duty = 20
    for d in range(rows // per_duty):
        risks = tuple(
            SheetRisk(
                code="",
                name=f"第{d}项职责的第{r}个风险点：审批环节把关不严，可能违规办理",
                manifestations=(f"未按规定程序审批事项{d}-{r}", "利用职务便利为他人谋取利益"),
                causes="制度缺陷及漏洞、监管缺失",
                level=LEVELS[(d + r) % 3],
                measures=("建立审批台帐，定期检查", "实行集体研究，重大事项报分管领导"),
                notes="",
            )
            for r in range(per_duty)
        )
        groups.append(DutyGroup(duty=f"负责第{d}类事项的审核与办理", risks=risks))
    return SheetView(
        kind=SheetKind.DEPARTMENT,
        title=f"{department}工作廉政风险排查表（2026年度）",
        header=(("部门（盖章）", department), ("负责人", ""), ("填表日期", "2026年3月")),
        groups=tuple(groups),
        footer_label=FOOTERS[SheetKind.DEPARTMENT],
    )


def bench_lianfang(rows: int) -> tuple[float, int]:
    actor = system_actor("基准测试")
    unit = org_services.create_unit(actor, name="基准学院", code="BENCH", kind="college")
    org_services.create_department(actor, unit=unit, name="财务处")
    cycle = create_cycle(actor, unit=unit, year=2026)
    content = write_workbook([sheet(rows, "财务处")])
    started = time.perf_counter()
    report = import_risk_sheet(io.BytesIO(content), actor=actor, cycle=cycle)
    elapsed = time.perf_counter() - started
    assert report.ok, report.errors[:5]
    return elapsed, RiskPoint.objects.filter(cycle=cycle).count()


def bench_import_export(rows: int) -> tuple[float, int]:
    import tablib
    from import_export import resources

    actor = system_actor("基准测试")
    unit = org_services.create_unit(actor, name="对照学院", code="DIE", kind="college")
    dept = org_services.create_department(actor, unit=unit, name="财务处")
    cycle = create_cycle(actor, unit=unit, year=2026)

    class RiskResource(resources.ModelResource):
        class Meta:
            model = RiskPoint
            fields = (
                "id",
                "cycle",
                "unit",
                "subject_kind",
                "department",
                "path",
                "code",
                "duty",
                "name",
                "cause_note",
                "level",
                "notes",
            )
            use_bulk = True
            batch_size = 1000

    view = sheet(rows, "财务处")
    data = tablib.Dataset(headers=list(RiskResource.Meta.fields))
    n = 0
    for group in view.groups:
        for risk in group.risks:
            n += 1
            data.append(
                [
                    "",
                    cycle.pk,
                    unit.pk,
                    "department",
                    dept.pk,
                    dept.path,
                    f"D-{n:05d}",
                    group.duty,
                    risk.name,
                    risk.causes,
                    "high",
                    "；".join(risk.manifestations + risk.measures),
                ]
            )
    started = time.perf_counter()
    with transaction.atomic():
        result = RiskResource().import_data(data, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors()
    return elapsed, RiskPoint.objects.filter(cycle=cycle).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database           : {connection.vendor}, {args.rows} rows")
    ours, count = bench_lianfang(args.rows)
    print(
        f"Lianfang import    : {ours:6.2f} s for {count} risk points ({count / ours:,.0f} rows/s)"
        f" — target {TARGET_S:.0f} s: {'met' if ours < TARGET_S else 'MISSED'} (ratio {ours / TARGET_S:.2f})"
    )
    try:
        theirs, their_count = bench_import_export(args.rows)
    except ImportError:
        print("django-import-export: not installed (pip install django-import-export) — comparison skipped")
        return
    print(
        f"django-import-export: {theirs:6.2f} s for {their_count} flat rows"
        f" ({their_count / theirs:,.0f} rows/s)"
    )
    print(f"ratio Lianfang / django-import-export: {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
