"""Writing in-app notifications (once per recipient and key), e-mailing them, marking them read.

Notifications are operational bookkeeping, like sessions or the task queue: they are not audited. What caused
them (a comment, a sheet's move) is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError

from ..models import Notification
from ..selectors_progress import emails

KEY_CHUNK = 500


@dataclass(frozen=True)
class Draft:
    recipient_id: int
    kind: str
    text: str
    link: str
    key: str


def create_once(drafts: Sequence[Draft]) -> list[Notification]:
    """Create the notifications not sent before (the key is unique per recipient); returns the new ones."""
    if not drafts:
        return []
    unique: dict[tuple[int, str], Draft] = {(d.recipient_id, d.key[:200]): d for d in drafts}
    keys = sorted({k for _r, k in unique})
    existing: set[tuple[int, str]] = set()
    for i in range(0, len(keys), KEY_CHUNK):
        existing.update(
            Notification.objects.filter(key__in=keys[i : i + KEY_CHUNK]).values_list("recipient_id", "key")
        )
    new = [
        Notification(recipient_id=r, kind=d.kind, text=d.text[:500], link=d.link[:300], key=k)
        for (r, k), d in unique.items()
        if (r, k) not in existing
    ]
    # ignore_conflicts: a concurrent run that got there first wins; the reminder is still sent once.
    Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    return new


def notify(
    recipient_ids: Iterable[int], kind: str, text: str, *, link: str = "", key: str
) -> list[Notification]:
    return create_once([Draft(r, kind, text, link, key) for r in recipient_ids])


def mail_enabled() -> bool:
    return bool(getattr(settings, "EMAIL_HOST", ""))


def email_pending(keys: Iterable[str]) -> int:
    """E-mail the notifications with these keys not e-mailed yet, when an SMTP server is configured and the
    recipient has an address; each sent one is marked. Returns how many were sent."""
    if not mail_enabled():
        return 0
    keys = sorted(set(keys))
    sent = 0
    for i in range(0, len(keys), KEY_CHUNK):
        pending = list(
            Notification.objects.filter(
                key__in=keys[i : i + KEY_CHUNK], emailed_at__isnull=True
            ).select_related("recipient")
        )
        addresses = emails({n.recipient_id for n in pending})
        for n in pending:
            address = addresses.get(n.recipient_id)
            if not address:
                continue
            body = n.text
            if n.link:
                body += f"\n\n{n.link}"
            send_mail(f"【廉防】{n.get_kind_display()}", body, settings.DEFAULT_FROM_EMAIL, [address])
            Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
            sent += 1
    return sent


@transaction.atomic
def mark_read(actor: Actor, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's own notifications read (all unread ones when no ids are given)."""
    if actor.user_id is None:
        return 0
    qs = Notification.objects.filter(recipient_id=actor.user_id, read_at__isnull=True)
    if ids is not None:
        wanted = set(ids)
        own = set(
            Notification.objects.filter(recipient_id=actor.user_id, pk__in=wanted).values_list(
                "pk", flat=True
            )
        )
        if wanted - own:
            raise NotFoundError("通知不存在或不属于您")
        qs = qs.filter(pk__in=wanted)
    return qs.update(read_at=timezone.now())
