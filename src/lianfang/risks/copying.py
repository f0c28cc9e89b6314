"""Carrying the risk register into next year's cycle (after the catalog: the powers and flows must already
have their successors).

Every risk point becomes a draft linked to its predecessor, with its manifestations and measures. Evidence
files are not copied: they prove what was done last year. The level is carried by copying the latest
effective assessment (same frozen matrix version, factors and reasons), marked "上年度结转", so the level
keeps its meaning and lowering a carried 高 still needs the leadership's approval. The power becomes its
successor and the flowchart step the successor flow's step with the same code. A risk point whose post or
department has been retired since is not carried; the summary audit entry counts it.
"""

from __future__ import annotations

from django.db.models import Prefetch

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor
from lianfang.cycles.models import Cycle
from lianfang.org.models import Status
from lianfang.powers.models import FlowStep, Power

from .models import Assessment, AssessmentSource, AssessmentStatus, Manifestation, Measure, RiskPoint
from .services.common import subject_path
from .services.register import next_code
from .vocabulary import SubjectKind

CARRIED_BY = "上年度结转"


def _subject_alive(risk: RiskPoint) -> bool:
    if risk.subject_kind == SubjectKind.POST:
        assert risk.post is not None
        return risk.post.status == Status.ACTIVE and risk.post.department.status == Status.ACTIVE
    if risk.subject_kind == SubjectKind.DEPARTMENT:
        assert risk.department is not None
        return risk.department.status == Status.ACTIVE
    return risk.unit.status == Status.ACTIVE


def _latest_level(risk: RiskPoint) -> Assessment | None:
    """The latest effective assessment that sets the level (not an after-measures one)."""
    found = [
        a
        for a in risk.assessments.all()
        if a.status == AssessmentStatus.EFFECTIVE and a.source != AssessmentSource.RESIDUAL
    ]
    return max(found, key=lambda a: (a.created_at, a.pk)) if found else None


class _Maps:
    """Old power → its successor; old step → the successor flow's step with the same code."""

    def __init__(self, new: Cycle):
        self.powers = {
            p.predecessor_id: p for p in Power.objects.filter(cycle=new, predecessor__isnull=False)
        }
        self.steps = {
            (s.flow.predecessor_id, s.code): s
            for s in FlowStep.objects.filter(flow__cycle=new, flow__predecessor__isnull=False).select_related(
                "flow"
            )
        }

    def power(self, old: Power | None) -> Power | None:
        return self.powers.get(old.pk) if old is not None else None

    def step(self, old: FlowStep | None, power: Power | None) -> FlowStep | None:
        if old is None:
            return None
        step = self.steps.get((old.flow_id, old.code))
        if step is not None and power is not None and power.flow_id != step.flow_id:
            return None  # the power moved to another flow this year: the old step no longer applies
        return step


def _copy(old: RiskPoint, new_cycle: Cycle, maps: _Maps, code: str) -> RiskPoint:
    department = old.post.department if old.post is not None else old.department
    power = maps.power(old.power)
    risk = RiskPoint.objects.create(
        cycle=new_cycle,
        unit=old.unit,
        subject_kind=old.subject_kind,
        department=department,
        post=old.post,
        path=subject_path(new_cycle, old.subject_kind, department, old.post),
        code=code,
        duty=old.duty,
        name=old.name,
        risk_type=old.risk_type,
        risk_kind=old.risk_kind,
        causes=list(old.causes),
        cause_note=old.cause_note,
        found_by=old.found_by,
        power=power,
        step=maps.step(old.step, power),
        three_important=old.three_important,
        notes=old.notes,
        predecessor=old,
        sort_order=old.sort_order,
        search_text=old.search_text,  # same words: code, texts, manifestations and measures are copied
    )
    Manifestation.objects.bulk_create(
        Manifestation(risk=risk, order=m.order, text=m.text) for m in old.manifestations.all()
    )
    Measure.objects.bulk_create(
        Measure(
            risk=risk,
            order=m.order,
            category=m.category,
            text=m.text,
            owner=m.owner if m.owner is None or m.owner.status == Status.ACTIVE else None,
            # A retired owner keeps their name in the text, so the gap shows instead of vanishing.
            owner_text=m.owner_text or (m.owner.name if m.owner and m.owner.status != Status.ACTIVE else ""),
            due_date=m.due_date,
            status=m.status,
            review_date=m.review_date,
            template=m.template,
        )
        for m in old.measures.all()
    )
    level = _latest_level(old)
    if level is not None:
        Assessment.objects.create(
            risk=risk,
            matrix=level.matrix,
            source=level.source,
            factors=level.factors,
            facts=level.facts,
            reasons=level.reasons,
            warnings=level.warnings,
            level=level.level,
            status=AssessmentStatus.EFFECTIVE,
            justification=level.justification,
            decision_note=level.decision_note,
            decided_by=level.decided_by,
            decided_at=level.decided_at,
            created_by=CARRIED_BY,
        )
        risk.level = level.level
        risk.save(update_fields=["level"])
    return risk


def copy_register(actor: Actor, old_cycle: Cycle, new_cycle: Cycle) -> dict[str, int]:
    """Runs inside `cycles.services.open_next_cycle`'s transaction, after the catalog's copier; one audit
    entry sums it up. A risk point already carried (it has a successor) is left alone."""
    maps = _Maps(new_cycle)
    taken = set(RiskPoint.objects.filter(cycle=new_cycle).values_list("code", flat=True))
    olds = (
        RiskPoint.objects.filter(cycle=old_cycle, successor__isnull=True)
        .select_related("unit", "post__department", "department", "power", "step")
        .prefetch_related(
            "manifestations",
            Prefetch("measures", queryset=Measure.objects.select_related("owner", "template")),
            "assessments",
        )
        .order_by("path", "sort_order", "id")
    )
    copied, skipped, measures = 0, [], 0
    for old in olds:
        if not _subject_alive(old):
            skipped.append(old.code)
            continue
        code = old.code if old.code not in taken else next_code(new_cycle)
        taken.add(code)
        _copy(old, new_cycle, maps, code)
        copied += 1
        measures += len(old.measures.all())
    counts = {"risks": copied, "measures": measures, "skipped": len(skipped)}
    record(
        actor,
        AuditAction.CREATE,
        object_type="risks.register",
        object_id=str(new_cycle.pk),
        object_repr=f"{new_cycle.unit.name}{new_cycle}廉政风险点（由{old_cycle}结转）",
        scope_path=new_cycle.unit.path,
        after={**counts, "skipped_codes": skipped},
    )
    return counts
