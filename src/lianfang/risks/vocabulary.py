"""The risk register's vocabularies (DOMAIN §5–§8), shared by models, the grading engine and the sheets."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianfang.core.vocabulary import RiskType

__all__ = ["RiskType"]


class RiskLevel(models.TextChoices):
    """高/中/低, also written I/II/III级 (seed 001). Ordered: HIGH is the highest."""

    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


LEVEL_RANK = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


def higher(a: str, b: str) -> str:
    """就高不就低: of two levels, the higher."""
    return a if LEVEL_RANK[RiskLevel(a)] >= LEVEL_RANK[RiskLevel(b)] else b


class SubjectKind(models.TextChoices):
    POST = "post", _("个人岗位")
    DEPARTMENT = "department", _("部门")
    UNIT = "unit", _("单位（领导班子）")


class RiskKind(models.TextChoices):
    """Seed 004's second axis."""

    INTEGRITY = "integrity", _("廉政")
    DILIGENCE = "diligence", _("勤政")
    DERELICTION = "dereliction", _("渎职")


class Cause(models.TextChoices):
    """原因分析 choices of 附件二/三 (seed 002)."""

    SYSTEM_GAP = "system_gap", _("制度缺陷及漏洞")
    OVERSIGHT_GAP = "oversight_gap", _("监管缺失")
    ENVIRONMENT = "environment", _("外部环境影响")
    SELF_DISCIPLINE = "self_discipline", _("个人自律")
    COMPETENCE = "competence", _("个人业务素质")


class FoundBy(models.TextChoices):
    SELF = "self", _("自己找")
    COLLEAGUES = "colleagues", _("同事点")
    LEADERS = "leaders", _("领导提")
    PUBLIC = "public", _("群众帮")
    ORGANISATION = "organisation", _("组织审")
    FORWARD = "forward", _("顺推法（流程分析）")
    BACKWARD = "backward", _("逆推法（信访、审计、案件）")


class MeasureCategory(models.TextChoices):
    STRUCTURE = "structure", _("优化权力结构")
    PROCESS = "process", _("改进业务流程")
    DISCRETION = "discretion", _("规范行政裁量")
    RULES = "rules", _("加强制度建设")
    DISCLOSURE = "disclosure", _("依法依规公开")
    TECHNOLOGY = "technology", _("强化科技防控")
    EDUCATION = "education", _("廉政教育")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已落实")
    LAPSED = "lapsed", _("失效")
