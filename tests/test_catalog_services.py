"""The catalog's services: create and edit with one validation, the yearly carry-forward and comparison."""

from __future__ import annotations

import pytest

from lianfang.core.errors import ServiceError
from lianfang.cycles.services import open_next_cycle
from lianfang.powers.compare import compare_catalog, power_changes
from lianfang.powers.models import ApprovalStatus, Audience, Disposition, Flowchart, Power
from lianfang.powers.selectors import external_catalog, flow_spec
from lianfang.powers.services import PowerData, review, save_flow_content, update_power
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_cycle, make_flow, make_power, simple_flow_spec


def test_power_validation_reports_every_problem(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    make_power(cycle, org.finance, "P1")
    with pytest.raises(ServiceError) as err:
        make_power(
            cycle,
            org.other_dept,
            "P1",
            name="",
            disposition=Disposition.ADJUST,
            is_secret=True,
            audience=Audience.EXTERNAL,
        )
    fields = err.value.field_errors
    assert set(fields) == {"department", "name", "disposition_reason", "is_secret", "code"}
    assert Power.objects.count() == 1


def test_flow_content_round_trips_through_the_database(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance, post=org.cashier)
    spec = flow_spec(flow)
    expected = simple_flow_spec("F1", org.cashier)
    assert [s.code for s in spec.steps] == ["S1", "S2", "S3"]
    assert spec.transitions == expected.transitions
    assert spec.steps[0].post_id == org.cashier.pk


def test_flow_content_rejects_broken_references(org: TwoUnits) -> None:
    from dataclasses import replace

    from lianfang.powers.flowspec import TransitionSpec

    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance)
    bad = replace(simple_flow_spec(), transitions=(TransitionSpec("S1", "S9"),))
    with pytest.raises(ServiceError) as err:
        save_flow_content(SYSTEM, flow, bad)
    assert "S9" in str(err.value)
    assert flow_spec(flow).transitions == simple_flow_spec().transitions


def test_approved_power_cannot_be_edited_until_revised(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    power = make_power(cycle, org.finance, flow=make_flow(cycle, org.finance))
    for action in ("submit", "check", "verify", "approve"):
        review(SYSTEM, power, action)
    power.refresh_from_db()
    assert power.status == ApprovalStatus.APPROVED
    data = PowerData(code=power.code, name="改名", content="x", department=org.finance, bases=[("文件", "")])
    with pytest.raises(ServiceError):
        update_power(SYSTEM, power, data)
    review(SYSTEM, power, "revise")
    power.refresh_from_db()
    update_power(SYSTEM, power, data)
    assert Power.objects.get(pk=power.pk).name == "改名"


def test_next_cycle_copies_drafts_linked_to_last_year_and_compares(org: TwoUnits) -> None:
    cycle = make_cycle(org.college, 2025)
    flow = make_flow(cycle, org.finance)
    kept = make_power(cycle, org.finance, "P1", flow=flow)
    changed = make_power(cycle, org.finance, "P2", flow=flow)
    make_power(cycle, org.finance, "P3", disposition=Disposition.ABOLISH, disposition_reason="职能划转")
    new_cycle = open_next_cycle(SYSTEM, cycle)
    assert new_cycle.year == 2026 and new_cycle.previous == cycle
    copies = {p.code: p for p in Power.objects.filter(cycle=new_cycle)}
    assert set(copies) == {"P1", "P2"}
    assert copies["P1"].predecessor == kept and copies["P1"].status == ApprovalStatus.DRAFT
    new_flow = Flowchart.objects.get(cycle=new_cycle)
    assert new_flow.predecessor == flow and copies["P1"].flow == new_flow
    assert [s.code for s in flow_spec(new_flow).steps] == ["S1", "S2", "S3"]
    p2 = copies["P2"]
    update_power(
        SYSTEM,
        p2,
        PowerData(
            code="P2",
            name="新名称",
            content="具体内容",
            department=org.finance,
            flow=new_flow,
            bases=[("新文件", "第一条")],
        ),
    )
    make_power(new_cycle, org.academic, "P9", disposition=Disposition.NEW, disposition_reason="新增职能")
    assert {c.field for c in power_changes(Power.objects.get(pk=p2.pk))} == {"name", "bases"}
    result = compare_catalog(
        new_cycle, list(Power.objects.filter(cycle=new_cycle)), list(Power.objects.filter(cycle=cycle))
    )
    assert [p.code for p in result.added] == ["P9"]
    assert [p.code for p, _ in result.changed] == ["P2"]
    assert [p.code for p in result.retired] == ["P3"]
    assert [p.code for p in result.unchanged] == ["P1"] and changed.pk != p2.pk
    with pytest.raises(ServiceError):
        open_next_cycle(SYSTEM, cycle)


def test_external_catalog_never_holds_secret_internal_or_unapproved_powers(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance)
    public = make_power(cycle, org.finance, "P1", flow=flow, audience=Audience.EXTERNAL)
    secret = make_power(cycle, org.finance, "P2", flow=flow, is_secret=True)
    internal = make_power(cycle, org.finance, "P3", flow=flow)
    draft = make_power(cycle, org.finance, "P4", flow=flow, audience=Audience.EXTERNAL)
    for p in (public, secret, internal):
        for action in ("submit", "check", "verify", "approve"):
            review(SYSTEM, p, action)
    assert list(external_catalog(cycle)) == [public]
    assert draft.status == ApprovalStatus.DRAFT
