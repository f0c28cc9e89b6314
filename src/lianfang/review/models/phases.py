"""The phases of a yearly cycle (seed 002 §五) with the dates the supervising office sets."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    MOBILISE = "mobilise", _("宣传动员")
    INVESTIGATE = "investigate", _("全面排查")
    ASSESS = "assess", _("科学评估")
    MECHANISM = "mechanism", _("健全机制")
    INSPECT = "inspect", _("检查考核")


class CyclePhase(models.Model):
    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("年度周期"), on_delete=models.CASCADE, related_name="phases"
    )
    phase = models.CharField(_("阶段"), max_length=12, choices=Phase.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("截止日期"))
    note = models.TextField(_("工作要求"), blank=True)

    class Meta:
        ordering = ["cycle_id", "starts_on", "id"]
        verbose_name = _("工作阶段")
        verbose_name_plural = _("工作阶段")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "phase"], name="phase_once_per_cycle"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="phase_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()}（{self.starts_on}—{self.ends_on}）"
