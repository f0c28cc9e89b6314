"""Reading the complaint queue, always through the actor's scope (only the supervising office has one),
and the public pickers of the filing form (a unit's active structure)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from lianfang.accounts.permissions import Action, ObjectType, scope
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org.models import Department, Post, Status, Unit
from lianfang.powers.models import Disposition, Power

from .models import Complaint, ComplaintAttachment, ComplaintEvent


def complaints(actor: Actor, action: str = Action.VIEW) -> QuerySet[Complaint]:
    qs = Complaint.objects.select_related("unit", "department", "post", "person", "power")
    return scope(actor, action, ObjectType.COMPLAINT, qs)


@dataclass
class QueueFilter:
    status: str = ""
    category: str = ""
    q: str = ""
    unit_id: int | None = None


def queue(actor: Actor, f: QueueFilter | None = None) -> QuerySet[Complaint]:
    """The supervising office's queue: the complaints in its scope, newest first."""
    f = f or QueueFilter()
    qs = complaints(actor)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.unit_id:
        qs = qs.filter(unit_id=f.unit_id)
    if f.q:
        qs = qs.filter(Q(title__contains=f.q) | Q(body__contains=f.q) | Q(receipt_code__icontains=f.q))
    return qs


def get_complaint(actor: Actor, pk: int) -> Complaint:
    complaint = complaints(actor).filter(pk=pk).first()
    if complaint is None:
        raise NotFoundError("举报不存在或不在您的权限范围内")
    return complaint


def events(complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.order_by("at", "id")


def get_attachment(actor: Actor, pk: int) -> ComplaintAttachment:
    found = (
        ComplaintAttachment.objects.filter(pk=pk, complaint__in=complaints(actor))
        .select_related("complaint")
        .first()
    )
    if found is None:
        raise NotFoundError("附件不存在或不在您的权限范围内")
    return found


# --- the public filing form's pickers (no login: only what the organisation chart shows anyway) ------


def public_units() -> QuerySet[Unit]:
    return Unit.objects.filter(status=Status.ACTIVE).order_by("path")


def public_departments(unit: Unit) -> QuerySet[Department]:
    return Department.objects.filter(unit=unit, status=Status.ACTIVE).order_by("sort_order", "path")


def public_posts(unit: Unit) -> QuerySet[Post]:
    return (
        Post.objects.filter(department__unit=unit, department__status=Status.ACTIVE, status=Status.ACTIVE)
        .select_related("department")
        .order_by("department__sort_order", "department__path", "name")
    )


def public_powers(unit: Unit) -> QuerySet[Power]:
    """The powers of the unit's latest open cycle, without the secret ones."""
    cycle = Cycle.objects.filter(unit=unit, status=CycleStatus.OPEN).order_by("-year").first()
    if cycle is None:
        return Power.objects.none()
    return (
        Power.objects.filter(cycle=cycle, is_secret=False)
        .exclude(disposition=Disposition.ABOLISH)
        .order_by("sort_order", "code")
    )
