"""Full backup and restore of all business data, audit log included, with verification both ways.

The file is gzip-compressed JSON: a manifest (format, version, per-model counts, SHA-256 of the data)
followed by the rows in Django's serialisation. Writing goes to a temporary file that is read back and
checked before it replaces FILE; restoring loads in one transaction and rolls back unless the counts
match the manifest and the audit chain verifies.
"""

from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from lianfang import __version__
from lianfang.audit.dbguard import lift_guard, restore_guard
from lianfang.audit.selectors import verify_chain
from lianfang.core.errors import ServiceError

FORMAT = "lianfang-backup"
FORMAT_VERSION = 1
# Operational bookkeeping (sessions, lock-out counters, task queue, scheduler state) is not backed up.
# Uploaded files (the risk measures' evidence) live under MEDIA_ROOT, not in this JSON: only their rows
# (name, size, SHA-256) are here, so back up MEDIA_ROOT alongside the file.
BACKED_UP_APPS = (
    "org",
    "accounts",
    "cycles",
    "powers",
    "risks",
    "review",
    "portal",
    "complaints",
    "workdays",
    "supervision",
    "audit",
)


def backed_up_models() -> list[type[models.Model]]:
    """Models in an order where referenced rows come first (apps listed in dependency order)."""
    ordered: list[type[models.Model]] = []
    for label in BACKED_UP_APPS:
        app_models = list(apps.get_app_config(label).get_models())
        ordered.extend(serializers.sort_dependencies([(apps.get_app_config(label), app_models)]))
    return ordered


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; the audit hashes need every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            return o.isoformat()
        return super().default(o)


def _serialise(model: type[models.Model]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = serializers.serialize("python", model._default_manager.order_by("pk"))
    return rows


def _digest(data: list[dict[str, Any]]) -> str:
    text = json.dumps(data, cls=ExactJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    counts: dict[str, int]
    sha256: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def dump_data(progress: Callable[[int], None] | None = None) -> tuple[list[dict[str, Any]], dict[str, int]]:
    data: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for model in backed_up_models():
        rows = _serialise(model)
        counts[model._meta.label_lower] = len(rows)
        data.extend(rows)
        if progress:
            progress(1)
    return data, counts


def read_backup(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            document = json.load(fh)
    except FileNotFoundError as exc:
        raise ServiceError(f"备份文件不存在：{path}") from exc
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ServiceError(f"无法读取备份文件（不是有效的廉防备份或已损坏）：{exc}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ServiceError("不是廉防备份文件")
    if document.get("format_version") != FORMAT_VERSION:
        raise ServiceError(f"不支持的备份格式版本：{document.get('format_version')}")
    data = document.get("data", [])
    manifest = document.get("manifest", {})
    if _digest(data) != manifest.get("sha256"):
        raise ServiceError("备份文件校验失败：数据摘要与清单不符，文件可能已损坏或被修改")
    counted: dict[str, int] = {}
    for row in data:
        counted[row["model"]] = counted.get(row["model"], 0) + 1
    expected = {k: v for k, v in manifest.get("counts", {}).items() if v}
    if counted != expected:
        raise ServiceError("备份文件校验失败：记录数与清单不符")
    return manifest, data


def create_backup(path: Path, progress: Callable[[int], None] | None = None) -> BackupSummary:
    path = Path(path)
    with transaction.atomic():  # one consistent snapshot of every table
        data, counts = dump_data(progress)
    digest = _digest(data)
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "manifest": {
            "created_at": timezone.now().isoformat(),
            "app_version": __version__,
            "database": connection.vendor,
            "counts": counts,
            "sha256": digest,
        },
        "data": data,
    }
    tmp = path.with_name(path.name + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        json.dump(document, fh, cls=ExactJSONEncoder, ensure_ascii=False)
    try:
        read_backup(tmp)
    except ServiceError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return BackupSummary(path=path, counts=counts, sha256=digest)


def database_is_empty() -> bool:
    return not any(m._default_manager.exists() for m in backed_up_models())


def restore_backup(
    path: Path, *, replace: bool = False, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    manifest, data = read_backup(Path(path))
    if not replace and not database_is_empty():
        raise ServiceError("目标数据库不是空的。若要用备份覆盖现有全部数据，请加 --replace")
    models_in_order = backed_up_models()
    with transaction.atomic():
        lift_guard()
        _delete_all(models_in_order)
        with connection.constraint_checks_disabled():
            for obj in serializers.deserialize("python", data):
                obj.save()
                if progress:
                    progress(1)
        connection.check_constraints(table_names=[m._meta.db_table for m in models_in_order])
        restore_guard()
        _reset_sequences(models_in_order)
        counts = {m._meta.label_lower: m._default_manager.count() for m in models_in_order}
        expected = {
            m._meta.label_lower: manifest["counts"].get(m._meta.label_lower, 0) for m in models_in_order
        }
        if counts != expected:
            raise ServiceError("恢复后的记录数与备份清单不符，已回滚")
        result = verify_chain()
        if not result.ok:
            raise ServiceError(f"恢复后的审计链校验失败（{result.problem}），已回滚")
    return counts


def _delete_all(models_in_order: list[type[models.Model]]) -> None:
    # Plain DELETEs: foreign keys are deferred to commit on both databases, and PROTECT is an ORM rule.
    tables: list[str] = []
    for model in reversed(models_in_order):
        tables.extend(f.m2m_db_table() for f in model._meta.local_many_to_many)
        tables.append(model._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608


def _reset_sequences(models_in_order: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_in_order)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
