"""`lianfang calendar seed [--years 2024-2026] [--replace]` (from chinesecalendar),
`lianfang calendar import FILE [--dry-run]` (CSV: 日期,类型,名称), `lianfang calendar show YEAR`,
`lianfang calendar check YEAR` (exit status 1 when the year is not covered),
`lianfang calendar alert [--today DATE]` (run the daily coverage check now)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.core.actor import system_actor
from lianfang.core.errors import ServiceError

from ... import selectors, services
from ...alerts import check_coverage
from ...importing import CalendarImportError, import_calendar, read_csv
from ...models import DayKind

WEEKDAYS = "一二三四五六日"


def year_range(text: str) -> list[int]:
    """`2024-2026`, `2024,2026` or `2025`."""
    years: list[int] = []
    try:
        for part in text.replace("，", ",").split(","):
            part = part.strip()
            if "-" in part:
                first, last = (int(p) for p in part.split("-", 1))
                years.extend(range(first, last + 1))
            elif part:
                years.append(int(part))
    except ValueError:
        raise CommandError(f"年份“{text}”无法识别，请写成 2024-2026 或 2024,2025") from None
    return years


class Command(BaseCommand):
    help = "工作日历：从 chinesecalendar 预置、导入 CSV、查看某年、检查某年是否已维护"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        s = sub.add_parser("seed", help="从 chinesecalendar 预置法定节假日和调休（已有年度不覆盖）")
        s.add_argument(
            "--years", default="", help="年份范围，如 2024-2026（默认 chinesecalendar 包含的全部年份）"
        )
        s.add_argument("--replace", action="store_true", help="已有年度也用 chinesecalendar 的数据替换")
        i = sub.add_parser("import", help="导入 CSV 文件（列：日期,类型,名称；类型为 休/班）")
        i.add_argument("file", type=Path)
        i.add_argument("--dry-run", action="store_true", help="只检查并显示将要发生的变化，不写入")
        sh = sub.add_parser("show", help="显示某年的法定节假日和调休上班日")
        sh.add_argument("year", type=int)
        c = sub.add_parser("check", help="检查某年是否已维护（未维护时退出码为 1）")
        c.add_argument("year", type=int)
        a = sub.add_parser("alert", help="立即运行工作日历覆盖检查（提醒系统管理员和纪检监察机构）")
        a.add_argument("--today", type=dt.date.fromisoformat, help="按此日期检查（YYYY-MM-DD，默认今天）")

    def handle(self, *args: Any, what: str, **options: Any) -> None:
        actor = system_actor("工作日历")
        try:
            if what == "seed":
                years = year_range(options["years"]) if options["years"] else None
                counts = services.seed_from_chinesecalendar(actor, years, replace=options["replace"])
                self.stdout.write(
                    f"新建 {counts['created']} 个年度，替换 {counts['replaced']} 个，"
                    f"跳过已有 {counts['skipped']} 个；共写入 {counts['days']} 个特殊日期"
                )
            elif what == "import":
                self._import(actor, options["file"], options["dry_run"])
            elif what == "show":
                self._show(options["year"])
            elif what == "check":
                if not selectors.current_calendar().covers(options["year"]):
                    self.stderr.write(f"{options['year']}年的工作日历尚未维护")
                    sys.exit(1)
                self.stdout.write(f"{options['year']}年的工作日历已维护")
            else:
                today = options.get("today") or dt.date.today()
                result = check_coverage(today, actor)
                missing = "、".join(str(y) for y in result["missing"]) or "无"  # type: ignore[attr-defined]
                self.stdout.write(f"缺少的年度：{missing}；新发提醒 {result['notified']} 条")
        except CalendarImportError as exc:
            for error in exc.errors:
                self.stderr.write(f"  {error}")
            raise CommandError(f"导入未完成：发现 {len(exc.errors)} 处错误，未写入任何数据") from exc
        except ServiceError as exc:
            raise CommandError(exc.message) from exc

    def _import(self, actor: Any, path: Path, dry_run: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        result = import_calendar(actor, read_csv(data), dry_run=dry_run)
        self.stdout.write(result.summary())

    def _show(self, year: int) -> None:
        row = selectors.year_row(year)
        if row is None:
            raise CommandError(f"{year}年的工作日历尚未维护")
        self.stdout.write(f"{year}年（{row.get_source_display()}）{row.note}")
        for d in selectors.special_days(year):
            kind = "休" if d.kind == DayKind.HOLIDAY else "班"
            self.stdout.write(f"{d.date:%Y-%m-%d} 周{WEEKDAYS[d.date.weekday()]} {kind} {d.name}")
        calendar = selectors.current_calendar()
        total = sum(1 for _d, work in calendar.year_days(year) if work)
        self.stdout.write(f"全年工作日 {total} 天")
