"""The portal API (/api/public): anonymous reads of the external publication and anonymous feedback; the
staff's internal publication, feedback queue and answers behind the usual authentication.

The anonymous operations serve the external publication only, whoever calls them: the internal publication
is read through `/internal/…` with a session or token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from lianfang.accounts.selectors import request_actor
from lianfang.core.errors import NotFoundError

from . import selectors
from .feedback import FeedbackData, ThrottledError, answer_feedback, submit_feedback
from .models import Publication, PublicationKind

router = Router(tags=["公开与公示"])


class UnitOut(Schema):
    code: str
    name: str


class ItemOut(Schema):
    kind: str
    code: str
    title: str
    department: str
    audience: str
    version: int
    year: int


class PublicationOut(ItemOut):
    published_at: datetime
    content: dict[str, Any]


class FeedbackIn(Schema):
    unit: str
    kind: str
    code: str
    text: str
    name: str = ""
    contact: str = ""
    website: str = ""


class FeedbackOut(Schema):
    id: int
    unit: str
    kind: str
    code: str
    title: str
    text: str
    name: str
    contact: str
    status: str
    answer: str
    answer_public: bool
    created_at: datetime


class AnswerIn(Schema):
    answer: str
    public: bool = False


class ReceivedOut(Schema):
    received: bool


def _item(p: Publication) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "code": p.code,
        "title": p.title,
        "department": p.department_name,
        "audience": p.audience,
        "version": p.version,
        "year": p.year,
    }


def _full(p: Publication) -> dict[str, Any]:
    return {**_item(p), "published_at": p.published_at, "content": p.content}


def _public_item(unit_code: str, kind: str, code: str) -> Publication:
    unit = selectors.unit_by_code(unit_code)
    pub = selectors.public().filter(unit=unit, kind=kind, code=code).first()
    if pub is None:
        raise NotFoundError("公示事项不存在或已撤回")
    return pub


@router.get("/units", response=list[UnitOut], auth=None, summary="有对外公示内容的单位")
def units(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": u.code, "name": u.name} for u in selectors.public_units()]


@router.get("/units/{unit}/catalog", response=list[ItemOut], auth=None, summary="单位对外公示的职权目录")
def catalog(request: HttpRequest, unit: str, q: str = "") -> list[dict[str, Any]]:
    found = selectors.unit_by_code(unit)
    return [_item(p) for p in selectors.public_catalog(found, q[:100])]


@router.get("/units/{unit}/powers/{code}", response=PublicationOut, auth=None, summary="一项对外公示的职权")
def power(request: HttpRequest, unit: str, code: str) -> dict[str, Any]:
    return _full(_public_item(unit, PublicationKind.POWER, code))


@router.get("/units/{unit}/flows/{code}", response=PublicationOut, auth=None, summary="一张对外公示的流程图")
def flow(request: HttpRequest, unit: str, code: str) -> dict[str, Any]:
    return _full(_public_item(unit, PublicationKind.FLOW, code))


@router.get("/search", response=list[ItemOut], auth=None, summary="搜索对外公示的职权和流程图")
def search(request: HttpRequest, q: str, unit: str = "") -> list[dict[str, Any]]:
    qs = selectors.public()
    if unit:
        qs = qs.filter(unit=selectors.unit_by_code(unit))
    found = selectors.search(qs, q[:100]).order_by("unit_id", "kind", "sort_key").only(*selectors.LISTING)
    return [_item(p) for p in found[:200]]


@router.post("/feedback", response={201: ReceivedOut}, auth=None, summary="对公示事项提出意见")
def feedback(request: HttpRequest, payload: FeedbackIn) -> tuple[int, dict[str, bool]]:
    actor = request_actor(request)
    unit = selectors.unit_by_code(payload.unit)
    if payload.kind not in PublicationKind.values:
        raise NotFoundError("公示事项不存在或已撤回")
    pub = selectors.visible(actor, unit, payload.kind, payload.code)
    data = FeedbackData(payload.text, payload.name, payload.contact, payload.website)
    try:
        submit_feedback(actor, pub, data, str(request.META.get("REMOTE_ADDR") or "unknown"))
    except ThrottledError as exc:
        raise HttpError(429, exc.message) from exc
    return 201, {"received": True}


# --- staff --------------------------------------------------------------------------------------------------


@router.get("/internal/{unit}", response=list[ItemOut], summary="本单位的对内公示（职权、流程图、风险点）")
def internal(request: HttpRequest, unit: str) -> list[dict[str, Any]]:
    found = selectors.unit_by_code(unit)
    qs = selectors.internal(request_actor(request), found).order_by("kind", "sort_key")
    return [_item(p) for p in qs.only(*selectors.LISTING)]


@router.get("/internal/{unit}/{kind}/{code}", response=PublicationOut, summary="一项公示内容（含对内）")
def internal_item(request: HttpRequest, unit: str, kind: str, code: str) -> dict[str, Any]:
    if kind not in PublicationKind.values:
        raise NotFoundError("公示事项不存在或已撤回")
    return _full(selectors.visible(request_actor(request), selectors.unit_by_code(unit), kind, code))


def _feedback_out(f: Any) -> dict[str, Any]:
    return {
        "id": f.pk,
        "unit": f.unit.code,
        "kind": f.publication.kind,
        "code": f.publication.code,
        "title": f.publication.title,
        "text": f.text,
        "name": f.name,
        "contact": f.contact,
        "status": f.status,
        "answer": f.answer,
        "answer_public": f.answer_public,
        "created_at": f.created_at,
    }


@router.get("/feedback", response=list[FeedbackOut], summary="意见征集队列（本人范围内）")
def feedback_queue(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    return [_feedback_out(f) for f in selectors.feedback_queue(request_actor(request), status)[:500]]


@router.post("/feedback/{pk}/answer", response=FeedbackOut, summary="答复意见（可公开）")
def answer(request: HttpRequest, pk: int, payload: AnswerIn) -> dict[str, Any]:
    actor = request_actor(request)
    item = selectors.get_feedback(actor, pk)
    answered = answer_feedback(actor, item, payload.answer, public=payload.public)
    answered.publication, answered.unit = item.publication, item.unit
    return _feedback_out(answered)
