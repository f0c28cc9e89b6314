"""Background tasks of electronic supervision (django_tasks); the worker enqueues them from core/jobs.py."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from lianfang.core.actor import system_actor


@task()
def reevaluate_open_cases() -> dict[str, int]:
    """Deadlines come due without any new event: check every open case again (预警, 黄牌, 红牌)."""
    from .services.evaluate import evaluate_open_cases

    done = evaluate_open_cases(system_actor("电子监察定时检查"))
    return {
        "cases": done.cases,
        "created": done.created,
        "dropped": done.dropped,
        "missing_calendar": done.missing_calendar,
    }


@task()
def evaluate_pending_cases() -> dict[str, int]:
    """Queued evaluation: every case with events newer than its last check, in one run of the rules."""
    from .services.evaluate import evaluate_pending

    done = evaluate_pending(system_actor("电子监察"))
    return {"cases": done.cases, "created": done.created, "dropped": done.dropped}


def enqueue_evaluation() -> None:
    """Queue one evaluation run unless one is already waiting: a run takes every case with new events, so a
    second waiting run would find nothing (and each queued row is a write the senders would wait for).

    The run is set to start SUPERVISION_GATHER_SECONDS later (where the task backend can defer), so that the
    events of that time are checked together: back-to-back runs of a few cases each kept a core busy with
    the rule query's fixed cost and slowed the senders down."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    path = evaluate_pending_cases.module_path
    waiting = DBTaskResult.objects.filter(task_path=path, status=TaskResultStatus.READY).exists()
    if waiting:
        return
    gather = settings.SUPERVISION_GATHER_SECONDS
    if gather > 0 and evaluate_pending_cases.get_backend().supports_defer:
        evaluate_pending_cases.using(run_after=timezone.now() + timedelta(seconds=gather)).enqueue()
    else:
        evaluate_pending_cases.enqueue()
