"""Year-over-year comparison (动态管理): what was added, changed or retired since last year, for the catalog,
a power, or a flowchart (step by step)."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.core.i18n import source_text
from lianfang.cycles.models import Cycle

from .flowspec import FlowSpec
from .models import Disposition, Flowchart, Power
from .render_svg import kind_text, limit_text

COMPARED_FIELDS = (
    "name",
    "content",
    "category",
    "audience",
    "handler_text",
    "department",
    "is_secret",
    "flow",
)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


def _display(power: Power, name: str) -> str:
    if name == "department":
        return power.department.name if power.department else "（单位层面）"
    if name == "flow":
        return power.flow.name if power.flow else ""
    if name == "is_secret":
        return "是" if power.is_secret else "否"
    field = Power._meta.get_field(name)
    if getattr(field, "choices", None):
        display = getattr(power, f"get_{name}_display")()
        return source_text(display)
    return str(getattr(power, name) or "")


def _bases(power: Power) -> str:
    return "；".join(f"{b.document}{b.article}" for b in power.bases.all())


def power_changes(power: Power) -> list[FieldChange]:
    """How a power differs from its predecessor (empty when it is new or unchanged)."""
    old = power.predecessor
    if old is None:
        return []
    changes = []
    for name in COMPARED_FIELDS:
        before, after = _display(old, name), _display(power, name)
        if before != after:
            label = source_text(Power._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            changes.append(FieldChange(name, label, before, after))
    if _bases(old) != _bases(power):
        changes.append(FieldChange("bases", "制度依据", _bases(old), _bases(power)))
    return changes


@dataclass
class CatalogComparison:
    cycle: Cycle
    previous: Cycle | None
    added: list[Power]
    changed: list[tuple[Power, list[FieldChange]]]
    retired: list[Power]
    unchanged: list[Power]


def compare_catalog(cycle: Cycle, visible: list[Power], previous_visible: list[Power]) -> CatalogComparison:
    """`visible` and `previous_visible` are the actor's scoped powers of this and last year's cycle.

    Added: no predecessor. Retired: last year's powers with no successor this year, or whose successor
    is marked 废止. Changed: any compared field or basis differs."""
    added, changed, unchanged, retired = [], [], [], []
    successors = {p.predecessor_id for p in visible if p.predecessor_id}
    for p in visible:
        if p.disposition == Disposition.ABOLISH:
            retired.append(p)
        elif p.predecessor_id is None:
            added.append(p)
        else:
            diff = power_changes(p)
            (changed.append((p, diff)) if diff else unchanged.append(p))
    retired.extend(p for p in previous_visible if p.pk not in successors)
    return CatalogComparison(cycle, cycle.previous, added, changed, retired, unchanged)


# --- flowcharts -------------------------------------------------------------------------------------

FLOW_FIELDS = (
    ("name", "流程名称"),
    ("statutory", "法定时限"),
    ("promised", "承诺时限"),
    ("secret", "涉密"),
)
STEP_FIELDS = (
    ("name", "环节名称"),
    ("kind", "环节类别"),
    ("handler", "办理主体"),
    ("limit", "办理时限"),
    ("supervision", "监督渠道"),
    ("basis", "依据"),
    ("conditions", "条件"),
    ("materials", "所需材料"),
    ("applicant_rights", "相对人权利"),
    ("next", "下一环节"),
)


@dataclass(frozen=True)
class StepChange:
    code: str
    name: str
    change: str  # "added" | "removed" | "changed"
    fields: tuple[FieldChange, ...] = ()

    @property
    def change_label(self) -> str:
        return {"added": "新增环节", "removed": "删除环节", "changed": "修改环节"}[self.change]


def _flow_values(flow: Flowchart) -> dict[str, str]:
    return {
        "name": flow.name,
        "statutory": limit_text(flow.statutory_limit, flow.statutory_unit),
        "promised": limit_text(flow.promised_limit, flow.promised_unit),
        "secret": "是" if flow.is_secret else "否",
    }


def _step_values(spec: FlowSpec) -> dict[str, dict[str, str]]:
    names = {s.code: s.name for s in spec.steps}
    values = {}
    for s in spec.steps:
        nexts = [
            names.get(t.target, t.target) + (f"（{t.label}）" if t.label else "")
            for t in spec.transitions
            if t.source == s.code
        ]
        values[s.code] = {
            "name": s.name,
            "kind": kind_text(s.kind),
            "handler": s.handler,
            "limit": limit_text(s.time_limit, s.limit_unit),
            "supervision": s.supervision,
            "basis": s.basis,
            "conditions": s.conditions,
            "materials": s.materials,
            "applicant_rights": s.applicant_rights,
            "next": "、".join(nexts),
            # Links are compared by step code, so renaming a step does not show as a change of its
            # predecessors' links.
            "next_key": "|".join(
                sorted(f"{t.target}:{t.label}" for t in spec.transitions if t.source == s.code)
            ),
        }
    return values


def flow_changes(
    flow: Flowchart, spec: FlowSpec, previous_spec: FlowSpec | None
) -> tuple[list[FieldChange], list[StepChange]]:
    """How a flow differs from last year's: its own fields, then step by step (matched by step code)."""
    old = flow.predecessor
    if old is None or previous_spec is None:
        return [], []
    before, after = _flow_values(old), _flow_values(flow)
    fields = [FieldChange(k, label, before[k], after[k]) for k, label in FLOW_FIELDS if before[k] != after[k]]
    old_steps, new_steps = _step_values(previous_spec), _step_values(spec)
    steps: list[StepChange] = []
    for code, values in new_steps.items():
        if code not in old_steps:
            steps.append(StepChange(code, values["name"], "added"))
            continue
        diff = tuple(
            FieldChange(k, label, old_steps[code][k], values[k])
            for k, label in STEP_FIELDS
            if old_steps[code]["next_key" if k == "next" else k] != values["next_key" if k == "next" else k]
        )
        if diff:
            steps.append(StepChange(code, values["name"], "changed", diff))
    steps.extend(
        StepChange(code, v["name"], "removed") for code, v in old_steps.items() if code not in new_steps
    )
    return fields, steps
