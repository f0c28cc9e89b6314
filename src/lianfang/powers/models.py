"""The power catalog (职权目录) and power-operation flowcharts (权力运行流程图), per unit and yearly cycle.

Both carry the organisation `path` of where they sit (the department's path, or the unit's for
unit-level powers) so that access is scoped by one prefix match, like every organisation object.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.vocabulary import LimitUnit

from .flowspec import StepKind

__all__ = ["LimitUnit", "StepKind"]


class PowerCategory(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    COERCION = "coercion", _("行政强制")
    LEVY = "levy", _("行政征收")
    BENEFIT = "benefit", _("行政给付")
    INSPECTION = "inspection", _("行政检查/监管")
    INTERNAL = "internal", _("内部人财物管理")
    OTHER = "other", _("其他")


class Audience(models.TextChoices):
    EXTERNAL = "external", _("对外")
    INTERNAL = "internal", _("对内")


class Disposition(models.TextChoices):
    KEEP = "keep", _("保留")
    ADJUST = "adjust", _("调整")
    ABOLISH = "abolish", _("废止")
    NEW = "new", _("新明确")


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待分管领导审核")
    CHECKED = "checked", _("待组织审核")
    VERIFIED = "verified", _("待领导班子审定")
    APPROVED = "approved", _("已审定待公示")
    PUBLISHED = "published", _("已公示")
    RETURNED = "returned", _("已退回")


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("部门负责人提交")
    CHECK = "check", _("分管领导审核通过")
    VERIFY = "verify", _("纪检监察机构审核通过")
    APPROVE = "approve", _("领导班子审定")
    PUBLISH = "publish", _("公示")
    RETURN = "return", _("退回")
    REVISE = "revise", _("重新修订")


class Flowchart(models.Model):
    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("年度周期"), on_delete=models.PROTECT, related_name="flowcharts"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("办理部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flowcharts",
    )
    path = models.CharField(max_length=500, editable=False, db_index=True)
    code = models.CharField(_("流程编号"), max_length=40)
    name = models.CharField(_("流程名称"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    statutory_limit = models.PositiveIntegerField(_("法定时限"), null=True, blank=True)
    statutory_unit = models.CharField(
        _("法定时限单位"), max_length=10, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    promised_limit = models.PositiveIntegerField(_("承诺时限"), null=True, blank=True)
    promised_unit = models.CharField(
        _("承诺时限单位"), max_length=10, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    is_secret = models.BooleanField(_("涉密"), default=False)
    status = models.CharField(
        _("审批状态"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.DRAFT
    )
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("上年度流程"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["cycle_id", "code"]
        verbose_name = _("流程图")
        verbose_name_plural = _("流程图")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="flow_unique_code_in_cycle"),
            models.CheckConstraint(
                condition=Q(statutory_limit__isnull=True)
                | Q(promised_limit__isnull=True)
                | ~Q(statutory_unit=F("promised_unit"))
                | Q(promised_limit__lte=F("statutory_limit")),
                name="flow_promised_within_statutory",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Power(models.Model):
    cycle = models.ForeignKey(
        "cycles.Cycle", verbose_name=_("年度周期"), on_delete=models.PROTECT, related_name="powers"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("办理部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="powers",
    )
    path = models.CharField(max_length=500, editable=False, db_index=True)
    code = models.CharField(_("职权编码"), max_length=40)
    name = models.CharField(_("职权名称"), max_length=200)
    content = models.TextField(_("具体内容"), blank=True)
    category = models.CharField(
        _("职权类别"), max_length=12, choices=PowerCategory.choices, default=PowerCategory.OTHER
    )
    audience = models.CharField(
        _("对外/对内"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    handler_text = models.CharField(_("办理主体"), max_length=300, blank=True)
    posts = models.ManyToManyField("org.Post", verbose_name=_("办理岗位"), blank=True, related_name="powers")
    disposition = models.CharField(
        _("清理意见"), max_length=10, choices=Disposition.choices, default=Disposition.KEEP
    )
    disposition_reason = models.TextField(_("清理理由"), blank=True)
    is_secret = models.BooleanField(_("涉密"), default=False)
    flow = models.ForeignKey(
        Flowchart,
        verbose_name=_("流程图"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="powers",
    )
    status = models.CharField(
        _("审批状态"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.DRAFT
    )
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("上年度职权"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
    )
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["cycle_id", "sort_order", "code"]
        verbose_name = _("职权")
        verbose_name_plural = _("职权")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "code"], name="power_unique_code_in_cycle"),
            # A changed or abolished power, or a newly identified one, must say why (清理意见).
            models.CheckConstraint(
                condition=Q(disposition="keep") | ~Q(disposition_reason=""),
                name="power_disposition_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "category"]), models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return self.name


class PowerBasis(models.Model):
    """One legal or regulatory basis of a power: the document and the article (制度依据)."""

    power = models.ForeignKey(Power, on_delete=models.CASCADE, related_name="bases")
    document = models.CharField(_("依据文件"), max_length=300)
    article = models.CharField(_("条款"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["power_id", "order", "id"]
        verbose_name = _("职权依据")
        verbose_name_plural = _("职权依据")

    def __str__(self) -> str:
        return f"{self.document}{self.article}"


class ReviewRecord(models.Model):
    """One move along the approval chain of a power or a flowchart, with who made it and why."""

    power = models.ForeignKey(Power, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews")
    flow = models.ForeignKey(
        Flowchart, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews"
    )
    action = models.CharField(_("操作"), max_length=10, choices=ReviewAction.choices)
    from_status = models.CharField(_("原状态"), max_length=10, choices=ApprovalStatus.choices)
    to_status = models.CharField(_("新状态"), max_length=10, choices=ApprovalStatus.choices)
    comment = models.TextField(_("意见"), blank=True)
    actor_name = models.CharField(_("操作人"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("审批记录")
        verbose_name_plural = _("审批记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(power__isnull=False, flow__isnull=True)
                | Q(power__isnull=True, flow__isnull=False),
                name="review_one_subject",
            ),
            models.CheckConstraint(
                condition=~Q(action="return") | ~Q(comment=""), name="review_return_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.actor_name}"


class FlowStep(models.Model):
    flow = models.ForeignKey(Flowchart, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(_("环节编号"), max_length=40)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    name = models.CharField(_("环节名称"), max_length=200)
    kind = models.CharField(_("环节类别"), max_length=10, choices=StepKind.choices, default=StepKind.OTHER)
    post = models.ForeignKey(
        "org.Post",
        verbose_name=_("办理岗位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handler = models.CharField(_("办理主体"), max_length=200, blank=True)
    basis = models.TextField(_("依据"), blank=True)
    conditions = models.TextField(_("条件"), blank=True)
    materials = models.TextField(_("所需材料"), blank=True)
    time_limit = models.PositiveIntegerField(_("办理时限"), null=True, blank=True)
    limit_unit = models.CharField(
        _("时限单位"), max_length=10, choices=LimitUnit.choices, default=LimitUnit.WORKING_DAYS
    )
    supervision = models.CharField(_("监督渠道"), max_length=300, blank=True)
    applicant_rights = models.TextField(_("相对人权利"), blank=True)
    is_start = models.BooleanField(_("开始环节"), default=False)

    class Meta:
        ordering = ["flow_id", "order", "id"]
        verbose_name = _("流程环节")
        verbose_name_plural = _("流程环节")
        constraints = [models.UniqueConstraint(fields=["flow", "code"], name="step_unique_code_in_flow")]

    def __str__(self) -> str:
        return self.name

    @property
    def handler_note(self) -> str:
        """The written handler when it says more than the post already does (a body, or a named role)."""
        if self.post is not None and self.handler.endswith(self.post.name):
            return ""
        return self.handler


class FlowTransition(models.Model):
    flow = models.ForeignKey(Flowchart, on_delete=models.CASCADE, related_name="transitions")
    source = models.ForeignKey(FlowStep, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(FlowStep, on_delete=models.CASCADE, related_name="incoming")
    label = models.CharField(_("条件"), max_length=100, blank=True)

    class Meta:
        ordering = ["flow_id", "id"]
        verbose_name = _("流转")
        verbose_name_plural = _("流转")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "label"], name="transition_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}→{self.target_id}"


class SeparationPair(models.Model):
    """Two steps that must be handled by different people (不相容岗位相分离)."""

    flow = models.ForeignKey(Flowchart, on_delete=models.CASCADE, related_name="separations")
    first = models.ForeignKey(FlowStep, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(FlowStep, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["flow_id", "id"]
        verbose_name = _("不相容环节")
        verbose_name_plural = _("不相容环节")
        constraints = [
            models.CheckConstraint(condition=~Q(first=F("second")), name="separation_two_steps"),
            models.UniqueConstraint(fields=["first", "second"], name="separation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id}≠{self.second_id}"


class DiscretionRule(models.Model):
    """A row of the discretion benchmark (裁量基准) of a penalty-type flow."""

    flow = models.ForeignKey(Flowchart, on_delete=models.CASCADE, related_name="discretion")
    order = models.PositiveSmallIntegerField(default=0)
    violation = models.CharField(_("违法情形"), max_length=300)
    circumstance = models.CharField(_("情节"), max_length=300, blank=True)
    min_amount = models.DecimalField(_("下限金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_amount = models.DecimalField(_("上限金额"), max_digits=14, decimal_places=2, null=True, blank=True)
    measure = models.CharField(_("处罚种类/措施"), max_length=300, blank=True)
    basis = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        ordering = ["flow_id", "order", "id"]
        verbose_name = _("裁量基准")
        verbose_name_plural = _("裁量基准")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__isnull=True)
                | Q(max_amount__isnull=True)
                | Q(min_amount__lte=F("max_amount")),
                name="discretion_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.violation
