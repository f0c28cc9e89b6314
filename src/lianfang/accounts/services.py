"""Writes to accounts, grants and tokens: permission-checked and audited like every other write."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record, record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, PermissionDeniedError, ServiceError
from lianfang.org.models import Department, Person, Unit
from lianfang.org.services import person_path

from .models import ApiToken, Role, RoleGrant, TokenScope, User
from .selectors import TOKEN_PREFIX, hash_token_key

USER_AUDIT_EXCLUDE = ("password", "last_login")


def _user_path(user: User) -> str:
    if user.person:
        return person_path(user.person)
    return user.home_unit.path if user.home_unit else ""


def check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError(field_errors={"password": [str(m) for m in exc.messages]}) from exc


@transaction.atomic
def create_user(
    actor: Actor,
    *,
    username: str,
    password: str,
    display_name: str = "",
    person: Person | None = None,
    scope_unit: Unit | None = None,
) -> User:
    """Create a login. It is placed under its person's node, or under `scope_unit` when it has no person."""
    path = person_path(person) if person else (scope_unit.path if scope_unit else "")
    require(actor, Action.CREATE, ObjectType.ACCOUNT, path)
    username = username.strip()
    check = Checker()
    check.require(bool(username), "username", "用户名不能为空")
    check.require(
        not User.objects.filter(username=username).exists(), "username", f"用户名“{username}”已存在"
    )
    check.require(
        person is None or not User.objects.filter(person=person).exists(), "person", "该人员已有账号"
    )
    check.done()
    user = User(
        username=username,
        display_name=display_name.strip() or (person.name if person else ""),
        person=person,
        home_unit=person.unit if person else scope_unit,
    )
    check_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    record_change(
        actor,
        AuditAction.CREATE,
        user,
        scope_path=path,
        before=None,
        after=snapshot(user, exclude=USER_AUDIT_EXCLUDE),
    )
    return user


@transaction.atomic
def set_password(actor: Actor, user: User, password: str) -> None:
    if actor.user_id != user.pk:
        require(actor, Action.EDIT, ObjectType.ACCOUNT, _user_path(user))
    check_password(password, user)
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    record(
        actor,
        AuditAction.UPDATE,
        object_type="accounts.user",
        object_id=str(user.pk),
        object_repr=str(user),
        scope_path=_user_path(user),
        before=None,
        after={"password": "已修改"},
    )


@transaction.atomic
def set_user_active(actor: Actor, user: User, active: bool) -> User:
    require(actor, Action.RETIRE if not active else Action.EDIT, ObjectType.ACCOUNT, _user_path(user))
    before = snapshot(user, exclude=USER_AUDIT_EXCLUDE)
    user.is_active = active
    user.save(update_fields=["is_active"])
    action = AuditAction.UPDATE if active else AuditAction.RETIRE
    record_change(
        actor,
        action,
        user,
        scope_path=_user_path(user),
        before=before,
        after=snapshot(user, exclude=USER_AUDIT_EXCLUDE),
    )
    return user


@transaction.atomic
def grant_role(
    actor: Actor, *, user: User, role: str, unit: Unit | None = None, department: Department | None = None
) -> RoleGrant:
    if role not in Role.values:
        raise ServiceError("角色无效", field="role")
    if (unit is None) == (department is None):
        raise ServiceError("授权范围必须是一个单位或一个部门", field="unit")
    node = unit or department
    assert node is not None  # exactly one of them, checked just above
    path = node.path
    require(actor, Action.CREATE, ObjectType.GRANT, path)
    if actor.user_id == user.pk:
        raise PermissionDeniedError("不能给自己授权")
    existing = RoleGrant.objects.filter(
        user=user, role=role, unit=unit, department=department, revoked_at__isnull=True
    )
    if existing.exists():
        raise ServiceError("该账号已有此授权")
    grant = RoleGrant.objects.create(
        user=user, role=role, unit=unit, department=department, granted_at=timezone.now()
    )
    record_change(actor, AuditAction.GRANT, grant, scope_path=path, before=None, after=snapshot(grant))
    return grant


@transaction.atomic
def revoke_role(actor: Actor, grant: RoleGrant) -> RoleGrant:
    require(actor, Action.RETIRE, ObjectType.GRANT, grant.scope_path)
    if grant.revoked_at is not None:
        raise ServiceError("该授权已撤销")
    before = snapshot(grant)
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    record_change(
        actor, AuditAction.REVOKE, grant, scope_path=grant.scope_path, before=before, after=snapshot(grant)
    )
    return grant


@transaction.atomic
def create_token(
    actor: Actor,
    *,
    name: str,
    unit: Unit,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    created_by: User | None = None,
) -> tuple[ApiToken, str]:
    """Make a token; returns it with its secret, which is never stored and cannot be shown again."""
    require(actor, Action.CREATE, ObjectType.GRANT, unit.path)
    scopes = sorted(set(scopes))
    check = Checker()
    check.require(bool(name.strip()), "name", "令牌名称不能为空")
    check.require(bool(scopes), "scopes", "至少选择一项权限范围")
    check.require(all(s in TokenScope.values for s in scopes), "scopes", "权限范围无效")
    check.require(expires_at is None or expires_at > timezone.now(), "expires_at", "过期时间必须晚于现在")
    check.done()
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name.strip(),
        unit=unit,
        scopes=scopes,
        key_prefix=key[:10],
        key_hash=hash_token_key(key),
        created_by=created_by,
        created_at=timezone.now(),
        expires_at=expires_at,
    )
    record_change(
        actor,
        AuditAction.CREATE,
        token,
        scope_path=unit.path,
        before=None,
        after=snapshot(token, exclude=("key_hash",)),
    )
    return token, key


@transaction.atomic
def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    require(actor, Action.RETIRE, ObjectType.GRANT, token.unit.path)
    if token.revoked_at is not None:
        raise ServiceError("该令牌已撤销")
    before = snapshot(token, exclude=("key_hash",))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_change(
        actor,
        AuditAction.REVOKE,
        token,
        scope_path=token.unit.path,
        before=before,
        after=snapshot(token, exclude=("key_hash",)),
    )
    return token


@transaction.atomic
def record_logout(actor: Actor, user: User, *, ip: str = "") -> None:
    record(
        actor,
        AuditAction.LOGOUT,
        object_type="accounts.user",
        object_id=str(user.pk),
        object_repr=str(user),
        after={"ip": ip},
    )


@transaction.atomic
def record_login(actor: Actor, user: User, *, success: bool, ip: str = "", **extra: Any) -> None:
    """Sign-ins are security events: they go into the same chain as every write."""
    record(
        actor,
        AuditAction.LOGIN if success else AuditAction.LOGIN_FAILED,
        object_type="accounts.user",
        object_id=str(user.pk) if user.pk else "",
        object_repr=str(user),
        after={"ip": ip, **extra},
    )
