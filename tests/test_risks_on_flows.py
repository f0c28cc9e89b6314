"""Risk points on flowcharts: markers on their steps coloured by level, the list under the steps, and draft
risk points made from the flow-analysis findings in one action (顺推法)."""

from __future__ import annotations

import pytest
from django.test import Client

from lianfang.accounts.models import Role
from lianfang.core.errors import PermissionDeniedError
from lianfang.cycles.models import Cycle
from lianfang.powers.flowspec import FlowSpec, StepSpec, TransitionSpec
from lianfang.powers.models import Flowchart, FlowStep
from lianfang.powers.render_svg import MARKER_COLOURS
from lianfang.powers.services import save_flow_content
from lianfang.powers.views.diagram import risk_markers
from lianfang.risks.models import RiskPoint
from lianfang.risks.services import RiskData, drafts_from_findings
from lianfang.risks.vocabulary import FoundBy, SubjectKind
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, make_cycle, make_flow, make_power, user_with_role
from tests.risk_factories import make_risk

pytestmark = pytest.mark.django_db


def _spec(org: TwoUnits, s2_post: int | None = None) -> FlowSpec:
    """受理 and 决定 by the same post (一口进、一口出), 受理 without a time limit, 审核 without post or limit,
    决定 without supervision."""
    teacher = org.teacher.pk
    return FlowSpec(
        code="F1",
        name="学籍异动审批",
        steps=(
            StepSpec("S1", "受理申请", "accept", teacher, "教学秘书", supervision="纪委", is_start=True),
            StepSpec("S2", "审核", "check", s2_post, "教务处长", supervision="纪委"),
            StepSpec("S3", "作出决定", "decide", teacher, "教学秘书", time_limit=2),
        ),
        transitions=(TransitionSpec("S1", "S2"), TransitionSpec("S2", "S3")),
        statutory_limit=20,
        promised_limit=10,
    )


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    return make_cycle(org.college, 2026)


@pytest.fixture
def flow(org: TwoUnits, cycle: Cycle) -> Flowchart:
    flow = make_flow(cycle, org.academic, "F1", post=org.teacher)
    flow = save_flow_content(SYSTEM, flow, _spec(org))
    flow.refresh_from_db()
    return flow


def _step(flow: Flowchart, code: str) -> FlowStep:
    return flow.steps.get(code=code)


EXPECTED = [
    # (name, subject kind, post, department, step, duty, risk type)
    ("受理申请环节未规定办理时限，可能无故拖延", "post", "教学秘书", "教务处", "S1", "受理申请", "process"),
    ("审核环节未规定办理时限，可能无故拖延", "department", None, "教务处", "S2", "审核", "process"),
    (
        "作出决定环节缺少监督制约，可能出现违规办理",
        "post",
        "教学秘书",
        "教务处",
        "S3",
        "作出决定",
        "institution",
    ),
    (
        "受理与决定均由教学秘书办理（一口进、一口出），可能暗箱操作、以权谋私",
        "post",
        "教学秘书",
        "教务处",
        "S1",
        "受理申请",
        "duty",
    ),
]


def _drafts() -> list[tuple[object, ...]]:
    rows = RiskPoint.objects.order_by("id").select_related("post", "department", "step")
    return [
        (
            r.name,
            r.subject_kind,
            r.post.name if r.post else None,
            r.department.name if r.department else None,
            r.step.code if r.step else None,
            r.duty,
            r.risk_type,
        )
        for r in rows
    ]


def test_drafts_from_findings_one_per_finding(org: TwoUnits, flow: Flowchart) -> None:
    power = make_power(flow.cycle, org.academic, "JW-001", name="学籍异动审批", flow=flow)
    made = drafts_from_findings(SYSTEM, flow)
    assert _drafts() == EXPECTED
    assert [r.pk for r in made] == list(RiskPoint.objects.order_by("id").values_list("pk", flat=True))
    assert {r.found_by for r in made} == {FoundBy.FORWARD}
    assert {r.power_id for r in made} == {power.pk}
    assert {r.status for r in made} == {"draft"}
    assert made[0].notes == "流程分析发现（F1 流程F1）：环节“受理申请”未规定办理时限"


def test_a_finding_without_a_step_drafts_on_the_flows_department(org: TwoUnits, cycle: Cycle) -> None:
    """No start step (and every step with its own handler, limit and supervision): one finding, no step."""
    flow = make_flow(cycle, org.academic, "F2")
    steps = tuple(
        StepSpec(s.code, s.name, s.kind, None, f"经办人{s.code}", time_limit=1, supervision="纪委")
        for s in _spec(org).steps
    )
    save_flow_content(
        SYSTEM, flow, FlowSpec(code="F2", name="无开始环节", steps=steps, transitions=_spec(org).transitions)
    )
    made = drafts_from_findings(SYSTEM, flow)
    assert [(r.name, r.subject_kind, r.department_id, r.step_id, r.duty, r.power_id) for r in made] == [
        ("办理起点不明确，可能随意受理或拒绝受理", SubjectKind.DEPARTMENT, org.academic.pk, None, "", None)
    ]
    assert drafts_from_findings(SYSTEM, flow) == []


def test_drafts_are_idempotent(org: TwoUnits, flow: Flowchart) -> None:
    assert len(drafts_from_findings(SYSTEM, flow)) == 4
    assert drafts_from_findings(SYSTEM, flow) == []
    assert RiskPoint.objects.count() == 4


def test_a_risk_written_by_hand_on_the_step_counts_as_drafted(org: TwoUnits, flow: Flowchart) -> None:
    make_risk(
        flow.cycle,
        RiskData(
            subject_kind=SubjectKind.DEPARTMENT,
            department=org.academic,
            name="审核环节未规定办理时限，可能无故拖延",
            step=_step(flow, "S2"),
        ),
    )
    made = drafts_from_findings(SYSTEM, flow)
    assert len(made) == 3
    assert "审核环节未规定办理时限，可能无故拖延" not in [r.name for r in made]


def test_a_liaison_drafts_in_their_department(org: TwoUnits, flow: Flowchart) -> None:
    liaison = actor_of(user_with_role(Role.LIAISON, org.academic))
    assert len(drafts_from_findings(liaison, flow)) == 4


def test_a_liaison_of_another_department_cannot(org: TwoUnits, flow: Flowchart) -> None:
    other = actor_of(user_with_role(Role.LIAISON, org.finance))
    with pytest.raises(PermissionDeniedError):
        drafts_from_findings(other, flow)
    assert RiskPoint.objects.count() == 0


def test_a_step_of_another_departments_post_refuses_all_drafts(org: TwoUnits, cycle: Cycle) -> None:
    flow = make_flow(cycle, org.academic, "F2", post=org.teacher)
    save_flow_content(SYSTEM, flow, _spec(org, s2_post=org.cashier.pk))
    liaison = actor_of(user_with_role(Role.LIAISON, org.academic))
    with pytest.raises(PermissionDeniedError) as err:
        drafts_from_findings(liaison, flow)
    assert err.value.message == "您无权为岗位“出纳”建立风险点草稿，未生成任何草稿"
    assert RiskPoint.objects.count() == 0


# --- on the page --------------------------------------------------------------------------------------


def _on_step(flow: Flowchart, code: str, name: str, level: str) -> RiskPoint:
    risk = make_risk(
        flow.cycle,
        RiskData(
            subject_kind=SubjectKind.DEPARTMENT, department=flow.department, name=name, step=_step(flow, code)
        ),
    )
    RiskPoint.objects.filter(pk=risk.pk).update(level=level)
    return risk


def test_risk_markers_truncate_and_keep_the_level() -> None:
    markers = risk_markers(
        [("S1", "一二三四五六七八九十一二三四五六", "high"), ("S1", "短", ""), ("S2", "中", "medium")]
    )
    assert [(m.label, m.level) for m in markers["S1"]] == [
        ("一二三四五六七八九十一二三…", "high"),
        ("短", "finding"),
    ]
    assert [(m.label, m.level) for m in markers["S2"]] == [("中", "medium")]


def test_markers_appear_on_the_diagram_coloured_by_level(org: TwoUnits, flow: Flowchart) -> None:
    _on_step(flow, "S1", "违规受理", "high")
    _on_step(flow, "S2", "审核把关不严", "medium")
    _on_step(flow, "S3", "决定不公开", "low")
    client = Client()
    client.force_login(user_with_role(Role.SUPERVISOR, org.college))
    html = client.get(f"/powers/flows/{flow.pk}/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    for level, name in (("high", "违规受理"), ("medium", "审核把关不严"), ("low", "决定不公开")):
        assert f'class="marker marker-{level}"' in svg
        assert MARKER_COLOURS[level] in svg
        assert name in svg
    assert "marker-finding" not in svg  # the analysis markers stay off unless asked for
    listed = html[html.index('id="flow-risks"') :]
    assert listed.index("违规受理") < listed.index("审核把关不严") < listed.index("决定不公开")
    assert "将分析发现生成风险点草稿" in listed


def test_the_draft_button_and_its_action(org: TwoUnits, flow: Flowchart) -> None:
    liaison = Client()
    liaison.force_login(user_with_role(Role.LIAISON, org.academic))
    response = liaison.post(f"/powers/flows/{flow.pk}/risk-drafts/")
    assert response.status_code == 302 and response["Location"].endswith(
        f"/powers/flows/{flow.pk}/#flow-risks"
    )
    assert RiskPoint.objects.count() == 4
    page = liaison.get(f"/powers/flows/{flow.pk}/").content.decode()
    assert "已根据流程分析发现生成 4 个风险点草稿。" in page
    liaison.post(f"/powers/flows/{flow.pk}/risk-drafts/")
    assert RiskPoint.objects.count() == 4
    assert (
        "每项分析发现都已生成过风险点草稿，没有重复生成。"
        in liaison.get(f"/powers/flows/{flow.pk}/").content.decode()
    )

    holder = Client()
    holder.force_login(user_with_role(Role.POST_HOLDER, org.academic))
    assert "将分析发现生成风险点草稿" not in holder.get(f"/powers/flows/{flow.pk}/").content.decode()
    outsider = Client()
    outsider.force_login(user_with_role(Role.LIAISON, org.finance))
    assert outsider.post(f"/powers/flows/{flow.pk}/risk-drafts/").status_code in (403, 404)
    assert RiskPoint.objects.count() == 4
