"""Demo data for electronic supervision: a simulated stream of business-system events for the demo college's
powers that have a flowchart in its latest cycle, fed through the intake like any business system's.

A few thousand cases over the last months on the real working-day calendar (holidays and 调休 included):
most in order and in time, some late, some with a step left out or out of order, a few separation-of-duty,
discretion and wrong-post breaches, some suspended, some still open. Handlers are the staff numbers of the
people who hold each step's post (for a step with no post, people of the power's department). The lead's
`core.demo.load_demo` calls `load_supervision_demo` after the catalog and the calendar are loaded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from lianfang.core.actor import Actor
from lianfang.cycles.models import Cycle
from lianfang.org.models import Person, PostAssignment, Unit
from lianfang.powers.models import Power
from lianfang.powers.selectors import flow_spec
from lianfang.workdays.selectors import current_calendar

from .engine.model import compile_power
from .models import Alert, Case
from .services.intake import EventIn, intake
from .simulate import Rates, Staffing, simulate

LOCAL = ZoneInfo("Asia/Shanghai")
DEMO_CASES = 2500
DEMO_DAYS = 150  # cases accepted over about the last five months
DEMO_SEED = 2026
DEMO_RATES = Rates(
    late=0.06,
    skipped=0.03,
    out_of_order=0.01,
    unknown=0.005,
    separation=0.01,
    discretion=0.02,
    reopened=0.005,
    wrong_post=0.01,
    suspended=0.05,
    open=0.06,
    amounts=0.6,
)


def _staffing(unit: Unit, powers: list[Power], first: dt.date, last: dt.date) -> Staffing:
    """Holders of each post through the whole range (so in-order cases are handled by the post's holder),
    else its holders on the last day; the people of each power's department for steps with no post."""
    tenure = (
        PostAssignment.objects.filter(post__department__unit=unit, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=last))
        .select_related("person")
        .order_by("post_id", "person__staff_no")
    )
    whole: dict[int, list[str]] = {}
    current: dict[int, list[str]] = {}
    for a in tenure:
        if not a.person.staff_no or a.person.retired_on is not None:
            continue
        current.setdefault(a.post_id, []).append(a.person.staff_no)
        if a.start_date <= first:
            whole.setdefault(a.post_id, []).append(a.person.staff_no)
    by_post = {post: whole.get(post) or names for post, names in current.items()}
    by_power: dict[str, list[str]] = {}
    staff: dict[int | None, list[str]] = {}
    for dept, staff_no in (
        Person.objects.filter(unit=unit, retired_on__isnull=True)
        .exclude(staff_no="")
        .order_by("staff_no")
        .values_list("department_id", "staff_no")
    ):
        staff.setdefault(dept, []).append(staff_no)
    for power in powers:
        by_power[power.code] = staff.get(power.department_id, [])
    return Staffing(by_post=by_post, by_power=by_power)


def demo_events(
    unit: Unit, *, cases: int = DEMO_CASES, today: dt.date | None = None, seed: int = DEMO_SEED
) -> list[EventIn]:
    """The simulated events (nothing stored): for the unit's powers with a flowchart in its latest cycle."""
    cycle = Cycle.objects.filter(unit=unit).order_by("-year").first()
    if cycle is None:
        return []
    powers = list(
        Power.objects.filter(cycle=cycle, flow__isnull=False).select_related("flow").order_by("code")
    )
    models = [compile_power(p.code, flow_spec(p.flow)) for p in powers if p.flow is not None]
    models = [m for m in models if m.steps]
    if not models:
        return []
    calendar = current_calendar()
    if not calendar.covered_years:
        return []
    last = (today or timezone.localdate()) - dt.timedelta(days=1)
    # Never past the calendar: a year not entered yet is not guessed.
    last = min(last, dt.date(max(calendar.covered_years), 12, 31))
    first = last - dt.timedelta(days=DEMO_DAYS)
    if not all(calendar.covers(y) for y in range(first.year, last.year + 1)):
        return []
    staffing = _staffing(unit, powers, first, last)
    log = simulate(models, calendar, first, last, cases, staffing, DEMO_RATES, seed=seed, prefix="YW")
    names = {p.code: p.name for p in powers}
    return [
        EventIn(
            case_id=r.case_id,
            power_code=r.power_code,
            activity=r.activity,
            timestamp=r.ts.replace(tzinfo=LOCAL),
            resource=r.resource,
            amount=None if r.amount is None else Decimal(f"{r.amount:.2f}"),
            violation=r.violation,
            suspend_from=r.suspend_from,
            suspend_to=r.suspend_to,
            completes=r.completes,
            title=f"{names[r.power_code]}（{r.case_id}）",
            source="演示业务系统",
        )
        for r in log.rows
    ]


def load_supervision_demo(actor: Actor, unit: Unit, *, cases: int = DEMO_CASES) -> dict[str, int]:
    """Feed the simulated events through the intake (which has the rule engine check the cases)."""
    events = demo_events(unit, cases=cases)
    result = intake(actor, unit, events)
    return {
        "supervision_events": result.stored,
        "supervision_rejected": len(result.rejected),
        "supervision_cases": Case.objects.filter(unit=unit).count(),
        "supervision_alerts": Alert.objects.filter(unit=unit).count(),
    }
