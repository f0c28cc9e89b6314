"""The risk point's page: its fields, manifestations, responsibility, grading (with the live preview),
assessment history with pending downgrades, measures with their evidence, and the buttons the actor may
press. Forms that come back with errors are drawn in place (`detail_page(..., grade_form=…)`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from lianfang.accounts.permissions import Action
from lianfang.core.actor import Actor
from lianfang.core.i18n import source_text
from lianfang.org import selectors as org_selectors
from lianfang.org.models import Status
from lianfang.powers import selectors as power_selectors

from .. import grading, responsibility, services
from ..forms import DecisionForm, EvidenceForm, GradingForm, MeasureForm, TemplatePickForm
from ..models import (
    Assessment,
    AssessmentSource,
    AssessmentStatus,
    GradingMatrix,
    RiskPoint,
    RiskStatus,
)
from ..vocabulary import Cause, RiskLevel
from .common import Crumb, editable, may, register_crumbs, subject_name

GRADE_PREFIX, RESIDUAL_PREFIX = "grade", "residual"


@dataclass(frozen=True)
class ReasonLine:
    label: str
    level: str
    source: str

    @property
    def level_name(self) -> str:
        return source_text(RiskLevel(self.level).label) if self.level in RiskLevel.values else self.level


@dataclass(frozen=True)
class AssessmentRow:
    assessment: Assessment
    factors: list[tuple[str, str]]
    reasons: list[ReasonLine]
    errors: list[str]


def _definition(matrix: GradingMatrix | None, cache: dict[int, grading.MatrixDefinition | None]) -> Any:
    if matrix is None:
        return None
    if matrix.pk not in cache:
        try:
            cache[matrix.pk] = grading.MatrixDefinition.from_json(matrix.definition)
        except grading.GradingError:
            cache[matrix.pk] = None
    return cache[matrix.pk]


def assessment_rows(risk: RiskPoint, errors: dict[int, list[str]] | None = None) -> list[AssessmentRow]:
    """The history, newest first, with each factor read through the matrix version it was made with."""
    cache: dict[int, grading.MatrixDefinition | None] = {}
    rows = []
    for a in sorted(risk.assessments.all(), key=lambda a: (a.created_at, a.pk), reverse=True):
        definition = _definition(a.matrix, cache)
        factors = []
        for key, value in (a.factors or {}).items():
            label, shown = key, value
            if definition is not None:
                scale = next((s for s in definition.factors if s.key == key), None)
                if scale is not None:
                    option = scale.option(value)
                    label, shown = scale.label, option.label if option else value
            factors.append((label, shown))
        reasons = [
            ReasonLine(str(r.get("label", "")), str(r.get("level", "")), str(r.get("source", "")))
            for r in (a.reasons or [])
            if isinstance(r, dict)
        ]
        rows.append(AssessmentRow(a, factors, reasons, (errors or {}).get(a.pk, [])))
    return rows


def grading_forms(
    risk: RiskPoint, data: Any = None, *, residual: bool = False
) -> tuple[GradingForm, GradingMatrix]:
    matrix = services.current_matrix(risk.unit)
    definition = grading.MatrixDefinition.from_json(matrix.definition)
    prefix = RESIDUAL_PREFIX if residual else GRADE_PREFIX
    initial: dict[str, str] = {}
    if data is None:  # start from the factors of the last effective assessment of that kind
        source = AssessmentSource.RESIDUAL if residual else AssessmentSource.GRADED
        made = [
            a
            for a in risk.assessments.all()
            if a.source == source and a.status == AssessmentStatus.EFFECTIVE and a.matrix_id == matrix.pk
        ]
        if made:
            last = max(made, key=lambda a: (a.created_at, a.pk))
            initial = {f"factor_{k}": v for k, v in (last.factors or {}).items()}
    form = GradingForm(data, definition=definition, prefix=prefix, initial=initial)
    url = reverse("risks:grade_preview", args=[risk.pk])
    for bound in form.factor_fields():
        # Each pick redraws the derived level (the level itself is never typed).
        bound.field.widget.attrs.update(
            {
                "hx-post": url,
                "hx-trigger": "change",
                "hx-include": "closest form",
                "hx-target": f"#{prefix}-preview",
                "class": "factor-select",
            }
        )
    return form, matrix


def unit_persons(actor: Actor, risk: RiskPoint) -> Any:
    return (
        org_selectors.persons(actor)
        .filter(unit=risk.unit, status=Status.ACTIVE)
        .select_related("department")
        .order_by("department__path", "name")
    )


def measure_form(actor: Actor, risk: RiskPoint, data: Any = None, **kwargs: Any) -> MeasureForm:
    return MeasureForm(data, persons=unit_persons(actor, risk), **kwargs)


def _responsibility(risk: RiskPoint) -> tuple[list[str], str, Any]:
    try:
        found = responsibility.responsibility_for(risk)
    except responsibility.ResponsibilityError as exc:
        return [], exc.message, None
    return list(found.explanation), "", found


def _power_links(actor: Actor, risk: RiskPoint) -> dict[str, Any]:
    power = power_selectors.powers(actor).filter(pk=risk.power_id).first() if risk.power_id else None
    flow = None
    if risk.step is not None:
        flow = power_selectors.flows(actor).filter(pk=risk.step.flow_id).first()
    elif power is not None and power.flow_id:
        flow = power_selectors.flows(actor).filter(pk=power.flow_id).first()
    return {"power": power, "flow": flow, "power_hidden": risk.power_id is not None and power is None}


def preview(risk: RiskPoint, form: GradingForm, *, residual: bool) -> dict[str, Any]:
    """What the factors picked so far give: the level and its reasons, or what is still to choose; and
    whether saving it would lower a level set to 高 (then a justification is needed)."""
    definition = form.definition
    factors = form.factors()
    missing = [s.label for s in definition.factors if s.key in definition.axes and s.key not in factors]
    out: dict[str, Any] = {"form": form, "residual": residual, "missing": missing, "result": None}
    if missing:
        return out
    try:
        result = grading.grade(definition, factors, services.facts_for(risk))
    except grading.GradingError as exc:
        out["problems"] = [m for msgs in exc.field_errors.values() for m in msgs] or [exc.message]
        return out
    out["result"] = result
    out["level_name"] = grading.level_name(result.level)
    out["downgrade"] = not residual and grading.needs_downgrade_approval(risk.level or None, result.level)
    out["previous_name"] = grading.level_name(risk.level) if risk.level else ""
    return out


def detail_page(
    request: HttpRequest,
    actor: Actor,
    risk: RiskPoint,
    *,
    grade_form: GradingForm | None = None,
    residual_form: GradingForm | None = None,
    new_measure_form: MeasureForm | None = None,
    evidence_errors: dict[int, list[str]] | None = None,
    decision_errors: dict[int, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    may_edit = may(actor, Action.EDIT, risk)
    if grade_form is None:
        grade_form, matrix = grading_forms(risk)
    else:
        matrix = services.current_matrix(risk.unit)
    if residual_form is None:
        residual_form, _matrix = grading_forms(risk, residual=True)
    lines, problem, found = _responsibility(risk)
    grade_preview = preview(risk, grade_form, residual=False)
    residual_preview = preview(risk, residual_form, residual=True)
    rows = assessment_rows(risk, decision_errors)
    for m in risk.measures.all():  # the prefetched rows the template draws
        m.upload_errors = (evidence_errors or {}).get(m.pk, [])  # type: ignore[attr-defined]
    pending = [r for r in rows if r.assessment.status == AssessmentStatus.PENDING]
    cause_labels = dict(Cause.choices)
    context: dict[str, Any] = {
        "risk": risk,
        "subject": subject_name(risk),
        "crumbs": [*register_crumbs(risk.cycle), Crumb(risk.name)],
        "causes": [cause_labels.get(c, c) for c in risk.causes or []],
        "responsibility_lines": lines,
        "responsibility_error": problem,
        "responsibility": found,
        "assessment_rows": rows,
        "has_pending": bool(pending),
        "may_decide": bool(pending) and services.may_decide_downgrade(actor, risk),
        "decision_form": DecisionForm(),
        "matrix": matrix,
        "grade_form": grade_form,
        "residual_form": residual_form,
        "grade_preview": grade_preview,
        "residual_preview": residual_preview,
        "may_grade": may_edit and editable(risk),
        "may_residual": may_edit and bool(risk.level),
        "may_edit": may_edit and editable(risk),
        "may_measures": may_edit,
        "may_delete": risk.status == RiskStatus.DRAFT and may(actor, Action.RETIRE, risk),
        "new_measure_form": new_measure_form or measure_form(actor, risk, prefix="new"),
        "pick_form": TemplatePickForm(prefix="pick"),
        "evidence_form": EvidenceForm(),
        **_power_links(actor, risk),
    }
    return render(request, "risks/detail.html", context, status=status)
