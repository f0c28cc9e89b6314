"""The filer's identity: read by the supervising office of the unit only, every reading audited, and a
database dump alone does not reveal it (the key is a file outside the database)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from lianfang.accounts.models import Role
from lianfang.audit.models import AuditEntry
from lianfang.audit.selectors import verify_chain
from lianfang.complaints import selectors, services
from lianfang.complaints.crypto import MISSING_KEY, WRONG_KEY, decrypt_identity, write_key
from lianfang.complaints.models import Complaint, ComplaintEvent, ComplaintStatus
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from tests.complaints.conftest import FILER, file
from tests.conftest import TwoUnits, actor_of
from tests.factories import user_with_role

# (role, node attribute of TwoUnits) → may it list, read, reveal the identity and change the status of a
# complaint about the college's finance department? Written out by hand.
MATRIX = [
    (Role.SUPERVISOR, "college", True),
    (Role.SUPERVISOR, "city", True),  # the parent unit's supervising office reaches the college
    (Role.SUPERVISOR, "finance", True),  # a grant over the department itself
    (Role.SUPERVISOR, "academic", False),  # another department
    (Role.SUPERVISOR, "other", False),  # another unit's supervising office
    (Role.UNIT_LEADER, "college", False),
    (Role.DEPT_HEAD, "finance", False),
    (Role.LIAISON, "finance", False),
    (Role.POST_HOLDER, "finance_office", False),
    (Role.SYSADMIN, "college", False),
    (Role.SECADMIN, "college", False),
    (Role.AUDITADMIN, "college", False),
]


@pytest.mark.parametrize(("role", "node", "allowed"), MATRIX)
def test_permission_matrix(org: TwoUnits, role: str, node: str, allowed: bool) -> None:
    complaint = file(org).complaint
    actor = actor_of(user_with_role(role, getattr(org, node)))
    listed = list(selectors.queue(actor).values_list("pk", flat=True))
    assert listed == ([complaint.pk] if allowed else [])
    if not allowed:
        with pytest.raises(NotFoundError):
            selectors.get_complaint(actor, complaint.pk)
        # Even handed the row, the services refuse.
        with pytest.raises(PermissionDeniedError):
            services.reveal_identity(actor, complaint)
        with pytest.raises(PermissionDeniedError):
            services.change_status(actor, complaint, status=ComplaintStatus.IN_PROGRESS)
        assert not AuditEntry.objects.filter(object_type="complaints.complaint_identity").exists()
        return
    found = selectors.get_complaint(actor, complaint.pk)
    assert services.reveal_identity(actor, found) == FILER
    services.change_status(actor, found, status=ComplaintStatus.IN_PROGRESS)


def test_each_reading_is_audited_in_the_log_and_on_the_complaint(org: TwoUnits) -> None:
    complaint = file(org).complaint
    user = user_with_role(Role.SUPERVISOR, org.college)
    actor = actor_of(user)
    before = AuditEntry.objects.count()
    for _ in range(3):
        assert services.reveal_identity(actor, complaint).phone == FILER.phone
    entries = list(AuditEntry.objects.filter(object_type="complaints.complaint_identity").order_by("seq"))
    assert len(entries) == 3 == AuditEntry.objects.count() - before
    for entry in entries:
        assert entry.actor_id == f"user:{user.pk}" and entry.object_id == str(complaint.pk)
        assert entry.action == services.READ_ACTION and entry.scope_path == complaint.path
        assert complaint.receipt_code in entry.object_repr
        # The log says that it was read, not what was read.
        assert FILER.name not in entry.after and FILER.phone not in entry.after
    assert ComplaintEvent.objects.filter(complaint=complaint, kind="identity_read").count() == 3
    assert verify_chain().ok


def test_a_failed_reading_leaves_no_entry_and_an_anonymous_one_has_nothing(
    org: TwoUnits, settings: Any, tmp_path: Path
) -> None:
    named = file(org).complaint
    anonymous = file(org, is_anonymous=True).complaint
    actor = actor_of(user_with_role(Role.SUPERVISOR, org.college))
    with pytest.raises(ServiceError) as exc:
        services.reveal_identity(actor, anonymous)
    assert "匿名举报" in exc.value.message
    # Another key: nothing decrypts, nothing is logged as read.
    settings.COMPLAINT_KEY_FILE = tmp_path / "other.key"
    write_key(settings.COMPLAINT_KEY_FILE)
    with pytest.raises(ServiceError) as exc:
        services.reveal_identity(actor, named)
    assert exc.value.message == WRONG_KEY
    # No key at all, with identities stored: not created anew, refused.
    settings.COMPLAINT_KEY_FILE = tmp_path / "missing.key"
    with pytest.raises(ServiceError) as exc:
        services.reveal_identity(actor, named)
    assert exc.value.message == MISSING_KEY
    with pytest.raises(ServiceError) as exc:
        file(org, address="3.3.3.3")
    assert exc.value.message == MISSING_KEY
    assert not settings.COMPLAINT_KEY_FILE.exists()
    assert not AuditEntry.objects.filter(object_type="complaints.complaint_identity").exists()


def _all_text_in_tables() -> str:
    """Every text-like value of every table, read with raw SQL."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).decode("utf-8", "replace"))
                    elif value is not None:
                        chunks.append(str(value))
    return "\n".join(chunks)


def test_the_database_dump_alone_does_not_reveal_the_identity(org: TwoUnits) -> None:
    receipt = file(org)
    actor = actor_of(user_with_role(Role.SUPERVISOR, org.college))
    services.reveal_identity(actor, receipt.complaint)  # reading leaves no copy behind either
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    raw = _all_text_in_tables()
    assert receipt.complaint.receipt_code in dump.getvalue() and receipt.complaint.title in raw
    for secret in (FILER.name, FILER.phone, FILER.email, FILER.id_number, receipt.secret):
        assert secret not in dump.getvalue()
        assert secret not in raw
    # With the key file, the stored token gives the identity back.
    token = Complaint.objects.get(pk=receipt.complaint.pk).identity_token
    assert decrypt_identity(token) == FILER


def test_keygen_writes_an_owner_only_key_and_refuses_to_overwrite(settings: Any, tmp_path: Path) -> None:
    path = tmp_path / "k" / "complaints.key"
    settings.COMPLAINT_KEY_FILE = path
    call_command("complaints", "keygen", stdout=io.StringIO())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = path.read_bytes()
    with pytest.raises(CommandError, match="已存在"):
        call_command("complaints", "keygen", stdout=io.StringIO())
    assert path.read_bytes() == first
    call_command("complaints", "keygen", "--force", stdout=io.StringIO())
    assert path.read_bytes() != first


def test_the_key_is_created_on_first_use_of_a_fresh_installation(org: TwoUnits, settings: Any) -> None:
    assert not settings.COMPLAINT_KEY_FILE.exists()
    file(org)
    assert stat.S_IMODE(os.stat(settings.COMPLAINT_KEY_FILE).st_mode) == 0o600


def test_check_and_list_commands(org: TwoUnits, settings: Any, tmp_path: Path) -> None:
    receipt = file(org)
    file(org, is_anonymous=True, address="4.4.4.4")
    out = io.StringIO()
    call_command("complaints", "check", stdout=out)
    assert "全部 1 条" in out.getvalue()
    out = io.StringIO()
    call_command("complaints", "list", "--unit", org.college.code, stdout=out)
    assert receipt.receipt_code in out.getvalue() and "共 2 件" in out.getvalue()
    assert FILER.name not in out.getvalue()
    settings.COMPLAINT_KEY_FILE = tmp_path / "wrong.key"
    write_key(settings.COMPLAINT_KEY_FILE)
    with pytest.raises(CommandError, match="无法用"):
        call_command("complaints", "check", stdout=io.StringIO())
