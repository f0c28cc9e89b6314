"""Writes to the power catalog: one validation for the form, the API and the 附件一 import."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from lianfang.accounts.permissions import Action, ObjectType, require
from lianfang.audit.models import AuditAction
from lianfang.audit.services import record_change, snapshot
from lianfang.core.actor import Actor
from lianfang.core.errors import Checker, ServiceError
from lianfang.cycles.models import Cycle
from lianfang.org.models import Department, Post, Status

from ..models import Audience, Disposition, Flowchart, Power, PowerBasis, PowerCategory
from .common import check_place, clean, place, require_editable, save


@dataclass
class PowerData:
    code: str
    name: str
    content: str = ""
    category: str = PowerCategory.OTHER
    audience: str = Audience.INTERNAL
    department: Department | None = None
    handler_text: str = ""
    posts: list[Post] = field(default_factory=list)
    # (document, article) pairs: 《中华人民共和国行政许可法》, 第三十二条
    bases: list[tuple[str, str]] = field(default_factory=list)
    disposition: str = Disposition.KEEP
    disposition_reason: str = ""
    is_secret: bool = False
    flow: Flowchart | None = None
    sort_order: int = 0

    def cleaned(self) -> PowerData:
        bases = [(clean(d), clean(a)) for d, a in self.bases]
        return PowerData(
            code=clean(self.code),
            name=clean(self.name),
            content=clean(self.content),
            category=self.category,
            audience=self.audience,
            department=self.department,
            handler_text=clean(self.handler_text),
            posts=list(self.posts),
            bases=[(d, a) for d, a in bases if d or a],
            disposition=self.disposition,
            disposition_reason=clean(self.disposition_reason),
            is_secret=self.is_secret,
            flow=self.flow,
            sort_order=self.sort_order,
        )


def power_snapshot(power: Power) -> dict[str, object]:
    """Before/after for the audit log: the row plus its bases and posts, which live in other tables."""
    data = snapshot(power, exclude=("updated_at",))
    data["bases"] = [[b.document, b.article] for b in power.bases.all()]
    data["posts"] = sorted(power.posts.values_list("id", flat=True))
    return data


def _check(cycle: Cycle, data: PowerData, exclude_pk: int | None) -> None:
    check = Checker()
    check_place(cycle, data.department, check)
    check.require(bool(data.code), "code", "职权编码不能为空")
    check.require(bool(data.name), "name", "职权名称不能为空")
    check.require(data.category in PowerCategory.values, "category", "职权类别无效")
    check.require(data.audience in Audience.values, "audience", "请选择对外或对内")
    check.require(data.disposition in Disposition.values, "disposition", "清理意见无效")
    check.require(
        data.disposition == Disposition.KEEP or bool(data.disposition_reason),
        "disposition_reason",
        "清理意见为调整、废止或新明确时必须说明理由",
    )
    check.require(
        not (data.is_secret and data.audience == Audience.EXTERNAL), "is_secret", "涉密职权不能对外公开"
    )
    for document, _article in data.bases:
        check.require(bool(document), "bases", "每条依据都要写明依据文件")
    if data.code:
        clash = Power.objects.filter(cycle=cycle, code=data.code).exclude(pk=exclude_pk or 0)
        check.require(not clash.exists(), "code", f"职权编码“{data.code}”在本年度已被使用")
    for post in data.posts:
        dept_ok = post.department.unit_id == cycle.unit_id and post.status == Status.ACTIVE
        check.require(dept_ok, "posts", f"岗位“{post.name}”不属于本单位或已停用")
    if data.flow is not None:
        check.require(data.flow.cycle_id == cycle.pk, "flow", "流程图不属于同一年度周期")
    check.done()


def _write_related(power: Power, data: PowerData) -> None:
    power.bases.all().delete()
    PowerBasis.objects.bulk_create(
        PowerBasis(power=power, document=d, article=a, order=i) for i, (d, a) in enumerate(data.bases)
    )
    power.posts.set(data.posts)


def _apply(power: Power, data: PowerData) -> None:
    for name in (
        "code",
        "name",
        "content",
        "category",
        "audience",
        "department",
        "handler_text",
        "disposition",
        "disposition_reason",
        "is_secret",
        "flow",
        "sort_order",
    ):
        setattr(power, name, getattr(data, name))


@transaction.atomic
def create_power(actor: Actor, cycle: Cycle, data: PowerData) -> Power:
    data = data.cleaned()
    path = place(cycle, data.department)
    require(actor, Action.CREATE, ObjectType.POWER, path)
    _check(cycle, data, None)
    power = Power(cycle=cycle, unit=cycle.unit, path=path)
    _apply(power, data)
    save(power, "职权编码重复")
    _write_related(power, data)
    record_change(actor, AuditAction.CREATE, power, scope_path=path, before=None, after=power_snapshot(power))
    return power


@transaction.atomic
def update_power(actor: Actor, power: Power, data: PowerData) -> Power:
    data = data.cleaned()
    require(actor, Action.EDIT, ObjectType.POWER, power.path)
    new_path = place(power.cycle, data.department)
    if new_path != power.path:
        # Moving a power to another department is creating it there.
        require(actor, Action.CREATE, ObjectType.POWER, new_path)
    require_editable(power.status, f"职权“{power.name}”")
    _check(power.cycle, data, power.pk)
    before = power_snapshot(power)
    _apply(power, data)
    power.path = new_path
    save(power, "职权编码重复")
    _write_related(power, data)
    after = power_snapshot(power)
    if after != before:
        record_change(actor, AuditAction.UPDATE, power, scope_path=power.path, before=before, after=after)
    return power


@transaction.atomic
def delete_draft_power(actor: Actor, power: Power) -> None:
    """Remove a power entered by mistake. Only a draft that was never reviewed and has no successor;
    a real power that is no longer exercised is kept with the disposition 废止."""
    require(actor, Action.RETIRE, ObjectType.POWER, power.path)
    if power.reviews.exists() or power.predecessor_id or hasattr(power, "successor"):
        raise ServiceError("该职权已有审批记录或跨年度记录，不能删除；如不再行使，请将清理意见设为“废止”")
    before = power_snapshot(power)
    record_change(actor, AuditAction.DELETE, power, scope_path=power.path, before=before, after=None)
    power.bases.all().delete()
    power.delete()
