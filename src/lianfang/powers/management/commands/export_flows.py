"""`lianfang export flows -o FILE.yaml [--unit CODE] [--year YYYY] [--code CODE …] [--external]`:
权力运行流程图 as YAML (docs/formats/flow.md); `-o -` writes to standard output."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.core.actor import system_actor
from lianfang.core.errors import ServiceError
from lianfang.powers.flow_import import export_flows_yaml
from lianfang.powers.management import command_cycle


class Command(BaseCommand):
    help = "导出权力运行流程图为 YAML（可再用 import flows 导入）；-o - 输出到标准输出"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="输出文件路径（.yaml），“-”表示标准输出")
        parser.add_argument("--unit", help="单位代码（系统中只有一个单位有年度周期时可省略）")
        parser.add_argument("--year", type=int, help="年度（默认为该单位最新的年度周期）")
        parser.add_argument(
            "--code", nargs="+", action="extend", default=[], dest="codes", help="只导出这些流程编号"
        )
        parser.add_argument(
            "--external",
            action="store_true",
            help="只导出可对社会公开的流程图（已审定、非涉密、对外职权使用的）",
        )

    def handle(
        self,
        *args: Any,
        output: str,
        unit: str | None,
        year: int | None,
        codes: list[str],
        external: bool,
        **options: Any,
    ) -> None:
        actor = system_actor("导出")
        cycle = command_cycle(actor, unit, year)
        target = None if output == "-" else Path(output)
        if target is not None and not target.parent.is_dir():
            raise CommandError(f"输出目录“{target.parent}”不存在")
        try:
            text = export_flows_yaml(actor, cycle, codes=codes or None, external_only=external)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        if target is None:
            self.stdout.write(text, ending="")
            return
        target.write_text(text, encoding="utf-8")
        count = len(yaml.safe_load(text)["flows"])
        self.stdout.write(f"已导出{cycle.unit.name} {cycle.year}年度权力运行流程图 {count} 个到 {target}")
