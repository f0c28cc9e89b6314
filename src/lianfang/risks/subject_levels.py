"""A post's and a department's own risk level (issue 4, seed 002: 根据岗位职权大小和风险点多少确定风险等级).

The level follows from the number of powers and the subject's own risk points by `grading.subject_level`
(the rule is written out by `grading.describe_subject_rule`):
- a post: the cycle's powers whose handling posts include it (abolished powers left out), and the risk
  points whose subject is the post;
- a department: the cycle's powers in its subtree (organisation path prefix, abolished left out), and the
  risk points whose subject is the department itself.

Risk points not graded yet carry no level: they are left out of the count and the explanation says how many.
These are counts about a subject the caller has already fetched in the actor's scope; no rows are returned.
"""

from __future__ import annotations

from django.db.models import QuerySet

from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post
from lianfang.powers.models import Disposition, Power

from .grading import subject_level
from .models import RiskPoint
from .vocabulary import RiskLevel, SubjectKind

__all__ = ["subject_level_of_department", "subject_level_of_post"]


def _level(powers: QuerySet[Power], risks: QuerySet[RiskPoint]) -> tuple[str, str]:
    power_count = powers.exclude(disposition=Disposition.ABOLISH).count()
    levels = list(risks.values_list("level", flat=True))
    graded = [level for level in levels if level in RiskLevel.values]
    level, explanation = subject_level(power_count, graded)
    ungraded = len(levels) - len(graded)
    if ungraded:
        explanation += f"另有{ungraded}个风险点尚未评定等级，未计入。"
    return level, explanation


def subject_level_of_post(cycle: Cycle, post: Post) -> tuple[str, str]:
    """The post's own level and its explanation: its powers in the cycle and its risk points."""
    powers = Power.objects.filter(cycle=cycle, posts=post)
    risks = RiskPoint.objects.filter(cycle=cycle, subject_kind=SubjectKind.POST, post=post)
    return _level(powers, risks)


def subject_level_of_department(cycle: Cycle, department: Department) -> tuple[str, str]:
    """The department's own level and its explanation: the powers of its subtree in the cycle and the
    risk points whose subject is the department."""
    powers = Power.objects.filter(cycle=cycle, path__startswith=department.path)
    risks = RiskPoint.objects.filter(cycle=cycle, subject_kind=SubjectKind.DEPARTMENT, department=department)
    return _level(powers, risks)
