"""Vocabularies shared by several domain areas (kept here so no app imports another just for a list)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RiskType(models.TextChoices):
    """The five risk types of seeds 001/002/003."""

    MORAL = "moral", _("思想道德")
    DUTY = "duty", _("岗位职责")
    PROCESS = "process", _("业务流程")
    INSTITUTION = "institution", _("制度机制")
    ENVIRONMENT = "environment", _("外部环境")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working", _("工作日")
    CALENDAR_DAYS = "calendar", _("自然日")
