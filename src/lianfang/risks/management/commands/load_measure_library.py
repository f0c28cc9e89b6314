"""`lianfang load_measure_library`: add the seeds' example control measures to the measure library."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianfang.core.actor import system_actor
from lianfang.risks.library import LIBRARY, load_measure_library
from lianfang.risks.models import MeasureTemplate


class Command(BaseCommand):
    help = "载入防控措施库（各类防控措施示例），已有的条目不重复添加"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: Any, json: bool = False, **options: Any) -> None:
        added = load_measure_library(system_actor("载入措施库"))
        total = MeasureTemplate.objects.count()
        if json:
            self.stdout.write(_dumps({"added": added, "library": len(LIBRARY), "total": total}))
        elif added:
            self.stdout.write(f"已向措施库添加 {added} 条防控措施，措施库现有 {total} 条。")
        else:
            self.stdout.write(f"措施库已是最新，无需添加（现有 {total} 条）。")


def _dumps(data: dict[str, int]) -> str:
    return json.dumps(data, ensure_ascii=False)
