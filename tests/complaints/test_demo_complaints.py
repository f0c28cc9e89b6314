"""The demo college's complaints: filed through the public service, two taken up by the office. Built on a
small stand-in of the demo college (the departments and post the demo complaints name)."""

from __future__ import annotations

from django.db import transaction

from lianfang.complaints.models import Complaint
from lianfang.core.demo_complaints import COMPLAINTS, load_complaints_demo
from tests.factories import DepartmentFactory, PostFactory, UnitFactory, make_cycle, make_power


def test_demo_complaints_load_on_the_demo_college(db: None) -> None:
    unit = UnitFactory(name="青岚职业技术学院", code="QLVTC")
    for name in ("基建处", "后勤处"):
        DepartmentFactory(unit=unit, name=name)
    PostFactory(department=DepartmentFactory(unit=unit, name="会计核算科"), name="会计")
    make_power(make_cycle(unit, 2026), DepartmentFactory(unit=unit, name="招生就业处"), "ZS01")
    with transaction.atomic():
        counts = load_complaints_demo(unit)
    assert counts == {"complaints": len(COMPLAINTS), "complaints_named": 2}
    statuses = sorted(Complaint.objects.values_list("status", flat=True))
    assert statuses == ["concluded", "in_progress", "received", "received", "received"]
    kinds = set(Complaint.objects.values_list("target_kind", flat=True))
    assert kinds == {"department", "post", "power", "person", "unit"}
    assert Complaint.objects.filter(target_kind="post", post__name="会计").exists()
    assert Complaint.objects.filter(target_kind="power", power__code="ZS01").exists()
