"""Seeding, editing, entering a year and importing: results, permissions, audit, cache invalidation."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from lianfang.accounts.models import Role
from lianfang.audit.models import AuditAction, AuditEntry
from lianfang.core.errors import PermissionDeniedError, ServiceError
from lianfang.workdays import selectors, services
from lianfang.workdays.counting import MissingCalendarYear
from lianfang.workdays.importing import CalendarImportError, import_calendar, read_csv
from lianfang.workdays.models import CalendarSource, CalendarYear, DayKind, SpecialDay
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, user_with_role

D = dt.date
pytestmark = pytest.mark.django_db


def test_seeding_every_covered_year_agrees_with_chinesecalendar_day_by_day() -> None:
    counts = services.seed_from_chinesecalendar(SYSTEM)
    assert counts["created"] == 23
    calendar = selectors.current_calendar()
    assert calendar.covered_years == frozenset(range(2004, 2027))
    d = D(2004, 1, 1)
    while d.year <= 2026:
        assert calendar.is_workday(d) == chinese_calendar.is_workday(d), d
        d += dt.timedelta(days=1)
    # Only exceptions to the weekday rule are stored.
    assert not SpecialDay.objects.filter(kind=DayKind.HOLIDAY, date__week_day__in=[1, 7]).exists()
    assert SpecialDay.objects.get(date=D(2026, 2, 16)).name == "春节"  # 除夕 2026
    # Seeding again keeps the years as they are.
    assert services.seed_from_chinesecalendar(SYSTEM, [2026])["skipped"] == 1


def test_seed_outside_chinesecalendar_is_refused() -> None:
    with pytest.raises(ServiceError) as exc:
        services.seed_from_chinesecalendar(SYSTEM, [2027])
    assert "2004–2026" in exc.value.message


def test_missing_year_error_through_the_selector() -> None:
    services.seed_from_chinesecalendar(SYSTEM, [2026])
    with pytest.raises(MissingCalendarYear) as exc:
        selectors.current_calendar().add_working_days(D(2026, 12, 31), 1)
    assert exc.value.message.startswith("2027年的工作日历尚未维护")
    with pytest.raises(MissingCalendarYear):
        selectors.current_calendar().is_workday(D(2003, 5, 1))


def test_set_day_changes_the_cached_calendar_and_is_audited() -> None:
    services.seed_from_chinesecalendar(SYSTEM, [2026])
    calendar = selectors.current_calendar()
    assert calendar.is_workday(D(2026, 3, 9))
    assert selectors.current_calendar() is calendar  # cached while nothing changed
    services.set_day(SYSTEM, D(2026, 3, 9), DayKind.HOLIDAY, "临时假日")
    assert not selectors.current_calendar().is_workday(D(2026, 3, 9))
    entry = AuditEntry.objects.filter(object_type="workdays.specialday").latest("seq")
    assert entry.action == AuditAction.CREATE and "临时假日" in entry.after
    services.set_day(SYSTEM, D(2026, 3, 9), None)
    assert selectors.current_calendar().is_workday(D(2026, 3, 9))
    assert (
        AuditEntry.objects.filter(object_type="workdays.specialday").latest("seq").action
        == AuditAction.DELETE
    )


def test_set_day_refuses_what_is_not_an_exception_and_uncovered_years() -> None:
    services.seed_from_chinesecalendar(SYSTEM, [2026])
    with pytest.raises(ServiceError, match="本来就是休息日"):
        services.set_day(SYSTEM, D(2026, 3, 7), DayKind.HOLIDAY, "")
    with pytest.raises(ServiceError, match="本来就是工作日"):
        services.set_day(SYSTEM, D(2026, 3, 9), DayKind.WORKDAY, "")
    with pytest.raises(ServiceError, match="2027年的工作日历尚未建立"):
        services.set_day(SYSTEM, D(2027, 1, 1), DayKind.HOLIDAY, "元旦")


def test_permissions_post_holder_cannot_edit_sysadmin_and_supervisor_can(org: TwoUnits) -> None:
    services.seed_from_chinesecalendar(SYSTEM, [2026])
    holder = actor_of(user_with_role(Role.POST_HOLDER, org.finance_office))
    with pytest.raises(PermissionDeniedError, match="工作日历"):
        services.set_day(holder, D(2026, 3, 9), DayKind.HOLIDAY, "")
    with pytest.raises(PermissionDeniedError):
        services.add_year(holder, 2027, [services.DayInput(D(2027, 1, 1), DayKind.HOLIDAY, "元旦")])
    with pytest.raises(PermissionDeniedError):
        import_calendar(holder, [{"date": "2027-01-01", "kind": "休", "name": "元旦"}])
    admin = actor_of(user_with_role(Role.SYSADMIN, org.city))
    services.set_day(admin, D(2026, 3, 9), DayKind.HOLIDAY, "")
    supervisor = actor_of(user_with_role(Role.SUPERVISOR, org.college))
    services.set_day(supervisor, D(2026, 3, 9), None)
    entry = AuditEntry.objects.filter(object_type="workdays.specialday").latest("seq")
    assert entry.actor_id == supervisor.ident


def test_add_year_from_the_notice() -> None:
    days = services.parse_days_text(
        "2027-01-01 休 元旦\n2027-01-02 休 元旦\n2027-02-05 休 春节\n2027-02-06 班 春节调休\n"
    )
    year = services.add_year(SYSTEM, 2027, days, "国办发明电〔2026〕1号")
    assert year.source == CalendarSource.MANUAL
    # 2 January 2027 is a Saturday: accepted, not stored.
    assert sorted(str(d.date) for d in year.days.all()) == ["2027-01-01", "2027-02-05", "2027-02-06"]
    calendar = selectors.current_calendar()
    assert calendar.is_workday(D(2027, 2, 6)) and not calendar.is_workday(D(2027, 2, 5))
    entry = AuditEntry.objects.filter(object_type="workdays.calendaryear").latest("seq")
    assert entry.action == AuditAction.CREATE and "2027-02-06" in entry.after
    with pytest.raises(ServiceError, match="已经存在"):
        services.add_year(SYSTEM, 2027, days)
    with pytest.raises(ServiceError) as exc:
        services.add_year(SYSTEM, 2028, [services.DayInput(D(2028, 1, 3), DayKind.WORKDAY, "")])
    assert "本来就是工作日" in exc.value.message
    with pytest.raises(ServiceError, match="第 1 行"):
        services.parse_days_text("2028-13-01 休")


CSV_2027 = (
    "日期,类型,名称\n2027-01-01,休,元旦\n2027-02-05,holiday,春节\n"
    "2027-02-06,班,春节调休\n2027-02-07,休,春节\n"
)


def test_import_creates_a_year_and_dry_run_writes_nothing() -> None:
    before = AuditEntry.objects.count()
    preview = import_calendar(SYSTEM, read_csv(CSV_2027.encode("utf-8-sig")), dry_run=True)
    assert preview.years[0].new and len(preview.years[0].added) == 3 and preview.years[0].ignored == 1
    assert "试运行" in preview.summary()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert AuditEntry.objects.count() == before
    result = import_calendar(SYSTEM, read_csv(CSV_2027.encode("gb18030")))
    assert not result.dry_run
    row = CalendarYear.objects.get(year=2027)
    assert row.source == CalendarSource.IMPORTED and row.days.count() == 3
    assert selectors.current_calendar().is_workday(D(2027, 2, 6))
    assert (
        AuditEntry.objects.filter(action=AuditAction.IMPORT, object_type="workdays.calendaryear").count() == 1
    )


def test_import_replaces_a_year_and_previews_the_difference() -> None:
    services.seed_from_chinesecalendar(SYSTEM, [2026])
    text = "date,kind,name\n2026-01-01,holiday,元旦\n2026-01-02,workday,错误\n2026-03-09,holiday,新增\n"
    with pytest.raises(CalendarImportError):
        import_calendar(SYSTEM, read_csv(text))
    text = "date,kind,name\n2026-01-01,holiday,元旦节\n2026-03-09,holiday,新增\n"
    preview = import_calendar(SYSTEM, read_csv(text), dry_run=True)
    change = preview.years[0]
    assert not change.new
    assert [d.date for d in change.added] == [D(2026, 3, 9)]
    assert [(a.name, b.name) for a, b in change.changed] == [("元旦", "元旦节")]
    assert len(change.removed) == SpecialDay.objects.filter(date__year=2026).count() - 1
    import_calendar(SYSTEM, read_csv(text))
    assert SpecialDay.objects.filter(date__year=2026).count() == 2


def test_import_errors_name_every_row_and_nothing_is_written() -> None:
    text = (
        "日期,类型,名称\n"
        "2027-01-01,休,元旦\n"  # row 2: fine
        "2027-02-30,休,春节\n"  # row 3: no such day
        "2027-02-06,放假吗,春节\n"  # row 4: unknown kind
        "2027-01-04,班,周一\n"  # row 5: a Monday is a working day anyway
        "2027-01-01,休,重复\n"  # row 6: duplicate of row 2
        ",休,\n"  # row 7: no date
    )
    with pytest.raises(CalendarImportError) as exc:
        import_calendar(SYSTEM, read_csv(text))
    rows = sorted({e.row for e in exc.value.errors})
    assert rows == [3, 4, 5, 6, 7]
    assert "第 3 行 [日期]：日期“2027-02-30”不存在" in exc.value.message
    assert any("与第 2 行重复" in e.message for e in exc.value.errors)
    assert not CalendarYear.objects.filter(year=2027).exists()
    with pytest.raises(CalendarImportError, match="缺少列"):
        read_csv("名称\n元旦\n")
