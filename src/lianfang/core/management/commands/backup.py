from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.core.backup import backed_up_models, create_backup
from lianfang.core.errors import ServiceError
from lianfang.core.progress import progress_bar


class Command(BaseCommand):
    help = "全量备份全部业务数据与审计日志到 FILE（写出后读回校验）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="备份文件路径，如 backup-2026-11-23.json.gz")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, file: Path, no_progress: bool, **options: Any) -> None:
        try:
            with progress_bar("备份", len(backed_up_models()), enabled=not no_progress) as advance:
                summary = create_backup(file, progress=advance)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"备份完成并已校验：{summary.path}（{summary.total} 条记录，SHA-256 {summary.sha256[:16]}…）"
        )
