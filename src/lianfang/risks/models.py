"""The risk register: risk points (廉政风险点) with their manifestations, graded assessments and control
measures (防控措施), per unit and yearly cycle.

A risk point's subject is a post, a department or the unit (领导班子); its `path` is that subject's
organisation path, so the ordinary prefix scope applies. Its `level` is a copy of the level of its latest
effective assessment, kept by the services so lists can filter and count without joining the history.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.vocabulary import RiskType

from .vocabulary import Cause, FoundBy, MeasureCategory, MeasureStatus, RiskKind, RiskLevel, SubjectKind

__all__ = ["Cause", "FoundBy", "MeasureCategory", "MeasureStatus", "RiskKind", "RiskLevel", "RiskType"]


class RiskStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("已审定")
    PUBLISHED = "published", _("已公示")


class AssessmentSource(models.TextChoices):
    GRADED = "graded", _("按等级矩阵评定")
    IMPORTED = "imported", _("排查表导入（因素未知）")
    RESIDUAL = "residual", _("措施落实后复评")


class AssessmentStatus(models.TextChoices):
    EFFECTIVE = "effective", _("有效")
    PENDING = "pending", _("降级待领导班子批准")
    REJECTED = "rejected", _("降级未获批准")


class GradingMatrix(models.Model):
    """One version of a grading definition (factor scales, grid, extra factors, floor rules).

    Versions are never changed once made: a new definition is a new version, and every assessment keeps
    the version it was made with, so old grades keep their meaning. `unit` empty: the platform default."""

    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=200)
    definition = models.JSONField(_("定义"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.CharField(_("创建人"), max_length=200, blank=True)

    class Meta:
        ordering = ["unit_id", "-version"]
        verbose_name = _("风险等级矩阵")
        verbose_name_plural = _("风险等级矩阵")
        constraints = [models.UniqueConstraint(fields=["unit", "version"], name="matrix_unique_version")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class RiskPoint(models.Model):
    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("年度周期"), on_delete=models.PROTECT, related_name="risk_points"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(_("风险主体"), max_length=12, choices=SubjectKind.choices)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_points",
    )
    post = models.ForeignKey(
        "org.Post",
        verbose_name=_("岗位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_points",
    )
    path = models.CharField(max_length=500, editable=False, db_index=True)
    code = models.CharField(_("编号"), max_length=40)
    duty = models.TextField(_("职责"), blank=True)
    name = models.CharField(_("廉政风险点"), max_length=500)
    risk_type = models.CharField(
        _("风险类型"), max_length=12, choices=RiskType.choices, default=RiskType.DUTY
    )
    risk_kind = models.CharField(
        _("风险性质"), max_length=12, choices=RiskKind.choices, default=RiskKind.INTEGRITY
    )
    causes = models.JSONField(_("原因分析"), default=list, blank=True)
    cause_note = models.TextField(_("其他原因"), blank=True)
    found_by = models.CharField(_("查找方式"), max_length=12, choices=FoundBy.choices, default=FoundBy.SELF)
    power = models.ForeignKey(
        "powers.Power",
        verbose_name=_("所涉职权"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_points",
    )
    step = models.ForeignKey(
        "powers.FlowStep",
        verbose_name=_("流程环节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_points",
    )
    three_important = models.BooleanField(_("涉及“三重一大”事项"), default=False)
    notes = models.TextField(_("备注"), blank=True)
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices, blank=True)
    residual_level = models.CharField(
        _("措施落实后等级"), max_length=8, choices=RiskLevel.choices, blank=True
    )
    status = models.CharField(_("状态"), max_length=10, choices=RiskStatus.choices, default=RiskStatus.DRAFT)
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("上年度风险点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    search_text = models.TextField(editable=False, blank=True)  # jieba-segmented words, for full-text search
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["cycle_id", "path", "sort_order", "id"]
        verbose_name = _("廉政风险点")
        verbose_name_plural = _("廉政风险点")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="risk_unique_code_in_cycle"),
            models.CheckConstraint(
                condition=Q(subject_kind="post", post__isnull=False, department__isnull=False)
                | Q(subject_kind="department", post__isnull=True, department__isnull=False)
                | Q(subject_kind="unit", post__isnull=True, department__isnull=True),
                name="risk_subject_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["cycle", "level"]),
            models.Index(fields=["cycle", "risk_type"]),
            models.Index(fields=["cycle", "status"]),
        ]

    def __str__(self) -> str:
        return self.name


class Manifestation(models.Model):
    """One 表现形式 of a risk point: each is its own record (seed 000: 每一个风险点都会有一种以上表现形式)."""

    risk = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="manifestations")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("表现形式"))

    class Meta:
        ordering = ["risk_id", "order", "id"]
        verbose_name = _("表现形式")
        verbose_name_plural = _("表现形式")

    def __str__(self) -> str:
        return self.text[:40]


class Assessment(models.Model):
    """A grading of a risk point, made with one frozen matrix version (or taken from an imported sheet)."""

    risk = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="assessments")
    matrix = models.ForeignKey(
        GradingMatrix,
        verbose_name=_("等级矩阵"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("来源"), max_length=10, choices=AssessmentSource.choices)
    factors = models.JSONField(_("评定因素"), default=dict, blank=True)
    facts = models.JSONField(_("适用的底线规则事实"), default=list, blank=True)
    reasons = models.JSONField(_("等级依据"), default=list, blank=True)
    warnings = models.JSONField(_("提示"), default=list, blank=True)
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.EFFECTIVE
    )
    justification = models.TextField(_("降级理由"), blank=True)
    decision_note = models.TextField(_("领导班子意见"), blank=True)
    decided_by = models.CharField(_("批准人"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    created_by = models.CharField(_("评定人"), max_length=200)
    created_at = models.DateTimeField(_("评定时间"), auto_now_add=True)

    class Meta:
        ordering = ["risk_id", "created_at", "id"]
        verbose_name = _("风险评定")
        verbose_name_plural = _("风险评定")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="pending") | ~Q(justification=""), name="assessment_downgrade_justified"
            ),
            models.CheckConstraint(
                condition=~Q(source="graded") | Q(matrix__isnull=False), name="assessment_graded_has_matrix"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.risk_id}:{self.level}"


class MeasureTemplate(models.Model):
    """A reusable measure from the library (the seeds' examples), to pick from when writing a measure."""

    category = models.CharField(_("措施类别"), max_length=12, choices=MeasureCategory.choices)
    text = models.TextField(_("措施内容"))
    risk_type = models.CharField(_("适用风险类型"), max_length=12, choices=RiskType.choices, blank=True)
    source = models.CharField(_("出处"), max_length=200, blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        ordering = ["category", "id"]
        verbose_name = _("措施库条目")
        verbose_name_plural = _("措施库")

    def __str__(self) -> str:
        return self.text[:40]


class Measure(models.Model):
    risk = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveSmallIntegerField(default=0)
    category = models.CharField(_("措施类别"), max_length=12, choices=MeasureCategory.choices)
    text = models.TextField(_("防控措施"))
    owner = models.ForeignKey(
        "org.Person",
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_text = models.CharField(_("责任人（文字）"), max_length=200, blank=True)
    due_date = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(
        _("落实状态"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    review_date = models.DateField(_("复查日期"), null=True, blank=True)
    template = models.ForeignKey(
        MeasureTemplate,
        verbose_name=_("取自措施库"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["risk_id", "order", "id"]
        verbose_name = _("防控措施")
        verbose_name_plural = _("防控措施")
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.text[:40]


class MeasureEvidence(models.Model):
    """A file showing a measure is implemented, stored with its SHA-256 so later tampering shows."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    uploaded_by = models.CharField(_("上传人"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["measure_id", "uploaded_at", "id"]
        verbose_name = _("落实佐证")
        verbose_name_plural = _("落实佐证")

    def __str__(self) -> str:
        return self.name
