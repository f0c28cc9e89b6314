"""Who may do what, where. Pure data and functions; the grants come in on the Actor.

A grant of role R over node N lets its holder perform R's actions on objects whose organisation path
starts with N's path. Creating something needs the permission on the node it is created under.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lianfang.core.actor import Actor
from lianfang.core.errors import PermissionDeniedError
from lianfang.core.i18n import source_text

from .models import Role, TokenScope


class Action(models.TextChoices):
    VIEW = "view", _("查看")
    CREATE = "create", _("新增")
    EDIT = "edit", _("修改")
    RETIRE = "retire", _("停用")
    # The approval chain of the catalog (部门负责人提交 → 分管领导审核 → 领导班子审定). Returning an item
    # needs the permission of the move it refuses.
    SUBMIT = "submit", _("提交")
    CHECK = "check", _("审核")
    APPROVE = "approve", _("审定")
    # The longer review chains of issue 5: 部门负责人审核 (risk sheets of posts), 组织审 (the supervising
    # office), 公示 (publication).
    REVIEW = "review", _("部门审核")
    VERIFY = "verify", _("组织审核")
    PUBLISH = "publish", _("公示")


class ObjectType(models.TextChoices):
    UNIT = "unit", _("单位")
    DEPARTMENT = "department", _("部门")
    POST = "post", _("岗位")
    PERSON = "person", _("人员")
    ASSIGNMENT = "assignment", _("任职")
    LEADERSHIP = "leadership", _("领导分工与联络员")
    ACCOUNT = "account", _("账号")
    GRANT = "grant", _("角色授权与接口令牌")
    AUDIT = "audit", _("审计日志")
    CYCLE = "cycle", _("年度周期")
    POWER = "power", _("职权")
    FLOW = "flow", _("流程图")
    RISK = "risk", _("风险点与防控措施")
    PHASE = "phase", _("工作阶段与期限")
    PUBLICATION = "publication", _("对内公示")
    FEEDBACK = "feedback", _("公示意见")
    COMPLAINT = "complaint", _("举报")
    COMPLAINT_IDENTITY = "complaint_identity", _("举报人身份")
    CALENDAR = "calendar", _("工作日历")
    CASE = "case", _("电子监察案件与事件")
    ALERT = "alert", _("电子监察告警与红黄牌")


ORG_TYPES = (
    ObjectType.UNIT,
    ObjectType.DEPARTMENT,
    ObjectType.POST,
    ObjectType.PERSON,
    ObjectType.ASSIGNMENT,
    ObjectType.LEADERSHIP,
)
V, C, E, R = Action.VIEW, Action.CREATE, Action.EDIT, Action.RETIRE
SUB, CHK, APR = Action.SUBMIT, Action.CHECK, Action.APPROVE
REV, VER, PUB = Action.REVIEW, Action.VERIFY, Action.PUBLISH
ALL = frozenset({V, C, E, R})
READ = frozenset({V})
CATALOG_TYPES = (ObjectType.POWER, ObjectType.FLOW)

ROLE_PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    # 三员分立: the system administrator runs the organisation and accounts but never sees the audit log;
    # the security administrator grants roles and tokens; the audit administrator only reads the log.
    Role.SYSADMIN: {
        **{t: ALL for t in ORG_TYPES},
        ObjectType.ACCOUNT: ALL,
        ObjectType.CYCLE: READ,
        # Administrators keep the working-day calendar (each year's State Council notice).
        ObjectType.CALENDAR: ALL,
    },
    Role.SECADMIN: {
        **{t: READ for t in ORG_TYPES},
        ObjectType.ACCOUNT: frozenset({V, E}),
        ObjectType.GRANT: ALL,
    },
    Role.AUDITADMIN: {ObjectType.AUDIT: READ},
    Role.SUPERVISOR: {
        ObjectType.UNIT: frozenset({V, E}),
        ObjectType.DEPARTMENT: ALL,
        ObjectType.POST: ALL,
        ObjectType.PERSON: ALL,
        ObjectType.ASSIGNMENT: ALL,
        ObjectType.LEADERSHIP: ALL,
        ObjectType.CYCLE: ALL,
        # The supervising office keeps the catalog and records the leadership's collective decision.
        **{t: ALL | {APR, VER, PUB} for t in CATALOG_TYPES},
        # It also drafts the unit's own sheet (领导班子) and submits it.
        ObjectType.RISK: ALL | {SUB, APR, VER, PUB},
        ObjectType.PHASE: ALL,
        ObjectType.PUBLICATION: READ,
        ObjectType.FEEDBACK: frozenset({V, E}),
        # Complaints reach only the supervising office; reading a filer's identity is audited.
        ObjectType.COMPLAINT: frozenset({V, E}),
        ObjectType.COMPLAINT_IDENTITY: READ,
        ObjectType.CALENDAR: ALL,
        # The office watches cases, issues and withdraws cards, and decides appeals (APPROVE).
        ObjectType.CASE: READ,
        ObjectType.ALERT: frozenset({V, E, APR}),
    },
    # Checking needs, besides the role, that the leader oversees the department (分管); approving needs the
    # unit head. Those are organisation facts the catalog services look up.
    Role.UNIT_LEADER: {
        **{t: READ for t in ORG_TYPES},
        ObjectType.CYCLE: READ,
        **{t: frozenset({V, CHK, APR}) for t in CATALOG_TYPES},
        # Approving a downgrade from 高 is the leadership's; the services require the unit head.
        # Checking a risk sheet (分管领导提) needs the department to be overseen, as for the catalog.
        ObjectType.RISK: frozenset({V, CHK, APR}),
        ObjectType.PHASE: READ,
        ObjectType.PUBLICATION: READ,
        ObjectType.FEEDBACK: READ,
        ObjectType.CALENDAR: READ,
        ObjectType.CASE: READ,
        ObjectType.ALERT: READ,
    },
    Role.DEPT_HEAD: {
        ObjectType.UNIT: READ,
        ObjectType.DEPARTMENT: frozenset({V, E}),
        ObjectType.POST: ALL,
        ObjectType.PERSON: READ,
        ObjectType.ASSIGNMENT: ALL,
        ObjectType.LEADERSHIP: READ,
        ObjectType.CYCLE: READ,
        **{t: ALL | {SUB} for t in CATALOG_TYPES},
        # REVIEW: the department head's review of the post sheets in the department (部门负责人审核).
        ObjectType.RISK: ALL | {SUB, REV},
        ObjectType.PHASE: READ,
        ObjectType.PUBLICATION: READ,
        ObjectType.FEEDBACK: frozenset({V, E}),
        ObjectType.CALENDAR: READ,
        ObjectType.CASE: READ,
        # The handling department appeals a card (申诉): SUBMIT.
        ObjectType.ALERT: frozenset({V, SUB}),
    },
    Role.LIAISON: {
        ObjectType.UNIT: READ,
        ObjectType.DEPARTMENT: READ,
        ObjectType.POST: frozenset({V, C, E}),
        ObjectType.PERSON: READ,
        ObjectType.ASSIGNMENT: frozenset({V, C, E}),
        ObjectType.LEADERSHIP: READ,
        ObjectType.CYCLE: READ,
        **{t: frozenset({V, C, E}) for t in CATALOG_TYPES},
        ObjectType.RISK: frozenset({V, C, E}),
        ObjectType.PHASE: READ,
        ObjectType.PUBLICATION: READ,
        ObjectType.FEEDBACK: frozenset({V, E}),
        ObjectType.CALENDAR: READ,
        ObjectType.CASE: READ,
        ObjectType.ALERT: READ,
    },
    Role.POST_HOLDER: {
        ObjectType.UNIT: READ,
        ObjectType.DEPARTMENT: READ,
        ObjectType.POST: READ,
        ObjectType.PERSON: READ,
        ObjectType.ASSIGNMENT: READ,
        ObjectType.CYCLE: READ,
        **{t: READ for t in CATALOG_TYPES},
        # Only on the risk sheet of a post the holder holds: the risk services check that fact.
        ObjectType.RISK: frozenset({V, C, E, SUB}),
        ObjectType.PHASE: READ,
        ObjectType.PUBLICATION: READ,
        ObjectType.CALENDAR: READ,
    },
}

TOKEN_PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    TokenScope.ORG_READ: {t: READ for t in ORG_TYPES},
    TokenScope.ORG_WRITE: {
        ObjectType.DEPARTMENT: ALL,
        ObjectType.POST: ALL,
        ObjectType.PERSON: ALL,
        ObjectType.ASSIGNMENT: ALL,
        ObjectType.LEADERSHIP: ALL,
    },
    TokenScope.POWERS_READ: {ObjectType.CYCLE: READ, **{t: READ for t in CATALOG_TYPES}},
    TokenScope.POWERS_WRITE: {t: ALL | {SUB} for t in CATALOG_TYPES},
    TokenScope.RISKS_READ: {ObjectType.CYCLE: READ, ObjectType.RISK: READ},
    TokenScope.RISKS_WRITE: {ObjectType.RISK: ALL | {SUB}},
    TokenScope.SUPERVISION_READ: {ObjectType.CASE: READ, ObjectType.ALERT: READ, ObjectType.CALENDAR: READ},
    TokenScope.SUPERVISION_WRITE: {ObjectType.CASE: frozenset({V, C, E}), ObjectType.CALENDAR: READ},
}

# The organisation path(s) of each object type, as ORM lookups. A Person is reached through its unit or,
# for department-level grants, through its department.
PATH_LOOKUPS: dict[str, tuple[str, ...]] = {
    ObjectType.UNIT: ("path",),
    ObjectType.DEPARTMENT: ("path",),
    ObjectType.POST: ("department__path",),
    ObjectType.PERSON: ("unit__path", "department__path"),
    ObjectType.ASSIGNMENT: ("post__department__path",),
    ObjectType.CYCLE: ("unit__path",),
    ObjectType.POWER: ("path",),
    ObjectType.FLOW: ("path",),
    ObjectType.RISK: ("path",),
    ObjectType.PHASE: ("cycle__unit__path",),
    ObjectType.PUBLICATION: ("path",),
    ObjectType.FEEDBACK: ("path",),
    ObjectType.COMPLAINT: ("path",),
    ObjectType.COMPLAINT_IDENTITY: ("path",),
    ObjectType.CALENDAR: ("path",),
    ObjectType.CASE: ("path",),
    ObjectType.ALERT: ("path",),
    # An account sits where its person (or, without one, its home unit) is, and is also seen by whoever
    # administers a node it holds a grant over.
    ObjectType.ACCOUNT: (
        "person__unit__path",
        "person__department__path",
        "home_unit__path",
        "grants__unit__path",
        "grants__department__path",
    ),
}


def prefixes(actor: Actor, action: str, object_type: str) -> list[str]:
    """The organisation paths under which the actor may perform the action on this type of object."""
    if actor.is_system:
        return [""]
    found: set[str] = set()
    for role, path in actor.grants:
        if action in ROLE_PERMISSIONS.get(role, {}).get(object_type, frozenset()):
            found.add(path)
    for scope in actor.token_scopes:
        if action in TOKEN_PERMISSIONS.get(scope, {}).get(object_type, frozenset()):
            found.add(actor.token_path)
    # A path under another granted path adds nothing.
    return sorted(p for p in found if not any(p != q and p.startswith(q) for q in found))


def can(actor: Actor, action: str, object_type: str, path: str) -> bool:
    return any(path.startswith(p) for p in prefixes(actor, action, object_type))


def require(actor: Actor, action: str, object_type: str, path: str) -> None:
    """Refuse, with a Chinese message naming what was refused, unless `can` allows it."""
    if not can(actor, action, object_type, path):
        # Service messages are Chinese: the labels' source text, not their translation.
        what = source_text(Action(action).label) + source_text(ObjectType(object_type).label)
        raise PermissionDeniedError(f"您没有在此范围内{what}的权限")


def can_anywhere(actor: Actor, action: str, object_type: str) -> bool:
    return bool(prefixes(actor, action, object_type))


def path_q(lookups: Iterable[str], paths: list[str]) -> Q:
    q = Q(pk__in=[])
    for path in paths:
        for lookup in lookups:
            q |= Q(**{f"{lookup}__startswith": path})
    return q


M = TypeVar("M", bound=models.Model)


def scope(
    actor: Actor, action: str, object_type: str, qs: QuerySet[M], lookups: tuple[str, ...] | None = None
) -> QuerySet[M]:
    """Restrict a queryset to what the actor may act on. Every read of organisation data goes through here."""
    paths = prefixes(actor, action, object_type)
    if not paths:
        return qs.none()
    if paths == [""]:
        return qs
    q = path_q(lookups or PATH_LOOKUPS[object_type], paths)
    return qs.filter(q).distinct() if object_type == ObjectType.ACCOUNT else qs.filter(q)
