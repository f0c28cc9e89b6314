"""The yearly cycle (年度周期) of a unit: every catalog, flowchart, risk point and measure belongs to one.

Opening next year's cycle copies this year's records forward as drafts, each keeping a link to its
predecessor, so any item can be compared with last year (动态管理, DOMAIN §1).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CycleStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Cycle(models.Model):
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="cycles"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一年度"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next",
    )
    opened_at = models.DateTimeField(_("开启时间"), auto_now_add=True)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "-year"]
        verbose_name = _("年度周期")
        verbose_name_plural = _("年度周期")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="cycle_one_per_unit_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="cycle_year_range"),
            models.CheckConstraint(
                condition=Q(status="open", closed_on__isnull=True)
                | Q(status="closed", closed_on__isnull=False),
                name="cycle_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.year}年度"
