"""Risk register test data, built through the real services."""

from __future__ import annotations

from typing import Any

from lianfang.core.actor import Actor
from lianfang.org.models import Department, Post
from lianfang.risks.models import RiskPoint
from lianfang.risks.services import MeasureData, RiskData, add_measure, create_risk
from lianfang.risks.vocabulary import MeasureCategory, SubjectKind
from tests.factories import SYSTEM


def post_risk_data(post: Post, name: str = "违规审批报销", **extra: Any) -> RiskData:
    return RiskData(
        subject_kind=SubjectKind.POST,
        post=post,
        name=name,
        duty=extra.pop("duty", "审核报销单据"),
        manifestations=extra.pop("manifestations", ["票据审核不严", "违规报销"]),
        **extra,
    )


def dept_risk_data(department: Department, name: str = "采购需求不合理", **extra: Any) -> RiskData:
    return RiskData(
        subject_kind=SubjectKind.DEPARTMENT,
        department=department,
        name=name,
        manifestations=extra.pop("manifestations", ["需求论证不充分"]),
        **extra,
    )


def make_risk(cycle: Any, data: RiskData, actor: Actor = SYSTEM, measure: bool = False) -> RiskPoint:
    risk = create_risk(actor, cycle, data)
    if measure:
        add_measure(actor, risk, MeasureData(category=MeasureCategory.RULES, text="建立报销台帐，定期检查"))
    return risk


def hand_in(risk: RiskPoint, actor: Actor = SYSTEM) -> Any:
    """Hand in the sheet a risk point is on (征求意见, then 提交): its risk points become submitted."""
    from lianfang.review.services.sheets import move, open_sheet

    sheet = open_sheet(actor, risk.cycle, risk.subject_kind, department=risk.department, post=risk.post)
    if sheet.stage == "draft":
        sheet = move(actor, sheet, "open_comments")
    return move(actor, sheet, "submit")
