from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    RETIRE = "retire", _("停用")
    RESTORE = "restore", _("恢复")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    GRANT = "grant", _("授权")
    REVOKE = "revoke", _("撤销")
    IMPORT = "import", _("导入")
    EXPORT = "export", _("导出")
    SYSTEM = "system", _("系统操作")
    DELETE = "delete", _("删除")
    REVIEW = "review", _("审批")
    PUBLISH = "publish", _("公示")
    # Reading something protected (a complaint filer's identity): every reading leaves a trace.
    READ = "read", _("查阅")


class AuditEntry(models.Model):
    """One line of the append-only, hash-chained audit log.

    `before` and `after` hold canonical JSON text exactly as it was hashed, so verifying the chain never
    depends on how a database round-trips JSON.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(db_index=True)
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64, db_index=True)
    actor_name = models.CharField(max_length=200)
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(max_length=64, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    scope_path = models.CharField(max_length=500, blank=True, db_index=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        constraints = [models.CheckConstraint(condition=models.Q(seq__gte=1), name="audit_seq_positive")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """The chain's tip, updated in the same transaction as each append.

    Without it, deleting the newest entries would leave a chain that still verifies.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="audit_head_singleton")]

    def __str__(self) -> str:
        return f"head #{self.last_seq}"
