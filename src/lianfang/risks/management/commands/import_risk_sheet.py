"""`lianfang import risk-sheet FILE.xlsx [--unit CODE] [--year YYYY] [--dry-run] [--json]`: the risk sheets
(附件二 部门, 附件三 个人岗位, 单位) as people fill them; see docs/formats/risk-sheets.md."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianfang.core.actor import system_actor
from lianfang.powers.management import command_cycle
from lianfang.risks.sheet_import import import_risk_sheet


class Command(BaseCommand):
    help = (
        "从廉政风险排查表（附件二、附件三、单位排查表，.xlsx）导入风险点；"
        "有任何错误时不写入任何数据，退出码为 1"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的 .xlsx 文件（每个工作表一张排查表）")
        parser.add_argument("--unit", help="单位代码（系统中只有一个单位有年度周期时可省略）")
        parser.add_argument("--year", type=int, help="年度（默认为该单位最新的年度周期）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出导入报告")

    def handle(
        self,
        *args: Any,
        file: str,
        unit: str | None,
        year: int | None,
        dry_run: bool,
        as_json: bool,
        **options: Any,
    ) -> None:
        actor = system_actor("导入")
        cycle = command_cycle(actor, unit, year)
        report = import_risk_sheet(file, actor=actor, cycle=cycle, dry_run=dry_run)
        if as_json:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(f"{cycle.unit.name} {cycle.year}年度廉政风险排查表：")
            for line in report.summary_lines():
                self.stdout.write(line)
        if report.errors:
            raise SystemExit(1)
