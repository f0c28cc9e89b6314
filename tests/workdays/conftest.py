from __future__ import annotations

from collections.abc import Iterator

import pytest

from lianfang.workdays.selectors import forget_cached_calendar


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """Each test's database starts over (rolled back), so the process cache must too."""
    forget_cached_calendar()
    yield
    forget_cached_calendar()
