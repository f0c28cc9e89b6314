"""Writes to flowcharts. The editor, the API and the YAML import all save a whole FlowSpec through
`save_flow_content`, which checks it once and records one audit entry with the flow before and after."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import transaction

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, ServiceError
from lianfang.core.vocabulary import LimitUnit
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post, Status

from ..flowspec import FlowSpec, StepKind
from ..models import DiscretionRule, Flowchart, FlowStep, FlowTransition, SeparationPair
from .common import check_place, clean, place, require_editable, save


@dataclass
class FlowData:
    code: str
    name: str
    department: Department | None = None
    description: str = ""
    statutory_limit: int | None = None
    statutory_unit: str = LimitUnit.WORKING_DAYS
    promised_limit: int | None = None
    promised_unit: str = LimitUnit.WORKING_DAYS
    is_secret: bool = False


def _check_meta(cycle: Cycle, data: FlowData, exclude_pk: int | None) -> None:
    check = Checker()
    check_place(cycle, data.department, check)
    check.require(bool(data.code), "code", "流程编号不能为空")
    check.require(bool(data.name), "name", "流程名称不能为空")
    check.require(data.statutory_unit in LimitUnit.values, "statutory_unit", "时限单位无效")
    check.require(data.promised_unit in LimitUnit.values, "promised_unit", "时限单位无效")
    for name, value in (("statutory_limit", data.statutory_limit), ("promised_limit", data.promised_limit)):
        check.require(value is None or value > 0, name, "时限应为正整数")
    over = bool(
        data.statutory_limit
        and data.promised_limit
        and data.statutory_unit == data.promised_unit
        and data.promised_limit > data.statutory_limit
    )
    check.require(not over, "promised_limit", "承诺时限不能超过法定时限")
    if data.code:
        clash = Flowchart.objects.filter(cycle=cycle, code=data.code).exclude(pk=exclude_pk or 0)
        check.require(not clash.exists(), "code", f"流程编号“{data.code}”在本年度已被使用")
    check.done()


def _apply_meta(flow: Flowchart, data: FlowData) -> None:
    flow.code, flow.name, flow.description = clean(data.code), clean(data.name), clean(data.description)
    flow.department = data.department
    flow.statutory_limit, flow.statutory_unit = data.statutory_limit, data.statutory_unit
    flow.promised_limit, flow.promised_unit = data.promised_limit, data.promised_unit
    flow.is_secret = data.is_secret


def flow_snapshot(flow: Flowchart) -> dict[str, object]:
    from ..selectors import flow_spec  # the spec is read the one way selectors read it

    data = snapshot(flow, exclude=("updated_at",))
    spec = flow_spec(flow)
    data["steps"] = [asdict(s) for s in spec.steps]
    data["transitions"] = [asdict(t) for t in spec.transitions]
    data["separations"] = [asdict(s) for s in spec.separations]
    data["discretion"] = [
        {k: (str(v) if v is not None and k.endswith("amount") else v) for k, v in asdict(d).items()}
        for d in spec.discretion
    ]
    return data


@transaction.atomic
def create_flow(actor: Actor, cycle: Cycle, data: FlowData, content: FlowSpec | None = None) -> Flowchart:
    data.code, data.name = clean(data.code), clean(data.name)
    path = place(cycle, data.department)
    require(actor, Action.CREATE, ObjectType.FLOW, path)
    _check_meta(cycle, data, None)
    flow = Flowchart(cycle=cycle, unit=cycle.unit, path=path)
    _apply_meta(flow, data)
    save(flow, "流程编号重复")
    if content is not None:
        _write_content(flow, _checked_content(flow, content))
    record_change(actor, AuditAction.CREATE, flow, scope_path=path, before=None, after=flow_snapshot(flow))
    return flow


@transaction.atomic
def update_flow(actor: Actor, flow: Flowchart, data: FlowData) -> Flowchart:
    data.code, data.name = clean(data.code), clean(data.name)
    require(actor, Action.EDIT, ObjectType.FLOW, flow.path)
    new_path = place(flow.cycle, data.department)
    if new_path != flow.path:
        require(actor, Action.CREATE, ObjectType.FLOW, new_path)
    require_editable(flow.status, f"流程图“{flow.name}”")
    _check_meta(flow.cycle, data, flow.pk)
    before = flow_snapshot(flow)
    _apply_meta(flow, data)
    flow.path = new_path
    save(flow, "流程编号重复")
    after = flow_snapshot(flow)
    if after != before:
        record_change(actor, AuditAction.UPDATE, flow, scope_path=flow.path, before=before, after=after)
    return flow


def _checked_content(flow: Flowchart, spec: FlowSpec) -> FlowSpec:
    """Every problem with the steps, transitions, separation pairs and discretion rows, at once."""
    check = Checker()
    codes = [clean(s.code) for s in spec.steps]
    seen: set[str] = set()
    post_ids = {s.post_id for s in spec.steps if s.post_id is not None}
    posts = {p.pk: p for p in Post.objects.filter(pk__in=post_ids).select_related("department")}
    for n, step in enumerate(spec.steps, start=1):
        code = clean(step.code)
        where = f"第{n}个环节"
        check.require(bool(code), "steps", f"{where}缺少环节编号")
        check.require(code not in seen, "steps", f"{where}的编号“{code}”重复")
        seen.add(code)
        check.require(bool(clean(step.name)), "steps", f"{where}缺少环节名称")
        check.require(step.kind in StepKind.values, "steps", f"{where}的环节类别无效")
        check.require(step.limit_unit in LimitUnit.values, "steps", f"{where}的时限单位无效")
        check.require(step.time_limit is None or step.time_limit > 0, "steps", f"{where}的办理时限应为正整数")
        if step.post_id is not None:
            post = posts.get(step.post_id)
            ok = post is not None and post.department.unit_id == flow.unit_id and post.status == Status.ACTIVE
            check.require(ok, "steps", f"{where}的办理岗位不属于本单位或已停用")
    known = set(codes)
    for t in spec.transitions:
        ok = clean(t.source) in known and clean(t.target) in known
        check.require(ok, "transitions", f"流转“{t.source}→{t.target}”指向不存在的环节")
    for pair in spec.separations:
        ok = clean(pair.first) in known and clean(pair.second) in known
        check.require(ok, "separations", f"不相容环节“{pair.first}、{pair.second}”指向不存在的环节")
        check.require(clean(pair.first) != clean(pair.second), "separations", "不相容环节应是两个不同的环节")
    for n, rule in enumerate(spec.discretion, start=1):
        check.require(bool(clean(rule.violation)), "discretion", f"裁量基准第{n}行缺少违法情形")
        ok = rule.min_amount is None or rule.max_amount is None or rule.min_amount <= rule.max_amount
        check.require(ok, "discretion", f"裁量基准第{n}行的下限大于上限")
        for amount in (rule.min_amount, rule.max_amount):
            check.require(amount is None or amount >= 0, "discretion", f"裁量基准第{n}行的金额不能为负数")
    check.done()
    return spec


def _write_content(flow: Flowchart, spec: FlowSpec) -> None:
    """Replace the flow's content, keeping the rows of steps whose code survives (risks hang on them)."""
    existing = {s.code: s for s in flow.steps.all()}
    wanted = {clean(s.code) for s in spec.steps}
    flow.transitions.all().delete()
    flow.separations.all().delete()
    flow.discretion.all().delete()
    FlowStep.objects.filter(flow=flow).exclude(code__in=wanted).delete()
    by_code: dict[str, FlowStep] = {}
    for order, s in enumerate(spec.steps):
        code = clean(s.code)
        row = existing.get(code) or FlowStep(flow=flow, code=code)
        row.order = order
        row.name = clean(s.name)
        row.kind = s.kind
        row.post_id = s.post_id
        row.handler = clean(s.handler)
        row.basis, row.conditions, row.materials = clean(s.basis), clean(s.conditions), clean(s.materials)
        row.time_limit, row.limit_unit = s.time_limit, s.limit_unit
        row.supervision, row.applicant_rights = clean(s.supervision), clean(s.applicant_rights)
        row.is_start = s.is_start
        save(row, f"环节编号“{code}”重复")
        by_code[code] = row
    seen: set[tuple[str, str, str]] = set()
    transitions = []
    for t in spec.transitions:
        key = (clean(t.source), clean(t.target), clean(t.label))
        if key not in seen:
            seen.add(key)
            transitions.append(
                FlowTransition(flow=flow, source=by_code[key[0]], target=by_code[key[1]], label=key[2])
            )
    FlowTransition.objects.bulk_create(transitions)
    pairs: set[tuple[str, str]] = set()
    separations = []
    for p in spec.separations:
        a, b = clean(p.first), clean(p.second)
        if (a, b) not in pairs and (b, a) not in pairs:
            pairs.add((a, b))
            separations.append(
                SeparationPair(flow=flow, first=by_code[a], second=by_code[b], note=clean(p.note))
            )
    SeparationPair.objects.bulk_create(separations)
    DiscretionRule.objects.bulk_create(
        DiscretionRule(
            flow=flow,
            order=i,
            violation=clean(d.violation),
            circumstance=clean(d.circumstance),
            min_amount=d.min_amount,
            max_amount=d.max_amount,
            measure=clean(d.measure),
            basis=clean(d.basis),
        )
        for i, d in enumerate(spec.discretion)
    )


@transaction.atomic
def save_flow_content(actor: Actor, flow: Flowchart, spec: FlowSpec) -> Flowchart:
    """Replace the steps, transitions, separation pairs and discretion table of a flow."""
    require(actor, Action.EDIT, ObjectType.FLOW, flow.path)
    require_editable(flow.status, f"流程图“{flow.name}”")
    spec = _checked_content(flow, spec)
    before = flow_snapshot(flow)
    _write_content(flow, spec)
    flow.save(update_fields=["updated_at"])
    after = flow_snapshot(flow)
    if after != before:
        record_change(actor, AuditAction.UPDATE, flow, scope_path=flow.path, before=before, after=after)
    return flow


@transaction.atomic
def delete_draft_flow(actor: Actor, flow: Flowchart) -> None:
    require(actor, Action.RETIRE, ObjectType.FLOW, flow.path)
    if flow.reviews.exists() or flow.predecessor_id or hasattr(flow, "successor") or flow.powers.exists():
        raise ServiceError("该流程图已被职权使用、已有审批记录或跨年度记录，不能删除")
    record_change(
        actor, AuditAction.DELETE, flow, scope_path=flow.path, before=flow_snapshot(flow), after=None
    )
    flow.delete()
