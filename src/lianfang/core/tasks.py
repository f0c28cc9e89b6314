"""Background tasks of the core. Later issues add reminders and deadline checks in their own apps."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from lianfang.audit.models import AuditAction
from lianfang.audit.selectors import verify_chain
from lianfang.audit.services import record
from lianfang.core.actor import system_actor


@task()
def verify_audit_chain() -> dict[str, object]:
    """Nightly: verify the whole audit chain and write the result into the chain itself."""
    result = verify_chain()
    outcome = {"ok": result.ok, "checked": result.checked, "problem": str(result.problem or "")}
    with transaction.atomic():
        record(
            system_actor("定时作业"),
            AuditAction.SYSTEM,
            object_type="audit.chain",
            object_repr="审计链校验",
            after=outcome,
        )
    return outcome
