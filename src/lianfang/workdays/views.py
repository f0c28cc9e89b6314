"""The calendar page (工作日历): covered years, a year's month grids and special days, and for
administrators the forms to change a day, enter a new year from the State Council notice, and import a CSV
file with a dry run first."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianfang.accounts.permissions import Action, ObjectType, can_anywhere
from lianfang.core.errors import PermissionDeniedError, ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import apply_service_error, ui_view

from . import selectors, services
from .forms import PLAIN, DayForm, UploadForm, YearForm
from .importing import CalendarImportError, ImportResult, export_csv, import_calendar, read_csv
from .models import DayKind, SpecialDay

WEEK_HEAD = ["一", "二", "三", "四", "五", "六", "日"]


@dataclass(frozen=True)
class Cell:
    date: dt.date | None
    work: bool = False
    kind: str = ""
    name: str = ""

    @property
    def css(self) -> str:
        if self.date is None:
            return "wd-cell wd-cell--empty"
        if self.kind == DayKind.HOLIDAY:
            return "wd-cell wd-cell--holiday"
        if self.kind == DayKind.WORKDAY:
            return "wd-cell wd-cell--adjusted"
        return "wd-cell" if self.work else "wd-cell wd-cell--rest"


@dataclass(frozen=True)
class Month:
    number: int
    weeks: list[list[Cell]]
    working_days: int


def months(year: int, days: list[SpecialDay]) -> list[Month]:
    special = {d.date: d for d in days}
    work = dict(selectors.current_calendar().year_days(year))
    out = []
    for m in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, m):
            row = []
            for d in week:
                if d.month != m:
                    row.append(Cell(None))
                    continue
                s = special.get(d)
                row.append(Cell(d, work[d], s.kind if s else "", s.name if s else ""))
            weeks.append(row)
        count = sum(1 for d, w in work.items() if w and d.month == m)
        out.append(Month(m, weeks, count))
    return out


def _may_edit(request: HttpRequest) -> bool:
    return can_anywhere(actor_of(request), Action.EDIT, ObjectType.CALENDAR)


def _require_view(request: HttpRequest) -> None:
    if not can_anywhere(actor_of(request), Action.VIEW, ObjectType.CALENDAR):
        raise PermissionDeniedError(_("您没有查看工作日历的权限"))


def _page(request: HttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    today = timezone.localdate()
    summaries = selectors.years()
    covered = [y.year for y in summaries]
    try:
        year = int(request.GET.get("year") or request.POST.get("show_year") or 0)
    except ValueError:
        year = 0
    if year not in covered:
        year = today.year if today.year in covered else (covered[-1] if covered else 0)
    days = selectors.special_days(year) if year else []
    context = {
        "alert": selectors.missing_year_alert(today),
        "years": summaries,
        "year": year,
        "months": months(year, days) if year else [],
        "days": days,
        "week_head": WEEK_HEAD,
        "may_edit": _may_edit(request),
        "day_form": forms.get("day_form") or DayForm(),
        "year_form": forms.get("year_form") or YearForm(initial={"year": max([*covered, today.year]) + 1}),
        "upload_form": forms.get("upload_form") or UploadForm(),
        "preview": forms.get("preview"),
        "import_errors": forms.get("import_errors"),
    }
    return render(request, "workdays/calendar.html", context, status=status)


@login_required
@ui_view
def calendar_page(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    return _page(request)


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('workdays:calendar')}?year={year}")


@login_required
@ui_view
@require_POST
def day_edit(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = DayForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        kind = None if d["kind"] == PLAIN else d["kind"]
        try:
            services.set_day(actor_of(request), d["date"], kind, d["name"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(date)s 已保存。") % {"date": f"{d['date']:%Y-%m-%d}"})
            return _back(d["date"].year)
    return _page(request, status=400, day_form=form)


@login_required
@ui_view
@require_POST
def year_add(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = YearForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            days = services.parse_days_text(d["days"])
            services.add_year(actor_of(request), d["year"], days, d["note"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(year)s 年的工作日历已建立。") % {"year": d["year"]})
            return _back(d["year"])
    return _page(request, status=400, year_form=form)


@login_required
@ui_view
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    _require_view(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, status=400, upload_form=form)
    dry_run = bool(form.cleaned_data["dry_run"])
    try:
        result: ImportResult = import_calendar(
            actor_of(request), read_csv(form.cleaned_data["file"].read()), dry_run=dry_run
        )
    except CalendarImportError as exc:
        return _page(request, status=400, upload_form=form, import_errors=exc.errors)
    except ServiceError as exc:
        apply_service_error(form, exc)
        return _page(request, status=400, upload_form=form)
    if dry_run:
        return _page(request, upload_form=UploadForm(initial={"dry_run": False}), preview=result)
    messages.success(request, result.summary())
    return _back(result.years[0].year if result.years else timezone.localdate().year)


@login_required
@ui_view
def year_csv(request: HttpRequest, year: int) -> HttpResponse:
    _require_view(request)
    response = HttpResponse(("\ufeff" + export_csv(year)).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="calendar-{year}.csv"'
    return response
