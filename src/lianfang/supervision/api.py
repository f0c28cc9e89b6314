"""REST endpoints of electronic supervision, under /api/supervision: business systems send events (one, a
batch, or a CSV file); cases are read with their events. Thin: parse, pick the unit, call
`services.intake` and the selectors.

A token sends for its own unit (or, naming `unit`, a unit below it); a signed-in user names the unit."""

# No `from __future__ import annotations`: ninja resolves a @paginate'd view's annotations at runtime.

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.files import UploadedFile
from ninja.pagination import paginate

from lianfang.accounts.models import ApiToken
from lianfang.accounts.selectors import request_actor
from lianfang.core.actor import Actor, ActorKind
from lianfang.core.errors import NotFoundError, ServiceError
from lianfang.org.models import Unit

from . import api_alerts
from . import selectors as sel
from .formats.csv_events import read_csv
from .formats.fields import parse_event
from .models import Case, CaseStatus, Event
from .services.intake import IntakeResult, Rejection, intake

router = Router(tags=["电子监察"])

FIELD_DOC = (
    "事件字段：case_id 案件编号、power_code 职权编码、activity 环节编号、timestamp 发生时间（ISO 8601，"
    "无时区按北京时间）、resource 办理人工号或账号；可选 event_id、amount、violation、materials（列表）、"
    "suspend_from、suspend_to（YYYY-MM-DD）、completes（是否办结）、title、source。"
    "详见 docs/formats/events.md"
)


class EventFields(Schema):
    case_id: str = Field(..., description="业务系统的案件编号（在单位内唯一）")
    power_code: str = Field(..., description="职权编码")
    activity: str = Field(..., description="环节编号（流程图环节的编号）")
    timestamp: str = Field(..., description="发生时间，ISO 8601；无时区按北京时间")
    resource: str = Field("", description="办理人：工号或账号")
    event_id: str = Field("", description="业务系统的事件编号；省略时按事件内容生成")
    amount: Decimal | None = Field(None, description="金额或裁量值（最多两位小数）")
    violation: str = Field("", description="违法情形（裁量基准的一行）")
    materials: list[str] = Field(default_factory=list, description="收到的材料")
    suspend_from: dt.date | None = Field(None, description="中止开始日期（听证、鉴定、专家评审等）")
    suspend_to: dt.date | None = Field(None, description="中止结束日期")
    completes: bool = Field(False, description="此事件办结案件")
    title: str = Field("", description="案件名称")
    source: str = Field("", description="来源系统")


class EventPayload(EventFields):
    unit: str = Field("", description="单位代码；令牌调用时默认为令牌所属单位")


class OneOut(Schema):
    stored: bool
    duplicate: bool
    case_id: int | None


class RejectionOut(Schema):
    index: int
    case_id: str
    reason: str


class BatchOut(Schema):
    stored: int
    duplicates: int
    rejected: list[RejectionOut]
    dry_run: bool = False
    atomic: bool = False


class BatchIn(Schema):
    unit: str = Field("", description="单位代码；令牌调用时默认为令牌所属单位")
    atomic: bool = Field(False, description="为 true 时，任何一条事件有误则整批不写入")
    dry_run: bool = Field(False, description="只校验，不写入")
    events: list[Any] = Field(..., description=FIELD_DOC)


class CaseQuery(Schema):
    status: CaseStatus | None = None
    power_code: str = ""
    unit: str = ""


class CaseOut(Schema):
    id: int
    external_id: str
    unit_code: str = Field(..., alias="unit.code")
    power_code: str = Field(..., alias="power.code")
    power_name: str = Field(..., alias="power.name")
    title: str
    source: str
    status: CaseStatus
    accepted_at: dt.datetime | None
    completed_at: dt.datetime | None
    promised_due: dt.date | None
    statutory_due: dt.date | None
    event_count: int
    last_event_at: dt.datetime | None
    evaluated_at: dt.datetime | None


class EventOut(Schema):
    id: int
    key: str
    activity: str
    step_id: int | None
    step_name: str | None
    timestamp: dt.datetime
    resource: str
    person_id: int | None
    amount: Decimal | None
    violation: str
    materials: list[str]
    suspend_from: dt.date | None
    suspend_to: dt.date | None
    completes: bool
    received_at: dt.datetime

    @staticmethod
    def resolve_step_name(obj: Event) -> str | None:
        return obj.step.name if obj.step else None


class CaseDetailOut(CaseOut):
    events: list[EventOut]


def intake_unit(request: HttpRequest, actor: Actor, code: str) -> Unit:
    """The unit events are sent for: the named one, or a token's own unit. The service checks the caller may
    create cases there."""
    code = code.strip()
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise ServiceError(f"单位代码“{code}”不存在", field="unit")
        return unit
    token = getattr(request, "auth", None)
    if actor.kind == ActorKind.TOKEN and isinstance(token, ApiToken):
        return token.unit  # read with the token (an active unit)
    raise ServiceError("请指定单位代码（unit）", field="unit")


def _batch_out(result: IntakeResult) -> dict[str, Any]:
    return result.to_dict()


@router.post(
    "/events",
    response={200: OneOut, 201: OneOut},
    summary="接收一条事件（201 已保存；200 重复事件，未再次保存）",
)
def post_event(request: HttpRequest, payload: EventPayload) -> Any:
    actor = request_actor(request)
    unit = intake_unit(request, actor, payload.unit)
    item = parse_event(payload.dict(exclude={"unit"}), index=0)
    result = intake(actor, unit, [item])
    if result.rejected:
        raise ServiceError(result.rejected[0].reason, field="event")
    case_id = next(iter(result.case_ids), None)
    body = {"stored": result.stored == 1, "duplicate": result.duplicates == 1, "case_id": case_id}
    return HttpStatus(201 if result.stored else 200, body)


@router.post("/events/batch", response=BatchOut, summary="批量接收事件（有误的事件逐条退回，其余照常保存）")
def post_batch(request: HttpRequest, payload: BatchIn) -> dict[str, Any]:
    actor = request_actor(request)
    unit = intake_unit(request, actor, payload.unit)
    items: list[Any] = []
    for index, raw in enumerate(payload.events):
        if not isinstance(raw, dict):
            items.append(Rejection(index, "", "事件应为 JSON 对象"))
            continue
        unknown = sorted(set(raw) - set(EventFields.model_fields))
        if unknown:
            items.append(Rejection(index, str(raw.get("case_id", "")), f"未知的字段：{'、'.join(unknown)}"))
            continue
        items.append(parse_event(raw, index=index))
    return _batch_out(intake(actor, unit, items, atomic=payload.atomic, dry_run=payload.dry_run))


@router.post("/events/csv", response=BatchOut, summary="上传 CSV 文件接收事件（UTF-8 或 GBK 编码）")
def post_csv(
    request: HttpRequest,
    file: File[UploadedFile],
    unit: Form[str] = "",
    atomic: Form[bool] = False,
    dry_run: Form[bool] = False,
) -> dict[str, Any]:
    actor = request_actor(request)
    target = intake_unit(request, actor, unit)
    items = read_csv(file.read())
    return _batch_out(intake(actor, target, items, atomic=atomic, dry_run=dry_run))


@router.get("/cases", response=list[CaseOut], summary="监察案件（可按状态、职权编码、单位筛选）")
@paginate
def list_cases(request: HttpRequest, filters: Query[CaseQuery]) -> Any:
    qs = sel.cases(request_actor(request))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.power_code:
        qs = qs.filter(power__code=filters.power_code.strip())
    if filters.unit:
        qs = qs.filter(unit__code=filters.unit.strip())
    return qs.order_by("-accepted_at", "-id")


@router.get("/cases/{int:case_id}", response=CaseDetailOut, summary="监察案件及其事件（按发生时间排列）")
def get_case(request: HttpRequest, case_id: int) -> Case:
    actor = request_actor(request)
    case = sel.with_events(sel.cases(actor)).filter(pk=case_id).first()
    if case is None:
        raise NotFoundError("监察案件不存在或不在您的权限范围内")
    return case


# Alerts and cards (申诉, decisions) and the live board (api_alerts.py): GET /alerts, /alerts/{id},
# POST /alerts/{id}/<action>, GET /board.
router.add_router("", api_alerts.router)
