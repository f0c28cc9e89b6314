"""The one place where periodic jobs are declared, and the scheduler the worker runs to enqueue them.

A job is due when `every` has passed since it was last enqueued. The claim happens under a row lock in
one transaction, so several workers never enqueue the same run twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from .models import PeriodicJobState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task_path: str  # "module.attribute" of a django_tasks task
    description: str

    def task(self) -> Any:
        from django.utils.module_loading import import_string

        return import_string(self.task_path)


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        "verify_audit_chain",
        timedelta(days=1),
        "lianfang.core.tasks.verify_audit_chain",
        "每日校验审计日志哈希链",
    ),
    PeriodicJob(
        "review_reminders",
        timedelta(days=1),
        "lianfang.review.tasks.send_review_reminders",
        "每日发送排查表期限提醒（到期前、逾期后、待审核）",
    ),
    PeriodicJob(
        "supervision_reevaluate",
        timedelta(hours=1),
        "lianfang.supervision.tasks.reevaluate_open_cases",
        "每小时重新检查办理中的监察案件（时限临近与超期无需新事件即可发现）",
    ),
    PeriodicJob(
        "check_calendar_coverage",
        timedelta(days=1),
        "lianfang.workdays.tasks.check_calendar_coverage",
        "每日检查工作日历是否已维护本年度及（11月起）下一年度，未维护时提醒系统管理员和纪检监察机构",
    ),
)


def claim_due(job: PeriodicJob, now: datetime) -> bool:
    """Mark the job enqueued if it is due. True when this caller won the claim."""
    with transaction.atomic():
        state, _ = PeriodicJobState.objects.select_for_update().get_or_create(name=job.name)
        if state.last_enqueued_at is not None and now - state.last_enqueued_at < job.every:
            return False
        state.last_enqueued_at = now
        state.save(update_fields=["last_enqueued_at"])
        return True


def enqueue_due_jobs(now: datetime | None = None, jobs: tuple[PeriodicJob, ...] = PERIODIC_JOBS) -> list[str]:
    now = now or timezone.now()
    enqueued = []
    for job in jobs:
        if claim_due(job, now):
            job.task().enqueue()
            enqueued.append(job.name)
    return enqueued


def run_scheduler(
    stop: threading.Event, interval: float = 30.0, on_enqueue: Callable[[list[str]], None] | None = None
) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            names = enqueue_due_jobs()
            if names and on_enqueue:
                on_enqueue(names)
        except Exception:  # keep the scheduler alive through a passing database error
            logger.exception("periodic job scheduling failed")
        stop.wait(interval)
