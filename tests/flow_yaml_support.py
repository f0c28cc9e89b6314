"""What the flow YAML tests share: a flow with every field filled, a second year, a broken file."""

from __future__ import annotations

from decimal import Decimal

from lianfang.core.vocabulary import LimitUnit
from lianfang.cycles.models import Cycle
from lianfang.powers.flowspec import (
    DiscretionSpec,
    FlowSpec,
    SeparationSpec,
    StepKind,
    StepSpec,
    TransitionSpec,
)
from lianfang.powers.models import Flowchart
from lianfang.powers.services import FlowData, create_flow
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_cycle, make_power

# --- a flow with every field filled -----------------------------------------------------------------


def rich_spec(org: TwoUnits) -> FlowSpec:
    """Seed 001's 调查处理流程, with every field of every step, labelled branches and a loop."""
    return FlowSpec(
        code="F-JC-01",
        name="对执法人员违纪行为的调查处理流程",
        description="对违纪线索进行初步审查，需要追究行政纪律责任的，予以立案。\n以书面形式送达。",
        steps=(
            StepSpec(
                "S1",
                "初步审查",
                StepKind.REVIEW,
                org.teacher.pk,
                "",
                basis="《行政机关公务员处分条例》",
                conditions="有违纪线索",
                materials="举报材料\n相关证据",
                time_limit=5,
                limit_unit=LimitUnit.WORKING_DAYS,
                supervision="纪委监督",
                applicant_rights="陈述、申辩",
                is_start=True,
            ),
            StepSpec("S2", "立案", StepKind.DECIDE, None, "分管领导", time_limit=3, supervision="纪委"),
            StepSpec(
                "S3",
                "调查",
                StepKind.EXECUTE,
                org.cashier.pk,
                "调查组",
                time_limit=30,
                limit_unit=LimitUnit.CALENDAR_DAYS,
            ),
            StepSpec("S4", "处理决定", StepKind.DECIDE, None, "领导办公会", basis="集体讨论决定"),
            StepSpec(
                "S5",
                "送达",
                StepKind.DELIVER,
                None,
                "监察室",
                time_limit=None,
                limit_unit=LimitUnit.CALENDAR_DAYS,
            ),
            StepSpec("E1", "不予立案", StepKind.OTHER, None, "监察室"),
        ),
        transitions=(
            TransitionSpec("S1", "S2", "需追究责任"),
            TransitionSpec("S1", "E1", "不予立案"),
            TransitionSpec("S2", "S3"),
            TransitionSpec("S3", "S4"),
            TransitionSpec("S3", "S1", "补充线索"),
            TransitionSpec("S4", "S5"),
        ),
        statutory_limit=60,
        statutory_unit=LimitUnit.CALENDAR_DAYS,
        promised_limit=30,
        promised_unit=LimitUnit.WORKING_DAYS,
        separations=(SeparationSpec("S3", "S4", "调查与处理决定分离"), SeparationSpec("S1", "S2")),
        discretion=(
            DiscretionSpec(
                "无故拖延案件办理", "情节较轻", Decimal("1000.50"), Decimal("5000"), "罚款", "第十条"
            ),
            DiscretionSpec("随意行使自由裁量权", measure="记过"),
        ),
    )


def make_rich_flow(org: TwoUnits, cycle: Cycle) -> Flowchart:
    spec = rich_spec(org)
    data = FlowData(
        code=spec.code,
        name=spec.name,
        department=org.academic,
        description=spec.description,
        statutory_limit=spec.statutory_limit,
        statutory_unit=spec.statutory_unit,
        promised_limit=spec.promised_limit,
        promised_unit=spec.promised_unit,
    )
    flow = create_flow(SYSTEM, cycle, data, spec)
    make_power(cycle, org.academic, "P-JC-01", flow=flow)
    make_power(cycle, org.academic, "P-JC-02", flow=flow)
    make_power(cycle, org.academic, "P-JC-03")  # not using the flow
    return flow


def new_year(org: TwoUnits, year: int = 2027) -> Cycle:
    cycle = make_cycle(org.college, year)
    for code in ("P-JC-01", "P-JC-02", "P-JC-03"):
        make_power(cycle, org.academic, code)
    return cycle


BROKEN = """\
format: lianfang-flows
version: 1
unit: COLLEGE
flows:
  - code: F1
    name: 有错误的流程
    department: 招生办
    secret: false
    steps:
      - code: S1
        name: 受理
        kind: 受理
        post: 教务处/教务员
        limit: {days: 1, unit: 工作天}
        start: true
        next: [S2, {to: S9, when: 补正}]
      - code: S2
        nmae: 审核
        name: 审核
      - code: S2
        name: 决定
        kind: 决定
  - code: F2
    name: 正确的流程
    department: 教务处
    steps:
      - {code: A, name: 受理, kind: accept, post: 教务处/教学秘书}
"""
