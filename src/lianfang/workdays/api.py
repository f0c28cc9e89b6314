"""REST endpoints of the working-day calendar under /api/workdays: covered years, a year's special days,
counting working days and due dates (for business systems), and changing one day (administrators)."""

# No `from __future__ import annotations`: ninja reads the schemas' annotations at import time.

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.accounts.selectors import request_actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.core.vocabulary import LimitUnit

from . import selectors, services
from .models import DayKind

router = Router(tags=["工作日历"])


class YearOut(Schema):
    year: int
    source: str
    note: str
    updated_at: dt.datetime
    holidays: int
    workdays: int


class DayOut(Schema):
    date: dt.date
    kind: str
    name: str


class YearDetailOut(Schema):
    year: int
    source: str
    note: str
    working_days: int
    days: list[DayOut]


class CountOut(Schema):
    start: dt.date
    end: dt.date
    working_days: int


class DueQuery(Schema):
    accepted: dt.date
    limit: int
    unit: LimitUnit = LimitUnit.WORKING_DAYS


class DueOut(Schema):
    accepted: dt.date
    limit: int
    unit: str
    due: dt.date


class DayIn(Schema):
    kind: DayKind | None = None
    name: str = ""


def _require_view(request: HttpRequest) -> None:
    if not can_anywhere(request_actor(request), Action.VIEW, ObjectType.CALENDAR):
        raise PermissionDeniedError("您没有查看工作日历的权限")


@router.get("/years", response=list[YearOut], summary="已维护的年度")
def years(request: HttpRequest) -> Any:
    _require_view(request)
    return selectors.years()


@router.get("/count", response=CountOut, summary="两个日期之间的工作日数（不含起始日，含结束日）")
def count(request: HttpRequest, start: dt.date, end: dt.date) -> Any:
    _require_view(request)
    n = selectors.current_calendar().working_days_between(start, end)
    return {"start": start, "end": end, "working_days": n}


@router.get("/due", response=DueOut, summary="按时限计算到期日（受理当日不计，期满日为休息日的顺延）")
def due(request: HttpRequest, q: Query[DueQuery]) -> Any:
    _require_view(request)
    if q.limit < 0 or q.limit > 3650:
        raise ServiceError("时限应在 0–3650 之间", field="limit")
    found = selectors.current_calendar().due_date(q.accepted, q.limit, q.unit)
    return {"accepted": q.accepted, "limit": q.limit, "unit": q.unit, "due": found}


@router.get("/{int:year}", response=YearDetailOut, summary="某年的法定节假日和调休上班日")
def year_detail(request: HttpRequest, year: int) -> Any:
    _require_view(request)
    row = selectors.year_row(year)
    if row is None:
        raise NotFoundError(f"{year}年的工作日历尚未维护")
    calendar = selectors.current_calendar()
    return {
        "year": year,
        "source": row.source,
        "note": row.note,
        "working_days": sum(1 for _d, work in calendar.year_days(year) if work),
        "days": selectors.special_days(year),
    }


@router.put(
    "/days/{date}",
    response={200: DayOut, 204: None},
    summary="设置某日（法定节假日、调休上班或恢复为普通日）",
)
def put_day(request: HttpRequest, date: dt.date, payload: DayIn) -> Any:
    actor = request_actor(request)
    saved = services.set_day(actor, date, payload.kind.value if payload.kind else None, payload.name)
    if saved is None:
        return 204, None
    return saved
