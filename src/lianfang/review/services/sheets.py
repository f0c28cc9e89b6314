"""Moving risk sheets along their review chains (review/chain.py says which moves exist).

Who may make a move is the role table (the move's permission at the sheet's path) *and* the organisation
facts: a post holder acts only on the sheet of a post they hold; a unit leader checks only departments they
oversee (分管) and approves only as the unit's head. The sheet's risk points follow it: they are editable
while the sheet is with its author and frozen while it is reviewed; at publication each is handed to the
portal, which keeps the published version until the next publication.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change
from lianfang.core.actor import Actor
from lianfang.core.errors import PermissionDeniedError, ServiceError
from lianfang.core.i18n import source_text
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org.leadership import grant_allows, leadership_of
from lianfang.org.models import Department, LeadershipRole, Post
from lianfang.portal.publishing import publish
from lianfang.risks.models import RiskPoint, RiskStatus
from lianfang.risks.services.common import may_risk, subject_path
from lianfang.risks.services.register import readiness_problems
from lianfang.risks.vocabulary import SubjectKind

from .. import chain
from ..models import RiskSheet, SheetAction, SheetEvent, SheetStage

St = SheetStage

REFUSALS: dict[str, str] = {
    Action.SUBMIT: "只有本岗位人员、本部门负责人（或单位排查表的纪检监察机构）可以提交",
    Action.REVIEW: "只有本部门负责人可以审核岗位排查表",
    Action.CHECK: "只有分管该部门的领导可以审核",
    Action.VERIFY: "只有纪检监察机构可以组织审核",
    Action.APPROVE: "只有主要领导或纪检监察机构可以登记领导班子的审定结果",
    Action.PUBLISH: "只有纪检监察机构可以公示",
}


def sheet_risks(sheet: RiskSheet) -> QuerySet[RiskPoint]:
    """The risk points on this sheet: the subject's, in the sheet's cycle."""
    qs = RiskPoint.objects.filter(cycle_id=sheet.cycle_id, subject_kind=sheet.subject_kind)
    if sheet.subject_kind == SubjectKind.POST:
        return qs.filter(post_id=sheet.post_id or 0)  # the sheet's check constraint: a post sheet has one
    if sheet.subject_kind == SubjectKind.DEPARTMENT:
        return qs.filter(department_id=sheet.department_id or 0)
    return qs


@transaction.atomic
def open_sheet(
    actor: Actor,
    cycle: Cycle,
    subject_kind: str,
    department: Department | None = None,
    post: Post | None = None,
) -> RiskSheet:
    """The subject's sheet for the cycle, created (in 自己找) the first time anyone in scope asks for it."""
    if subject_kind == SubjectKind.POST:
        if post is None:
            raise ServiceError("岗位排查表必须指定岗位", field="post")
        department = post.department
    elif subject_kind == SubjectKind.DEPARTMENT:
        if department is None:
            raise ServiceError("部门排查表必须指定部门", field="department")
        post = None
    elif subject_kind == SubjectKind.UNIT:
        department = post = None
    else:
        raise ServiceError("风险主体应为个人岗位、部门或单位", field="subject_kind")
    if department is not None and department.unit_id != cycle.unit_id:
        raise ServiceError("部门或岗位不属于该年度周期的单位", field="department")
    path = subject_path(cycle, subject_kind, department, post)
    require(actor, Action.VIEW, ObjectType.RISK, path)
    found = RiskSheet.objects.filter(cycle=cycle, subject_kind=subject_kind, department=department, post=post)
    sheet = found.first()
    if sheet is not None:
        return sheet
    if cycle.status != CycleStatus.OPEN:
        raise ServiceError(f"{cycle}已结束，不能再开始新的排查表")
    sheet = RiskSheet(
        cycle=cycle,
        unit_id=cycle.unit_id,
        subject_kind=subject_kind,
        department=department,
        post=post,
        path=path,
    )
    sheet.stage = _stage_of_risks(sheet)
    sheet.save()
    record_change(actor, AuditAction.CREATE, sheet, scope_path=path, before=None, after=_state(sheet))
    return sheet


def _stage_of_risks(sheet: RiskSheet) -> str:
    """Where a new sheet starts: with its author, unless its risk points were handed in (or decided, or
    published) before sheets existed — then where they already are, so opening it changes none of them."""
    statuses = set(sheet_risks(sheet).values_list("status", flat=True))
    if not statuses or statuses & {RiskStatus.DRAFT, RiskStatus.RETURNED}:
        return St.DRAFT
    if statuses == {RiskStatus.PUBLISHED}:
        return St.PUBLISHED
    if statuses <= {RiskStatus.APPROVED, RiskStatus.PUBLISHED}:
        return St.APPROVED
    return chain.CHAINS[sheet.subject_kind][2]  # handed in: at the chain's first review stage


def _state(sheet: RiskSheet) -> dict[str, object]:
    return {"stage": sheet.stage, "version": sheet.version, "sheet": str(sheet)}


def _may(
    actor: Actor, permission: str, sheet: RiskSheet, leaderships: list[LeadershipRole] | None = None
) -> bool:
    if permission == Action.SUBMIT:
        # The author: a post holder only on a post they hold (may_risk checks that fact).
        return may_risk(actor, Action.SUBMIT, sheet.path, sheet.post_id)
    return grant_allows(actor, permission, ObjectType.RISK, sheet.path, sheet.unit_id, leaderships)


def allowed_moves(
    actor: Actor, sheet: RiskSheet, leaderships: list[LeadershipRole] | None = None
) -> list[chain.Move]:
    """The moves this actor can make on the sheet now (for buttons, the worklist and the API)."""
    if sheet.cycle.status != CycleStatus.OPEN:
        return []
    if leaderships is None:
        leaderships = leadership_of(actor)
    found = [
        m
        for m in chain.moves_from(sheet.subject_kind, sheet.stage)
        if _may(actor, m.permission, sheet, leaderships)
    ]
    if sheet.stage in chain.REVISABLE and any(
        _may(actor, p, sheet, leaderships) for p in chain.REVISE_PERMISSIONS
    ):
        found.append(chain.Move(SheetAction.REVISE, St.DRAFT, Action.SUBMIT))
    return found


def _ready(sheet: RiskSheet) -> None:
    """One-to-one (一对一) and the rest of what a sheet needs before it leaves its author."""
    risks = list(sheet_risks(sheet).prefetch_related("measures", "manifestations", "assessments"))
    if not risks:
        raise ServiceError(f"{sheet}还没有风险点，不能提交")
    problems = [f"“{r.code} {r.name}”{'、'.join(p)}" for r in risks if (p := readiness_problems(r))]
    if problems:
        raise ServiceError(f"{sheet}还不能提交：" + "；".join(problems))


@transaction.atomic
def move(actor: Actor, sheet: RiskSheet, action: str, comment: str = "") -> RiskSheet:
    """Make one move on the sheet. Sending back needs reasons; they stay with this version of the sheet."""
    comment = (comment or "").strip()
    sheet = RiskSheet.objects.select_for_update().select_related("cycle").get(pk=sheet.pk)
    require(actor, Action.VIEW, ObjectType.RISK, sheet.path)
    if sheet.cycle.status != CycleStatus.OPEN:
        raise ServiceError(f"{sheet.cycle}已结束，排查表不能再审核")
    current = sheet.stage
    label = source_text(SheetStage(current).label)
    if action == SheetAction.REVISE:
        if current not in chain.REVISABLE:
            raise ServiceError("只有已审定或已公示的排查表才能重新修订")
        if not any(_may(actor, p, sheet) for p in chain.REVISE_PERMISSIONS):
            raise PermissionDeniedError("您不能重新修订此排查表")
        target: str = St.DRAFT
    else:
        allowed = {m.action: m for m in chain.moves_from(sheet.subject_kind, current)}
        if action not in allowed:
            if action not in SheetAction.values:
                raise ServiceError("未知的审核操作")
            what = source_text(SheetAction(action).label)
            raise ServiceError(f"处于“{label}”环节的排查表不能执行“{what}”")
        chosen = allowed[action]
        if action == SheetAction.RETURN and not comment:
            raise ServiceError("退回时必须写明理由（责令重新查找、评估的原因）", field="comment")
        if not _may(actor, chosen.permission, sheet):
            raise PermissionDeniedError(REFUSALS[chosen.permission])
        if action == SheetAction.SUBMIT:
            _ready(sheet)
        target = chosen.to_stage
    before = _state(sheet)
    version = sheet.version
    sheet.stage = target
    if action == SheetAction.REVISE:
        sheet.version += 1
    sheet.save(update_fields=["stage", "version", "updated_at"])
    _follow(actor, sheet, action)
    SheetEvent.objects.create(
        sheet=sheet,
        version=version,
        action=action,
        from_stage=current,
        to_stage=target,
        comment=comment,
        actor_name=actor.name,
        user_id=actor.user_id,
    )
    record_change(
        actor,
        AuditAction.PUBLISH if action == SheetAction.PUBLISH else AuditAction.REVIEW,
        sheet,
        scope_path=sheet.path,
        before=before,
        after={**_state(sheet), "action": action, "comment": comment},
    )
    return sheet


def _follow(actor: Actor, sheet: RiskSheet, action: str) -> None:
    """Keep the sheet's risk points in step with it; publish them when the sheet is published."""
    status = chain.RISK_STATUS[sheet.stage]
    risks = sheet_risks(sheet)
    risks.exclude(status=status).update(status=status)
    if action == SheetAction.PUBLISH:
        for risk in risks.order_by("sort_order", "pk"):
            publish(actor, risk)
