"""顺推法 in one action: draft risk points from a flowchart's analysis findings.

Each finding that suggests a risk becomes one draft risk point:
- subject: the post handling the finding's first step when it has one (an active post of the cycle's unit)
  → a post risk point; else the flow's department → a department risk point; a unit-level flow → the unit;
- name and type: the finding's suggested risk and risk type; found by 顺推法 (FoundBy.FORWARD);
- power: a power of the cycle using the flow, if any (the first by code); step: the finding's first step,
  and the duty is that step's name; the finding's message goes into the notes.

A finding that already produced a risk point is skipped: same step and same name in the cycle (for
findings without a step: same name on the same subject without a step). All drafts are made or none: a
draft the actor may not make refuses the whole action, naming the post or department.
"""

from __future__ import annotations

from django.db import transaction

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.core.actor import Actor
from lianfang.core.errors import PermissionDeniedError, ServiceError
from lianfang.org.models import Status
from lianfang.powers.analysis import analyse_flow
from lianfang.powers.models import Flowchart, FlowStep
from lianfang.powers.selectors import flow_spec

from ..models import RiskPoint
from ..vocabulary import FoundBy, SubjectKind
from .common import clean, subject_path
from .register import RiskData, create_risk


def _subject(flow: Flowchart, step: FlowStep | None) -> tuple[str, RiskData]:
    post = step.post if step is not None else None
    usable = (
        post is not None
        and post.status == Status.ACTIVE
        and post.department.unit_id == flow.cycle.unit_id
        and post.department.status == Status.ACTIVE
    )
    if usable:
        assert post is not None
        return f"岗位“{post.name}”", RiskData(subject_kind=SubjectKind.POST, name="", post=post)
    if flow.department is not None:
        dept = flow.department
        return f"部门“{dept.name}”", RiskData(subject_kind=SubjectKind.DEPARTMENT, name="", department=dept)
    return f"单位“{flow.unit.name}”", RiskData(subject_kind=SubjectKind.UNIT, name="")


@transaction.atomic
def drafts_from_findings(actor: Actor, flow: Flowchart) -> list[RiskPoint]:
    """The draft risk points made from the flow's findings (none when every finding already has one)."""
    require(actor, Action.VIEW, ObjectType.FLOW, flow.path)
    cycle = flow.cycle
    steps = {s.code: s for s in flow.steps.select_related("post", "post__department")}
    power = flow.powers.filter(cycle=cycle).order_by("code", "id").first()
    findings = [f for f in analyse_flow(flow_spec(flow)) if clean(f.suggested_risk)]
    names = {clean(f.suggested_risk) for f in findings}
    existing = RiskPoint.objects.filter(cycle=cycle, name__in=names)
    on_steps = set(existing.filter(step__isnull=False).values_list("step_id", "name"))
    off_steps = set(existing.filter(step__isnull=True).values_list("path", "name"))
    made: list[RiskPoint] = []
    for finding in findings:
        name = clean(finding.suggested_risk)
        step = next((steps[c] for c in finding.step_codes if c in steps), None)
        who, data = _subject(flow, step)
        path = subject_path(cycle, data.subject_kind, data.department, data.post)
        if (step is not None and (step.pk, name) in on_steps) or (step is None and (path, name) in off_steps):
            continue
        data.name = name
        data.risk_type = finding.suggested_risk_type
        data.found_by = FoundBy.FORWARD
        data.power = power
        data.step = step
        data.duty = step.name if step is not None else ""
        data.notes = f"流程分析发现（{flow.code} {flow.name}）：{finding.message}"
        try:
            risk = create_risk(actor, cycle, data)
        except PermissionDeniedError as exc:
            raise PermissionDeniedError(f"您无权为{who}建立风险点草稿，未生成任何草稿") from exc
        except ServiceError as exc:
            raise ServiceError(f"“{name}”未能生成草稿：{exc.message}；未生成任何草稿") from exc
        made.append(risk)
        if step is not None:
            on_steps.add((step.pk, name))
        else:
            off_steps.add((path, name))
    return made
