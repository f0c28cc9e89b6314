"""Request and response shapes of the risk register API."""

# No `from __future__ import annotations`: the list filters' types must be real objects, since ninja resolves
# string annotations of a @paginate'd view in the pagination module's namespace.

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema
from pydantic import SerializerFunctionWrapHandler, model_serializer

from lianfang.core.vocabulary import RiskType

from ..models import (
    Assessment,
    AssessmentSource,
    AssessmentStatus,
    Measure,
    MeasureTemplate,
    RiskPoint,
    RiskStatus,
)
from ..vocabulary import Cause, FoundBy, MeasureCategory, MeasureStatus, RiskKind, RiskLevel, SubjectKind
from .common import responsibility

# --- risk points ----------------------------------------------------------------------------------------


class RiskFields(Schema):
    subject_kind: SubjectKind = Field(
        ..., description="post 个人岗位 | department 部门 | unit 单位（领导班子）"
    )
    name: str = Field(..., description="廉政风险点")
    department_id: int | None = Field(None, description="部门风险点的部门；岗位风险点取岗位所在部门")
    post_id: int | None = Field(None, description="个人岗位风险点的岗位")
    code: str = Field("", description="编号；新增时不填则自动编为本年度下一个 R-nnnn，修改时不填则不变")
    duty: str = Field("", description="岗位职责或部门职责")
    manifestations: list[str] = Field(default_factory=list, description="表现形式，每条一项")
    risk_type: RiskType = RiskType.DUTY
    risk_kind: RiskKind = RiskKind.INTEGRITY
    causes: list[Cause] = Field(default_factory=list, description="原因分析")
    cause_note: str = Field("", description="其他原因（文字）")
    found_by: FoundBy = FoundBy.SELF
    power_id: int | None = Field(None, description="所涉职权（同一年度周期；令牌需有 powers:read）")
    step_id: int | None = Field(None, description="所在流程环节（所涉职权的流程图中的环节）")
    three_important: bool = Field(False, description="涉及“三重一大”事项")
    notes: str = ""
    sort_order: int = 0


class RiskIn(RiskFields):
    cycle_id: int


class RiskQuery(Schema):
    cycle_id: int | None = Field(None, description="年度周期；不填为所指单位（或唯一可见单位）的最新年度")
    unit_id: int | None = None
    q: str = Field("", description="全文搜索（中文分词）：风险点、职责、表现形式、防控措施、备注")
    level: RiskLevel | None = None
    risk_type: RiskType | None = None
    risk_kind: RiskKind | None = None
    subject_kind: SubjectKind | None = None
    status: RiskStatus | None = None
    department_id: int | None = Field(None, description="部门（含下级部门）")
    post_id: int | None = None
    measure_status: MeasureStatus | None = Field(None, description="有此落实状态的措施的风险点")


class RiskOut(Schema):
    id: int
    cycle_id: int
    unit_id: int
    subject_kind: SubjectKind
    department_id: int | None
    department_name: str | None
    post_id: int | None
    post_name: str | None
    code: str
    duty: str
    name: str
    manifestations: list[str] = Field(..., description="表现形式")
    risk_type: RiskType
    risk_kind: RiskKind
    causes: list[Cause]
    cause_note: str
    found_by: FoundBy
    power_id: int | None
    step_id: int | None
    three_important: bool
    notes: str
    level: RiskLevel | None = Field(..., description="风险等级（最近一次有效评定）；未评定为 null")
    residual_level: RiskLevel | None = Field(..., description="措施落实后等级；未复评为 null")
    status: RiskStatus
    measure_count: int
    predecessor_id: int | None
    sort_order: int
    updated_at: datetime

    @staticmethod
    def resolve_department_name(obj: RiskPoint) -> str | None:
        return obj.department.name if obj.department else None

    @staticmethod
    def resolve_post_name(obj: RiskPoint) -> str | None:
        return obj.post.name if obj.post else None

    @staticmethod
    def resolve_manifestations(obj: RiskPoint) -> list[str]:
        return [m.text for m in obj.manifestations.all()]

    @staticmethod
    def resolve_level(obj: RiskPoint) -> str | None:
        return obj.level or None

    @staticmethod
    def resolve_residual_level(obj: RiskPoint) -> str | None:
        return obj.residual_level or None

    @staticmethod
    def resolve_measure_count(obj: RiskPoint) -> int:
        return len(obj.measures.all())


# --- measures and evidence ------------------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    name: str
    sha256: str
    size: int = Field(..., description="字节")
    uploaded_by: str
    uploaded_at: datetime


class MeasureFields(Schema):
    category: MeasureCategory
    text: str = Field(..., description="防控措施")
    owner_id: int | None = Field(None, description="责任人（本单位人员）")
    owner_text: str = Field("", description="责任人（文字，如“财务处处长”）")
    due_date: date | None = Field(None, description="完成时限")
    status: MeasureStatus = MeasureStatus.PLANNED
    review_date: date | None = Field(None, description="复查日期")
    template_id: int | None = Field(None, description="取自措施库的条目")


class MeasureOut(Schema):
    id: int
    risk_id: int
    order: int
    category: MeasureCategory
    text: str
    owner_id: int | None
    owner_name: str | None
    owner_text: str
    due_date: date | None
    status: MeasureStatus
    review_date: date | None
    template_id: int | None
    evidence: list[EvidenceOut] = Field(..., description="落实佐证文件")
    updated_at: datetime

    @staticmethod
    def resolve_owner_name(obj: Measure) -> str | None:
        return obj.owner.name if obj.owner else None


class TemplateOut(Schema):
    id: int
    category: MeasureCategory
    text: str
    risk_type: RiskType | None
    source: str

    @staticmethod
    def resolve_risk_type(obj: MeasureTemplate) -> str | None:
        return obj.risk_type or None


class LibraryQuery(Schema):
    category: MeasureCategory | None = None
    risk_type: RiskType | None = Field(None, description="适用风险类型（也列出不限类型的条目）")
    q: str = Field("", description="措施内容中的词语，空格分隔，须全部出现")


# --- grading ---------------------------------------------------------------------------------------------


class ReasonOut(Schema):
    source: str = Field(..., description="grid 矩阵 | factor 因素 | floor 底线规则")
    key: str
    label: str
    level: RiskLevel


class AssessmentOut(Schema):
    id: int
    risk_id: int
    matrix_id: int | None
    matrix_version: int | None
    matrix_name: str = Field("", description="等级矩阵名称（与版本一起说明按哪个矩阵评定）")
    source: AssessmentSource
    level: RiskLevel
    factors: dict[str, str] = Field(..., description="评定因素：因素键名 → 选项取值")
    facts: list[str] = Field(..., description="适用的底线规则事实")
    reasons: list[ReasonOut] = Field(..., description="等级依据（就高不就低）")
    warnings: list[str]
    status: AssessmentStatus
    justification: str = Field(..., description="降级理由")
    decision_note: str
    decided_by: str
    decided_at: datetime | None
    created_by: str
    created_at: datetime

    @staticmethod
    def resolve_matrix_version(obj: Assessment) -> int | None:
        return obj.matrix.version if obj.matrix else None

    @staticmethod
    def resolve_matrix_name(obj: Assessment) -> str:
        return obj.matrix.name if obj.matrix else ""


class AssessIn(Schema):
    factors: dict[str, str] = Field(..., description="因素键名 → 选项取值（见 /risks/grading/matrix）")
    residual: bool = Field(False, description="年度复评：措施落实后的等级")
    justification: str = Field("", description="降级理由；上次评定为高而本次较低时必填")


class DecideIn(Schema):
    approve: bool
    note: str = Field("", description="领导班子意见；不批准时必填")


class MatrixQuery(Schema):
    unit_id: int | None = Field(None, description="单位；不填为唯一可见单位")
    cycle_id: int | None = Field(None, description="或：该年度周期的单位")


class MatrixOut(Schema):
    id: int
    unit_id: int | None = Field(..., description="null：平台默认矩阵")
    version: int
    name: str
    definition: dict[str, Any] = Field(
        ..., description="因素（factors，含选项）、坐标轴（axes）、矩阵格（grid）、底线规则（floors）"
    )


class MatrixIn(Schema):
    unit_id: int = Field(..., description="单位：新版本只用于该单位今后的评定")
    name: str = Field("", description="名称；不填为“<单位>风险等级矩阵”")
    definition: dict[str, Any] = Field(..., description="与 GET /grading/matrix 返回的 definition 同一结构")


# --- the detail -------------------------------------------------------------------------------------------


class PowerRefOut(Schema):
    id: int
    code: str
    name: str


class StepRefOut(Schema):
    id: int
    flow_id: int
    code: str
    name: str


class RiskDetailOut(RiskOut):
    power: PowerRefOut | None
    step: StepRefOut | None
    measures: list[MeasureOut]
    assessments: list[AssessmentOut] = Field(..., description="评定记录，按时间先后")
    responsibility: Any = Field(None, description="分级负责（由等级和组织机构推导）；尚无此功能时不返回")

    @staticmethod
    def resolve_responsibility(obj: RiskPoint) -> Any:
        return responsibility(obj)

    # No return annotation: it would replace this schema by a bare object in the OpenAPI document.
    @model_serializer(mode="wrap")
    def _omit_missing_responsibility(self, handler: SerializerFunctionWrapHandler):
        data = handler(self)
        if data.get("responsibility") is None:
            data.pop("responsibility", None)
        return data
