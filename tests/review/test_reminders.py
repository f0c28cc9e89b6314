"""Reminders: before and after the deadlines, once only, e-mail only with an SMTP server, waiting sheets."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from lianfang.accounts.models import Role
from lianfang.audit.models import AuditEntry
from lianfang.cycles.models import Cycle
from lianfang.review.models import Notification, NotificationKind, SheetAction, SheetStage
from lianfang.review.reminders import send_reminders
from lianfang.review.selectors_progress import unread_count
from lianfang.review.services.notifications import mark_read
from lianfang.review.tasks import send_review_reminders
from tests.conftest import TwoUnits, actor_of
from tests.factories import make_cycle, user_with_role
from tests.review.test_phases_board import holder_of, make_sheet, moved, with_phases

D = dt.date
END_OF_INVESTIGATION = D(2026, 5, 31)


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    c = make_cycle(org.college)
    with_phases(c)
    return c


def test_due_soon_then_overdue_once_each(org: TwoUnits, cycle: Cycle) -> None:
    holder = holder_of(org.cashier, "cashier")
    head = user_with_role(Role.DEPT_HEAD, org.finance, "head")
    supervisor = user_with_role(Role.SUPERVISOR, org.college, "office")
    make_sheet(cycle, org.teacher, SheetStage.DEPT_REVIEW)  # handed in: nothing to remind

    assert send_reminders(D(2026, 5, 20)) == {"due_soon": 0, "overdue": 0, "waiting": 0, "emailed": 0}
    soon = send_reminders(D(2026, 5, 29))
    assert soon["due_soon"] > 0 and soon["overdue"] == 0
    holder_notes = Notification.objects.filter(recipient=holder)
    assert [n.kind for n in holder_notes] == [NotificationKind.DUE_SOON]
    assert "出纳" in holder_notes[0].text and "2026-05-31" in holder_notes[0].text
    # The department head hears of the post sheet of 出纳 and of the two departments (财务处, 核算科).
    assert Notification.objects.filter(recipient=head, kind=NotificationKind.DUE_SOON).count() == 3
    assert (
        Notification.objects.filter(recipient=supervisor, kind=NotificationKind.DUE_SOON).count() == 1
    )  # unit
    # The teacher's sheet is handed in, so nobody is reminded of it.
    assert not Notification.objects.filter(text__contains="教学秘书").exists()

    assert send_reminders(D(2026, 5, 30))["due_soon"] == 0  # once only
    late = send_reminders(D(2026, 6, 1))
    assert late["overdue"] == soon["due_soon"]
    assert set(Notification.objects.filter(recipient=holder).values_list("kind", flat=True)) == {
        NotificationKind.DUE_SOON,
        NotificationKind.OVERDUE,
    }
    assert send_reminders(D(2026, 6, 2))["overdue"] == 0
    assert unread_count(holder.pk) == 2
    mark_read(actor_of(holder))
    assert unread_count(holder.pk) == 0


def test_dry_run_writes_nothing(org: TwoUnits, cycle: Cycle) -> None:
    holder_of(org.cashier, "cashier")
    counts = send_reminders(D(2026, 6, 1), dry_run=True)
    assert counts["overdue"] >= 1 and not Notification.objects.exists()
    out = StringIO()
    call_command("review", "remind", "--dry-run", "--today", "2026-06-01", stdout=out)
    assert "试运行" in out.getvalue() and not Notification.objects.exists()


def test_no_email_without_smtp(org: TwoUnits, cycle: Cycle, mailoutbox: list[mail.EmailMessage]) -> None:
    holder_of(org.cashier, "cashier", email="cashier@example.org")
    with override_settings(EMAIL_HOST=""):
        counts = send_reminders(D(2026, 6, 1))
    assert counts["emailed"] == 0 and mailoutbox == []
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()


def test_email_with_smtp(org: TwoUnits, cycle: Cycle, mailoutbox: list[mail.EmailMessage]) -> None:
    holder = holder_of(org.cashier, "cashier", email="cashier@example.org")
    user_with_role(Role.DEPT_HEAD, org.finance, "head")  # no address: in-app only
    with override_settings(EMAIL_HOST="smtp.example.org"):
        counts = send_reminders(D(2026, 6, 1))
        again = send_reminders(D(2026, 6, 1))
    assert counts["emailed"] == 1 and again["emailed"] == 0
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["cashier@example.org"]
    assert "已逾期" in mailoutbox[0].subject and "出纳" in mailoutbox[0].body
    assert Notification.objects.get(recipient=holder).emailed_at is not None


def test_waiting_at_review_reminds_whoever_must_act(org: TwoUnits, cycle: Cycle) -> None:
    head = user_with_role(Role.DEPT_HEAD, org.finance, "head")
    sheet = make_sheet(cycle, org.cashier, SheetStage.DEPT_REVIEW)
    moved(sheet, SheetAction.SUBMIT, SheetStage.COMMENTING, SheetStage.DEPT_REVIEW, "出纳")
    submitted = timezone.localdate()
    assert send_reminders(submitted + dt.timedelta(days=3))["waiting"] == 0
    assert send_reminders(submitted + dt.timedelta(days=4))["waiting"] == 1
    note = Notification.objects.get(kind=NotificationKind.WAITING)
    assert note.recipient_id == head.pk and "待部门负责人审核" in note.text
    assert send_reminders(submitted + dt.timedelta(days=5))["waiting"] == 0


def test_closed_cycles_and_cycles_without_phases_are_skipped(org: TwoUnits) -> None:
    make_cycle(org.college)  # no phases
    holder_of(org.cashier, "cashier")
    assert send_reminders(D(2026, 12, 31)) == {"due_soon": 0, "overdue": 0, "waiting": 0, "emailed": 0}


def test_task_runs_the_job_and_notes_it(org: TwoUnits, cycle: Cycle) -> None:
    holder_of(org.cashier, "cashier")
    before = AuditEntry.objects.filter(object_type="review.notification").count()
    result = send_review_reminders.call()
    assert set(result) == {"due_soon", "overdue", "waiting", "emailed"}
    assert AuditEntry.objects.filter(object_type="review.notification").count() == before + 1


def test_waiting_at_the_leaders_review_reminds_the_deputy_overseeing_the_department_above(
    org: TwoUnits, cycle: Cycle
) -> None:
    """The cashier's post is in 核算科, under 财务处: the deputy overseeing 财务处 checks the sheet
    (org.leadership.oversees), so the reminder goes to them; the deputy over 教务处 is not told."""
    from lianfang.org.models import LeadershipKind
    from tests.factories import leader_user

    users = {
        name: leader_user(
            org.college, LeadershipKind.DEPUTY, [over], name=f"副院长{name}", staff_no=f"L-{name}"
        )
        for name, over in (("finance", org.finance), ("academic", org.academic))
    }
    sheet = make_sheet(cycle, org.cashier, SheetStage.LEADER_REVIEW)
    moved(sheet, SheetAction.PASS, SheetStage.DEPT_REVIEW, SheetStage.LEADER_REVIEW, "财务处处长")
    assert send_reminders(timezone.localdate() + dt.timedelta(days=4))["waiting"] == 1
    note = Notification.objects.get(kind=NotificationKind.WAITING)
    assert note.recipient_id == users["finance"].pk and "待分管领导审核" in note.text
