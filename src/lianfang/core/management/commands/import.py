"""`lianfang import KIND FILE …`: one entry point for every importer in the project."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Each issue that adds an importer registers it here: kind → management command.
IMPORTERS = {
    "org": "import_org",
    "powers": "import_powers",
    "flows": "import_flows",
    "risk-sheet": "import_risk_sheet",
}


class Command(BaseCommand):
    help = (
        "导入数据：lianfang import {org|powers|flows|risk-sheet} FILE [--dry-run] [--json]"
        "（出错时不写入任何数据）"
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTERS), help="导入类别")
        parser.add_argument(
            "rest", nargs=argparse.REMAINDER, help="传给该导入器的参数，如 FILE --dry-run --json"
        )

    def handle(self, *args: Any, kind: str, rest: list[str], **options: Any) -> None:
        if kind not in IMPORTERS:
            raise CommandError(f"未知的导入类别：{kind}")
        call_command(IMPORTERS[kind], *rest, stdout=self.stdout, stderr=self.stderr)
