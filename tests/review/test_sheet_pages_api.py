"""The sheet pages and the sheet API: what each person sees and may press, refusals in Chinese, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role, User
from lianfang.cycles.models import Cycle
from lianfang.org import services as org_services
from lianfang.review.models import RiskSheet, SheetStage
from lianfang.risks.models import RiskPoint
from lianfang.risks.services import MeasureData, add_measure, assess
from lianfang.risks.vocabulary import MeasureCategory
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, UserFactory, make_cycle, user_with_role
from tests.risk_factories import make_risk, post_risk_data

LOW = {"probability": "low", "harm": "minor"}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    return make_cycle(org.college)


@pytest.fixture
def risk(cycle: Cycle, org: TwoUnits) -> RiskPoint:
    return make_risk(cycle, post_risk_data(org.cashier, name="违规审批报销"))


@pytest.fixture
def holder(org: TwoUnits) -> User:
    person = org_services.create_person(SYSTEM, unit=org.college, name="出纳员", staff_no="H1")
    org_services.assign_post(SYSTEM, person=person, post=org.cashier, start_date=dt.date(2024, 1, 1))
    user: User = UserFactory(person=person)  # type: ignore[assignment]
    account_services.grant_role(SYSTEM, user=user, role=Role.POST_HOLDER, department=org.finance)
    return user


def test_a_risk_leads_to_its_sheet_and_the_author_hands_it_in(
    org: TwoUnits, risk: RiskPoint, holder: User
) -> None:
    client = _client(holder)
    response = client.get(reverse("review:sheet_of_risk", args=[risk.pk]))
    sheet = RiskSheet.objects.get(post=org.cashier)
    assert response.status_code == 302 and response["Location"] == reverse("review:sheet", args=[sheet.pk])
    page = client.get(response["Location"]).content.decode()
    assert "出纳岗位廉政风险排查表" in page and 'value="open_comments"' in page and 'value="pass"' not in page
    assert "没有防控措施（每个风险点至少要有一条措施，一对一）" in page  # what is missing, before handing in
    move_url = reverse("review:sheet_move", args=[sheet.pk])
    assert client.post(move_url, {"action": "open_comments"}).status_code == 302
    refused = client.post(move_url, {"action": "submit"}, follow=True)
    assert "还不能提交" in refused.content.decode()
    add_measure(SYSTEM, risk, MeasureData(category=MeasureCategory.RULES, text="建立报销台帐"))
    assess(SYSTEM, risk, LOW)
    done = client.post(move_url, {"action": "submit"}, follow=True)
    assert "待部门负责人审核" in done.content.decode()
    sheet.refresh_from_db()
    assert sheet.stage == SheetStage.DEPT_REVIEW
    # The department head finds it waiting, on the list and on the home page.
    head = _client(user_with_role(Role.DEPT_HEAD, org.finance))
    assert "出纳岗位廉政风险排查表" in head.get(reverse("review:sheets")).content.decode()
    assert "待我处理的排查表" in head.get(reverse("core:home")).content.decode()
    refused = head.post(move_url, {"action": "return", "comment": " "}, follow=True)
    assert "退回时必须写明理由" in refused.content.decode()
    head.post(move_url, {"action": "return", "comment": "风险点查找不全"})
    page = client.get(reverse("review:sheet", args=[sheet.pk])).content.decode()
    assert "风险点查找不全" in page and "已被退回" in page


def test_pages_outside_the_scope_are_not_found(org: TwoUnits, risk: RiskPoint) -> None:
    head = _client(user_with_role(Role.DEPT_HEAD, org.finance))
    head.get(reverse("review:sheet_of_risk", args=[risk.pk]))
    sheet = RiskSheet.objects.get(post=org.cashier)
    other = _client(user_with_role(Role.DEPT_HEAD, org.academic))
    assert other.get(reverse("review:sheet", args=[sheet.pk])).status_code == 404
    assert other.post(reverse("review:sheet_move", args=[sheet.pk]), {"action": "pass"}).status_code == 404
    assert other.get(reverse("review:sheet_of_risk", args=[risk.pk])).status_code == 404
    assert (
        _client(user_with_role(Role.SYSADMIN, org.college)).get(reverse("review:sheets")).status_code == 403
    )


def test_the_api_opens_reads_and_moves_sheets(org: TwoUnits, cycle: Cycle, risk: RiskPoint) -> None:
    add_measure(SYSTEM, risk, MeasureData(category=MeasureCategory.RULES, text="建立报销台帐"))
    assess(SYSTEM, risk, LOW)
    head = _client(user_with_role(Role.DEPT_HEAD, org.finance))
    opened = head.post(
        "/api/review/sheets",
        {"cycle_id": cycle.pk, "subject_kind": "post", "post_id": org.cashier.pk},
        content_type="application/json",
    )
    assert opened.status_code == 200, opened.content
    body = opened.json()
    assert body["stage"] == "draft" and body["allowed_moves"] == ["open_comments"]
    assert [r["code"] for r in body["risks"]] == [risk.code]
    url = f"/api/review/sheets/{body['id']}/moves"
    head.post(url, {"action": "open_comments"}, content_type="application/json")
    moved = head.post(url, {"action": "submit"}, content_type="application/json").json()
    assert moved["stage"] == "dept_review" and "pass" in moved["allowed_moves"]
    refused = head.post(url, {"action": "return"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["errors"]["comment"]
    back = head.post(url, {"action": "return", "comment": "请补充"}, content_type="application/json").json()
    assert back["stage"] == "returned" and back["events"][-1]["comment"] == "请补充"
    listed = head.get(f"/api/review/sheets?cycle_id={cycle.pk}").json()
    assert [s["id"] for s in listed] == [body["id"]]
    deputy = _client(user_with_role(Role.UNIT_LEADER, org.college))  # no 分管 departments
    forbidden = deputy.post(url, {"action": "submit"}, content_type="application/json")
    assert forbidden.status_code == 403 and "提交" in forbidden.json()["detail"]
    outsider = _client(user_with_role(Role.SUPERVISOR, org.other))
    assert outsider.get(f"/api/review/sheets/{body['id']}").status_code == 404
