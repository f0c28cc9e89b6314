"""Reading the audit log: verification and the scoped viewer queries."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from lianfang.core.actor import Actor

from .chain import GENESIS_HASH, HASHED_COLUMNS, ChainProblem, first_problem
from .models import AuditEntry, AuditHead


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _rows(batch: int, progress: Callable[[int], None] | None) -> Iterator[tuple[Any, ...]]:
    # Keyset pagination in plain SQL: fast on both databases and constant in memory.
    table = AuditEntry._meta.db_table
    cols = ", ".join(connection.ops.quote_name(c) for c in HASHED_COLUMNS)
    convert_at = connection.ops.convert_datetimefield_value if connection.vendor == "sqlite" else None
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {cols} FROM {table} WHERE seq > %s ORDER BY seq LIMIT %s",  # noqa: S608
                [last, batch],
            )
            chunk = cursor.fetchall()
            if not chunk:
                return
            for row in chunk:
                if convert_at is not None:
                    row = (row[0], convert_at(row[1], None, connection), *row[2:])
                yield row
            last = chunk[-1][0]
            if progress:
                progress(len(chunk))


def verify_chain(progress: Callable[[int], None] | None = None, batch: int = 20000) -> VerifyResult:
    head = AuditHead.objects.filter(id=1).first()
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    counted = 0

    def counting(rows: Iterator[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        nonlocal counted
        for row in rows:
            counted += 1
            yield row

    problem = first_problem(counting(_rows(batch, progress)), head_seq, head_hash)
    return VerifyResult(checked=counted, problem=problem)


def entry_count() -> int:
    head = AuditHead.objects.filter(id=1).first()
    return head.last_seq if head else 0


def visible_entries(actor: Actor, prefixes: list[str]) -> QuerySet[AuditEntry]:
    """Entries whose organisation scope lies under one of the actor's audit grants.

    Entries with no organisation scope (logins, system operations) belong to whoever audits a root unit.
    """
    if actor.is_system:
        return AuditEntry.objects.all()
    if not prefixes:
        return AuditEntry.objects.none()
    q = Q()
    for prefix in prefixes:
        q |= Q(scope_path__startswith=prefix)
        if prefix.count("/") == 1 and prefix.startswith("U"):
            q |= Q(scope_path="")
    return AuditEntry.objects.filter(q)


def filter_entries(
    qs: QuerySet[AuditEntry],
    *,
    actor_text: str = "",
    action: str = "",
    object_type: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    text: str = "",
) -> QuerySet[AuditEntry]:
    if actor_text:
        qs = qs.filter(Q(actor_name__icontains=actor_text) | Q(actor_id__icontains=actor_text))
    if action:
        qs = qs.filter(action=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))
    if text:
        qs = qs.filter(Q(object_repr__icontains=text) | Q(before__icontains=text) | Q(after__icontains=text))
    return qs
