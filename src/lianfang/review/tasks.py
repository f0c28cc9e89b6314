"""Background tasks of the review app (django_tasks); the worker enqueues them from core/jobs.py."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from .reminders import run_job


@task()
def send_review_reminders() -> dict[str, int]:
    """Daily: reminders before and after the phase deadlines, and for sheets waiting at a review stage."""
    return run_job(timezone.localdate())
