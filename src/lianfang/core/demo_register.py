"""Load the demo college's risk register (data in `demo_risks`, `demo_risks_depts`) through the register
services, after its catalog (`demo_catalog`), which has opened 2026 from 2025.

2025: the first register is written on the 2025 catalog, graded with the matrix, given its measures and
handed in; then it is carried into 2026 exactly as opening the year does (`risks.copying.copy_register`:
drafts linked to their predecessors, on this year's powers and steps, levels kept). 2026: one carried risk
point follows its power's new threshold, one carried 高 waits for the leadership to approve a downgrade,
纪委办公室 hands its carried points in again, and the departments add the year's new risk points.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date

from lianfang.core.actor import Actor
from lianfang.core.demo_sheets import review_demo_sheets
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Person, Post, PostAssignment, Unit
from lianfang.powers.models import FlowStep, Power
from lianfang.risks import services as register
from lianfang.risks.copying import copy_register
from lianfang.risks.library import load_measure_library
from lianfang.risks.models import Measure, MeasureTemplate, RiskPoint
from lianfang.risks.services import MeasureData, RiskData
from lianfang.risks.vocabulary import Cause, MeasureStatus, RiskLevel, SubjectKind

from . import demo_risks as data
from .demo_catalog import FIRST_YEAR
from .demo_risks import M, R
from .demo_risks_depts import RISKS_2026_DEPTS

CAUSES = {
    "制": Cause.SYSTEM_GAP,
    "监": Cause.OVERSIGHT_GAP,
    "外": Cause.ENVIRONMENT,
    "自": Cause.SELF_DISCIPLINE,
    "业": Cause.COMPETENCE,
}
# One letter a factor, in this order (see `demo_risks`).
FACTORS = (
    ("probability", {"H": "high", "F": "fairly_high", "L": "low"}),
    ("harm", {"S": "severe", "E": "serious", "M": "minor"}),
    ("power_importance", {"J": "major", "I": "important", "O": "ordinary"}),
    ("discretion", {"L": "large", "S": "small", "N": "none"}),
    ("public_contact", {"C": "close", "O": "ordinary"}),
    ("accountability", {"C": "criminal", "D": "discipline", "I": "internal"}),
)
HEADS = ("处长", "主任", "科长", "馆长")


def factors(code: str) -> dict[str, str]:
    """ "FSJ..C" → the factor values it spells; "." or the end of the string leaves a factor out."""
    found = {}
    for (key, values), letter in zip(FACTORS, code, strict=False):
        if letter != ".":
            found[key] = values[letter]
    return found


def load_register(actor: Actor, unit: Unit, say: Callable[[str], None] | None = None) -> dict[str, int]:
    counts = _RegisterLoader(actor, unit).run()
    if say is not None:
        say(
            "已载入廉政风险点：{first}年度 {risks_2025} 个（已公示，已结转）；{second}年度 {risks} 个，"
            "高 {high} 个、中 {medium} 个、低 {low} 个，防控措施 {measures} 条；措施库 {library} 条。".format(
                first=FIRST_YEAR, second=FIRST_YEAR + 1, **counts
            )
        )
    return counts


class _RegisterLoader:
    def __init__(self, actor: Actor, unit: Unit):
        self.actor = actor
        self.unit = unit
        self.depts = {d.name: d for d in Department.objects.filter(unit=unit)}
        self.posts = {
            (p.department.name, p.name): p
            for p in Post.objects.filter(department__unit=unit).select_related("department")
        }
        self.persons = {p.name: p for p in Person.objects.filter(unit=unit)}
        self.holders: dict[int, Person] = {}
        for a in (
            PostAssignment.objects.filter(post__department__unit=unit, end_date__isnull=True)
            .select_related("person")
            .order_by("start_date", "id")
        ):
            self.holders.setdefault(a.post_id, a.person)
        self.templates = {t.text: t for t in MeasureTemplate.objects.all()}
        self.hand_in: list[RiskPoint] = []  # risk points whose sheets the demo hands in for review

    def run(self) -> dict[str, int]:
        library = load_measure_library(self.actor)
        self.templates = {t.text: t for t in MeasureTemplate.objects.all()}
        first = Cycle.objects.get(unit=self.unit, year=FIRST_YEAR)
        second = Cycle.objects.get(unit=self.unit, previous=first)
        self.load_year(first, data.RISKS_2025, itertools.cycle(data.SCHEDULE_2025), submit_all=True)
        copy_register(self.actor, first, second)
        self.revise(second)
        self.load_year(
            second,
            data.RISKS_2026_OFFICES + RISKS_2026_DEPTS,
            itertools.cycle(data.SCHEDULE_2026),
            start=1000,
        )
        sheets = review_demo_sheets(self.actor, first, second, self.hand_in)
        latest = RiskPoint.objects.filter(cycle=second)
        return {
            **sheets,
            "risks_2025": len(data.RISKS_2025),
            "risks": latest.count(),
            "high": latest.filter(level=RiskLevel.HIGH).count(),
            "medium": latest.filter(level=RiskLevel.MEDIUM).count(),
            "low": latest.filter(level=RiskLevel.LOW).count(),
            "measures": Measure.objects.filter(risk__cycle=second).count(),
            "library": MeasureTemplate.objects.count(),
            "library_added": library,
        }

    # --- one year's risk points ---------------------------------------------------------------------------

    def load_year(
        self,
        cycle: Cycle,
        specs: tuple[R, ...],
        schedule: Iterator[tuple[str, str]],
        *,
        submit_all: bool = False,
        start: int = 0,
    ) -> None:
        powers = {p.code: p for p in Power.objects.filter(cycle=cycle)}
        steps = {(s.flow_id, s.code): s for s in FlowStep.objects.filter(flow__cycle=cycle)}
        for n, spec in enumerate(specs):
            power = powers[spec.power] if spec.power else None
            step = None
            if spec.step:
                assert power is not None and power.flow_id is not None, spec.name
                step = steps[(power.flow_id, spec.step)]
            risk = register.create_risk(self.actor, cycle, self.risk_data(spec, power, step, start + n * 10))
            register.assess(self.actor, risk, factors(spec.grade))
            for measure in spec.measures:
                register.add_measure(self.actor, risk, self.measure_data(spec, measure, schedule))
            if submit_all or spec.submit:
                self.hand_in.append(risk)

    def subject(self, who: str) -> tuple[str, Department | None, Post | None]:
        if not who:
            return SubjectKind.UNIT, None, None
        if "/" in who:
            dept, post = who.split("/")
            return SubjectKind.POST, None, self.posts[(dept, post)]
        return SubjectKind.DEPARTMENT, self.depts[who], None

    def risk_data(self, spec: R, power: Power | None, step: FlowStep | None, order: int) -> RiskData:
        kind, department, post = self.subject(spec.who)
        return RiskData(
            subject_kind=kind,
            department=department,
            post=post,
            name=spec.name,
            duty=spec.duty,
            manifestations=list(spec.shows),
            risk_type=spec.type,
            risk_kind=spec.kind,
            causes=[CAUSES[c] for c in spec.causes],
            found_by=spec.found,
            power=power,
            step=step,
            three_important=spec.three,
            notes=spec.notes,
            sort_order=order,
        )

    def default_owner(self, spec: R) -> Person:
        if spec.owner:
            return self.persons[spec.owner]
        _, department, post = self.subject(spec.who)
        if post is not None:
            return self.holders[post.pk]
        assert department is not None, f"单位风险点“{spec.name}”需写明责任人"
        return self.head(department)

    def head(self, department: Department) -> Person:
        """The department head; a 科 without one of its own answers to its department's head."""
        for name in HEADS:
            post = self.posts.get((department.name, name))
            if post is not None and post.pk in self.holders:
                return self.holders[post.pk]
        assert department.parent is not None, department.name
        return self.head(department.parent)

    def measure_data(self, spec: R, measure: M, schedule: Iterator[tuple[str, str]]) -> MeasureData:
        status, due = (
            next(schedule) if not (measure.status and measure.due) else (measure.status, measure.due)
        )
        return MeasureData(
            category=measure.cat,
            text=measure.text,
            owner=self.persons[measure.owner] if measure.owner else self.default_owner(spec),
            due_date=date.fromisoformat(due),
            status=status,
            template=self.templates.get(measure.text),
        )

    # --- the carried register in 2026 ---------------------------------------------------------------------

    def revise(self, cycle: Cycle) -> None:
        carried = {
            r.name: r for r in RiskPoint.objects.filter(cycle=cycle).select_related("post", "department")
        }
        for name, (duty, old_text, new) in data.REVISED_2026.items():
            risk = carried[name]
            current = _as_data(risk)
            current.duty = duty
            register.update_risk(self.actor, risk, current)
            old = risk.measures.get(text=old_text)
            lapsed = _measure_as_data(old)
            lapsed.status = MeasureStatus.LAPSED
            register.update_measure(self.actor, old, lapsed)
            spec = next(s for s in data.RISKS_2025 if s.name == name)
            register.add_measure(self.actor, risk, self.measure_data(spec, new, iter(())))
        name, grade, justification = data.DOWNGRADE_2026
        register.assess(self.actor, carried[name], factors(grade), justification=justification)
        for name in data.SUBMIT_CARRIED_2026:
            self.hand_in.append(carried[name])


def _as_data(risk: RiskPoint) -> RiskData:
    return RiskData(
        subject_kind=risk.subject_kind,
        department=risk.department,
        post=risk.post,
        code=risk.code,
        duty=risk.duty,
        name=risk.name,
        manifestations=[m.text for m in risk.manifestations.all()],
        risk_type=risk.risk_type,
        risk_kind=risk.risk_kind,
        causes=list(risk.causes),
        cause_note=risk.cause_note,
        found_by=risk.found_by,
        power=risk.power,
        step=risk.step,
        three_important=risk.three_important,
        notes=risk.notes,
        sort_order=risk.sort_order,
    )


def _measure_as_data(measure: Measure) -> MeasureData:
    return MeasureData(
        category=measure.category,
        text=measure.text,
        owner=measure.owner,
        owner_text=measure.owner_text,
        due_date=measure.due_date,
        status=measure.status,
        review_date=measure.review_date,
        template=measure.template,
    )
