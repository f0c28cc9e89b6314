from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianfang.core.i18n import source_text


class Role(models.TextChoices):
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")
    SUPERVISOR = "supervisor", _("纪委/防控办")
    UNIT_LEADER = "unit_leader", _("单位领导")
    DEPT_HEAD = "dept_head", _("部门负责人")
    LIAISON = "liaison", _("联络员")
    POST_HOLDER = "post_holder", _("岗位人员")


class TokenScope(models.TextChoices):
    ORG_READ = "org:read", _("读取组织机构")
    ORG_WRITE = "org:write", _("维护组织机构")
    POWERS_READ = "powers:read", _("读取职权目录与流程图")
    POWERS_WRITE = "powers:write", _("维护职权目录与流程图")
    RISKS_READ = "risks:read", _("读取风险点与防控措施")
    RISKS_WRITE = "risks:write", _("维护风险点与防控措施")
    # Business systems feeding cases and events (电子监察) into Lianfang.
    SUPERVISION_READ = "supervision:read", _("读取电子监察案件与告警")
    SUPERVISION_WRITE = "supervision:write", _("报送电子监察案件与事件")


class User(AbstractUser):
    """A login. Linked to the person it belongs to, when it belongs to one."""

    person = models.OneToOneField(
        "org.Person",
        verbose_name=_("对应人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="user",
    )
    home_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("账号所在的单位；有对应人员时与人员的单位一致。决定谁能管理此账号。"),
    )
    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("账号")
        verbose_name_plural = _("账号")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleGrant(models.Model):
    """A role over one node of the organisation tree (a unit or a department) and everything below it."""

    user = models.ForeignKey(User, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("部门"), null=True, blank=True, on_delete=models.PROTECT
    )
    granted_at = models.DateTimeField(_("授权时间"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False, department__isnull=True)
                | Q(unit__isnull=True, department__isnull=False),
                name="grant_exactly_one_node",
            ),
        ]

    def __str__(self) -> str:
        # Read in the audit log: who, which role, over what. The Chinese source label keeps the log's text
        # independent of the language of whoever caused the write.
        return f"{self.user} · {source_text(Role(self.role).label)} · {self.node}"

    @property
    def node(self) -> models.Model:
        node = self.unit or self.department
        assert node is not None
        return node

    @property
    def scope_path(self) -> str:
        return str(self.node.path)  # type: ignore[attr-defined]


class ApiToken(models.Model):
    """A credential for a business system: bound to one unit's subtree and to a set of scopes.

    Only the SHA-256 of the secret is kept; the secret is shown once, when the token is made.
    """

    name = models.CharField(_("名称"), max_length=100)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="api_tokens"
    )
    scopes = models.JSONField(_("权限范围"), default=list)
    key_prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"
