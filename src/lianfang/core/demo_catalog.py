"""Load the demo college's power catalog and flowcharts (data in `demo_powers`, `demo_flows`) through the
catalog services, as the departments and the leadership would have entered and reviewed them.

2025: every flowchart and power is created, then submitted, checked and approved. 2026: opened from 2025
(drafts linked to their predecessors), then edited (调整), extended (新明确) and pruned (废止), and moved
part of the way along the approval chain, so that the year-over-year comparison and every status have
something to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from itertools import pairwise

from lianfang.core.actor import Actor
from lianfang.cycles.models import Cycle
from lianfang.cycles.services import create_cycle, open_next_cycle
from lianfang.org.models import Department, Post, Unit
from lianfang.powers.flowspec import FlowSpec, SeparationSpec, StepSpec, TransitionSpec
from lianfang.powers.models import Audience, Disposition, Flowchart, Power, ReviewAction
from lianfang.powers.selectors import flow_spec
from lianfang.powers.services import (
    FlowData,
    PowerData,
    create_flow,
    create_power,
    review,
    save_flow_content,
    update_power,
)

from . import demo_powers as data
from .demo_flows import FLOWS, FLOWS_2026, Flow
from .demo_powers import PowerSpec

FIRST_YEAR = 2025
APPROVED_BY = "经学院领导班子会议集体审定"

Item = Power | Flowchart


def transitions(edges: str) -> tuple[TransitionSpec, ...]:
    """ "S1>S2>S3, S2>S1:补正" → S1→S2, S2→S3, and S2→S1 labelled 补正."""
    found: list[TransitionSpec] = []
    for item in edges.split(", "):
        path, _, label = item.partition(":")
        codes = path.split(">")
        found.extend(TransitionSpec(a, b, label) for a, b in pairwise(codes))
    return tuple(found)


def load_catalog(actor: Actor, unit: Unit, say: Callable[[str], None] | None = None) -> dict[str, int]:
    """Both yearly cycles of the demo unit's catalog; returns counts for the demo summary."""
    counts = _CatalogLoader(actor, unit).run()
    if say is not None:
        say(
            "已载入职权目录：{first}年度 {powers} 项职权、{flowcharts} 张流程图（均已审定）；"
            "{second}年度由上年结转，调整 {adjusted} 项、新明确 {added} 项、废止 {abolished} 项，"
            "正在审批中。".format(first=FIRST_YEAR, second=FIRST_YEAR + 1, **counts)
        )
    return counts


class _CatalogLoader:
    def __init__(self, actor: Actor, unit: Unit):
        self.actor = actor
        self.unit = unit
        self.depts = {d.name: d for d in Department.objects.filter(unit=unit)}
        self.posts = {
            (p.department.name, p.name): p
            for p in Post.objects.filter(department__unit=unit).select_related("department")
        }
        self.flow_data = {f.code: f for f in FLOWS + FLOWS_2026}

    def run(self) -> dict[str, int]:
        first = create_cycle(self.actor, unit=self.unit, year=FIRST_YEAR, title=f"{FIRST_YEAR}年度")
        flows = {f.code: self.create_flow(first, f) for f in FLOWS}
        powers = {p.code: self.create_power(first, p, flows, order=n * 10) for n, p in enumerate(data.POWERS)}
        items: list[Item] = [*flows.values(), *powers.values()]
        for item in items:
            self.move(
                item, (ReviewAction.SUBMIT, ReviewAction.CHECK, ReviewAction.VERIFY, ReviewAction.APPROVE)
            )
        second = open_next_cycle(self.actor, first)
        self.revise(second)
        return {
            "cycles": 2,
            "powers": len(powers),
            "flowcharts": len(flows),
            "adjusted": len(data.EDITS_2026),
            "added": len(data.NEW_2026),
            "abolished": len(data.ABOLISHED_2026),
        }

    # --- building -------------------------------------------------------------------------------------

    def handler(self, who: str) -> tuple[Post | None, str]:
        """A post of the demo for "部门/岗位[=显示名]"; anything else names a body without a post."""
        ref, _, shown = who.partition("=")
        if "/" not in ref:
            return None, who
        dept, post = ref.split("/")
        return self.posts[(dept, post)], shown or f"{dept}{post}"

    def spec(self, flow: Flow) -> FlowSpec:
        steps = []
        for n, s in enumerate(flow.steps):
            post, name = self.handler(s.who)
            steps.append(
                StepSpec(
                    code=s.code,
                    name=s.name,
                    kind=s.kind,
                    post_id=post.pk if post else None,
                    handler=name,
                    basis=s.basis,
                    conditions=s.conditions,
                    materials=s.materials,
                    time_limit=s.days,
                    supervision=s.supervision,
                    applicant_rights=s.rights,
                    is_start=n == 0,
                )
            )
        return FlowSpec(
            code=flow.code,
            name=flow.name,
            steps=tuple(steps),
            transitions=transitions(flow.edges),
            statutory_limit=flow.statutory,
            promised_limit=flow.promised,
            separations=tuple(SeparationSpec(*pair) for pair in flow.separations),
            discretion=flow.discretion,
            description=flow.description,
        )

    def create_flow(self, cycle: Cycle, flow: Flow) -> Flowchart:
        meta = FlowData(
            code=flow.code,
            name=flow.name,
            department=self.depts[flow.dept] if flow.dept else None,
            description=flow.description,
            statutory_limit=flow.statutory,
            promised_limit=flow.promised,
            is_secret=flow.secret,
        )
        return create_flow(self.actor, cycle, meta, self.spec(flow))

    def power_posts(self, spec: PowerSpec) -> list[Post]:
        """The listed posts, else the flow's posts that belong to the power's department or its 科室."""
        if spec.posts:
            return [self.handler(ref)[0] for ref in spec.posts]  # type: ignore[misc]
        dept = self.depts.get(spec.dept)
        found: dict[int, Post] = {}
        for step in self.flow_data[spec.flow].steps:
            post = self.handler(step.who)[0]
            if (
                post is not None
                and dept is not None
                and dept.pk in (post.department_id, post.department.parent_id)
            ):
                found.setdefault(post.pk, post)
        return list(found.values())

    def create_power(
        self, cycle: Cycle, spec: PowerSpec, flows: dict[str, Flowchart], order: int, **extra: str
    ) -> Power:
        dept = self.depts[spec.dept] if spec.dept else None
        default_handler = (
            f"{dept.parent.name}{dept.name}" if dept and dept.parent else (dept.name if dept else "")
        )
        power = PowerData(
            code=spec.code,
            name=spec.name,
            content=spec.content,
            category=spec.category,
            audience=Audience.EXTERNAL if spec.external else Audience.INTERNAL,
            department=dept,
            handler_text=spec.handler or default_handler,
            posts=self.power_posts(spec),
            bases=list(spec.bases),
            is_secret=spec.secret,
            flow=flows[spec.flow],
            sort_order=order,
            **extra,
        )
        return create_power(self.actor, cycle, power)

    def move(self, item: Item, actions: Iterable[str], reason: str = "") -> None:
        for action in actions:
            comments: dict[str, str] = {ReviewAction.APPROVE: APPROVED_BY, ReviewAction.RETURN: reason}
            comment = comments.get(action, "")
            item = review(self.actor, item, action, comment)

    # --- the second year --------------------------------------------------------------------------------

    def revise(self, cycle: Cycle) -> None:
        flows = {f.code: f for f in Flowchart.objects.filter(cycle=cycle)}
        powers = {p.code: p for p in Power.objects.filter(cycle=cycle).select_related("department", "flow")}
        for code, (old, new) in data.FLOW_REVISIONS_2026.items():
            save_flow_content(self.actor, flows[code], _reworded(flow_spec(flows[code]), old, new))
        for change in data.EDITS_2026:
            power = powers[change.code]
            current = _as_data(power)
            update_power(
                self.actor,
                power,
                replace(
                    current,
                    name=change.name or current.name,
                    content=change.content or current.content,
                    bases=current.bases + list(change.add_bases),
                    disposition=Disposition.ADJUST,
                    disposition_reason=change.reason,
                ),
            )
        for code, reason in data.ABOLISHED_2026.items():
            power = powers[code]
            update_power(
                self.actor,
                power,
                replace(_as_data(power), disposition=Disposition.ABOLISH, disposition_reason=reason),
            )
        for flow in FLOWS_2026:
            flows[flow.code] = self.create_flow(cycle, flow)
        for spec, reason in data.NEW_2026:
            # Listed right after the last power of its department.
            order = max(p.sort_order for p in powers.values() if p.department_id == self.depts[spec.dept].pk)
            powers[spec.code] = self.create_power(
                cycle, spec, flows, order + 5, disposition=Disposition.NEW, disposition_reason=reason
            )
        items: dict[str, Item] = {**flows, **powers}
        S, C, R = ReviewAction.SUBMIT, ReviewAction.CHECK, ReviewAction.RETURN
        V, A = ReviewAction.VERIFY, ReviewAction.APPROVE
        for code in data.APPROVED_2026:
            self.move(items[code], (S, C, V, A))
        for code in data.VERIFIED_2026:
            self.move(items[code], (S, C, V))
        for code in data.CHECKED_2026:
            self.move(items[code], (S, C))
        for code in data.SUBMITTED_2026:
            self.move(items[code], (S,))
        for code, reason in data.RETURNED_2026.items():
            self.move(items[code], (S, R), reason)


def _as_data(power: Power) -> PowerData:
    return PowerData(
        code=power.code,
        name=power.name,
        content=power.content,
        category=power.category,
        audience=power.audience,
        department=power.department,
        handler_text=power.handler_text,
        posts=list(power.posts.all()),
        bases=[(b.document, b.article) for b in power.bases.order_by("order", "id")],
        disposition=power.disposition,
        disposition_reason=power.disposition_reason,
        is_secret=power.is_secret,
        flow=power.flow,
        sort_order=power.sort_order,
    )


def _reworded(spec: FlowSpec, old: str, new: str) -> FlowSpec:
    """The flow with `old` replaced by `new` in its step texts and transition labels (a changed threshold)."""
    steps = tuple(
        replace(s, name=s.name.replace(old, new), supervision=s.supervision.replace(old, new))
        for s in spec.steps
    )
    moves = tuple(replace(t, label=t.label.replace(old, new)) for t in spec.transitions)
    return replace(spec, steps=steps, transitions=moves)
