"""Publication (公示): frozen published versions of catalog items and risk points, and feedback (意见征集).

A `Publication` is one frozen version of an item: its `content` is everything the pages need (JSON), so the
portal never reads the live catalog or register. The "same item" across yearly cycles is its lineage
(unit, kind, code): a new publication becomes the current one and earlier ones stay as history. A lineage
is withdrawn (an abolished power, an item later marked secret) by a current publication marked `withdrawn`.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PublicationKind(models.TextChoices):
    POWER = "power", _("职权")
    FLOW = "flow", _("流程图")
    RISK = "risk", _("廉政风险点")


class PublicAudience(models.TextChoices):
    EXTERNAL = "external", _("对外公示（社会）")
    INTERNAL = "internal", _("对内公示（本单位）")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已关闭")


class Publication(models.Model):
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    path = models.CharField(max_length=500, editable=False, db_index=True)
    kind = models.CharField(_("类别"), max_length=8, choices=PublicationKind.choices)
    code = models.CharField(_("编号"), max_length=40)
    version = models.PositiveIntegerField(_("版本"))
    audience = models.CharField(_("公示范围"), max_length=10, choices=PublicAudience.choices)
    title = models.CharField(_("名称"), max_length=500)
    department_name = models.CharField(_("部门名称"), max_length=200, blank=True)
    sort_key = models.CharField(max_length=200, blank=True)  # department order, then the item's own
    year = models.PositiveIntegerField(_("年度"))
    content = models.JSONField(_("公示内容"))
    search_text = models.TextField(editable=False, blank=True)
    is_current = models.BooleanField(_("现行版本"), default=True)
    withdrawn = models.BooleanField(_("已撤回"), default=False)
    power = models.ForeignKey(
        "powers.Power", null=True, blank=True, on_delete=models.SET_NULL, related_name="publications"
    )
    flow = models.ForeignKey(
        "powers.Flowchart", null=True, blank=True, on_delete=models.SET_NULL, related_name="publications"
    )
    risk = models.ForeignKey(
        "risks.RiskPoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="publications"
    )
    published_at = models.DateTimeField(_("公示时间"))

    class Meta:
        ordering = ["unit_id", "kind", "code", "-version"]
        verbose_name = _("公示版本")
        verbose_name_plural = _("公示版本")
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "code", "version"], name="publication_version"),
            models.UniqueConstraint(
                fields=["unit", "kind", "code"], condition=Q(is_current=True), name="publication_one_current"
            ),
            models.CheckConstraint(
                condition=~Q(kind="risk") | Q(audience="internal"), name="publication_risk_internal"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "kind", "is_current", "audience"], name="publication_listing"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def is_public(self) -> bool:
        return self.audience == PublicAudience.EXTERNAL and self.is_current and not self.withdrawn


class PortalStamp(models.Model):
    """A unit's portal version: bumped by every change the public pages show, so cached pages are keyed by it
    (and every server process sees the change at once)."""

    unit = models.OneToOneField("org.Unit", on_delete=models.CASCADE, related_name="+")
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("公示版本戳")
        verbose_name_plural = _("公示版本戳")

    def __str__(self) -> str:
        return f"{self.unit_id}:{self.version}"


class Feedback(models.Model):
    """A comment on a published item (意见征集): it reaches the owning department's queue as review input."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("公示事项"), on_delete=models.PROTECT, related_name="feedback"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    path = models.CharField(max_length=500, editable=False, db_index=True)
    text = models.TextField(_("意见内容"), max_length=2000)
    name = models.CharField(_("姓名（选填）"), max_length=50, blank=True)
    contact = models.CharField(_("联系方式（选填）"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    answer = models.TextField(_("答复"), max_length=2000, blank=True)
    answer_public = models.BooleanField(_("公开答复"), default=False)
    answered_by = models.CharField(_("答复人"), max_length=200, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    client_hash = models.CharField(max_length=64, editable=False, db_index=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("公示意见")
        verbose_name_plural = _("公示意见")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""), name="feedback_answered_has_answer"
            ),
            models.CheckConstraint(
                condition=Q(answer_public=False) | ~Q(answer=""), name="feedback_public_has_answer"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]
