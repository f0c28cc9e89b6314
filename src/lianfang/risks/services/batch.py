"""Creating many risk points at once (sheet imports): the same validation and permission checks as
`create_risk`, `add_measure` and `record_imported_level`, with the rows written in bulk and one audit entry
for the batch listing every risk point created. Per-row services cost ~50 ms a risk point (several audited
writes and a search refresh each); a 10,000-row sheet must import in seconds."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from lianfang.accounts.permissions import Action
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.cycles.models import Cycle

from .. import grading, search
from ..models import Assessment, AssessmentSource, Manifestation, Measure, RiskPoint
from ..vocabulary import RiskLevel
from .assessments import current_matrix, facts_of
from .common import require_open_subject, require_risk, subject_path
from .measures import MeasureData, check_measure_data
from .register import FIELDS, RiskData, check_risk_data, next_code


@dataclass
class NewRisk:
    data: RiskData
    measures: list[MeasureData] = field(default_factory=list)
    level: str | None = None  # a level read from a sheet (factors unknown)


def check_batch(actor: Actor, cycle: Cycle, entries: list[NewRisk]) -> dict[int, ServiceError]:
    """Every entry checked as the one-by-one services would; the problems by entry index."""
    errors: dict[int, ServiceError] = {}
    allowed: dict[tuple[str, int | None], ServiceError | None] = {}
    stub = RiskPoint(unit=cycle.unit)  # what the measure checks look at: the unit
    for i, entry in enumerate(entries):
        data = entry.data = entry.data.cleaned()
        path = subject_path(cycle, data.subject_kind, data.department, data.post)
        key = (path, data.post.pk if data.post else None)
        if key not in allowed:
            try:
                require_risk(actor, Action.CREATE, *key)
                require_open_subject(cycle, data.subject_kind, data.department, data.post)
                allowed[key] = None
            except ServiceError as exc:
                allowed[key] = exc
        try:
            if allowed[key] is not None:
                raise allowed[key]  # type: ignore[misc]
            check_risk_data(cycle, data, None)
            for measure in entry.measures:
                check_measure_data(stub, measure)
            if entry.level is not None and entry.level not in RiskLevel.values:
                raise ServiceError("风险等级应为高、中或低", field="level")
        except ServiceError as exc:
            errors[i] = exc
    return errors


@transaction.atomic
def create_risks_in_batch(actor: Actor, cycle: Cycle, entries: list[NewRisk]) -> list[RiskPoint]:
    """Create the entries (all checked first: any problem raises, nothing is written)."""
    problems = check_batch(actor, cycle, entries)
    if problems:
        first = min(problems)
        raise ServiceError(f"第{first + 1}个风险点：{problems[first].message}")
    if not entries:
        return []
    start = int(next_code(cycle)[2:])
    risks = []
    for n, entry in enumerate(entries):
        data = entry.data
        risk = RiskPoint(
            cycle=cycle,
            unit=cycle.unit,
            path=subject_path(cycle, data.subject_kind, data.department, data.post),
            code=data.code or f"R-{start + n:04d}",
        )
        for name in FIELDS:
            setattr(risk, name, getattr(data, name))
        risk.level = entry.level or ""
        texts = [risk.code, data.duty, data.name, data.cause_note, data.notes, *data.manifestations]
        risk.search_text = search.index_text(texts + [m.text for m in entry.measures])
        risks.append(risk)
    RiskPoint.objects.bulk_create(risks, batch_size=500)
    manifestations, measures, assessments = [], [], []
    matrix = current_matrix(cycle.unit)
    definition = grading.MatrixDefinition.from_json(matrix.definition)
    for risk, entry in zip(risks, entries, strict=True):
        manifestations += [
            Manifestation(risk=risk, order=i, text=t) for i, t in enumerate(entry.data.manifestations)
        ]
        for i, m in enumerate(entry.measures):
            measures.append(
                Measure(
                    risk=risk,
                    order=i,
                    category=m.category,
                    text=m.text.strip(),
                    owner=m.owner,
                    owner_text=m.owner_text.strip(),
                    due_date=m.due_date,
                    status=m.status,
                    review_date=m.review_date,
                    template=m.template,
                )
            )
        if entry.level:
            facts = facts_of(entry.data.three_important, entry.data.power, entry.data.post)
            assessments.append(
                Assessment(
                    risk=risk,
                    matrix=matrix,
                    source=AssessmentSource.IMPORTED,
                    facts=sorted(facts),
                    warnings=grading.check_imported(definition, entry.level, facts),
                    level=entry.level,
                    created_by=actor.name,
                )
            )
    Manifestation.objects.bulk_create(manifestations, batch_size=1000)
    Measure.objects.bulk_create(measures, batch_size=1000)
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    record(
        actor,
        AuditAction.CREATE,
        object_type="risks.riskpoint",
        object_repr=f"批量新增风险点 {len(risks)} 个（{cycle.unit.name}{cycle}）",
        scope_path=cycle.unit.path,
        after={
            "count": len(risks),
            "manifestations": len(manifestations),
            "measures": len(measures),
            "risks": [
                {"id": r.pk, "code": r.code, "name": r.name, "path": r.path, "level": r.level} for r in risks
            ],
        },
    )
    return risks
