"""Where a risk point sits, who may touch it, and the steps every register write shares."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from lianfang.accounts.models import Role, User
from lianfang.accounts.permissions import ROLE_PERMISSIONS, ObjectType, can, require
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, PermissionDeniedError, ServiceError
from lianfang.core.writing import clean_input, save_checked
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org.models import Department, Post, PostAssignment, Status

from ..models import RiskPoint, RiskStatus
from ..vocabulary import SubjectKind

EDITABLE = (RiskStatus.DRAFT, RiskStatus.RETURNED)

SUBJECT_KINDS = frozenset(SubjectKind.values)

# The shared cleaning and checked save (core.writing), under the names this package's services use.
clean = clean_input
save = save_checked


def subject_path(cycle: Cycle, kind: str, department: Department | None, post: Post | None) -> str:
    if kind == SubjectKind.POST and post is not None:
        return post.department.path
    if kind == SubjectKind.DEPARTMENT and department is not None:
        return department.path
    return cycle.unit.path


def check_subject(
    cycle: Cycle, kind: str, department: Department | None, post: Post | None, check: Checker
) -> None:
    check.require(cycle.status == CycleStatus.OPEN, "cycle", f"{cycle}已结束，不能再修改")
    check.require(kind in SUBJECT_KINDS, "subject_kind", "风险主体应为个人岗位、部门或单位")
    if kind == SubjectKind.POST:
        check.require(post is not None, "post", "个人岗位风险点必须选择岗位")
    if kind == SubjectKind.DEPARTMENT:
        check.require(department is not None, "department", "部门风险点必须选择部门")
    if post is not None:
        check.require(post.department.unit_id == cycle.unit_id, "post", "岗位不属于该年度周期的单位")
        check.require(post.status == Status.ACTIVE, "post", f"岗位“{post.name}”已停用")
    if department is not None and kind == SubjectKind.DEPARTMENT:
        check.require(department.unit_id == cycle.unit_id, "department", "部门不属于该年度周期的单位")
        check.require(department.status == Status.ACTIVE, "department", f"部门“{department.name}”已停用")


# A sheet whose risk points have these statuses is with its reviewers, or decided: nothing is added to it.
HANDED_IN = (RiskStatus.SUBMITTED, RiskStatus.APPROVED, RiskStatus.PUBLISHED)


def require_open_subject(cycle: Cycle, kind: str, department: Department | None, post: Post | None) -> None:
    """Refuse a new risk point on a sheet that has been handed in (it would slip past its reviewers)."""
    qs = RiskPoint.objects.filter(cycle=cycle, subject_kind=kind, status__in=HANDED_IN)
    if kind == SubjectKind.POST:
        qs = qs.filter(post=post)
    elif kind == SubjectKind.DEPARTMENT:
        qs = qs.filter(department=department)
    if qs.exists():
        raise ServiceError(
            "该排查表已提交审核或已审定，不能再新增风险点；需退回或重新修订后再补充", field="subject_kind"
        )


def held_post_ids(actor: Actor) -> set[int]:
    """The posts the actor's person holds today (begun, and not ended before today)."""
    if actor.user_id is None:
        return set()
    person_id = User.objects.filter(pk=actor.user_id).values_list("person_id", flat=True).first()
    if person_id is None:
        return set()
    today = timezone.localdate()
    current = PostAssignment.objects.filter(person_id=person_id, start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    return set(current.values_list("post_id", flat=True))


def require_risk(actor: Actor, action: str, path: str, post_id: int | None) -> None:
    """The role check; and when only the post-holder role allows it, the risk must be on a post the actor
    holds (a post holder works on their own post's sheet, nobody else's)."""
    require(actor, action, ObjectType.RISK, path)
    if actor.is_system or actor.user_id is None:
        return
    for role, prefix in actor.grants:
        allows = action in ROLE_PERMISSIONS.get(role, {}).get(ObjectType.RISK, frozenset())
        if role != Role.POST_HOLDER and path.startswith(prefix) and allows:
            return
    if post_id is None or post_id not in held_post_ids(actor):
        raise PermissionDeniedError("岗位人员只能填写和修改本人所在岗位的风险排查表")


def may_risk(actor: Actor, action: str, path: str, post_id: int | None) -> bool:
    if not can(actor, action, ObjectType.RISK, path):
        return False
    try:
        require_risk(actor, action, path, post_id)
    except PermissionDeniedError:
        return False
    return True


def require_editable(risk: RiskPoint) -> None:
    if risk.status not in EDITABLE:
        raise ServiceError(f"风险点“{risk.name}”已提交或已审定，不能修改；需先退回")
