"""The demo college: loaded through the services, complete enough to show every part of the system."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from lianfang.accounts.models import Role, RoleGrant, User
from lianfang.audit.models import AuditEntry
from lianfang.audit.selectors import verify_chain
from lianfang.core import demo_data
from lianfang.core.demo import DEMO_PASSWORD, DemoSummary, demo_accounts, load_demo
from lianfang.org.models import (
    Department,
    LeadershipKind,
    LeadershipRole,
    Liaison,
    Person,
    Post,
    PostAssignment,
    Status,
    Unit,
)

pytestmark = pytest.mark.django_db


def test_demo_loads_completely() -> None:
    """One load, every check on it. (How long it takes is measured by hand, not asserted: a timed test
    fails on a busy machine and proves nothing on an idle one.)"""
    demo = load_demo()
    assert not demo.already_loaded
    check_organisation(demo)
    check_key_posts()
    check_leadership_and_liaisons()
    check_tenure_history()
    check_accounts_log_in(demo)
    check_audited_deterministic_and_loads_once()


def check_organisation(demo: DemoSummary) -> None:
    unit = Unit.objects.get(code=demo.code)
    assert unit.kind == "college" and unit.parent is None
    assert Unit.objects.count() == 1
    top = Department.objects.filter(unit=unit, parent=None)
    functional = top.exclude(name=demo_data.LEADERS)
    assert functional.count() == 12
    assert top.get(name="纪委办公室（监察处）").kind == "supervision"
    assert Department.objects.filter(unit=unit, parent__isnull=False).count() >= 5  # 科室
    assert Post.objects.filter(department__unit=unit).count() >= 55
    assert Person.objects.filter(unit=unit).count() >= 75
    assert demo.counts["posts"] >= 55 and demo.counts["persons"] >= 75
    assert set(Post.objects.values_list("level", flat=True)) == {"leader", "middle", "general"}
    assert all(p.duties for p in Post.objects.all())


def check_key_posts() -> None:
    cashier = Post.objects.get(department__name="会计核算科", name="出纳")
    assert cashier.key_flag_labels == ["管财"]
    works = Post.objects.get(department__name="基建处", name="工程管理")
    assert works.manages_assets and works.manages_approval
    assert Post.objects.get(department__name="招生就业处", name="招生录取").manages_approval
    assert Post.objects.filter(manages_enforcement=True, department__kind="supervision").exists()
    assert Post.objects.filter(manages_people=True).exists()


def check_leadership_and_liaisons() -> None:
    head = LeadershipRole.objects.get(kind=LeadershipKind.HEAD, end_date__isnull=True)
    assert head.departments.count() == 0  # 一把手不直接分管
    deputies = LeadershipRole.objects.filter(kind=LeadershipKind.DEPUTY, departments__isnull=False).distinct()
    assert deputies.count() >= 3
    finance = Department.objects.get(name="财务处")
    assert finance.overseen_by.get().title == "副院长"
    assert LeadershipRole.objects.get(kind=LeadershipKind.SUPERVISION).departments.get().kind == "supervision"
    for dept in Department.objects.filter(parent=None):
        assert Liaison.objects.filter(department=dept, end_date__isnull=True).count() == 1, dept.name


def check_tenure_history() -> None:
    ended = PostAssignment.objects.filter(end_date__isnull=False)
    assert ended.count() >= 5
    assert Person.objects.filter(status=Status.RETIRED).count() >= 2
    cashiers = PostAssignment.objects.filter(post__name="出纳").order_by("start_date")
    assert [a.end_date is None for a in cashiers] == [False, True]
    assert cashiers[1].start_date > cashiers[0].end_date
    # Every open seat is within the post's headcount.
    for post in Post.objects.all():
        assert post.assignments.filter(end_date__isnull=True).count() <= post.headcount, post


def check_accounts_log_in(demo: DemoSummary) -> None:
    assert {a.role for a in demo.accounts} == set(Role.values)
    assert [a[0] for a in demo_accounts()] == [a.username for a in demo.accounts]
    request = RequestFactory().post("/accounts/login/")
    for account in demo.accounts:
        user = authenticate(request, username=account.username, password=DEMO_PASSWORD)
        assert isinstance(user, User), account.username
        grant = RoleGrant.objects.get(user=user, revoked_at__isnull=True)
        assert grant.role == account.role
    assert RoleGrant.objects.get(user__username="caiwu_head").department.name == "财务处"
    assert RoleGrant.objects.get(user__username="caiwu_liaison").department.name == "财务处"
    assert RoleGrant.objects.get(user__username="admin").unit is not None
    assert User.objects.get(username="staff").person.name == "苏婷婷"


def check_audited_deterministic_and_loads_once() -> None:
    assert verify_chain().ok
    entries = AuditEntry.objects.count()
    names = sorted(Person.objects.values_list("staff_no", "name"))
    again = load_demo()
    assert again.already_loaded
    assert AuditEntry.objects.count() == entries
    assert sorted(Person.objects.values_list("staff_no", "name")) == names
    assert names[0] == ("QL0001", "周振邦")


def test_demo_is_fictional() -> None:
    assert demo_data.UNIT["code"] != "DHVTC"
    text = repr([demo_data.UNIT, demo_data.DEPARTMENTS, demo_data.POSTS, demo_data.LEADERSHIP])
    for real in ("东湖", "福州", "林承超"):
        assert real not in text
    assert len(demo_data.roster().names) == len(set(demo_data.roster().names))


def test_load_demo_command_prints_accounts() -> None:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in ("admin", "security", "auditor", "jiwei", "leader", "caiwu_head", "caiwu_liaison"):
        assert username in text
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "已存在" in out.getvalue()
