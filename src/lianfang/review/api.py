"""The review app's API: sheets (api_sheets); comments, phases, progress and notifications (api_progress)."""

from __future__ import annotations

from ninja import Router

from . import api_progress, api_sheets

router = Router(tags=["审核与进度"])
router.add_router("", api_sheets.router)
router.add_router("", api_progress.router)
