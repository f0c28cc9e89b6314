"""Opening, carrying forward and closing a unit's yearly cycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, ServiceError
from lianfang.org.models import Status, Unit

from .models import Cycle, CycleStatus

# Each domain area that keeps yearly records copies them forward here, in this order (flows before the
# powers that use them; risk points, later, after the powers they sit on). Each takes (actor, old, new).
COPY_FORWARD: list[str] = ["lianfang.powers.copying.copy_catalog", "lianfang.risks.copying.copy_register"]


def _copiers() -> list[Callable[[Actor, Cycle, Cycle], object]]:
    return [import_string(path) for path in COPY_FORWARD]


@transaction.atomic
def create_cycle(actor: Actor, *, unit: Unit, year: int, title: str = "") -> Cycle:
    """Start a unit's first cycle (or a cycle with nothing to carry forward)."""
    require(actor, Action.CREATE, ObjectType.CYCLE, unit.path)
    check = Checker()
    check.require(unit.status == Status.ACTIVE, "unit", "单位已停用")
    check.require(2000 <= year <= 2100, "year", "年度应在2000至2100之间")
    check.require(not Cycle.objects.filter(unit=unit, year=year).exists(), "year", f"{year}年度周期已存在")
    check.done()
    cycle = Cycle.objects.create(unit=unit, year=year, title=title.strip() or f"{year}年度")
    record_change(actor, AuditAction.CREATE, cycle, scope_path=unit.path, before=None, after=snapshot(cycle))
    return cycle


@transaction.atomic
def open_next_cycle(actor: Actor, cycle: Cycle) -> Cycle:
    """Open the following year: this year's records are copied as drafts linked to their predecessors."""
    require(actor, Action.CREATE, ObjectType.CYCLE, cycle.unit.path)
    if Cycle.objects.filter(previous=cycle).exists():
        raise ServiceError(f"{cycle.year + 1}年度周期已经开启")
    if Cycle.objects.filter(unit=cycle.unit, year=cycle.year + 1).exists():
        raise ServiceError(f"{cycle.year + 1}年度周期已存在", field="year")
    new = Cycle.objects.create(
        unit=cycle.unit, year=cycle.year + 1, title=f"{cycle.year + 1}年度", previous=cycle
    )
    record_change(
        actor, AuditAction.CREATE, new, scope_path=cycle.unit.path, before=None, after=snapshot(new)
    )
    for copy in _copiers():
        copy(actor, cycle, new)
    return new


@transaction.atomic
def close_cycle(actor: Actor, cycle: Cycle, on: date | None = None) -> Cycle:
    require(actor, Action.EDIT, ObjectType.CYCLE, cycle.unit.path)
    if cycle.status == CycleStatus.CLOSED:
        raise ServiceError("该年度周期已结束")
    before = snapshot(cycle)
    cycle.status = CycleStatus.CLOSED
    cycle.closed_on = on or timezone.localdate()
    cycle.save(update_fields=["status", "closed_on"])
    record_change(
        actor, AuditAction.UPDATE, cycle, scope_path=cycle.unit.path, before=before, after=snapshot(cycle)
    )
    return cycle
