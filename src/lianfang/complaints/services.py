"""Writes of the complaint box: filing (public, no account), following with the receipt, the supervising
office's handling, and reading a filer's identity (audited every time).

A filing is always recorded as the public's (`PUBLIC_ACTOR`), even when someone is signed in: the audit
log must not tie a complaint to an account.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record, record_change
from lianfang.core.actor import Actor, ActorKind
from lianfang.core.errors import Checker, ServiceError
from lianfang.core.writing import clean_input, save_checked
from lianfang.org.models import Department, Person, Post, Status, Unit
from lianfang.powers.models import Power

from . import files, guard
from .crypto import Identity, decrypt_identity, encrypt_identity
from .models import (
    Category,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintStatus,
    EventKind,
    TargetKind,
)

PUBLIC_ACTOR = Actor(kind=ActorKind.USER, ident="public:complaints", name="公众（举报箱）")
# Reading a filer's identity (or an attachment, which may name them) leaves a 查阅 line in the audit log.
READ_ACTION: str = AuditAction.READ
REJECTED_BY_HONEYPOT = "提交未被接受，请刷新页面后重新填写"
WRONG_RECEIPT = "受理编号或查询密码不正确"

NEXT_STATUS: dict[str, tuple[str, ...]] = {
    ComplaintStatus.RECEIVED: (
        ComplaintStatus.IN_PROGRESS,
        ComplaintStatus.CONCLUDED,
        ComplaintStatus.REJECTED,
    ),
    ComplaintStatus.IN_PROGRESS: (ComplaintStatus.CONCLUDED, ComplaintStatus.REJECTED),
    ComplaintStatus.CONCLUDED: (),
    ComplaintStatus.REJECTED: (),
}
NEEDS_REPLY = (ComplaintStatus.CONCLUDED, ComplaintStatus.REJECTED)


@dataclass
class ComplaintData:
    unit: Unit | None
    target_kind: str
    category: str
    title: str
    body: str
    is_anonymous: bool = True
    identity: Identity = field(default_factory=Identity)
    department: Department | None = None
    post: Post | None = None
    person: Person | None = None
    power: Power | None = None
    target_name: str = ""
    # The honeypot field: people never see it, so anything in it came from a robot.
    honeypot: str = ""


@dataclass(frozen=True)
class Receipt:
    """What the filer takes away. The secret is shown this once and stored only as a hash."""

    complaint: Complaint
    receipt_code: str
    secret: str


@dataclass(frozen=True)
class Reply:
    at: dt.datetime
    status: str
    status_label: str
    text: str


@dataclass(frozen=True)
class FollowResult:
    """What the filer sees with the receipt: never the identity, never the office's internal notes."""

    receipt_code: str
    title: str
    category_label: str
    target: str
    filed_at: dt.datetime
    status: str
    status_label: str
    public_reply: str
    replies: list[Reply]


def _clean_identity(identity: Identity) -> Identity:
    return Identity(**{k: clean_input(getattr(identity, k))[:200] for k in Identity.__dataclass_fields__})


def _check_identity(identity: Identity, check: Checker) -> None:
    check.require(bool(identity.name), "name", "实名举报请填写姓名")
    check.require(
        bool(identity.phone or identity.email or identity.address),
        "phone",
        "实名举报请至少留一种联系方式（电话、电子邮箱或通信地址）",
    )
    if identity.phone:
        digits = identity.phone.replace("-", "").replace(" ", "").removeprefix("+")
        check.require(digits.isdigit() and 5 <= len(digits) <= 20, "phone", "联系电话格式不正确")
    if identity.email:
        try:
            validate_email(identity.email)
        except ValidationError:
            check.require(False, "email", "电子邮箱格式不正确")
    if identity.id_number:
        number = identity.id_number.upper()
        check.require(
            len(number) in (15, 18) and number[:-1].isdigit() and (number[-1].isdigit() or number[-1] == "X"),
            "id_number",
            "身份证号码应为 15 位或 18 位",
        )


def _place(data: ComplaintData, check: Checker) -> tuple[str, Department | None]:
    """Check the target against the unit; the complaint's department and path follow from it."""
    unit = data.unit
    if unit is None or unit.status != Status.ACTIVE:
        check.require(False, "unit", "请选择被举报单位")
        return "", None
    kind = data.target_kind
    check.require(kind in TargetKind.values, "target_kind", "请选择举报对象类别")
    department: Department | None = None
    if kind == TargetKind.DEPARTMENT:
        department = data.department
        check.require(department is not None, "department", "举报部门时请选择部门")
    elif kind == TargetKind.POST:
        check.require(data.post is not None, "post", "举报岗位时请选择岗位")
        if data.post is not None:
            department = data.post.department
            check.require(department.unit_id == unit.pk, "post", "岗位不属于所选单位")
            check.require(data.post.status == Status.ACTIVE, "post", f"岗位“{data.post.name}”已停用")
    elif kind == TargetKind.PERSON:
        check.require(
            data.person is not None or bool(data.target_name), "target_name", "举报人员时请填写被举报人姓名"
        )
        department = data.person.department if data.person is not None else data.department
        if data.person is not None:
            check.require(data.person.unit_id == unit.pk, "person", "人员不属于所选单位")
    elif kind == TargetKind.POWER:
        check.require(data.power is not None, "power", "举报职权事项时请选择职权")
        if data.power is not None:
            department = data.power.department
            check.require(data.power.unit_id == unit.pk, "power", "职权不属于所选单位")
            check.require(not data.power.is_secret, "power", "该职权不能选择")
    if department is not None:
        check.require(department.unit_id == unit.pk, "department", "部门不属于所选单位")
        check.require(department.status == Status.ACTIVE, "department", f"部门“{department.name}”已停用")
    return (department.path if department is not None else unit.path), department


def public_snapshot(complaint: Complaint) -> dict[str, Any]:
    """The complaint for the audit log: what it is about and where, never who filed it."""
    return {
        "receipt_code": complaint.receipt_code,
        "unit": complaint.unit_id,
        "path": complaint.path,
        "target_kind": complaint.target_kind,
        "department": complaint.department_id,
        "post": complaint.post_id,
        "person": complaint.person_id,
        "power": complaint.power_id,
        "target_name": complaint.target_name,
        "category": complaint.category,
        "title": complaint.title,
        "is_anonymous": complaint.is_anonymous,
        "status": complaint.status,
        "public_reply": complaint.public_reply,
    }


def _save_new(complaint: Complaint) -> str:
    """Save with a fresh receipt code, retrying on the (rare) clash; returns the code."""
    for _attempt in range(8):
        complaint.receipt_code = guard.new_receipt_code(timezone.localdate().year)
        try:
            with transaction.atomic():
                complaint.save()
        except IntegrityError:
            if Complaint.objects.filter(receipt_code=complaint.receipt_code).exists():
                continue
            raise
        return complaint.receipt_code
    raise ServiceError("暂时无法生成受理编号，请稍后重试")


def file_complaint(data: ComplaintData, uploads: list[files.Upload], *, address: str) -> Receipt:
    """File a complaint from the public. Checks everything first (throttle, honeypot, fields, files), then
    writes the row, the files, the first event and the audit entry together; files already written are
    removed when the transaction fails."""
    if data.honeypot.strip():
        guard.note_filing(address)
        raise ServiceError(REJECTED_BY_HONEYPOT)
    guard.check_filing_allowed(address)
    check = Checker()
    title = clean_input(data.title)
    body = clean_input(data.body)
    target_name = clean_input(data.target_name)
    data.target_name = target_name
    path, department = _place(data, check)
    check.require(data.category in Category.values, "category", "请选择问题类别")
    check.require(bool(title), "title", "请填写标题")
    check.require(len(title) <= 200, "title", "标题不能超过 200 字")
    check.require(len(body) >= 10, "body", "请具体描述举报内容（至少 10 个字）")
    check.require(len(body) <= 5000, "body", "举报内容不能超过 5000 字")
    check.require(len(target_name) <= 200, "target_name", "被举报对象不能超过 200 字")
    identity = Identity() if data.is_anonymous else _clean_identity(data.identity)
    if not data.is_anonymous:
        _check_identity(identity, check)
    checked = files.check_uploads(uploads, check)
    check.done()
    assert data.unit is not None  # checked above
    kind = data.target_kind
    secret = guard.new_secret()
    complaint = Complaint(
        unit=data.unit,
        path=path,
        target_kind=kind,
        department=department,
        post=data.post if kind == TargetKind.POST else None,
        person=data.person if kind == TargetKind.PERSON else None,
        power=data.power if kind == TargetKind.POWER else None,
        target_name=target_name
        if kind in (TargetKind.PERSON, TargetKind.UNIT, TargetKind.DEPARTMENT)
        else "",
        category=data.category,
        title=title,
        body=body,
        is_anonymous=data.is_anonymous,
        identity_token="" if data.is_anonymous else encrypt_identity(identity),
        secret_hash=guard.hash_secret(secret),
    )
    written: list[str] = []
    try:
        with transaction.atomic():
            complaint.full_clean(exclude=[f.name for f in Complaint._meta.concrete_fields if not f.editable])
            _save_new(complaint)
            files.store(complaint, checked, written)
            ComplaintEvent.objects.create(
                complaint=complaint,
                kind=EventKind.FILED,
                to_status=complaint.status,
                actor_name=PUBLIC_ACTOR.name,
            )
            after = public_snapshot(complaint) | {"attachments": [c.sha256 for c in checked]}
            record_change(
                PUBLIC_ACTOR, AuditAction.CREATE, complaint, scope_path=path, before=None, after=after
            )
            guard.note_filing(address)
    except BaseException:
        files.remove_files(written)
        raise
    return Receipt(complaint=complaint, receipt_code=complaint.receipt_code, secret=secret)


def follow(receipt_code: str, secret: str, *, address: str) -> FollowResult:
    """The status and the office's replies, for whoever holds the receipt code and its secret."""
    code = guard.normal_code(receipt_code)
    guard.check_follow_allowed(address, code)
    complaint = (
        Complaint.objects.select_related("unit", "department", "post", "person", "power")
        .filter(receipt_code=code)
        .first()
    )
    if not guard.secret_matches(secret, complaint.secret_hash if complaint else None) or complaint is None:
        guard.note_follow_failure(address, code)
        raise ServiceError(WRONG_RECEIPT)
    replies = [
        Reply(e.at, e.to_status, str(ComplaintStatus(e.to_status).label), e.reply)
        for e in complaint.events.filter(kind__in=(EventKind.FILED, EventKind.STATUS)).order_by("at", "id")
    ]
    return FollowResult(
        receipt_code=complaint.receipt_code,
        title=complaint.title,
        category_label=str(Category(complaint.category).label),
        target=complaint.target_label,
        filed_at=complaint.filed_at,
        status=complaint.status,
        status_label=str(ComplaintStatus(complaint.status).label),
        public_reply=complaint.public_reply,
        replies=replies,
    )


@transaction.atomic
def reveal_identity(actor: Actor, complaint: Complaint) -> Identity:
    """The filer's identity, for the supervising office of the complaint's unit only; every reading is
    written to the audit log (and the complaint's record) in the same transaction."""
    require(actor, Action.VIEW, ObjectType.COMPLAINT_IDENTITY, complaint.path)
    if complaint.is_anonymous:
        raise ServiceError("这是匿名举报，没有举报人信息")
    identity = decrypt_identity(complaint.identity_token)
    ComplaintEvent.objects.create(complaint=complaint, kind=EventKind.IDENTITY_READ, actor_name=actor.name)
    record(
        actor,
        READ_ACTION,
        object_type="complaints.complaint_identity",
        object_id=str(complaint.pk),
        object_repr=f"查看举报人信息 {complaint.receipt_code}",
        scope_path=complaint.path,
        after={"read": "举报人信息", "receipt_code": complaint.receipt_code},
    )
    return identity


@transaction.atomic
def change_status(
    actor: Actor, complaint: Complaint, *, status: str, reply: str = "", note: str = ""
) -> Complaint:
    """Move a complaint on, with a reply the filer sees (required when concluding or refusing) and an
    internal note."""
    require(actor, Action.EDIT, ObjectType.COMPLAINT, complaint.path)
    reply, note = clean_input(reply), clean_input(note)
    check = Checker()
    allowed = NEXT_STATUS.get(complaint.status, ())
    current = ComplaintStatus(complaint.status).label
    check.require(status in allowed, "status", f"“{current}”的举报不能改为该状态")
    if status in NEEDS_REPLY:
        check.require(bool(reply), "reply", "办结或不予受理时请填写给举报人的答复")
    check.require(len(reply) <= 5000, "reply", "答复不能超过 5000 字")
    check.done()
    before = public_snapshot(complaint)
    old = complaint.status
    complaint.status = status
    if reply:
        complaint.public_reply = reply
    save_checked(complaint, "举报未能保存")
    ComplaintEvent.objects.create(
        complaint=complaint,
        kind=EventKind.STATUS,
        from_status=old,
        to_status=status,
        reply=reply,
        note=note,
        actor_name=actor.name,
    )
    record_change(
        actor,
        AuditAction.UPDATE,
        complaint,
        scope_path=complaint.path,
        before=before,
        after=public_snapshot(complaint),
    )
    return complaint


@transaction.atomic
def add_note(actor: Actor, complaint: Complaint, note: str) -> ComplaintEvent:
    """An internal handling note (not shown to the filer)."""
    require(actor, Action.EDIT, ObjectType.COMPLAINT, complaint.path)
    note = clean_input(note)
    if not note:
        raise ServiceError("请填写办理记录", field="note")
    if len(note) > 5000:
        raise ServiceError("办理记录不能超过 5000 字", field="note")
    event = ComplaintEvent.objects.create(
        complaint=complaint, kind=EventKind.NOTE, note=note, actor_name=actor.name
    )
    record_change(
        actor,
        AuditAction.CREATE,
        event,
        scope_path=complaint.path,
        before=None,
        after={"complaint": complaint.pk, "note": note},
    )
    return event


@transaction.atomic
def record_attachment_read(actor: Actor, attachment: ComplaintAttachment) -> None:
    """Downloading an attachment (which may itself say who filed) is logged like reading the identity."""
    complaint = attachment.complaint
    require(actor, Action.VIEW, ObjectType.COMPLAINT, complaint.path)
    ComplaintEvent.objects.create(
        complaint=complaint, kind=EventKind.ATTACHMENT_READ, note=attachment.name, actor_name=actor.name
    )
    record(
        actor,
        READ_ACTION,
        object_type="complaints.complaintattachment",
        object_id=str(attachment.pk),
        object_repr=f"下载举报附件 {complaint.receipt_code} {attachment.name}"[:300],
        scope_path=complaint.path,
        after={"receipt_code": complaint.receipt_code, "sha256": attachment.sha256},
    )
