"""A post's risk sheet goes the whole chain in the browser, each move by the person it belongs to:
the post holder (自己找, asks colleagues, hands in), the department head (sends it back with reasons,
then passes it), the 分管 deputy, the supervising office (组织审), the unit head (集体定), and the office
publishes it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser, Page, expect

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role
from lianfang.org import services as org_services
from lianfang.org.models import LeadershipKind
from lianfang.review.models import RiskSheet, SheetStage
from lianfang.review.services.sheets import open_sheet
from lianfang.risks.services import MeasureData, add_measure, assess
from lianfang.risks.vocabulary import MeasureCategory
from tests.browser.support import ARTIFACTS, sign_in
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, UserFactory, leader_user, make_cycle, user_with_role
from tests.risk_factories import make_risk, post_risk_data

DAY = dt.date(2024, 1, 1)


def _person_user(org: TwoUnits, username: str, name: str) -> object:
    person = org_services.create_person(SYSTEM, unit=org.college, name=name, staff_no=username)
    return UserFactory(person=person, username=username)


@pytest.fixture
def sheet_id(org: TwoUnits) -> int:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post_risk_data(org.cashier, name="挪用公款"))
    add_measure(SYSTEM, risk, MeasureData(category=MeasureCategory.STRUCTURE, text="钱账分管，定期盘点现金"))
    assess(SYSTEM, risk, {"probability": "high", "harm": "minor"})
    holder = _person_user(org, "chuna", "出纳员")
    org_services.assign_post(SYSTEM, person=holder.person, post=org.cashier, start_date=DAY)  # type: ignore[attr-defined]
    account_services.grant_role(SYSTEM, user=holder, role=Role.POST_HOLDER, department=org.finance)
    user_with_role(Role.DEPT_HEAD, org.finance, username="caiwuchu")
    user_with_role(Role.SUPERVISOR, org.college, username="jiwei")
    for username, kind, over in (
        ("fuyuanzhang", LeadershipKind.DEPUTY, [org.finance]),
        ("yuanzhang", LeadershipKind.HEAD, []),
    ):
        leader_user(
            org.college,
            kind,
            over,
            name=username,
            staff_no=username,
            username=username,
            title=username,
            start=DAY,
        )
    return open_sheet(SYSTEM, cycle, "post", post=org.cashier).pk


def _as(chromium: Browser, base: str, username: str) -> Page:
    return sign_in(chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN"), base, username)


def _press(page: Page, button: str, stage: str, comment: str = "") -> None:
    if comment:
        page.locator("#sheet-comment").fill(comment)
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".page-head h1")).to_contain_text(stage)


@pytest.mark.browser
def test_a_sheet_goes_the_whole_chain_with_different_people(
    live_server: object,
    org: TwoUnits,
    sheet_id: int,
    browser: Browser,
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    url = f"{base}/review/sheets/{sheet_id}/"

    author = _as(browser, base, "chuna")
    author.goto(url)
    expect(author.locator(".chain__step--current")).to_contain_text("自己找")
    _press(author, "征求同事意见", "同事点")
    # 同事点: a colleague's remark on the sheet, answered and resolved by the author.
    colleague = _as(browser, base, "caiwuchu")
    colleague.goto(url)
    colleague.get_by_role("textbox", name="发表评论（同事点、领导提、审核意见）").fill("现金盘点环节也有风险")
    colleague.get_by_role("button", name="发表评论").click()
    expect(colleague.locator(".comment-thread, .comments").first).to_contain_text("现金盘点环节也有风险")
    author.reload()
    expect(author.get_by_text("现金盘点环节也有风险")).to_be_visible()
    author.get_by_role("button", name="标记为已解决").click()
    expect(author.locator(".comment-thread--resolved")).to_contain_text("已解决")
    _press(author, "提交审核", "待部门负责人审核")
    expect(author.get_by_role("button", name="审核通过")).to_have_count(0)

    head = _as(browser, base, "caiwuchu")
    head.get_by_role("link", name="出纳岗位廉政风险排查表").first.click()  # from 待我处理 on the home page
    head.get_by_role("button", name="退回").click()
    expect(head.locator(".messages, .message").first).to_contain_text("退回时必须写明理由")
    _press(head, "退回", "已退回", "未查找票据保管环节的风险")

    author.goto(url)
    expect(author.locator("#sheet-history")).to_contain_text("未查找票据保管环节的风险")
    _press(author, "提交审核", "待部门负责人审核")

    head.goto(url)
    _press(head, "审核通过", "待分管领导审核")
    deputy = _as(browser, base, "fuyuanzhang")
    deputy.goto(url)
    _press(deputy, "审核通过", "待组织审核", "同意")
    office = _as(browser, base, "jiwei")
    office.goto(url)
    _press(office, "审核通过", "待领导班子审定")
    chief = _as(browser, base, "yuanzhang")
    chief.goto(url)
    expect(chief.get_by_role("button", name="公示")).to_have_count(0)
    _press(chief, "审定通过", "已审定待公示", "班子会议审定")
    office.goto(url)
    _press(office, "公示", "已公示")
    expect(office.locator(".chain__step--done")).to_have_count(7)
    history = office.locator("#sheet-history")
    expect(history).to_contain_text("未查找票据保管环节的风险")
    expect(history).to_contain_text("班子会议审定")
    ARTIFACTS.mkdir(exist_ok=True)
    office.screenshot(path=str(ARTIFACTS / "sheet-published.png"), full_page=True)

    sheet = RiskSheet.objects.get(pk=sheet_id)
    assert sheet.stage == SheetStage.PUBLISHED and sheet.events.count() == 9
