"""What the catalog and flowchart page tests share: their fixtures and helpers."""

from __future__ import annotations

import pytest

from lianfang.cycles.models import Cycle
from lianfang.powers.models import Flowchart, Power
from tests.conftest import TwoUnits
from tests.factories import make_cycle, make_flow, make_power


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    return make_cycle(org.college, 2026)


@pytest.fixture
def flow(cycle: Cycle, org: TwoUnits) -> Flowchart:
    return make_flow(cycle, org.academic, "F1", post=org.teacher)


@pytest.fixture
def academic_power(cycle: Cycle, org: TwoUnits, flow: Flowchart) -> Power:
    return make_power(cycle, org.academic, "JW-001", name="学籍异动审批", flow=flow, posts=[org.teacher])


@pytest.fixture
def finance_power(cycle: Cycle, org: TwoUnits) -> Power:
    return make_power(cycle, org.finance, "CW-001", name="经费报销审核", category="internal")
