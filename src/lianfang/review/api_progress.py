"""API of comments, phases, the progress board and notifications (mounted under /api/review)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja import Status as HttpStatus

from lianfang.accounts.selectors import request_actor
from lianfang.core.errors import NotFoundError, ServiceError
from lianfang.powers.api.common import resolve_cycle

from . import board as board_module
from . import comments_selectors as comment_sel
from . import selectors_progress as sel
from .models import Comment, CyclePhase, Notification
from .services import comments as comment_services
from .services import notifications as notification_services
from .services import phases as phase_services

router = Router()


# --- comments --------------------------------------------------------------------------------------------


class CommentOut(Schema):
    id: int
    parent_id: int | None
    author_name: str
    body: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolved_by: str


class ThreadOut(Schema):
    root: CommentOut
    replies: list[CommentOut]
    resolved: bool


class CommentsOut(Schema):
    target_kind: str
    target_id: int
    target_name: str
    threads: list[ThreadOut]


class CommentQuery(Schema):
    target_kind: str
    target_id: int


class CommentIn(Schema):
    target_kind: str
    target_id: int
    body: str
    parent_id: int | None = None


def _comments(request: HttpRequest, kind: str, pk: int) -> dict[str, Any]:
    target, threads = comment_sel.threads(request_actor(request), kind, pk)
    return {
        "target_kind": target.kind,
        "target_id": target.pk,
        "target_name": target.name,
        "threads": [{"root": t.root, "replies": t.replies, "resolved": t.resolved} for t in threads],
    }


@router.get(
    "/comments", response=CommentsOut, summary="某对象的评论（按讨论分组，未解决的在前）", tags=["评论"]
)
def list_comments(request: HttpRequest, q: Query[CommentQuery]) -> dict[str, Any]:
    return _comments(request, q.target_kind, q.target_id)


@router.post(
    "/comments",
    response={201: CommentOut},
    summary="发表评论或回复（回复挂在讨论的首条评论下）",
    tags=["评论"],
)
def add_comment(request: HttpRequest, payload: CommentIn) -> Any:
    comment = comment_services.add_comment(
        request_actor(request), payload.target_kind, payload.target_id, payload.body, parent=payload.parent_id
    )
    return HttpStatus(201, comment)


@router.post(
    "/comments/{int:comment_id}/resolve", response=CommentOut, summary="将讨论标记为已解决", tags=["评论"]
)
def resolve(request: HttpRequest, comment_id: int) -> Comment:
    return comment_services.resolve_thread(request_actor(request), comment_id)


@router.post("/comments/{int:comment_id}/reopen", response=CommentOut, summary="重新打开讨论", tags=["评论"])
def reopen(request: HttpRequest, comment_id: int) -> Comment:
    return comment_services.reopen_thread(request_actor(request), comment_id)


# --- phases ----------------------------------------------------------------------------------------------


class PhaseIO(Schema):
    phase: str
    starts_on: dt.date
    ends_on: dt.date
    note: str = ""


class PhasesIn(Schema):
    phases: list[PhaseIO]


def _phase_rows(rows: list[CyclePhase]) -> list[dict[str, Any]]:
    return [{"phase": p.phase, "starts_on": p.starts_on, "ends_on": p.ends_on, "note": p.note} for p in rows]


@router.get(
    "/cycles/{int:cycle_id}/phases", response=list[PhaseIO], summary="年度周期的工作阶段", tags=["工作阶段"]
)
def get_phases(request: HttpRequest, cycle_id: int) -> list[dict[str, Any]]:
    cycle = sel.get_cycle(request_actor(request), cycle_id)
    return _phase_rows(sel.phases(cycle))


@router.put(
    "/cycles/{int:cycle_id}/phases",
    response=list[PhaseIO],
    summary="设置工作阶段（整体替换；未列出的阶段被删除）",
    tags=["工作阶段"],
)
def put_phases(request: HttpRequest, cycle_id: int, payload: PhasesIn) -> list[dict[str, Any]]:
    actor = request_actor(request)
    cycle = sel.get_cycle(actor, cycle_id)
    rows = [(p.phase, p.starts_on, p.ends_on, p.note) for p in payload.phases]
    return _phase_rows(phase_services.set_phases(actor, cycle, rows))


# --- the board -------------------------------------------------------------------------------------------


class DeadlineOut(Schema):
    phase: str
    due: dt.date
    stage: str


class BoardRowOut(Schema):
    kind: str
    subject_id: int
    name: str
    department_id: int | None
    department_name: str
    sheet_id: int | None
    stage: str
    stage_label: str
    bucket: str
    risk_count: int
    returned_count: int
    late: DeadlineOut | None
    due: DeadlineOut | None


class RollupOut(Schema):
    subjects: int
    risks: int
    returned: int
    late: int
    buckets: dict[str, int]


class DeptBlockOut(Schema):
    department: BoardRowOut
    posts: list[BoardRowOut]
    rollup: RollupOut


class BoardOut(Schema):
    cycle_id: int
    today: dt.date
    deadlines: list[DeadlineOut]
    unit: BoardRowOut | None
    departments: list[DeptBlockOut]
    totals: RollupOut


class BoardQuery(Schema):
    cycle_id: int | None = None
    unit_id: int | None = None
    stage: str = ""
    late: bool = False


def _rollup(r: board_module.Rollup) -> dict[str, Any]:
    buckets = {key: r.buckets.get(key, 0) for key, _label in board_module.BUCKETS}
    return {
        "subjects": r.subjects,
        "risks": r.risks,
        "returned": r.returned,
        "late": r.late,
        "buckets": buckets,
    }


def _row(r: board_module.Row) -> dict[str, Any]:
    return {**r.__dict__, "stage_label": r.stage_label, "bucket": r.bucket}


@router.get(
    "/board", response=BoardOut, summary="审核进度看板（按部门、岗位；范围内可见）", tags=["审核进度"]
)
def get_board(request: HttpRequest, q: Query[BoardQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    cycle = resolve_cycle(actor, q.cycle_id, q.unit_id)
    if q.stage and q.stage not in dict(board_module.STAGE_FILTERS):
        raise ServiceError("审核环节取值无效", field="stage")
    found = board_module.build(actor, cycle, stage=q.stage, late_only=q.late)
    return {
        "cycle_id": cycle.pk,
        "today": found.today,
        "deadlines": found.deadlines,
        "unit": _row(found.unit) if found.unit else None,
        "departments": [
            {
                "department": _row(b.department),
                "posts": [_row(p) for p in b.posts],
                "rollup": _rollup(b.rollup),
            }
            for b in found.blocks
        ],
        "totals": _rollup(found.totals),
    }


# --- notifications ---------------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class ReadIn(Schema):
    ids: list[int] | None = None  # none: every unread one


class UnreadOut(Schema):
    unread: int


@router.get("/notifications", response=list[NotificationOut], summary="我的通知（最新的在前）", tags=["通知"])
def list_notifications(request: HttpRequest, unread: bool = False, limit: int = 50) -> list[Notification]:
    qs = sel.notifications(request_actor(request).user_id)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[: max(1, min(limit, 200))])


@router.get("/notifications/unread-count", response=UnreadOut, summary="未读通知数", tags=["通知"])
def unread(request: HttpRequest) -> dict[str, int]:
    return {"unread": sel.unread_count(request_actor(request).user_id)}


@router.post("/notifications/read", response=UnreadOut, summary="标记通知为已读", tags=["通知"])
def read(request: HttpRequest, payload: ReadIn) -> dict[str, int]:
    actor = request_actor(request)
    if actor.user_id is None:
        raise NotFoundError("接口令牌没有通知")
    notification_services.mark_read(actor, payload.ids)
    return {"unread": sel.unread_count(actor.user_id)}
