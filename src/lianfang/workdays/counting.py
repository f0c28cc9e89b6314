"""Counting time limits in working days and calendar days, as Chinese administrative law counts them.

Pure: no database access. `selectors.current_calendar()` builds a `WorkCalendar` from the tables; the rule
engine of electronic supervision builds one per run and counts with it.

The rules:
- a day is a working day if it is a weekday and not a statutory holiday, or if it is an adjusted working day
  (调休上班) on a weekend;
- the day of acceptance is not counted: a limit of n working days ends on the n-th working day after it;
- a limit in calendar days ends n days after acceptance, moved to the next working day if that is a rest day;
- time spent in special procedures (听证, 招标, 拍卖, 检验, 检测, 检疫, 鉴定, 专家评审) is not counted: each
  suspension (an inclusive range of dates) pushes the due date by the working (or calendar) days it covers
  between acceptance and the due date;
- a year without data is never guessed: asking about it raises `MissingCalendarYear`.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from lianfang.core.errors import ServiceError
from lianfang.core.vocabulary import LimitUnit

ONE_DAY = timedelta(days=1)


class MissingCalendarYear(ServiceError):
    """A year the calendar does not cover (its State Council notice has not been entered)."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的工作日历尚未维护（国务院放假通知发布后请在“工作日历”中录入），无法计算工作日",
            field="calendar",
        )


def weekend(d: date) -> bool:
    return d.weekday() >= 5


def merge_ranges(ranges: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Inclusive date ranges sorted and merged where they overlap or touch; reversed ranges refused."""
    cleaned = []
    for start, end in ranges:
        if end < start:
            raise ValueError(f"中止时段的结束日期（{end}）早于开始日期（{start}）")
        cleaned.append((start, end))
    cleaned.sort()
    merged: list[tuple[date, date]] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1] + ONE_DAY:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class WorkCalendar:
    covered_years: frozenset[int]
    holidays: frozenset[date] = frozenset()  # rest days that would otherwise be weekdays
    workdays: frozenset[date] = frozenset()  # adjusted working days that would otherwise be weekends

    # Precomputed over [1 January of the first covered year, 31 December of the last]: one flag and one
    # running count per day, so every question is an index (and a bisect for adding working days).
    _base: int = field(default=0, init=False, repr=False, compare=False)
    _work: bytes = field(default=b"", init=False, repr=False, compare=False)
    _serial: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.covered_years:
            return
        first, last = date(min(self.covered_years), 1, 1), date(max(self.covered_years), 12, 31)
        base = first.toordinal()
        size = last.toordinal() - base + 1
        work = bytearray(size)
        serial = [0] * size
        running = 0
        holidays, workdays, covered = self.holidays, self.workdays, self.covered_years
        for i in range(size):
            d = date.fromordinal(base + i)
            if d.year in covered and ((d.weekday() < 5 and d not in holidays) or d in workdays):
                work[i] = 1
                running += 1
            serial[i] = running
        object.__setattr__(self, "_base", base)
        object.__setattr__(self, "_work", bytes(work))
        object.__setattr__(self, "_serial", tuple(serial))

    # --- coverage --------------------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        return year in self.covered_years

    def _require_years(self, first: int, last: int) -> None:
        for year in range(first, last + 1):
            if year not in self.covered_years:
                raise MissingCalendarYear(year)

    def _index(self, d: date) -> int:
        self._require_years(d.year, d.year)
        return d.toordinal() - self._base

    def _serial_at(self, d: date) -> int:
        """Working days from the start of the table up to and including d (callers check coverage)."""
        i = d.toordinal() - self._base
        if i < 0:
            return 0
        return self._serial[min(i, len(self._serial) - 1)]

    # --- questions -------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        return bool(self._work[self._index(d)])

    def next_workday(self, d: date) -> date:
        """d itself if it is a working day, else the first working day after it."""
        return d if self.is_workday(d) else self.add_working_days(d, 1)

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after start (the day of acceptance is not counted); n=0 gives start."""
        if n < 0:
            raise ValueError("工作日数不能为负数")
        if n == 0:
            self._index(start)
            return start
        self._require_years((start + ONE_DAY).year, (start + ONE_DAY).year)
        target = self._serial_at(start) + n
        i = bisect.bisect_left(self._serial, target, lo=max(0, start.toordinal() - self._base + 1))
        if i >= len(self._serial):
            raise MissingCalendarYear(max(self.covered_years) + 1)
        found = date.fromordinal(self._base + i)
        # Never count across a year without data (a gap between covered years).
        self._require_years((start + ONE_DAY).year, found.year)
        return found

    def add_calendar_days(self, start: date, n: int) -> date:
        """start + n days, moved to the next working day if that day is a rest day."""
        if n < 0:
            raise ValueError("自然日数不能为负数")
        return self.next_workday(start + timedelta(days=n))

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: the day of acceptance not counted, the end day counted."""
        if end <= start:
            return 0
        self._require_years((start + ONE_DAY).year, end.year)
        return self._serial_at(end) - self._serial_at(start)

    def due_date(
        self,
        accepted: date,
        limit: int,
        unit: str,
        suspensions: Sequence[tuple[date, date]] = (),
    ) -> date:
        """The last day of a limit counted from acceptance, suspended time excluded.

        A suspension counts only for the days after acceptance that fall before the (pushed) due date, so
        the result is the day on which the limit's days, not counting suspended ones, run out.
        """
        if limit < 0:
            raise ValueError("时限不能为负数")
        ranges = [(max(s, accepted + ONE_DAY), e) for s, e in merge_ranges(suspensions) if e > accepted]
        if unit == LimitUnit.WORKING_DAYS:
            due = self.add_working_days(accepted, limit)
            while True:
                held = sum(self.working_days_between(s - ONE_DAY, min(e, due)) for s, e in ranges if s <= due)
                pushed = self.add_working_days(accepted, limit + held)
                if pushed == due:
                    return due
                due = pushed
        if unit == LimitUnit.CALENDAR_DAYS:
            end = accepted + timedelta(days=limit)
            while True:
                held = sum((min(e, end) - s).days + 1 for s, e in ranges if s <= end)
                pushed = accepted + timedelta(days=limit + held)
                if pushed == end:
                    return self.next_workday(end)
                end = pushed
        raise ValueError(f"未知的时限单位：{unit}")

    def serial_table(self, start: date, end: date) -> list[tuple[date, bool, int]]:
        """Every date in [start, end] with whether it is a working day and the working days counted from start
        up to and including it: working days in (a, b] = count[b] - count[a]."""
        if end < start:
            return []
        self._require_years(start.year, end.year)
        before = self._serial_at(start - ONE_DAY)
        first = start.toordinal() - self._base
        return [
            (date.fromordinal(self._base + i), bool(self._work[i]), self._serial[i] - before)
            for i in range(first, end.toordinal() - self._base + 1)
        ]

    def span_table(self) -> list[tuple[date, bool, int]]:
        """Every date from the day before the first covered year to the last day of the last one, with whether
        it is a working day and its serial (working days counted from the start). Years inside the span that
        are not covered count no working days: callers check coverage (`covers`) for the dates they use."""
        if not self.covered_years:
            return []
        first = date.fromordinal(self._base)
        return [(first - ONE_DAY, False, 0)] + [
            (date.fromordinal(self._base + i), bool(self._work[i]), self._serial[i])
            for i in range(len(self._serial))
        ]

    def year_days(self, year: int) -> list[tuple[date, bool]]:
        """Every day of a covered year with whether it is a working day (for the month grids)."""
        return [(d, w) for d, w, _n in self.serial_table(date(year, 1, 1), date(year, 12, 31))]
