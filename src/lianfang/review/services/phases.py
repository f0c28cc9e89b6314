"""The phases of a cycle (seed 002 §五: 宣传动员, 全面排查, 科学评估, 健全机制, 检查考核) and their dates,
set by the supervising office. The dates drive the sheets' deadlines (review/chain.py: DUE_BY_PHASE)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

from django.db import transaction

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker
from lianfang.core.i18n import source_text
from lianfang.core.writing import clean_input
from lianfang.cycles.models import Cycle, CycleStatus

from ..models import CyclePhase, Phase
from ..selectors_progress import PHASE_ORDER, phases

PhaseRow = tuple[str, dt.date | None, dt.date | None, str]
NOTE_MAX = 2000


def _label(phase: str) -> str:
    return source_text(Phase(phase).label) if phase in Phase.values else phase


def _as_data(rows: list[CyclePhase]) -> list[dict[str, str]]:
    return [
        {
            "phase": p.phase,
            "starts_on": p.starts_on.isoformat(),
            "ends_on": p.ends_on.isoformat(),
            "note": p.note,
        }
        for p in rows
    ]


def check_rows(rows: Sequence[PhaseRow], check: Checker) -> list[PhaseRow]:
    """Every problem at once: known phases, each once, both dates, ends ≥ starts, and in the phases' order
    (a phase may overlap the one before it, but neither start nor end before it)."""
    seen: set[str] = set()
    clean: list[PhaseRow] = []
    for phase, starts, ends, note in rows:
        if phase not in Phase.values:
            check.require(False, "phase", f"未知的工作阶段“{phase}”")
            continue
        label = _label(phase)
        check.require(phase not in seen, phase, f"“{label}”重复填写")
        seen.add(phase)
        check.require(starts is not None, phase, f"请填写“{label}”的开始日期")
        check.require(ends is not None, phase, f"请填写“{label}”的截止日期")
        if starts is not None and ends is not None:
            check.require(ends >= starts, phase, f"“{label}”的截止日期不能早于开始日期")
        text = clean_input(note)
        check.require(len(text) <= NOTE_MAX, phase, f"“{label}”的工作要求不能超过{NOTE_MAX}字")
        clean.append((phase, starts, ends, text))
    ordered = sorted(
        (r for r in clean if r[1] is not None and r[2] is not None), key=lambda r: PHASE_ORDER.index(r[0])
    )
    for before, after in itertools.pairwise(ordered):
        b, a = _label(before[0]), _label(after[0])
        assert before[1] and before[2] and after[1] and after[2]
        check.require(after[1] >= before[1], after[0], f"“{a}”不能早于前一阶段“{b}”开始")
        check.require(after[2] >= before[2], after[0], f"“{a}”不能早于前一阶段“{b}”截止")
    return clean


@transaction.atomic
def set_phases(actor: Actor, cycle: Cycle, rows: Sequence[PhaseRow]) -> list[CyclePhase]:
    """Replace the cycle's phases with these rows (a phase left out is removed). Supervising office only."""
    require(actor, Action.EDIT, ObjectType.PHASE, cycle.unit.path)
    check = Checker()
    check.require(cycle.status == CycleStatus.OPEN, "cycle", f"{cycle}已结束，不能再修改工作阶段")
    clean = check_rows(rows, check)
    check.done()
    before = phases(cycle)
    before_data = _as_data(before)
    by_phase = {p.phase: p for p in before}
    keep: set[str] = set()
    for phase, starts, ends, note in clean:
        assert starts is not None and ends is not None
        row = by_phase.get(phase) or CyclePhase(cycle=cycle, phase=phase)
        row.starts_on, row.ends_on, row.note = starts, ends, note
        row.save()
        keep.add(phase)
    CyclePhase.objects.filter(cycle=cycle).exclude(phase__in=keep).delete()
    after = phases(cycle)
    record(
        actor,
        AuditAction.UPDATE,
        object_type="review.cyclephase",
        object_id=str(cycle.pk),
        object_repr=f"{cycle.unit.name}{cycle} 工作阶段",
        scope_path=cycle.unit.path,
        before=before_data,
        after=_as_data(after),
    )
    return after
