"""Batch mode: the rules over a whole event log file, against a unit's flowcharts (by power code), with
the same engine query the streaming mode runs (`lianfang monitor --log FILE`)."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from lianfang.org.models import Unit
from lianfang.powers.models import Power
from lianfang.powers.selectors import flow_spec
from lianfang.workdays.selectors import current_calendar

from ..engine.model import PowerModel, compile_power
from ..engine.run import Checker, Finding
from ..models import RuleSetting
from .evaluate import DEFAULT_LEVELS, held_posts


def unit_models(unit: Unit) -> list[PowerModel]:
    """The unit's powers with a flowchart, by code; where a code is in several years, the latest."""
    latest: dict[str, Power] = {}
    for power in (
        Power.objects.filter(unit=unit, flow__isnull=False)
        .select_related("flow", "cycle")
        .order_by("cycle__year")
    ):
        latest[power.code] = power
    off: dict[int, set[str]] = {}
    for s in RuleSetting.objects.filter(power__in=latest.values(), enabled=False):
        off.setdefault(s.power_id, set()).add(s.rule)
    models = []
    for code, power in latest.items():
        assert power.flow is not None
        models.append(compile_power(code, flow_spec(power.flow), disabled=off.get(power.pk, set())))
    return models


@dataclass
class Monitored:
    findings: list[Finding]
    events: int
    cases: int
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return {
            "events": self.events,
            "cases": self.cases,
            "seconds": round(self.seconds, 3),
            "counts": self.counts,
            "alerts": [
                {
                    "case_id": f.case_id,
                    "power_code": f.power_code,
                    "rule": f.rule,
                    "level": DEFAULT_LEVELS.get(f.rule, "warning"),
                    "step_code": f.step_code,
                    "resource": f.resource,
                    "values": [f.n1, f.n2, f.n3],
                }
                for f in self.findings
            ],
        }


def monitor_log(unit: Unit, path: Path, today: date, checker: Checker | None = None) -> Monitored:
    checker = checker or Checker(unit_models(unit), current_calendar(), held_posts(unit.pk))
    started = time.perf_counter()
    findings = checker.check_csv(path, today)
    seconds = time.perf_counter() - started
    events, cases = checker.last_size
    counts = dict(sorted(Counter(f.rule for f in findings).items()))
    return Monitored(findings, events, cases, seconds, counts)
