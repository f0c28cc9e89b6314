"""A department head fills in a risk point in the browser: two manifestations, the factor selects with the
derived level appearing as they pick, a measure from the form, and the submission (Debian's chromium through
Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from lianfang.accounts.models import Role
from lianfang.risks.models import MeasureTemplate
from tests.browser.support import ARTIFACTS, sign_in
from tests.conftest import TwoUnits
from tests.factories import make_cycle, user_with_role


@pytest.fixture
def head(org: TwoUnits) -> str:
    # Data is made before the browser starts, outside Playwright's event loop.
    make_cycle(org.college, 2026)
    MeasureTemplate.objects.create(category="structure", text="实行管审分离，报销审核与审批由不同人员办理")
    user_with_role(Role.DEPT_HEAD, org.finance, username="caiwuchu")
    return "caiwuchu"


@pytest.mark.browser
def test_department_head_registers_grades_and_hands_in_a_risk_point(
    live_server: object, org: TwoUnits, head: str, browser: Browser
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, base, head)

    page.locator(".side-nav").get_by_role("link", name="风险点").click()
    expect(page.locator("h1")).to_contain_text("廉政风险点")
    expect(page.locator("#register-results")).to_contain_text("共 0 个风险点")
    page.get_by_role("link", name="登记风险点").click()
    expect(page.locator("h1")).to_contain_text("登记风险点")

    # A post risk point: the department chosen redraws its posts.
    page.get_by_label("个人岗位").check()
    with page.expect_response("**/risks/post-field/**"):
        page.get_by_label("所属部门").select_option(label="财务处 › 核算科")
    page.get_by_label("岗位", exact=True).select_option(label="出纳（核算科）")
    page.get_by_label("职责").fill("办理现金收付和银行结算")
    page.get_by_label("廉政风险点").fill("挪用公款")
    rows = page.locator(".manifestation-row textarea")
    rows.nth(0).fill("收款不入账，私存私放")
    page.get_by_role("button", name="添加一条表现形式").click()
    expect(rows).to_have_count(2)
    rows.nth(1).fill("利用支票挪用资金")
    page.get_by_label("个人自律").check()
    page.get_by_role("button", name="保存").click()

    expect(page.locator("h1")).to_contain_text("挪用公款")
    expect(page.locator(".manifestations li")).to_have_count(2)
    expect(page.locator(".manifestations")).to_contain_text("利用支票挪用资金")

    # Grading: the level appears as the factors are picked; it is never typed.
    preview = page.locator("#grade-preview")
    expect(preview).to_contain_text("选择发生机率、危害程度后")
    grading = page.locator("#grade-form")
    grading.get_by_label("发生机率").select_option(label="较高")
    expect(preview).to_contain_text("选择危害程度后")
    grading.get_by_label("危害程度").select_option(label="一般（在部门或岗位内部很快能解决）")
    expect(preview.locator(".derived-level")).to_have_attribute("data-level", "medium")
    expect(preview.locator(".derived-level .level")).to_have_text("中")
    grading.get_by_label("自由裁量权大小").select_option(label="大")
    expect(preview.locator(".derived-level")).to_have_attribute("data-level", "high")
    expect(preview).to_contain_text("自由裁量权大小：大")
    grading.get_by_role("button", name="评定等级").click()
    expect(page.locator(".messages, .message").first).to_contain_text("风险等级已评定为“高”")
    expect(page.locator("h1 .level")).to_have_text("高")

    # Handing the sheet in before there is a measure is refused (one-to-one).
    page.get_by_role("link", name="所在排查表").click()
    expect(page.locator("h1")).to_contain_text("出纳岗位廉政风险排查表")
    page.get_by_role("button", name="征求同事意见").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".messages, .message").first).to_contain_text(
        "没有防控措施（每个风险点至少要有一条措施，一对一）"
    )
    page.locator("#sheet-risks").get_by_role("link").first.click()

    # A measure, its text taken from the library.
    page.get_by_text("+ 添加防控措施").click()
    form = page.locator("form.measure-form")
    form.get_by_text("从措施库选择").click()
    form.get_by_role("button", name="选用").click()
    expect(form.get_by_label("防控措施")).to_have_value("实行管审分离，报销审核与审批由不同人员办理")
    expect(form.get_by_label("措施类别")).to_have_value("structure")
    form.get_by_label("责任人（文字）").fill("财务处处长")
    form.get_by_label("完成时限").fill("2026-06-30")
    form.get_by_role("button", name="添加措施").click()
    expect(page.locator(".measure-card")).to_have_count(1)
    expect(page.locator(".measure-card")).to_contain_text("实行管审分离")
    expect(page.locator(".measure-card")).to_contain_text("2026-06-30")

    page.get_by_role("link", name="所在排查表").click()
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator(".page-head h1")).to_contain_text("待部门负责人审核")
    expect(page.get_by_role("button", name="提交审核")).to_have_count(0)
    page.locator("#sheet-risks").get_by_role("link").first.click()
    expect(page.locator(".page-head h1")).to_contain_text("已提交")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "risk-detail.png"), full_page=True)

    page.locator(".side-nav").get_by_role("link", name="风险点").click()
    table = page.locator("#register-results")
    expect(table).to_contain_text("挪用公款")
    expect(table.locator(".level")).to_have_text("高")
    page.get_by_label("搜索").fill("支票")
    expect(table).to_contain_text("共 1 个风险点")
    page.get_by_label("搜索").fill("招生")
    expect(table).to_contain_text("共 0 个风险点")
    page.screenshot(path=str(ARTIFACTS / "risk-register.png"), full_page=True)
    assert not console_errors, console_errors
