"""Risk point endpoints (廉政风险点): the filtered register, a risk point with everything on it, edits.
Risk points are handed in with their sheet: /api/review/sheets."""

# No `from __future__ import annotations` here: the list filters' types must be real objects, since
# ninja resolves string annotations of a @paginate'd view in the pagination module's namespace.

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from lianfang.accounts.selectors import request_actor
from lianfang.core.actor import Actor
from lianfang.cycles import selectors as cycle_sel
from lianfang.cycles.models import Cycle
from lianfang.powers.api.common import department_ref, payload_names, resolve_cycle

from .. import selectors as sel
from .. import services
from ..models import RiskPoint
from .common import RISK_NAMES, post_ref, power_ref, risk_with_details, step_ref
from .schemas import RiskDetailOut, RiskFields, RiskIn, RiskOut, RiskQuery

router = Router(tags=["廉政风险点"])


def _data(actor: Actor, cycle: Cycle, payload: RiskFields) -> services.RiskData:
    return services.RiskData(
        subject_kind=payload.subject_kind,
        name=payload.name,
        department=department_ref(cycle, payload.department_id),
        post=post_ref(cycle, payload.post_id),
        code=payload.code,
        duty=payload.duty,
        manifestations=payload.manifestations,
        risk_type=payload.risk_type,
        risk_kind=payload.risk_kind,
        causes=list(payload.causes),
        cause_note=payload.cause_note,
        found_by=payload.found_by,
        power=power_ref(actor, cycle, payload.power_id),
        step=step_ref(actor, cycle, payload.step_id),
        three_important=payload.three_important,
        notes=payload.notes,
        sort_order=payload.sort_order,
    )


@router.get("", response=list[RiskOut], summary="风险台账（按年度周期，可搜索、筛选）")
@paginate
def list_risks(request: HttpRequest, filters: Query[RiskQuery]) -> Any:
    actor = request_actor(request)
    cycle = resolve_cycle(actor, filters.cycle_id, filters.unit_id)
    f = sel.RegisterFilter(
        q=filters.q.strip(),
        level=filters.level or "",
        risk_type=filters.risk_type or "",
        risk_kind=filters.risk_kind or "",
        subject_kind=filters.subject_kind or "",
        status=filters.status or "",
        department=department_ref(cycle, filters.department_id),
        post_id=filters.post_id,
        measure_status=filters.measure_status or "",
    )
    return sel.with_details(sel.register(actor, cycle, f))


@router.get(
    "/{int:risk_id}",
    response=RiskDetailOut,
    summary="风险点详情（表现形式、防控措施与佐证、评定记录、分级负责）",
)
def get_risk(request: HttpRequest, risk_id: int) -> RiskPoint:
    return risk_with_details(request_actor(request), risk_id)


@router.post("", response={201: RiskDetailOut}, summary="新增风险点（草稿）")
def create_risk(request: HttpRequest, payload: RiskIn) -> Any:
    actor = request_actor(request)
    cycle = cycle_sel.get_cycle(actor, payload.cycle_id)
    with payload_names(RISK_NAMES):
        risk = services.create_risk(actor, cycle, _data(actor, cycle, payload))
    return HttpStatus(201, risk_with_details(actor, risk.pk))


@router.put("/{int:risk_id}", response=RiskDetailOut, summary="修改风险点（草稿或已退回）")
def update_risk(request: HttpRequest, risk_id: int, payload: RiskFields) -> RiskPoint:
    actor = request_actor(request)
    risk = sel.get_risk(actor, risk_id)
    with payload_names(RISK_NAMES):
        services.update_risk(actor, risk, _data(actor, risk.cycle, payload))
    return risk_with_details(actor, risk_id)


@router.delete("/{int:risk_id}", response={204: None}, summary="删除误录的草稿风险点")
def delete_risk(request: HttpRequest, risk_id: int) -> Any:
    actor = request_actor(request)
    services.delete_draft_risk(actor, sel.get_risk(actor, risk_id))
    return HttpStatus(204, None)
