"""Telling administrators that a year of the calendar is missing: in-app notifications for everyone holding a
sysadmin or supervisor grant (once per missing year and recipient), run daily by
`tasks.check_calendar_coverage`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from lianfang.accounts.models import Role, RoleGrant
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record
from lianfang.core.actor import Actor, system_actor
from lianfang.review.models import Notification, NotificationKind
from lianfang.review.services.notifications import Draft, create_once

from .selectors import missing_year_alert, missing_years

ALERTED_ROLES = (Role.SYSADMIN, Role.SUPERVISOR)


def administrators() -> list[int]:
    """Active users holding a sysadmin or supervisor grant that is not revoked."""
    return sorted(
        set(
            RoleGrant.objects.filter(
                role__in=ALERTED_ROLES, revoked_at__isnull=True, user__is_active=True
            ).values_list("user_id", flat=True)
        )
    )


def coverage_drafts(today: dt.date) -> list[Draft]:
    missing = missing_years(today)
    text = missing_year_alert(today)
    if not missing or text is None:
        return []
    # Overdue when this year is missing (counting has stopped); waiting while only next year is.
    kind = NotificationKind.OVERDUE if today.year in missing else NotificationKind.WAITING
    key = "calendar:missing:" + ",".join(str(y) for y in missing)
    link = reverse("workdays:calendar")
    return [Draft(user_id, kind, text, link, key) for user_id in administrators()]


def check_coverage(today: dt.date, actor: Actor | None = None) -> dict[str, object]:
    with transaction.atomic():
        created: list[Notification] = create_once(coverage_drafts(today))
        result: dict[str, object] = {"missing": missing_years(today), "notified": len(created)}
        record(
            actor or system_actor("定时作业"),
            AuditAction.SYSTEM,
            object_type="workdays.calendaryear",
            object_repr=f"工作日历覆盖检查（{today:%Y-%m-%d}）",
            after=result,
        )
    return result
