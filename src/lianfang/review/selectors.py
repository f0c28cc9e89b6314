"""Scoped reads of risk sheets, and what waits for an actor along the sheets' chains."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere, prefixes
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.cycles.models import CycleStatus
from lianfang.org.leadership import leadership_of
from lianfang.risks.models import RiskPoint

from . import chain
from .models import RiskSheet, SheetAction, SheetStage
from .services.sheets import allowed_moves


def sheets(actor: Actor) -> QuerySet[RiskSheet]:
    found = prefixes(actor, Action.VIEW, ObjectType.RISK)
    if not found:
        return RiskSheet.objects.none()
    scope = Q()
    for path in found:
        scope |= Q(path__startswith=path)
    return RiskSheet.objects.filter(scope).select_related("cycle", "unit", "department", "post")


def get_sheet(actor: Actor, pk: int) -> RiskSheet:
    sheet = sheets(actor).filter(pk=pk).first()
    if sheet is None:
        raise NotFoundError("排查表不存在或不在您的权限范围内")
    return sheet


def with_risk_counts(qs: QuerySet[RiskSheet]) -> QuerySet[RiskSheet]:
    """Each sheet's number of risk points, in the same query (the subject matched as `sheet_risks` does)."""
    rows = RiskPoint.objects.filter(
        Q(post_id=OuterRef("post_id"))
        | Q(subject_kind="department", department_id=OuterRef("department_id"))
        | Q(subject_kind="unit"),
        cycle_id=OuterRef("cycle_id"),
        subject_kind=OuterRef("subject_kind"),
    )
    count = rows.order_by().values("cycle_id").annotate(n=Count("id")).values("n")
    return qs.annotate(risk_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)))


# The stages each permission moves a sheet out of, so the worklist fetches its candidates in one query.
STAGES_FOR: dict[str, tuple[str, ...]] = {}
for _stage, _permission in chain.STAGE_PERMISSION.items():
    STAGES_FOR.setdefault(_permission, ())
    STAGES_FOR[_permission] += (_stage,)


@dataclass(frozen=True)
class SheetWork:
    sheet: RiskSheet
    move: chain.Move

    @property
    def action_label(self) -> str:
        return str(SheetAction(self.move.action).label)


def awaiting(actor: Actor, limit: int = 20) -> tuple[list[SheetWork], int]:
    """Up to `limit` sheets the actor can move forward now, oldest change first, and how many in all."""
    stages = [s for perm, ss in STAGES_FOR.items() if can_anywhere(actor, perm, ObjectType.RISK) for s in ss]
    if not stages:
        return [], 0
    leaderships = leadership_of(actor)
    candidates = (
        sheets(actor)
        .filter(stage__in=stages, cycle__status=CycleStatus.OPEN)
        .exclude(stage=SheetStage.DRAFT)  # a draft is its author's own business until comments are asked
        .order_by("updated_at", "pk")
    )
    found: list[SheetWork] = []
    for sheet in candidates[:500]:
        moves = allowed_moves(actor, sheet, leaderships)
        forward = [m for m in moves if m.action not in (SheetAction.RETURN, SheetAction.REVISE)]
        if forward:
            found.append(SheetWork(sheet, forward[0]))
    return found[:limit], len(found)
