"""Shared steps of every organisation write: permission, cleaning, saving with field checks, auditing."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db.models import Model
from django.utils import timezone

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.writing import clean_input, save_checked

from ..models import Status

# The shared cleaning and checked save (core.writing), under the names this package's services use.
_clean = clean_input
_save = save_checked


def _ids(pk: int | None) -> list[int]:
    return [] if pk is None else [pk]


def _temp_path() -> str:
    return f"~{uuid.uuid4().hex}"


def _retired(on: date | None) -> dict[str, Any]:
    return {"status": Status.RETIRED, "retired_on": on or timezone.localdate()}


def _audited_update(
    actor: Actor,
    obj: Model,
    changes: dict[str, Any],
    scope_path: str,
    integrity_message: str,
    action: str = AuditAction.UPDATE,
) -> Model:
    before = snapshot(obj)
    for name, value in changes.items():
        setattr(obj, name, value)
    after = snapshot(obj)
    if before == after:
        return obj
    _save(obj, integrity_message)
    record_change(actor, action, obj, scope_path=scope_path, before=before, after=after)
    return obj
