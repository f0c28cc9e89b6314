"""The demo's publication (公示): what the demo catalog has approved is published through the chain (oldest
cycle first, so a later year's approved items become version 2 of their lineage), risk points already marked
published get their frozen version, and a few comments are filed, one answered publicly."""

from __future__ import annotations

from django.db import transaction

from lianfang.core.actor import Actor
from lianfang.org.models import Unit
from lianfang.portal.feedback import FeedbackData, answer_feedback, submit_feedback
from lianfang.portal.models import Feedback, Publication, PublicationKind, PublicAudience
from lianfang.portal.publishing import publish
from lianfang.powers.models import ApprovalStatus, Flowchart, Power, ReviewAction
from lianfang.powers.services import review
from lianfang.risks.models import RiskPoint, RiskStatus

COMMENTS = (
    "办理时限能否再缩短一些？材料齐全的情况下希望当场办结。",
    "建议在网上公布所需材料的样表，方便提前准备。",
    "流程图中的监督电话是否可以写明具体号码？",
)
ANSWER = "感谢您的建议。我们已将所需材料样表纳入下一版公示内容，并将在办事大厅和网站同步公布。"


@transaction.atomic
def load_portal_demo(actor: Actor, unit: Unit) -> dict[str, int]:
    published = 0
    for model in (Flowchart, Power):  # flows first: a power's page shows its flow's published diagram
        # Last year's approved catalog is published; this year's approved items wait for the office.
        items = (
            model.objects.filter(unit=unit, status=ApprovalStatus.APPROVED)
            .exclude(cycle__previous__isnull=False)
            .order_by("cycle__year", "code")
        )
        for item in items:
            review(actor, item, ReviewAction.PUBLISH, "")
            published += 1
    done = Publication.objects.filter(unit=unit, kind=PublicationKind.RISK).values("code")
    for risk in RiskPoint.objects.filter(unit=unit, status=RiskStatus.PUBLISHED).exclude(code__in=done):
        publish(actor, risk)
        published += 1
    targets = list(
        Publication.objects.filter(
            unit=unit,
            kind=PublicationKind.POWER,
            audience=PublicAudience.EXTERNAL,
            is_current=True,
            withdrawn=False,
        ).order_by("sort_key")[: len(COMMENTS)]
    )
    filed: list[Feedback] = []
    for n, (pub, text) in enumerate(zip(targets, COMMENTS, strict=False)):
        found = submit_feedback(actor, pub, FeedbackData(text=text), f"demo-{n}")
        if found is not None:
            filed.append(found)
    if filed:
        answer_feedback(actor, filed[0], ANSWER, public=True)
    return {"publications": published, "feedback": len(filed)}
