"""Comments (同事点, 领导提, review remarks) on any risk point, measure, power, flowchart, step or sheet.

Threaded through `parent`; a thread is resolved as a whole (its first comment carries the resolution).
`path` is the target's organisation path, so the ordinary prefix scope applies.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CommentTarget(models.TextChoices):
    RISK = "risk", _("风险点")
    MEASURE = "measure", _("防控措施")
    POWER = "power", _("职权")
    FLOW = "flow", _("流程图")
    STEP = "step", _("流程环节")
    SHEET = "sheet", _("排查表")


class Comment(models.Model):
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    target_kind = models.CharField(_("评论对象类型"), max_length=10, choices=CommentTarget.choices)
    target_id = models.PositiveBigIntegerField(_("评论对象"))
    path = models.CharField(max_length=500, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("回复"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    body = models.TextField(_("内容"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(_("评论人"), max_length=200)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    resolved_by = models.CharField(_("解决人"), max_length=200, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("评论")
        verbose_name_plural = _("评论")
        indexes = [models.Index(fields=["target_kind", "target_id"])]
        constraints = [
            # Only a thread's first comment is resolved; replies follow it.
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(resolved_at__isnull=True), name="comment_resolve_thread"
            ),
        ]

    def __str__(self) -> str:
        return self.body[:40]
