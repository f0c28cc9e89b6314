"""A case (办件) of a power handled in a business system, and the events it reports.

A case is known by the business system's own id (`external_id`, unique in its unit) and belongs to a power
and so to that power's flowchart. Events are stored once each (`key`: the sender's event id, or a digest of
the event's content) and may arrive late and out of order; the engine always reads them by timestamp.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    COMPLETED = "completed", _("已办结")


class Case(models.Model):
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    power = models.ForeignKey(
        "powers.Power", verbose_name=_("职权"), on_delete=models.PROTECT, related_name="cases"
    )
    flow = models.ForeignKey(
        "powers.Flowchart",
        verbose_name=_("流程图"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("办理部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    path = models.CharField(max_length=500, editable=False, db_index=True)
    external_id = models.CharField(_("案件编号"), max_length=100)
    source = models.CharField(_("来源系统"), max_length=100, blank=True)
    title = models.CharField(_("案件名称"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Kept by the services from the flow's limits and the working-day calendar (for boards and the job).
    promised_due = models.DateField(_("承诺办结期限"), null=True, blank=True)
    statutory_due = models.DateField(_("法定办结期限"), null=True, blank=True)
    event_count = models.PositiveIntegerField(_("事件数"), default=0)
    last_event_at = models.DateTimeField(_("最近事件时间"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("最近检查时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        ordering = ["-accepted_at", "-id"]
        verbose_name = _("监察案件")
        verbose_name_plural = _("监察案件")
        constraints = [
            models.UniqueConstraint(fields=["unit", "external_id"], name="case_unique_external_id"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(completed_at__isnull=False), name="case_completed_has_time"
            ),
        ]
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["power", "status"])]

    def __str__(self) -> str:
        return self.external_id


class Event(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    key = models.CharField(max_length=100)  # the sender's event id, or sha256 of the event's content
    activity = models.CharField(_("环节"), max_length=100)  # the flow step's code as sent
    step = models.ForeignKey(
        "powers.FlowStep",
        verbose_name=_("流程环节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    timestamp = models.DateTimeField(_("发生时间"))
    resource = models.CharField(_("办理人"), max_length=100, blank=True)  # staff number or account as sent
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    amount = models.DecimalField(_("金额/裁量值"), max_digits=14, decimal_places=2, null=True, blank=True)
    violation = models.CharField(_("违法情形"), max_length=300, blank=True)  # the discretion benchmark row
    materials = models.JSONField(_("收到的材料"), default=list, blank=True)
    suspend_from = models.DateField(_("中止开始"), null=True, blank=True)  # 听证、鉴定、专家评审…
    suspend_to = models.DateField(_("中止结束"), null=True, blank=True)
    completes = models.BooleanField(_("办结"), default=False)
    received_at = models.DateTimeField(_("接收时间"), auto_now_add=True)

    class Meta:
        ordering = ["case_id", "timestamp", "id"]
        verbose_name = _("监察事件")
        verbose_name_plural = _("监察事件")
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="event_stored_once"),
            models.CheckConstraint(
                condition=Q(suspend_from__isnull=True)
                | Q(suspend_to__isnull=True)
                | Q(suspend_to__gte=models.F("suspend_from")),
                name="event_suspension_ordered",
            ),
        ]
        indexes = [models.Index(fields=["case", "timestamp"])]

    def __str__(self) -> str:
        return f"{self.activity}@{self.timestamp:%Y-%m-%d %H:%M}"
