"""`lianfang worker`: runs queued background tasks and enqueues the periodic jobs when they fall due."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from lianfang.core.jobs import PERIODIC_JOBS, enqueue_due_jobs, run_scheduler


class Command(BaseCommand):
    help = "后台任务进程：执行队列中的任务，并按时加入定时作业（可运行多个）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="执行完当前到期作业与队列中的任务后退出")
        # Short: a queued supervision check becomes due half a second after its events (see settings).
        parser.add_argument("--interval", type=float, default=0.2, help="队列为空时的轮询间隔（秒）")
        parser.add_argument("--schedule-interval", type=float, default=30.0, help="检查定时作业的间隔（秒）")
        parser.add_argument("--list-jobs", action="store_true", help="列出已声明的定时作业后退出")

    def handle(
        self,
        *args: Any,
        batch: bool,
        interval: float,
        schedule_interval: float,
        list_jobs: bool,
        **options: Any,
    ) -> None:
        if list_jobs:
            for job in PERIODIC_JOBS:
                self.stdout.write(f"{job.name}\t每 {job.every}\t{job.description}")
            return
        if batch:
            names = enqueue_due_jobs()
            self.stdout.write(f"已加入队列的定时作业：{'、'.join(names) or '无'}")
            call_command(
                "db_worker",
                batch=True,
                interval=0,
                startup_delay=False,
                reload=False,
                verbosity=options.get("verbosity", 1),
                stdout=self.stdout,
            )
            return
        stop = threading.Event()
        scheduler = threading.Thread(
            target=run_scheduler,
            args=(
                stop,
                schedule_interval,
                lambda names: self.stdout.write(f"定时作业入队：{'、'.join(names)}"),
            ),
            daemon=True,
            name="lianfang-scheduler",
        )
        scheduler.start()
        self.stdout.write("后台任务进程已启动（Ctrl+C 停止）")
        try:
            call_command(
                "db_worker",
                interval=interval,
                reload=False,
                verbosity=options.get("verbosity", 1),
                stdout=self.stdout,
            )
        finally:
            stop.set()
