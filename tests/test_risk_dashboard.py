"""The register dashboard: the level × type × department cube, the heat map, the gaps, in scope, with a
fixed number of queries, and its page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lianfang.accounts.models import Role
from lianfang.org import services as org_services
from lianfang.risks import dashboard as board
from lianfang.risks.models import Assessment, RiskPoint
from lianfang.risks.services import MeasureData, RiskData, add_measure
from lianfang.risks.vocabulary import MeasureCategory, MeasureStatus, SubjectKind
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, PostFactory, make_cycle, user_with_role
from tests.risk_factories import dept_risk_data, make_risk, post_risk_data

TODAY = dt.date(2026, 6, 1)


def _risk(cycle: object, data: RiskData, level: str = "", risk_type: str = "duty") -> RiskPoint:
    data.risk_type = risk_type
    risk = make_risk(cycle, data)
    RiskPoint.objects.filter(pk=risk.pk).update(level=level)  # grading is tested on its own
    risk.refresh_from_db()
    return risk


def _measure(risk: RiskPoint, due: dt.date | None, status: str = MeasureStatus.PLANNED) -> None:
    add_measure(
        SYSTEM, risk, MeasureData(MeasureCategory.RULES, f"措施{risk.code}", due_date=due, status=status)
    )


@pytest.fixture
def register(org: TwoUnits) -> dict[str, object]:
    cycle = make_cycle(org.college)
    late = TODAY - dt.timedelta(days=1)
    risks = {
        "cashier_high": _risk(cycle, post_risk_data(org.cashier, name="挪用公款"), "high", "duty"),
        "cashier_low": _risk(cycle, post_risk_data(org.cashier, name="票据"), "low", "process"),
        "finance_high": _risk(cycle, dept_risk_data(org.finance, name="预算"), "high", "duty"),
        "finance_ungraded": _risk(cycle, dept_risk_data(org.finance, name="未评"), "", "institution"),
        "unit_medium": _risk(
            cycle,
            RiskData(subject_kind=SubjectKind.UNIT, name="议事", manifestations=["个人说了算"]),
            "medium",
            "institution",
        ),
    }
    _measure(risks["cashier_high"], late)  # overdue
    _measure(risks["cashier_high"], TODAY)  # due today: not yet late
    _measure(risks["cashier_low"], late, MeasureStatus.DONE)
    _measure(risks["finance_high"], late, MeasureStatus.LAPSED)
    _measure(risks["finance_high"], late, MeasureStatus.IN_PROGRESS)  # overdue
    _measure(risks["unit_medium"], None)
    Assessment.objects.create(
        risk=risks["finance_high"],
        source="imported",
        level="medium",
        status="pending",
        justification="已整改",
        created_by="测试",
    )
    retired = PostFactory(department=org.finance, name="已撤岗位")
    org_services.retire_post(SYSTEM, retired, dt.date(2025, 1, 1))
    return {"cycle": cycle, **risks}


def test_the_cube_and_the_heat_map(org: TwoUnits, register: dict[str, object]) -> None:
    d = board.dashboard(SYSTEM, register["cycle"], today=TODAY)  # type: ignore[arg-type]
    assert d.total == 5
    assert [(c.level, c.count) for c in d.level_totals] == [("high", 2), ("medium", 1), ("low", 1), ("", 1)]
    grid = {row.risk_type: [c.count for c in row.cells] for row in d.type_levels}
    assert grid["duty"] == [2, 0, 0, 0]
    assert grid["process"] == [0, 0, 1, 0]
    assert grid["institution"] == [0, 1, 0, 1]
    heats = {row.risk_type: [c.heat for c in row.cells] for row in d.type_levels}
    assert heats["duty"] == [5, 0, 0, 0] and heats["institution"] == [0, 3, 0, 3]
    rows = [(r.label, r.depth, r.total, r.without_measure, [c.count for c in r.by_level]) for r in d.rows]
    assert rows == [
        ("某职业学院（单位层面）", 0, 1, 0, [0, 1, 0, 0]),
        ("财务处", 0, 2, 1, [1, 0, 0, 1]),
        ("核算科", 1, 2, 0, [1, 0, 1, 0]),
    ]
    high_only = board.dashboard(SYSTEM, register["cycle"], level="high", today=TODAY)  # type: ignore[arg-type]
    assert [(r.label, r.total) for r in high_only.rows] == [("财务处", 1), ("核算科", 1)]
    assert high_only.total == 5  # the filter narrows the department table only


def test_the_gaps(org: TwoUnits, register: dict[str, object]) -> None:
    d = board.dashboard(SYSTEM, register["cycle"], today=TODAY)  # type: ignore[arg-type]
    assert [p.name for p in d.uncovered_posts.items] == ["教学秘书"]  # retired posts and other units: no
    assert [r.name for r in d.without_measure.items] == ["未评"]
    assert d.overdue_measures.count == 2
    assert sorted(m.risk.name for m in d.overdue_measures.items) == ["挪用公款", "预算"]
    assert [a.risk.name for a in d.pending_downgrades.items] == ["预算"]


def test_the_gaps_stay_in_scope(org: TwoUnits, register: dict[str, object]) -> None:
    PostFactory(department=org.finance_office, name="会计")
    head = actor_of(user_with_role(Role.DEPT_HEAD, org.finance))
    d = board.dashboard(head, register["cycle"], today=TODAY)  # type: ignore[arg-type]
    assert d.total == 4
    assert [p.name for p in d.uncovered_posts.items] == ["会计"]
    assert d.without_measure.count == 1 and d.overdue_measures.count == 2
    academic = actor_of(user_with_role(Role.DEPT_HEAD, org.academic))
    d = board.dashboard(academic, register["cycle"], today=TODAY)  # type: ignore[arg-type]
    assert (d.total, d.uncovered_posts.count, d.pending_downgrades.count) == (0, 1, 0)


def test_the_number_of_queries_does_not_grow_with_the_register(
    org: TwoUnits, register: dict[str, object]
) -> None:
    """At most three queries per gap (its first ids, its count when the list is full, the rows) and three
    for the cube, whatever the size."""
    cycle = register["cycle"]

    def run() -> tuple[int, board.Dashboard]:
        with CaptureQueriesContext(connection) as ctx:
            d = board.dashboard(SYSTEM, cycle, today=TODAY)  # type: ignore[arg-type]
        return len(ctx.captured_queries), d

    small, _ = run()
    for i in range(board.LIST_LIMIT + 5):
        _risk(cycle, post_risk_data(org.teacher, name=f"风险{i}"), "low", "moral")
        PostFactory(department=org.academic, name=f"空岗{i:02d}")
    large, d = run()
    assert small <= large <= 15
    assert (d.without_measure.count, len(d.without_measure.items)) == (26, board.LIST_LIMIT)
    assert (d.uncovered_posts.count, len(d.uncovered_posts.items)) == (25, board.LIST_LIMIT)
    assert [p.name for p in d.uncovered_posts.items][:2] == ["空岗00", "空岗01"]


def test_the_page(org: TwoUnits, register: dict[str, object]) -> None:
    client = Client()
    client.force_login(user_with_role(Role.SUPERVISOR, org.college))
    response = client.get("/risks/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    main = html[html.index('<main id="main"') :]
    assert "风险热力图" in main and 'class="num heat heat-5"' in main
    assert "教学秘书" in main and "尚无防控措施的风险点" in main
    assert " style=" not in main
    nobody = Client()
    nobody.force_login(user_with_role(Role.AUDITADMIN, org.city))
    assert nobody.get("/risks/dashboard/").status_code == 403
