"""The public portal on a phone-sized window (390×844): browse the catalog, open a power with its diagram,
submit a comment — no horizontal scrolling on any page, no console errors (CSP refusals show up there)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, Page, expect

from lianfang.portal.models import Feedback
from tests.browser.support import ARTIFACTS
from tests.portal.conftest import Portal, portal  # noqa: F401 (the fixture)


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    cache.clear()
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    yield context.new_page()
    context.close()


def no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, (page.url, width, inner)


@pytest.mark.browser
def test_the_public_portal_on_a_phone_sized_window(live_server: object, portal: Portal, phone: Page) -> None:  # noqa: F811
    base = str(live_server.url)  # type: ignore[attr-defined]
    errors: list[str] = []
    phone.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    phone.goto(f"{base}/public/")
    expect(phone.locator("h1")).to_have_text("公开公示")
    no_horizontal_scroll(phone)
    phone.get_by_role("link", name="某职业学院").click()
    expect(phone.locator("h1")).to_contain_text("职权目录")
    expect(phone.locator(".pt-dept h2").first).to_have_text("核算科")
    no_horizontal_scroll(phone)

    phone.get_by_label("搜索职权").fill("退费")
    phone.get_by_role("button", name="搜索").click()
    expect(phone.locator(".pt-meta").first).to_contain_text("1 项")
    no_horizontal_scroll(phone)

    phone.get_by_role("link", name="学费退费审批").click()
    expect(phone.locator("h1")).to_contain_text("学费退费审批")
    diagram = phone.locator(".pt-diagram svg")
    expect(diagram).to_be_visible()
    expect(diagram.locator("g.step")).to_have_count(3)
    box = diagram.bounding_box()
    assert box is not None and box["width"] <= 390
    expect(phone.locator(".pt-steps")).to_contain_text("纪委监督电话")
    expect(phone.locator(".pt-hp input")).not_to_be_in_viewport()
    no_horizontal_scroll(phone)
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "portal-power-phone.png"), full_page=True)

    phone.get_by_label("意见内容").fill("建议在网上公布退费进度")
    phone.get_by_role("button", name="提交意见").click()
    expect(phone.get_by_role("status")).to_contain_text("已收到您的意见")
    no_horizontal_scroll(phone)
    assert Feedback.objects.filter(text="建议在网上公布退费进度").count() == 1

    phone.goto(f"{base}/public/COLLEGE/flows/FX/")
    expect(phone.locator("h1")).to_contain_text("学费退费流程")
    no_horizontal_scroll(phone)
    assert errors == []
