"""Writes to risk points and their manifestations: one validation for the form, the API and the sheets."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max

from lianfang.accounts.permissions import Action
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, ServiceError
from lianfang.core.vocabulary import RiskType
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post
from lianfang.powers.models import FlowStep, Power

from .. import search
from ..models import Manifestation, RiskPoint, RiskStatus
from ..vocabulary import Cause, FoundBy, RiskKind, SubjectKind
from .common import (
    check_subject,
    clean,
    require_editable,
    require_open_subject,
    require_risk,
    save,
    subject_path,
)

# The choice values as sets, built once: `TextChoices.values` builds a new list on every call.
RISK_TYPES, RISK_KINDS = frozenset(RiskType.values), frozenset(RiskKind.values)
FOUND_BY, CAUSES = frozenset(FoundBy.values), frozenset(Cause.values)


@dataclass
class RiskData:
    subject_kind: str
    name: str
    department: Department | None = None
    post: Post | None = None
    code: str = ""  # empty: the next free R-nnnn of the cycle
    duty: str = ""
    manifestations: list[str] = field(default_factory=list)
    risk_type: str = RiskType.DUTY
    risk_kind: str = RiskKind.INTEGRITY
    causes: list[str] = field(default_factory=list)
    cause_note: str = ""
    found_by: str = FoundBy.SELF
    power: Power | None = None
    step: FlowStep | None = None
    three_important: bool = False
    notes: str = ""
    sort_order: int = 0

    def cleaned(self) -> RiskData:
        department = self.post.department if self.post is not None else self.department
        if self.subject_kind == SubjectKind.UNIT:
            department = None
        return RiskData(
            subject_kind=self.subject_kind,
            name=clean(self.name),
            department=department,
            post=self.post if self.subject_kind == SubjectKind.POST else None,
            code=clean(self.code),
            duty=clean(self.duty),
            manifestations=[clean(m) for m in self.manifestations if clean(m)],
            risk_type=self.risk_type,
            risk_kind=self.risk_kind,
            causes=list(dict.fromkeys(self.causes)),
            cause_note=clean(self.cause_note),
            found_by=self.found_by,
            power=self.power,
            step=self.step,
            three_important=self.three_important,
            notes=clean(self.notes),
            sort_order=self.sort_order,
        )


FIELDS = (
    "subject_kind",
    "department",
    "post",
    "duty",
    "name",
    "risk_type",
    "risk_kind",
    "causes",
    "cause_note",
    "found_by",
    "power",
    "step",
    "three_important",
    "notes",
    "sort_order",
)


def risk_snapshot(risk: RiskPoint) -> dict[str, object]:
    data = snapshot(risk, exclude=("updated_at", "search_text"))
    data["manifestations"] = [m.text for m in risk.manifestations.all()]
    return data


def check_risk_data(cycle: Cycle, data: RiskData, exclude_pk: int | None) -> None:
    """Every problem with a risk point's fields, at once (create, update and the batch import)."""
    check = Checker()
    check_subject(cycle, data.subject_kind, data.department, data.post, check)
    check.require(bool(data.name), "name", "廉政风险点不能为空")
    check.require(data.risk_type in RISK_TYPES, "risk_type", "风险类型无效")
    check.require(data.risk_kind in RISK_KINDS, "risk_kind", "风险性质应为廉政、勤政或渎职")
    check.require(data.found_by in FOUND_BY, "found_by", "查找方式无效")
    for cause in data.causes:
        check.require(cause in CAUSES, "causes", f"原因“{cause}”无效")
    if data.power is not None:
        check.require(data.power.cycle_id == cycle.pk, "power", "所涉职权不属于同一年度周期")
    if data.step is not None:
        flow_ok = data.step.flow.cycle_id == cycle.pk
        if data.power is not None:
            flow_ok = flow_ok and data.power.flow_id == data.step.flow_id
        check.require(flow_ok, "step", "流程环节不属于所涉职权的流程图")
    if data.code:
        clash = RiskPoint.objects.filter(cycle=cycle, code=data.code).exclude(pk=exclude_pk or 0)
        check.require(not clash.exists(), "code", f"编号“{data.code}”在本年度已被使用")
    check.done()


def next_code(cycle: Cycle) -> str:
    used = RiskPoint.objects.filter(cycle=cycle, code__regex=r"^R-[0-9]{4,}$").aggregate(m=Max("code"))["m"]
    number = int(used[2:]) + 1 if used else 1
    return f"R-{number:04d}"


def _write(risk: RiskPoint, data: RiskData) -> None:
    for name in FIELDS:
        setattr(risk, name, getattr(data, name))


def _after_save(risk: RiskPoint, data: RiskData) -> None:
    risk.manifestations.all().delete()
    Manifestation.objects.bulk_create(
        Manifestation(risk=risk, order=i, text=text) for i, text in enumerate(data.manifestations)
    )
    refresh_search(risk)


def refresh_search(risk: RiskPoint) -> None:
    """Re-segment the risk point, its manifestations and measures for the full-text search."""
    parts = [risk.code, risk.duty, risk.name, risk.cause_note, risk.notes]
    parts += [m.text for m in risk.manifestations.all()]
    parts += [m.text for m in risk.measures.all()]
    text = search.index_text(parts)
    RiskPoint.objects.filter(pk=risk.pk).update(search_text=text)
    risk.search_text = text


@transaction.atomic
def create_risk(actor: Actor, cycle: Cycle, data: RiskData) -> RiskPoint:
    data = data.cleaned()
    path = subject_path(cycle, data.subject_kind, data.department, data.post)
    require_risk(actor, Action.CREATE, path, data.post.pk if data.post else None)
    check_risk_data(cycle, data, None)
    require_open_subject(cycle, data.subject_kind, data.department, data.post)
    risk = RiskPoint(cycle=cycle, unit=cycle.unit, path=path, code=data.code or next_code(cycle))
    _write(risk, data)
    save(risk, "风险点编号重复")
    _after_save(risk, data)
    record_change(actor, AuditAction.CREATE, risk, scope_path=path, before=None, after=risk_snapshot(risk))
    return risk


@transaction.atomic
def update_risk(actor: Actor, risk: RiskPoint, data: RiskData) -> RiskPoint:
    data = data.cleaned()
    require_risk(actor, Action.EDIT, risk.path, risk.post_id)
    new_path = subject_path(risk.cycle, data.subject_kind, data.department, data.post)
    if new_path != risk.path or data.post != risk.post:
        require_risk(actor, Action.CREATE, new_path, data.post.pk if data.post else None)
    require_editable(risk)
    check_risk_data(risk.cycle, data, risk.pk)
    if new_path != risk.path or data.post != risk.post or data.subject_kind != risk.subject_kind:
        require_open_subject(risk.cycle, data.subject_kind, data.department, data.post)
    before = risk_snapshot(risk)
    _write(risk, data)
    if data.code:
        risk.code = data.code
    risk.path = new_path
    save(risk, "风险点编号重复")
    _after_save(risk, data)
    after = risk_snapshot(risk)
    if after != before:
        record_change(actor, AuditAction.UPDATE, risk, scope_path=risk.path, before=before, after=after)
    return risk


@transaction.atomic
def delete_draft_risk(actor: Actor, risk: RiskPoint) -> None:
    require_risk(actor, Action.RETIRE, risk.path, risk.post_id)
    if risk.status != RiskStatus.DRAFT or risk.predecessor_id or hasattr(risk, "successor"):
        raise ServiceError("只有本年度新建且未提交的草稿风险点可以删除")
    record_change(
        actor, AuditAction.DELETE, risk, scope_path=risk.path, before=risk_snapshot(risk), after=None
    )
    risk.delete()


def readiness_problems(risk: RiskPoint) -> list[str]:
    """What a risk point lacks before its sheet can be handed in. One-to-one (一对一): at least one control
    measure; also a manifestation, a level, and no downgrade still waiting for the leadership."""
    problems = []
    if not risk.measures.all():
        problems.append("没有防控措施（每个风险点至少要有一条措施，一对一）")
    if not risk.manifestations.all():
        problems.append("没有表现形式")
    if not risk.level:
        problems.append("尚未评定风险等级")
    if any(a.status == "pending" for a in risk.assessments.all()):
        problems.append("降级申请尚待领导班子批准")
    return problems
