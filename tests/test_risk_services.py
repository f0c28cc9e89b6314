"""The risk register's services: one validation, the one-to-one rule, post holders on their own sheet only,
measures with evidence, and Chinese full-text search."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from lianfang.accounts.models import Role
from lianfang.core.errors import PermissionDeniedError, ServiceError
from lianfang.org import services as org_services
from lianfang.risks import selectors
from lianfang.risks.models import Manifestation, RiskPoint, RiskStatus
from lianfang.risks.selectors import RegisterFilter
from lianfang.risks.services import (
    MeasureData,
    add_evidence,
    add_measure,
    evidence_intact,
    update_risk,
)
from lianfang.risks.vocabulary import MeasureCategory, SubjectKind
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, PersonFactory, make_cycle, user_with_role
from tests.risk_factories import dept_risk_data, hand_in, make_risk, post_risk_data


def test_risk_validation_lists_every_problem(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    data = post_risk_data(org.other_post, name=" ", risk_type="bad", causes=["nonsense"])
    data.subject_kind = SubjectKind.POST
    with pytest.raises(ServiceError) as err:
        make_risk(cycle, data)
    assert set(err.value.field_errors) == {"post", "name", "risk_type", "causes"}
    assert RiskPoint.objects.count() == 0


def test_codes_are_numbered_and_manifestations_are_records(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    first = make_risk(cycle, post_risk_data(org.cashier))
    second = make_risk(cycle, dept_risk_data(org.finance))
    assert (first.code, second.code) == ("R-0001", "R-0002")
    assert first.path == org.cashier.department.path and first.department == org.finance_office
    assert list(first.manifestations.values_list("text", flat=True)) == ["票据审核不严", "违规报销"]
    update_risk(SYSTEM, first, post_risk_data(org.cashier, manifestations=["只剩一种"]))
    assert list(Manifestation.objects.filter(risk=first).values_list("text", flat=True)) == ["只剩一种"]


def test_submission_needs_a_measure_a_manifestation_and_a_level(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post_risk_data(org.cashier))
    with pytest.raises(ServiceError) as err:
        hand_in(risk)
    assert "没有防控措施" in str(err.value) and "尚未评定风险等级" in str(err.value)
    add_measure(SYSTEM, risk, MeasureData(category=MeasureCategory.RULES, text="建立台帐"))
    RiskPoint.objects.filter(pk=risk.pk).update(level="low")  # grading is tested on its own
    risk.refresh_from_db()
    hand_in(risk)
    risk.refresh_from_db()
    assert risk.status == RiskStatus.SUBMITTED
    with pytest.raises(ServiceError, match="不能修改"):
        update_risk(SYSTEM, risk, post_risk_data(org.cashier, name="改名"))


def test_post_holders_write_only_their_own_posts_sheet(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    other_post = org_services.create_post(SYSTEM, department=org.finance_office, name="会计")
    person = PersonFactory(department=org.finance_office, unit=org.college)
    org_services.assign_post(SYSTEM, person=person, post=org.cashier, start_date=dt.date(2025, 1, 1))
    user = user_with_role(Role.POST_HOLDER, org.finance)
    user.person = person
    user.save(update_fields=["person"])
    holder = actor_of(user)
    own = make_risk(cycle, post_risk_data(org.cashier), actor=holder)
    assert own.post == org.cashier
    with pytest.raises(PermissionDeniedError, match="本人所在岗位"):
        make_risk(cycle, post_risk_data(other_post), actor=holder)
    with pytest.raises(PermissionDeniedError):
        make_risk(cycle, dept_risk_data(org.finance_office), actor=holder)
    theirs = make_risk(cycle, post_risk_data(other_post, name="别人的风险"))
    with pytest.raises(PermissionDeniedError):
        update_risk(holder, theirs, post_risk_data(other_post, name="改别人的"))
    # A department head writes anything in the department, posts included.
    head = actor_of(user_with_role(Role.DEPT_HEAD, org.finance))
    update_risk(head, theirs, post_risk_data(other_post, name="部门负责人修改"))
    make_risk(cycle, dept_risk_data(org.finance_office), actor=head)
    with pytest.raises(PermissionDeniedError):
        make_risk(cycle, dept_risk_data(org.academic), actor=head)


def test_evidence_is_stored_with_its_sha256(org: TwoUnits, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post_risk_data(org.cashier), measure=True)
    measure = risk.measures.get()
    evidence = add_evidence(SYSTEM, measure, name="台帐照片.jpg", content=b"\x89PNG fake image bytes")
    assert evidence.sha256 == hashlib.sha256(b"\x89PNG fake image bytes").hexdigest()
    assert evidence_intact(evidence)
    with open(evidence.file.path, "ab") as fh:
        fh.write(b"tampered")
    assert not evidence_intact(evidence)
    with pytest.raises(ServiceError):
        add_evidence(SYSTEM, measure, name="空文件.txt", content=b"")


def test_chinese_full_text_search_finds_words_in_manifestations_and_measures(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    hit = make_risk(cycle, post_risk_data(org.cashier, manifestations=["利用职务便利接受贿赂"]), measure=True)
    make_risk(cycle, dept_risk_data(org.finance, name="预算编制不科学", manifestations=["预算脱离实际"]))
    system_view = selectors.register(SYSTEM, cycle, RegisterFilter(q="台帐"))
    assert list(system_view) == [hit]
    assert list(selectors.register(SYSTEM, cycle, RegisterFilter(q="贿赂 职务"))) == [hit]
    assert list(selectors.register(SYSTEM, cycle, RegisterFilter(q="贿赂 预算"))) == []


def test_holding_a_post_means_today_not_merely_an_open_record(org: TwoUnits) -> None:
    """A fixed term still running counts; a term that has not begun yet does not."""
    cycle = make_cycle(org.college)
    later_post = org_services.create_post(SYSTEM, department=org.finance_office, name="会计")
    person = PersonFactory(department=org.finance_office, unit=org.college)
    today = dt.date.today()
    org_services.assign_post(
        SYSTEM, person=person, post=org.cashier, start_date=today - dt.timedelta(days=30)
    )
    assignment = person.assignments.get(post=org.cashier)
    org_services.end_assignment(SYSTEM, assignment, today + dt.timedelta(days=60))
    org_services.assign_post(SYSTEM, person=person, post=later_post, start_date=today + dt.timedelta(days=30))
    user = user_with_role(Role.POST_HOLDER, org.finance)
    user.person = person
    user.save(update_fields=["person"])
    holder = actor_of(user)
    assert make_risk(cycle, post_risk_data(org.cashier), actor=holder).post == org.cashier
    with pytest.raises(PermissionDeniedError):
        make_risk(cycle, post_risk_data(later_post), actor=holder)
