"""Shared steps of every organisation write: permission, cleaning, saving with field checks, auditing."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError

from ..models import Status


def _clean(text: str | None) -> str:
    # People paste from Word: trim ordinary and full-width spaces.
    return (text or "").strip().strip("\u3000").strip()


def _save(obj: Model, integrity_message: str) -> None:
    # Field-level rules the model declares (lengths, choices) are checked here too, so the UI, the API and
    # the importers get the same Chinese message instead of a database error.
    try:
        obj.clean_fields(exclude=["path"])
    except ValidationError as exc:
        raise ServiceError(
            field_errors={k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        ) from exc
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise ServiceError(integrity_message) from exc


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
