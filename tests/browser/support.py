"""What the browser tests share besides the `browser` fixture (conftest.py): Debian's chromium, the folder
screenshots go to, and signing in through the login form."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("LIANFANG_TEST_ARTIFACTS", "test-artifacts"))


def sign_in(page: Page, base: str, username: str) -> Page:
    """Sign in through the login form (every test user has the same password) and land on the home page."""
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1")).to_contain_text("您好")
    return page
