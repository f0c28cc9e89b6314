"""The demo's risk sheets along their review chains, and the phases of the current year.

2025: every sheet went the whole way and was published. 2026: the sheets the register marks are handed in;
two post sheets have moved on (one past its department head and the 分管 leader, one sent back with reasons),
and the phases are dated around today so the progress board shows work due soon and work already late.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.cycles.models import Cycle
from lianfang.review.models import Phase, RiskSheet, SheetStage
from lianfang.review.services.phases import set_phases
from lianfang.review.services.sheets import move, open_sheet
from lianfang.risks.models import RiskPoint
from lianfang.risks.vocabulary import SubjectKind

WHOLE_CHAIN = ("open_comments", "submit", "pass", "pass", "pass", "approve", "publish")
RETURN_REASON = "风险点查找不全：未包括票据保管和现金盘点环节；“违规报销”等级偏低，请重新查找、评估。"

# Phase dates in days from today: the investigation has just ended, the assessment is under way.
PHASES = (
    (Phase.MOBILISE, -75, -61, "成立领导小组，确定联络员，召开动员会"),
    (Phase.INVESTIGATE, -60, -3, "清权确权，绘制流程图，查找岗位、部门、单位风险点"),
    (Phase.ASSESS, -2, 25, "评定风险等级，分管领导和纪委审核，领导班子集体审定"),
    (Phase.MECHANISM, 26, 60, "逐项制定防控措施，公示并征求意见"),
    (Phase.INSPECT, 61, 120, "自查、抽查和年度考核"),
)


def _sheets_of(actor: Actor, risks: list[RiskPoint]) -> list[RiskSheet]:
    found: dict[tuple[int, str, int | None, int | None], RiskSheet] = {}
    for r in risks:
        key = (r.cycle_id, r.subject_kind, r.department_id, r.post_id)
        if key not in found:
            department = r.department if r.subject_kind == SubjectKind.DEPARTMENT else None
            found[key] = open_sheet(actor, r.cycle, r.subject_kind, department=department, post=r.post)
    return list(found.values())


def _forward(actor: Actor, sheet: RiskSheet, steps: int) -> RiskSheet:
    """Move a sheet `steps` moves along the whole chain, whatever its kind (shorter chains stop early)."""
    for action in WHOLE_CHAIN[:steps]:
        if sheet.stage == SheetStage.PUBLISHED:
            break
        if action == "pass" and sheet.stage in (SheetStage.DECISION, SheetStage.APPROVED):
            continue
        sheet = move(actor, sheet, action)
    return sheet


def review_demo_sheets(actor: Actor, first: Cycle, second: Cycle, hand_in: list[RiskPoint]) -> dict[str, int]:
    published = handed_in = 0
    all_2025 = list(RiskPoint.objects.filter(cycle=first).select_related("cycle", "department", "post"))
    for sheet in _sheets_of(actor, all_2025):
        sheet = _forward(actor, sheet, len(WHOLE_CHAIN))
        published += sheet.stage == SheetStage.PUBLISHED
    wanted = [r for r in hand_in if r.cycle_id == second.pk]
    sheets_2026 = _sheets_of(actor, wanted)
    moved: list[RiskSheet] = []
    for sheet in sheets_2026:
        try:
            moved.append(_forward(actor, sheet, 2))
        except ServiceError:
            continue  # not ready (a measure or a level missing): it stays with its author for comments
        handed_in += 1
    posts = [s for s in moved if s.subject_kind == SubjectKind.POST]
    if posts:
        sheet = move(actor, posts[0], "pass", "已核对岗位职责，同意上报")
        move(actor, sheet, "pass", "风险点查找较全面，同意")
    if len(posts) > 1:
        move(actor, posts[1], "return", RETURN_REASON)
    today = timezone.localdate()
    set_phases(
        actor,
        second,
        [(p, today + timedelta(days=a), today + timedelta(days=b), note) for p, a, b, note in PHASES],
    )
    return {"sheets_published_2025": published, "sheets_handed_in": handed_in}
