"""A few complaints in the demo college's complaint box (举报箱), filed through the public service (named
and anonymous, about a department, a post, a power, a person and the unit), then taken up by the
supervising office: one in progress, one concluded with a reply to the filer.

Every name here is invented. On first use the complaint key file is created (see `complaints.crypto`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lianfang.complaints import services as box
from lianfang.complaints.crypto import Identity
from lianfang.complaints.models import Category, ComplaintStatus, TargetKind
from lianfang.complaints.selectors import public_powers
from lianfang.core.actor import system_actor
from lianfang.org.models import Department, Post, Unit


@dataclass(frozen=True)
class DemoComplaint:
    kind: str
    category: str
    title: str
    body: str
    dept: str = ""
    post: str = ""
    target_name: str = ""
    power_dept: str = ""  # the first power of this department
    identity: Identity | None = None  # None: anonymous
    status: str = ComplaintStatus.RECEIVED
    reply: str = ""


COMPLAINTS = (
    DemoComplaint(
        TargetKind.DEPARTMENT,
        Category.PROCUREMENT,
        "学生公寓维修工程疑似拆分发包规避招标",
        "今年暑假学生公寓三号楼和五号楼的卫生间改造，听说被拆成了十几个小项目，每个都在限额以下，"
        "由同一家公司施工。希望核查是否存在化整为零、规避招标的问题。",
        dept="基建处",
        status=ComplaintStatus.IN_PROGRESS,
    ),
    DemoComplaint(
        TargetKind.POST,
        Category.BRIBERY,
        "报销审核时暗示送礼才能尽快办理",
        "我在十月份报销课题差旅费时，票据齐全却被多次退回，经办人员暗示“懂规矩”才能尽快审核通过。"
        "我可以提供报销单据和沟通记录。",
        dept="会计核算科",
        post="会计",
        identity=Identity(name="林晓岚", phone="13900001234", email="linxl@example.com"),
        status=ComplaintStatus.CONCLUDED,
        reply="经核查，相关报销单据确需补正，但经办人员沟通方式不当，已对其进行提醒谈话并在科室内通报；"
        "财务处已公开报销所需材料清单和办理时限。感谢您的监督。",
    ),
    DemoComplaint(
        TargetKind.POWER,
        Category.PERSONNEL,
        "单独招生录取环节信息不透明",
        "今年单独招生的面试成绩和录取名单没有按规定公示，有考生家长反映存在打招呼的情况，请予以核查。",
        power_dept="招生就业处",
    ),
    DemoComplaint(
        TargetKind.PERSON,
        Category.FUNDS,
        "食堂食材采购价格明显高于市场价",
        "食堂的猪肉、食用油采购价格比周边市场高出两到三成，供应商多年未变，怀疑采购人员与供应商存在利益往来。",
        dept="后勤处",
        target_name="食堂食材采购经办人（姓名不详）",
        identity=Identity(name="周明远", phone="0591-87650000", address="青岚市学府路 8 号"),
    ),
    DemoComplaint(
        TargetKind.UNIT,
        Category.CONDUCT,
        "周末公务用车停在景区停车场",
        "上周六在城郊景区停车场看到学院的公务车辆，车上有家属模样的人员，怀疑公车私用。",
    ),
)


def load_complaints_demo(unit: Unit) -> dict[str, int]:
    """File the demo complaints against `unit` (the demo college) and move two of them on; returns counts
    for the demo summary."""
    office = system_actor("演示数据")
    depts = {d.name: d for d in Department.objects.filter(unit=unit)}
    filed = named = 0
    for index, spec in enumerate(COMPLAINTS):
        dept = depts.get(spec.dept)
        post = Post.objects.filter(department=dept, name=spec.post).first() if spec.post else None
        power = None
        if spec.power_dept:
            power = public_powers(unit).filter(department=depts.get(spec.power_dept)).first()
        kind = spec.kind
        if kind == TargetKind.POWER and power is None:
            kind, dept = TargetKind.DEPARTMENT, depts.get(spec.power_dept)
        data = box.ComplaintData(
            unit=unit,
            target_kind=kind,
            category=spec.category,
            title=spec.title,
            body=spec.body,
            is_anonymous=spec.identity is None,
            identity=spec.identity or Identity(),
            department=dept,
            post=post,
            power=power,
            target_name=spec.target_name,
        )
        # One made-up address each, so the demo never meets the per-address throttle.
        receipt = box.file_complaint(data, [], address=f"demo-{index}")
        filed += 1
        named += spec.identity is not None
        if spec.status != ComplaintStatus.RECEIVED:
            if spec.status != ComplaintStatus.IN_PROGRESS:
                box.change_status(
                    office, receipt.complaint, status=ComplaintStatus.IN_PROGRESS, note="已登记，转交核查"
                )
            box.change_status(
                office, receipt.complaint, status=spec.status, reply=spec.reply, note="演示：纪委办公室办理"
            )
    return {"complaints": filed, "complaints_named": named}
