"""Importing the calendar from a CSV file: columns 日期 (date), 类型 (kind: holiday/workday or 休/班),
名称 (name).

Each year present in the file is replaced by the file's rows (the file is that year's whole notice); a year
not yet covered is created. Every row is checked first and nothing is written if any row is wrong (errors name
the row number as a spreadsheet shows it, the header being row 1). A dry run reports what would change.
Holidays listed on a weekend (notices list every day off) are accepted and not stored: they are rest days
anyway.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction

from lianfang.accounts.permissions import Action
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.core.importing import clean_text, normalise_label, parse_date

from .counting import weekend
from .models import FIRST_YEAR, LAST_YEAR, CalendarSource, CalendarYear, DayKind, SpecialDay
from .services import NAME_MAX, DayInput, _bump, _store_year, check_day, days_json, require_calendar

KINDS = {
    "holiday": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY,
    "假": DayKind.HOLIDAY,
    "放假": DayKind.HOLIDAY,
    "法定节假日": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY,
    "班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY,
}
HEADERS = {
    "date": "date",
    "日期": "date",
    "kind": "kind",
    "类型": "kind",
    "name": "name",
    "名称": "name",
    "节日": "name",
}
COLUMN_NAMES = {"date": "日期", "kind": "类型", "name": "名称"}


def parse_kind(value: str) -> str:
    text = normalise_label(value)
    if text in KINDS:
        return KINDS[text].value
    raise ValueError(f"类型“{clean_text(value)}”无效：应为 holiday/休（法定节假日）或 workday/班（调休上班）")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" if self.row else "文件"
        return f"{where}{f' [{self.column}]' if self.column else ''}：{self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"row": self.row or None, "column": self.column, "message": self.message}


class CalendarImportError(ServiceError):
    """The file was refused; `errors` lists every problem with its row number."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        lines = "；".join(str(e) for e in errors[:20])
        more = f"；等共 {len(errors)} 处" if len(errors) > 20 else ""
        super().__init__(f"导入未完成，未写入任何数据：{lines}{more}")


@dataclass
class YearChange:
    year: int
    new: bool
    added: list[DayInput] = field(default_factory=list)
    removed: list[DayInput] = field(default_factory=list)
    changed: list[tuple[DayInput, DayInput]] = field(default_factory=list)  # (before, after)
    ignored: int = 0  # weekend holidays listed in the file, not stored

    @property
    def unchanged(self) -> bool:
        return not (self.new or self.added or self.removed or self.changed)


@dataclass
class ImportResult:
    years: list[YearChange]
    rows: int
    dry_run: bool

    def summary(self) -> str:
        parts = []
        for y in self.years:
            if y.unchanged:
                parts.append(f"{y.year}年无变化")
                continue
            head = f"{y.year}年（新建）" if y.new else f"{y.year}年"
            parts.append(
                f"{head}：新增 {len(y.added)} 天，删除 {len(y.removed)} 天，修改 {len(y.changed)} 天"
            )
        what = "试运行（未写入）" if self.dry_run else "已导入"
        return f"{what} {self.rows} 行：" + "；".join(parts)


def read_csv(data: bytes | str) -> list[dict[str, str]]:
    """The rows of a CSV file (UTF-8 with or without BOM, or GB18030 as Excel saves it), keyed
    date/kind/name."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise CalendarImportError(
                    [RowError(0, "", "文件编码无法识别，请保存为 UTF-8 的 CSV 文件")]
                ) from None
    else:
        text = data.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    rows = [r for r in reader]
    if not rows:
        raise CalendarImportError([RowError(0, "", "文件为空")])
    header = [HEADERS.get(normalise_label(h), "") for h in rows[0]]
    missing = [COLUMN_NAMES[c] for c in ("date", "kind") if c not in header]
    if missing:
        raise CalendarImportError(
            [RowError(1, "", f"缺少列：{'、'.join(missing)}（表头应为 日期,类型,名称 或 date,kind,name）")]
        )
    out = []
    for r in rows[1:]:
        out.append({key: (r[i] if i < len(r) else "") for i, key in enumerate(header) if key})
    return out


def _parse_rows(
    rows: Sequence[Mapping[str, str]],
) -> tuple[dict[int, list[DayInput]], dict[int, int], list[RowError]]:
    errors: list[RowError] = []
    by_year: dict[int, list[DayInput]] = {}
    ignored: dict[int, int] = {}
    seen: dict[dt.date, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(clean_text(v) for v in row.values()):
            continue
        try:
            day = parse_date(row.get("date", ""))
        except ValueError as exc:
            errors.append(RowError(number, "日期", str(exc)))
            day = None
        else:
            if day is None:
                errors.append(RowError(number, "日期", "日期不能为空"))
        try:
            kind = parse_kind(row.get("kind", ""))
        except ValueError as exc:
            errors.append(RowError(number, "类型", str(exc)))
            kind = None
        name = clean_text(row.get("name", ""))
        if len(name) > NAME_MAX:
            errors.append(RowError(number, "名称", f"名称不能超过 {NAME_MAX} 个字"))
        if day is None or kind is None:
            continue
        if day in seen:
            errors.append(RowError(number, "日期", f"{day:%Y-%m-%d} 与第 {seen[day]} 行重复"))
            continue
        seen[day] = number
        if kind == DayKind.HOLIDAY and weekend(day):
            ignored[day.year] = ignored.get(day.year, 0) + 1
            by_year.setdefault(day.year, [])
            continue
        for problem in check_day(day, kind, "", None):
            errors.append(RowError(number, "类型", problem))
        by_year.setdefault(day.year, []).append(DayInput(day, kind, name))
    if not seen and not errors:
        errors.append(RowError(0, "", "文件中没有数据行"))
    for year in by_year:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            first_row = min(n for d, n in seen.items() if d.year == year)
            errors.append(RowError(first_row, "日期", f"年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间"))
    return by_year, ignored, errors


def _diff(year: int, cal_year: CalendarYear | None, days: list[DayInput], ignored: int) -> YearChange:
    change = YearChange(year=year, new=cal_year is None, ignored=ignored)
    old = {d.date: DayInput(d.date, d.kind, d.name) for d in (cal_year.days.all() if cal_year else [])}
    new = {d.date: d for d in days}
    for day in sorted(new.keys() | old.keys()):
        if day not in old:
            change.added.append(new[day])
        elif day not in new:
            change.removed.append(old[day])
        elif old[day] != new[day]:
            change.changed.append((old[day], new[day]))
    return change


@transaction.atomic
def import_calendar(actor: Actor, rows: Sequence[Mapping[str, str]], dry_run: bool = False) -> ImportResult:
    """Check every row, then (unless dry_run) replace each year in the file with the file's days."""
    require_calendar(actor, Action.EDIT)
    by_year, ignored, errors = _parse_rows(rows)
    if errors:
        raise CalendarImportError(errors)
    existing = {c.year: c for c in CalendarYear.objects.select_for_update().filter(year__in=list(by_year))}
    if any(y not in existing for y in by_year):
        require_calendar(actor, Action.CREATE)
    changes = [_diff(y, existing.get(y), by_year[y], ignored.get(y, 0)) for y in sorted(by_year)]
    result = ImportResult(
        years=changes, rows=sum(len(v) for v in by_year.values()) + sum(ignored.values()), dry_run=dry_run
    )
    if dry_run:
        return result
    wrote = False
    for change in changes:
        if change.unchanged:
            continue
        cal_year = existing.get(change.year)
        days = by_year[change.year]
        before = None
        if cal_year is None:
            cal_year = CalendarYear.objects.create(year=change.year, source=CalendarSource.IMPORTED)
        else:
            before = {"source": cal_year.source, "days": days_json(cal_year.days.all())}
            cal_year.source = CalendarSource.IMPORTED
            cal_year.save(update_fields=["source", "updated_at"])
        _store_year(cal_year, days)
        record_change(
            actor,
            AuditAction.IMPORT,
            cal_year,
            scope_path="",
            before=before,
            after={"source": CalendarSource.IMPORTED.value, "days": days_json(days)},
        )
        wrote = True
    if wrote:
        _bump()
    return result


def export_csv(year: int) -> str:
    """A year's special days as a CSV file in the import format."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["日期", "类型", "名称"])
    for d in SpecialDay.objects.filter(date__year=year).order_by("date"):
        writer.writerow([d.date.isoformat(), "休" if d.kind == DayKind.HOLIDAY else "班", d.name])
    return buffer.getvalue()
