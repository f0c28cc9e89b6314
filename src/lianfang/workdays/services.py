"""Writing the calendar: seeding from chinesecalendar, changing one day, entering a new year from the State
Council notice, importing a file. Every write is permission-checked (the calendar is national: the actor needs
the right anywhere), audited in its transaction, and bumps the calendar version so every process rebuilds its
cached `WorkCalendar`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record, record_change
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, PermissionDeniedError, ServiceError
from lianfang.core.importing import parse_date

from .counting import WorkCalendar, weekend
from .models import FIRST_YEAR, LAST_YEAR, CalendarSource, CalendarVersion, CalendarYear, DayKind, SpecialDay

# chinesecalendar's English holiday names in Chinese.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
NAME_MAX = 50


@dataclass(frozen=True)
class DayInput:
    date: dt.date
    kind: str
    name: str = ""


def require_calendar(actor: Actor, action: str) -> None:
    if not can_anywhere(actor, action, ObjectType.CALENDAR):
        verb = {Action.CREATE: "新增", Action.EDIT: "修改"}.get(action, "维护")  # type: ignore[call-overload]
        raise PermissionDeniedError(f"您没有{verb}工作日历的权限（仅系统管理员和纪检监察机构可以维护）")


def _bump() -> None:
    updated = CalendarVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        CalendarVersion.objects.create(pk=1, version=1)


def chinesecalendar_years() -> tuple[int, int]:
    from chinese_calendar import constants

    years = [d.year for d in constants.holidays]
    return min(years), max(years)


def chinesecalendar_days(year: int) -> list[DayInput]:
    """The exceptions to the weekday rule that chinesecalendar knows for a year."""
    from chinese_calendar import constants

    days = [
        DayInput(d, DayKind.HOLIDAY, HOLIDAY_NAMES.get(str(n), str(n)))
        for d, n in constants.holidays.items()
        if d.year == year and not weekend(d)
    ]
    days += [
        DayInput(d, DayKind.WORKDAY, f"{HOLIDAY_NAMES.get(str(n), str(n))}调休")
        for d, n in constants.workdays.items()
        if d.year == year and weekend(d)
    ]
    return sorted(days, key=lambda x: x.date)


def chinesecalendar_calendar(years: Iterable[int]) -> WorkCalendar:
    """The calendar of these years straight from chinesecalendar, without the database (tests, benchmarks
    and simulations that need real holidays but no stored calendar)."""
    covered = frozenset(years)
    days = [d for y in sorted(covered) for d in chinesecalendar_days(y)]
    return WorkCalendar(
        covered_years=covered,
        holidays=frozenset(d.date for d in days if d.kind == DayKind.HOLIDAY),
        workdays=frozenset(d.date for d in days if d.kind == DayKind.WORKDAY),
    )


def days_json(days: Iterable[SpecialDay | DayInput]) -> dict[str, dict[str, str]]:
    """A year's special days for the audit log and the API: {"holiday": {date: name}, "workday": {…}}."""
    out: dict[str, dict[str, str]] = {DayKind.HOLIDAY.value: {}, DayKind.WORKDAY.value: {}}
    for d in sorted(days, key=lambda x: x.date):
        out[str(d.kind)][d.date.isoformat()] = d.name
    return out


def check_day(day: dt.date, kind: str, name: str, year: int | None = None) -> list[str]:
    """What is wrong with one special day (empty if nothing)."""
    problems = []
    if year is not None and day.year != year:
        problems.append(f"{day:%Y-%m-%d} 不在{year}年内")
    if kind == DayKind.HOLIDAY and weekend(day):
        problems.append(f"{day:%Y-%m-%d} 是周末，本来就是休息日，无需登记为法定节假日")
    elif kind == DayKind.WORKDAY and not weekend(day):
        problems.append(f"{day:%Y-%m-%d} 是周一至周五，本来就是工作日，无需登记为调休上班")
    elif kind not in DayKind.values:
        problems.append(f"类型“{kind}”无效：应为法定节假日（holiday/休）或调休上班（workday/班）")
    if len(name) > NAME_MAX:
        problems.append(f"名称不能超过 {NAME_MAX} 个字")
    return problems


def _store_year(cal_year: CalendarYear, days: Sequence[DayInput]) -> None:
    SpecialDay.objects.filter(year=cal_year).delete()
    SpecialDay.objects.bulk_create(
        [SpecialDay(date=d.date, kind=d.kind, name=d.name, year=cal_year) for d in days]
    )


@transaction.atomic
def seed_from_chinesecalendar(
    actor: Actor, years: Iterable[int] | None = None, *, replace: bool = False
) -> dict[str, int]:
    """Enter the years chinesecalendar covers. Years already entered are kept as they are unless replace."""
    require_calendar(actor, Action.CREATE)
    first, last = chinesecalendar_years()
    wanted = sorted(set(years)) if years is not None else list(range(first, last + 1))
    outside = [y for y in wanted if not first <= y <= last]
    if outside:
        raise ServiceError(
            f"chinesecalendar 只包含 {first}–{last} 年的数据，"
            f"{'、'.join(str(y) for y in outside)}年请根据国务院放假通知手工录入或导入",
            field="years",
        )
    counts = {"created": 0, "replaced": 0, "skipped": 0, "days": 0}
    existing = {c.year: c for c in CalendarYear.objects.select_for_update().filter(year__in=wanted)}
    for year in wanted:
        days = chinesecalendar_days(year)
        cal_year = existing.get(year)
        if cal_year is not None and not replace:
            counts["skipped"] += 1
            continue
        before = {"source": cal_year.source, "days": days_json(cal_year.days.all())} if cal_year else None
        if cal_year is None:
            cal_year = CalendarYear.objects.create(year=year, source=CalendarSource.SEEDED, note="")
            counts["created"] += 1
        else:
            cal_year.source = CalendarSource.SEEDED
            cal_year.save(update_fields=["source", "updated_at"])
            counts["replaced"] += 1
        _store_year(cal_year, days)
        counts["days"] += len(days)
        record_change(
            actor,
            AuditAction.CREATE if before is None else AuditAction.UPDATE,
            cal_year,
            scope_path="",
            before=before,
            after={"source": CalendarSource.SEEDED.value, "days": days_json(days)},
        )
    if counts["created"] or counts["replaced"]:
        _bump()
    return counts


@transaction.atomic
def set_day(actor: Actor, day: dt.date, kind: str | None, name: str = "") -> SpecialDay | None:
    """Make one day of a covered year a holiday or an adjusted working day, or (kind None) an ordinary day."""
    require_calendar(actor, Action.EDIT)
    name = (name or "").strip()
    cal_year = CalendarYear.objects.select_for_update().filter(year=day.year).first()
    if cal_year is None:
        raise ServiceError(f"{day.year}年的工作日历尚未建立，请先按国务院放假通知录入该年度", field="date")
    if kind is not None:
        checker = Checker()
        for problem in check_day(day, kind, name):
            checker.require(False, "name" if "名称" in problem else "kind", problem)
        checker.done()
    current = SpecialDay.objects.filter(date=day).first()
    before = {"kind": current.kind, "name": current.name} if current else None
    result: SpecialDay | None
    if kind is None:
        if current is None:
            return None
        current.delete()
        record(
            actor,
            AuditAction.DELETE,
            object_type="workdays.specialday",
            object_id=day.isoformat(),
            object_repr=str(current),
            before=before,
            after=None,
        )
        result = None
    else:
        if current is None:
            current = SpecialDay(date=day, year=cal_year)
        current.kind, current.name = kind, name
        current.save()
        record(
            actor,
            AuditAction.CREATE if before is None else AuditAction.UPDATE,
            object_type="workdays.specialday",
            object_id=day.isoformat(),
            object_repr=str(current),
            before=before,
            after={"kind": kind, "name": name},
        )
        result = current
    cal_year.save(update_fields=["updated_at"])
    _bump()
    return result


def _clean_days(year: int, days: Sequence[DayInput]) -> tuple[list[DayInput], dict[str, list[str]]]:
    """Validate a year's days: holidays on a weekend are dropped (the notice lists them; they are rest days
    anyway); everything else wrong is an error."""
    errors: dict[str, list[str]] = {}
    kept: list[DayInput] = []
    seen: set[dt.date] = set()
    for d in days:
        if d.date in seen:
            errors.setdefault("days", []).append(f"{d.date:%Y-%m-%d} 重复")
            continue
        seen.add(d.date)
        if d.kind == DayKind.HOLIDAY and weekend(d.date) and d.date.year == year:
            continue
        for problem in check_day(d.date, d.kind, d.name.strip(), year):
            errors.setdefault("days", []).append(problem)
        kept.append(DayInput(d.date, d.kind, d.name.strip()))
    return kept, errors


@transaction.atomic
def add_year(actor: Actor, year: int, days: Sequence[DayInput], note: str = "") -> CalendarYear:
    """Enter a new year from the State Council notice (放假通知): its holidays and adjusted working days."""
    require_calendar(actor, Action.CREATE)
    checker = Checker()
    checker.require(FIRST_YEAR <= year <= LAST_YEAR, "year", f"年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间")
    checker.require(
        not CalendarYear.objects.filter(year=year).exists(),
        "year",
        f"{year}年的工作日历已经存在，请逐日修改或导入文件替换",
    )
    checker.require(len(note) <= 300, "note", "说明不能超过 300 个字")
    kept, errors = _clean_days(year, days)
    checker.require(bool(days), "days", "请至少录入一天法定节假日（国务院放假通知中的日期）")
    for field, messages in errors.items():
        for message in messages:
            checker.require(False, field, message)
    checker.done()
    cal_year = CalendarYear.objects.create(year=year, source=CalendarSource.MANUAL, note=note.strip())
    _store_year(cal_year, kept)
    record_change(
        actor,
        AuditAction.CREATE,
        cal_year,
        scope_path="",
        before=None,
        after={"source": CalendarSource.MANUAL.value, "note": cal_year.note, "days": days_json(kept)},
    )
    _bump()
    return cal_year


def parse_days_text(text: str) -> list[DayInput]:
    """Days typed in a form, one a line: `2027-01-01 休 元旦` or `2027-02-07 班 春节调休`."""
    from .importing import parse_kind

    out: list[DayInput] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        try:
            day = parse_date(parts[0])
            kind = parse_kind(parts[1] if len(parts) > 1 else "")
        except ValueError as exc:
            problems.append(f"第 {number} 行：{exc}")
            continue
        if day is None:
            continue
        out.append(DayInput(day, kind, " ".join(parts[2:])))
    if problems:
        raise ServiceError(field_errors={"days": problems})
    return out
