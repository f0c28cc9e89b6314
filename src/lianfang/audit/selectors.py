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

from .chain import GENESIS_HASH, PAYLOAD_COLUMNS, ChainProblem, first_problem
from .models import AuditEntry, AuditHead


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _payload_sql(vendor: str) -> str:
    """SQL that builds each entry's hash payload in the database, exactly as chain.entry_payload does.

    A million rows cross into Python as one string each instead of thirteen values: that is what keeps
    `audit verify` inside its time budget.
    """
    q = connection.ops.quote_name
    if vendor == "sqlite":
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC, leaving out a zero fraction.
        fraction = f"CASE WHEN length({q('at')}) = 19 THEN '.000000' ELSE '' END"
        at = f"replace({q('at')}, ' ', 'T') || {fraction} || 'Z'"
        parts = [f"CAST({q('seq')} AS TEXT)", at] + [q(c) for c in PAYLOAD_COLUMNS[2:]]
        return " || char(31) || ".join(parts)
    if vendor == "postgresql":
        at = f"""to_char({q("at")} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
        parts = [f"{q('seq')}::text", at] + [q(c) for c in PAYLOAD_COLUMNS[2:]]
        return "concat_ws(chr(31), " + ", ".join(parts) + ")"
    raise NotImplementedError(f"audit verification does not support {vendor}")


def _rows(batch: int, progress: Callable[[int], None] | None) -> Iterator[tuple[Any, ...]]:
    # Keyset pagination: constant memory, and each batch is one indexed range scan.
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    q = connection.ops.quote_name
    sql = (
        f"SELECT {q('seq')}, {_payload_sql(connection.vendor)}, {q('prev_hash')}, {q('hash')} "  # noqa: S608
        f"FROM {table} WHERE {q('seq')} > %s ORDER BY {q('seq')} LIMIT %s"
    )
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [last, batch])
            chunk = cursor.fetchall()
            if not chunk:
                return
            yield from chunk
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
