"""Reading cycles, scoped by the organisation tree."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lianfang.accounts.permissions import Action, ObjectType, path_q, prefixes
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.org.models import Unit

from .models import Cycle


def unit_path_of(path: str) -> str:
    """The path of the unit an organisation path lies in: "U1/U7/D12/D13/" → "U1/U7/"."""
    acc = found = ""
    for segment in path.split("/")[:-1]:
        acc += segment + "/"
        if segment.startswith("U"):
            found = acc
    return found


def cycles(actor: Actor, action: str = Action.VIEW) -> QuerySet[Cycle]:
    """Cycles of units under the actor's grants, and of the unit a department-level grant sits in:
    a department head works in the cycle of their unit."""
    qs = Cycle.objects.select_related("unit", "previous")
    paths = prefixes(actor, action, ObjectType.CYCLE)
    if not paths:
        return qs.none()
    if paths == [""]:
        return qs
    enclosing = [unit_path_of(p) for p in paths]
    return qs.filter(path_q(("unit__path",), paths) | Q(unit__path__in=enclosing))


def get_cycle(actor: Actor, pk: int) -> Cycle:
    cycle = cycles(actor).filter(pk=pk).first()
    if cycle is None:
        raise NotFoundError("年度周期不存在或不在您的权限范围内")
    return cycle


def latest_cycle(unit: Unit) -> Cycle | None:
    """The unit's newest cycle: the one people work in unless they pick another year."""
    return Cycle.objects.filter(unit=unit).order_by("-year").first()
