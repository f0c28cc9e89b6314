"""The browser tests' chromium (Debian's, through Playwright), one per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, sync_playwright

from .support import CHROMIUM


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls happen before it starts.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is needed: apt-get install chromium (scripts/test.sh does it)"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        # Inside Playwright's event loop Django keeps separate connections; close them here, or they
        # outlive the test and PostgreSQL refuses to drop the test database.
        connections.close_all()
        browser.close()
