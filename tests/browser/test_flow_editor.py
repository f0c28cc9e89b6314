"""A department liaison draws a flowchart in the browser: creates it, adds and fills three steps, links a
loop back, and sees the diagram and the analysis follow every save (Debian's chromium through Playwright)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from lianfang.accounts.models import Role
from tests.browser.support import ARTIFACTS, sign_in
from tests.conftest import TwoUnits
from tests.factories import make_cycle, user_with_role


@pytest.fixture
def liaison(org: TwoUnits) -> str:
    # Data is made before the browser starts, outside Playwright's event loop.
    make_cycle(org.college, 2026)
    user_with_role(Role.LIAISON, org.academic, username="lianluoyuan")
    return "lianluoyuan"


def card(page: Page, n: int) -> Locator:
    return page.locator(f"#step-card-{n}")


def fill_step(page: Page, n: int, name: str, kind: str, limit: str, supervision: str = "") -> None:
    step = card(page, n)
    step.get_by_label("环节名称").fill(name)
    step.get_by_label("环节类别").select_option(label=kind)
    step.get_by_label("办理时限").fill(limit)
    if supervision:
        step.get_by_label("监督渠道").fill(supervision)
    step.get_by_role("button", name="保存环节").click()
    # The card comes back from the server, saved, with its new name in its head.
    expect(card(page, n).locator(".saved-note")).to_be_visible()
    expect(card(page, n).locator(".step-card__name")).to_have_text(name)


@pytest.mark.browser
def test_liaison_draws_a_flow_in_the_editor(
    live_server: object, org: TwoUnits, liaison: str, browser: Browser
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    sign_in(page, base, liaison)

    page.locator(".side-nav").get_by_role("link", name="流程图").click()
    expect(page.locator("h1")).to_contain_text("权力运行流程图")
    page.get_by_role("link", name="新建流程图").click()
    page.get_by_label("流程名称").fill("学生转专业审批")
    page.get_by_label("法定时限", exact=True).fill("20")
    page.get_by_role("button", name="保存").click()

    expect(page.locator("h1")).to_contain_text("编辑流程图：学生转专业审批")
    diagram = page.locator("#flow-diagram")
    analysis = page.locator("#flow-analysis")
    expect(diagram).to_contain_text("尚无环节")

    page.get_by_role("button", name="+ 添加环节").click()
    expect(card(page, 0)).to_be_visible()
    expect(card(page, 0).get_by_text("开始", exact=True)).to_be_visible()  # the first step is the start
    expect(analysis).to_contain_text("环节“新环节”未规定办理时限")  # the analysis followed the new step
    fill_step(page, 0, "受理申请", "受理", "2", supervision="教务处公示")
    expect(diagram.locator("svg")).to_contain_text("受理申请")

    page.get_by_role("button", name="+ 添加环节").click()
    expect(card(page, 1)).to_be_visible()
    fill_step(page, 1, "审核材料", "审核", "5")
    page.get_by_role("button", name="+ 添加环节").click()
    expect(card(page, 2)).to_be_visible()
    fill_step(page, 2, "作出决定", "决定", "3", supervision="纪委监督")

    # Added after one another, the steps are linked in order; a loop back is linked by hand.
    expect(card(page, 0).locator(".link-rows")).to_contain_text("审核材料")
    expect(card(page, 1).locator(".link-rows")).to_contain_text("作出决定")
    links = card(page, 1).locator(".link-form")
    links.get_by_label("下一环节").select_option(label="S1 受理申请")
    links.get_by_label("条件").fill("材料不全")
    links.get_by_role("button", name="连接").click()
    expect(card(page, 1).locator(".link-rows")).to_contain_text("材料不全")

    svg = diagram.locator("svg")
    for name in ("受理申请", "审核材料", "作出决定", "材料不全"):
        expect(svg).to_contain_text(name)
    expect(analysis).not_to_contain_text("未规定办理时限")

    # The analysis follows: 审核材料 has no supervision; once it has one, the finding is gone.
    expect(analysis).to_contain_text("环节“审核材料”没有监督渠道")
    page.get_by_label("在图上标出分析发现").check()
    expect(svg.locator("[data-for-step]").first).to_be_attached()
    expect(diagram).to_contain_text("监督制约缺失")
    card(page, 1).get_by_label("监督渠道").fill("分管领导复核")
    card(page, 1).get_by_role("button", name="保存环节").click()
    expect(analysis).not_to_contain_text("环节“审核材料”没有监督渠道")
    expect(diagram).not_to_contain_text("监督制约缺失")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "flow-editor.png"), full_page=True)

    page.get_by_role("link", name="完成编辑").click()
    expect(page.locator("h1")).to_contain_text("学生转专业审批")
    expect(page.locator(".steps-table")).to_contain_text("作出决定")
    assert not [e for e in console_errors if "Content Security Policy" in e or "Refused" in e], console_errors
    assert not console_errors, console_errors
