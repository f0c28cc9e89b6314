"""Carrying the risk register into next year: drafts linked to last year's risk points, manifestations and
measures copied (evidence not), the level kept on its frozen matrix version, power and step remapped, risk
points of retired posts left behind and counted."""

from __future__ import annotations

import datetime as dt
import json

from lianfang.audit.models import AuditEntry
from lianfang.cycles.services import COPY_FORWARD, open_next_cycle
from lianfang.org import services as org_services
from lianfang.powers.models import Power
from lianfang.risks.copying import CARRIED_BY
from lianfang.risks.models import (
    Assessment,
    AssessmentSource,
    GradingMatrix,
    MeasureEvidence,
    RiskPoint,
    RiskStatus,
)
from lianfang.risks.services import (
    MeasureData,
    RiskData,
    add_evidence,
    add_measure,
    assess,
    create_matrix_version,
)
from lianfang.risks.vocabulary import MeasureCategory, MeasureStatus, RiskLevel, SubjectKind
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, PersonFactory, PostFactory, make_cycle, make_flow, make_power
from tests.risk_factories import dept_risk_data, hand_in, make_risk, post_risk_data

HIGH = {"probability": "high", "harm": "severe"}
LOW = {"probability": "low", "harm": "minor"}


def test_risks_are_copied_after_the_catalog() -> None:
    assert COPY_FORWARD == ["lianfang.powers.copying.copy_catalog", "lianfang.risks.copying.copy_register"]


def test_open_next_cycle_carries_the_register(org: TwoUnits) -> None:
    first = make_cycle(org.college, 2025)
    flow = make_flow(first, org.finance, "F1")
    power = make_power(first, org.finance, "P1", flow=flow)
    step = flow.steps.get(code="S2")
    owner = PersonFactory(unit=org.college, department=org.finance, name="王会计")
    risk = make_risk(
        first,
        post_risk_data(
            org.cashier,
            name="审核把关不严",
            manifestations=["票据审核不严", "违规报销"],
            causes=["oversight_gap"],
            power=power,
            step=step,
            notes="上年度审计发现",
        ),
    )
    measure = add_measure(
        SYSTEM,
        risk,
        MeasureData(
            category=MeasureCategory.PROCESS,
            text="严格层级审批制度",
            owner=owner,
            due_date=dt.date(2025, 6, 30),
            status=MeasureStatus.DONE,
        ),
    )
    add_evidence(SYSTEM, measure, name="审批台账.pdf", content=b"%PDF-1.4 ledger")
    graded = assess(SYSTEM, risk, HIGH)
    hand_in(risk)
    # The matrix changes after the grading: the carried level must keep the version it was made with.
    assert graded.matrix is not None
    create_matrix_version(SYSTEM, org.college, graded.matrix.definition)

    second = open_next_cycle(SYSTEM, first)

    new = RiskPoint.objects.get(cycle=second)
    assert new.predecessor == risk
    assert (new.code, new.name, new.status) == (risk.code, "审核把关不严", RiskStatus.DRAFT)
    assert (new.subject_kind, new.post, new.department, new.path) == (
        SubjectKind.POST,
        org.cashier,
        org.finance_office,
        risk.path,
    )
    assert (new.causes, new.notes) == (["oversight_gap"], "上年度审计发现")
    assert list(new.manifestations.values_list("text", flat=True)) == ["票据审核不严", "违规报销"]
    assert new.search_text == risk.search_text and " 违规报销 " in new.search_text
    # Power and step: this year's copies.
    new_power = Power.objects.get(cycle=second, code="P1")
    assert new.power == new_power and new.power.predecessor == power
    assert new.step is not None and new.step.code == "S2" and new.step.flow_id == new_power.flow_id
    assert new.step.flow.cycle == second
    # Measures copied without last year's evidence.
    copied = new.measures.get()
    assert (copied.category, copied.text, copied.owner, copied.due_date, copied.status) == (
        MeasureCategory.PROCESS,
        "严格层级审批制度",
        owner,
        dt.date(2025, 6, 30),
        MeasureStatus.DONE,
    )
    assert not copied.evidence.exists()
    assert MeasureEvidence.objects.filter(measure__risk__cycle=second).count() == 0
    assert MeasureEvidence.objects.filter(measure=measure).count() == 1
    # The level, as last year's assessment on the same matrix version.
    assert new.level == RiskLevel.HIGH
    carried = Assessment.objects.get(risk=new)
    assert carried.matrix_id == graded.matrix_id
    assert GradingMatrix.objects.filter(unit=org.college).count() == 1  # the newer version exists …
    assert carried.matrix_id != GradingMatrix.objects.get(unit=org.college).pk  # … and was not used
    assert (carried.source, carried.factors, carried.reasons) == (
        AssessmentSource.GRADED,
        HIGH,
        graded.reasons,
    )
    assert carried.created_by == CARRIED_BY
    entry = AuditEntry.objects.get(object_type="risks.register")
    assert entry.object_id == str(second.pk)
    assert json.loads(entry.after) == {"risks": 1, "measures": 1, "skipped": 0, "skipped_codes": []}


def test_carried_high_still_needs_approval_to_go_down(org: TwoUnits) -> None:
    first = make_cycle(org.college, 2025)
    risk = make_risk(first, dept_risk_data(org.finance), measure=True)
    assess(SYSTEM, risk, HIGH)
    second = open_next_cycle(SYSTEM, first)
    new = RiskPoint.objects.get(cycle=second)
    lowered = assess(SYSTEM, new, LOW, justification="新制度已落实，风险降低")
    assert lowered.status == "pending"
    new.refresh_from_db()
    assert new.level == RiskLevel.HIGH


def test_retired_posts_are_left_behind_and_counted(org: TwoUnits) -> None:
    first = make_cycle(org.college, 2025)
    gone = PostFactory(department=org.academic, name="教材管理")
    kept = make_risk(first, post_risk_data(org.teacher, name="调课随意"), measure=True)
    dropped = make_risk(first, post_risk_data(gone, name="教材回扣"), measure=True)
    unit_risk = make_risk(
        first,
        RiskData(subject_kind=SubjectKind.UNIT, name="三重一大决策不集体研究", manifestations=["会前不酝酿"]),
    )
    org_services.retire_post(SYSTEM, gone, on=dt.date(2025, 12, 31))
    assert unit_risk.subject_kind == SubjectKind.UNIT and unit_risk.department is None

    second = open_next_cycle(SYSTEM, first)

    carried = RiskPoint.objects.filter(cycle=second)
    assert sorted(carried.values_list("name", flat=True)) == ["三重一大决策不集体研究", "调课随意"]
    assert {r.predecessor_id for r in carried} == {kept.pk, unit_risk.pk}
    assert carried.get(predecessor=kept).level == ""
    entry = AuditEntry.objects.get(object_type="risks.register")
    assert json.loads(entry.after) == {
        "risks": 2,
        "measures": 1,
        "skipped": 1,
        "skipped_codes": [dropped.code],
    }


def test_abolished_power_leaves_the_risk_without_a_power(org: TwoUnits) -> None:
    from dataclasses import replace

    from lianfang.powers.models import Disposition
    from lianfang.powers.services import PowerData, update_power

    first = make_cycle(org.college, 2025)
    flow = make_flow(first, org.finance, "F1")
    power = make_power(first, org.finance, "P1", flow=flow)
    data = PowerData(
        code="P1",
        name=power.name,
        content=power.content,
        department=org.finance,
        bases=[("《中华人民共和国行政许可法》", "第三十二条")],
        flow=flow,
    )
    update_power(SYSTEM, power, replace(data, disposition=Disposition.ABOLISH, disposition_reason="已取消"))
    make_risk(first, dept_risk_data(org.finance, power=power, step=flow.steps.get(code="S1")))
    second = open_next_cycle(SYSTEM, first)
    new = RiskPoint.objects.get(cycle=second)
    assert new.power is None
    # The flow itself is carried, so the step still has its successor.
    assert new.step is not None and new.step.flow.cycle == second and new.step.code == "S1"
