"""The live board of electronic supervision: per department and per power the open and completed cases, the
on-time rate (按时办结率), cards by state and level, and the open cases nearest their promised limits.

A handful of aggregate queries over what the actor may see (cases: ObjectType.CASE, cards: ObjectType.ALERT).
A completed case is on time when its completion day (local time) is on or before its promised limit, or its
statutory limit when it has no promised one; a case with neither is not on time. The rate is on-time over
completed, and "—" when nothing is completed yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, scope
from lianfang.core.actor import Actor
from lianfang.org.models import Department
from lianfang.powers.models import Power

from . import selectors
from .models import Alert, AlertLevel, AlertState, Case, CaseStatus

NEAREST = 20
ON_TIME = Q(status=CaseStatus.COMPLETED) & Q(
    completed_at__date__lte=Coalesce(F("promised_due"), F("statutory_due"))
)


def rate_text(on_time: int, completed: int) -> str:
    if not completed:
        return "—"
    return f"{on_time * 100 / completed:.1f}%"


@dataclass
class Row:
    key: int | None
    name: str
    open: int = 0
    completed: int = 0
    on_time: int = 0
    cards: dict[str, int] = field(default_factory=dict)  # "state" or "level" value → count

    @property
    def rate(self) -> str:
        return rate_text(self.on_time, self.completed)

    @property
    def level_cells(self) -> list[int]:
        return [self.cards.get(k, 0) for k in AlertLevel.values]

    @property
    def state_cells(self) -> list[int]:
        return [self.cards.get(k, 0) for k in AlertState.values]


@dataclass
class Nearest:
    case: Case
    days_left: int | None  # calendar days to the promised limit (negative: past it)


@dataclass
class Board:
    totals: Row
    departments: list[Row]
    powers: list[Row]
    nearest: list[Nearest]
    by_state: list[tuple[str, str, int]]
    by_level: list[tuple[str, str, int]]


def _filtered(
    actor: Actor, department: Department | None, power: Power | None
) -> tuple[QuerySet[Case], QuerySet[Alert]]:
    cases = selectors.cases(actor)
    cards = scope(actor, Action.VIEW, ObjectType.ALERT, Alert.objects.all())
    if department is not None:
        cases = cases.filter(path__startswith=department.path)
        cards = cards.filter(path__startswith=department.path)
    if power is not None:
        cases = cases.filter(power=power)
        cards = cards.filter(power=power)
    return cases, cards


def _case_rows(cases: QuerySet[Case], key: str, name: str) -> dict[int | None, Row]:
    rows: dict[int | None, Row] = {}
    for r in (
        cases.values(key, name)
        .annotate(
            n_open=Count("id", filter=Q(status=CaseStatus.OPEN)),
            n_done=Count("id", filter=Q(status=CaseStatus.COMPLETED)),
            n_on_time=Count("id", filter=ON_TIME),
        )
        .order_by(name)
    ):
        rows[r[key]] = Row(r[key], r[name] or "", r["n_open"], r["n_done"], r["n_on_time"])
    return rows


def _card_counts(cards: QuerySet[Alert], key: str, name: str, rows: dict[int | None, Row]) -> None:
    for r in cards.values(key, name, "state", "level").annotate(n=Count("id")).order_by():
        row = rows.setdefault(r[key], Row(r[key], r[name] or ""))
        row.cards[r["state"]] = row.cards.get(r["state"], 0) + r["n"]
        row.cards[r["level"]] = row.cards.get(r["level"], 0) + r["n"]


def build(actor: Actor, *, department: Department | None = None, power: Power | None = None) -> Board:
    cases, cards = _filtered(actor, department, power)
    depts = _case_rows(cases, "department_id", "department__name")
    _card_counts(cards, "department_id", "department__name", depts)
    powers = _case_rows(cases, "power_id", "power__name")
    _card_counts(cards, "power_id", "power__name", powers)

    t = cases.aggregate(
        n_open=Count("id", filter=Q(status=CaseStatus.OPEN)),
        n_done=Count("id", filter=Q(status=CaseStatus.COMPLETED)),
        n_on_time=Count("id", filter=ON_TIME),
    )
    totals = Row(None, "", t["n_open"], t["n_done"], t["n_on_time"])
    for r in cards.values("state", "level").annotate(n=Count("id")).order_by():
        totals.cards[r["state"]] = totals.cards.get(r["state"], 0) + r["n"]
        totals.cards[r["level"]] = totals.cards.get(r["level"], 0) + r["n"]

    today = timezone.localdate()
    nearest = [
        Nearest(c, (c.promised_due - today).days if c.promised_due else None)
        for c in cases.filter(status=CaseStatus.OPEN)
        .select_related("power", "department")
        .order_by(F("promised_due").asc(nulls_last=True), "accepted_at", "id")[:NEAREST]
    ]
    return Board(
        totals=totals,
        departments=sorted(depts.values(), key=lambda r: (r.key is None, r.name)),
        powers=sorted(powers.values(), key=lambda r: r.name),
        nearest=nearest,
        by_state=[(v, str(label), totals.cards.get(v, 0)) for v, label in AlertState.choices],
        by_level=[(v, str(label), totals.cards.get(v, 0)) for v, label in AlertLevel.choices],
    )


def filter_choices(actor: Actor) -> tuple[list[Department], list[Power]]:
    """The departments and powers that have cases the actor sees (for the board's filters)."""
    cases = selectors.cases(actor)
    depts = list(Department.objects.filter(pk__in=cases.values("department_id")).order_by("path"))
    powers = list(Power.objects.filter(pk__in=cases.values("power_id")).order_by("code", "id"))
    return depts, powers
