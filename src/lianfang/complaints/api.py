"""The complaint box (举报箱): filing, receipts, encrypted filer identity, the supervising office queue.

Public (no authentication): POST /file (JSON, no attachments: files go through the web form) and POST
/follow (the receipt code and secret travel in the body, not in a URL that access logs keep). Staff (session
or token; only the supervising office has a scope): the queue, one complaint, status changes, and reading
the filer's identity (audited each time).
"""

# No `from __future__ import annotations`: ninja resolves a @paginate'd view's annotations itself.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from lianfang.accounts.selectors import request_actor
from lianfang.core.errors import ServiceError
from lianfang.org.models import Department, Person, Post, Unit

from . import guard, selectors, services
from .crypto import Identity
from .models import Complaint, ComplaintStatus

router = Router(tags=["举报箱"])


class IdentityIn(Schema):
    name: str = ""
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


class ComplaintIn(Schema):
    unit_id: int | None = None
    unit_code: str = ""
    target_kind: str
    department_id: int | None = None
    post_id: int | None = None
    person_id: int | None = None
    power_id: int | None = None
    target_name: str = ""
    category: str
    title: str
    body: str
    is_anonymous: bool = True
    identity: IdentityIn | None = None


class ReceiptOut(Schema):
    receipt_code: str
    secret: str
    status: str


class FollowIn(Schema):
    receipt_code: str
    secret: str


class ReplyOut(Schema):
    at: dt.datetime
    status: str
    status_label: str
    text: str


class FollowOut(Schema):
    receipt_code: str
    title: str
    category_label: str
    target: str
    filed_at: dt.datetime
    status: str
    status_label: str
    public_reply: str
    replies: list[ReplyOut]


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str


class ComplaintOut(Schema):
    id: int
    receipt_code: str
    unit_id: int
    path: str
    target_kind: str
    department_id: int | None
    post_id: int | None
    person_id: int | None
    power_id: int | None
    target_name: str
    target_label: str
    category: str
    title: str
    body: str
    is_anonymous: bool
    status: str
    public_reply: str
    filed_at: dt.datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Complaint) -> list[Any]:
        return list(obj.attachments.all())


class EventOut(Schema):
    kind: str
    from_status: str
    to_status: str
    note: str
    reply: str
    actor_name: str
    at: dt.datetime


class ComplaintDetailOut(ComplaintOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Complaint) -> list[Any]:
        return list(selectors.events(obj))


class QueueQuery(Schema):
    status: str = ""
    category: str = ""
    q: str = ""
    unit_id: int | None = None


class StatusIn(Schema):
    status: ComplaintStatus
    reply: str = ""
    note: str = ""


class IdentityOut(Schema):
    name: str
    id_number: str
    phone: str
    email: str
    address: str


def _unit(payload: ComplaintIn) -> Unit | None:
    units = selectors.public_units()
    if payload.unit_id is not None:
        found = units.filter(pk=payload.unit_id).first()
    elif payload.unit_code:
        found = units.filter(code=payload.unit_code.strip()).first()
    else:
        raise ServiceError("请指定被举报单位（unit_id 或 unit_code）", field="unit_id")
    if found is None:
        raise ServiceError("被举报单位不存在或已停用", field="unit_id")
    return found


def _ref(unit: Unit, model: Any, pk: int | None, lookup: str, field: str, what: str) -> Any:
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, **{lookup: unit}).first()
    if found is None:
        raise ServiceError(f"{what}（ID {pk}）不属于该单位", field=field)
    return found


@router.post("/file", auth=None, response={201: ReceiptOut}, summary="提交举报（公众，无需登录）")
def file_complaint(request: HttpRequest, payload: ComplaintIn) -> Any:
    unit = _unit(payload)
    assert unit is not None
    power = None
    if payload.power_id is not None:
        power = selectors.public_powers(unit).filter(pk=payload.power_id).first()
        if power is None:
            raise ServiceError(f"职权（ID {payload.power_id}）不属于该单位", field="power_id")
    data = services.ComplaintData(
        unit=unit,
        target_kind=payload.target_kind,
        category=payload.category,
        title=payload.title,
        body=payload.body,
        is_anonymous=payload.is_anonymous,
        identity=Identity(**(payload.identity.dict() if payload.identity else {})),
        department=_ref(unit, Department, payload.department_id, "unit", "department_id", "部门"),
        post=_ref(unit, Post, payload.post_id, "department__unit", "post_id", "岗位"),
        person=_ref(unit, Person, payload.person_id, "unit", "person_id", "人员"),
        power=power,
        target_name=payload.target_name,
    )
    receipt = services.file_complaint(data, [], address=guard.client_address(request))
    out = {"receipt_code": receipt.receipt_code, "secret": receipt.secret, "status": receipt.complaint.status}
    return HttpStatus(201, out)


@router.post("/follow", auth=None, response=FollowOut, summary="凭受理编号和查询密码查询办理情况（公众）")
def follow(request: HttpRequest, payload: FollowIn) -> Any:
    return services.follow(payload.receipt_code, payload.secret, address=guard.client_address(request))


@router.get("", response=list[ComplaintOut], summary="举报队列（纪检监察机构，按权限范围）")
@paginate
def queue(request: HttpRequest, filters: Query[QueueQuery]) -> Any:
    f = selectors.QueueFilter(
        status=filters.status, category=filters.category, q=filters.q.strip(), unit_id=filters.unit_id
    )
    return selectors.queue(request_actor(request), f).prefetch_related("attachments")


@router.get("/{int:complaint_id}", response=ComplaintDetailOut, summary="举报详情（不含举报人信息）")
def detail(request: HttpRequest, complaint_id: int) -> Complaint:
    return selectors.get_complaint(request_actor(request), complaint_id)


@router.post(
    "/{int:complaint_id}/status",
    response=ComplaintDetailOut,
    summary="变更办理状态并答复举报人（办结、不予受理须答复）",
)
def change_status(request: HttpRequest, complaint_id: int, payload: StatusIn) -> Complaint:
    actor = request_actor(request)
    complaint = selectors.get_complaint(actor, complaint_id)
    services.change_status(actor, complaint, status=payload.status, reply=payload.reply, note=payload.note)
    return selectors.get_complaint(actor, complaint_id)


@router.post(
    "/{int:complaint_id}/identity", response=IdentityOut, summary="查看举报人信息（每次查看记入审计日志）"
)
def reveal_identity(request: HttpRequest, complaint_id: int) -> Identity:
    actor = request_actor(request)
    return services.reveal_identity(actor, selectors.get_complaint(actor, complaint_id))
