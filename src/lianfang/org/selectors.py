"""Reading the organisation, always through the actor's scope."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Count, Model, Q, QuerySet

from lianfang.accounts.permissions import Action, ObjectType, scope
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError

from .models import Department, LeadershipRole, Liaison, Person, Post, PostAssignment, Status, Unit


def units(actor: Actor, action: str = Action.VIEW) -> QuerySet[Unit]:
    return scope(actor, action, ObjectType.UNIT, Unit.objects.select_related("parent"))


def departments(actor: Actor, action: str = Action.VIEW) -> QuerySet[Department]:
    return scope(actor, action, ObjectType.DEPARTMENT, Department.objects.select_related("unit", "parent"))


def posts(actor: Actor, action: str = Action.VIEW) -> QuerySet[Post]:
    return scope(
        actor, action, ObjectType.POST, Post.objects.select_related("department", "department__unit")
    )


def persons(actor: Actor, action: str = Action.VIEW) -> QuerySet[Person]:
    return scope(actor, action, ObjectType.PERSON, Person.objects.select_related("unit", "department"))


def assignments(actor: Actor, action: str = Action.VIEW) -> QuerySet[PostAssignment]:
    return scope(
        actor,
        action,
        ObjectType.ASSIGNMENT,
        PostAssignment.objects.select_related("person", "post", "post__department"),
    )


def leadership_roles(actor: Actor, action: str = Action.VIEW) -> QuerySet[LeadershipRole]:
    return scope(
        actor,
        action,
        ObjectType.LEADERSHIP,
        LeadershipRole.objects.select_related("unit", "person").prefetch_related("departments"),
        lookups=("unit__path",),
    )


def liaisons(actor: Actor, action: str = Action.VIEW) -> QuerySet[Liaison]:
    return scope(
        actor,
        action,
        ObjectType.LEADERSHIP,
        Liaison.objects.select_related("department", "person"),
        lookups=("department__path",),
    )


M = TypeVar("M", bound=Model)


def get_or_404(qs: QuerySet[M], **lookup: object) -> M:
    obj = qs.filter(**lookup).first()
    if obj is None:
        raise NotFoundError()
    return obj


def root_units(actor: Actor) -> list[Unit]:
    """The topmost units the actor can see: where their tree view starts."""
    visible = list(units(actor).filter(status=Status.ACTIVE))
    paths = {u.path for u in visible}
    return [u for u in visible if not any(u.path != p and u.path.startswith(p) for p in paths)]


def root_departments(actor: Actor) -> list[Department]:
    """Departments the actor sees whose unit the actor cannot see (department-level grants)."""
    visible_units = {u.pk for u in units(actor)}
    depts = list(departments(actor).filter(status=Status.ACTIVE).exclude(unit_id__in=visible_units))
    paths = {d.path for d in depts}
    return [d for d in depts if not any(d.path != p and d.path.startswith(p) for p in paths)]


def department_children(
    actor: Actor, unit: Unit, parent: Department | None, include_retired: bool = False
) -> QuerySet[Department]:
    qs = departments(actor).filter(unit=unit, parent=parent)
    if not include_retired:
        qs = qs.filter(status=Status.ACTIVE)
    return qs.annotate(
        post_count=Count("posts", filter=Q(posts__status=Status.ACTIVE), distinct=True),
        child_count=Count("children", filter=Q(children__status=Status.ACTIVE), distinct=True),
    ).order_by("sort_order", "name")


def current_holders(post: Post) -> QuerySet[Person]:
    return Person.objects.filter(assignments__post=post, assignments__end_date__isnull=True)
