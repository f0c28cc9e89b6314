"""Pure hashing rules of the audit chain: no database access here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Stable text for a before/after value: sorted keys, no spaces, non-ASCII kept readable."""
    if value is None:
        return ""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def timestamp_text(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


SEPARATOR = "\x1f"  # ASCII unit separator; record() keeps it out of every field, so joining is unambiguous


def clean_field(text: str) -> str:
    return text.replace(SEPARATOR, "\ufffd")


def entry_payload(
    seq: int,
    at: str,
    actor_kind: str,
    actor_id: str,
    actor_name: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    scope_path: str,
    before: str,
    after: str,
    prev_hash: str,
) -> str:
    """The exact text that is hashed. Verification builds the same text in the database (selectors)."""
    return SEPARATOR.join(
        (
            str(seq),
            at,
            actor_kind,
            actor_id,
            actor_name,
            action,
            object_type,
            object_id,
            object_repr,
            scope_path,
            before,
            after,
            prev_hash,
        )
    )


def entry_hash(*fields: Any) -> str:
    return hashlib.sha256(entry_payload(*fields).encode("utf-8")).hexdigest()


# The columns, in payload order.
PAYLOAD_COLUMNS = (
    "seq",
    "at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "scope_path",
    "before",
    "after",
    "prev_hash",
)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"第 {self.seq} 条：{self.reason}"


def first_problem(
    rows: Iterable[tuple[int, str, str, str]], head_seq: int, head_hash: str
) -> ChainProblem | None:
    """Walk (seq, payload, prev_hash, hash) rows in seq order; name the first entry that breaks the chain."""
    expected_seq = 1
    prev = GENESIS_HASH
    sha256 = hashlib.sha256
    for seq, payload, prev_hash, stored_hash in rows:
        if seq != expected_seq:
            if seq > expected_seq:
                return ChainProblem(expected_seq, f"缺失记录（下一条为第 {seq} 条），可能被删除")
            return ChainProblem(seq, "序号重复或顺序被调换")
        if prev_hash != prev:
            return ChainProblem(seq, "前序哈希不符：记录被插入、删除或调换顺序")
        if sha256(payload.encode("utf-8")).hexdigest() != stored_hash:
            return ChainProblem(seq, "内容哈希不符：记录内容被篡改")
        prev = stored_hash
        expected_seq += 1
    last_seq = expected_seq - 1
    if last_seq != head_seq or prev != head_hash:
        if last_seq < head_seq:
            return ChainProblem(last_seq + 1, f"链尾记录缺失：应有 {head_seq} 条，实有 {last_seq} 条")
        return ChainProblem(head_seq + 1 if last_seq > head_seq else last_seq, "链尾与链头记录不符")
    return None
