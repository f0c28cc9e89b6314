"""分级负责: who manages, who supervises and who bears direct responsibility for a risk point.

Derived from the risk's level and the organisation, never typed (DOMAIN §8; 000 §三(五), 004 §五(二)4):

- 高: the 主要领导 (the unit's head) manages; 纪检监察 (the supervision leader and office) supervise the
  whole process (全过程监督).
- 中: the 分管领导 of the risk's department manages; 纪检监察 and the department supervise key links.
- 低: the department's head (负责人) manages; 监察处 (the supervision office) or the department check the
  measures are applied.
- Post risks: besides, the holders of the post bear direct responsibility (直接责任人).
- Unit risks (领导班子) and risks of a leadership post (岗位层级“领导岗位”) are managed by the 主要领导 at
  every level.
- The control line (管控层级) is normally the rung above the subject: 部门负责人 for a post, 分管领导 for a
  department, 主要领导 for the unit or a leadership post. A 高 risk raises it one rung (004): post → 分管领导,
  department → 主要领导, unit → 领导班子集体研究.

Organisation facts:
- 分管领导: an open LeadershipRole of kind deputy (or supervision: the 纪委书记 oversees the supervision
  office) whose departments include the risk's department or one of its ancestors; the nearest such
  department wins (a 科 overseen on its own beats its 处).
- A department's head (负责人): the holder of the department's head post, i.e. an active 中层岗位 of that
  department, a post whose name does not start with 副 first (a 副 post presides only when the head post is
  vacant). A 科 without a head is led by its parent department's head.
- 纪检监察: the unit's open LeadershipRole of kind supervision (纪委书记) and its active departments of kind
  supervision (纪委办公室/监察处).

A missing fact needed for the level raises `ResponsibilityError` naming what to set up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from lianfang.accounts.permissions import Action
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.core.i18n import source_text
from lianfang.cycles.selectors import latest_cycle
from lianfang.org.models import (
    Department,
    DepartmentKind,
    LeadershipKind,
    LeadershipRole,
    Person,
    PostAssignment,
    PostLevel,
    Status,
    Unit,
)

from .models import RiskPoint
from .selectors import risks
from .vocabulary import RiskLevel, SubjectKind

# The rungs of the control line, lowest first.
RUNG_DEPT_HEAD, RUNG_DEPUTY, RUNG_HEAD, RUNG_COLLECTIVE = (
    "部门负责人",
    "分管领导",
    "主要领导",
    "领导班子集体研究",
)
RUNGS = (RUNG_DEPT_HEAD, RUNG_DEPUTY, RUNG_HEAD, RUNG_COLLECTIVE)

# Role labels: what a party is to the risk.
MANAGER_HEAD = "管理责任人（主要领导）"
MANAGER_DEPUTY = "管理责任人（分管领导）"
MANAGER_DEPT_HEAD = "管理责任人（部门负责人）"
SUPERVISOR_FULL = "全过程监督（纪检监察）"
SUPERVISOR_KEY = "重点环节监督"
SUPERVISOR_CHECK = "检查措施落实"
DIRECT = "直接责任人（岗位人员）"


class ResponsibilityError(ServiceError):
    """The organisation lacks a fact the level needs (no 主要领导, no 分管领导, no department head …)."""


@dataclass(frozen=True)
class Party:
    """One responsible party: a person (leader, department head, post holder) and/or an office."""

    role: str  # what they are to the risk, e.g. 管理责任人（分管领导）
    person_id: int | None = None
    name: str = ""  # the person's name
    title: str = ""  # 职务, e.g. 副院长 or 财务处处长
    department_id: int | None = None  # an office supervising as such (纪委办公室, the risk's department)
    department_name: str = ""

    @property
    def display(self) -> str:
        who = f"{self.title} {self.name}".strip()
        if self.department_name and who:
            return f"{self.department_name}（{who}）"
        return self.department_name or who or "—"


@dataclass(frozen=True)
class Responsibility:
    level: str
    manager: Party
    supervisors: tuple[Party, ...]
    direct: tuple[Party, ...]  # the post holders (post risks only)
    control_line: str
    explanation: tuple[str, ...] = field(default=())

    @property
    def parties(self) -> tuple[Party, ...]:
        return (self.manager, *self.supervisors, *self.direct)

    def roles_of(self, person_id: int) -> list[str]:
        return list(dict.fromkeys(p.role for p in self.parties if p.person_id == person_id))


@dataclass(frozen=True)
class _Who:
    id: int
    name: str
    title: str


@dataclass(frozen=True)
class _Dept:
    id: int
    name: str
    path: str
    parent_id: int | None


@dataclass
class OrgFacts:
    """The organisation facts of one unit that responsibility needs, read once (a handful of queries)."""

    unit_id: int
    unit_name: str
    head: _Who | None = None
    supervision_leaders: list[_Who] = field(default_factory=list)
    supervision_departments: list[_Dept] = field(default_factory=list)
    deputies: list[tuple[_Who, list[str]]] = field(default_factory=list)  # (leader, overseen paths)
    departments: dict[int, _Dept] = field(default_factory=dict)
    dept_heads: dict[int, list[_Who]] = field(default_factory=dict)  # department id → its head(s)
    holders: dict[int, list[_Who]] = field(default_factory=dict)  # post id → its holders

    def head_of(self, department_id: int | None) -> tuple[_Dept, list[_Who]] | None:
        """The nearest department (itself, else an ancestor) with a head, and its head(s)."""
        seen: set[int] = set()
        while department_id is not None and department_id not in seen:
            seen.add(department_id)
            dept = self.departments.get(department_id)
            if dept is None:
                return None
            if self.dept_heads.get(dept.id):
                return dept, self.dept_heads[dept.id]
            department_id = dept.parent_id
        return None

    def deputy_for(self, path: str) -> _Who | None:
        best: tuple[int, _Who] | None = None
        for who, paths in self.deputies:
            depth = max((len(p) for p in paths if path.startswith(p)), default=0)
            if depth and (best is None or depth > best[0]):
                best = (depth, who)
        return best[1] if best else None


def _who(person: Person, title: str) -> _Who:
    return _Who(person.pk, person.name, title or person.title)


def load_facts(unit_id: int) -> OrgFacts:
    unit = Unit.objects.get(pk=unit_id)
    facts = OrgFacts(unit_id=unit.pk, unit_name=unit.name)
    roles = (
        LeadershipRole.objects.filter(unit_id=unit_id, end_date__isnull=True)
        .select_related("person")
        .prefetch_related("departments")
        .order_by("start_date", "id")
    )
    for role in roles:
        who = _who(role.person, role.title)
        if role.kind == LeadershipKind.HEAD:
            facts.head = who
            continue
        if role.kind == LeadershipKind.SUPERVISION:
            facts.supervision_leaders.append(who)
        # The 纪委书记 oversees the supervision office as its 分管领导.
        paths = [d.path for d in role.departments.all() if d.status == Status.ACTIVE]
        if paths:
            facts.deputies.append((who, paths))
    for d in Department.objects.filter(unit_id=unit_id).order_by("sort_order", "path"):
        dept = _Dept(d.pk, d.name, d.path, d.parent_id)
        facts.departments[d.pk] = dept
        if d.kind == DepartmentKind.SUPERVISION and d.status == Status.ACTIVE:
            facts.supervision_departments.append(dept)
    assignments = (
        PostAssignment.objects.filter(
            end_date__isnull=True, post__department__unit_id=unit_id, person__status=Status.ACTIVE
        )
        .select_related("person", "post", "post__department")
        .order_by("start_date", "id")
    )
    head_posts: dict[int, list[tuple[tuple[bool, int], _Who]]] = defaultdict(list)
    for a in assignments:
        facts.holders.setdefault(a.post_id, []).append(_who(a.person, a.post.name))
        post = a.post
        if post.level == PostLevel.MIDDLE and post.status == Status.ACTIVE:
            who = _Who(a.person.pk, a.person.name, f"{post.department.name}{post.name}")
            head_posts[post.department_id].append(((post.name.startswith("副"), post.pk), who))
    for dept_id, candidates in head_posts.items():
        first = min(key for key, _ in candidates)
        facts.dept_heads[dept_id] = [who for key, who in candidates if key == first]
    return facts


def _party(role: str, who: _Who) -> Party:
    return Party(role=role, person_id=who.id, name=who.name, title=who.title)


def _office(role: str, dept: _Dept, facts: OrgFacts) -> Party:
    """An office as supervisor, with its head when it has one (the person answering for it)."""
    heads = facts.dept_heads.get(dept.id) or []
    if heads:
        return Party(role, heads[0].id, heads[0].name, heads[0].title, dept.id, dept.name)
    return Party(role=role, department_id=dept.id, department_name=dept.name)


def _need_head(facts: OrgFacts, why: str) -> _Who:
    if facts.head is None:
        raise ResponsibilityError(f"单位“{facts.unit_name}”尚未设置主要领导，无法确定{why}的管理责任人")
    return facts.head


def _supervision(role: str, facts: OrgFacts, *, leaders: bool, offices: bool) -> list[Party]:
    out = [_party(role, w) for w in facts.supervision_leaders] if leaders else []
    if offices:
        out += [_office(role, d, facts) for d in facts.supervision_departments]
    return out


def responsibility_for(risk: RiskPoint, facts: OrgFacts | None = None) -> Responsibility:
    """Who answers for the risk at its current level. `facts` (from `load_facts(risk.unit_id)`) may be
    passed in when many risks of one unit are looked at."""
    facts = facts or load_facts(risk.unit_id)
    if risk.level not in RiskLevel.values:
        raise ResponsibilityError(f"风险点“{risk.name}”尚未评定风险等级，责任随等级确定")
    level = RiskLevel(risk.level)
    label = source_text(level.label)
    dept = facts.departments.get(risk.department_id) if risk.department_id else None
    leader_post = (
        risk.subject_kind == SubjectKind.POST
        and risk.post is not None
        and (risk.post.level == PostLevel.LEADER)
    )
    unit_like = risk.subject_kind == SubjectKind.UNIT or dept is None or leader_post
    normal = (
        RUNG_HEAD if unit_like else RUNG_DEPT_HEAD if risk.subject_kind == SubjectKind.POST else RUNG_DEPUTY
    )
    lines: list[str] = []

    # Who manages.
    if unit_like or level == RiskLevel.HIGH:
        who = _need_head(facts, f"{label}风险")
        manager = _party(MANAGER_HEAD, who)
        if unit_like and level != RiskLevel.HIGH:
            subject = "领导岗位" if leader_post else "单位（领导班子）"
            lines.append(f"{subject}的风险由主要领导（{who.title} {who.name}）负责管理。")
        else:
            lines.append(f"风险等级为高：由主要领导（{who.title} {who.name}）负责管理。")
    elif level == RiskLevel.MEDIUM:
        assert dept is not None
        deputy = facts.deputy_for(dept.path)
        if deputy is None:
            raise ResponsibilityError(f"部门“{dept.name}”尚未设置分管领导，无法确定中风险的管理责任人")
        manager = _party(MANAGER_DEPUTY, deputy)
        lines.append(f"风险等级为中：由分管领导（{deputy.title} {deputy.name}）负责管理。")
    else:
        assert dept is not None
        found = facts.head_of(dept.id)
        if found is None:
            raise ResponsibilityError(
                f"部门“{dept.name}”尚未设置负责人（中层岗位无人在任），无法确定低风险的管理责任人"
            )
        led_by, heads = found
        manager = _party(MANAGER_DEPT_HEAD, heads[0])
        via = (
            ""
            if led_by.id == dept.id
            else f"（“{dept.name}”未设负责人，由上级部门“{led_by.name}”负责人负责）"
        )
        lines.append(f"风险等级为低：由部门负责人（{heads[0].title} {heads[0].name}）负责管理{via}。")

    # Who supervises.
    if level == RiskLevel.HIGH:
        supervisors = _supervision(SUPERVISOR_FULL, facts, leaders=True, offices=True)
        how = "对防控全过程进行监督"
    elif level == RiskLevel.MEDIUM:
        supervisors = _supervision(SUPERVISOR_KEY, facts, leaders=True, offices=False)
        if dept is not None and not unit_like:
            supervisors.append(_office(SUPERVISOR_KEY, dept, facts))
        how = "对重点环节进行监督"
    else:
        supervisors = _supervision(SUPERVISOR_CHECK, facts, leaders=False, offices=True)
        if dept is not None and not unit_like:
            supervisors.append(_office(SUPERVISOR_CHECK, dept, facts))
        how = "检查防控措施的落实"
    if not supervisors:
        raise ResponsibilityError(
            f"单位“{facts.unit_name}”尚未设置纪检监察负责人或纪检监察机构，无法确定{label}风险的监督责任"
        )
    lines.append("、".join(p.display for p in supervisors) + how + "。")

    # The control line.
    if level == RiskLevel.HIGH:
        raised = RUNGS[RUNGS.index(normal) + 1]
        control_line = f"{raised}（高风险上提一级，常规为{normal}）"
        lines.append(f"管控层级上提一级：常规由{normal}管控，本风险由{raised}管控。")
    else:
        control_line = f"{normal}（常规管控层级）"

    # Direct responsibility.
    direct: tuple[Party, ...] = ()
    if risk.subject_kind == SubjectKind.POST and risk.post_id is not None:
        direct = tuple(_party(DIRECT, w) for w in facts.holders.get(risk.post_id, []))
        if direct:
            names = "、".join(p.name for p in direct)
            lines.append(f"岗位人员（{names}）对本岗位的风险负直接责任。")
        else:
            lines.append("该岗位目前无人在任，直接责任人待任职后确定。")
    return Responsibility(
        level=level.value,
        manager=manager,
        supervisors=tuple(supervisors),
        direct=direct,
        control_line=control_line,
        explanation=tuple(lines),
    )


def _candidates(person: Person, facts: OrgFacts) -> Q:
    """Risk points the person may answer for in some capacity (a superset; each is then derived)."""
    pid = person.pk
    held = [post_id for post_id, whos in facts.holders.items() if any(w.id == pid for w in whos)]
    q = Q(post_id__in=held) if held else Q(pk__in=[])
    if facts.head is not None and facts.head.id == pid:
        q |= Q(level=RiskLevel.HIGH) | Q(subject_kind=SubjectKind.UNIT) | Q(post__level=PostLevel.LEADER)
    if any(w.id == pid for w in facts.supervision_leaders):
        q |= Q(level__in=[RiskLevel.HIGH, RiskLevel.MEDIUM])
    heads_of = [d for d, whos in facts.dept_heads.items() if any(w.id == pid for w in whos)]
    supervision_ids = {d.id for d in facts.supervision_departments}
    if any(d in supervision_ids for d in heads_of):
        q |= Q(level__in=[RiskLevel.HIGH, RiskLevel.LOW])
    for d in heads_of:
        q |= Q(path__startswith=facts.departments[d].path)
    for who, paths in facts.deputies:
        if who.id == pid:
            for path in paths:
                q |= Q(level=RiskLevel.MEDIUM, path__startswith=path)
    return q


def risks_for_person(actor: Actor, person: Person) -> list[tuple[RiskPoint, str]]:
    """Every risk point of the person's unit's latest cycle, in the actor's scope, that the person answers
    for in any capacity, with the capacity (several joined by 、). Risks whose responsibility cannot be
    derived (ungraded, organisation incomplete) still list their post holders as 直接责任人."""
    cycle = latest_cycle(person.unit)
    if cycle is None:
        return []
    facts = load_facts(person.unit_id)
    candidates = _candidates(person, facts)
    qs = risks(actor, Action.VIEW).filter(cycle=cycle).filter(candidates).order_by("path", "sort_order", "id")
    out: list[tuple[RiskPoint, str]] = []
    for risk in qs:
        try:
            roles = responsibility_for(risk, facts).roles_of(person.pk)
        except ResponsibilityError:
            holders = facts.holders.get(risk.post_id or 0, [])
            roles = [DIRECT] if risk.post_id and any(w.id == person.pk for w in holders) else []
        if roles:
            out.append((risk, "、".join(roles)))
    return out
