"""Year over year for one flowchart: its fields and each step (matched by code), on the page and the API."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.test import Client
from django.urls import reverse

from lianfang.accounts.models import Role
from lianfang.cycles.services import open_next_cycle
from lianfang.powers.compare import flow_changes
from lianfang.powers.flowspec import StepSpec, TransitionSpec
from lianfang.powers.models import Flowchart
from lianfang.powers.selectors import flow_spec
from lianfang.powers.services import FlowData, save_flow_content, update_flow
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_cycle, make_flow, user_with_role


@pytest.fixture
def carried(org: TwoUnits) -> Flowchart:
    """Last year's 受理 → 审核 → 决定 flow carried into this year, then changed."""
    old_cycle = make_cycle(org.college, 2025)
    make_flow(old_cycle, org.finance)
    new_cycle = open_next_cycle(SYSTEM, old_cycle)
    flow = Flowchart.objects.get(cycle=new_cycle)
    spec = flow_spec(flow)
    steps = list(spec.steps)
    steps[1] = replace(steps[1], name="科长审核", time_limit=3)  # S2 renamed, limit changed
    steps.append(StepSpec("S4", "公示", "supervise", handler="办公室", supervision="公示栏"))
    transitions = [t for t in spec.transitions if t.source != "S2" or t.target != "S1"]
    transitions.append(TransitionSpec("S3", "S4"))
    save_flow_content(SYSTEM, flow, replace(spec, steps=tuple(steps), transitions=tuple(transitions)))
    update_flow(
        SYSTEM,
        flow,
        FlowData(
            code=flow.code, name=flow.name, department=org.finance, statutory_limit=15, promised_limit=10
        ),
    )
    flow.refresh_from_db()
    return flow


def test_flow_changes_field_by_field_and_step_by_step(carried: Flowchart) -> None:
    previous = carried.predecessor
    assert previous is not None
    fields, steps = flow_changes(carried, flow_spec(carried), flow_spec(previous))
    assert [(c.field, c.before, c.after) for c in fields] == [("statutory", "20个工作日", "15个工作日")]
    summary = {(s.code, s.change): [(c.field, c.before, c.after) for c in s.fields] for s in steps}
    assert summary == {
        ("S2", "changed"): [
            ("name", "审核", "科长审核"),
            ("limit", "2个工作日", "3个工作日"),
            ("next", "决定、受理（补正）", "决定"),
        ],
        ("S3", "changed"): [("next", "", "公示")],
        ("S4", "added"): [],
    }


def test_new_flow_has_nothing_to_compare(org: TwoUnits) -> None:
    flow = make_flow(make_cycle(org.college), org.finance)
    assert flow_changes(flow, flow_spec(flow), None) == ([], [])


def test_flow_page_and_api_show_the_changes(org: TwoUnits, carried: Flowchart) -> None:
    client = Client()
    client.force_login(user_with_role(Role.SUPERVISOR, org.college))
    html = client.get(reverse("powers:flow_detail", args=[carried.pk])).content.decode()
    section = html[html.index('id="flow-compare"') :]
    for text in ("科长审核", "新增环节", "15个工作日", "20个工作日"):
        assert text in section, text
    data = client.get(f"/api/flows/{carried.pk}/compare").json()
    assert data["has_predecessor"] is True
    assert [(s["code"], s["change"]) for s in data["steps"]] == [
        ("S2", "changed"),
        ("S3", "changed"),
        ("S4", "added"),
    ]
