"""What the catalog and flowchart endpoints share: picking the cycle, resolving references, reviews."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from ninja import Field, Schema

from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, ServiceError
from lianfang.cycles import selectors as cycle_sel
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post

from ..models import ApprovalStatus, ReviewAction


class ReviewIn(Schema):
    action: ReviewAction = Field(
        ..., description="submit 提交 | check 审核 | approve 审定 | return 退回 | revise 重新修订"
    )
    comment: str = Field("", description="意见；退回时必填")


class ReviewRecordOut(Schema):
    action: ReviewAction
    from_status: ApprovalStatus
    to_status: ApprovalStatus
    comment: str
    actor_name: str
    at: datetime


def resolve_cycle(actor: Actor, cycle_id: int | None, unit_id: int | None) -> Cycle:
    """The cycle a list asks for: the given one, else the newest of the given unit, else the newest of the
    only unit whose cycles the caller sees."""
    if cycle_id is not None:
        return cycle_sel.get_cycle(actor, cycle_id)
    qs = cycle_sel.cycles(actor)
    if unit_id is not None:
        qs = qs.filter(unit_id=unit_id)
    elif qs.order_by().values("unit_id").distinct().count() > 1:
        raise ServiceError(
            "您可以查看多个单位的年度周期，请指定年度周期（cycle_id）或单位（unit_id）", field="cycle_id"
        )
    cycle = qs.order_by("-year").first()
    if cycle is None:
        raise NotFoundError("没有找到可查看的年度周期")
    return cycle


def department_ref(cycle: Cycle, pk: int | None) -> Department | None:
    """A department named by id: one of the cycle's unit (the service checks the caller may work there)."""
    if pk is None:
        return None
    dept = Department.objects.filter(pk=pk, unit_id=cycle.unit_id).select_related("unit").first()
    if dept is None:
        raise ServiceError(f"部门（ID {pk}）不属于{cycle.unit.name}", field="department_id")
    return dept


def post_refs(cycle: Cycle, ids: list[int]) -> list[Post]:
    found = {
        p.pk: p
        for p in Post.objects.filter(pk__in=ids, department__unit_id=cycle.unit_id).select_related(
            "department"
        )
    }
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ServiceError(f"岗位（ID {'、'.join(missing)}）不属于{cycle.unit.name}", field="post_ids")
    return [found[pk] for pk in dict.fromkeys(ids)]


@contextmanager
def payload_names(names: dict[str, str]) -> Iterator[None]:
    """Report a service's field errors under the names the request used (department → department_id)."""
    try:
        yield
    except ServiceError as exc:
        if exc.field_errors:
            exc.field_errors = {names.get(k, k): v for k, v in exc.field_errors.items()}
        raise
