"""API of alerts and cards and of the live board (mounted under /api/supervision with the intake's router)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lianfang.accounts.selectors import request_actor
from lianfang.org.models import Department
from lianfang.powers.models import Power

from . import alerts_selectors as sel
from . import board as board_module
from .models import Alert
from .services import alerts as services

router = Router(tags=["电子监察"])


class AlertOut(Schema):
    id: int
    level: str
    level_label: str
    rule: str
    rule_label: str
    state: str
    state_label: str
    case_id: int
    case_external_id: str
    power_id: int
    power_name: str
    step_code: str
    step_name: str
    department_id: int | None
    department_name: str
    post_id: int | None
    post_name: str
    person_id: int | None
    person_name: str
    risk_id: int | None
    risk_name: str
    detail: str
    facts: dict[str, Any]
    found_at: dt.datetime
    issued_at: dt.datetime | None
    appeal_state: str
    appeal_reason: str
    appealed_by: str
    appealed_at: dt.datetime | None
    decision_note: str
    decided_by: str
    decided_at: dt.datetime | None
    actions: list[str]


def _out(actor: Any, a: Alert) -> dict[str, Any]:
    return {
        "id": a.pk,
        "level": a.level,
        "level_label": str(a.get_level_display()),
        "rule": a.rule,
        "rule_label": str(a.get_rule_display()),
        "state": a.state,
        "state_label": str(a.get_state_display()),
        "case_id": a.case_id,
        "case_external_id": a.case.external_id,
        "power_id": a.power_id,
        "power_name": a.power.name,
        "step_code": a.step.code if a.step else a.step_code,
        "step_name": a.step.name if a.step else "",
        "department_id": a.department_id,
        "department_name": a.department.name if a.department else "",
        "post_id": a.post_id,
        "post_name": a.post.name if a.post else "",
        "person_id": a.person_id,
        "person_name": a.person.name if a.person else "",
        "risk_id": a.risk_id,
        "risk_name": a.risk.name if a.risk else "",
        "detail": a.detail,
        "facts": a.facts or {},
        "found_at": a.found_at,
        "issued_at": a.issued_at,
        "appeal_state": a.appeal_state,
        "appeal_reason": a.appeal_reason,
        "appealed_by": a.appealed_by,
        "appealed_at": a.appealed_at,
        "decision_note": a.decision_note,
        "decided_by": a.decided_by,
        "decided_at": a.decided_at,
        "actions": sel.allowed(actor, a).names(),
    }


class AlertQuery(Schema):
    state: str = ""
    level: str = ""
    rule: str = ""
    appeal_state: str = ""
    department_id: int | None = None
    power_id: int | None = None
    case_id: int | None = None
    limit: int = 100
    offset: int = 0


class AlertPage(Schema):
    count: int
    items: list[AlertOut]


class NoteIn(Schema):
    note: str = ""


class AppealIn(Schema):
    reason: str = ""


class DecideIn(Schema):
    decision: str
    note: str = ""


@router.get(
    "/alerts", response=AlertPage, summary="告警与红黄牌（可按状态、级别、规则、申诉、部门、职权、案件筛选）"
)
def list_alerts(request: HttpRequest, q: Query[AlertQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    filters = sel.AlertFilters.clean(
        state=q.state,
        level=q.level,
        rule=q.rule,
        appeal_state=q.appeal_state,
        department_id=q.department_id,
        power_id=q.power_id,
        case_id=q.case_id,
    )
    qs = sel.alerts(actor, filters)
    limit, offset = max(1, min(q.limit, 500)), max(0, q.offset)
    return {"count": qs.count(), "items": [_out(actor, a) for a in qs[offset : offset + limit]]}


@router.get("/alerts/{alert_id}", response=AlertOut, summary="一条告警")
def get_alert(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    return _out(actor, sel.get_alert(actor, alert_id))


def _after(actor: Any, alert: Alert) -> dict[str, Any]:
    return _out(actor, sel.get_alert(actor, alert.pk))


@router.post("/alerts/{alert_id}/issue", response=AlertOut, summary="发出（待发 → 已发，并通知相关人员）")
def issue(request: HttpRequest, alert_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    return _after(actor, services.issue(actor, sel.get_alert(actor, alert_id)))


@router.post("/alerts/{alert_id}/withdraw", response=AlertOut, summary="撤销（须说明理由）")
def withdraw(request: HttpRequest, alert_id: int, payload: NoteIn) -> dict[str, Any]:
    actor = request_actor(request)
    return _after(actor, services.withdraw(actor, sel.get_alert(actor, alert_id), payload.note))


@router.post("/alerts/{alert_id}/escalate", response=AlertOut, summary="督办（须写明督办意见）")
def escalate(request: HttpRequest, alert_id: int, payload: NoteIn) -> dict[str, Any]:
    actor = request_actor(request)
    return _after(actor, services.escalate(actor, sel.get_alert(actor, alert_id), payload.note))


@router.post("/alerts/{alert_id}/appeal", response=AlertOut, summary="申诉（办理部门，须写明理由）")
def appeal(request: HttpRequest, alert_id: int, payload: AppealIn) -> dict[str, Any]:
    actor = request_actor(request)
    return _after(actor, services.appeal(actor, sel.get_alert(actor, alert_id), payload.reason))


@router.post(
    "/alerts/{alert_id}/decide",
    response=AlertOut,
    summary="处理申诉：upheld 撤销、rejected 驳回、reported 上报（驳回、上报须写明理由）",
)
def decide(request: HttpRequest, alert_id: int, payload: DecideIn) -> dict[str, Any]:
    actor = request_actor(request)
    alert = sel.get_alert(actor, alert_id)
    return _after(actor, services.decide_appeal(actor, alert, payload.decision, payload.note))


class BoardRowOut(Schema):
    id: int | None
    name: str
    open: int
    completed: int
    on_time: int
    on_time_rate: str
    cards: dict[str, int]


class NearestOut(Schema):
    case_id: int
    external_id: str
    title: str
    power_name: str
    department_name: str
    promised_due: dt.date | None
    days_left: int | None


class BoardOut(Schema):
    totals: BoardRowOut
    departments: list[BoardRowOut]
    powers: list[BoardRowOut]
    nearest: list[NearestOut]


class BoardQuery(Schema):
    department_id: int | None = None
    power_id: int | None = None


def _row(r: board_module.Row) -> dict[str, Any]:
    return {
        "id": r.key,
        "name": r.name,
        "open": r.open,
        "completed": r.completed,
        "on_time": r.on_time,
        "on_time_rate": r.rate,
        "cards": r.cards,
    }


@router.get("/board", response=BoardOut, summary="电子监察看板：按部门、按职权的案件、按时办结率与红黄牌")
def board(request: HttpRequest, q: Query[BoardQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    departments, powers = board_module.filter_choices(actor)
    department: Department | None = next((d for d in departments if d.pk == q.department_id), None)
    power: Power | None = next((p for p in powers if p.pk == q.power_id), None)
    found = board_module.build(actor, department=department, power=power)
    return {
        "totals": _row(found.totals),
        "departments": [_row(r) for r in found.departments],
        "powers": [_row(r) for r in found.powers],
        "nearest": [
            {
                "case_id": n.case.pk,
                "external_id": n.case.external_id,
                "title": n.case.title,
                "power_name": n.case.power.name,
                "department_name": n.case.department.name if n.case.department else "",
                "promised_due": n.case.promised_due,
                "days_left": n.days_left,
            }
            for n in found.nearest
        ],
    }
