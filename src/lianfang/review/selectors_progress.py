"""Reads for phases, notifications and who is to be reminded (post holders, department heads, supervisors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone

from lianfang.accounts.models import Role, RoleGrant, User
from lianfang.accounts.permissions import Action, ObjectType, prefixes
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.cycles.models import Cycle
from lianfang.cycles.selectors import cycles, unit_path_of
from lianfang.org.models import LeadershipKind, LeadershipRole, PostAssignment

from .models import CyclePhase, Notification, Phase

PHASE_ORDER: tuple[str, ...] = tuple(Phase.values)


# --- phases ----------------------------------------------------------------------------------------------


def may_view_phases(actor: Actor, cycle: Cycle) -> bool:
    """Phases belong to the unit: a grant over the unit or above it, or over one of its departments (a
    department head works to the dates of their unit, as with cycles)."""
    unit_path = cycle.unit.path
    return any(
        unit_path.startswith(p) or unit_path_of(p) == unit_path
        for p in prefixes(actor, Action.VIEW, ObjectType.PHASE)
    )


def get_cycle(actor: Actor, pk: int) -> Cycle:
    """A cycle whose phases the actor may see."""
    cycle = cycles(actor).filter(pk=pk).first()
    if cycle is None or not may_view_phases(actor, cycle):
        raise NotFoundError("年度周期不存在或不在您的权限范围内")
    return cycle


def phases(cycle: Cycle) -> list[CyclePhase]:
    """The cycle's phases in their fixed order (宣传动员 → 检查考核)."""
    rows = list(CyclePhase.objects.filter(cycle=cycle))
    return sorted(rows, key=lambda p: PHASE_ORDER.index(p.phase))


def phase_ends(cycle_id: int) -> dict[str, dt.date]:
    return dict(CyclePhase.objects.filter(cycle_id=cycle_id).values_list("phase", "ends_on"))


# --- notifications ---------------------------------------------------------------------------------------


def notifications(user_id: int | None) -> QuerySet[Notification]:
    if user_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user_id)


def unread_count(user_id: int | None) -> int:
    """The number for the header badge (one indexed query)."""
    if user_id is None:
        return 0
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


# --- who is reminded -------------------------------------------------------------------------------------


def holder_user_ids(post_ids: Iterable[int | None], today: dt.date | None = None) -> dict[int, set[int]]:
    """Per post: the active accounts of the people holding it today (one query)."""
    today = today or timezone.localdate()
    wanted = [p for p in post_ids if p is not None]
    found: dict[int, set[int]] = {}
    if not wanted:
        return found
    rows = (
        PostAssignment.objects.filter(post_id__in=wanted, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(person__user__isnull=False, person__user__is_active=True)
        .values_list("post_id", "person__user__id")
    )
    for post_id, user_id in rows:
        found.setdefault(post_id, set()).add(user_id)
    return found


def role_holders(role: str) -> list[tuple[str, int]]:
    """(scope path, user id) of every live grant of a role to an active account (one query)."""
    rows = (
        RoleGrant.objects.filter(role=role, revoked_at__isnull=True, user__is_active=True)
        .values_list("user_id", "unit__path", "department__path")
        .order_by("user_id")
    )
    return [(unit_path or dept_path or "", user_id) for user_id, unit_path, dept_path in rows]


def covering(grants: list[tuple[str, int]], path: str) -> set[int]:
    """The users whose grant's node covers the path."""
    return {user_id for scope_path, user_id in grants if scope_path and path.startswith(scope_path)}


def unit_office(grants: list[tuple[str, int]], unit_path: str) -> set[int]:
    """The supervising office of the unit itself; failing that, the nearest one above it (from the
    `supervisors()` grants)."""
    exact = {u for p, u in grants if p == unit_path}
    if exact:
        return exact
    above = [(p, u) for p, u in grants if p and unit_path.startswith(p)]
    if not above:
        return set()
    nearest = max(len(p) for p, _u in above)
    return {u for p, u in above if len(p) == nearest}


def overseeing_deputies(unit_id: int, today: dt.date | None = None) -> list[tuple[str, int]]:
    """(path of an overseen department, user id) of the unit's current 分管 deputies with an active account,
    for `covering`: a deputy oversees a department's sub-departments too (as org.leadership.oversees)."""
    today = today or timezone.localdate()
    rows = (
        LeadershipRole.objects.filter(unit_id=unit_id, kind=LeadershipKind.DEPUTY, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(person__user__isnull=False, person__user__is_active=True)
        .values_list("departments__path", "person__user__id")
    )
    return [(path, user_id) for path, user_id in rows if path]


def dept_heads() -> list[tuple[str, int]]:
    return role_holders(Role.DEPT_HEAD)


def supervisors() -> list[tuple[str, int]]:
    return role_holders(Role.SUPERVISOR)


def emails(user_ids: Iterable[int]) -> dict[int, str]:
    return dict(User.objects.filter(pk__in=list(user_ids)).exclude(email="").values_list("id", "email"))
