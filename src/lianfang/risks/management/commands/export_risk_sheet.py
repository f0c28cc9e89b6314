"""`lianfang export risk-sheet --department NAME | --post "部门/岗位" | --unit | --summary
--format xlsx|pdf|docx -o FILE [--unit-code CODE] [--year YYYY]`: one official risk sheet (附件二 部门,
附件三 个人岗位, 单位排查表, 风险排查及风险评估汇总表) in its official layout; audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lianfang.core.actor import Actor, system_actor
from lianfang.core.errors import ServiceError
from lianfang.core.progress import progress_bar
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post, Status
from lianfang.org.selectors import departments, posts
from lianfang.powers.management import command_cycle
from lianfang.risks.sheet_view import SheetView
from lianfang.risks.sheets import (
    FORMATS,
    department_sheet,
    export_sheets,
    post_sheet,
    summary_sheet,
    unit_sheet,
)

BIG_EXPORT = 200  # risk points: from here on a progress bar is shown


def find_department(actor: Actor, cycle: Cycle, name: str) -> Department:
    """A department of the cycle's unit by name ("财务处", or a path "财务处/核算科": its last part)."""
    wanted = name.replace("／", "/").strip().rstrip("/").rsplit("/", 1)[-1].strip()
    found = departments(actor).filter(unit=cycle.unit, name=wanted, status=Status.ACTIVE).first()
    if found is None:
        raise CommandError(f"{cycle.unit.name}没有名为“{wanted}”的部门（或已停用）")
    return found


def find_post(actor: Actor, cycle: Cycle, text: str) -> Post:
    """A post by "部门/岗位" (the department may be written as a path), or by its name alone when unique."""
    parts = [p.strip() for p in text.replace("／", "/").split("/") if p.strip()]
    if not parts:
        raise CommandError('请用 --post "部门/岗位" 指定岗位，如 --post "财务处/出纳"')
    qs = posts(actor).filter(department__unit=cycle.unit, name=parts[-1], status=Status.ACTIVE)
    if len(parts) > 1:
        qs = qs.filter(department=find_department(actor, cycle, parts[-2]))
    found = list(qs[:6])
    if not found:
        raise CommandError(f"{cycle.unit.name}没有岗位“{text}”（或已停用）")
    if len(found) > 1:
        names = "、".join(f"{p.department.name}/{p.name}" for p in found)
        raise CommandError(f"岗位“{text}”不唯一（{names}），请写成“部门/岗位”")
    return found[0]


class Command(BaseCommand):
    help = "导出廉政风险排查表（附件二部门、附件三个人岗位、单位排查表或汇总表）为 xlsx、pdf 或 docx"

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--department", help="部门名称：附件二 部门工作廉政风险排查表")
        which.add_argument("--post", help="“部门/岗位”：附件三 个人岗位廉政风险排查表")
        which.add_argument("--unit", action="store_true", help="单位（领导班子）职权及风险排查表")
        which.add_argument("--summary", action="store_true", help="风险排查及风险评估汇总表")
        parser.add_argument("--format", choices=FORMATS, default="xlsx", dest="fmt", help="导出格式")
        parser.add_argument("-o", "--output", required=True, type=Path, help="输出文件路径")
        parser.add_argument("--unit-code", help="单位代码（系统中只有一个单位有年度周期时可省略）")
        parser.add_argument("--year", type=int, help="年度（默认为该单位最新的年度周期）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(
        self,
        *args: Any,
        department: str | None,
        post: str | None,
        unit: bool,
        summary: bool,
        fmt: str,
        output: Path,
        unit_code: str | None,
        year: int | None,
        no_progress: bool,
        **options: Any,
    ) -> None:
        actor = system_actor("导出")
        cycle = command_cycle(actor, unit_code, year)
        if output.parent and not output.parent.is_dir():
            raise CommandError(f"输出目录“{output.parent}”不存在")
        try:
            view = self.view(actor, cycle, department, post, unit, summary)
            total = view.risk_count
            enabled = not no_progress and total >= BIG_EXPORT
            with progress_bar(f"导出排查表（{fmt}）", total, enabled=enabled) as advance:
                data = export_sheets(actor, cycle, [view], fmt, progress=advance)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        except ImportError as exc:
            raise CommandError(f"暂不能导出 {fmt} 格式：{exc}") from exc
        output.write_bytes(data)
        self.stdout.write(f"已导出{view.title}（{total} 个风险点）到 {output}")

    def view(
        self, actor: Actor, cycle: Cycle, department: str | None, post: str | None, unit: bool, summary: bool
    ) -> SheetView:
        if department:
            return department_sheet(actor, cycle, find_department(actor, cycle, department))
        if post:
            return post_sheet(actor, cycle, find_post(actor, cycle, post))
        if unit:
            return unit_sheet(actor, cycle)
        assert summary
        return summary_sheet(actor, cycle)
