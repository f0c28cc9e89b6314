"""Writes to control measures (防控措施) and their evidence files."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction

from lianfang.accounts.permissions import Action
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, ServiceError
from lianfang.org.models import Person

from ..models import Measure, MeasureEvidence, MeasureTemplate, RiskPoint
from ..vocabulary import MeasureCategory, MeasureStatus
from .common import clean, require_risk, save
from .register import refresh_search

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

CATEGORIES, STATUSES = frozenset(MeasureCategory.values), frozenset(MeasureStatus.values)


@dataclass
class MeasureData:
    category: str
    text: str
    owner: Person | None = None
    owner_text: str = ""
    due_date: date | None = None
    status: str = MeasureStatus.PLANNED
    review_date: date | None = None
    template: MeasureTemplate | None = None


def check_measure_data(risk: RiskPoint, data: MeasureData) -> None:
    check = Checker()
    check.require(bool(clean(data.text)), "text", "防控措施内容不能为空")
    check.require(data.category in CATEGORIES, "category", "措施类别无效")
    check.require(data.status in STATUSES, "status", "落实状态无效")
    if data.owner is not None:
        check.require(data.owner.unit_id == risk.unit_id, "owner", "责任人不属于本单位")
    if data.due_date and data.review_date:
        check.require(data.review_date >= data.due_date, "review_date", "复查日期不能早于完成时限")
    check.done()


def _apply(measure: Measure, data: MeasureData) -> None:
    measure.category, measure.text = data.category, clean(data.text)
    measure.owner, measure.owner_text = data.owner, clean(data.owner_text)
    measure.due_date, measure.status, measure.review_date = data.due_date, data.status, data.review_date
    measure.template = data.template


def _measure_snapshot(measure: Measure) -> dict[str, object]:
    return snapshot(measure, exclude=("updated_at",))


@transaction.atomic
def add_measure(actor: Actor, risk: RiskPoint, data: MeasureData) -> Measure:
    # Measures are part of the risk point's sheet: whoever may edit the risk point writes them, also after
    # submission (measures are implemented and reviewed all year).
    require_risk(actor, Action.EDIT, risk.path, risk.post_id)
    check_measure_data(risk, data)
    measure = Measure(risk=risk, order=risk.measures.count())
    _apply(measure, data)
    save(measure, "防控措施保存失败")
    refresh_search(risk)
    record_change(
        actor,
        AuditAction.CREATE,
        measure,
        scope_path=risk.path,
        before=None,
        after=_measure_snapshot(measure),
    )
    return measure


@transaction.atomic
def update_measure(actor: Actor, measure: Measure, data: MeasureData) -> Measure:
    risk = measure.risk
    require_risk(actor, Action.EDIT, risk.path, risk.post_id)
    check_measure_data(risk, data)
    before = _measure_snapshot(measure)
    _apply(measure, data)
    save(measure, "防控措施保存失败")
    refresh_search(risk)
    after = _measure_snapshot(measure)
    if after != before:
        record_change(actor, AuditAction.UPDATE, measure, scope_path=risk.path, before=before, after=after)
    return measure


@transaction.atomic
def remove_measure(actor: Actor, measure: Measure) -> None:
    risk = measure.risk
    require_risk(actor, Action.EDIT, risk.path, risk.post_id)
    if risk.status not in ("draft", "returned") and risk.measures.count() == 1:
        raise ServiceError("已提交的风险点至少要保留一条防控措施（一对一）")
    if measure.evidence.exists():
        raise ServiceError("该措施已有落实佐证，不能删除；如已不适用，请将落实状态改为“失效”")
    record_change(
        actor,
        AuditAction.DELETE,
        measure,
        scope_path=risk.path,
        before=_measure_snapshot(measure),
        after=None,
    )
    measure.delete()
    refresh_search(risk)


@transaction.atomic
def add_evidence(actor: Actor, measure: Measure, *, name: str, content: bytes) -> MeasureEvidence:
    """Store an evidence file with its SHA-256 (who uploaded what is in the audit log too)."""
    risk = measure.risk
    require_risk(actor, Action.EDIT, risk.path, risk.post_id)
    name = clean(name).replace("/", "_").replace("\\", "_")[:200] or "佐证材料"
    if not content:
        raise ServiceError("佐证文件为空", field="file")
    if len(content) > MAX_EVIDENCE_BYTES:
        raise ServiceError(f"佐证文件不能超过 {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB", field="file")
    digest = hashlib.sha256(content).hexdigest()
    evidence = MeasureEvidence(
        measure=measure, name=name, sha256=digest, size=len(content), uploaded_by=actor.name
    )
    evidence.file.save(f"{digest[:16]}-{name}", ContentFile(content), save=False)
    evidence.save()
    record_change(
        actor,
        AuditAction.CREATE,
        evidence,
        scope_path=risk.path,
        before=None,
        after={"measure": measure.pk, "name": name, "sha256": digest, "size": len(content)},
    )
    return evidence


def evidence_intact(evidence: MeasureEvidence) -> bool:
    """Whether the stored file still has the SHA-256 recorded at upload."""
    try:
        with evidence.file.open("rb") as fh:
            digest = hashlib.sha256()
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return False
    return digest.hexdigest() == evidence.sha256
