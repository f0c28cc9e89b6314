"""The register dashboard: counts by level × type × department, a heat map, and the gaps that matter.

Reads only, through the actor's scope, with aggregated queries (a fixed handful per page, whatever the size
of the register): one GROUP BY gives the whole level × type × department cube, every table is folded from
it in Python; each gap is one count and one short list.

Gaps:
- 不留死角: active posts of the cycle's unit (in the actor's scope) with no risk point in the cycle.
- Risk points with no control measure (一对一 not yet met).
- Measures past due: a due date before today and not 已落实 or 失效.
- Downgrades from 高 waiting for the 领导班子's decision.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianfang.accounts.permissions import Action, ObjectType, scope
from lianfang.core.actor import Actor
from lianfang.core.vocabulary import RiskType
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post, Status

from . import selectors
from .models import Assessment, AssessmentStatus, Measure, RiskPoint
from .vocabulary import MeasureStatus, RiskLevel

UNGRADED = ""  # the level of a risk point not graded yet
LEVELS = (RiskLevel.HIGH.value, RiskLevel.MEDIUM.value, RiskLevel.LOW.value, UNGRADED)
HEAT_STEPS = 5  # heat classes heat-0 (none) … heat-5 (the most)
LIST_LIMIT = 20


def level_label(level: str) -> str:
    return str(RiskLevel(level).label) if level in RiskLevel.values else str(_("未评定"))


def heat(n: int, most: int) -> int:
    """The heat class of a count against the largest count of its map: 0 for none, else 1‥HEAT_STEPS."""
    if n <= 0 or most <= 0:
        return 0
    return max(1, min(HEAT_STEPS, math.ceil(HEAT_STEPS * n / most)))


@dataclass(frozen=True)
class Cell:
    count: int
    heat: int = 0
    level: str = ""  # the level column it sits in ("" outside level columns)
    risk_type: str = ""


@dataclass
class Row:
    """One department (or the unit itself, department None) with its counts by level and by type."""

    department: Department | None
    label: str
    depth: int
    total: int = 0
    without_measure: int = 0
    by_level: list[Cell] = field(default_factory=list)
    by_type: list[Cell] = field(default_factory=list)


@dataclass(frozen=True)
class TypeRow:
    """One row of the heat map: a risk type's counts by level."""

    risk_type: str
    label: str
    cells: list[Cell]
    total: int


@dataclass
class Gap:
    count: int
    items: list[Any]  # the first LIST_LIMIT


@dataclass
class Dashboard:
    cycle: Cycle
    total: int
    level_totals: list[Cell]  # in LEVELS order
    type_levels: list[TypeRow]  # the heat map: each type's counts by level
    rows: list[Row]  # by department
    types: list[str]
    uncovered_posts: Gap
    without_measure: Gap
    overdue_measures: Gap
    pending_downgrades: Gap
    filter_level: str = ""
    filter_type: str = ""


Key = tuple[int | None, str, str]  # (department id, level, risk type)


def cube(qs: QuerySet[RiskPoint]) -> tuple[dict[Key, int], dict[Key, int]]:
    """(department id, level, risk type) → number of risk points, and of those without any measure: one
    GROUP BY query (the measure check is an index lookup per row, cheaper than a second pass)."""
    has_measure = Exists(Measure.objects.filter(risk=OuterRef("pk")))
    rows = (
        qs.order_by()
        .annotate(has_measure=has_measure)
        .values("department_id", "level", "risk_type", "has_measure")
        .annotate(n=Count("id"))
    )
    counts: dict[Key, int] = {}
    unmeasured: dict[Key, int] = {}
    for r in rows:
        key = (r["department_id"], r["level"] or UNGRADED, r["risk_type"])
        counts[key] = counts.get(key, 0) + r["n"]
        if not r["has_measure"]:
            unmeasured[key] = unmeasured.get(key, 0) + r["n"]
    return counts, unmeasured


def _department_rows(
    counts: dict[Key, int], unmeasured: dict[Key, int], cycle: Cycle, level: str, risk_type: str
) -> list[Row]:
    def keep(key: Key) -> bool:
        return (not level or key[1] == level) and (not risk_type or key[2] == risk_type)

    per_dept: dict[int | None, dict[Key, int]] = {}
    for key, n in counts.items():
        per_dept.setdefault(key[0], {})[key] = n
    ids = {d for d in per_dept if d is not None}
    depts = {d.pk: d for d in Department.objects.filter(pk__in=ids).select_related("parent")}
    by_path = sorted(depts.values(), key=lambda d: d.path)
    ordered: list[Department | None] = [*by_path]
    if None in per_dept:
        ordered.insert(0, None)
    rows = []
    for dept in ordered:
        dept_id = dept.pk if dept else None
        mine = {k: n for k, n in per_dept.get(dept_id, {}).items() if keep(k)}
        if not mine:
            continue
        label = dept.name if dept else f"{cycle.unit.name}（单位层面）"
        depth = sum(1 for s in dept.path.split("/") if s.startswith("D")) - 1 if dept else 0
        row = Row(dept, label, depth, total=sum(mine.values()))
        row.without_measure = sum(unmeasured.get(k, 0) for k in mine)
        row.by_level = [Cell(sum(n for k, n in mine.items() if k[1] == lv), level=lv) for lv in LEVELS]
        row.by_type = [
            Cell(sum(n for k, n in mine.items() if k[2] == t), risk_type=t) for t in RiskType.values
        ]
        rows.append(row)
    most = max((c.count for r in rows for c in r.by_type), default=0)
    for r in rows:
        r.by_type = [Cell(c.count, heat(c.count, most), risk_type=c.risk_type) for c in r.by_type]
    return rows


def uncovered_posts(actor: Actor, cycle: Cycle) -> QuerySet[Post]:
    """不留死角: the unit's active posts in the actor's scope without any risk point in the cycle."""
    posts = Post.objects.filter(
        department__unit=cycle.unit, status=Status.ACTIVE, department__status=Status.ACTIVE
    ).select_related("department")
    posts = scope(actor, Action.VIEW, ObjectType.RISK, posts, lookups=("department__path",))
    has_risk = RiskPoint.objects.filter(cycle=cycle, post=OuterRef("pk"))
    return posts.filter(~Exists(has_risk)).order_by("department__path", "name")


def without_measure(actor: Actor, cycle: Cycle) -> QuerySet[RiskPoint]:
    """Risk points without any control measure (in id order: the first ones are found without a sort)."""
    qs = selectors.risks(actor).filter(cycle=cycle)
    return qs.filter(~Exists(Measure.objects.filter(risk=OuterRef("pk")))).order_by("id")


def overdue_measures(actor: Actor, cycle: Cycle, today: dt.date | None = None) -> QuerySet[Measure]:
    today = today or timezone.localdate()
    return (
        selectors.measures(actor)
        .filter(risk__cycle=cycle, due_date__lt=today)
        .exclude(status__in=[MeasureStatus.DONE, MeasureStatus.LAPSED])
        .order_by("due_date", "id")
    )


def pending_downgrades(actor: Actor, cycle: Cycle) -> QuerySet[Assessment]:
    qs = Assessment.objects.filter(status=AssessmentStatus.PENDING, risk__cycle=cycle).select_related(
        "risk", "risk__department", "risk__post"
    )
    return scope(actor, Action.VIEW, ObjectType.RISK, qs, lookups=("risk__path",)).order_by(
        "created_at", "id"
    )


def _gap(qs: QuerySet[Any], count: int | None = None) -> Gap:
    """The first LIST_LIMIT items and how many there are. The list is picked by primary key over narrow
    rows first (sorting whole rows of a large gap costs more than the gap's own scan), then read whole; the
    count needs its own query only when the list does not tell it."""
    ids = list(qs.values_list("pk", flat=True)[: LIST_LIMIT + 1])
    if count is None:
        count = len(ids) if len(ids) <= LIST_LIMIT else qs.count()
    ids = ids[:LIST_LIMIT]
    whole = qs.model._default_manager.filter(pk__in=ids)
    whole.query.select_related = qs.query.select_related  # the same joins, without the gap's filters
    found = {obj.pk: obj for obj in whole}
    return Gap(count=count, items=[found[pk] for pk in ids if pk in found])


def _sorted(gap: Gap) -> Gap:
    gap.items.sort(key=lambda r: (r.path, r.sort_order, r.pk))
    return gap


def dashboard(
    actor: Actor, cycle: Cycle, *, level: str = "", risk_type: str = "", today: dt.date | None = None
) -> Dashboard:
    """The dashboard of a cycle, in the actor's scope. `level`/`risk_type` narrow the department table (the
    third axis of the cube); the level × type map always shows everything."""
    level = level if level in RiskLevel.values else ""
    risk_type = risk_type if risk_type in RiskType.values else ""
    counts, unmeasured = cube(selectors.risks(actor).filter(cycle=cycle))
    total = sum(counts.values())
    level_totals = [Cell(sum(n for k, n in counts.items() if k[1] == lv), level=lv) for lv in LEVELS]
    grid = {
        (t, lv): sum(n for k, n in counts.items() if k[2] == t and k[1] == lv)
        for t in RiskType.values
        for lv in LEVELS
    }
    most = max(grid.values(), default=0)
    type_levels = [
        TypeRow(
            t,
            str(RiskType(t).label),
            [Cell(grid[(t, lv)], heat(grid[(t, lv)], most), level=lv, risk_type=t) for lv in LEVELS],
            sum(grid[(t, lv)] for lv in LEVELS),
        )
        for t in RiskType.values
    ]
    return Dashboard(
        cycle=cycle,
        total=total,
        level_totals=level_totals,
        type_levels=type_levels,
        rows=_department_rows(counts, unmeasured, cycle, level, risk_type),
        types=list(RiskType.values),
        uncovered_posts=_gap(uncovered_posts(actor, cycle)),
        without_measure=_sorted(_gap(without_measure(actor, cycle), sum(unmeasured.values()))),
        overdue_measures=_gap(overdue_measures(actor, cycle, today)),
        pending_downgrades=_gap(pending_downgrades(actor, cycle)),
        filter_level=level,
        filter_type=risk_type,
    )
