"""Power catalog endpoints (职权目录): list, read, edit, the approval chain, comparison with last year."""

# No `from __future__ import annotations` here: the list filters' types must be real objects, since
# ninja resolves string annotations of a @paginate'd view in the pagination module's namespace.

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from lianfang.accounts.selectors import request_actor
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.cycles import selectors as cycle_sel
from lianfang.cycles.models import Cycle

from .. import selectors as sel
from .. import services
from ..compare import power_changes
from ..models import ApprovalStatus, Audience, Disposition, Power, PowerCategory, ReviewAction
from .common import ReviewIn, ReviewRecordOut, department_ref, payload_names, post_refs, resolve_cycle

router = Router(tags=["职权目录"])

# Service field names → the names this API takes.
NAMES = {"department": "department_id", "posts": "post_ids", "flow": "flow_id"}


class BasisSchema(Schema):
    document: str = Field(..., description="依据文件，如《中华人民共和国行政许可法》")
    article: str = Field("", description="条款，如第三十二条")


class PostRefOut(Schema):
    id: int
    name: str
    department_id: int


class PowerOut(Schema):
    id: int
    cycle_id: int
    unit_id: int
    department_id: int | None
    code: str
    name: str
    content: str
    category: PowerCategory
    audience: Audience
    handler_text: str
    bases: list[BasisSchema]
    post_ids: list[int]
    disposition: Disposition
    disposition_reason: str
    is_secret: bool
    flow_id: int | None
    status: ApprovalStatus
    predecessor_id: int | None
    sort_order: int
    updated_at: datetime

    @staticmethod
    def resolve_post_ids(obj: Power) -> list[int]:
        return sorted(p.pk for p in obj.posts.all())


class PowerDetailOut(PowerOut):
    posts: list[PostRefOut]
    allowed_actions: list[ReviewAction] = Field(..., description="调用者现在可以执行的审批操作")
    reviews: list[ReviewRecordOut] = Field(..., description="审批记录，按时间先后")

    @staticmethod
    def resolve_allowed_actions(obj: Power, context: dict[str, Any]) -> list[str]:
        return services.allowed_actions(request_actor(context["request"]), obj)


class PowerFields(Schema):
    code: str
    name: str
    content: str = ""
    category: PowerCategory = PowerCategory.OTHER
    audience: Audience = Audience.INTERNAL
    department_id: int | None = Field(None, description="办理部门；不填为单位层面的职权")
    handler_text: str = ""
    post_ids: list[int] = Field(default_factory=list, description="办理岗位")
    bases: list[BasisSchema] = Field(default_factory=list, description="制度依据")
    disposition: Disposition = Disposition.KEEP
    disposition_reason: str = ""
    is_secret: bool = False
    flow_id: int | None = None
    sort_order: int = 0


class PowerIn(PowerFields):
    cycle_id: int


class CatalogQuery(Schema):
    cycle_id: int | None = Field(None, description="年度周期；不填为所指单位（或唯一可见单位）的最新年度")
    unit_id: int | None = None
    q: str = Field("", description="搜索名称、编码、内容、办理主体、依据")
    category: PowerCategory | None = None
    audience: Audience | None = None
    status: ApprovalStatus | None = None
    disposition: Disposition | None = None
    department_id: int | None = None
    secret: bool | None = None


class FieldChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


def _data(actor: Actor, cycle: Cycle, payload: PowerFields) -> services.PowerData:
    flow = None
    if payload.flow_id is not None:
        flow = sel.flows(actor).filter(pk=payload.flow_id, cycle=cycle).first()
        if flow is None:
            raise ServiceError(
                f"流程图（ID {payload.flow_id}）不在该年度周期或不在您的权限范围内", field="flow_id"
            )
    return services.PowerData(
        code=payload.code,
        name=payload.name,
        content=payload.content,
        category=payload.category,
        audience=payload.audience,
        department=department_ref(cycle, payload.department_id),
        handler_text=payload.handler_text,
        posts=post_refs(cycle, payload.post_ids),
        bases=[(b.document, b.article) for b in payload.bases],
        disposition=payload.disposition,
        disposition_reason=payload.disposition_reason,
        is_secret=payload.is_secret,
        flow=flow,
        sort_order=payload.sort_order,
    )


@router.get("", response=list[PowerOut], summary="职权目录（按年度周期，可筛选）")
@paginate
def list_powers(request: HttpRequest, filters: Query[CatalogQuery]) -> Any:
    actor = request_actor(request)
    cycle = resolve_cycle(actor, filters.cycle_id, filters.unit_id)
    f = sel.CatalogFilter(
        q=filters.q.strip(),
        category=filters.category or "",
        audience=filters.audience or "",
        status=filters.status or "",
        disposition=filters.disposition or "",
        department_id=filters.department_id,
        secret=filters.secret,
    )
    return sel.with_details(sel.catalog(actor, cycle, f))


@router.get("/{power_id}", response=PowerDetailOut, summary="职权详情（含依据、岗位、审批记录）")
def get_power(request: HttpRequest, power_id: int) -> Power:
    return sel.get_power(request_actor(request), power_id)


@router.post("", response={201: PowerDetailOut}, summary="新增职权")
def create_power(request: HttpRequest, payload: PowerIn) -> Any:
    actor = request_actor(request)
    cycle = cycle_sel.get_cycle(actor, payload.cycle_id)
    with payload_names(NAMES):
        power = services.create_power(actor, cycle, _data(actor, cycle, payload))
    return HttpStatus(201, sel.get_power(actor, power.pk))


@router.put("/{power_id}", response=PowerDetailOut, summary="修改职权（草稿或已退回）")
def update_power(request: HttpRequest, power_id: int, payload: PowerFields) -> Power:
    actor = request_actor(request)
    power = sel.get_power(actor, power_id)
    with payload_names(NAMES):
        services.update_power(actor, power, _data(actor, power.cycle, payload))
    return sel.get_power(actor, power.pk)


@router.delete("/{power_id}", response={204: None}, summary="删除误录的草稿职权")
def delete_power(request: HttpRequest, power_id: int) -> Any:
    actor = request_actor(request)
    services.delete_draft_power(actor, sel.get_power(actor, power_id))
    return HttpStatus(204, None)


@router.post("/{power_id}/review", response=PowerDetailOut, summary="审批：提交、审核、审定、退回、重新修订")
def review_power(request: HttpRequest, power_id: int, payload: ReviewIn) -> Power:
    actor = request_actor(request)
    services.review(actor, sel.get_power(actor, power_id), payload.action, payload.comment)
    return sel.get_power(actor, power_id)


@router.get("/{power_id}/compare", response=list[FieldChangeOut], summary="与上一年度比较的变化")
def compare_power(request: HttpRequest, power_id: int) -> Any:
    return power_changes(sel.get_power(request_actor(request), power_id))
