"""An event's fields as text or JSON values → a typed `EventIn`, with every problem of the event in one
Chinese reason. The CSV and XES readers and the API all go through `parse_event`."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from ..services.intake import EventIn, Rejection, amount_text, local_time

REQUIRED = ("case_id", "power_code", "activity", "timestamp", "resource")
OPTIONAL = (
    "event_id",
    "amount",
    "violation",
    "materials",
    "suspend_from",
    "suspend_to",
    "completes",
    "title",
    "source",
)
COLUMNS = REQUIRED + OPTIONAL
TRUE_WORDS = {"1", "是", "true", "yes", "y", "t"}
FALSE_WORDS = {"0", "否", "false", "no", "n", "f", ""}
MATERIAL_SPLIT = re.compile(r"[；;]")


def text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def parse_timestamp(value: Any) -> dt.datetime:
    """ISO 8601 (with or without zone; a space for T and slashes in the date are allowed)."""
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, dt.date):
        return local_time(dt.datetime.combine(value, dt.time()))
    raw = text(value)
    parsed = dt.datetime.fromisoformat(re.sub(r"^(\d{4})/(\d{1,2})/(\d{1,2})", _dashes, raw))
    return local_time(parsed)


def _dashes(m: re.Match[str]) -> str:
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(local_time(value)).date()
    if isinstance(value, dt.date):
        return value
    raw = text(value)
    if len(raw) > 10:  # a full timestamp (XES dates): its day in the project's zone
        return parse_date(parse_timestamp(raw))
    return parse_timestamp(raw).date()


def parse_amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    amount = Decimal(str(value).strip().replace(",", ""))
    if not amount.is_finite():
        raise InvalidOperation
    return amount


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(word)


def parse_materials(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [text(v) for v in value if text(v)]
    return [part.strip() for part in MATERIAL_SPLIT.split(str(value)) if part.strip()]


def parse_event(values: Mapping[str, Any], *, index: int, origin: str = "") -> EventIn | Rejection:
    """The event, or its rejection naming every field that could not be read."""
    bad: list[str] = []
    timestamp: dt.datetime | None = None
    if text(values.get("timestamp")):
        try:
            timestamp = parse_timestamp(values["timestamp"])
        except (ValueError, TypeError):
            bad.append(
                f"发生时间“{text(values['timestamp'])}”无法识别（应为 ISO 8601，如 2026-03-02T09:30:00）"
            )
    amount: Decimal | None = None
    if text(values.get("amount")):
        try:
            amount = parse_amount(values["amount"])
        except (InvalidOperation, ValueError, TypeError):
            bad.append(f"金额/裁量值“{text(values['amount'])}”不是数字")
    dates: dict[str, dt.date | None] = {"suspend_from": None, "suspend_to": None}
    for name, label in (("suspend_from", "中止开始"), ("suspend_to", "中止结束")):
        if text(values.get(name)):
            try:
                dates[name] = parse_date(values[name])
            except (ValueError, TypeError):
                bad.append(f"{label}日期“{text(values[name])}”无法识别（应为 YYYY-MM-DD）")
    completes = False
    try:
        completes = parse_bool(values.get("completes"))
    except ValueError:
        bad.append(f"办结标记“{text(values.get('completes'))}”无效（应为 1/0、是/否、true/false）")
    case_id = text(values.get("case_id"))
    if bad:
        reason = "；".join(bad)
        return Rejection(index, case_id, f"{origin}：{reason}" if origin else reason)
    return EventIn(
        case_id=case_id,
        power_code=text(values.get("power_code")),
        activity=text(values.get("activity")),
        timestamp=timestamp,
        resource=text(values.get("resource")),
        event_id=text(values.get("event_id")),
        amount=amount,
        violation=text(values.get("violation")),
        materials=parse_materials(values.get("materials")),
        suspend_from=dates["suspend_from"],
        suspend_to=dates["suspend_to"],
        completes=completes,
        title=text(values.get("title")),
        source=text(values.get("source")),
        origin=origin,
    )


def event_text(ev: EventIn) -> dict[str, str]:
    """An event's fields as the text the CSV writer puts in its columns."""
    return {
        "case_id": ev.case_id,
        "power_code": ev.power_code,
        "activity": ev.activity,
        "timestamp": timezone.localtime(ev.timestamp).isoformat() if ev.timestamp else "",
        "resource": ev.resource,
        "event_id": ev.event_id,
        "amount": amount_text(ev.amount),
        "violation": ev.violation,
        "materials": "；".join(ev.materials),
        "suspend_from": ev.suspend_from.isoformat() if ev.suspend_from else "",
        "suspend_to": ev.suspend_to.isoformat() if ev.suspend_to else "",
        "completes": "1" if ev.completes else "0",
        "title": ev.title,
        "source": ev.source,
    }
