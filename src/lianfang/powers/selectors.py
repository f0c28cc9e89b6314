"""Reading the catalog and flowcharts, always through the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from lianfang.accounts.permissions import Action, ObjectType, scope
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError
from lianfang.cycles.models import Cycle

from .flowspec import DiscretionSpec, FlowSpec, SeparationSpec, StepSpec, TransitionSpec
from .models import ApprovalStatus, Audience, Disposition, Flowchart, FlowStep, Power, PowerBasis


def powers(actor: Actor, action: str = Action.VIEW) -> QuerySet[Power]:
    qs = Power.objects.select_related("cycle", "unit", "department", "flow")
    return scope(actor, action, ObjectType.POWER, qs)


def flows(actor: Actor, action: str = Action.VIEW) -> QuerySet[Flowchart]:
    qs = Flowchart.objects.select_related("cycle", "unit", "department")
    return scope(actor, action, ObjectType.FLOW, qs)


def get_power(actor: Actor, pk: int) -> Power:
    power = powers(actor).filter(pk=pk).first()
    if power is None:
        raise NotFoundError("职权不存在或不在您的权限范围内")
    return power


def get_flow(actor: Actor, pk: int) -> Flowchart:
    flow = flows(actor).filter(pk=pk).first()
    if flow is None:
        raise NotFoundError("流程图不存在或不在您的权限范围内")
    return flow


@dataclass
class CatalogFilter:
    q: str = ""
    category: str = ""
    audience: str = ""
    status: str = ""
    disposition: str = ""
    department_id: int | None = None
    secret: bool | None = None


def catalog(actor: Actor, cycle: Cycle, f: CatalogFilter | None = None) -> QuerySet[Power]:
    """A cycle's powers the actor may see, filtered and searched (name, code, content, basis, handler)."""
    f = f or CatalogFilter()
    qs = powers(actor).filter(cycle=cycle)
    if f.q:
        words = f.q.split()
        for word in words:
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(code__icontains=word)
                | Q(content__icontains=word)
                | Q(handler_text__icontains=word)
                | Q(bases__document__icontains=word)
            )
        qs = qs.distinct()
    if f.category:
        qs = qs.filter(category=f.category)
    if f.audience:
        qs = qs.filter(audience=f.audience)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.disposition:
        qs = qs.filter(disposition=f.disposition)
    if f.department_id:
        qs = qs.filter(department_id=f.department_id)
    if f.secret is not None:
        qs = qs.filter(is_secret=f.secret)
    return qs


def with_details(qs: QuerySet[Power]) -> QuerySet[Power]:
    return qs.prefetch_related(
        Prefetch("bases", queryset=PowerBasis.objects.order_by("order", "id")), "posts", "posts__department"
    )


def external_catalog(cycle: Cycle) -> QuerySet[Power]:
    """What may be shown to society: approved (or published) external powers in force, never secret ones
    (涉密)."""
    return (
        Power.objects.filter(
            cycle=cycle,
            audience=Audience.EXTERNAL,
            is_secret=False,
            status__in=(ApprovalStatus.APPROVED, ApprovalStatus.PUBLISHED),
        )
        .exclude(disposition=Disposition.ABOLISH)
        .exclude(flow__is_secret=True)
        .select_related("department", "flow")
    )


def flow_spec(flow: Flowchart) -> FlowSpec:
    """The flow as plain data, for analysis, rendering and export."""
    steps = list(FlowStep.objects.filter(flow=flow).select_related("post").order_by("order", "id"))
    code_of = {s.pk: s.code for s in steps}
    return FlowSpec(
        code=flow.code,
        name=flow.name,
        description=flow.description,
        steps=tuple(
            StepSpec(
                code=s.code,
                name=s.name,
                kind=s.kind,
                post_id=s.post_id,
                handler=s.handler or (s.post.name if s.post else ""),
                basis=s.basis,
                conditions=s.conditions,
                materials=s.materials,
                time_limit=s.time_limit,
                limit_unit=s.limit_unit,
                supervision=s.supervision,
                applicant_rights=s.applicant_rights,
                is_start=s.is_start,
            )
            for s in steps
        ),
        transitions=tuple(
            TransitionSpec(code_of[t.source_id], code_of[t.target_id], t.label)
            for t in flow.transitions.order_by("id")
        ),
        separations=tuple(
            SeparationSpec(code_of[p.first_id], code_of[p.second_id], p.note)
            for p in flow.separations.order_by("id")
        ),
        discretion=tuple(
            DiscretionSpec(d.violation, d.circumstance, d.min_amount, d.max_amount, d.measure, d.basis)
            for d in flow.discretion.order_by("order", "id")
        ),
        statutory_limit=flow.statutory_limit,
        statutory_unit=flow.statutory_unit,
        promised_limit=flow.promised_limit,
        promised_unit=flow.promised_unit,
        power_codes=tuple(flow.powers.order_by("code").values_list("code", flat=True)),
    )
