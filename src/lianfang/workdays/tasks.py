"""Background tasks of the calendar (django_tasks); the worker enqueues them from core/jobs.py."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .alerts import check_coverage


@task()
def check_calendar_coverage() -> dict[str, object]:
    """Daily: alert administrators when this year's calendar (or, from 1 November, next year's) is missing."""
    return check_coverage(timezone.localdate())
