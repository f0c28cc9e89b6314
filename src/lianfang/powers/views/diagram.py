"""A flow's diagram and analysis as shown on the pages: the inline SVG and the findings beside it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from lianfang.core.i18n import source_text
from lianfang.core.vocabulary import RiskType

from ..analysis import Finding, FindingKind, analyse_flow
from ..flowspec import FlowSpec
from ..render_svg import StepMarker, flow_svg


@dataclass(frozen=True)
class ShownFinding:
    kind: str
    kind_label: str
    message: str
    steps: list[str]  # "S2 审核"
    risk_type: str
    risk: str


def findings(spec: FlowSpec) -> list[Finding]:
    return analyse_flow(spec)


def shown(spec: FlowSpec, found: list[Finding]) -> list[ShownFinding]:
    names = {s.code: s.name for s in spec.steps}
    out = []
    for f in found:
        kind = FindingKind(f.kind) if f.kind in FindingKind.values else None
        risk = RiskType(f.suggested_risk_type) if f.suggested_risk_type in RiskType.values else None
        out.append(
            ShownFinding(
                kind=f.kind,
                kind_label=str(kind.label) if kind else f.kind,
                message=f.message,
                steps=[f"{code} {names[code]}" if code in names else code for code in f.step_codes],
                risk_type=str(risk.label) if risk else f.suggested_risk_type,
                risk=f.suggested_risk,
            )
        )
    return out


def markers(spec: FlowSpec, found: list[Finding]) -> dict[str, list[StepMarker]]:
    """Each finding drawn beside the steps it concerns (the diagram's text stays Chinese)."""
    known = {s.code for s in spec.steps}
    out: dict[str, list[StepMarker]] = {}
    for f in found:
        kind = FindingKind(f.kind) if f.kind in FindingKind.values else None
        label = source_text(kind.label) if kind else f.kind
        for code in f.step_codes:
            if code in known and label not in [m.label for m in out.get(code, [])]:
                out.setdefault(code, []).append(StepMarker(label=label, level="finding"))
    return out


RISK_LABEL_CHARS = 14  # a risk point's name on the diagram, truncated (the list under the steps has it whole)


def risk_markers(risks: Iterable[tuple[str, str, str]]) -> dict[str, list[StepMarker]]:
    """The risk points sitting on steps, as (step code, name, level), drawn beside their steps coloured by
    level (high/medium/low; an ungraded draft is drawn grey)."""
    out: dict[str, list[StepMarker]] = {}
    for code, name, level in risks:
        label = name if len(name) <= RISK_LABEL_CHARS else name[: RISK_LABEL_CHARS - 1] + "…"
        out.setdefault(code, []).append(StepMarker(label=label, level=level or "finding"))
    return out


ZOOM = 1.3
_NATURAL = re.compile(r'^<svg\b[^>]*?\sdata-width="([0-9.]+)"')


def svg(
    spec: FlowSpec, found: list[Finding] | None = None, risks: dict[str, list[StepMarker]] | None = None
) -> SafeString:
    """The diagram; with `found`, the findings as markers, with `risks` (from `risk_markers`) the risk
    points on their steps. The renderer escapes every text it draws.

    Drawn a little above its natural width (the stylesheet shrinks a wide one to the pane, but a short
    flow is not blown up to the pane's width)."""
    notes: dict[str, list[StepMarker]] = {code: list(ms) for code, ms in (risks or {}).items()}
    for code, ms in (markers(spec, found) if found else {}).items():
        notes.setdefault(code, []).extend(ms)
    drawn = flow_svg(spec, markers=notes or None)
    natural = _NATURAL.match(drawn)
    if natural:
        width = float(natural.group(1)) * ZOOM
        drawn = drawn.replace('width="100%"', f'width="{width:.0f}pt"', 1)
    return mark_safe(drawn)  # noqa: S308
