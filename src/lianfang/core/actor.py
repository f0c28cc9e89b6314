"""Who is acting: a signed-in user, an API token, or the operator at the console.

Every service takes an Actor. It carries the actor's grants as (role, scope path) pairs so that
permission checks and scoped queries need no further lookups.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    USER = "user", _("用户")
    TOKEN = "token", _("接口令牌")
    SYSTEM = "system", _("系统")


@dataclass(frozen=True)
class Actor:
    kind: str
    ident: str
    name: str
    # (role, scope path) for users; tokens and the system carry their powers in the fields below.
    grants: tuple[tuple[str, str], ...] = ()
    token_scopes: frozenset[str] = field(default_factory=frozenset)
    token_path: str = ""
    user_id: int | None = None

    @property
    def is_system(self) -> bool:
        return self.kind == ActorKind.SYSTEM


def system_actor(label: str = "命令行") -> Actor:
    """The operator at the console: trusted with everything, named in the audit log by OS account."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(kind=ActorKind.SYSTEM, ident=f"system:{who}", name=f"系统（{label}，{who}）")
