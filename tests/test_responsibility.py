"""分级负责: responsibility derived from the level and the organisation, for each level and subject, with
clear errors where the organisation lacks a fact, and the list of risks a person answers for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from lianfang.accounts.models import Role
from lianfang.org import services as org_services
from lianfang.org.models import Department, Person, Post, Unit
from lianfang.risks.models import RiskPoint
from lianfang.risks.responsibility import (
    DIRECT,
    MANAGER_DEPT_HEAD,
    MANAGER_DEPUTY,
    MANAGER_HEAD,
    SUPERVISOR_CHECK,
    SUPERVISOR_FULL,
    SUPERVISOR_KEY,
    Party,
    ResponsibilityError,
    responsibility_for,
    risks_for_person,
)
from lianfang.risks.services import RiskData
from lianfang.risks.vocabulary import SubjectKind
from tests.conftest import TwoUnits, actor_of
from tests.factories import (
    SYSTEM,
    AssignmentFactory,
    DepartmentFactory,
    PersonFactory,
    PostFactory,
    make_cycle,
    user_with_role,
)
from tests.risk_factories import dept_risk_data, make_risk, post_risk_data

START = dt.date(2024, 1, 1)


@dataclass
class College:
    org: TwoUnits
    cycle: object
    head: Person  # 党委书记, 主要领导
    deputy: Person  # 副院长, 分管财务处 (and so 核算科 below it)
    discipline: Person  # 纪委书记
    office: Department  # 纪委办公室 (supervision)
    office_head: Person
    finance_head: Person  # 财务处处长
    finance_deputy: Person  # 财务处副处长 (a 中层 post too, but not the head)
    cashier: Person  # 出纳 in 核算科, which has no head post of its own


def _person(dept: Department, name: str, title: str = "") -> Person:
    return PersonFactory(department=dept, unit=dept.unit, name=name, title=title)


def _hold(post: Post, person: Person) -> None:
    AssignmentFactory(post=post, person=person, start_date=START)


def _leader(unit: Unit, person: Person, kind: str, title: str, *depts: Department) -> None:
    org_services.create_leadership(
        SYSTEM, unit=unit, person=person, kind=kind, title=title, start_date=START, departments=depts
    )


@pytest.fixture
def college(org: TwoUnits) -> College:
    leaders = DepartmentFactory(unit=org.college, name="院领导", kind="other")
    office = DepartmentFactory(unit=org.college, name="纪委办公室", kind="supervision")
    head, deputy = _person(leaders, "周振邦"), _person(leaders, "吴海峰")
    discipline = _person(leaders, "冯正清")
    _leader(org.college, head, "head", "党委书记")
    _leader(org.college, deputy, "deputy", "副院长", org.finance)
    _leader(org.college, discipline, "supervision", "纪委书记", office)
    office_head = _person(office, "郑监察")
    _hold(PostFactory(department=office, name="主任", level="middle"), office_head)
    finance_head, finance_deputy = _person(org.finance, "钱处长"), _person(org.finance, "孙副处长")
    # The 副处长 post is made first: the head post is told by its name, not by its age.
    _hold(PostFactory(department=org.finance, name="副处长", level="middle"), finance_deputy)
    _hold(PostFactory(department=org.finance, name="处长", level="middle"), finance_head)
    cashier = _person(org.finance_office, "李出纳")
    _hold(org.cashier, cashier)
    return College(
        org=org,
        cycle=make_cycle(org.college),
        head=head,
        deputy=deputy,
        discipline=discipline,
        office=office,
        office_head=office_head,
        finance_head=finance_head,
        finance_deputy=finance_deputy,
        cashier=cashier,
    )


def _risk(c: College, data: RiskData, level: str) -> RiskPoint:
    risk = make_risk(c.cycle, data)
    RiskPoint.objects.filter(pk=risk.pk).update(level=level)  # grading is tested on its own
    risk.refresh_from_db()
    return risk


def _unit_risk(c: College, level: str, name: str = "“三重一大”事项未集体决策") -> RiskPoint:
    data = RiskData(subject_kind=SubjectKind.UNIT, name=name, manifestations=["个人说了算"])
    return _risk(c, data, level)


def _who(party: Party) -> tuple[str, str, str]:
    return (party.role, party.name, party.department_name)


# --- 高 ----------------------------------------------------------------------------------------------


def test_high_post_risk(college: College) -> None:
    r = responsibility_for(_risk(college, post_risk_data(college.org.cashier), "high"))
    assert r.level == "high"
    assert (r.manager.role, r.manager.person_id, r.manager.name, r.manager.title) == (
        MANAGER_HEAD,
        college.head.pk,
        "周振邦",
        "党委书记",
    )
    assert [_who(p) for p in r.supervisors] == [
        (SUPERVISOR_FULL, "冯正清", ""),
        (SUPERVISOR_FULL, "郑监察", "纪委办公室"),
    ]
    assert [(p.role, p.person_id) for p in r.direct] == [(DIRECT, college.cashier.pk)]
    assert r.control_line == "分管领导（高风险上提一级，常规为部门负责人）"
    assert r.explanation == (
        "风险等级为高：由主要领导（党委书记 周振邦）负责管理。",
        "纪委书记 冯正清、纪委办公室（纪委办公室主任 郑监察）对防控全过程进行监督。",
        "管控层级上提一级：常规由部门负责人管控，本风险由分管领导管控。",
        "岗位人员（李出纳）对本岗位的风险负直接责任。",
    )


def test_high_department_risk_raises_the_line_from_the_deputy_to_the_head(college: College) -> None:
    r = responsibility_for(_risk(college, dept_risk_data(college.org.finance), "high"))
    assert r.manager.person_id == college.head.pk
    assert r.control_line == "主要领导（高风险上提一级，常规为分管领导）"
    assert r.direct == ()


def test_high_unit_risk(college: College) -> None:
    r = responsibility_for(_unit_risk(college, "high"))
    assert (r.manager.role, r.manager.person_id) == (MANAGER_HEAD, college.head.pk)
    assert r.control_line == "领导班子集体研究（高风险上提一级，常规为主要领导）"
    assert [_who(p) for p in r.supervisors] == [
        (SUPERVISOR_FULL, "冯正清", ""),
        (SUPERVISOR_FULL, "郑监察", "纪委办公室"),
    ]


def test_high_without_a_head_is_a_clear_error(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, dept_risk_data(org.finance))
    RiskPoint.objects.filter(pk=risk.pk).update(level="high")
    risk.refresh_from_db()
    with pytest.raises(ResponsibilityError) as err:
        responsibility_for(risk)
    assert err.value.message == "单位“某职业学院”尚未设置主要领导，无法确定高风险的管理责任人"


# --- 中 ----------------------------------------------------------------------------------------------


def test_medium_post_risk_in_a_nested_department_goes_to_the_parents_deputy(college: College) -> None:
    r = responsibility_for(_risk(college, post_risk_data(college.org.cashier), "medium"))
    assert (r.manager.role, r.manager.person_id, r.manager.title) == (
        MANAGER_DEPUTY,
        college.deputy.pk,
        "副院长",
    )
    # 核算科 has no head post: it supervises as an office, with nobody named.
    assert [_who(p) for p in r.supervisors] == [
        (SUPERVISOR_KEY, "冯正清", ""),
        (SUPERVISOR_KEY, "", "核算科"),
    ]
    assert [p.name for p in r.direct] == ["李出纳"]
    assert r.control_line == "部门负责人（常规管控层级）"
    assert r.explanation[0] == "风险等级为中：由分管领导（副院长 吴海峰）负责管理。"


def test_medium_department_risk(college: College) -> None:
    r = responsibility_for(_risk(college, dept_risk_data(college.org.finance), "medium"))
    assert r.manager.person_id == college.deputy.pk
    assert [_who(p) for p in r.supervisors] == [
        (SUPERVISOR_KEY, "冯正清", ""),
        (SUPERVISOR_KEY, "钱处长", "财务处"),
    ]
    assert r.control_line == "分管领导（常规管控层级）"
    assert r.direct == ()


def test_medium_unit_risk_is_the_heads(college: College) -> None:
    r = responsibility_for(_unit_risk(college, "medium"))
    assert (r.manager.role, r.manager.person_id) == (MANAGER_HEAD, college.head.pk)
    assert [_who(p) for p in r.supervisors] == [(SUPERVISOR_KEY, "冯正清", "")]
    assert r.control_line == "主要领导（常规管控层级）"
    assert r.explanation[0] == "单位（领导班子）的风险由主要领导（党委书记 周振邦）负责管理。"


def test_medium_without_a_deputy_names_the_department(college: College) -> None:
    risk = _risk(college, post_risk_data(college.org.teacher, name="调课审批不严"), "medium")
    with pytest.raises(ResponsibilityError) as err:
        responsibility_for(risk)
    assert err.value.message == "部门“教务处”尚未设置分管领导，无法确定中风险的管理责任人"


def test_the_nearest_overseen_department_wins(college: College) -> None:
    other = _person(college.org.finance, "赵副院长")
    _leader(college.org.college, other, "deputy", "副院长", college.org.finance_office)
    on_office = responsibility_for(_risk(college, post_risk_data(college.org.cashier), "medium"))
    on_finance = responsibility_for(_risk(college, dept_risk_data(college.org.finance), "medium"))
    assert (on_office.manager.name, on_finance.manager.name) == ("赵副院长", "吴海峰")


def test_the_discipline_secretary_oversees_the_supervision_office(college: College) -> None:
    r = responsibility_for(_risk(college, dept_risk_data(college.office, name="线索处置不规范"), "medium"))
    assert (r.manager.role, r.manager.name) == (MANAGER_DEPUTY, "冯正清")


# --- 低 ----------------------------------------------------------------------------------------------


def test_low_department_risk_is_the_heads_not_the_deputy_heads(college: College) -> None:
    r = responsibility_for(_risk(college, dept_risk_data(college.org.finance), "low"))
    assert (r.manager.role, r.manager.person_id, r.manager.title) == (
        MANAGER_DEPT_HEAD,
        college.finance_head.pk,
        "财务处处长",
    )
    assert [_who(p) for p in r.supervisors] == [
        (SUPERVISOR_CHECK, "郑监察", "纪委办公室"),
        (SUPERVISOR_CHECK, "钱处长", "财务处"),
    ]
    assert r.control_line == "分管领导（常规管控层级）"
    assert r.explanation[0] == "风险等级为低：由部门负责人（财务处处长 钱处长）负责管理。"


def test_low_post_risk_in_a_section_without_a_head_climbs_to_the_parent(college: College) -> None:
    r = responsibility_for(_risk(college, post_risk_data(college.org.cashier), "low"))
    assert (r.manager.role, r.manager.person_id) == (MANAGER_DEPT_HEAD, college.finance_head.pk)
    assert r.explanation[0] == (
        "风险等级为低：由部门负责人（财务处处长 钱处长）负责管理"
        "（“核算科”未设负责人，由上级部门“财务处”负责人负责）。"
    )
    assert [p.person_id for p in r.direct] == [college.cashier.pk]
    assert r.control_line == "部门负责人（常规管控层级）"


def test_a_vacant_head_post_leaves_the_deputy_presiding(college: College) -> None:
    head_post = Post.objects.get(department=college.org.finance, name="处长")
    assignment = head_post.assignments.get()
    org_services.end_assignment(SYSTEM, assignment, dt.date(2025, 1, 1))
    r = responsibility_for(_risk(college, dept_risk_data(college.org.finance), "low"))
    assert r.manager.name == "孙副处长"


def test_low_without_any_head_is_a_clear_error(college: College) -> None:
    risk = _risk(college, dept_risk_data(college.org.academic, name="教材征订"), "low")
    with pytest.raises(ResponsibilityError) as err:
        responsibility_for(risk)
    assert err.value.message == "部门“教务处”尚未设置负责人（中层岗位无人在任），无法确定低风险的管理责任人"


def test_low_unit_risk(college: College) -> None:
    r = responsibility_for(_unit_risk(college, "low"))
    assert r.manager.person_id == college.head.pk
    assert [_who(p) for p in r.supervisors] == [(SUPERVISOR_CHECK, "郑监察", "纪委办公室")]


def test_a_leadership_posts_risk_is_managed_by_the_head(college: College) -> None:
    post = PostFactory(department=college.org.finance, name="总会计师", level="leader")
    _hold(post, college.deputy)
    r = responsibility_for(_risk(college, post_risk_data(post), "medium"))
    assert (r.manager.role, r.manager.name) == (MANAGER_HEAD, "周振邦")
    assert [p.name for p in r.direct] == ["吴海峰"]
    assert r.explanation[0] == "领导岗位的风险由主要领导（党委书记 周振邦）负责管理。"


def test_ungraded_and_unsupervised_are_clear_errors(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, dept_risk_data(org.finance))
    with pytest.raises(ResponsibilityError) as err:
        responsibility_for(risk)
    assert err.value.message == "风险点“采购需求不合理”尚未评定风险等级，责任随等级确定"
    head = PersonFactory(department=org.finance, unit=org.college, name="一把手")
    _leader(org.college, head, "head", "院长")
    RiskPoint.objects.filter(pk=risk.pk).update(level="high")
    risk.refresh_from_db()
    with pytest.raises(ResponsibilityError) as err:
        responsibility_for(risk)
    assert (
        err.value.message == "单位“某职业学院”尚未设置纪检监察负责人或纪检监察机构，无法确定高风险的监督责任"
    )


# --- a person's risks ---------------------------------------------------------------------------------


@pytest.fixture
def register(college: College) -> dict[str, RiskPoint]:
    c, o = college, college.org
    return {
        "cashier_high": _risk(c, post_risk_data(o.cashier, name="挪用公款"), "high"),
        "cashier_low": _risk(c, post_risk_data(o.cashier, name="票据审核不严"), "low"),
        "cashier_ungraded": make_risk(c.cycle, post_risk_data(o.cashier, name="未评定")),
        "finance_medium": _risk(c, dept_risk_data(o.finance, name="预算执行不严"), "medium"),
        "finance_low": _risk(c, dept_risk_data(o.finance, name="档案管理"), "low"),
        "teacher_medium": _risk(c, post_risk_data(o.teacher, name="调课"), "medium"),  # no 分管: error
        "unit_low": _unit_risk(c, "low", "议事规则不完善"),
    }


def _names(pairs: list[tuple[RiskPoint, str]]) -> list[tuple[str, str]]:
    return [(risk.name, role) for risk, role in pairs]


def test_risks_for_person_in_every_capacity(college: College, register: dict[str, RiskPoint]) -> None:
    got = risks_for_person(SYSTEM, college.cashier)
    assert sorted(_names(got)) == sorted([("挪用公款", DIRECT), ("票据审核不严", DIRECT), ("未评定", DIRECT)])
    got = risks_for_person(SYSTEM, college.finance_head)
    assert sorted(_names(got)) == sorted(
        [
            ("票据审核不严", MANAGER_DEPT_HEAD),
            ("预算执行不严", SUPERVISOR_KEY),
            ("档案管理", f"{MANAGER_DEPT_HEAD}、{SUPERVISOR_CHECK}"),
        ]
    )
    assert sorted(_names(risks_for_person(SYSTEM, college.deputy))) == [("预算执行不严", MANAGER_DEPUTY)]
    assert sorted(_names(risks_for_person(SYSTEM, college.head))) == sorted(
        [("挪用公款", MANAGER_HEAD), ("议事规则不完善", MANAGER_HEAD)]
    )
    assert sorted(_names(risks_for_person(SYSTEM, college.discipline))) == sorted(
        [("挪用公款", SUPERVISOR_FULL), ("预算执行不严", SUPERVISOR_KEY)]
    )
    assert sorted(_names(risks_for_person(SYSTEM, college.office_head))) == sorted(
        [
            ("挪用公款", SUPERVISOR_FULL),
            ("票据审核不严", SUPERVISOR_CHECK),
            ("档案管理", SUPERVISOR_CHECK),
            ("议事规则不完善", SUPERVISOR_CHECK),
        ]
    )
    assert risks_for_person(SYSTEM, college.finance_deputy) == []


def test_risks_for_person_stay_in_the_actors_scope(college: College, register: dict[str, RiskPoint]) -> None:
    academic_head = actor_of(user_with_role(Role.DEPT_HEAD, college.org.academic))
    assert risks_for_person(academic_head, college.head) == []
    finance_head = actor_of(user_with_role(Role.DEPT_HEAD, college.org.finance))
    assert sorted(_names(risks_for_person(finance_head, college.head))) == [("挪用公款", MANAGER_HEAD)]


def test_risks_for_person_use_the_latest_cycle(college: College, register: dict[str, RiskPoint]) -> None:
    make_cycle(college.org.college, 2027)
    assert risks_for_person(SYSTEM, college.cashier) == []


def test_person_page_lists_their_risks(college: College, register: dict[str, RiskPoint]) -> None:
    client = Client()
    client.force_login(user_with_role(Role.SUPERVISOR, college.org.college))
    html = client.get(f"/org/persons/{college.finance_head.pk}/").content.decode()
    assert "负责的廉政风险点" in html
    for name in ("票据审核不严", "预算执行不严", "档案管理"):
        assert name in html
    assert "挪用公款" not in html
    quiet = client.get(f"/org/persons/{college.finance_deputy.pk}/").content.decode()
    assert "负责的廉政风险点" in quiet and "目前不负责任何风险点" in quiet
