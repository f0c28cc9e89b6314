"""The pure counting rules, against chinesecalendar's own answers (no database)."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from chinese_calendar import constants
from hypothesis import given, settings
from hypothesis import strategies as st

from lianfang.core.vocabulary import LimitUnit
from lianfang.workdays.counting import MissingCalendarYear, WorkCalendar
from lianfang.workdays.services import chinesecalendar_calendar

FIRST, LAST = min(d.year for d in constants.holidays), max(d.year for d in constants.holidays)
D = dt.date


def build(years: range = range(FIRST, LAST + 1)) -> WorkCalendar:
    return chinesecalendar_calendar(years)


CAL = build()


def test_chinesecalendar_covers_2004_to_2026() -> None:
    assert (FIRST, LAST) == (2004, 2026)


def test_every_day_of_every_covered_year_agrees_with_chinesecalendar() -> None:
    d, checked = D(FIRST, 1, 1), 0
    while d.year <= LAST:
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d
        d += dt.timedelta(days=1)
        checked += 1
    assert checked == sum(366 if y % 4 == 0 else 365 for y in range(FIRST, LAST + 1))


def test_2026_spring_festival_eve_is_a_rest_day_and_adjusted_weekends_are_working_days() -> None:
    # 除夕 2026 is Monday 16 February (春节 17 February); chinesecalendar lists it as a holiday.
    eve = D(2026, 2, 16)
    assert eve.weekday() == 0 and eve in constants.holidays
    assert not CAL.is_workday(eve)
    # 调休: Sunday 4 January and Saturday 14 February 2026 are working days.
    assert D(2026, 1, 4).weekday() == 6 and CAL.is_workday(D(2026, 1, 4))
    assert D(2026, 2, 14).weekday() == 5 and CAL.is_workday(D(2026, 2, 14))
    # An ordinary weekend is not.
    assert not CAL.is_workday(D(2026, 3, 7))


def test_acceptance_day_is_not_counted() -> None:
    # Accepted Friday 6 March 2026, limit 1 working day: Monday 9 March.
    assert CAL.add_working_days(D(2026, 3, 6), 1) == D(2026, 3, 9)
    # Accepted Thursday 30 April 2026 (劳动节 1–5 May, Saturday 9 May worked): 1 day → Wednesday 6 May.
    assert CAL.add_working_days(D(2026, 4, 30), 1) == D(2026, 5, 6)
    # Accepted Friday 13 February 2026: the next working day is the adjusted Saturday 14 February.
    assert CAL.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # Accepted on a rest day: counting starts after it all the same.
    assert CAL.add_working_days(D(2026, 3, 7), 1) == D(2026, 3, 9)
    assert CAL.add_working_days(D(2026, 3, 6), 0) == D(2026, 3, 6)
    assert CAL.working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1
    assert CAL.working_days_between(D(2026, 3, 9), D(2026, 3, 6)) == 0


def test_twenty_working_days_over_national_day() -> None:
    # Accepted Monday 28 September 2026: 国庆 1–7 October, Saturday 10 October worked: 29, 30 September,
    # 8, 9, 10 October, then three full weeks.
    due = CAL.due_date(D(2026, 9, 28), 20, LimitUnit.WORKING_DAYS)
    assert CAL.working_days_between(D(2026, 9, 28), due) == 20
    assert CAL.is_workday(due)
    assert due == D(2026, 10, 30)


def test_calendar_day_limit_ending_on_a_rest_day_moves_to_the_next_working_day() -> None:
    # Accepted 28 September 2026, 5 calendar days → 3 October (国庆) → 8 October, the first working day.
    assert CAL.due_date(D(2026, 9, 28), 5, LimitUnit.CALENDAR_DAYS) == D(2026, 10, 8)
    # Ending on a Saturday → Monday.
    assert CAL.add_calendar_days(D(2026, 3, 2), 5) == D(2026, 3, 9)
    # Ending on a working day: stays.
    assert CAL.add_calendar_days(D(2026, 3, 2), 3) == D(2026, 3, 5)
    assert CAL.next_workday(D(2026, 3, 5)) == D(2026, 3, 5)


def test_suspensions_extend_the_due_date() -> None:
    accepted = D(2026, 3, 2)
    plain = CAL.due_date(accepted, 20, LimitUnit.WORKING_DAYS)
    assert plain == D(2026, 3, 30)
    # 听证 9–13 March: five working days not counted; 3 April + 6 April fall in 清明 → 7 April.
    held = CAL.due_date(accepted, 20, LimitUnit.WORKING_DAYS, [(D(2026, 3, 9), D(2026, 3, 13))])
    assert held == D(2026, 4, 7)
    # Overlapping suspensions count once; a suspension after the due date does not count.
    overlapping = [
        (D(2026, 3, 9), D(2026, 3, 11)),
        (D(2026, 3, 10), D(2026, 3, 13)),
        (D(2026, 6, 1), D(2026, 6, 5)),
    ]
    assert CAL.due_date(accepted, 20, LimitUnit.WORKING_DAYS, overlapping) == held
    # A suspension running past the due date pushes it to the remaining days after the suspension.
    late = CAL.due_date(accepted, 20, LimitUnit.WORKING_DAYS, [(D(2026, 3, 27), D(2026, 4, 10))])
    # 18 working days ran before it (3–26 March), 2 remain after it.
    assert late == CAL.add_working_days(D(2026, 4, 10), 2) == D(2026, 4, 14)
    # Calendar days: 10 days plus a 3-day 检验 → 15 March (a Sunday) → 16 March.
    assert CAL.due_date(accepted, 10, LimitUnit.CALENDAR_DAYS, [(D(2026, 3, 4), D(2026, 3, 6))]) == D(
        2026, 3, 16
    )
    with pytest.raises(ValueError):
        CAL.due_date(accepted, 5, LimitUnit.WORKING_DAYS, [(D(2026, 3, 6), D(2026, 3, 4))])


@pytest.mark.parametrize("year", [2027, 2003])
def test_missing_year_is_an_error_not_a_guess(year: int) -> None:
    message = f"{year}年的工作日历尚未维护（国务院放假通知发布后请在“工作日历”中录入），无法计算工作日"
    with pytest.raises(MissingCalendarYear) as exc:
        CAL.is_workday(D(year, 6, 1))
    assert exc.value.year == year and exc.value.message == message


def test_counting_into_a_missing_year_is_refused() -> None:
    with pytest.raises(MissingCalendarYear) as exc:
        CAL.add_working_days(D(2026, 12, 30), 3)
    assert exc.value.year == 2027
    with pytest.raises(MissingCalendarYear):
        CAL.due_date(D(2026, 12, 20), 30, LimitUnit.CALENDAR_DAYS)
    with pytest.raises(MissingCalendarYear):
        CAL.working_days_between(D(2026, 12, 1), D(2027, 1, 10))
    # A gap between covered years is never counted over.
    gap = WorkCalendar(frozenset({2024, 2026}), CAL.holidays, CAL.workdays)
    with pytest.raises(MissingCalendarYear) as exc:
        gap.add_working_days(D(2024, 12, 30), 5)
    assert exc.value.year == 2025
    with pytest.raises(MissingCalendarYear):
        WorkCalendar(frozenset()).is_workday(D(2026, 1, 5))


def test_serial_table_differences_are_working_days_between() -> None:
    table = CAL.serial_table(D(2025, 12, 1), D(2026, 2, 28))
    serial = {d: n for d, _w, n in table}
    assert len(table) == 90
    for a, b in [
        (D(2025, 12, 1), D(2026, 2, 28)),
        (D(2025, 12, 31), D(2026, 1, 5)),
        (D(2026, 2, 13), D(2026, 2, 24)),
    ]:
        assert serial[b] - serial[a] == CAL.working_days_between(a, b)
    assert all(w == CAL.is_workday(d) for d, w, _n in table)


covered_dates = st.dates(min_value=D(FIRST, 1, 1), max_value=D(LAST, 10, 31))


@settings(max_examples=300, deadline=None)
@given(start=covered_dates, n=st.integers(min_value=0, max_value=40))
def test_working_days_between_inverts_add_working_days(start: dt.date, n: int) -> None:
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    assert n == 0 or CAL.is_workday(end)
