"""Flowchart endpoints (权力运行流程图): meta and content, the approval chain, analysis, SVG and PDF."""

# No `from __future__ import annotations` here: the list filters' types must be real objects, since
# ninja resolves string annotations of a @paginate'd view in the pagination module's namespace.

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from lianfang.accounts.selectors import request_actor
from lianfang.core.actor import Actor
from lianfang.core.i18n import source_text
from lianfang.core.vocabulary import LimitUnit, RiskType
from lianfang.cycles import selectors as cycle_sel
from lianfang.cycles.models import Cycle

from .. import selectors as sel
from .. import services
from ..compare import flow_changes
from ..flowspec import DiscretionSpec, FlowSpec, SeparationSpec, StepKind, StepSpec, TransitionSpec
from ..models import ApprovalStatus, Flowchart, ReviewAction
from .common import ReviewIn, ReviewRecordOut, department_ref, payload_names, resolve_cycle

router = Router(tags=["流程图"])

NAMES = {"department": "department_id"}


# --- content: the FlowSpec as JSON ------------------------------------------------------------------


class StepSchema(Schema):
    code: str = Field(..., description="环节编号，流程内唯一；流转和不相容环节用它指代环节")
    name: str
    kind: StepKind = StepKind.OTHER
    post_id: int | None = Field(None, description="办理岗位（本单位的岗位 ID）")
    handler: str = Field("", description="办理主体；不填时显示岗位名称")
    basis: str = ""
    conditions: str = ""
    materials: str = ""
    time_limit: int | None = None
    limit_unit: LimitUnit = LimitUnit.WORKING_DAYS
    supervision: str = Field("", description="监督渠道")
    applicant_rights: str = ""
    is_start: bool = False


class TransitionSchema(Schema):
    source: str
    target: str
    label: str = Field("", description="条件，如“材料不全”")


class SeparationSchema(Schema):
    first: str
    second: str
    note: str = ""


class DiscretionSchema(Schema):
    violation: str
    circumstance: str = ""
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    measure: str = ""
    basis: str = ""


class FlowContent(Schema):
    steps: list[StepSchema] = Field(default_factory=list)
    transitions: list[TransitionSchema] = Field(default_factory=list)
    separations: list[SeparationSchema] = Field(default_factory=list, description="不相容环节")
    discretion: list[DiscretionSchema] = Field(default_factory=list, description="裁量基准")


def _spec(code: str, name: str, content: FlowContent) -> FlowSpec:
    """The content as a FlowSpec; the services take the flow's code, name and limits from its own fields."""
    return FlowSpec(
        code=code,
        name=name,
        steps=tuple(StepSpec(**s.dict()) for s in content.steps),
        transitions=tuple(TransitionSpec(**t.dict()) for t in content.transitions),
        separations=tuple(SeparationSpec(**p.dict()) for p in content.separations),
        discretion=tuple(DiscretionSpec(**d.dict()) for d in content.discretion),
    )


# --- meta ----------------------------------------------------------------------------------------------


class FlowOut(Schema):
    id: int
    cycle_id: int
    unit_id: int
    department_id: int | None
    code: str
    name: str
    description: str
    statutory_limit: int | None
    statutory_unit: LimitUnit
    promised_limit: int | None
    promised_unit: LimitUnit
    is_secret: bool
    status: ApprovalStatus
    predecessor_id: int | None
    updated_at: datetime


class FlowDetailOut(FlowOut, FlowContent):
    power_codes: list[str] = Field(..., description="使用此流程图的职权编码")
    allowed_actions: list[ReviewAction] = Field(..., description="调用者现在可以执行的审批操作")
    reviews: list[ReviewRecordOut] = Field(..., description="审批记录，按时间先后")


class FlowFields(Schema):
    code: str
    name: str
    department_id: int | None = Field(None, description="办理部门；不填为单位层面的流程")
    description: str = ""
    statutory_limit: int | None = Field(None, description="法定时限")
    statutory_unit: LimitUnit = LimitUnit.WORKING_DAYS
    promised_limit: int | None = Field(None, description="承诺时限")
    promised_unit: LimitUnit = LimitUnit.WORKING_DAYS
    is_secret: bool = False


class FlowIn(FlowFields):
    cycle_id: int
    content: FlowContent | None = Field(None, description="环节、流转、不相容环节、裁量基准（可稍后提交）")


class FlowQuery(Schema):
    cycle_id: int | None = Field(None, description="年度周期；不填为所指单位（或唯一可见单位）的最新年度")
    unit_id: int | None = None
    q: str = Field("", description="搜索名称、编号")
    status: ApprovalStatus | None = None
    department_id: int | None = None


def _data(cycle: Cycle, payload: FlowFields) -> services.FlowData:
    return services.FlowData(
        code=payload.code,
        name=payload.name,
        department=department_ref(cycle, payload.department_id),
        description=payload.description,
        statutory_limit=payload.statutory_limit,
        statutory_unit=payload.statutory_unit,
        promised_limit=payload.promised_limit,
        promised_unit=payload.promised_unit,
        is_secret=payload.is_secret,
    )


def _detail(actor: Actor, flow: Flowchart) -> dict[str, Any]:
    spec = sel.flow_spec(flow)
    return {
        **{name: getattr(flow, name) for name in FlowOut.model_fields},
        "steps": [asdict(s) for s in spec.steps],
        "transitions": [asdict(t) for t in spec.transitions],
        "separations": [asdict(p) for p in spec.separations],
        "discretion": [asdict(d) for d in spec.discretion],
        "power_codes": list(spec.power_codes),
        "allowed_actions": services.allowed_actions(actor, flow),
        "reviews": list(flow.reviews.all()),
    }


@router.get("", response=list[FlowOut], summary="流程图列表（按年度周期）")
@paginate
def list_flows(request: HttpRequest, filters: Query[FlowQuery]) -> Any:
    actor = request_actor(request)
    cycle = resolve_cycle(actor, filters.cycle_id, filters.unit_id)
    qs = sel.flows(actor).filter(cycle=cycle)
    for word in filters.q.split():
        qs = qs.filter(Q(name__icontains=word) | Q(code__icontains=word))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.department_id:
        qs = qs.filter(department_id=filters.department_id)
    return qs


@router.get("/{flow_id}", response=FlowDetailOut, summary="流程图详情（含环节、流转、不相容环节、裁量基准）")
def get_flow(request: HttpRequest, flow_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    return _detail(actor, sel.get_flow(actor, flow_id))


@router.post("", response={201: FlowDetailOut}, summary="新增流程图")
def create_flow(request: HttpRequest, payload: FlowIn) -> Any:
    actor = request_actor(request)
    cycle = cycle_sel.get_cycle(actor, payload.cycle_id)
    content = _spec(payload.code, payload.name, payload.content) if payload.content is not None else None
    with payload_names(NAMES):
        flow = services.create_flow(actor, cycle, _data(cycle, payload), content)
    return HttpStatus(201, _detail(actor, flow))


@router.put("/{flow_id}", response=FlowDetailOut, summary="修改流程图基本信息（草稿或已退回）")
def update_flow(request: HttpRequest, flow_id: int, payload: FlowFields) -> dict[str, Any]:
    actor = request_actor(request)
    flow = sel.get_flow(actor, flow_id)
    with payload_names(NAMES):
        services.update_flow(actor, flow, _data(flow.cycle, payload))
    return _detail(actor, flow)


@router.put("/{flow_id}/content", response=FlowDetailOut, summary="整体替换流程图内容")
def replace_content(request: HttpRequest, flow_id: int, payload: FlowContent) -> dict[str, Any]:
    actor = request_actor(request)
    flow = sel.get_flow(actor, flow_id)
    services.save_flow_content(actor, flow, _spec(flow.code, flow.name, payload))
    return _detail(actor, flow)


@router.delete("/{flow_id}", response={204: None}, summary="删除误录的草稿流程图")
def delete_flow(request: HttpRequest, flow_id: int) -> Any:
    actor = request_actor(request)
    services.delete_draft_flow(actor, sel.get_flow(actor, flow_id))
    return HttpStatus(204, None)


@router.post("/{flow_id}/review", response=FlowDetailOut, summary="审批：提交、审核、审定、退回、重新修订")
def review_flow(request: HttpRequest, flow_id: int, payload: ReviewIn) -> dict[str, Any]:
    actor = request_actor(request)
    services.review(actor, sel.get_flow(actor, flow_id), payload.action, payload.comment)
    return _detail(actor, sel.get_flow(actor, flow_id))


# --- analysis and drawings -------------------------------------------------------------------------------


class FindingOut(Schema):
    kind: str
    kind_label: str
    step_codes: list[str]
    message: str
    suggested_risk_type: RiskType
    suggested_risk_type_label: str
    suggested_risk: str


class FlowFieldChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class StepChangeOut(Schema):
    code: str
    name: str
    change: str = Field(..., description="added 新增 | removed 删除 | changed 修改")
    fields: list[FlowFieldChangeOut]


class FlowCompareOut(Schema):
    has_predecessor: bool
    fields: list[FlowFieldChangeOut]
    steps: list[StepChangeOut]


@router.get("/{flow_id}/compare", response=FlowCompareOut, summary="与上一年度比较：流程与逐个环节的变化")
def compare_flow(request: HttpRequest, flow_id: int) -> Any:
    flow = sel.get_flow(request_actor(request), flow_id)
    previous = flow.predecessor
    fields, steps = flow_changes(flow, sel.flow_spec(flow), sel.flow_spec(previous) if previous else None)
    return {
        "has_predecessor": previous is not None,
        "fields": [asdict(c) for c in fields],
        "steps": [{**asdict(sc), "fields": [asdict(c) for c in sc.fields]} for sc in steps],
    }


@router.get("/{flow_id}/analysis", response=list[FindingOut], summary="顺推法分析：可能存在廉政风险的环节")
def analyse(request: HttpRequest, flow_id: int) -> list[dict[str, Any]]:
    from ..analysis import FindingKind, analyse_flow

    flow = sel.get_flow(request_actor(request), flow_id)
    return [
        {
            **asdict(f),
            "kind_label": source_text(FindingKind(f.kind).label),
            "suggested_risk_type_label": source_text(RiskType(f.suggested_risk_type).label),
        }
        for f in analyse_flow(sel.flow_spec(flow))
    ]


@router.get("/{flow_id}/svg", summary="流程图（SVG 图片）", response={200: None})
def flow_svg(request: HttpRequest, flow_id: int, findings: bool = False) -> HttpResponse:
    """`findings=true` draws the analysis findings beside the steps they concern."""
    from ..analysis import FindingKind, analyse_flow
    from ..render_svg import StepMarker
    from ..render_svg import flow_svg as draw

    spec = sel.flow_spec(sel.get_flow(request_actor(request), flow_id))
    markers: dict[str, list[StepMarker]] = {}
    if findings:
        for f in analyse_flow(spec):
            for code in f.step_codes:
                markers.setdefault(code, []).append(StepMarker(source_text(FindingKind(f.kind).label)))
    return HttpResponse(draw(spec, markers=markers or None), content_type="image/svg+xml; charset=utf-8")


@router.get("/{flow_id}/pdf", summary="流程图（PDF 文件）", response={200: None})
def flow_pdf(request: HttpRequest, flow_id: int) -> HttpResponse:
    from ..render_pdf import flow_pdf as render

    flow = sel.get_flow(request_actor(request), flow_id)
    spec = sel.flow_spec(flow)
    pdf = render(spec, title=flow.name, meta=_pdf_meta(flow, spec))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"{flow.code}-{flow.name}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


def _pdf_meta(flow: Flowchart, spec: FlowSpec) -> list[tuple[str, str]]:
    from ..render_svg import limit_text

    meta = [
        ("单位", flow.unit.name),
        ("办理部门", flow.department.name if flow.department else "（单位层面）"),
        ("年度", str(flow.cycle)),
        ("流程编号", flow.code),
        ("法定时限", limit_text(flow.statutory_limit, flow.statutory_unit) or "—"),
        ("承诺时限", limit_text(flow.promised_limit, flow.promised_unit) or "—"),
    ]
    if spec.power_codes:
        meta.append(("适用职权", "、".join(spec.power_codes)))
    if flow.is_secret:
        meta.append(("密级", "涉密"))
    return meta
