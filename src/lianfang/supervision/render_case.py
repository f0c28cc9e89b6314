"""A case's path drawn on its flowchart: the steps it went through highlighted, a numbered note beside each
("①受理 03-02 · ③…": the order of the events, by timestamp), its cards and alerts beside the steps they
concern (coloured by level), and the transitions it walked marked with the class `walked` (the stylesheet
draws them thick and blue: CSS, never inline styles, so the page stays within the CSP).

`case_path` is pure (events in, ordered visits out); `case_svg` reads the flow and draws.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from lianfang.powers.flowspec import FlowSpec
from lianfang.powers.render_svg import StepMarker, flow_svg
from lianfang.powers.selectors import flow_spec

from .models import Alert, AlertLevel, AlertState, Case, Event

LEVEL_COLOURS: dict[str, str] = {
    AlertLevel.RED: "high",
    AlertLevel.YELLOW: "medium",
    AlertLevel.WARNING: "low",
}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def badge(n: int) -> str:
    return CIRCLED[n - 1] if 1 <= n <= len(CIRCLED) else f"({n})"


@dataclass(frozen=True)
class Visit:
    number: int  # 1-based, in timestamp order
    code: str  # the step's code (the event's activity when it names no known step)
    at: dt.datetime
    known: bool  # the code is a step of the flow


def case_path(spec: FlowSpec, events: Iterable[tuple[str, dt.datetime]]) -> list[Visit]:
    """The visits in timestamp order: (step code or activity, timestamp) pairs in, numbered visits out."""
    known = {s.code for s in spec.steps}
    ordered = sorted(events, key=lambda e: e[1])
    return [Visit(i, code, at, code in known) for i, (code, at) in enumerate(ordered, start=1)]


def walked(visits: Sequence[Visit]) -> set[tuple[str, str]]:
    """The (from, to) step pairs the case moved along, between consecutive visits of known steps."""
    steps = [v.code for v in visits if v.known]
    return {(a, b) for a, b in itertools.pairwise(steps) if a != b}


def markers(visits: Sequence[Visit], alerts: Iterable[Alert]) -> dict[str, list[StepMarker]]:
    notes: dict[str, list[str]] = {}
    for v in visits:
        if v.known:
            notes.setdefault(v.code, []).append(f"{badge(v.number)}{timezone.localtime(v.at):%m-%d}")
    out: dict[str, list[StepMarker]] = {
        code: [StepMarker(label=" ".join(labels), level="finding")] for code, labels in notes.items()
    }
    for a in alerts:
        code = a.step.code if a.step_id else a.step_code  # type: ignore[union-attr]
        if not code or a.state == AlertState.WITHDRAWN:
            continue
        level = LEVEL_COLOURS.get(a.level, "finding")
        out.setdefault(code, []).append(
            StepMarker(label=f"{a.get_level_display()}：{a.get_rule_display()}", level=level)
        )
    return out


def _token(text: str) -> str:  # as render_svg names its DOM ids
    return re.sub(r"[^0-9A-Za-z_-]+", "_", text).strip("_")


def mark_walked(svg: str, spec: FlowSpec, pairs: set[tuple[str, str]]) -> str:
    """Add the class `walked` to the transitions the case moved along (ids: `<prefix>-t<i>`)."""
    prefix = "flow-" + (_token(spec.code) or "chart")
    ids = {f"{prefix}-t{i}" for i, t in enumerate(spec.transitions) if (t.source, t.target) in pairs}
    if not ids:
        return svg

    def tag(match: re.Match[str]) -> str:
        element = match.group(0)
        found = re.search(r'\sid="([^"]+)"', element)
        if found is None or found.group(1) not in ids:
            return element
        return element.replace('class="transition"', 'class="transition walked"', 1)

    return re.sub(r"<g\b[^>]*>", tag, svg)


def case_svg(case: Case, events: Sequence[Event], alerts: Sequence[Alert]) -> SafeString | None:
    """The case's flowchart with its path drawn, or None when the case has no flowchart."""
    flow = case.flow or case.power.flow
    if flow is None:
        return None
    spec = flow_spec(flow)
    visits = case_path(spec, [(e.step.code if e.step_id else e.activity, e.timestamp) for e in events])  # type: ignore[union-attr]
    drawn = flow_svg(
        spec, markers=markers(visits, alerts) or None, highlight={v.code for v in visits if v.known}
    )
    drawn = mark_walked(drawn, spec, walked(visits))
    drawn = drawn.replace('class="flowchart"', 'class="flowchart case-path"', 1)
    return mark_safe(drawn)  # noqa: S308 (the renderer escapes every text it draws)


__all__ = ["Visit", "case_path", "case_svg", "mark_walked", "markers", "walked"]
