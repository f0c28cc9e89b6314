"""`lianfang export powers --format xlsx|pdf -o FILE [--unit CODE] [--year YYYY] [--audience all|external]
[--department NAME]`: the 职权目录 in the layout of 附件一."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.core.actor import system_actor
from lianfang.core.errors import ServiceError
from lianfang.core.progress import progress_bar
from lianfang.org.models import Department, Status
from lianfang.powers.catalog_xlsx import (
    AudienceChoice,
    export_catalog_pdf,
    export_catalog_xlsx,
    powers_for_export,
)
from lianfang.powers.management import command_cycle


class Command(BaseCommand):
    help = "导出职权目录（附件一格式）为 Excel（.xlsx）或 PDF；--audience external 只含可对社会公开的职权"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["xlsx", "pdf"], default="xlsx", dest="fmt", help="导出格式")
        parser.add_argument("-o", "--output", required=True, type=Path, help="输出文件路径")
        parser.add_argument("--unit", help="单位代码（系统中只有一个单位有年度周期时可省略）")
        parser.add_argument("--year", type=int, help="年度（默认为该单位最新的年度周期）")
        parser.add_argument(
            "--audience",
            choices=["all", "external"],
            default="all",
            help="all：全部（含涉密，内部使用）；external：对外公开（已审定、对外、非涉密）",
        )
        parser.add_argument("--department", help="只导出该部门（部门名称）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(
        self,
        *args: Any,
        fmt: str,
        output: Path,
        unit: str | None,
        year: int | None,
        audience: str,
        department: str | None,
        no_progress: bool,
        **options: Any,
    ) -> None:
        actor = system_actor("导出")
        cycle = command_cycle(actor, unit, year)
        dept = None
        if department:
            dept = Department.objects.filter(
                unit=cycle.unit, name=department.strip(), status=Status.ACTIVE
            ).first()
            if dept is None:
                raise CommandError(f"{cycle.unit.name}没有名为“{department}”的部门（或已停用）")
        if output.parent and not output.parent.is_dir():
            raise CommandError(f"输出目录“{output.parent}”不存在")
        export = export_catalog_pdf if fmt == "pdf" else export_catalog_xlsx
        chosen: AudienceChoice = "external" if audience == "external" else "all"
        try:
            total = powers_for_export(actor, cycle, audience=chosen, department=dept).count()
            with progress_bar(f"导出职权目录（{fmt}）", total, enabled=not no_progress) as advance:
                data = export(actor, cycle, audience=chosen, department=dept, progress=advance)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        output.write_bytes(data)
        what = "对外公开" if chosen == "external" else "全部"
        self.stdout.write(
            f"已导出{cycle.unit.name} {cycle.year}年度职权目录（{what}，{total} 项）到 {output}"
        )
