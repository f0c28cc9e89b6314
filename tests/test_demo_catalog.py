"""The demo college's power catalog: two yearly cycles, flows worth analysing, every approval status."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from lianfang.core import demo_flows, demo_powers
from lianfang.core.demo import load_demo
from lianfang.core.demo_catalog import transitions
from lianfang.cycles.models import Cycle
from lianfang.cycles.selectors import latest_cycle
from lianfang.org.models import Unit
from lianfang.powers.analysis import analyse_flow
from lianfang.powers.compare import compare_catalog
from lianfang.powers.flowspec import TransitionSpec
from lianfang.powers.models import (
    ApprovalStatus,
    Audience,
    Disposition,
    Flowchart,
    Power,
    PowerCategory,
    ReviewAction,
)
from lianfang.powers.selectors import external_catalog, flow_spec

pytestmark = pytest.mark.django_db

SEED_STEPS = ["初步审查", "立案", "调查", "处理决定", "送达"]


def test_edges_read_chains_and_labelled_transitions() -> None:
    assert transitions("S1>S2>S3, S2>S1:补正后") == (
        TransitionSpec("S1", "S2"),
        TransitionSpec("S2", "S3"),
        TransitionSpec("S2", "S1", "补正后"),
    )


def test_demo_catalog_loads_two_cycles() -> None:
    out = io.StringIO()
    load_demo(stdout=out)
    assert "2025年度 44 项职权、35 张流程图（均已审定）" in out.getvalue()
    unit = Unit.objects.get(code="QLVTC")
    latest = latest_cycle(unit)
    assert latest is not None and latest.year == 2026
    first = latest.previous
    assert isinstance(first, Cycle) and first.year == 2025
    check_first_year(first)
    check_latest_catalog(latest)
    check_seed_001(latest)
    check_year_over_year(first, latest)
    check_statuses(latest)
    check_analysis(latest)
    check_flow_details(latest)


def check_first_year(first: Cycle) -> None:
    powers = Power.objects.filter(cycle=first)
    assert powers.count() == len(demo_powers.POWERS) == 44
    assert Flowchart.objects.filter(cycle=first).count() == len(demo_flows.FLOWS) == 35
    # The demo publishes what 2025 approved (公示).
    assert set(powers.values_list("status", flat=True)) == {ApprovalStatus.PUBLISHED}
    assert set(Flowchart.objects.filter(cycle=first).values_list("status", flat=True)) == {"published"}
    actions = list(powers.get(code="JW-01").reviews.values_list("action", flat=True))
    assert actions == [
        ReviewAction.SUBMIT,
        ReviewAction.CHECK,
        ReviewAction.VERIFY,
        ReviewAction.APPROVE,
        ReviewAction.PUBLISH,
    ]
    # What may go to society: approved, external, not secret.
    public = set(external_catalog(first).values_list("code", flat=True))
    assert public == {p.code for p in demo_powers.POWERS if p.external}
    assert len(public) == 12


def check_latest_catalog(latest: Cycle) -> None:
    powers = Power.objects.filter(cycle=latest).select_related("flow")
    assert powers.count() >= 38
    for power in powers.exclude(disposition=Disposition.ABOLISH):
        assert power.flow is not None, power.code
        assert power.flow.steps.count() >= 3, power.code
        assert power.bases.exists() and power.content and power.handler_text, power.code
    secret = powers.filter(is_secret=True)
    assert set(secret.values_list("code", flat=True)) == {"ZS-02", "JX-06"}
    assert set(secret.values_list("audience", flat=True)) == {Audience.INTERNAL}
    categories = set(powers.values_list("category", flat=True))
    assert categories == set(PowerCategory.values)
    # Several powers of one class share one flow.
    shared = Power.objects.filter(cycle=latest, flow__code="LC-ZC-01").values_list("code", flat=True)
    assert sorted(shared) == ["TS-01", "ZC-01", "ZC-02"]
    cashier = powers.get(code="CW-01").posts.get(name="出纳")
    assert cashier.department.name == "会计核算科"


def check_seed_001(latest: Cycle) -> None:
    flow = Flowchart.objects.get(cycle=latest, name="对执法人员违纪行为的调查处理流程")
    assert flow.department is not None and flow.department.name == "纪委办公室（监察处）"
    steps = list(flow.steps.order_by("order"))
    assert [s.name for s in steps] == [*SEED_STEPS, "不予立案"]
    assert steps[0].is_start and steps[0].post is not None and steps[0].post.name == "纪检监察员"
    assert steps[1].conditions == "需要追究行政纪律责任的，予以立案"
    assert steps[3].handler == "领导办公会"
    spec = flow_spec(flow)
    assert {(t.source, t.target) for t in spec.transitions} == {
        ("S1", "S2"),
        ("S1", "S6"),
        ("S2", "S3"),
        ("S3", "S4"),
        ("S4", "S5"),
    }
    assert Power.objects.get(cycle=latest, flow=flow).name == "对执法人员违纪行为的调查处理"


def check_year_over_year(first: Cycle, latest: Cycle) -> None:
    old = list(Power.objects.filter(cycle=first))
    new = list(Power.objects.filter(cycle=latest))
    for power in new:
        if power.disposition == Disposition.NEW:
            assert power.predecessor is None
        else:
            assert power.predecessor is not None and power.predecessor.cycle_id == first.pk
            assert power.predecessor.code == power.code
    carried = Flowchart.objects.filter(cycle=latest, predecessor__isnull=False)
    assert carried.count() == 35
    diff = compare_catalog(latest, new, old)
    assert sorted(p.code for p in diff.added) == ["HQ-03", "ZZ-05"]
    assert sorted(p.code for p in diff.retired) == ["JX-02"]
    changed = {p.code: [c.field for c in changes] for p, changes in diff.changed}
    assert changed == {"CW-01": ["content"], "ZC-04": ["name", "content"], "KY-02": ["content", "bases"]}
    assert all(p.disposition_reason for p, _ in diff.changed)
    assert Power.objects.get(cycle=latest, code="JX-02").disposition_reason.startswith("自2026年起")
    # The reimbursement flow's threshold moved with its power.
    reimbursement = Flowchart.objects.get(cycle=latest, code="LC-CW-01")
    assert reimbursement.steps.get(code="S5").supervision == "审批单笔10万元以下的支出"
    assert reimbursement.transitions.filter(label="10万元以上").count() == 1


def check_statuses(latest: Cycle) -> None:
    statuses = set(Power.objects.filter(cycle=latest).values_list("status", flat=True))
    # Every stage of the chain is present this year; publication waits for the office (公示).
    assert statuses == set(ApprovalStatus.values) - {ApprovalStatus.PUBLISHED}
    returned = Power.objects.get(cycle=latest, status=ApprovalStatus.RETURNED)
    assert returned.code == "CW-01"
    assert returned.reviews.get(action=ReviewAction.RETURN).comment.startswith("审批额度调整未附")
    flow_statuses = set(Flowchart.objects.filter(cycle=latest).values_list("status", flat=True))
    assert flow_statuses == {"draft", "submitted", "checked", "approved"}


def check_analysis(latest: Cycle) -> None:
    found = {}
    for flow in Flowchart.objects.filter(cycle=latest):
        findings = analyse_flow(flow_spec(flow))
        if findings:
            found[flow.code] = sorted({f.kind for f in findings})
    assert demo_flows.SEED_001 not in found
    assert found == {code: [kind] for code, kind in demo_flows.IMPERFECT.items()}


def check_flow_details(latest: Cycle) -> None:
    flows = Flowchart.objects.filter(cycle=latest)
    venue = flows.get(code="LC-ZC-05")
    rows = list(venue.discretion.order_by("order"))
    assert len(rows) == 5
    assert (rows[3].violation, rows[3].min_amount, rows[3].max_amount) == (
        "擅自转租、转借场地",
        Decimal("2000.00"),
        Decimal("10000.00"),
    )
    assert flows.get(code="LC-XS-03").discretion.filter(measure="开除学籍").count() == 2
    pairs = {(p.first.name, p.second.name) for p in flows.get(code="LC-ZC-01").separations.all()}
    assert pairs == {("采购需求提出", "履约验收"), ("组织采购", "履约验收")}
    assert flows.filter(separations__isnull=False).distinct().count() >= 15
    loop = flows.get(code="LC-ZZ-03").transitions.get(label="补正后")
    assert (loop.source.name, loop.target.name) == ("材料补正", "资格审查")
    external = flows.get(code="LC-JX-05")
    assert (external.statutory_limit, external.promised_limit) == (20, 10)
    assert flows.get(code="LC-ZS-02").is_secret
    # Each post-handled step names its post; the others name a body such as 院长办公会.
    for flow in flows:
        for step in flow.steps.all():
            assert step.handler, (flow.code, step.code)
