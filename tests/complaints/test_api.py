"""The complaint box's API: public filing and follow-up without authentication, the office's queue,
detail, status change and audited identity reading; tokens and other roles see nothing."""

from __future__ import annotations

from typing import Any

from django.test import Client

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role
from lianfang.audit.models import AuditEntry
from lianfang.complaints.models import Complaint
from tests.complaints.conftest import FILER
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, user_with_role


def payload(org: TwoUnits, **extra: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "unit_code": org.college.code,
        "target_kind": "post",
        "post_id": org.cashier.pk,
        "category": "bribery",
        "title": "出纳收取好处费",
        "body": "出纳在办理退费时要求学生家长另付好处费。",
        "is_anonymous": False,
        "identity": {"name": FILER.name, "phone": FILER.phone},
    }
    values.update(extra)
    return values


def logged_in(role: str, node: Any) -> Client:
    user = user_with_role(role, node)
    client = Client()
    client.force_login(user)
    return client


def test_public_filing_and_follow_up(org: TwoUnits) -> None:
    response = Client().post("/api/complaints/file", payload(org), content_type="application/json")
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert receipt["status"] == "received" and receipt["receipt_code"].startswith("JB-")
    follow = Client().post(
        "/api/complaints/follow",
        {"receipt_code": receipt["receipt_code"], "secret": receipt["secret"]},
        content_type="application/json",
    )
    assert follow.status_code == 200
    body = follow.json()
    assert body["status_label"] == "已受理" and FILER.name not in follow.content.decode()
    wrong = Client().post(
        "/api/complaints/follow",
        {"receipt_code": receipt["receipt_code"], "secret": "NOPE"},
        content_type="application/json",
    )
    assert wrong.status_code == 400 and wrong.json()["detail"] == "受理编号或查询密码不正确"


def test_public_filing_errors_are_chinese_and_per_field(org: TwoUnits) -> None:
    response = Client().post(
        "/api/complaints/file",
        payload(org, post_id=org.other_post.pk, title="", identity={"name": ""}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["post_id"] == [f"岗位（ID {org.other_post.pk}）不属于该单位"]
    response = Client().post(
        "/api/complaints/file", payload(org, title="", identity={"name": ""}), content_type="application/json"
    )
    errors = response.json()["errors"]
    assert errors["title"] == ["请填写标题"] and errors["name"] == ["实名举报请填写姓名"]
    assert Complaint.objects.count() == 0


def test_office_queue_detail_status_and_identity(org: TwoUnits) -> None:
    Client().post("/api/complaints/file", payload(org), content_type="application/json")
    complaint = Complaint.objects.get()
    office = logged_in(Role.SUPERVISOR, org.college)
    items = office.get("/api/complaints").json()["items"]
    assert [i["receipt_code"] for i in items] == [complaint.receipt_code]
    detail = office.get(f"/api/complaints/{complaint.pk}")
    assert detail.status_code == 200 and FILER.name not in detail.content.decode()
    assert [e["kind"] for e in detail.json()["events"]] == ["filed"]
    changed = office.post(
        f"/api/complaints/{complaint.pk}/status",
        {"status": "concluded", "reply": "已核实处理"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["public_reply"] == "已核实处理"
    identity = office.post(f"/api/complaints/{complaint.pk}/identity")
    assert identity.status_code == 200 and identity.json()["phone"] == FILER.phone
    assert AuditEntry.objects.filter(object_type="complaints.complaint_identity").count() == 1


def test_other_roles_and_tokens_see_nothing(org: TwoUnits) -> None:
    Client().post("/api/complaints/file", payload(org), content_type="application/json")
    complaint = Complaint.objects.get()
    for client in (
        logged_in(Role.UNIT_LEADER, org.college),
        logged_in(Role.SUPERVISOR, org.other),
        logged_in(Role.SYSADMIN, org.college),
    ):
        assert client.get("/api/complaints").json()["items"] == []
        assert client.get(f"/api/complaints/{complaint.pk}").status_code == 404
        assert client.post(f"/api/complaints/{complaint.pk}/identity").status_code == 404
    _, key = account_services.create_token(
        SYSTEM, name="业务系统", unit=org.college, scopes=["org:read", "risks:read"]
    )
    token = Client(headers={"Authorization": f"Bearer {key}"})
    assert token.get("/api/complaints").json()["items"] == []
    assert Client().get("/api/complaints").status_code == 401
    assert not AuditEntry.objects.filter(object_type="complaints.complaint_identity").exists()
