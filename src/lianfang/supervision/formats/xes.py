"""Events as IEEE 1849 XES (eXtensible Event Stream), the process-mining standard.

log > trace (concept:name = case id, lianfang:power = power code, lianfang:title / lianfang:source) > event
(concept:name = activity, time:timestamp, org:resource, lianfang:event_id, lianfang:amount (float),
lianfang:violation, lianfang:materials ("；"-separated string, or a list), lianfang:suspend_from /
lianfang:suspend_to (date), lianfang:completes (boolean)). Event attributes override the trace's.

Parsing is safe: a document with a DTD or entity declarations is refused before it reaches the parser, so
neither entity expansion nor external resources can be used against the server.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from lianfang.core.errors import ServiceError

from ..services.intake import EventIn, Rejection, amount_text
from .fields import parse_event

XES_NS = "http://www.xes-standard.org/"
EXTENSIONS = (
    ("Concept", "concept", "http://www.xes-standard.org/concept.xesext"),
    ("Time", "time", "http://www.xes-standard.org/time.xesext"),
    ("Organizational", "org", "http://www.xes-standard.org/org.xesext"),
)
FORBIDDEN = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
ATTRIBUTE_TAGS = {"string", "date", "int", "float", "boolean", "id", "list", "container"}
# XES key → the event field it fills.
KEYS = {
    "concept:name": "activity",
    "time:timestamp": "timestamp",
    "org:resource": "resource",
    "lianfang:event_id": "event_id",
    "lianfang:amount": "amount",
    "lianfang:violation": "violation",
    "lianfang:materials": "materials",
    "lianfang:suspend_from": "suspend_from",
    "lianfang:suspend_to": "suspend_to",
    "lianfang:completes": "completes",
    "lianfang:title": "title",
    "lianfang:source": "source",
    "lianfang:power": "power_code",
}
TRACE_KEYS = {**KEYS, "concept:name": "case_id"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attributes(element: ET.Element, keys: dict[str, str]) -> dict[str, Any]:
    """The element's own attributes that name an event field (lists: their members' values)."""
    found: dict[str, Any] = {}
    for child in element:
        tag = _local(child.tag)
        if tag not in ATTRIBUTE_TAGS:
            continue
        name = keys.get(child.get("key", ""))
        if name is None:
            continue
        if tag == "list":
            found[name] = [
                m.get("value", "") for m in child.iter() if m is not child and m.get("value") is not None
            ]
        else:
            found[name] = child.get("value", "")
    return found


def parse_xes(data: bytes) -> ET.Element:
    if FORBIDDEN.search(data):
        raise ServiceError("XES 文件不得包含 DOCTYPE 或实体声明", field="file")
    parser = ET.XMLParser()  # noqa: S314 -- DTDs and entities are refused above; defusedxml is not a dependency
    try:
        parser.feed(data)
        root = parser.close()
    except ET.ParseError as exc:
        raise ServiceError(f"XES 文件不是有效的 XML：{exc}", field="file") from exc
    if _local(root.tag) != "log":
        raise ServiceError("XES 文件的根元素应为 <log>", field="file")
    return root


def read_xes(data: bytes) -> list[EventIn | Rejection]:
    """Every event of every trace, in document order (origin: "第N条轨迹第M个事件")."""
    root = parse_xes(data)
    items: list[EventIn | Rejection] = []
    traces = [t for t in root if _local(t.tag) == "trace"]
    for t_no, trace in enumerate(traces, start=1):
        base = _attributes(trace, TRACE_KEYS)
        events = [e for e in trace if _local(e.tag) == "event"]
        for e_no, event in enumerate(events, start=1):
            values = {**base, **_attributes(event, KEYS)}
            values["case_id"] = base.get("case_id", "")
            origin = f"第{t_no}条轨迹第{e_no}个事件"
            items.append(parse_event(values, index=len(items), origin=origin))
    return items


def _attr(parent: ET.Element, tag: str, key: str, value: str) -> None:
    ET.SubElement(parent, tag, {"key": key, "value": value})


def write_xes(events: Iterable[EventIn], *, name: str = "lianfang") -> bytes:
    """One trace per case (in order of first appearance), its events in the order given."""
    root = ET.Element("log", {"xes.version": "1849-2016", "xes.features": "", "xmlns": XES_NS})
    for ext_name, prefix, uri in EXTENSIONS:
        ET.SubElement(root, "extension", {"name": ext_name, "prefix": prefix, "uri": uri})
    trace_globals = ET.SubElement(root, "global", {"scope": "trace"})
    _attr(trace_globals, "string", "concept:name", "__INVALID__")
    event_globals = ET.SubElement(root, "global", {"scope": "event"})
    _attr(event_globals, "string", "concept:name", "__INVALID__")
    _attr(event_globals, "date", "time:timestamp", "1970-01-01T00:00:00.000+00:00")
    ET.SubElement(root, "classifier", {"name": "环节", "keys": "concept:name"})
    _attr(root, "string", "concept:name", name)
    traces: dict[str, ET.Element] = {}
    for ev in events:
        trace = traces.get(ev.case_id)
        if trace is None:
            trace = traces[ev.case_id] = ET.SubElement(root, "trace")
            _attr(trace, "string", "concept:name", ev.case_id)
            _attr(trace, "string", "lianfang:power", ev.power_code)
            if ev.title:
                _attr(trace, "string", "lianfang:title", ev.title)
            if ev.source:
                _attr(trace, "string", "lianfang:source", ev.source)
        _event(trace, ev)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _event(trace: ET.Element, ev: EventIn) -> None:
    node = ET.SubElement(trace, "event")
    _attr(node, "string", "concept:name", ev.activity)
    if ev.timestamp is not None:
        _attr(
            node,
            "date",
            "time:timestamp",
            timezone.localtime(ev.timestamp).isoformat(timespec="milliseconds"),
        )
    if ev.resource:
        _attr(node, "string", "org:resource", ev.resource)
    if ev.event_id:
        _attr(node, "string", "lianfang:event_id", ev.event_id)
    if ev.amount is not None:
        _attr(node, "float", "lianfang:amount", amount_text(ev.amount))
    if ev.violation:
        _attr(node, "string", "lianfang:violation", ev.violation)
    if ev.materials:
        _attr(node, "string", "lianfang:materials", "；".join(ev.materials))
    for key, day in (("lianfang:suspend_from", ev.suspend_from), ("lianfang:suspend_to", ev.suspend_to)):
        if day is not None:
            midnight = timezone.make_aware(dt.datetime.combine(day, dt.time()))
            _attr(node, "date", key, midnight.isoformat(timespec="milliseconds"))
    if ev.completes:
        _attr(node, "boolean", "lianfang:completes", "true")
