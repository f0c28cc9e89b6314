"""`lianfang import flows FILE.yaml [--unit CODE] [--year YYYY] [--dry-run] [--json]`: flowcharts (YAML)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from lianfang.core.actor import system_actor
from lianfang.core.errors import ServiceError
from lianfang.core.importing import ImportReport
from lianfang.powers.flow_import import import_flows_yaml, read_source
from lianfang.powers.flow_yaml import parse_document
from lianfang.powers.management import command_cycle


class Command(BaseCommand):
    help = "从 YAML 文件导入权力运行流程图（格式见 docs/formats/flow.md）；有任何错误时不写入数据，退出码为 1"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的 .yaml 文件（可用 export flows 导出现有流程图作为样例）")
        parser.add_argument(
            "--unit", help="单位代码（默认取文件中的 unit；系统中只有一个单位有年度周期时可省略）"
        )
        parser.add_argument(
            "--year", type=int, help="年度（默认取文件中的 year，否则为该单位最新的年度周期）"
        )
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
        try:
            text, _name = read_source(Path(file))
        except ServiceError as exc:
            report = ImportReport(dry_run=dry_run)
            report.add_error("", None, "", exc.message)
            return self.finish(report, as_json, "")
        header = parse_document(text)  # only for the unit and year the file names
        cycle = command_cycle(actor, unit or header.unit or None, year or header.year)
        report = import_flows_yaml(Path(file), actor=actor, cycle=cycle, dry_run=dry_run)
        self.finish(report, as_json, f"{cycle.unit.name} {cycle.year}年度权力运行流程图：")

    def finish(self, report: ImportReport, as_json: bool, title: str) -> None:
        if as_json:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            if title:
                self.stdout.write(title)
            for line in report.summary_lines():
                self.stdout.write(line)
        if report.errors:
            raise SystemExit(1)
