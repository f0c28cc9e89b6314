"""Building the Actor for a request: from the signed-in user's grants, or from an API token."""

from __future__ import annotations

import hashlib

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from lianfang.core.actor import Actor, ActorKind

from .models import ApiToken, RoleGrant, User

TOKEN_PREFIX = "lf_"  # noqa: S105 - a public prefix, not a secret


def active_grants(user: User) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.filter(user=user, revoked_at__isnull=True)
        .filter(Q(unit__isnull=True) | Q(unit__status="active"))
        .filter(Q(department__isnull=True) | Q(department__status="active"))
        .select_related("unit", "department")
    )


def actor_for_user(user: User) -> Actor:
    grants = tuple((g.role, g.scope_path) for g in active_grants(user)) if user.is_active else ()
    return Actor(kind=ActorKind.USER, ident=f"user:{user.pk}", name=str(user), grants=grants, user_id=user.pk)


def request_actor(request: HttpRequest) -> Actor:
    """The actor for this request, computed once and kept on the request."""
    cached = getattr(request, "_lianfang_actor", None)
    if cached is not None:
        return cached
    user = request.user
    if not user.is_authenticated:
        actor = Actor(kind=ActorKind.USER, ident="anonymous", name="匿名用户")
    else:
        actor = actor_for_user(user)
    request._lianfang_actor = actor  # type: ignore[attr-defined]
    return actor


def hash_token_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_by_key(key: str) -> ApiToken | None:
    if not key.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.filter(key_hash=hash_token_key(key), revoked_at__isnull=True, unit__status="active")
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .select_related("unit")
        .first()
    )
    return token


def actor_for_token(token: ApiToken) -> Actor:
    return Actor(
        kind=ActorKind.TOKEN,
        ident=f"token:{token.pk}",
        name=f"接口令牌“{token.name}”",
        token_scopes=frozenset(token.scopes),
        token_path=token.unit.path,
    )
