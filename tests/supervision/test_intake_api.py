"""The intake API: one event, a batch, a CSV upload, and the cases with their events, under token scopes and
session grants (other units' cases answer 404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianfang.supervision.formats.csv_events import write_csv
from lianfang.supervision.models import Case, Event
from lianfang.supervision.services.intake import intake
from tests.factories import SYSTEM, DepartmentFactory, user_with_role
from tests.supervision.support import Supervised, event, make_supervised, token_client, walk

pytestmark = pytest.mark.django_db

WRITE = ["supervision:read", "supervision:write"]


@pytest.fixture
def sup(db: None) -> Supervised:
    return make_supervised(unit_code="SUP")


def one(**extra: Any) -> dict[str, Any]:
    return {
        "case_id": "C1",
        "power_code": "P1",
        "activity": "S1",
        "timestamp": "2026-03-02T09:00:00+08:00",
        "resource": "A01",
        **extra,
    }


def post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(f"/api/supervision{url}", body, content_type="application/json")


def test_one_event_is_stored_once(sup: Supervised) -> None:
    client = token_client(sup.unit, WRITE)
    first = post(client, "/events", one(amount="12.5", materials=["申请书"], completes=False))
    assert first.status_code == 201, first.content
    case = Case.objects.get()
    assert first.json() == {"stored": True, "duplicate": False, "case_id": case.pk}
    again = post(client, "/events", one(amount="12.50", materials=["申请书"]))
    assert again.status_code == 200 and again.json() == {
        "stored": False,
        "duplicate": True,
        "case_id": case.pk,
    }
    assert Event.objects.count() == 1


def test_a_bad_single_event_is_a_400_with_the_reason(sup: Supervised) -> None:
    client = token_client(sup.unit, WRITE)
    response = post(client, "/events", one(power_code="NOPE"))
    assert response.status_code == 400 and response.json()["detail"] == "职权编码“NOPE”在本单位不存在"
    bad_time = post(client, "/events", one(timestamp="yesterday"))
    assert bad_time.status_code == 400 and "发生时间" in bad_time.json()["detail"]


def test_a_batch_keeps_its_good_events_and_says_why_the_others_were_refused(sup: Supervised) -> None:
    client = token_client(sup.unit, WRITE)
    events = [
        one(),
        one(activity="S2", timestamp="2026-03-03 10:00"),
        one(case_id="C2", power_code="NOPE"),
        one(case_id="C3", colour="red"),
        "not an object",
        one(case_id="C4", amount="abc"),
        one(),
    ]
    response = post(client, "/events/batch", {"events": events})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stored"], body["duplicates"]) == (2, 1)
    reasons = {r["index"]: r["reason"] for r in body["rejected"]}
    assert reasons[2] == "职权编码“NOPE”在本单位不存在" and reasons[3] == "未知的字段：colour"
    assert reasons[4] == "事件应为 JSON 对象" and "不是数字" in reasons[5]
    assert {r["case_id"] for r in body["rejected"]} == {"C2", "C3", "", "C4"}
    atomic = post(
        client, "/events/batch", {"atomic": True, "events": [one(case_id="C9"), one(power_code="X")]}
    )
    assert atomic.json()["stored"] == 0 and not Case.objects.filter(external_id="C9").exists()


def test_csv_upload(sup: Supervised) -> None:
    client = token_client(sup.unit, WRITE)
    data = write_csv([*walk(sup, "C1"), event("C2", "S1", 0, power_code="NOPE")]).decode("utf-8-sig")
    upload = SimpleUploadedFile("events.csv", data.encode("gbk"), content_type="text/csv")
    response = client.post("/api/supervision/events/csv", {"file": upload})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["stored"] == 3 and body["rejected"][0]["reason"].startswith("第5行：")
    bad = SimpleUploadedFile("x.csv", b"case_id,colour\n", content_type="text/csv")
    refused = client.post("/api/supervision/events/csv", {"file": bad})
    assert refused.status_code == 400 and "未知的列" in refused.json()["detail"]


def test_a_read_token_cannot_send_events(sup: Supervised) -> None:
    client = token_client(sup.unit, ["supervision:read"])
    assert post(client, "/events", one()).status_code == 403
    assert post(client, "/events/batch", {"events": [one()]}).status_code == 403
    assert not Event.objects.exists()


def test_a_token_sends_only_for_its_own_subtree(sup: Supervised) -> None:
    other = make_supervised(unit_code="OTHER")
    client = token_client(sup.unit, WRITE)
    response = post(client, "/events", one(unit="OTHER"))
    assert response.status_code == 403
    assert not Case.objects.filter(unit=other.unit).exists()
    missing = post(client, "/events", one(unit="NOWHERE"))
    assert missing.status_code == 400 and missing.json()["errors"]["unit"] == ["单位代码“NOWHERE”不存在"]


def test_cases_and_their_events_by_timestamp_within_scope(sup: Supervised) -> None:
    s1, s2, s3 = walk(sup, "C1")
    intake(SYSTEM, sup.unit, [s3, s1, s2])
    intake(SYSTEM, sup.unit, walk(sup, "C2", completes=False)[:1])
    other = make_supervised(unit_code="OTHER")
    intake(SYSTEM, other.unit, walk(other, "X1"))
    client = token_client(sup.unit, ["supervision:read"])
    listed = client.get("/api/supervision/cases").json()
    assert listed["count"] == 2 and {c["external_id"] for c in listed["items"]} == {"C1", "C2"}
    done = client.get("/api/supervision/cases", {"status": "completed", "power_code": "P1"}).json()
    assert [c["external_id"] for c in done["items"]] == ["C1"]
    case = Case.objects.get(external_id="C1")
    detail = client.get(f"/api/supervision/cases/{case.pk}").json()
    assert [e["activity"] for e in detail["events"]] == ["S1", "S2", "S3"]
    assert detail["power_code"] == "P1" and detail["status"] == "completed" and detail["event_count"] == 3
    assert detail["events"][0]["step_name"] == "环节1"
    foreign = Case.objects.get(external_id="X1")
    assert client.get(f"/api/supervision/cases/{foreign.pk}").status_code == 404


def test_session_users_see_cases_by_their_grants(sup: Supervised) -> None:
    intake(SYSTEM, sup.unit, walk(sup, "C1"))
    case = Case.objects.get()
    elsewhere = DepartmentFactory(unit=sup.unit, name="别的处室")
    seen = {}
    for name, role, node in (
        ("supervisor", "supervisor", sup.unit),
        ("leader", "unit_leader", sup.unit),
        ("head", "dept_head", sup.department),
        ("liaison", "liaison", elsewhere),
        ("holder", "post_holder", sup.unit),
    ):
        user = user_with_role(role, node, username=name)
        client = Client()
        client.force_login(user)
        seen[name] = client.get(f"/api/supervision/cases/{case.pk}").status_code
        if name == "supervisor":
            # Watching is not sending: the office has no write on cases, and must name the unit anyway.
            assert post(client, "/events", one(unit="SUP")).status_code == 403
            assert post(client, "/events", one()).json()["errors"]["unit"] == ["请指定单位代码（unit）"]
    assert seen == {"supervisor": 200, "leader": 200, "head": 200, "liaison": 404, "holder": 404}
