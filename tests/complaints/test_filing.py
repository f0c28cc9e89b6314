"""Filing and following a complaint through the services: named and anonymous, the receipt, a wrong secret,
throttling, the honeypot, attachment checks and limits, nothing half-written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import IntegrityError

from lianfang.audit.models import AuditEntry
from lianfang.complaints import guard, services
from lianfang.complaints.crypto import Identity, decrypt_identity
from lianfang.complaints.files import Upload
from lianfang.complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintAttempt,
    ComplaintStatus,
    TargetKind,
)
from lianfang.core.errors import ServiceError
from tests.complaints.conftest import FILER, PDF, file
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_cycle, make_power


def errors_of(exc: pytest.ExceptionInfo[ServiceError]) -> dict[str, list[str]]:
    return exc.value.field_errors


def test_named_complaint_stores_the_identity_encrypted_and_a_hashed_secret(org: TwoUnits) -> None:
    receipt = file(org)
    c = Complaint.objects.get(pk=receipt.complaint.pk)
    assert c.receipt_code.startswith("JB-") and len(c.receipt_code) == len("JB-2026-7K3QX9")
    assert c.path == org.finance.path and c.status == ComplaintStatus.RECEIVED
    assert FILER.name not in c.identity_token and c.identity_token
    assert decrypt_identity(c.identity_token) == FILER
    assert receipt.secret not in c.secret_hash and guard.secret_matches(receipt.secret, c.secret_hash)
    entry = AuditEntry.objects.filter(object_type="complaints.complaint", object_id=str(c.pk)).get()
    assert entry.actor_id == "public:complaints" and entry.scope_path == org.finance.path
    assert FILER.name not in entry.after and FILER.phone not in entry.after


def test_anonymous_complaint_keeps_no_identity_even_when_typed(org: TwoUnits) -> None:
    receipt = file(org, is_anonymous=True, identity=Identity(name="不该保存"))
    c = Complaint.objects.get(pk=receipt.complaint.pk)
    assert c.is_anonymous and c.identity_token == ""


def test_every_problem_is_reported_at_once(org: TwoUnits) -> None:
    with pytest.raises(ServiceError) as exc:
        file(
            org,
            title="",
            body="太短",
            category="nope",
            identity=Identity(name="", phone="abc", email="not-an-email", id_number="123"),
        )
    errors = errors_of(exc)
    assert set(errors) >= {"title", "body", "category", "name", "phone", "email", "id_number"}
    assert errors["name"] == ["实名举报请填写姓名"]
    assert Complaint.objects.count() == 0


def test_named_complaint_needs_a_contact(org: TwoUnits) -> None:
    with pytest.raises(ServiceError) as exc:
        file(org, identity=Identity(name="张三"))
    assert "至少留一种联系方式" in errors_of(exc)["phone"][0]


@pytest.mark.parametrize(
    ("kind", "field", "message"),
    [
        (TargetKind.DEPARTMENT, "department", "举报部门时请选择部门"),
        (TargetKind.POST, "post", "举报岗位时请选择岗位"),
        (TargetKind.PERSON, "target_name", "举报人员时请填写被举报人姓名"),
        (TargetKind.POWER, "power", "举报职权事项时请选择职权"),
    ],
)
def test_each_target_kind_needs_its_target(org: TwoUnits, kind: str, field: str, message: str) -> None:
    with pytest.raises(ServiceError) as exc:
        file(org, target_kind=kind, department=None)
    assert errors_of(exc)[field] == [message]


def test_targets_must_belong_to_the_unit_and_set_the_path(org: TwoUnits) -> None:
    with pytest.raises(ServiceError) as exc:
        file(org, target_kind=TargetKind.POST, post=org.other_post)
    assert "岗位不属于所选单位" in errors_of(exc)["post"]
    post = file(org, target_kind=TargetKind.POST, post=org.cashier, department=None).complaint
    assert post.path == org.finance_office.path and post.department == org.finance_office
    unit = file(org, target_kind=TargetKind.UNIT, department=org.finance, address="10.0.0.2").complaint
    assert unit.path == org.college.path and unit.department is None
    person = file(
        org, target_kind=TargetKind.PERSON, target_name="王某（出纳）", department=None, address="x"
    ).complaint
    assert person.path == org.college.path and person.target_name == "王某（出纳）"
    cycle = make_cycle(org.college)
    power = make_power(cycle, org.academic, "P9")
    by_power = file(org, target_kind=TargetKind.POWER, power=power, department=None, address="y").complaint
    assert by_power.path == org.academic.path


def test_following_with_the_receipt_shows_status_and_reply_never_the_identity(org: TwoUnits) -> None:
    receipt = file(org)
    services.change_status(SYSTEM, receipt.complaint, status=ComplaintStatus.IN_PROGRESS, note="内部：核查中")
    services.change_status(
        SYSTEM, receipt.complaint, status=ComplaintStatus.CONCLUDED, reply="经核查，问题属实，已处理。"
    )
    # Case, spaces and dashes do not matter.
    typed = receipt.secret.lower().replace("-", " ")
    result = services.follow(receipt.receipt_code.lower(), typed, address="1.2.3.4")
    assert result.status == ComplaintStatus.CONCLUDED and result.public_reply == "经核查，问题属实，已处理。"
    assert [r.status for r in result.replies] == ["received", "in_progress", "concluded"]
    shown = repr(result)
    assert FILER.name not in shown and FILER.phone not in shown and "内部：核查中" not in shown


def test_wrong_secret_or_code_is_refused_alike_and_counted(org: TwoUnits) -> None:
    receipt = file(org)
    for code, secret in [(receipt.receipt_code, "AAAA-BBBB-CCCC"), ("JB-2026-XXXXXX", receipt.secret)]:
        with pytest.raises(ServiceError) as exc:
            services.follow(code, secret, address="5.6.7.8")
        assert exc.value.message == services.WRONG_RECEIPT
    assert ComplaintAttempt.objects.filter(kind="follow_failed").count() == 2


def test_guessing_secrets_is_throttled_per_address_and_per_code(org: TwoUnits, settings: Any) -> None:
    settings.COMPLAINT_FOLLOW_FAILURES_PER_HOUR = 3
    receipt = file(org)
    for _ in range(3):
        with pytest.raises(ServiceError):
            services.follow(receipt.receipt_code, "WRONG", address="9.9.9.9")
    with pytest.raises(ServiceError) as exc:
        services.follow(receipt.receipt_code, receipt.secret, address="9.9.9.9")
    assert exc.value.message == guard.TOO_MANY_FAILURES
    # Another address, the same code: the code itself is locked for the hour too.
    with pytest.raises(ServiceError) as exc:
        services.follow(receipt.receipt_code, receipt.secret, address="8.8.8.8")
    assert exc.value.message == guard.TOO_MANY_FAILURES


def test_filing_is_throttled_per_address(org: TwoUnits, settings: Any) -> None:
    settings.COMPLAINT_FILINGS_PER_HOUR = 2
    file(org, address="7.7.7.7")
    file(org, address="7.7.7.7")
    with pytest.raises(ServiceError) as exc:
        file(org, address="7.7.7.7")
    assert exc.value.message == guard.TOO_MANY_FILINGS
    file(org, address="7.7.7.8")
    assert Complaint.objects.count() == 3
    # The address is kept only as a keyed hash.
    assert not ComplaintAttempt.objects.filter(address_hash__contains="7.7.7").exists()


def test_honeypot_filled_in_is_refused(org: TwoUnits) -> None:
    with pytest.raises(ServiceError) as exc:
        file(org, honeypot="http://spam.example")
    assert exc.value.message == services.REJECTED_BY_HONEYPOT
    assert Complaint.objects.count() == 0
    assert ComplaintAttempt.objects.filter(kind="filing").count() == 1


def test_attachments_are_stored_with_their_hash(org: TwoUnits, complaint_files: Path) -> None:
    png = Upload("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    receipt = file(org, [PDF, png, Upload("说明.txt", "说明文字".encode("gb18030"))])
    stored = list(ComplaintAttachment.objects.filter(complaint=receipt.complaint).order_by("id"))
    assert [a.name for a in stored] == ["凭证.pdf", "现场.png", "说明.txt"]
    assert stored[0].content_type == "application/pdf" and stored[1].size == 108
    assert all(Path(a.file.path).is_relative_to(complaint_files / "media" / "complaints") for a in stored)
    # The stored file's name does not repeat the original one.
    assert "凭证" not in stored[0].file.name


def test_attachment_types_and_sizes_are_checked(org: TwoUnits, settings: Any) -> None:
    settings.COMPLAINT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ServiceError) as exc:
        file(
            org,
            [
                Upload("病毒.exe", b"MZ"),
                Upload("假的.pdf", b"MZ not a pdf"),
                Upload("空.txt", b""),
                Upload("大.pdf", b"%PDF-" + b"0" * 1000),
            ],
        )
    messages = errors_of(exc)["attachments"]
    assert any("总大小不能超过" in m for m in messages)
    assert any("“病毒.exe”的类型不允许" in m for m in messages)
    assert any("“假的.pdf”的内容与扩展名 .pdf 不符" in m for m in messages)
    assert any("“空.txt”是空文件" in m for m in messages)
    assert Complaint.objects.count() == 0


def test_too_many_attachments(org: TwoUnits, settings: Any) -> None:
    settings.COMPLAINT_MAX_ATTACHMENTS = 2
    with pytest.raises(ServiceError) as exc:
        file(org, [PDF, PDF, PDF])
    assert "附件最多 2 个" in errors_of(exc)["attachments"]


def test_files_written_are_removed_when_the_transaction_fails(
    org: TwoUnits, complaint_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("simulated")

    monkeypatch.setattr(services, "record_change", broken)
    with pytest.raises(IntegrityError):
        file(org, [PDF])
    assert Complaint.objects.count() == 0 and ComplaintAttachment.objects.count() == 0
    media = complaint_files / "media"
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_status_changes_follow_the_rules_and_are_audited(org: TwoUnits) -> None:
    c = file(org).complaint
    with pytest.raises(ServiceError) as exc:
        services.change_status(SYSTEM, c, status=ComplaintStatus.CONCLUDED)
    assert "请填写给举报人的答复" in errors_of(exc)["reply"][0]
    services.change_status(
        SYSTEM, c, status=ComplaintStatus.REJECTED, reply="不属于受理范围，已告知向法院起诉。"
    )
    with pytest.raises(ServiceError) as exc:
        services.change_status(SYSTEM, c, status=ComplaintStatus.IN_PROGRESS)
    assert "不能改为该状态" in errors_of(exc)["status"][0]
    entry = AuditEntry.objects.filter(object_type="complaints.complaint", action="update").get()
    assert '"rejected"' in entry.after and '"received"' in entry.before


def test_internal_notes(org: TwoUnits) -> None:
    c = file(org).complaint
    with pytest.raises(ServiceError):
        services.add_note(SYSTEM, c, "  ")
    event = services.add_note(SYSTEM, c, "已电话联系举报人")
    assert event.kind == "note"
    assert AuditEntry.objects.filter(object_type="complaints.complaintevent").count() == 1


def test_receipt_codes_retry_on_a_clash(org: TwoUnits, monkeypatch: pytest.MonkeyPatch) -> None:
    first = file(org).receipt_code
    codes = iter([first, "JB-2026-NEWONE"])
    monkeypatch.setattr(guard, "new_receipt_code", lambda year: next(codes))
    assert file(org, address="2.2.2.2").receipt_code == "JB-2026-NEWONE"
