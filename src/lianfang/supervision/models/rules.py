"""The supervision rules, and their per-power settings (switch and parameters); defaults apply where a power
has no row."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rule(models.TextChoices):
    SKIPPED_STEP = "skipped_step", _("跳过环节")
    OUT_OF_ORDER = "out_of_order", _("环节顺序错误")
    UNKNOWN_STEP = "unknown_step", _("未知环节")
    STEP_OVERDUE = "step_overdue", _("环节超时")
    NEAR_PROMISED = "near_promised", _("临近承诺时限（预警）")
    PROMISED_EXCEEDED = "promised_exceeded", _("超过承诺时限（黄牌）")
    STATUTORY_EXCEEDED = "statutory_exceeded", _("超过法定时限（红牌）")
    SEPARATION = "separation", _("不相容环节由同一人办理")
    DISCRETION = "discretion", _("裁量超出基准")
    REOPENED = "reopened", _("办结后重新办理")
    WRONG_POST = "wrong_post", _("非本岗位人员办理")


class RuleSetting(models.Model):
    power = models.ForeignKey("powers.Power", on_delete=models.CASCADE, related_name="rule_settings")
    rule = models.CharField(_("规则"), max_length=20, choices=Rule.choices)
    enabled = models.BooleanField(_("启用"), default=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)  # e.g. {"days_before": 2} for 预警

    class Meta:
        ordering = ["power_id", "rule"]
        verbose_name = _("监察规则设置")
        verbose_name_plural = _("监察规则设置")
        constraints = [models.UniqueConstraint(fields=["power", "rule"], name="rule_setting_once")]

    def __str__(self) -> str:
        return f"{self.power_id}:{self.rule}"
