"""The review app's pages: sheets along their chains (urls_sheets) and comments, phases, the progress board
and notifications (urls_progress)."""

from __future__ import annotations

from . import urls_progress, urls_sheets

app_name = "review"

urlpatterns = [*urls_sheets.urlpatterns, *urls_progress.urlpatterns]
