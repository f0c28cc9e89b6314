"""Publishing (公示): freezing an approved item as a new version of its lineage.

`publish` is called by the catalog chain (powers.services.review, on ReviewAction.PUBLISH) and by the risk
sheet chains (for each risk point of a published sheet). A published version never changes: the item's later
edits make a new draft, and readers keep the published version until the next publication.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change
from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.org.models import Department
from lianfang.powers.models import ApprovalStatus, Disposition, Flowchart, Power
from lianfang.risks.models import RiskPoint, RiskStatus

from . import snapshots
from .models import PortalStamp, Publication, PublicationKind, PublicAudience

Item = Power | Flowchart | RiskPoint
PUBLISHABLE: dict[str, tuple[str, str]] = {
    PublicationKind.POWER: (ApprovalStatus.APPROVED, ApprovalStatus.PUBLISHED),
    PublicationKind.FLOW: (ApprovalStatus.APPROVED, ApprovalStatus.PUBLISHED),
    PublicationKind.RISK: (RiskStatus.APPROVED, RiskStatus.PUBLISHED),
}
OBJECT_TYPES: dict[str, str] = {
    PublicationKind.POWER: ObjectType.POWER,
    PublicationKind.FLOW: ObjectType.FLOW,
    PublicationKind.RISK: ObjectType.RISK,
}


def kind_of(item: Item) -> str:
    if isinstance(item, Power):
        return PublicationKind.POWER
    if isinstance(item, Flowchart):
        return PublicationKind.FLOW
    return PublicationKind.RISK


def bump(unit_id: int) -> None:
    """Mark the unit's public pages as changed (cached pages are keyed by this version)."""
    stamp, _ = PortalStamp.objects.get_or_create(unit_id=unit_id)
    PortalStamp.objects.filter(pk=stamp.pk).update(version=F("version") + 1)


def _sort_key(department: Department | None, order: int) -> str:
    if department is None:
        return f"0/{order:08d}"
    return f"1/{department.sort_order:06d}/{department.path}/{order:08d}"


def _is_secret(item: Item) -> bool:
    if isinstance(item, RiskPoint):
        return False
    return bool(item.is_secret)


def current_of(unit_id: int, kind: str, code: str) -> Publication | None:
    return (
        Publication.objects.select_for_update()
        .filter(unit_id=unit_id, kind=kind, code=code, is_current=True)
        .first()
    )


@transaction.atomic
def withdraw(actor: Actor, item: Item, reason: str) -> Publication | None:
    """Take a lineage off the portal (history kept): its current publication is marked withdrawn."""
    kind = kind_of(item)
    current = current_of(item.unit_id, kind, item.code)
    if current is None or current.withdrawn:
        return current
    Publication.objects.filter(pk=current.pk).update(withdrawn=True)
    current.withdrawn = True
    bump(item.unit_id)
    record_change(
        actor,
        AuditAction.PUBLISH,
        current,
        scope_path=current.path,
        before={"withdrawn": False},
        after={"withdrawn": True, "reason": reason},
    )
    return current


@transaction.atomic
def publish(actor: Actor, item: Item) -> Publication | None:
    """Freeze the item as the new current version of its lineage (unit, kind, code).

    Secret items (涉密) are never published, not even inside the unit: None, and a lineage published before
    the item was marked secret is withdrawn. An abolished power's publication withdraws its lineage from the
    portal (the version is kept in the history)."""
    kind = kind_of(item)
    require(actor, Action.PUBLISH, OBJECT_TYPES[kind], item.path)
    item = type(item).objects.select_related("unit", "department", "cycle").get(pk=item.pk)
    if _is_secret(item):
        withdraw(actor, item, "涉密事项不予公示")
        return None
    if item.status not in PUBLISHABLE[kind]:
        raise ServiceError(f"“{item.name}”尚未审定，不能公示")
    if isinstance(item, Power):
        audience = snapshots.power_audience(item)
        content = snapshots.power_content(item, audience)
        search_text = snapshots.power_search(content)
        withdrawn = item.disposition == Disposition.ABOLISH
        order = item.sort_order
    elif isinstance(item, Flowchart):
        audience = PublicAudience.EXTERNAL if snapshots.flow_is_external(item) else PublicAudience.INTERNAL
        content = snapshots.flow_content(item, audience)
        search_text = snapshots.flow_search(content)
        withdrawn = False
        order = 0
    else:
        audience = PublicAudience.INTERNAL
        content = snapshots.risk_content(item)
        search_text = snapshots.risk_search(content)
        withdrawn = False
        order = item.sort_order
    previous = current_of(item.unit_id, kind, item.code)
    last = (
        Publication.objects.filter(unit_id=item.unit_id, kind=kind, code=item.code)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if previous is not None:
        Publication.objects.filter(pk=previous.pk).update(is_current=False)
    publication = Publication.objects.create(
        unit_id=item.unit_id,
        department=item.department,
        path=item.path,
        kind=kind,
        code=item.code,
        version=(last or 0) + 1,
        audience=audience,
        title=item.name,
        department_name=item.department.name if item.department else "",
        sort_key=_sort_key(item.department, order) + f"/{item.code}",
        year=item.cycle.year,
        content=content,
        search_text=search_text,
        is_current=True,
        withdrawn=withdrawn,
        power=item if isinstance(item, Power) else None,
        flow=item if isinstance(item, Flowchart) else None,
        risk=item if isinstance(item, RiskPoint) else None,
        published_at=timezone.now(),
    )
    bump(item.unit_id)
    record_change(
        actor,
        AuditAction.PUBLISH,
        publication,
        scope_path=item.path,
        before={"version": previous.version, "audience": previous.audience} if previous else None,
        after={
            "kind": kind,
            "code": item.code,
            "version": publication.version,
            "audience": audience,
            "withdrawn": withdrawn,
            "source_id": item.pk,
        },
    )
    return publication
