"""`lianfang audit verify`: check the whole hash chain; exit 0 when intact, 1 naming the first bad entry."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianfang.audit.selectors import entry_count, verify_chain
from lianfang.core.progress import progress_bar


class Command(BaseCommand):
    help = "审计日志：verify 校验整条哈希链（完好时退出码 0，否则非 0 并指出第一条问题记录）"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="校验审计日志哈希链")
        verify.add_argument("--json", action="store_true", help="输出 JSON 结果")
        verify.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        started = time.perf_counter()
        show = not options["no_progress"] and not options["json"]
        with progress_bar("校验审计链", entry_count(), enabled=show) as advance:
            result = verify_chain(progress=advance)
        elapsed = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": result.ok,
                        "checked": result.checked,
                        "seconds": round(elapsed, 3),
                        "first_bad_seq": result.problem.seq if result.problem else None,
                        "problem": result.problem.reason if result.problem else None,
                    },
                    ensure_ascii=False,
                )
            )
        elif result.ok:
            self.stdout.write(f"审计链完好：已校验 {result.checked} 条记录，用时 {elapsed:.2f} 秒")
        else:
            self.stderr.write(f"审计链已被破坏：{result.problem}（已校验 {result.checked} 条）")
        if not result.ok:
            sys.exit(1)
