"""The calendar page, the API, the console command and the coverage alert."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role
from lianfang.review.models import Notification
from lianfang.workdays import selectors, services
from lianfang.workdays.alerts import check_coverage
from lianfang.workdays.demo import load_calendar_demo
from lianfang.workdays.models import CalendarYear, SpecialDay
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, user_with_role
from tests.ui.pages import html_of, main_of

D = dt.date
pytestmark = pytest.mark.django_db


def login(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_page_shows_years_grid_and_forms_for_admins_only(org: TwoUnits) -> None:
    load_calendar_demo(SYSTEM)
    admin = login(user_with_role(Role.SYSADMIN, org.city))
    html = main_of(html_of(admin, "/workdays/?year=2026"))
    assert 'id="month-grid"' in html and "wd-cell--holiday" in html and "wd-cell--adjusted" in html
    assert "2026-02-16" in html and 'id="day-form"' in html and 'id="import-form"' in html
    assert ' style="' not in html and "<script>" not in html
    holder = login(user_with_role(Role.POST_HOLDER, org.finance_office))
    html = main_of(html_of(holder, "/workdays/"))
    assert 'id="month-grid"' in html and 'id="day-form"' not in html
    assert holder.post("/workdays/day/", {"date": "2026-03-09", "kind": "holiday"}).status_code == 403


def test_page_warns_when_the_current_year_is_missing(org: TwoUnits) -> None:
    admin = login(user_with_role(Role.SYSADMIN, org.city))
    html = main_of(html_of(admin, "/workdays/"))
    assert 'id="calendar-alert"' in html and "工作日历尚未维护" in html


def test_missing_year_alert_from_november() -> None:
    services.seed_from_chinesecalendar(SYSTEM, [2026])
    assert selectors.missing_year_alert(D(2026, 10, 31)) is None
    alert = selectors.missing_year_alert(D(2026, 11, 1))
    assert alert is not None and alert.startswith("2027年的工作日历尚未维护")
    current = selectors.missing_year_alert(D(2027, 1, 4))
    assert current is not None and "已暂停" in current


def test_forms_change_a_day_add_a_year_and_import_with_dry_run(org: TwoUnits) -> None:
    services.seed_from_chinesecalendar(SYSTEM, [2026])
    admin = login(user_with_role(Role.SUPERVISOR, org.college))
    response = admin.post("/workdays/day/", {"date": "2026-03-09", "kind": "holiday", "name": "测试"})
    assert response.status_code == 302
    assert SpecialDay.objects.get(date=D(2026, 3, 9)).name == "测试"
    bad = admin.post("/workdays/day/", {"date": "2026-03-07", "kind": "holiday", "name": ""})
    assert bad.status_code == 400 and "本来就是休息日" in bad.content.decode()
    response = admin.post("/workdays/year/", {"year": "2027", "note": "", "days": "2027-01-01 休 元旦"})
    assert response.status_code == 302 and CalendarYear.objects.filter(year=2027).exists()
    csv = "日期,类型,名称\n2028-01-03,休,元旦\n".encode()
    preview = admin.post("/workdays/import/", {"file": SimpleUploadedFile("c.csv", csv), "dry_run": "on"})
    assert preview.status_code == 200 and 'id="import-preview"' in preview.content.decode()
    assert not CalendarYear.objects.filter(year=2028).exists()
    wrong = admin.post(
        "/workdays/import/", {"file": SimpleUploadedFile("c.csv", b"date,kind\n2028-01-01,x\n")}
    )
    assert wrong.status_code == 400 and "第 2 行" in wrong.content.decode()
    done = admin.post("/workdays/import/", {"file": SimpleUploadedFile("c.csv", csv)})
    assert done.status_code == 302 and CalendarYear.objects.filter(year=2028).exists()
    exported = admin.get("/workdays/2026.csv").content.decode("utf-8-sig")
    assert "2026-03-09,休,测试" in exported


def test_api_count_due_years_and_put_day(org: TwoUnits) -> None:
    load_calendar_demo(SYSTEM)
    _, key = account_services.create_token(
        SYSTEM, name="业务系统", unit=org.college, scopes=["supervision:read"]
    )
    token = Client(headers={"Authorization": f"Bearer {key}"})
    assert [y["year"] for y in token.get("/api/workdays/years").json()] == [2024, 2025, 2026]
    body = token.get("/api/workdays/2026").json()
    assert {"date": "2026-02-16", "kind": "holiday", "name": "春节"} in body["days"]
    assert token.get("/api/workdays/2027").status_code == 404
    assert token.get("/api/workdays/count?start=2026-03-06&end=2026-03-09").json()["working_days"] == 1
    due = token.get("/api/workdays/due?accepted=2026-09-28&limit=5&unit=calendar").json()
    assert due["due"] == "2026-10-08"
    missing = token.get("/api/workdays/due?accepted=2026-12-28&limit=10&unit=working")
    assert missing.status_code == 400 and missing.json()["detail"].startswith("2027年的工作日历尚未维护")
    assert (
        token.put("/api/workdays/days/2026-03-09", {"kind": "holiday"}, "application/json").status_code == 403
    )
    admin = login(user_with_role(Role.SYSADMIN, org.city))
    admin.get("/workdays/")
    csrf = admin.cookies["csrftoken"].value
    ok = admin.put(
        "/api/workdays/days/2026-03-09",
        {"kind": "holiday", "name": "测试"},
        "application/json",
        headers={"X-CSRFToken": csrf},
    )
    assert ok.status_code == 200, ok.content
    assert not selectors.current_calendar().is_workday(D(2026, 3, 9))


def test_coverage_job_notifies_sysadmins_and_supervisors_once(org: TwoUnits) -> None:
    services.seed_from_chinesecalendar(SYSTEM, [2026])
    sysadmin = user_with_role(Role.SYSADMIN, org.city)
    supervisor = user_with_role(Role.SUPERVISOR, org.college)
    holder = user_with_role(Role.POST_HOLDER, org.finance_office)
    assert check_coverage(D(2026, 6, 1))["notified"] == 0
    result = check_coverage(D(2026, 11, 2))
    assert result == {"missing": [2027], "notified": 2}
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {sysadmin.pk, supervisor.pk}
    assert not Notification.objects.filter(recipient=holder).exists()
    assert check_coverage(D(2026, 11, 3))["notified"] == 0  # once


def test_console_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("calendar", "seed", "--years", "2025-2026")
    assert set(CalendarYear.objects.values_list("year", flat=True)) == {2025, 2026}
    call_command("calendar", "show", "2026")
    out = capsys.readouterr().out
    assert "2026-02-16 周一 休 春节" in out and "全年工作日" in out
    call_command("calendar", "check", "2026")
    with pytest.raises(SystemExit) as exit_:
        call_command("calendar", "check", "2027")
    assert exit_.value.code == 1
    path = tmp_path / "c.csv"
    path.write_text("日期,类型,名称\n2027-01-01,休,元旦\n", encoding="utf-8")
    call_command("calendar", "import", str(path), "--dry-run")
    assert not CalendarYear.objects.filter(year=2027).exists()
    call_command("calendar", "import", str(path))
    assert CalendarYear.objects.filter(year=2027).exists()
