"""Yearly cycle endpoints. Thin: resolve references inside the caller's scope, call the services.

The year-over-year comparison of a cycle's catalog (`GET /cycles/{id}/compare`) lives here because it is
asked of a cycle; the comparison itself is `lianfang.powers.compare`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus
from ninja.pagination import paginate

from lianfang.accounts.selectors import request_actor
from lianfang.core.errors import ServiceError
from lianfang.org import selectors as org_sel
from lianfang.powers import selectors as power_sel
from lianfang.powers.compare import compare_catalog

from . import selectors as sel
from . import services
from .models import Cycle, CycleStatus

router = Router(tags=["年度周期"])


class CycleOut(Schema):
    id: int
    unit_id: int
    year: int
    title: str
    status: CycleStatus
    previous_id: int | None
    opened_at: datetime
    closed_on: date | None


class CycleIn(Schema):
    unit_id: int
    year: int
    title: str = ""


class CloseIn(Schema):
    on: date | None = Field(None, description="结束日期，默认今天")


@router.get("", response=list[CycleOut], summary="年度周期列表")
@paginate
def list_cycles(request: HttpRequest, unit_id: int | None = None) -> Any:
    qs = sel.cycles(request_actor(request))
    return qs.filter(unit_id=unit_id) if unit_id else qs


@router.get("/{cycle_id}", response=CycleOut, summary="年度周期详情")
def get_cycle(request: HttpRequest, cycle_id: int) -> Cycle:
    return sel.get_cycle(request_actor(request), cycle_id)


@router.post("", response={201: CycleOut}, summary="开启单位的首个年度周期")
def create_cycle(request: HttpRequest, payload: CycleIn) -> Any:
    actor = request_actor(request)
    unit = org_sel.units(actor).filter(pk=payload.unit_id).first()
    if unit is None:
        raise ServiceError(f"单位（ID {payload.unit_id}）不存在或不在您的权限范围内", field="unit_id")
    return HttpStatus(201, services.create_cycle(actor, unit=unit, year=payload.year, title=payload.title))


@router.post("/{cycle_id}/next", response={201: CycleOut}, summary="开启下一年度（上年度记录结转为草稿）")
def open_next_cycle(request: HttpRequest, cycle_id: int) -> Any:
    actor = request_actor(request)
    return HttpStatus(201, services.open_next_cycle(actor, sel.get_cycle(actor, cycle_id)))


@router.post("/{cycle_id}/close", response=CycleOut, summary="结束年度周期")
def close_cycle(request: HttpRequest, cycle_id: int, payload: CloseIn) -> Cycle:
    actor = request_actor(request)
    return services.close_cycle(actor, sel.get_cycle(actor, cycle_id), payload.on)


# --- year-over-year comparison of the catalog --------------------------------------------------------


class PowerBriefOut(Schema):
    id: int
    cycle_id: int
    code: str
    name: str
    department_id: int | None
    disposition: str
    status: str


class FieldChangeOut(Schema):
    field: str
    label: str
    before: str
    after: str


class ChangedOut(Schema):
    power: PowerBriefOut
    changes: list[FieldChangeOut]


class CycleComparisonOut(Schema):
    cycle_id: int
    previous_id: int | None
    added: list[PowerBriefOut]
    changed: list[ChangedOut]
    retired: list[PowerBriefOut]
    unchanged_count: int


@router.get("/{cycle_id}/compare", response=CycleComparisonOut, summary="与上一年度职权目录比较")
def compare_cycle(request: HttpRequest, cycle_id: int) -> dict[str, Any]:
    actor = request_actor(request)
    cycle = sel.get_cycle(actor, cycle_id)
    visible = power_sel.with_details(power_sel.powers(actor).filter(cycle=cycle))
    previous: list[Any] = []
    if cycle.previous_id is not None:
        previous = list(power_sel.powers(actor).filter(cycle_id=cycle.previous_id))
    result = compare_catalog(cycle, list(visible), previous)
    return {
        "cycle_id": cycle.pk,
        "previous_id": cycle.previous_id,
        "added": result.added,
        "changed": [{"power": p, "changes": changes} for p, changes in result.changed],
        "retired": result.retired,
        "unchanged_count": len(result.unchanged),
    }
