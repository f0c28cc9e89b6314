"""Filing a complaint and following it with the receipt, in the browser (Debian's chromium through
Playwright): a member of the public files a named complaint with an attachment, gets the receipt, follows
it; the supervising office reveals the filer (audited) and concludes it with a reply; the filer sees it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from lianfang.accounts.models import Role
from tests.browser.support import sign_in
from tests.conftest import TwoUnits
from tests.factories import user_with_role


@pytest.fixture
def office(org: TwoUnits, settings: Any, tmp_path: Path) -> str:
    settings.COMPLAINT_KEY_FILE = tmp_path / "keys" / "complaints.key"
    settings.MEDIA_ROOT = tmp_path / "media"
    user_with_role(Role.SUPERVISOR, org.college, username="jiwei")
    return "jiwei"


@pytest.mark.browser
def test_filing_a_complaint_and_following_it_with_the_receipt(
    live_server: object, org: TwoUnits, office: str, browser: Browser, tmp_path: Path
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    evidence = tmp_path / "凭证.pdf"
    evidence.write_bytes(b"%PDF-1.4 evidence")
    public = browser.new_page(viewport={"width": 1300, "height": 1000}, locale="zh-CN")
    errors: list[str] = []
    public.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # The public form, no login: pick the unit, then a post of it (drawn by htmx).
    public.goto(f"{base}/complaints/new/")
    expect(public.locator("h1")).to_contain_text("举报箱")
    public.select_option("select[name=unit]", label=org.college.name)
    public.get_by_label("岗位").first.wait_for()
    public.check("input[name=target_kind][value=post]")
    expect(public.locator("select[name=post]")).to_be_visible()
    expect(public.locator("select[name=power]")).to_be_hidden()
    public.select_option("select[name=post]", label="核算科 · 出纳")
    public.select_option("select[name=category]", value="bribery")
    public.fill("input[name=title]", "出纳办理退费时索要好处费")
    public.fill("textarea[name=body]", "三月份办理学费退费时，出纳要求另付两百元才给办理。")
    public.fill("input[name=name]", "欧阳澄溪")
    public.fill("input[name=phone]", "13987654321")
    public.set_input_files("input[name=attachments]", str(evidence))
    expect(public.locator("input[name=website]")).not_to_be_in_viewport()
    public.get_by_role("button", name="提交举报").click()

    expect(public.locator("h1")).to_contain_text("举报回执")
    code = public.locator("#receipt-code").inner_text().strip()
    secret = public.locator("#receipt-secret").inner_text().strip()
    assert code.startswith("JB-") and len(secret) == 14

    # Following it: received, no reply yet.
    public.get_by_role("link", name="查询办理情况").click()
    public.fill("input[name=receipt_code]", code)
    public.fill("input[name=secret]", secret)
    public.get_by_role("button", name="查询").click()
    expect(public.locator("#follow-status")).to_have_text("已受理")
    expect(public.locator("#follow-reply")).to_have_text("暂无答复")

    # The supervising office: the queue, the masked identity, the audited reveal, the reply.
    staff = sign_in(browser.new_page(viewport={"width": 1300, "height": 1000}, locale="zh-CN"), base, office)
    staff.goto(f"{base}/complaints/")
    staff.get_by_role("link", name=code).click()
    expect(staff.locator("#identity")).not_to_contain_text("欧阳澄溪")
    expect(staff.get_by_role("link", name="凭证.pdf")).to_be_visible()
    staff.once("dialog", lambda dialog: dialog.accept())
    staff.get_by_role("button", name="查看举报人信息").click()
    expect(staff.locator("#identity-name")).to_have_text("欧阳澄溪")
    expect(staff.locator("#identity")).to_contain_text("已记入审计日志")
    staff.select_option("select[name=status]", value="concluded")
    staff.fill("textarea[name=reply]", "经核查，情况属实，已责令退还并给予处分。")
    staff.get_by_role("button", name="保存办理状态").click()
    expect(staff.locator(".messages")).to_contain_text("已办结")

    # The filer sees the reply (the code stays in the form; the secret is typed again).
    expect(public.locator("input[name=receipt_code]")).to_have_value(code)
    public.fill("input[name=secret]", secret)
    public.get_by_role("button", name="查询").click()
    expect(public.locator("#follow-status")).to_have_text("已办结")
    expect(public.locator("#follow-reply")).to_have_text("经核查，情况属实，已责令退还并给予处分。")
    assert errors == []
