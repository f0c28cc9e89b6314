"""The working-day calendar: which years are covered, and the days that break the weekday rule.

Only exceptions are stored: a statutory holiday falling on a weekday (法定节假日) and a weekend day worked
instead (调休上班). Every other day of a covered year is a working day from Monday to Friday. A year without
a `CalendarYear` row is not covered, and counting across it is refused, never guessed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.i18n import source_text

FIRST_YEAR = 1990
LAST_YEAR = 2100


class CalendarSource(models.TextChoices):
    SEEDED = "seeded", _("chinesecalendar 预置")
    IMPORTED = "imported", _("文件导入")
    MANUAL = "manual", _("手工录入")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日")
    WORKDAY = "workday", _("调休上班")


class CalendarYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=10, choices=CalendarSource.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("日历年度")
        verbose_name_plural = _("日历年度")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR), name="calendar_year_range"
            ),
            models.CheckConstraint(
                condition=Q(source__in=CalendarSource.values), name="calendar_year_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年工作日历"


class SpecialDay(models.Model):
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    year = models.ForeignKey(
        CalendarYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days"
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("特殊日期")
        verbose_name_plural = _("特殊日期")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DayKind.values), name="special_day_kind_valid"),
        ]

    def __str__(self) -> str:
        named = f"（{self.name}）" if self.name else ""
        return f"{self.date:%Y-%m-%d} {source_text(DayKind(self.kind).label)}{named}"


class CalendarVersion(models.Model):
    """One row whose counter every write bumps, so each process rebuilds its cached calendar when it changed.

    Operational bookkeeping (like a cache key), not business data: not audited itself."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("日历版本")
        verbose_name_plural = _("日历版本")

    def __str__(self) -> str:
        return f"工作日历版本 {self.version}"
