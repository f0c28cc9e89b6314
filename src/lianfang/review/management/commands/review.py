"""`lianfang review phases --cycle ID` (list the phases), `lianfang review remind [--dry-run] [--today DATE]`
(run the reminder job now), `lianfang review board --cycle ID [--stage S] [--late]` (the progress board)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from lianfang.core.actor import system_actor
from lianfang.cycles.models import Cycle

from ... import board as board_module
from ... import reminders
from ...selectors_progress import phases


def _cycle(pk: int) -> Cycle:
    cycle = Cycle.objects.select_related("unit").filter(pk=pk).first()
    if cycle is None:
        raise CommandError(f"年度周期（ID {pk}）不存在")
    return cycle


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(_width(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(_pad(str(c), w) for c, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(_pad(str(c), w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "审核进度：列出工作阶段、立即运行提醒作业、打印审核进度看板"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        p = sub.add_parser("phases", help="列出年度周期的工作阶段")
        p.add_argument("--cycle", type=int, required=True, help="年度周期 ID")
        r = sub.add_parser("remind", help="立即运行提醒作业（期限前后的提醒、待处理的审核）")
        r.add_argument("--dry-run", action="store_true", help="只统计将发送的提醒，不写入")
        r.add_argument("--today", type=dt.date.fromisoformat, help="按此日期计算（YYYY-MM-DD，默认今天）")
        b = sub.add_parser("board", help="打印审核进度看板")
        b.add_argument("--cycle", type=int, required=True, help="年度周期 ID")
        b.add_argument("--stage", default="", help="只看某一审核环节（none 表示未开始）")
        b.add_argument("--late", action="store_true", help="只看逾期")
        b.add_argument("--today", type=dt.date.fromisoformat, help="按此日期判断逾期（默认今天）")

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        if what == "phases":
            self._phases(_cycle(options["cycle"]))
        elif what == "remind":
            today = options.get("today") or timezone.localdate()
            if options["dry_run"]:
                counts = reminders.send_reminders(today, dry_run=True)
                self.stdout.write("（试运行，未写入）")
            else:
                counts = reminders.run_job(today, system_actor("提醒作业"))
            self.stdout.write(
                f"即将到期 {counts['due_soon']} 条，已逾期 {counts['overdue']} 条，"
                f"待处理 {counts['waiting']} 条，邮件 {counts['emailed']} 封"
            )
        else:
            self._board(_cycle(options["cycle"]), options["stage"], options["late"], options.get("today"))

    def _phases(self, cycle: Cycle) -> None:
        rows = [
            [
                p.get_phase_display(),
                f"{p.starts_on:%Y-%m-%d}",
                f"{p.ends_on:%Y-%m-%d}",
                p.note.replace("\n", " ")[:40],
            ]
            for p in phases(cycle)
        ]
        if not rows:
            self.stdout.write(f"{cycle.unit.name}{cycle}尚未设置工作阶段")
            return
        self.stdout.write(table(["阶段", "开始日期", "截止日期", "工作要求"], rows))

    def _board(self, cycle: Cycle, stage: str, late: bool, today: dt.date | None) -> None:
        if stage and stage not in dict(board_module.STAGE_FILTERS):
            raise CommandError(f"审核环节“{stage}”无效，可选：{'、'.join(dict(board_module.STAGE_FILTERS))}")
        found = board_module.build(system_actor("命令行"), cycle, stage=stage, late_only=late, today=today)
        kinds = {"post": "岗位", "department": "部门", "unit": "单位"}
        rows = []
        for r in found.rows():
            name = f"  {r.name}" if r.kind == "post" else r.name
            rows.append(
                [
                    name,
                    kinds.get(r.kind, r.kind),
                    r.stage_label,
                    str(r.risk_count),
                    str(r.returned_count),
                    "逾期：" + r.late_label if r.late else r.due_label,
                ]
            )
        self.stdout.write(table(["风险主体", "层级", "审核环节", "风险点", "退回", "期限"], rows))
        t = found.totals
        summary = "，".join(f"{label} {n}" for _k, label, n in t.cells())
        self.stdout.write(f"\n岗位 {t.subjects} 个：{summary}，逾期 {t.late}")
