"""`lianfang events import FILE(.csv|.xes) [--unit CODE] [--atomic] [--dry-run] [--json]` and
`lianfang events export --unit CODE [--power CODE] --format csv|xes -o FILE`: event logs of electronic
supervision (docs/formats/events.md). Importing goes through the same intake as the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.audit.services import record_export
from lianfang.core.actor import system_actor
from lianfang.core.errors import ServiceError
from lianfang.core.progress import progress_bar
from lianfang.org.models import Unit
from lianfang.powers.models import Power

from ... import selectors as sel
from ...formats.csv_events import read_csv, write_csv
from ...formats.xes import read_xes, write_xes
from ...services.intake import intake

FORMATS = {".csv": "csv", ".xes": "xes"}


def command_unit(code: str | None) -> Unit:
    """`--unit`, else the one unit that has powers."""
    if code:
        unit = Unit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"单位代码“{code}”不存在")
        return unit
    codes = sorted(set(Power.objects.values_list("cycle__unit__code", flat=True)))
    if len(codes) != 1:
        listed = "、".join(codes) or "无"
        raise CommandError(f"请用 --unit 指定单位代码（有职权目录的单位：{listed}）")
    return Unit.objects.get(code=codes[0])


class Command(BaseCommand):
    help = "电子监察事件：导入 CSV / XES 事件日志，或导出单位的事件日志"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        i = sub.add_parser("import", help="导入事件（.csv 或 .xes）；有误的事件逐条退回")
        i.add_argument("file", help="事件文件（.csv 或 .xes）")
        i.add_argument("--unit", help="单位代码（只有一个单位有职权目录时可省略）")
        i.add_argument("--atomic", action="store_true", help="任何一条事件有误则整批不写入")
        i.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        i.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出结果")
        i.add_argument("--no-progress", action="store_true", help="不显示进度条")
        e = sub.add_parser("export", help="导出单位的事件日志")
        e.add_argument("--unit", required=True, help="单位代码")
        e.add_argument("--power", default="", help="只导出此职权编码的案件")
        e.add_argument("--format", choices=["csv", "xes"], required=True, dest="fmt", help="文件格式")
        e.add_argument("-o", "--output", required=True, help="输出文件")

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        try:
            if what == "import":
                self._import(options)
            else:
                self._export(options)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise CommandError("只能导入 .csv 或 .xes 文件")
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        unit = command_unit(options.get("unit"))
        data = path.read_bytes()
        items = read_csv(data) if fmt == "csv" else read_xes(data)
        actor = system_actor("导入事件")
        show = not options["as_json"] and not options["no_progress"]
        with progress_bar("导入事件", len(items), enabled=show) as advance:
            result = intake(
                actor, unit, items, atomic=options["atomic"], dry_run=options["dry_run"], on_progress=advance
            )
        if options["as_json"]:
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            note = "（试运行，未写入）" if result.dry_run else ""
            if result.atomic and result.rejected:
                note = "（整批模式：有误，未写入）"
            self.stdout.write(
                f"{unit.name}：保存 {result.stored} 条，重复 {result.duplicates} 条，"
                f"退回 {len(result.rejected)} 条{note}"
            )
            for r in result.rejected:
                self.stdout.write(f"  [{r.index}] {r.case_id or '-'}：{r.reason}")
        if result.rejected:
            raise SystemExit(1)

    def _export(self, options: dict[str, Any]) -> None:
        unit = command_unit(options["unit"])
        actor = system_actor("导出事件")
        events = sel.case_log(actor, unit, options["power"])
        data = write_csv(events) if options["fmt"] == "csv" else write_xes(events, name=unit.name)
        Path(options["output"]).write_bytes(data)
        record_export(
            actor,
            what=f"{unit.name}电子监察事件日志",
            object_type="supervision.event",
            details={
                "unit": unit.code,
                "power": options["power"],
                "format": options["fmt"],
                "events": len(events),
            },
        )
        cases = len({e.case_id for e in events})
        self.stdout.write(f"已导出 {cases} 个案件、{len(events)} 条事件到 {options['output']}")
