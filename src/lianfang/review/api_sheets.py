"""Risk sheet endpoints: list and read sheets in scope, begin a subject's sheet, move it along its chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from lianfang.accounts.selectors import request_actor
from lianfang.cycles import selectors as cycle_sel
from lianfang.powers.api.common import department_ref
from lianfang.risks.api.common import post_ref

from . import selectors
from .models import RiskSheet
from .services import sheets as services

router = Router()


class SheetOut(Schema):
    id: int
    cycle_id: int
    unit_id: int
    subject_kind: str
    department_id: int | None
    post_id: int | None
    name: str
    stage: str
    stage_label: str
    version: int
    updated_at: datetime


class EventOut(Schema):
    version: int
    action: str
    from_stage: str
    to_stage: str
    comment: str
    actor_name: str
    at: datetime


class RiskLine(Schema):
    id: int
    code: str
    name: str
    level: str
    status: str


class SheetDetailOut(SheetOut):
    allowed_moves: list[str]
    risks: list[RiskLine]
    events: list[EventOut]


class OpenIn(Schema):
    cycle_id: int
    subject_kind: str
    department_id: int | None = None
    post_id: int | None = None


class MoveIn(Schema):
    action: str
    comment: str = ""


def _out(sheet: RiskSheet) -> dict[str, Any]:
    return {
        "id": sheet.pk,
        "cycle_id": sheet.cycle_id,
        "unit_id": sheet.unit_id,
        "subject_kind": sheet.subject_kind,
        "department_id": sheet.department_id,
        "post_id": sheet.post_id,
        "name": str(sheet),
        "stage": sheet.stage,
        "stage_label": sheet.get_stage_display(),
        "version": sheet.version,
        "updated_at": sheet.updated_at,
    }


def _detail(request: HttpRequest, sheet: RiskSheet) -> dict[str, Any]:
    actor = request_actor(request)
    sheet = selectors.get_sheet(actor, sheet.pk)
    return {
        **_out(sheet),
        "allowed_moves": [m.action for m in services.allowed_moves(actor, sheet)],
        "risks": list(
            services.sheet_risks(sheet).order_by("sort_order", "code").values(*RiskLine.model_fields)
        ),
        "events": list(sheet.events.order_by("at", "id").values(*EventOut.model_fields)),
    }


@router.get(
    "/sheets",
    response=list[SheetOut],
    summary="排查表列表（可按年度周期、审核环节筛选；awaiting=true 只列待我处理的）",
)
def list_sheets(
    request: HttpRequest, cycle_id: int | None = None, stage: str = "", awaiting: bool = False
) -> list[dict[str, Any]]:
    actor = request_actor(request)
    if awaiting:
        work, _total = selectors.awaiting(actor, limit=500)
        return [_out(w.sheet) for w in work]
    qs = selectors.sheets(actor)
    if cycle_id is not None:
        qs = qs.filter(cycle_id=cycle_id)
    if stage:
        qs = qs.filter(stage=stage)
    return [_out(s) for s in qs.order_by("path", "subject_kind", "pk")[:2000]]


@router.get(
    "/sheets/{int:sheet_id}", response=SheetDetailOut, summary="排查表：风险点、可执行的操作和审核记录"
)
def get_sheet(request: HttpRequest, sheet_id: int) -> dict[str, Any]:
    return _detail(request, selectors.get_sheet(request_actor(request), sheet_id))


@router.post("/sheets", response=SheetDetailOut, summary="开始（或取得）某岗位、部门或单位的排查表")
def open_sheet(request: HttpRequest, payload: OpenIn) -> dict[str, Any]:
    actor = request_actor(request)
    cycle = cycle_sel.get_cycle(actor, payload.cycle_id)
    sheet = services.open_sheet(
        actor,
        cycle,
        payload.subject_kind,
        department=department_ref(cycle, payload.department_id),
        post=post_ref(cycle, payload.post_id),
    )
    return _detail(request, sheet)


@router.post(
    "/sheets/{int:sheet_id}/moves",
    response=SheetDetailOut,
    summary="审核操作：open_comments 征求意见、submit 提交、pass 审核通过、approve 审定、publish 公示、"
    "return 退回（须写理由）、revise 重新修订",
)
def move_sheet(request: HttpRequest, sheet_id: int, payload: MoveIn) -> dict[str, Any]:
    actor = request_actor(request)
    sheet = services.move(actor, selectors.get_sheet(actor, sheet_id), payload.action, payload.comment)
    return _detail(request, sheet)
