"""The complaint box (举报箱): complaints, their attachments and the office's handling record.

The filer's identity is never a column: `identity_token` holds one Fernet token (name, ID number, phone,
e-mail, address as JSON) encrypted with a key kept in a file outside the database (`crypto`). The follow-up
secret is stored only as a password hash.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    UNIT = "unit", _("单位")
    DEPARTMENT = "department", _("部门")
    POST = "post", _("岗位")
    PERSON = "person", _("人员")
    POWER = "power", _("职权事项")


class Category(models.TextChoices):
    """What the complaint is about (信访举报 topics of DOMAIN §11)."""

    BRIBERY = "bribery", _("索贿受贿、吃拿卡要")
    ABUSE = "abuse", _("滥用职权、违规审批")
    NEGLECT = "neglect", _("不作为、慢作为、推诿扯皮")
    FUNDS = "funds", _("违规使用资金、资产")
    PROCUREMENT = "procurement", _("招标采购、工程建设违规")
    PERSONNEL = "personnel", _("选人用人、招生考试不公")
    CONDUCT = "conduct", _("违反中央八项规定精神")
    OTHER = "other", _("其他")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    CONCLUDED = "concluded", _("已办结")
    REJECTED = "rejected", _("不予受理")


class EventKind(models.TextChoices):
    FILED = "filed", _("提交举报")
    STATUS = "status", _("状态变更")
    NOTE = "note", _("办理记录")
    IDENTITY_READ = "identity_read", _("查看举报人信息")
    ATTACHMENT_READ = "attachment_read", _("下载附件")


class AttemptKind(models.TextChoices):
    FILING = "filing", _("提交举报")
    FOLLOW_FAILED = "follow_failed", _("查询失败")


class Complaint(models.Model):
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("被举报单位"), on_delete=models.PROTECT, related_name="complaints"
    )
    # The department's path (or the unit's): the supervising office's scope reaches it by prefix.
    path = models.CharField(max_length=500, editable=False, db_index=True)
    target_kind = models.CharField(_("举报对象类别"), max_length=12, choices=TargetKind.choices)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    post = models.ForeignKey(
        "org.Post", verbose_name=_("岗位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    power = models.ForeignKey(
        "powers.Power",
        verbose_name=_("职权事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # As the filer wrote it (a person's name and post, or anything the pickers do not list).
    target_name = models.CharField(_("被举报对象"), max_length=200, blank=True)
    category = models.CharField(_("问题类别"), max_length=12, choices=Category.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("举报内容"), max_length=5000)
    is_anonymous = models.BooleanField(_("匿名举报"), default=False)
    identity_token = models.TextField(editable=False, blank=True)
    receipt_code = models.CharField(_("受理编号"), max_length=20, unique=True, editable=False)
    secret_hash = models.CharField(max_length=200, editable=False)
    status = models.CharField(
        _("办理状态"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED
    )
    public_reply = models.TextField(_("答复举报人"), blank=True, max_length=5000)
    filed_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        constraints = [
            # Named complaints carry the encrypted identity; anonymous ones carry none.
            models.CheckConstraint(
                condition=Q(is_anonymous=True, identity_token="")
                | Q(is_anonymous=False) & ~Q(identity_token=""),
                name="complaint_identity_iff_named",
            ),
            models.CheckConstraint(condition=~Q(secret_hash=""), name="complaint_has_secret"),
        ]
        indexes = [models.Index(fields=["status", "filed_at"])]

    def __str__(self) -> str:
        return f"{self.receipt_code} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in (ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS)

    @property
    def target_label(self) -> str:
        """The complained-about object in words: unit / department / post or person or power."""
        parts = [self.unit.name]
        if self.department_id is not None:
            parts.append(self.department.name)  # type: ignore[union-attr]
        if self.post_id is not None:
            parts.append(self.post.name)  # type: ignore[union-attr]
        if self.person_id is not None:
            parts.append(self.person.name)  # type: ignore[union-attr]
        if self.power_id is not None:
            parts.append(self.power.name)  # type: ignore[union-attr]
        if self.target_name:
            parts.append(self.target_name)
        return " / ".join(parts)


class ComplaintAttachment(models.Model):
    """A file sent with a complaint, served only to the supervising office through a scoped view."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="complaints/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["complaint_id", "id"]
        verbose_name = _("举报附件")
        verbose_name_plural = _("举报附件")

    def __str__(self) -> str:
        return self.name


class ComplaintEvent(models.Model):
    """One step of the office's handling: a status change (with the reply to the filer), a note, a reading."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类别"), max_length=16, choices=EventKind.choices)
    from_status = models.CharField(_("原状态"), max_length=12, choices=ComplaintStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=ComplaintStatus.choices, blank=True)
    note = models.TextField(_("内部记录"), blank=True)
    reply = models.TextField(_("答复举报人"), blank=True)
    actor_name = models.CharField(_("办理人"), max_length=200)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["complaint_id", "at", "id"]
        verbose_name = _("举报办理记录")
        verbose_name_plural = _("举报办理记录")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"


class ComplaintAttempt(models.Model):
    """Throttling bookkeeping (not business data, not audited): one row per filing or failed follow-up
    from a client address, kept as a keyed hash of the address, and pruned after a day."""

    kind = models.CharField(max_length=16, choices=AttemptKind.choices)
    address_hash = models.CharField(max_length=64)
    receipt_code = models.CharField(max_length=20, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "address_hash", "at"]),
            models.Index(fields=["kind", "receipt_code", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.at}"
