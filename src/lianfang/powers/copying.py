"""Carrying the catalog into next year's cycle: every flow and every power still in force becomes a draft
linked to its predecessor. Abolished powers (废止) stop here; their absence shows as "retired" next year."""

from __future__ import annotations

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor
from lianfang.cycles.models import Cycle
from lianfang.org.models import Status

from .models import (
    ApprovalStatus,
    DiscretionRule,
    Disposition,
    Flowchart,
    FlowStep,
    FlowTransition,
    Power,
    PowerBasis,
    SeparationPair,
)


def _copy_flow(old: Flowchart, new_cycle: Cycle) -> Flowchart:
    flow = Flowchart.objects.create(
        cycle=new_cycle,
        unit=old.unit,
        department=old.department if old.department and old.department.status == Status.ACTIVE else None,
        path=old.path if not old.department or old.department.status == Status.ACTIVE else old.unit.path,
        code=old.code,
        name=old.name,
        description=old.description,
        statutory_limit=old.statutory_limit,
        statutory_unit=old.statutory_unit,
        promised_limit=old.promised_limit,
        promised_unit=old.promised_unit,
        is_secret=old.is_secret,
        status=ApprovalStatus.DRAFT,
        predecessor=old,
    )
    steps: dict[int, FlowStep] = {}
    for s in old.steps.select_related("post").order_by("order", "id"):
        post_alive = s.post is not None and s.post.status == Status.ACTIVE
        steps[s.pk] = FlowStep.objects.create(
            flow=flow,
            code=s.code,
            order=s.order,
            name=s.name,
            kind=s.kind,
            post=s.post if post_alive else None,
            # A retired post keeps its name as the written handler, so the gap is visible, not silent.
            handler=s.handler or (s.post.name if s.post and not post_alive else ""),
            basis=s.basis,
            conditions=s.conditions,
            materials=s.materials,
            time_limit=s.time_limit,
            limit_unit=s.limit_unit,
            supervision=s.supervision,
            applicant_rights=s.applicant_rights,
            is_start=s.is_start,
        )
    FlowTransition.objects.bulk_create(
        FlowTransition(flow=flow, source=steps[t.source_id], target=steps[t.target_id], label=t.label)
        for t in old.transitions.all()
    )
    SeparationPair.objects.bulk_create(
        SeparationPair(flow=flow, first=steps[p.first_id], second=steps[p.second_id], note=p.note)
        for p in old.separations.all()
    )
    DiscretionRule.objects.bulk_create(
        DiscretionRule(
            flow=flow,
            order=d.order,
            violation=d.violation,
            circumstance=d.circumstance,
            min_amount=d.min_amount,
            max_amount=d.max_amount,
            measure=d.measure,
            basis=d.basis,
        )
        for d in old.discretion.all()
    )
    return flow


def copy_catalog(actor: Actor, old: Cycle, new: Cycle) -> dict[str, int]:
    """Runs inside `cycles.services.open_next_cycle`'s transaction; one audit entry sums it up."""
    flow_map: dict[int, Flowchart] = {}
    for f in Flowchart.objects.filter(cycle=old).select_related("department", "unit"):
        flow_map[f.pk] = _copy_flow(f, new)
    copied = 0
    olds = (
        Power.objects.filter(cycle=old)
        .exclude(disposition=Disposition.ABOLISH)
        .select_related("department", "unit")
        .prefetch_related("bases", "posts")
    )
    for p in olds:
        dept_alive = p.department is None or p.department.status == Status.ACTIVE
        power = Power.objects.create(
            cycle=new,
            unit=p.unit,
            department=p.department if dept_alive else None,
            path=p.path if dept_alive else p.unit.path,
            code=p.code,
            name=p.name,
            content=p.content,
            category=p.category,
            audience=p.audience,
            handler_text=p.handler_text,
            # Next year's review starts from "keep"; the department says again what changes and why.
            disposition=Disposition.KEEP,
            disposition_reason="",
            is_secret=p.is_secret,
            flow=flow_map.get(p.flow_id) if p.flow_id else None,
            status=ApprovalStatus.DRAFT,
            predecessor=p,
            sort_order=p.sort_order,
        )
        PowerBasis.objects.bulk_create(
            PowerBasis(power=power, document=b.document, article=b.article, order=b.order)
            for b in p.bases.all()
        )
        power.posts.set([post for post in p.posts.all() if post.status == Status.ACTIVE])
        copied += 1
    counts = {"powers": copied, "flows": len(flow_map)}
    record(
        actor,
        AuditAction.CREATE,
        object_type="powers.catalog",
        object_id=str(new.pk),
        object_repr=f"{new.unit.name}{new}职权目录（由{old}结转）",
        scope_path=new.unit.path,
        after=counts,
    )
    return counts
