"""The reminder job: before and after the phase deadlines, and for sheets waiting too long at a review stage.

For every open cycle with phases, every post, department and the unit whose sheet has not reached what
the next deadline asks gets a 即将到期 notice within `DUE_SOON_DAYS` of it, and an 已逾期 notice once it has
passed. Who is reminded: for a post's sheet its current holders and the department head(s); for a
department's sheet the department head(s); for the unit's sheet the supervising office. A sheet waiting at a
review stage for more than `WAITING_DAYS` reminds whoever must act there. Each notice is sent once
(Notification's unique (recipient, key)); it is e-mailed as well when an SMTP server is configured and the
recipient has an address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor, system_actor
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.org.models import LeadershipKind, LeadershipRole
from lianfang.risks.vocabulary import SubjectKind

from . import board, chain
from .comments_selectors import _sheet_url
from .models import CyclePhase, Notification, NotificationKind, RiskSheet, SheetStage
from .selectors_progress import (
    covering,
    dept_heads,
    holder_user_ids,
    overseeing_deputies,
    supervisors,
    unit_office,
)
from .services.notifications import Draft, create_once, email_pending

DUE_SOON_DAYS = 3
WAITING_DAYS = 3


@dataclass
class Counts:
    due_soon: int = 0
    overdue: int = 0
    waiting: int = 0
    emailed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "due_soon": self.due_soon,
            "overdue": self.overdue,
            "waiting": self.waiting,
            "emailed": self.emailed,
        }


def _subject_text(row: board.Row) -> str:
    if row.kind == SubjectKind.POST:
        return f"{row.department_name}“{row.name}”岗位"
    if row.kind == SubjectKind.DEPARTMENT:
        return f"{row.name}（部门）"
    return f"{row.name}（单位领导班子）"


def _deadline_drafts(cycle: Cycle, today: dt.date) -> list[Draft]:
    full = board.build(system_actor("提醒作业"), cycle, today=today)
    link = reverse("review:board") + f"?cycle={cycle.pk}"
    heads = dept_heads()
    office = unit_office(supervisors(), cycle.unit.path)
    holders = holder_user_ids([r.subject_id for r in full.rows() if r.kind == SubjectKind.POST], today)
    drafts: list[Draft] = []
    for row in full.rows():
        found: list[tuple[str, chain.Deadline]] = []
        if row.late is not None:
            found.append((NotificationKind.OVERDUE, row.late))
        if row.due is not None and (row.due.due - today).days <= DUE_SOON_DAYS:
            found.append((NotificationKind.DUE_SOON, row.due))
        if not found:
            continue
        if row.kind == SubjectKind.POST:
            recipients = holders.get(row.subject_id, set()) | covering(heads, row.path)
        elif row.kind == SubjectKind.DEPARTMENT:
            recipients = covering(heads, row.path)
        else:
            recipients = office
        for kind, d in found:
            phase, stage = board.phase_name(d.phase), board.stage_name(d.stage)
            if kind == NotificationKind.OVERDUE:
                text = (
                    f"已逾期：{_subject_text(row)}的廉政风险排查表应于{d.due:%Y-%m-%d}前达到“{stage}”"
                    f"（{phase}阶段），目前为“{row.stage_label}”"
                )
            else:
                text = (
                    f"即将到期：{_subject_text(row)}的廉政风险排查表应于{d.due:%Y-%m-%d}前达到“{stage}”"
                    f"（{phase}阶段），目前为“{row.stage_label}”"
                )
            key = f"sheet:{cycle.pk}:{row.kind}:{row.subject_id}:{d.phase}:{d.due.isoformat()}:{kind}"
            drafts.extend(Draft(r, kind, text, link, key) for r in sorted(recipients))
    return drafts


def _waiting_drafts(cycle: Cycle, today: dt.date) -> list[Draft]:
    """Sheets at a review stage for more than WAITING_DAYS: remind whoever must act there."""
    waiting = list(
        RiskSheet.objects.filter(cycle=cycle, stage__in=chain.REVIEW_STAGES)
        .select_related("department", "post", "unit")
        # When it got there: the latest event that brought it to its present stage.
        .annotate(entered=Max("events__at", filter=Q(events__to_stage=F("stage"))))
    )
    if not waiting:
        return []
    heads = dept_heads()
    office = unit_office(supervisors(), cycle.unit.path)
    deputies = overseeing_deputies(cycle.unit_id, today)
    chiefs = set(
        LeadershipRole.objects.filter(unit=cycle.unit, kind=LeadershipKind.HEAD, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .filter(person__user__isnull=False, person__user__is_active=True)
        .values_list("person__user__id", flat=True)
    )
    drafts: list[Draft] = []
    for sheet in waiting:
        entered = sheet.entered or sheet.updated_at
        since = timezone.localtime(entered).date()
        if (today - since).days <= WAITING_DAYS:
            continue
        if sheet.stage == SheetStage.DEPT_REVIEW:
            recipients = covering(heads, sheet.path)
        elif sheet.stage == SheetStage.LEADER_REVIEW:
            # The deputies who may check it: overseeing its department or one above (org.leadership).
            recipients = covering(deputies, sheet.path)
        elif sheet.stage == SheetStage.DECISION:
            recipients = office | chiefs
        else:
            recipients = set(office)
        text = f"待处理：{sheet}自{since:%Y-%m-%d}起处于“{sheet.get_stage_display()}”，请及时审核"
        key = f"waiting:{sheet.pk}:v{sheet.version}:{sheet.stage}:{since.isoformat()}"
        url = _sheet_url(sheet.pk)
        drafts.extend(Draft(r, NotificationKind.WAITING, text, url, key) for r in sorted(recipients))
    return drafts


def open_cycles() -> list[Cycle]:
    with_phases = CyclePhase.objects.values("cycle_id")
    return list(Cycle.objects.filter(status=CycleStatus.OPEN, pk__in=with_phases).select_related("unit"))


def send_reminders(today: dt.date, *, dry_run: bool = False) -> dict[str, int]:
    """Create (once) and e-mail the reminders due today. With dry_run nothing is written: the counts say
    how many notices would be new."""
    drafts: list[Draft] = []
    for cycle in open_cycles():
        drafts.extend(_deadline_drafts(cycle, today))
        drafts.extend(_waiting_drafts(cycle, today))
    counts = Counts()
    if dry_run:
        existing = set(
            Notification.objects.filter(key__in={d.key for d in drafts}).values_list("recipient_id", "key")
        )
        new = [
            d
            for d in {(d.recipient_id, d.key): d for d in drafts}.values()
            if (d.recipient_id, d.key) not in existing
        ]
        kinds = [d.kind for d in new]
    else:
        with transaction.atomic():
            created = create_once(drafts)
        kinds = [n.kind for n in created]
        counts.emailed = email_pending({n.key for n in created})
    counts.due_soon = kinds.count(NotificationKind.DUE_SOON)
    counts.overdue = kinds.count(NotificationKind.OVERDUE)
    counts.waiting = kinds.count(NotificationKind.WAITING)
    return counts.as_dict()


def run_job(today: dt.date, actor: Actor | None = None) -> dict[str, int]:
    """The job as the worker and the console run it: send, then note the run in the audit log."""
    result = send_reminders(today)
    with transaction.atomic():
        record(
            actor or system_actor("定时作业"),
            AuditAction.SYSTEM,
            object_type="review.notification",
            object_repr=f"审核进度提醒（{today:%Y-%m-%d}）",
            after=result,
        )
    return result
