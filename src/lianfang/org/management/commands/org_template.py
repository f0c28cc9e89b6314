"""Write the empty organisation import workbook (the template) to a file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.org.import_layout import make_template


class Command(BaseCommand):
    help = "生成组织机构导入模板（空白 .xlsx 工作簿，含填写说明）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", default="组织机构导入模板.xlsx", help="输出文件（默认：组织机构导入模板.xlsx）"
        )
        parser.add_argument("--force", action="store_true", help="文件已存在时覆盖")

    def handle(self, *args: Any, path: str, force: bool, **options: Any) -> None:
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        if target.exists() and not force:
            raise CommandError(f"文件“{target}”已存在；如需覆盖请加 --force")
        make_template().save(target)
        self.stdout.write(f"已生成导入模板：{target}")
