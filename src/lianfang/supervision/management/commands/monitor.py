"""`lianfang monitor --log FILE --unit CODE [--json]`: check a whole event log against a unit's flowcharts."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lianfang.core.errors import ServiceError
from lianfang.core.progress import progress_bar
from lianfang.org.models import Unit
from lianfang.supervision.engine.run import Checker
from lianfang.supervision.models import Rule
from lianfang.supervision.services.evaluate import held_posts
from lianfang.supervision.services.monitor import monitor_log, unit_models
from lianfang.workdays.selectors import current_calendar


class Command(BaseCommand):
    help = "批量检查事件日志（CSV）：跳过环节、顺序、时限（工作日）、不相容岗位、裁量基准等全部规则"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--log", required=True, help="事件日志 CSV 文件（格式见 docs/formats/events.md）")
        parser.add_argument("--unit", required=True, help="单位代码：按该单位的流程图检查")
        parser.add_argument("--today", help="按此日期判断办理中案件的时限（YYYY-MM-DD，默认今天）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出告警和各规则计数")

    def handle(self, *args: Any, log: str, unit: str, today: str | None, json: bool, **options: Any) -> None:
        path = Path(log)
        if not path.is_file():
            raise CommandError(f"找不到事件日志文件：{path}")
        found = Unit.objects.filter(code=unit).first()
        if found is None:
            raise CommandError(f"单位代码“{unit}”不存在")
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--today 应为 YYYY-MM-DD 格式的日期") from exc
        try:
            with progress_bar("检查事件日志", 3, enabled=not json) as advance:
                checker = Checker(unit_models(found), current_calendar(), held_posts(found.pk))
                advance(1)
                result = monitor_log(found, path, day, checker)
                advance(2)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if json:
            self.stdout.write(_dumps(result.as_json()))
            return
        self.stdout.write(
            f"{result.events} 个事件，{result.cases} 个案件，检查用时 {result.seconds:.3f} 秒，"
            f"发现 {len(result.findings)} 条告警。"
        )
        for rule, n in result.counts.items():
            self.stdout.write(f"  {Rule(rule).label}：{n}")


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
