"""Grading risk points with a frozen matrix version, imported and residual levels, and the downgrade guard.

The level is never typed in: it comes from the factors through the unit's current matrix version
(就高不就低 across the grid, the extra factors and the floor rules). A level read from an imported sheet is
kept as that sheet's assessment, with a warning wherever a floor rule demands more. Lowering a level that the
previous assessment set to 高 waits, with its written justification, for the leadership (领导班子) to approve.
"""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lianfang.accounts.models import Role
from lianfang.accounts.permissions import ROLE_PERMISSIONS, Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import PermissionDeniedError, ServiceError
from lianfang.org.leadership import leadership_of
from lianfang.org.models import Post, Unit
from lianfang.powers.models import Power, PowerCategory

from .. import grading
from ..models import Assessment, AssessmentSource, AssessmentStatus, GradingMatrix, RiskPoint
from ..vocabulary import RiskLevel
from .common import clean, require_editable, require_risk

KEY_POST_FLAGS = (
    "manages_people",
    "manages_money",
    "manages_assets",
    "manages_approval",
    "manages_enforcement",
)


def facts_of(three_important: bool, power: Power | None, post: Post | None) -> set[str]:
    """The organisation facts the floor rules look at: 三重一大, an 人财物 power, one of the 五类重点岗位."""
    facts = set()
    if three_important:
        facts.add(grading.FACT_THREE_IMPORTANT_ONE_LARGE)
    if power is not None and power.category == PowerCategory.INTERNAL:
        facts.add(grading.FACT_PEOPLE_MONEY_ASSETS)
    if post is not None and any(getattr(post, flag) for flag in KEY_POST_FLAGS):
        facts.add(grading.FACT_KEY_POST)
    return facts


def facts_for(risk: RiskPoint) -> set[str]:
    return facts_of(risk.three_important, risk.power, risk.post)


def current_matrix(unit: Unit) -> GradingMatrix:
    """The newest version of the unit's own matrix, else of the platform default (made on first use)."""
    found = GradingMatrix.objects.filter(Q(unit=unit) | Q(unit__isnull=True)).order_by("unit_id", "-version")
    own = [m for m in found if m.unit_id == unit.pk]
    if own:
        return own[0]
    default = [m for m in found if m.unit_id is None]
    if default:
        return default[0]
    return GradingMatrix.objects.create(
        unit=None,
        version=1,
        name="默认等级矩阵",
        definition=grading.DEFAULT_DEFINITION.to_json(),
        created_by="系统",
    )


@transaction.atomic
def create_matrix_version(
    actor: Actor, unit: Unit, definition: dict[str, object], name: str = ""
) -> GradingMatrix:
    """A new version of the unit's matrix. Old versions stay as they were: assessments point at them."""
    require(actor, Action.EDIT, ObjectType.CYCLE, unit.path)
    problems = grading.validate_definition(definition)
    if problems:
        raise ServiceError(field_errors={"definition": problems})
    latest = GradingMatrix.objects.filter(unit=unit).order_by("-version").first()
    matrix = GradingMatrix.objects.create(
        unit=unit,
        version=(latest.version + 1) if latest else 1,
        name=clean(name) or f"{unit.name}风险等级矩阵",
        definition=definition,
        created_by=actor.name,
    )
    record_change(
        actor, AuditAction.CREATE, matrix, scope_path=unit.path, before=None, after=snapshot(matrix)
    )
    return matrix


def _effective_before(risk: RiskPoint, *, residual: bool) -> Assessment | None:
    qs = risk.assessments.filter(status=AssessmentStatus.EFFECTIVE)
    qs = (
        qs.filter(source=AssessmentSource.RESIDUAL)
        if residual
        else qs.exclude(source=AssessmentSource.RESIDUAL)
    )
    return qs.order_by("-created_at", "-id").first()


def _apply_level(risk: RiskPoint, assessment: Assessment) -> None:
    field = "residual_level" if assessment.source == AssessmentSource.RESIDUAL else "level"
    setattr(risk, field, assessment.level)
    risk.save(update_fields=[field, "updated_at"])


def _record(actor: Actor, risk: RiskPoint, assessment: Assessment) -> None:
    record_change(
        actor,
        AuditAction.CREATE,
        assessment,
        scope_path=risk.path,
        before={"level": risk.level, "residual_level": risk.residual_level},
        after=snapshot(assessment),
    )


def _finish(actor: Actor, risk: RiskPoint, assessment: Assessment, justification: str) -> Assessment:
    residual = assessment.source == AssessmentSource.RESIDUAL
    previous = _effective_before(risk, residual=residual)
    if not residual and grading.needs_downgrade_approval(
        previous.level if previous else None, assessment.level
    ):
        if not justification:
            raise ServiceError(
                "上次评定为高风险，降低等级必须写明理由，并经领导班子批准（切忌将高等级风险降低等级）",
                field="justification",
            )
        assessment.status = AssessmentStatus.PENDING
        assessment.justification = justification
    assessment.save()
    if assessment.status == AssessmentStatus.EFFECTIVE:
        _apply_level(risk, assessment)
    _record(actor, risk, assessment)
    return assessment


@transaction.atomic
def assess(
    actor: Actor, risk: RiskPoint, factors: dict[str, str], *, residual: bool = False, justification: str = ""
) -> Assessment:
    """Grade from the factors with the unit's current matrix version. `residual`: the annual review's level
    after the measures are in place (措施落实后), kept beside the risk's own level."""
    require_risk(actor, Action.EDIT, risk.path, risk.post_id)
    if not residual:
        require_editable(risk)
    matrix = current_matrix(risk.unit)
    definition = grading.MatrixDefinition.from_json(matrix.definition)
    facts = facts_for(risk)
    try:
        result = grading.grade(definition, factors, facts)
    except grading.GradingError as exc:
        raise ServiceError(str(exc), field="factors") from exc
    assessment = Assessment(
        risk=risk,
        matrix=matrix,
        source=AssessmentSource.RESIDUAL if residual else AssessmentSource.GRADED,
        factors=dict(factors),
        facts=sorted(facts),
        reasons=[asdict(r) for r in result.reasons],
        level=result.level,
        created_by=actor.name,
    )
    return _finish(actor, risk, assessment, clean(justification))


@transaction.atomic
def record_imported_level(
    actor: Actor, risk: RiskPoint, level: str, *, justification: str = ""
) -> Assessment:
    """Keep the level written on an imported sheet as that sheet's assessment (factors unknown), flagged
    where a floor rule demands more."""
    require_risk(actor, Action.EDIT, risk.path, risk.post_id)
    if level not in RiskLevel.values:
        raise ServiceError("风险等级应为高、中或低", field="level")
    matrix = current_matrix(risk.unit)
    definition = grading.MatrixDefinition.from_json(matrix.definition)
    facts = facts_for(risk)
    assessment = Assessment(
        risk=risk,
        matrix=matrix,
        source=AssessmentSource.IMPORTED,
        facts=sorted(facts),
        warnings=grading.check_imported(definition, level, facts),
        level=level,
        created_by=actor.name,
    )
    return _finish(actor, risk, assessment, clean(justification) or "排查表导入")


def may_decide_downgrade(actor: Actor, risk: RiskPoint) -> bool:
    """领导班子: the unit head (a unit leader holding the head's place), or the supervising office recording
    the leadership's decision."""
    if actor.is_system:
        return True
    for role, prefix in actor.grants:
        if not risk.path.startswith(prefix):
            continue
        if Action.APPROVE not in ROLE_PERMISSIONS.get(role, {}).get(ObjectType.RISK, frozenset()):
            continue
        if role != Role.UNIT_LEADER:
            return True
        if any(r.kind == "head" and r.unit_id == risk.unit_id for r in leadership_of(actor)):
            return True
    return False


@transaction.atomic
def decide_downgrade(actor: Actor, assessment: Assessment, *, approve: bool, note: str = "") -> Assessment:
    risk = assessment.risk
    require(actor, Action.VIEW, ObjectType.RISK, risk.path)
    if assessment.status != AssessmentStatus.PENDING:
        raise ServiceError("该评定不是待批准的降级申请")
    if not may_decide_downgrade(actor, risk):
        raise PermissionDeniedError("降低高风险等级须由领导班子（主要领导或纪检监察机构登记）批准")
    note = clean(note)
    if not approve and not note:
        raise ServiceError("不批准时请写明意见", field="note")
    before = snapshot(assessment)
    assessment.status = AssessmentStatus.EFFECTIVE if approve else AssessmentStatus.REJECTED
    assessment.decision_note, assessment.decided_by, assessment.decided_at = note, actor.name, timezone.now()
    assessment.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    if approve:
        _apply_level(risk, assessment)
    record_change(
        actor, AuditAction.REVIEW, assessment, scope_path=risk.path, before=before, after=snapshot(assessment)
    )
    return assessment
