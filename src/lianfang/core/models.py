from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJobState(models.Model):
    """When each periodic job was last put on the queue. Shared by every worker, so only one enqueues it."""

    name = models.CharField(max_length=100, primary_key=True)
    last_enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("定时作业状态")
        verbose_name_plural = _("定时作业状态")

    def __str__(self) -> str:
        return self.name
