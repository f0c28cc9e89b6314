"""A risk sheet (廉政风险排查表) of a post, a department or the unit, and its moves along the review chain.

The sheet is what is reviewed: its risk points follow it (their status is kept in step by the services).
`version` counts the rounds: revising a published sheet opens the next version, and every event keeps the
version it belongs to, so reasons for sending a sheet back stay attached to the version they judged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.risks.vocabulary import SubjectKind


class SheetStage(models.TextChoices):
    DRAFT = "draft", _("自己找（填报中）")
    COMMENTING = "commenting", _("同事点（征求意见）")
    DEPT_REVIEW = "dept_review", _("待部门负责人审核")
    LEADER_REVIEW = "leader_review", _("待分管领导审核")
    OFFICE_CHECK = "office_check", _("待组织审核")
    DECISION = "decision", _("待领导班子审定")
    APPROVED = "approved", _("已审定待公示")
    PUBLISHED = "published", _("已公示")
    RETURNED = "returned", _("已退回")


class SheetAction(models.TextChoices):
    OPEN_COMMENTS = "open_comments", _("征求意见")
    SUBMIT = "submit", _("提交审核")
    PASS = "pass", _("审核通过")
    APPROVE = "approve", _("领导班子审定")
    PUBLISH = "publish", _("公示")
    RETURN = "return", _("退回（责令重新查找、评估）")
    REVISE = "revise", _("重新修订")


class RiskSheet(models.Model):
    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("年度周期"), on_delete=models.PROTECT, related_name="risk_sheets"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(_("风险主体"), max_length=12, choices=SubjectKind.choices)
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
    path = models.CharField(max_length=500, editable=False, db_index=True)
    stage = models.CharField(
        _("审核环节"), max_length=14, choices=SheetStage.choices, default=SheetStage.DRAFT
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["cycle_id", "path", "subject_kind", "id"]
        verbose_name = _("廉政风险排查表")
        verbose_name_plural = _("廉政风险排查表")
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_kind="post", post__isnull=False, department__isnull=False)
                | Q(subject_kind="department", post__isnull=True, department__isnull=False)
                | Q(subject_kind="unit", post__isnull=True, department__isnull=True),
                name="sheet_subject_consistent",
            ),
            models.UniqueConstraint(
                fields=["cycle", "post"], condition=Q(subject_kind="post"), name="sheet_one_per_post"
            ),
            models.UniqueConstraint(
                fields=["cycle", "department"],
                condition=Q(subject_kind="department"),
                name="sheet_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["cycle"], condition=Q(subject_kind="unit"), name="sheet_one_per_unit"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "stage"])]

    def __str__(self) -> str:
        if self.post_id:
            return f"{self.post}岗位廉政风险排查表"
        if self.department_id:
            return f"{self.department}部门廉政风险排查表"
        return f"{self.unit}单位廉政风险排查表"


class SheetEvent(models.Model):
    """One move of a sheet, with who made it, when, and the reasons (required when sending it back)."""

    sheet = models.ForeignKey(RiskSheet, on_delete=models.CASCADE, related_name="events")
    version = models.PositiveIntegerField(_("版本"))
    action = models.CharField(_("操作"), max_length=14, choices=SheetAction.choices)
    from_stage = models.CharField(_("原环节"), max_length=14, choices=SheetStage.choices)
    to_stage = models.CharField(_("新环节"), max_length=14, choices=SheetStage.choices)
    comment = models.TextField(_("意见"), blank=True)
    actor_name = models.CharField(_("操作人"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("排查表审核记录")
        verbose_name_plural = _("排查表审核记录")
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="return") | ~Q(comment=""), name="sheet_return_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.actor_name}"
