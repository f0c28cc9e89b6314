"""Organisation facts behind the leaders' roles: who oversees (分管) which departments, who is the unit's
head (主要领导). The role table says a unit leader may check or approve; these facts say where.

Used by every review chain (the catalog's and the risk sheets'): a unit leader checks only what lies in the
departments they oversee, and approves only as the unit's head — or the supervising office records the
leadership's collective decision.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from lianfang.accounts.models import Role, User
from lianfang.accounts.permissions import ROLE_PERMISSIONS, Action, can
from lianfang.core.actor import Actor

from .models import LeadershipKind, LeadershipRole


def leadership_of(actor: Actor) -> list[LeadershipRole]:
    """The actor's current places in a leadership team (head or deputy), with the departments overseen."""
    if actor.user_id is None:
        return []
    person_id = User.objects.filter(pk=actor.user_id).values_list("person_id", flat=True).first()
    if person_id is None:
        return []
    today = timezone.localdate()
    return list(
        LeadershipRole.objects.filter(person_id=person_id, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .exclude(kind=LeadershipKind.SUPERVISION)
        .prefetch_related("departments")
    )


def oversees(role: LeadershipRole, path: str) -> bool:
    if role.kind == LeadershipKind.HEAD:
        return True
    return any(path.startswith(d.path) for d in role.departments.all())


def grant_allows(
    actor: Actor,
    action: str,
    object_type: str,
    path: str,
    unit_id: int,
    leaderships: list[LeadershipRole] | None = None,
) -> bool:
    """The role check, plus the organisation fact behind a unit leader's role for check and approve.
    `leaderships` (from `leadership_of`) may be passed in when many items are checked at once."""
    if actor.is_system:
        return True
    if not can(actor, action, object_type, path):
        return False
    if action not in (Action.CHECK, Action.APPROVE):
        return True
    for role, scope in actor.grants:
        if not path.startswith(scope) or action not in ROLE_PERMISSIONS.get(role, {}).get(object_type, ()):
            continue
        if role != Role.UNIT_LEADER:
            return True
        if leaderships is None:
            leaderships = leadership_of(actor)
        here = [r for r in leaderships if r.unit_id == unit_id]
        if action == Action.CHECK and any(oversees(r, path) for r in here):
            return True
        if action == Action.APPROVE and any(r.kind == LeadershipKind.HEAD for r in here):
            return True
    return False
