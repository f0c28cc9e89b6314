"""Shared test data for electronic supervision: a unit whose power's flowchart has steps S1..Sn, each handled
by its own post, with a person holding each post; business-system tokens; event helpers.

Everything is built through the real services (so it has its audit entries). Keep it general: the intake,
the rule engine and the pages all build on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.test import Client

from lianfang.accounts import services as account_services
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Person, Post, Unit
from lianfang.powers.flowspec import DiscretionSpec, FlowSpec, SeparationSpec, StepSpec, TransitionSpec
from lianfang.powers.models import Flowchart, FlowStep, Power
from lianfang.supervision.services.intake import EventIn
from tests.factories import (
    SYSTEM,
    AssignmentFactory,
    DepartmentFactory,
    PersonFactory,
    PostFactory,
    UnitFactory,
    make_cycle,
    make_power,
)

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday


@dataclass
class Supervised:
    """A unit ready for supervision: `power` (code P1 by default) in `department`, with `flow` whose steps
    S1..Sn are handled by `posts[i]`, held by `persons[i]` (staff numbers `staff_nos[i]`)."""

    unit: Unit
    department: Department
    cycle: Cycle
    flow: Flowchart
    power: Power
    steps: list[FlowStep]
    posts: list[Post]
    persons: list[Person]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def staff_nos(self) -> list[str]:
        return [p.staff_no for p in self.persons]

    def step(self, code: str) -> FlowStep:
        return next(s for s in self.steps if s.code == code)


def flow_spec(
    code: str,
    posts: list[Post],
    *,
    time_limit: int = 2,
    statutory_limit: int | None = 20,
    promised_limit: int | None = 10,
    separations: tuple[tuple[str, str], ...] = (),
    discretion: tuple[DiscretionSpec, ...] = (),
) -> FlowSpec:
    """A straight flow S1 → S2 → … → Sn, step i handled by posts[i-1]."""
    steps = tuple(
        StepSpec(
            f"S{i}",
            f"环节{i}",
            "accept" if i == 1 else "other",
            post.pk,
            post.name,
            time_limit=time_limit,
            supervision="纪委",
            is_start=i == 1,
        )
        for i, post in enumerate(posts, start=1)
    )
    transitions = tuple(TransitionSpec(f"S{i}", f"S{i + 1}") for i in range(1, len(posts)))
    return FlowSpec(
        code=code,
        name=f"流程{code}",
        steps=steps,
        transitions=transitions,
        statutory_limit=statutory_limit,
        promised_limit=promised_limit,
        separations=tuple(SeparationSpec(a, b) for a, b in separations),
        discretion=discretion,
    )


def make_supervised(
    unit: Unit | None = None,
    *,
    unit_code: str | None = None,
    power_code: str = "P1",
    flow_code: str = "F1",
    steps: int = 3,
    year: int = 2026,
    cycle: Cycle | None = None,
    department: Department | None = None,
    **spec: Any,
) -> Supervised:
    """A unit (new unless given) with a cycle, a department, n posts held by n persons, and a power whose
    flow is S1..Sn. Call again with the same unit/cycle and other codes for a second power."""
    from lianfang.powers.services import FlowData, create_flow

    if unit is None:
        unit = UnitFactory(code=unit_code) if unit_code else UnitFactory()
    cycle = cycle or make_cycle(unit, year)
    name = f"业务处{power_code}"
    department = (
        department
        or Department.objects.filter(unit=unit, name=name).first()
        or DepartmentFactory(unit=unit, name=name)
    )
    # Calling again (another year, another power in the same department) reuses posts and their holders.
    posts: list[Post] = []
    persons: list[Person] = []
    for i in range(1, steps + 1):
        post = Post.objects.filter(department=department, name=f"{power_code}岗位{i}").first()
        holder = None
        if post is None:
            post = PostFactory(department=department, name=f"{power_code}岗位{i}")
        else:
            holder = Person.objects.filter(assignments__post=post).order_by("pk").first()
        if holder is None:
            holder = PersonFactory(department=department, unit=unit)
            AssignmentFactory(post=post, person=holder)
        posts.append(post)
        persons.append(holder)
    spec_ = flow_spec(flow_code, posts, **spec)
    data = FlowData(
        code=flow_code,
        name=f"流程{flow_code}",
        department=department,
        statutory_limit=spec_.statutory_limit,
        promised_limit=spec_.promised_limit,
    )
    flow = create_flow(SYSTEM, cycle, data, spec_)
    power = make_power(cycle, department, power_code, flow=flow)
    return Supervised(
        unit=unit,
        department=department,
        cycle=cycle,
        flow=flow,
        power=power,
        steps=list(flow.steps.order_by("code")),
        posts=posts,
        persons=persons,
    )


def event(
    case_id: str,
    activity: str,
    at: dt.datetime | int,
    resource: str = "",
    *,
    power_code: str = "P1",
    **extra: Any,
) -> EventIn:
    """An event; `at` may be hours after START."""
    when = START + dt.timedelta(hours=at) if isinstance(at, int) else at
    if "amount" in extra and extra["amount"] is not None:
        extra["amount"] = Decimal(str(extra["amount"]))
    return EventIn(
        case_id=case_id, power_code=power_code, activity=activity, timestamp=when, resource=resource, **extra
    )


def walk(s: Supervised, case_id: str, *, start: int = 0, completes: bool = True) -> list[EventIn]:
    """A case going through every step in order, a day apart, each by the step's post holder."""
    out = []
    for i, step in enumerate(s.steps):
        last = i == len(s.steps) - 1
        out.append(
            event(
                case_id,
                step.code,
                start + 24 * i,
                s.staff_nos[i],
                power_code=s.power.code,
                completes=completes and last,
            )
        )
    return out


def token_client(unit: Unit, scopes: list[str]) -> Client:
    _, key = account_services.create_token(SYSTEM, name="业务系统", unit=unit, scopes=scopes)
    return Client(headers={"Authorization": f"Bearer {key}"})
