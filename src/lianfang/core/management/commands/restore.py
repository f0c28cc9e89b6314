from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.core.backup import restore_backup
from lianfang.core.errors import ServiceError
from lianfang.core.progress import progress_bar


class Command(BaseCommand):
    help = "从备份恢复全部数据（一个事务内完成，记录数与审计链校验不通过则回滚）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="lianfang backup 生成的备份文件")
        parser.add_argument("--replace", action="store_true", help="目标数据库非空时，用备份覆盖现有全部数据")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, file: Path, replace: bool, no_progress: bool, **options: Any) -> None:
        try:
            with progress_bar("恢复", None, enabled=not no_progress) as advance:
                counts = restore_backup(file, replace=replace, progress=advance)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"恢复完成：{sum(counts.values())} 条记录，审计链校验通过")
