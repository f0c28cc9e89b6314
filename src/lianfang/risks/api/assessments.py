"""Grading endpoints (风险等级): the current matrix for building a form, a new matrix version, assessing a
risk point from its factors, and the leadership's decision on a downgrade from 高."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as HttpStatus

from lianfang.accounts.permissions import Action, ObjectType, can
from lianfang.accounts.selectors import request_actor
from lianfang.core.errors import NotFoundError
from lianfang.org.models import Unit
from lianfang.powers.api.common import resolve_cycle

from .. import selectors as sel
from .. import services
from ..models import Assessment, GradingMatrix
from .common import get_assessment
from .schemas import AssessIn, AssessmentOut, DecideIn, MatrixIn, MatrixOut, MatrixQuery

router = Router(tags=["风险等级"])


@router.get("/grading/matrix", response=MatrixOut, summary="单位现行的风险等级矩阵（用于生成评定表单）")
def grading_matrix(request: HttpRequest, where: Query[MatrixQuery]) -> GradingMatrix:
    cycle = resolve_cycle(request_actor(request), where.cycle_id, where.unit_id)
    return services.current_matrix(cycle.unit)


@router.post("/grading/matrix", response={201: MatrixOut}, summary="发布单位风险等级矩阵的新版本")
def new_matrix_version(request: HttpRequest, payload: MatrixIn) -> Any:
    """A new version of the unit's matrix. Earlier versions are never changed: each assessment keeps the
    version it was made with, so old grades keep their meaning."""
    actor = request_actor(request)
    unit = Unit.objects.filter(pk=payload.unit_id).first()
    if unit is None or not can(actor, Action.VIEW, ObjectType.UNIT, unit.path):
        raise NotFoundError("单位不存在或不在您的权限范围内")
    return HttpStatus(201, services.create_matrix_version(actor, unit, payload.definition, payload.name))


@router.post("/{int:risk_id}/assess", response={201: AssessmentOut}, summary="按等级矩阵评定风险等级")
def assess(request: HttpRequest, risk_id: int, payload: AssessIn) -> Any:
    """The level comes from the factors (就高不就低 over the grid, extra factors and floor rules). Lowering a
    level that the last assessment set to 高 needs `justification` and stays pending until the leadership
    decides."""
    actor = request_actor(request)
    risk = sel.get_risk(actor, risk_id)
    assessment = services.assess(
        actor, risk, payload.factors, residual=payload.residual, justification=payload.justification
    )
    return HttpStatus(201, get_assessment(actor, assessment.pk))


@router.post(
    "/assessments/{int:assessment_id}/decide", response=AssessmentOut, summary="领导班子批准或不批准降级"
)
def decide(request: HttpRequest, assessment_id: int, payload: DecideIn) -> Assessment:
    actor = request_actor(request)
    services.decide_downgrade(
        actor, get_assessment(actor, assessment_id), approve=payload.approve, note=payload.note
    )
    return get_assessment(actor, assessment_id)
