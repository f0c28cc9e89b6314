"""`lianfang import org FILE.xlsx [--dry-run] [--json]`: import the organisation from a workbook."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianfang.core.actor import system_actor
from lianfang.org.importer import import_org_workbook


class Command(BaseCommand):
    help = "从 Excel 工作簿（.xlsx）导入组织机构；有任何错误时不写入任何数据，退出码为 1"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的 .xlsx 文件（可用 org_template 生成空白模板）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出导入报告")

    def handle(self, *args: Any, file: str, dry_run: bool, as_json: bool, **options: Any) -> None:
        report = import_org_workbook(file, actor=system_actor("导入"), dry_run=dry_run)
        if as_json:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            for line in report.summary_lines():
                self.stdout.write(line)
        if report.errors:
            raise SystemExit(1)
