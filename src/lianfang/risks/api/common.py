"""What the risk endpoints share: references by id resolved inside the caller's scope, scoped look-ups of
measures, evidence and assessments, and the optional responsibility block."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import importlib
from typing import Any

from django.db.models import Model
from django.utils.functional import Promise

from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, ServiceError
from lianfang.core.i18n import source_text
from lianfang.cycles.models import Cycle
from lianfang.org.models import Person, Post
from lianfang.powers import selectors as power_sel
from lianfang.powers.models import FlowStep, Power

from .. import selectors as sel
from ..models import Assessment, Measure, MeasureEvidence, MeasureTemplate, RiskPoint

# Service field names → the names this API takes.
RISK_NAMES = {
    "cycle": "cycle_id",
    "department": "department_id",
    "post": "post_id",
    "power": "power_id",
    "step": "step_id",
}
MEASURE_NAMES = {"owner": "owner_id", "template": "template_id"}


def post_ref(cycle: Cycle, pk: int | None) -> Post | None:
    """A post named by id: one of the cycle's unit (the services check the caller may work on it)."""
    if pk is None:
        return None
    post = Post.objects.filter(pk=pk, department__unit_id=cycle.unit_id).select_related("department").first()
    if post is None:
        raise ServiceError(f"岗位（ID {pk}）不属于{cycle.unit.name}", field="post_id")
    return post


def power_ref(actor: Actor, cycle: Cycle, pk: int | None) -> Power | None:
    """A power of the same cycle that the caller may see (a token needs powers:read for it)."""
    if pk is None:
        return None
    power = power_sel.powers(actor).filter(pk=pk, cycle=cycle).first()
    if power is None:
        raise ServiceError(f"职权（ID {pk}）不在该年度周期或不在您的权限范围内", field="power_id")
    return power


def step_ref(actor: Actor, cycle: Cycle, pk: int | None) -> FlowStep | None:
    if pk is None:
        return None
    step = (
        FlowStep.objects.filter(pk=pk, flow__in=power_sel.flows(actor).filter(cycle=cycle))
        .select_related("flow")
        .first()
    )
    if step is None:
        raise ServiceError(f"流程环节（ID {pk}）不在该年度周期或不在您的权限范围内", field="step_id")
    return step


def owner_ref(risk: RiskPoint, pk: int | None) -> Person | None:
    if pk is None:
        return None
    person = Person.objects.filter(pk=pk, unit_id=risk.unit_id).first()
    if person is None:
        raise ServiceError(f"人员（ID {pk}）不属于{risk.unit.name}", field="owner_id")
    return person


def template_ref(pk: int | None) -> MeasureTemplate | None:
    if pk is None:
        return None
    template = MeasureTemplate.objects.filter(pk=pk, active=True).first()
    if template is None:
        raise ServiceError(f"措施库条目（ID {pk}）不存在或已停用", field="template_id")
    return template


def get_measure(actor: Actor, pk: int) -> Measure:
    measure = sel.measures(actor).select_related("risk__unit").filter(pk=pk).first()
    if measure is None:
        raise NotFoundError("防控措施不存在或不在您的权限范围内")
    return measure


def get_evidence(actor: Actor, pk: int) -> MeasureEvidence:
    evidence = MeasureEvidence.objects.filter(pk=pk, measure__in=sel.measures(actor)).first()
    if evidence is None:
        raise NotFoundError("落实佐证不存在或不在您的权限范围内")
    return evidence


def get_assessment(actor: Actor, pk: int) -> Assessment:
    assessment = (
        Assessment.objects.filter(pk=pk, risk__in=sel.risks(actor))
        .select_related("risk", "risk__unit", "matrix")
        .first()
    )
    if assessment is None:
        raise NotFoundError("风险评定不存在或不在您的权限范围内")
    return assessment


def risk_with_details(actor: Actor, pk: int) -> RiskPoint:
    """One risk point with everything its detail shows, or the selector's 404."""
    found = sel.with_details(sel.risks(actor)).prefetch_related("measures__evidence").filter(pk=pk).first()
    return found or sel.get_risk(actor, pk)


# --- responsibility (分级负责), written elsewhere: shown when `risks.responsibility` provides it ----

RESPONSIBILITY_MODULE = "lianfang.risks.responsibility"


def responsibility(risk: RiskPoint) -> Any:
    """`responsibility_for(risk)` as JSON data, or None while that module or function does not exist. A risk
    whose responsibility cannot be derived (a refusal in Chinese) shows the refusal instead of failing."""
    try:
        module = importlib.import_module(RESPONSIBILITY_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != RESPONSIBILITY_MODULE:
            raise
        return None
    derive = getattr(module, "responsibility_for", None)
    if derive is None:
        return None
    try:
        return plain(derive(risk))
    except ServiceError as exc:
        return {"error": exc.message}


def plain(value: Any) -> Any:
    """Dataclasses, records, choices and lazy texts as JSON data (records as id and name)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Model):
        return {"id": value.pk, "name": str(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Promise):
        return source_text(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
