"""Editing a flowchart one small change at a time: pure functions from a `FlowSpec` to a new `FlowSpec`.

The flowchart editor applies one of these to the flow as saved, then saves the result through
`services.save_flow_content`, which validates the whole flow. These functions only keep the flow's graph
consistent (a renamed step keeps its transitions and 不相容 pairs; a removed step takes its own with it) and
refuse changes that make no sense, with a Chinese message (`FlowEditError`). No database here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from .flowspec import DiscretionSpec, FlowSpec, SeparationSpec, StepKind, StepSpec, TransitionSpec

DEFAULT_STEP_NAME = "新环节"
_AUTO_CODE = re.compile(r"S(\d+)")


class FlowEditError(ValueError):
    """A change the editor refuses; the message is Chinese and shown as it is."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _index(spec: FlowSpec, code: str) -> int:
    for i, step in enumerate(spec.steps):
        if step.code == code:
            return i
    raise FlowEditError(f"环节“{code}”不存在，可能已被删除，请刷新页面")


def next_code(spec: FlowSpec) -> str:
    """The first free automatic step code: S1, S2, … (a gap left by a deleted step is filled first)."""
    used = {s.code for s in spec.steps}
    n = 1
    while f"S{n}" in used:
        n += 1
    return f"S{n}"


def add_step(
    spec: FlowSpec,
    after: str | None = None,
    *,
    name: str = DEFAULT_STEP_NAME,
    kind: str = StepKind.OTHER,
) -> tuple[FlowSpec, str]:
    """Add a step with a fresh code; return the new flow and the code.

    - The first step of a flow is its start step.
    - `after` given: the step is placed right after it and linked from it. If `after` led to exactly one
      other step by one unconditional transition, the new step is put in between (after → new → that
      step), so inserting into a straight line keeps it straight.
    - `after` not given: the step goes to the end, unlinked (or linked from nothing, if it is the first).
    """
    code = next_code(spec)
    new = StepSpec(code=code, name=name, kind=kind, is_start=not spec.steps)
    if after is None:
        return dataclasses.replace(spec, steps=(*spec.steps, new)), code
    at = _index(spec, after)
    steps = (*spec.steps[: at + 1], new, *spec.steps[at + 1 :])
    outgoing = [t for t in spec.transitions if t.source == after]
    transitions = list(spec.transitions)
    if len(outgoing) == 1 and not outgoing[0].label and outgoing[0].target != after:
        old = outgoing[0]
        position = transitions.index(old)
        transitions[position : position + 1] = [TransitionSpec(after, code), TransitionSpec(code, old.target)]
    else:
        transitions.append(TransitionSpec(after, code))
    return dataclasses.replace(spec, steps=steps, transitions=tuple(transitions)), code


def _renamed(code: str, old: str, new: str) -> str:
    return new if code == old else code


def update_step(spec: FlowSpec, code: str, step: StepSpec) -> FlowSpec:
    """Replace a step's fields. A changed code is carried into its transitions and 不相容 pairs."""
    at = _index(spec, code)
    new_code = step.code.strip()
    if not new_code:
        raise FlowEditError("环节编号不能为空")
    if new_code != code and any(s.code == new_code for s in spec.steps):
        raise FlowEditError(f"环节编号“{new_code}”已被其他环节使用")
    step = dataclasses.replace(step, code=new_code)
    steps = (*spec.steps[:at], step, *spec.steps[at + 1 :])
    if new_code == code:
        return dataclasses.replace(spec, steps=steps)
    transitions = tuple(
        TransitionSpec(_renamed(t.source, code, new_code), _renamed(t.target, code, new_code), t.label)
        for t in spec.transitions
    )
    separations = tuple(
        SeparationSpec(_renamed(p.first, code, new_code), _renamed(p.second, code, new_code), p.note)
        for p in spec.separations
    )
    return dataclasses.replace(spec, steps=steps, transitions=transitions, separations=separations)


def remove_step(spec: FlowSpec, code: str) -> FlowSpec:
    """Remove a step with every transition into or out of it and every 不相容 pair naming it."""
    at = _index(spec, code)
    return dataclasses.replace(
        spec,
        steps=(*spec.steps[:at], *spec.steps[at + 1 :]),
        transitions=tuple(t for t in spec.transitions if code not in (t.source, t.target)),
        separations=tuple(p for p in spec.separations if code not in (p.first, p.second)),
    )


def move_step(spec: FlowSpec, code: str, offset: int) -> FlowSpec:
    """Move a step up (negative offset) or down the list; past either end it stops there."""
    at = _index(spec, code)
    to = max(0, min(len(spec.steps) - 1, at + offset))
    if to == at:
        return spec
    steps = list(spec.steps)
    steps.insert(to, steps.pop(at))
    return dataclasses.replace(spec, steps=tuple(steps))


def add_transition(spec: FlowSpec, source: str, target: str, label: str = "") -> FlowSpec:
    """Link one step to the next, optionally under a condition (e.g. 不符合条件 → 补正)."""
    _index(spec, source)
    if not target:
        raise FlowEditError("请选择下一环节")
    _index(spec, target)
    label = label.strip()
    if len(label) > 100:
        raise FlowEditError("流转条件不能超过100个字")
    new = TransitionSpec(source, target, label)
    if new in spec.transitions:
        raise FlowEditError("这条流转已经存在")
    return dataclasses.replace(spec, transitions=(*spec.transitions, new))


def remove_transition(spec: FlowSpec, source: str, target: str, label: str = "") -> FlowSpec:
    gone = TransitionSpec(source, target, label)
    if gone not in spec.transitions:
        raise FlowEditError("这条流转不存在，可能已被删除，请刷新页面")
    return dataclasses.replace(spec, transitions=tuple(t for t in spec.transitions if t != gone))


def _same_pair(pair: SeparationSpec, first: str, second: str) -> bool:
    return {pair.first, pair.second} == {first, second}


def add_separation(spec: FlowSpec, first: str, second: str, note: str = "") -> FlowSpec:
    """Two steps that must be handled by different people (不相容岗位相分离)."""
    if not first or not second:
        raise FlowEditError("请选择两个环节")
    _index(spec, first)
    _index(spec, second)
    if first == second:
        raise FlowEditError("不相容环节应是两个不同的环节")
    if any(_same_pair(p, first, second) for p in spec.separations):
        raise FlowEditError("这两个环节已登记为不相容环节")
    pair = SeparationSpec(first, second, note.strip())
    return dataclasses.replace(spec, separations=(*spec.separations, pair))


def remove_separation(spec: FlowSpec, first: str, second: str) -> FlowSpec:
    kept = tuple(p for p in spec.separations if not _same_pair(p, first, second))
    if len(kept) == len(spec.separations):
        raise FlowEditError("这对不相容环节不存在，可能已被删除，请刷新页面")
    return dataclasses.replace(spec, separations=kept)


def set_discretion(spec: FlowSpec, rows: Iterable[DiscretionSpec]) -> FlowSpec:
    """Replace the discretion benchmark (裁量基准); rows with nothing written in them are dropped."""
    kept = tuple(
        r
        for r in rows
        if any((r.violation.strip(), r.circumstance.strip(), r.measure.strip(), r.basis.strip()))
        or r.min_amount is not None
        or r.max_amount is not None
    )
    return dataclasses.replace(spec, discretion=kept)
