"""The role × scope matrix of the catalog (cycles, powers, flowcharts), written out by hand.

As in tests/matrix.py: unit-level roles are granted over the college, department-level roles over its 财务处
(the objects sit in its sub-department 核算科); "out" objects belong to another unit and are never reachable.
Letters: V view, C create, E edit (for a cycle: close it), R delete a draft. Department-level roles see the
cycle of the unit their department belongs to, because that is the year they work in.
"""

from __future__ import annotations

import pytest

from lianfang.accounts.models import Role
from lianfang.core.actor import Actor
from lianfang.core.errors import PermissionDeniedError
from lianfang.cycles import selectors as cycle_selectors
from lianfang.cycles.services import close_cycle, create_cycle
from lianfang.powers import selectors
from lianfang.powers.services import (
    FlowData,
    PowerData,
    create_flow,
    create_power,
    delete_draft_flow,
    delete_draft_power,
    update_flow,
    update_power,
)
from tests.conftest import TwoUnits, actor_of
from tests.factories import make_cycle, make_flow, make_power, user_with_role

EXPECTED_TEXT = """
role         cycle  power  flow
sysadmin     V      -      -
secadmin     -      -      -
auditadmin   -      -      -
supervisor   VCE    VCER   VCER
unit_leader  V      V      V
dept_head    V      VCER   VCER
liaison      V      VCE    VCE
post_holder  V      V      V
"""
UNIT_LEVEL = {Role.SYSADMIN, Role.SECADMIN, Role.AUDITADMIN, Role.SUPERVISOR, Role.UNIT_LEADER}


def expected() -> dict[str, dict[str, set[str]]]:
    lines = [line.split() for line in EXPECTED_TEXT.strip().splitlines()]
    table = {
        row[0]: {t: set(c) - {"-"} for t, c in zip(lines[0][1:], row[1:], strict=True)} for row in lines[1:]
    }
    assert set(table) == set(Role.values)
    return table


def _allowed(work: object) -> bool:
    try:
        work()  # type: ignore[operator]
    except PermissionDeniedError:
        return False
    return True


def _power_data(code: str, department: object, flow: object = None) -> PowerData:
    return PowerData(code=code, name=f"职权{code}", content="内容", department=department, flow=flow)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", Role.values)
def test_catalog_matrix_through_services(org: TwoUnits, role: str) -> None:
    want = expected()[role]
    cycle_in, cycle_out = make_cycle(org.college), make_cycle(org.other)
    flow_in, flow_out = make_flow(cycle_in, org.finance_office), make_flow(cycle_out, org.other_dept)
    power_in = make_power(cycle_in, org.finance_office, flow=flow_in)
    power_out = make_power(cycle_out, org.other_dept, flow=flow_out)
    spare_flow_in = make_flow(cycle_in, org.finance_office, code="F2")
    spare_flow_out = make_flow(cycle_out, org.other_dept, code="F2")
    spare_power_out = make_power(cycle_out, org.other_dept, "P2")
    node = org.college if role in UNIT_LEVEL else org.finance
    actor: Actor = actor_of(user_with_role(role, node))

    got: dict[str, set[str]] = {"cycle": set(), "power": set(), "flow": set()}
    # View: what the scoped selectors return; the other unit's objects never.
    visible_cycles = set(cycle_selectors.cycles(actor))
    assert cycle_out not in visible_cycles
    if cycle_in in visible_cycles:
        got["cycle"].add("V")
    assert power_out not in set(selectors.powers(actor)) and flow_out not in set(selectors.flows(actor))
    if power_in in set(selectors.powers(actor)):
        got["power"].add("V")
    if flow_in in set(selectors.flows(actor)):
        got["flow"].add("V")
    # Create, in scope and out of it.
    if _allowed(lambda: create_power(actor, cycle_in, _power_data("N1", org.finance_office))):
        got["power"].add("C")
    assert not _allowed(lambda: create_power(actor, cycle_out, _power_data("N1", org.other_dept)))
    if _allowed(
        lambda: create_flow(
            actor, cycle_in, FlowData(code="NF", name="新流程", department=org.finance_office)
        )
    ):
        got["flow"].add("C")
    assert not _allowed(
        lambda: create_flow(actor, cycle_out, FlowData(code="NF", name="新流程", department=org.other_dept))
    )
    if _allowed(lambda: create_cycle(actor, unit=org.college, year=2031)):
        got["cycle"].add("C")
    assert not _allowed(lambda: create_cycle(actor, unit=org.other, year=2031))
    # Edit.
    if _allowed(
        lambda: update_power(actor, power_in, _power_data(power_in.code, org.finance_office, flow_in))
    ):
        got["power"].add("E")
    assert not _allowed(lambda: update_power(actor, power_out, _power_data(power_out.code, org.other_dept)))
    if _allowed(
        lambda: update_flow(actor, flow_in, FlowData(code="F1", name="改名", department=org.finance_office))
    ):
        got["flow"].add("E")
    assert not _allowed(
        lambda: update_flow(actor, flow_out, FlowData(code="F1", name="改名", department=org.other_dept))
    )
    # Delete a draft.
    if _allowed(lambda: delete_draft_power(actor, power_in)):
        got["power"].add("R")
    assert not _allowed(lambda: delete_draft_power(actor, spare_power_out))
    if _allowed(lambda: delete_draft_flow(actor, spare_flow_in)):
        got["flow"].add("R")
    assert not _allowed(lambda: delete_draft_flow(actor, spare_flow_out))
    # Closing the year comes last: nothing can be written into a closed cycle.
    if _allowed(lambda: close_cycle(actor, cycle_in)):
        got["cycle"].add("E")
    assert not _allowed(lambda: close_cycle(actor, cycle_out))
    assert got == want
