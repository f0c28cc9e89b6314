"""What the rules raise: an alert (提示/预警) or a card (黄牌/红牌), with its life
(待发 → 已发 → 撤销/督办) and the handling department's appeal (申诉), decided by the supervising office
(撤销, 驳回, 上报).

`fingerprint` makes re-evaluation idempotent: the same finding on the same case is one alert, however often
the case is checked. Every alert names where it happened: case, step, power, department, post, person and,
where one exists, the risk point on that step.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .rules import Rule


class AlertLevel(models.TextChoices):
    # Contexts: the same Chinese words name other things elsewhere (a risk's 提示 are warnings, an
    # account's 撤销 is a revocation), and English needs different words for them.
    NOTICE = "notice", pgettext_lazy("alert level", "提示")
    WARNING = "warning", _("预警")
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


class AlertState(models.TextChoices):
    PENDING = "pending", _("待发")
    ISSUED = "issued", _("已发")
    WITHDRAWN = "withdrawn", pgettext_lazy("alert state", "撤销")
    ESCALATED = "escalated", _("督办")


class AppealState(models.TextChoices):
    NONE = "", _("未申诉")
    APPEALED = "appealed", _("申诉中")
    UPHELD = "upheld", _("申诉成立（撤销）")
    REJECTED = "rejected", _("申诉驳回")
    REPORTED = "reported", _("已上报")


class Alert(models.Model):
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("supervision.Case", on_delete=models.CASCADE, related_name="alerts")
    rule = models.CharField(_("规则"), max_length=20, choices=Rule.choices)
    level = models.CharField(_("级别"), max_length=8, choices=AlertLevel.choices)
    state = models.CharField(_("状态"), max_length=10, choices=AlertState.choices, default=AlertState.PENDING)
    fingerprint = models.CharField(max_length=200)
    path = models.CharField(max_length=500, editable=False, db_index=True)
    power = models.ForeignKey(
        "powers.Power", verbose_name=_("职权"), on_delete=models.PROTECT, related_name="+"
    )
    step_code = models.CharField(_("环节"), max_length=100, blank=True)
    step = models.ForeignKey(
        "powers.FlowStep",
        verbose_name=_("流程环节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    post = models.ForeignKey(
        "org.Post", verbose_name=_("岗位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    risk = models.ForeignKey(
        "risks.RiskPoint",
        verbose_name=_("风险点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.TextField(_("说明"))
    facts = models.JSONField(_("依据数据"), default=dict, blank=True)
    found_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    issued_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    appeal_state = models.CharField(
        _("申诉"), max_length=10, choices=AppealState.choices, default=AppealState.NONE, blank=True
    )
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    appealed_by = models.CharField(_("申诉人"), max_length=200, blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)
    decided_by = models.CharField(_("处理人"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("监察告警")
        verbose_name_plural = _("监察告警")
        constraints = [
            models.UniqueConstraint(fields=["case", "fingerprint"], name="alert_once_per_finding"),
            models.CheckConstraint(
                condition=~models.Q(appeal_state="appealed") | ~models.Q(appeal_reason=""),
                name="alert_appeal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["unit", "state"]), models.Index(fields=["unit", "level"])]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.case_id} {self.rule}"
