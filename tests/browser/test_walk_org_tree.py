"""A person logs in with Debian's chromium and walks the organisation tree (htmx expansion included)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.support import ARTIFACTS
from tests.conftest import TwoUnits
from tests.factories import PASSWORD, AssignmentFactory, user_with_role


@pytest.fixture
def holder_name(org: TwoUnits) -> str:
    # Data is made before the browser starts, outside Playwright's event loop.
    user_with_role("supervisor", org.college, username="jiwei")
    return str(AssignmentFactory(post=org.cashier).person.name)


@pytest.mark.browser
def test_login_and_walk_the_tree(
    live_server: object, org: TwoUnits, holder_name: str, browser: Browser
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]

    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/")
    page.fill("input[name=username]", "jiwei")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.get_by_role("link", name="组织机构").first.click()
    tree = page.locator(".tree")
    expect(tree.get_by_role("link", name="某职业学院")).to_be_visible()
    expect(tree.get_by_role("link", name="另一单位")).to_have_count(0)  # outside the grant
    expect(tree.get_by_role("link", name="某市纪委监委")).to_have_count(0)  # above the grant

    def expand(name: str) -> None:
        link = tree.get_by_role("link", name=name, exact=True)
        link.locator("xpath=ancestor::summary[1]").locator(".tree-toggle").click()

    expand("财务处")
    expect(tree.get_by_role("link", name="核算科")).to_be_visible()  # loaded by htmx on expanding
    expand("核算科")
    expect(tree.get_by_role("link", name="出纳")).to_be_visible()

    tree.get_by_role("link", name="出纳").click()
    expect(page.locator("h1")).to_contain_text("出纳")
    expect(page.get_by_text(holder_name).first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "post-detail.png"), full_page=True)
    assert not [e for e in console_errors if "Content Security Policy" in e or "Refused" in e], console_errors
