"""`lianfang export KIND …`: one entry point for every exporter in the project."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Each issue that adds an exporter registers it here: kind → management command.
EXPORTERS = {"powers": "export_powers", "flows": "export_flows", "risk-sheet": "export_risk_sheet"}


class Command(BaseCommand):
    help = "导出数据：lianfang export {powers|flows|risk-sheet} [--format …] -o FILE"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("kind", choices=sorted(EXPORTERS), help="导出类别")
        parser.add_argument(
            "rest", nargs=argparse.REMAINDER, help="传给该导出器的参数，如 --format xlsx -o FILE"
        )

    def handle(self, *args: Any, kind: str, rest: list[str], **options: Any) -> None:
        if kind not in EXPORTERS:
            raise CommandError(f"未知的导出类别：{kind}")
        call_command(EXPORTERS[kind], *rest, stdout=self.stdout, stderr=self.stderr)
