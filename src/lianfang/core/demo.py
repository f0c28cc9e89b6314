"""Load the demo institution (a fictional college, see `demo_data`) through the services, and its logins.

`load_demo()` is deterministic (fixed names, 工号 and dates), all or nothing (one transaction), and safe to
call twice: when the demo unit already exists it writes nothing and returns the summary with `already_loaded`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from django.db import transaction

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role, User
from lianfang.core.actor import system_actor
from lianfang.core.errors import ServiceError
from lianfang.core.i18n import source_text
from lianfang.org import services as org
from lianfang.org.models import Department, Person, Post, PostAssignment, Unit
from lianfang.supervision.demo import load_supervision_demo
from lianfang.workdays.demo import load_calendar_demo

from . import demo_data as data
from .demo_catalog import load_catalog
from .demo_complaints import load_complaints_demo
from .demo_data import DEMO_PASSWORD
from .demo_portal import load_portal_demo
from .demo_register import load_register

__all__ = ["DEMO_PASSWORD", "DemoAccount", "DemoSummary", "demo_accounts", "load_demo"]


class Writer(Protocol):
    def write(self, text: str) -> Any: ...


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    role_label: str
    scope: str
    person: str = ""


@dataclass
class DemoSummary:
    unit: str
    code: str
    password: str
    accounts: list[DemoAccount]
    already_loaded: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def account_lines(self) -> list[str]:
        """The account table as aligned text lines (Chinese characters counted as two columns)."""
        rows = [("用户名", "角色", "人员", "授权范围")] + [
            (a.username, a.role_label, a.person or "—", a.scope) for a in self.accounts
        ]
        widths = [max(_width(r[i]) for r in rows) for i in range(3)]
        return ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(r[:3])) + "  " + r[3] for r in rows]


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _scope(node: str) -> str:
    if not node:
        return f"{data.UNIT['name']}（全院）"
    parent = next((d.parent for d in data.DEPARTMENTS if d.name == node), "")
    return f"{parent} / {node}" if parent else node


def _accounts() -> list[DemoAccount]:
    return [
        DemoAccount(a.username, a.role, source_text(Role(a.role).label), _scope(a.node), a.person)
        for a in data.ACCOUNTS
    ]


def demo_accounts() -> list[tuple[str, str, str]]:
    """(username, role label, scope) of every demo login; they all use `DEMO_PASSWORD`."""
    return [(a.username, a.role_label, a.scope) for a in _accounts()]


def _summary(already_loaded: bool, counts: dict[str, int] | None = None) -> DemoSummary:
    return DemoSummary(
        unit=data.UNIT["name"],
        code=data.UNIT["code"],
        password=DEMO_PASSWORD,
        accounts=_accounts(),
        already_loaded=already_loaded,
        counts=counts or {},
    )


def _default_start(index: int) -> date:
    # Spread over 2015-2023, always on the first of a month: fixed, varied, and before the liaison dates.
    return date(2015 + (index * 5) % 9, (index * 7) % 12 + 1, 1)


def load_demo(stdout: Writer | None = None) -> DemoSummary:
    """Create the demo college with its organisation, leadership, liaisons, one login per role and its
    power catalog and risk register (two yearly cycles)."""
    code = data.UNIT["code"]
    if Unit.objects.filter(code=code).exists():
        if stdout is not None:
            stdout.write(f"演示单位“{data.UNIT['name']}”（{code}）已存在，未重复载入。")
        return _summary(already_loaded=True)
    taken = sorted(
        User.objects.filter(username__in=[a.username for a in data.ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    if taken:
        raise ServiceError(f"用户名 {'、'.join(taken)} 已被占用，无法载入演示数据")
    with transaction.atomic():
        counts = _Loader(stdout).run()
    return _summary(already_loaded=False, counts=counts)


class _Loader:
    def __init__(self, stdout: Writer | None):
        self.actor = system_actor("演示数据")
        self.stdout = stdout
        self.roster = data.roster()
        self.depts: dict[str, Department] = {}
        self.posts: dict[tuple[str, str], Post] = {}
        self.persons: dict[str, Person] = {}

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)

    def run(self) -> dict[str, int]:
        u = data.UNIT
        self.unit = org.create_unit(
            self.actor, name=u["name"], code=u["code"], kind=u["kind"], short_name=u["short_name"]
        )
        self.create_departments()
        self.create_posts()
        self.create_persons()
        self.create_assignments()
        self.create_leadership()
        self.create_liaisons()
        self.create_accounts()
        counts = {
            "departments": Department.objects.filter(unit=self.unit).count(),
            "posts": Post.objects.filter(department__unit=self.unit).count(),
            "persons": Person.objects.filter(unit=self.unit).count(),
            "assignments": PostAssignment.objects.filter(post__department__unit=self.unit).count(),
            "accounts": len(data.ACCOUNTS),
        }
        self.say(
            "已载入：{departments} 个部门（含科室），{posts} 个岗位，{persons} 名人员，"
            "{assignments} 条任职记录，{accounts} 个演示账号。".format(**counts)
        )
        counts.update(load_catalog(self.actor, self.unit, self.say))
        counts["calendar_years"] = load_calendar_demo(self.actor)["created"]
        counts.update(load_register(self.actor, self.unit, self.say))
        counts.update(load_portal_demo(self.actor, self.unit))
        counts.update(load_supervision_demo(self.actor, self.unit))
        counts.update(load_complaints_demo(self.unit))
        self.say(
            "已公示 {publications} 项（职权、流程图、风险点），收到公示意见 {feedback} 条；"
            "{sheets_handed_in} 张排查表已进入审核；"
            "电子监察模拟办件 {supervision_cases} 件（事件 {supervision_events} 条，"
            "告警 {supervision_alerts} 条）。".format(**counts)
        )
        return counts

    def create_departments(self) -> None:
        for order, spec in enumerate(data.DEPARTMENTS):
            parent = self.depts[spec.parent] if spec.parent else None
            self.depts[spec.name] = org.create_department(
                self.actor,
                unit=self.unit,
                name=spec.name,
                parent=parent,
                kind=spec.kind,
                duties=spec.duties,
                sort_order=order * 10,
                code=f"D{order + 1:02d}",
            )

    def create_posts(self) -> None:
        for spec in data.POSTS:
            self.posts[(spec.dept, spec.name)] = org.create_post(
                self.actor,
                department=self.depts[spec.dept],
                name=spec.name,
                duties=spec.duties,
                level=spec.level,
                headcount=spec.headcount or max(1, len(spec.holders)),
                flags=spec.flags,
            )

    def _home(self) -> dict[str, tuple[str, str]]:
        """Each person's department and 职务: from their current post, else their last past one."""
        home: dict[str, tuple[str, str]] = {}
        for past in data.HISTORY:
            home[past.person] = (past.dept, self._title(past.dept, past.post))
        for name, dept in data.UNASSIGNED:
            home[name] = (dept, "")
        for spec in data.POSTS:
            for name in spec.holders:
                home[name] = (spec.dept, self._title(spec.dept, spec.name))
        for leader in data.LEADERSHIP:
            home[leader.person] = (data.LEADERS, leader.title)
        return home

    @staticmethod
    def _title(dept: str, post: str) -> str:
        return f"{dept}{post}" if post in {"处长", "副处长", "主任", "副主任", "科长", "馆长"} else post

    def create_persons(self) -> None:
        home = self._home()
        for name in self.roster.names:
            dept, title = home[name]
            self.persons[name] = org.create_person(
                self.actor,
                unit=self.unit,
                name=name,
                staff_no=self.roster.staff_no(name),
                department=self.depts[dept],
                title=title,
            )

    def create_assignments(self) -> None:
        leader_start = {leader.person: leader.start for leader in data.LEADERSHIP}
        for past in data.HISTORY:
            org.assign_post(
                self.actor,
                person=self.persons[past.person],
                post=self.posts[(past.dept, past.post)],
                start_date=past.start,
                end_date=past.end,
                note=past.note,
            )
        for spec in data.POSTS:
            predecessors = sorted(p.end for p in data.HISTORY if (p.dept, p.post) == (spec.dept, spec.name))
            for k, name in enumerate(spec.holders):
                start = leader_start.get(name) or _default_start(self.roster.names.index(name))
                own = [p.end for p in data.HISTORY if p.person == name]
                after = ([predecessors[k]] if k < len(predecessors) else []) + own
                if after:
                    start = max(after) + timedelta(days=1)
                org.assign_post(
                    self.actor,
                    person=self.persons[name],
                    post=self.posts[(spec.dept, spec.name)],
                    start_date=start,
                )
        for past in data.HISTORY:
            if past.retire:
                org.retire_person(self.actor, self.persons[past.person], on=past.end)

    def create_leadership(self) -> None:
        for leader in data.LEADERSHIP:
            org.create_leadership(
                self.actor,
                unit=self.unit,
                person=self.persons[leader.person],
                kind=leader.kind,
                title=leader.title,
                start_date=leader.start,
                departments=self._depts(leader.departments),
            )

    def _depts(self, names: Iterable[str]) -> list[Department]:
        return [self.depts[n] for n in names]

    def create_liaisons(self) -> None:
        for dept, name in data.LIAISONS.items():
            org.designate_liaison(
                self.actor,
                department=self.depts[dept],
                person=self.persons[name],
                start_date=data.LIAISON_START,
            )

    def create_accounts(self) -> None:
        for account in data.ACCOUNTS:
            person = self.persons[account.person] if account.person else None
            user = account_services.create_user(
                self.actor,
                username=account.username,
                password=DEMO_PASSWORD,
                person=person,
                display_name=account.display_name,
                scope_unit=None if person else self.unit,
            )
            if account.node:
                account_services.grant_role(
                    self.actor, user=user, role=account.role, department=self.depts[account.node]
                )
            else:
                account_services.grant_role(self.actor, user=user, role=account.role, unit=self.unit)
