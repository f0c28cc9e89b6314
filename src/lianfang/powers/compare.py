"""Year-over-year comparison (动态管理): what was added, changed or retired since last year's catalog."""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.core.i18n import source_text
from lianfang.cycles.models import Cycle

from .models import Disposition, Power

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
