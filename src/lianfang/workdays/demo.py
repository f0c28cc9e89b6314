"""Demo data: the calendar for 2024–2026 from chinesecalendar (the lead's `load_demo` calls this)."""

from __future__ import annotations

from lianfang.core.actor import Actor

from .services import seed_from_chinesecalendar

DEMO_YEARS = (2024, 2025, 2026)


def load_calendar_demo(actor: Actor) -> dict[str, int]:
    return seed_from_chinesecalendar(actor, DEMO_YEARS)
