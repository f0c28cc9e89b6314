"""Flowcharts compiled for the engine: plain rows the rule SQL joins against. Pure: no database access.

A flow's steps and transitions come from its `FlowSpec`; `reach` is the transitive closure of the
transitions (which steps can follow which, through any path), so a jump along the flow's direction is a
skipped step and a jump against it an out-of-order step. End steps are the steps with no way out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lianfang.core.vocabulary import LimitUnit
from lianfang.powers.flowspec import FlowSpec

DEFAULT_DAYS_BEFORE = 2  # 预警 this many working days before the promised limit


@dataclass(frozen=True)
class StepRow:
    power_code: str
    step_code: str
    order: int
    post_id: int | None
    limit: int | None
    unit: str
    is_start: bool
    is_end: bool


@dataclass(frozen=True)
class PowerModel:
    """One power as the engine sees it: its flow's shape, limits, separation pairs and discretion rows."""

    power_code: str
    steps: tuple[StepRow, ...]
    transitions: frozenset[tuple[str, str]]
    reach: frozenset[tuple[str, str]]
    separations: tuple[tuple[str, str], ...]
    discretion: tuple[tuple[str, float | None, float | None], ...]  # violation, min, max
    promised_limit: int | None
    promised_unit: str
    statutory_limit: int | None
    statutory_unit: str
    disabled: frozenset[str] = frozenset()  # rules switched off for this power
    days_before: int = DEFAULT_DAYS_BEFORE
    levels: Mapping[str, str] = field(default_factory=dict)  # rule → level, where a power overrides it


def closure(edges: Iterable[tuple[str, str]]) -> frozenset[tuple[str, str]]:
    """Every (a, b) with a path of one or more transitions from a to b."""
    succ: dict[str, set[str]] = {}
    for a, b in edges:
        succ.setdefault(a, set()).add(b)
    found: set[tuple[str, str]] = set()
    for start in succ:
        seen: set[str] = set()
        todo = list(succ[start])
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            todo.extend(succ.get(node, ()))
        found.update((start, node) for node in seen)
    return frozenset(found)


def compile_power(
    power_code: str,
    spec: FlowSpec,
    *,
    disabled: Iterable[str] = (),
    days_before: int = DEFAULT_DAYS_BEFORE,
    levels: Mapping[str, str] | None = None,
) -> PowerModel:
    edges = frozenset((t.source, t.target) for t in spec.transitions)
    has_exit = {a for a, _b in edges}
    starts = {s.code for s in spec.steps if s.is_start}
    if not starts and spec.steps:
        targets = {b for _a, b in edges}
        starts = {s.code for s in spec.steps if s.code not in targets} or {spec.steps[0].code}
    steps = tuple(
        StepRow(
            power_code,
            s.code,
            n,
            s.post_id,
            s.time_limit,
            s.limit_unit or LimitUnit.WORKING_DAYS,
            s.code in starts,
            s.code not in has_exit,
        )
        for n, s in enumerate(spec.steps)
    )
    return PowerModel(
        power_code=power_code,
        steps=steps,
        transitions=edges,
        reach=closure(edges),
        separations=tuple((p.first, p.second) for p in spec.separations),
        discretion=tuple(
            (
                d.violation,
                float(d.min_amount) if d.min_amount is not None else None,
                float(d.max_amount) if d.max_amount is not None else None,
            )
            for d in spec.discretion
        ),
        promised_limit=spec.promised_limit,
        promised_unit=spec.promised_unit or LimitUnit.WORKING_DAYS,
        statutory_limit=spec.statutory_limit,
        statutory_unit=spec.statutory_unit or LimitUnit.WORKING_DAYS,
        disabled=frozenset(disabled),
        days_before=days_before,
        levels=dict(levels or {}),
    )
