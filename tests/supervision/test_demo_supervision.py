"""The supervision demo: a few thousand simulated cases of the demo college's powers go through the intake
(and the rule engine), on working days, handled by the holders of the steps' posts, with some alerts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from lianfang.core.actor import system_actor
from lianfang.core.demo import load_demo
from lianfang.org.models import Person, PostAssignment, Unit
from lianfang.supervision.demo import DEMO_CASES, demo_events, load_supervision_demo
from lianfang.supervision.models import Alert, Case, Event
from lianfang.workdays.selectors import current_calendar

pytestmark = pytest.mark.django_db


def test_the_supervision_demo_feeds_cases_through_the_intake() -> None:
    unit = Unit.objects.get(code=load_demo().code)
    actor = system_actor("演示数据")

    day = dt.date(2026, 6, 30)
    assert demo_events(unit, cases=50, today=day) == demo_events(unit, cases=50, today=day)

    counts = load_supervision_demo(actor, unit)
    assert counts["supervision_rejected"] == 0
    cases = Case.objects.filter(unit=unit)
    assert counts["supervision_cases"] == cases.count() >= DEMO_CASES * 0.95
    assert cases.values("power").distinct().count() >= 3
    events = Event.objects.filter(case__unit=unit)
    assert events.count() >= 4 * DEMO_CASES

    calendar = current_calendar()
    days = {timezone.localtime(t).date() for t in events.values_list("timestamp", flat=True)}
    assert all(calendar.is_workday(d) for d in days)
    assert max(days) < timezone.localdate() and min(days) >= timezone.localdate() - dt.timedelta(days=200)

    # Handlers are staff numbers of the unit's people, mostly holding the step's post.
    staff = set(Person.objects.filter(unit=unit).values_list("staff_no", flat=True))
    assert set(events.values_list("resource", flat=True)) <= staff
    holders = set(PostAssignment.objects.values_list("post_id", "person__staff_no"))
    with_post = list(events.filter(step__post__isnull=False).values_list("step__post_id", "resource"))
    assert sum(pair in holders for pair in with_post) >= 0.95 * len(with_post)

    # The engine checked them: mostly clean, some of each common anomaly, a few completed.
    assert cases.filter(status="completed").count() >= 0.8 * cases.count()
    rules = Counter(Alert.objects.filter(unit=unit).values_list("rule", flat=True))
    assert {"step_overdue", "skipped_step", "separation", "discretion", "wrong_post"} <= set(rules)
    assert Alert.objects.filter(unit=unit).values("case").distinct().count() < 0.5 * cases.count()

    again = load_supervision_demo(actor, unit)  # the same events again: nothing new
    assert again["supervision_events"] == 0 and again["supervision_cases"] == cases.count()
