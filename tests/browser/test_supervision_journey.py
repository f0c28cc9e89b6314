"""Electronic supervision in the browser (Debian's chromium through Playwright): a business system sends a
case that skips a step; the supervising office finds the yellow card on the board and in the alert list,
sees the case's path drawn on its flowchart, and issues the card; the department head appeals it; the office
upholds the appeal from the appeal queue, and the card is revoked."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from lianfang.supervision.models import Alert, AlertState, AppealState, Rule
from lianfang.workdays.services import seed_from_chinesecalendar
from tests.browser.support import ARTIFACTS, sign_in
from tests.conftest import TwoUnits
from tests.factories import SYSTEM
from tests.supervision.support import token_client
from tests.supervision.test_alerts import World, build_world


@pytest.fixture
def world(org: TwoUnits, settings: Any) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    seed_from_chinesecalendar(SYSTEM, [2025, 2026])
    return build_world(org)


def _as(browser: Browser, base: str, username: str, errors: list[str]) -> Page:
    page = browser.new_page(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return sign_in(page, base, username)


@pytest.mark.browser
def test_a_skipped_step_from_intake_to_a_revoked_card(
    live_server: object, world: World, browser: Browser
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    errors: list[str] = []

    # The business system: 受理 (S1) by the cashier, then straight to 决定 (S3), skipping 审核 (S2).
    system = token_client(world.org.college, ["supervision:write"])
    staff_no = world.holder.person.staff_no  # type: ignore[union-attr]
    sent = system.post(
        "/api/supervision/events/batch",
        {
            "events": [
                {"case_id": "WEB-7", "power_code": world.power.code, "activity": "S1",
                 "timestamp": "2026-03-02T09:00:00+08:00", "resource": staff_no, "title": "差旅费报销"},
                {"case_id": "WEB-7", "power_code": world.power.code, "activity": "S3",
                 "timestamp": "2026-03-03T10:00:00+08:00", "completes": True},
            ]
        },
        content_type="application/json",
    )  # fmt: skip
    assert sent.status_code == 200 and sent.json()["stored"] == 2, sent.content
    card = Alert.objects.get(case__external_id="WEB-7", rule=Rule.SKIPPED_STEP)
    assert card.state == AlertState.PENDING and card.step_code == "S3"

    # The office: the board counts the pending card; the alert list links the case.
    office = _as(browser, base, world.users["supervisor"].username, errors)
    office.goto(f"{base}/supervision/")
    expect(office.locator("h1")).to_contain_text("电子监察")
    row = office.locator(f"tr[data-alert='{card.pk}']")
    office.goto(f"{base}/supervision/alerts/")
    expect(row).to_contain_text("WEB-7")
    expect(row).to_contain_text("待发")

    # The case page: the timeline and the path drawn on the flowchart (S1 and S3 walked, S2 not).
    row.get_by_role("link", name="WEB-7").click()
    expect(office.locator("h1")).to_contain_text("WEB-7")
    expect(office.locator("#timeline tbody tr")).to_have_count(2)
    expect(office.locator("#case-path svg")).to_be_visible()
    office.screenshot(path=str(ARTIFACTS / "supervision-case.png"), full_page=True)

    # Issue the card from the alert page.
    office.get_by_role("link", name="跳过环节").first.click()
    office.get_by_role("button", name="发出").click()
    expect(office.locator(".sv-state--issued").first).to_contain_text("已发")
    card.refresh_from_db()
    assert card.state == AlertState.ISSUED

    # The department head appeals with a reason.
    head = _as(browser, base, world.users["office_head"].username, errors)
    head.goto(f"{base}/supervision/alerts/{card.pk}/")
    head.fill("#appeal-reason", "审核环节在纸质流程中已完成，系统未同步。")
    head.get_by_role("button", name="提交申诉").click()
    expect(head.locator("body")).to_contain_text("审核环节在纸质流程中已完成")
    card.refresh_from_db()
    assert card.appeal_state == AppealState.APPEALED

    # The office decides from the appeal queue: upheld, so the card is revoked.
    office.goto(f"{base}/supervision/appeals/")
    expect(office.locator("body")).to_contain_text("WEB-7")
    office.locator("input[name=decision][value=upheld]").check()
    office.get_by_role("button", name="提交决定").click()
    card.refresh_from_db()
    assert (card.appeal_state, card.state) == (AppealState.UPHELD, AlertState.WITHDRAWN)
    office.goto(f"{base}/supervision/alerts/{card.pk}/")
    expect(office.locator("body")).to_contain_text("撤销")
    assert errors == []
