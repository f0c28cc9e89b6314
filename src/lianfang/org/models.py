"""The organisation: units → departments → posts → persons holding posts, and the leadership.

Units and departments carry a materialised `path` (e.g. "U1/U7/D12/") so a grant over any node reaches
its whole subtree with one prefix match. Services keep paths right; nothing here computes them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    ACTIVE = "active", _("在用")
    RETIRED = "retired", _("已停用")


class UnitKind(models.TextChoices):
    PARTY_GOVERNMENT = "party_gov", _("党政机关")
    INSTITUTION = "institution", _("事业单位")
    COLLEGE = "college", _("高等院校")
    ENTERPRISE = "enterprise", _("国有企业")
    REGION = "region", _("地区（市/县/区）")
    OTHER = "other", _("其他")


class DepartmentKind(models.TextChoices):
    FUNCTIONAL = "functional", _("职能部门")
    TEACHING = "teaching", _("教学系部")
    AFFILIATED = "affiliated", _("直属/附属单位")
    SUPERVISION = "supervision", _("纪检监察机构")
    OTHER = "other", _("其他")


class PostLevel(models.TextChoices):
    LEADER = "leader", _("领导岗位")
    MIDDLE = "middle", _("中层岗位")
    GENERAL = "general", _("一般岗位")


class LeadershipKind(models.TextChoices):
    HEAD = "head", _("主要领导")
    DEPUTY = "deputy", _("分管领导")
    SUPERVISION = "supervision", _("纪委/监察负责人")


class Unit(models.Model):
    name = models.CharField(_("单位名称"), max_length=200)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    code = models.CharField(_("单位代码"), max_length=40, unique=True)
    kind = models.CharField(
        _("单位类型"), max_length=20, choices=UnitKind.choices, default=UnitKind.INSTITUTION
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=500, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    retired_on = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", retired_on__isnull=True)
                | Q(status="retired", retired_on__isnull=False),
                name="unit_retired_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="departments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("部门名称"), max_length=200)
    code = models.CharField(_("部门代码"), max_length=40, blank=True)
    kind = models.CharField(
        _("部门类型"), max_length=20, choices=DepartmentKind.choices, default=DepartmentKind.FUNCTIONAL
    )
    duties = models.TextField(_("部门职责"), blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    path = models.CharField(max_length=500, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    retired_on = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "sort_order", "path"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"], condition=Q(status="active"), name="department_unique_active_name"
            ),
            models.CheckConstraint(
                condition=Q(status="active", retired_on__isnull=True)
                | Q(status="retired", retired_on__isnull=False),
                name="department_retired_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Post(models.Model):
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="posts"
    )
    name = models.CharField(_("岗位名称"), max_length=200)
    code = models.CharField(_("岗位代码"), max_length=40, blank=True)
    duties = models.TextField(_("岗位职责"), blank=True)
    level = models.CharField(
        _("岗位层级"), max_length=10, choices=PostLevel.choices, default=PostLevel.GENERAL
    )
    headcount = models.PositiveSmallIntegerField(_("编制人数"), default=1)
    manages_people = models.BooleanField(_("管人"), default=False)
    manages_money = models.BooleanField(_("管财"), default=False)
    manages_assets = models.BooleanField(_("管物"), default=False)
    manages_approval = models.BooleanField(_("管审批"), default=False)
    manages_enforcement = models.BooleanField(_("管执法"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    retired_on = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        ordering = ["department_id", "level", "name"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"], condition=Q(status="active"), name="post_unique_active_name"
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="post_headcount_positive"),
            models.CheckConstraint(
                condition=Q(status="active", retired_on__isnull=True)
                | Q(status="retired", retired_on__isnull=False),
                name="post_retired_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    KEY_FLAGS = (
        ("manages_people", _("管人")),
        ("manages_money", _("管财")),
        ("manages_assets", _("管物")),
        ("manages_approval", _("管审批")),
        ("manages_enforcement", _("管执法")),
    )

    @property
    def key_flag_labels(self) -> list[str]:
        return [str(label) for attr, label in self.KEY_FLAGS if getattr(self, attr)]


class Person(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="persons"
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("所在部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="persons",
    )
    name = models.CharField(_("姓名"), max_length=100)
    staff_no = models.CharField(_("工号"), max_length=40)
    title = models.CharField(_("职务"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    retired_on = models.DateField(_("停用日期"), null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "staff_no"]
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        constraints = [
            models.UniqueConstraint(fields=["unit", "staff_no"], name="person_unique_staff_no"),
            models.CheckConstraint(
                condition=Q(status="active", retired_on__isnull=True)
                | Q(status="retired", retired_on__isnull=False),
                name="person_retired_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PostAssignment(models.Model):
    """A person holding a post from start to end (open end: still holds it). Kept as tenure history."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="assignments"
    )
    post = models.ForeignKey(
        Post, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="assignments"
    )
    start_date = models.DateField(_("任职开始"))
    end_date = models.DateField(_("任职结束"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["-start_date", "id"]
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="assignment_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["person", "post"],
                condition=Q(end_date__isnull=True),
                name="assignment_one_open_per_post",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.post_id}"


class LeadershipRole(models.Model):
    """A member of a unit's leadership (领导班子) or the head of its supervising office."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="leadership"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="leadership_roles"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=LeadershipKind.choices)
    title = models.CharField(_("职务"), max_length=100)
    departments = models.ManyToManyField(
        Department, verbose_name=_("分管部门"), blank=True, related_name="overseen_by"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "kind", "start_date"]
        verbose_name = _("领导职务")
        verbose_name_plural = _("领导职务")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="leadership_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["unit"], condition=Q(kind="head", end_date__isnull=True), name="leadership_one_head"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}"


class Liaison(models.Model):
    """The department's liaison (联络员) for the prevention programme: one open designation at a time."""

    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="liaisons"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="liaison_roles"
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        ordering = ["department_id", "-start_date"]
        verbose_name = _("联络员")
        verbose_name_plural = _("联络员")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="liaison_dates_ordered",
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(end_date__isnull=True),
                name="liaison_one_open_per_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.department_id}"
