"""Appending to the audit log. Call `record` inside the transaction of the write it describes."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from lianfang.core.actor import Actor

from .chain import GENESIS_HASH, canonical_json, clean_field, entry_hash, timestamp_text
from .models import AuditAction, AuditEntry, AuditHead


def snapshot(obj: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Concrete field values of a row as JSON-safe data (foreign keys as ids), for before/after."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.name in exclude:
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, dt.datetime | dt.date | dt.time):
            value = value.isoformat()
        elif isinstance(value, decimal.Decimal | uuid.UUID):
            value = str(value)
        data[f.name] = value
    return data


def object_type_of(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def record(
    actor: Actor,
    action: str,
    *,
    object_type: str,
    object_id: str = "",
    object_repr: str = "",
    scope_path: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry. Must run inside the caller's transaction so both commit or neither does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    # Locking the head row serialises appends on PostgreSQL; SQLite's IMMEDIATE transactions already do.
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1, defaults={"last_hash": GENESIS_HASH})
    seq = head.last_seq + 1
    at = timezone.now()
    before_text = canonical_json(before)
    after_text = canonical_json(after)
    text_fields = {
        "actor_kind": str(actor.kind),
        "actor_id": actor.ident[:64],
        "actor_name": actor.name[:200],
        "action": str(action),
        "object_type": object_type[:64],
        "object_id": str(object_id)[:64],
        "object_repr": object_repr[:300],
        "scope_path": scope_path[:500],
        "before": before_text,
        "after": after_text,
    }
    text_fields = {key: clean_field(value) for key, value in text_fields.items()}
    digest = entry_hash(seq, timestamp_text(at), *text_fields.values(), head.last_hash)
    entry = AuditEntry.objects.create(seq=seq, at=at, prev_hash=head.last_hash, hash=digest, **text_fields)
    head.last_seq = seq
    head.last_hash = digest
    head.save(update_fields=["last_seq", "last_hash"])
    return entry


def record_change(
    actor: Actor,
    action: str,
    obj: models.Model,
    *,
    scope_path: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    """Shorthand for a change to one model row."""
    return record(
        actor,
        action,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        scope_path=scope_path,
        before=before,
        after=after,
    )


@transaction.atomic
def record_export(actor: Actor, *, what: str, object_type: str, details: dict[str, Any]) -> AuditEntry:
    """Reading data out in bulk is worth a line in the log too."""
    return record(actor, AuditAction.EXPORT, object_type=object_type, object_repr=what, after=details)
