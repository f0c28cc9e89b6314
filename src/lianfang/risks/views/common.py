"""What the register views share: the view right, fetching a risk point in scope, where the actor may put a
risk point (post holders: only their own posts), breadcrumbs and URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from lianfang.accounts.permissions import Action, ObjectType, can, can_anywhere
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.core.ui import actor as actor_of
from lianfang.cycles.models import Cycle
from lianfang.org import selectors as org_selectors
from lianfang.org.models import Department, Post, Status
from lianfang.powers.views.common import Crumb, int_param, map_errors, pick_cycle

from .. import selectors
from ..models import Measure, RiskPoint
from ..services.common import EDITABLE, may_risk
from ..vocabulary import SubjectKind

__all__ = ["Crumb", "int_param", "map_errors", "pick_cycle"]


def require_view(request: HttpRequest) -> None:
    if not can_anywhere(actor_of(request), Action.VIEW, ObjectType.RISK):
        raise PermissionDenied(_("您没有查看风险点的权限"))


def get_risk(actor: Actor, pk: int) -> RiskPoint:
    qs = selectors.with_details(selectors.risks(actor).filter(pk=pk)).prefetch_related("measures__evidence")
    risk = qs.first()
    if risk is None:
        raise NotFoundError("风险点不存在或不在您的权限范围内")
    return risk


def get_measure(actor: Actor, pk: int) -> Measure:
    measure = selectors.measures(actor).select_related("risk__cycle", "risk__unit").filter(pk=pk).first()
    if measure is None:
        raise NotFoundError("防控措施不存在或不在您的权限范围内")
    return measure


def editable(risk: RiskPoint) -> bool:
    return risk.status in EDITABLE


def may(actor: Actor, action: str, risk: RiskPoint) -> bool:
    return may_risk(actor, action, risk.path, risk.post_id)


@dataclass
class Places:
    """Where the actor may put a risk point in a cycle's unit: the subject kinds, the departments (of a
    department risk point, or holding an allowed post) and the posts."""

    kinds: list[str]
    departments: QuerySet[Department]
    posts: QuerySet[Post]


def places(actor: Actor, cycle: Cycle, action: str = Action.CREATE) -> Places:
    unit = cycle.unit
    visible_depts = list(
        org_selectors.departments(actor).filter(unit=unit, status=Status.ACTIVE).order_by("path")
    )
    dept_ids = [d.pk for d in visible_depts if may_risk(actor, action, d.path, None)]
    candidate_posts = [
        p
        for p in org_selectors.posts(actor).filter(department__unit=unit, status=Status.ACTIVE)
        if can(actor, action, ObjectType.RISK, p.department.path)
    ]
    post_ids = [p.pk for p in candidate_posts if may_risk(actor, action, p.department.path, p.pk)]
    holding = {p.department_id for p in candidate_posts if p.pk in post_ids}
    kinds = []
    if post_ids:
        kinds.append(SubjectKind.POST.value)
    if dept_ids:
        kinds.append(SubjectKind.DEPARTMENT.value)
    if may_risk(actor, action, unit.path, None):
        kinds.append(SubjectKind.UNIT.value)
    departments = (
        Department.objects.filter(pk__in=set(dept_ids) | holding)
        .select_related("unit", "parent")
        .order_by("path")
    )
    posts = (
        Post.objects.filter(pk__in=post_ids).select_related("department").order_by("department__path", "name")
    )
    return Places(kinds, departments, posts)


def may_create_somewhere(actor: Actor, cycle: Cycle) -> bool:
    """Whether the actor may put a risk point anywhere in the cycle's unit (the button on the list page);
    `places` gives the full answer, this one stops at the first place found."""
    unit = cycle.unit
    if may_risk(actor, Action.CREATE, unit.path, None):
        return True
    if not can_anywhere(actor, Action.CREATE, ObjectType.RISK):
        return False
    for d in org_selectors.departments(actor).filter(unit=unit, status=Status.ACTIVE).order_by("path"):
        if may_risk(actor, Action.CREATE, d.path, None):
            return True
    return bool(places(actor, cycle).kinds)


def options(qs: QuerySet[Any], label: Any) -> list[tuple[int, str]]:
    """A select's options as plain pairs, drawn by a template loop (a widget per option is slow for the
    hundreds of posts of a unit)."""
    return [(obj.pk, label(obj)) for obj in qs]


def posts_in(posts: QuerySet[Post], department: Department | None) -> QuerySet[Post]:
    """The allowed posts of one department and the ones below it (all of them when none is chosen)."""
    if department is None:
        return posts
    return posts.filter(department__path__startswith=department.path)


def register_url(cycle: Cycle | None) -> str:
    url = reverse("risks:register")
    return f"{url}?cycle={cycle.pk}" if cycle else url


def register_crumbs(cycle: Cycle | None) -> list[Crumb]:
    return [Crumb(_("廉政风险点"), register_url(cycle))]


def risk_url(risk: RiskPoint, anchor: str = "") -> str:
    url = reverse("risks:detail", args=[risk.pk])
    return f"{url}#{anchor}" if anchor else url


def subject_name(risk: RiskPoint) -> str:
    if risk.subject_kind == SubjectKind.POST and risk.post is not None:
        return f"{risk.post.name}（{risk.department.name if risk.department else ''}）"
    if risk.subject_kind == SubjectKind.DEPARTMENT and risk.department is not None:
        return risk.department.name
    return risk.unit.name
