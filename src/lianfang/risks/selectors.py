"""Reading the risk register, always through the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from lianfang.accounts.permissions import Action, ObjectType, scope
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department

from . import search
from .models import Assessment, Manifestation, Measure, RiskPoint


def risks(actor: Actor, action: str = Action.VIEW) -> QuerySet[RiskPoint]:
    qs = RiskPoint.objects.select_related(
        "cycle", "unit", "department", "post", "post__department", "power", "step"
    )
    return scope(actor, action, ObjectType.RISK, qs)


def get_risk(actor: Actor, pk: int) -> RiskPoint:
    risk = risks(actor).filter(pk=pk).first()
    if risk is None:
        raise NotFoundError("风险点不存在或不在您的权限范围内")
    return risk


def measures(actor: Actor) -> QuerySet[Measure]:
    qs = Measure.objects.select_related("risk", "risk__department", "risk__post", "owner")
    return scope(actor, Action.VIEW, ObjectType.RISK, qs, lookups=("risk__path",))


@dataclass
class RegisterFilter:
    q: str = ""
    level: str = ""
    risk_type: str = ""
    risk_kind: str = ""
    subject_kind: str = ""
    status: str = ""
    department: Department | None = None  # this department and the ones below it
    post_id: int | None = None
    measure_status: str = ""


def register(actor: Actor, cycle: Cycle, f: RegisterFilter | None = None) -> QuerySet[RiskPoint]:
    """A cycle's risk points the actor may see, filtered, and searched in Chinese (jieba words)."""
    f = f or RegisterFilter()
    qs = risks(actor).filter(cycle=cycle)
    for word in search.query_words(f.q) if f.q else []:
        qs = qs.filter(search_text__contains=word)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.risk_type:
        qs = qs.filter(risk_type=f.risk_type)
    if f.risk_kind:
        qs = qs.filter(risk_kind=f.risk_kind)
    if f.subject_kind:
        qs = qs.filter(subject_kind=f.subject_kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.department is not None:
        qs = qs.filter(path__startswith=f.department.path)
    if f.post_id:
        qs = qs.filter(post_id=f.post_id)
    if f.measure_status:
        # EXISTS, not a join that would then need DISTINCT over the whole cycle.
        qs = qs.filter(Exists(Measure.objects.filter(risk=OuterRef("pk"), status=f.measure_status)))
    return qs


def with_details(qs: QuerySet[RiskPoint]) -> QuerySet[RiskPoint]:
    return qs.prefetch_related(
        Prefetch("manifestations", queryset=Manifestation.objects.order_by("order", "id")),
        Prefetch("measures", queryset=Measure.objects.select_related("owner").order_by("order", "id")),
        Prefetch(
            "assessments", queryset=Assessment.objects.select_related("matrix").order_by("created_at", "id")
        ),
    )
