"""Reading the calendar: the `WorkCalendar` every counter uses (cached per process, rebuilt when a write
bumped the version), the covered years and their special days, and the alert when a year is missing.

The calendar is national and public knowledge: every signed-in role may view it (ObjectType.CALENDAR VIEW),
so these reads are not scoped by organisation path.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.db.models import Count, Q

from .counting import WorkCalendar
from .models import CalendarVersion, CalendarYear, DayKind, SpecialDay

# An alert for next year starts on this day of the current year (the State Council notice usually comes out
# in November or December).
NEXT_YEAR_ALERT_FROM = (11, 1)

_lock = threading.Lock()
_cached: tuple[int, WorkCalendar] | None = None


def calendar_version() -> int:
    found = CalendarVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    return found or 0


def build_calendar() -> WorkCalendar:
    """A fresh calendar from the tables (two queries)."""
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in SpecialDay.objects.values_list("date", "kind"):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(day)
    return WorkCalendar(covered_years=years, holidays=frozenset(holidays), workdays=frozenset(workdays))


def current_calendar() -> WorkCalendar:
    """The calendar as the tables hold it now: one query for the version, a rebuild only after a change."""
    global _cached
    version = calendar_version()
    cached = _cached
    if cached is not None and cached[0] == version:
        return cached[1]
    with _lock:
        calendar = build_calendar()
        _cached = (version, calendar)
    return calendar


def forget_cached_calendar() -> None:
    global _cached
    _cached = None


@dataclass(frozen=True)
class YearSummary:
    year: int
    source: str
    source_label: str
    note: str
    updated_at: dt.datetime
    holidays: int
    workdays: int


def years() -> list[YearSummary]:
    rows = CalendarYear.objects.annotate(
        n_holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
        n_workdays=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
    ).order_by("year")
    return [
        YearSummary(
            year=r.year,
            source=r.source,
            source_label=str(r.get_source_display()),
            note=r.note,
            updated_at=r.updated_at,
            holidays=r.n_holidays,
            workdays=r.n_workdays,
        )
        for r in rows
    ]


def year_row(year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).first()


def special_days(year: int) -> list[SpecialDay]:
    return list(SpecialDay.objects.filter(date__year=year).order_by("date"))


def missing_years(today: dt.date, calendar: WorkCalendar | None = None) -> list[int]:
    """The years that should be covered by now and are not: this year always, next year from 1 November."""
    calendar = calendar or current_calendar()
    wanted = [today.year]
    if (today.month, today.day) >= NEXT_YEAR_ALERT_FROM:
        wanted.append(today.year + 1)
    return [y for y in wanted if not calendar.covers(y)]


def missing_year_alert(today: dt.date) -> str | None:
    """A sentence for administrators (home page, calendar page) when a year is missing; None if all is
    well."""
    missing = missing_years(today)
    if not missing:
        return None
    names = "、".join(f"{y}年" for y in missing)
    if today.year in missing:
        return (
            f"{names}的工作日历尚未维护：按工作日计算的时限无法计算，电子监察的时限检查已暂停。"
            "请根据国务院办公厅的放假通知在“工作日历”中录入或导入。"
        )
    return (
        f"{names}的工作日历尚未维护：国务院办公厅的放假通知通常在11月至12月发布，"
        "发布后请在“工作日历”中录入或导入，否则跨年的时限将无法计算。"
    )
