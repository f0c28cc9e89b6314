"""API of the risk register (2/2): measures and one-to-one submission, evidence files, grading and the
downgrade guard, the measure library, the responsibility block."""

from __future__ import annotations

import hashlib
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianfang.accounts.models import Role
from lianfang.core.errors import ServiceError
from lianfang.org import services as org_services
from lianfang.risks import services
from lianfang.risks.api import common as api_common
from lianfang.risks.library import load_measure_library
from lianfang.risks.models import MeasureEvidence, RiskPoint
from tests.api.risks_support import (
    JSON,
    NO_RESPONSIBILITY,
    READ,
    WRITE,
    assess,
    login,
    make_risk,
    risk_payload,
    token_client,
)
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_cycle, user_with_role


@pytest.fixture(autouse=True)
def _no_responsibility(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_common, "RESPONSIBILITY_MODULE", NO_RESPONSIBILITY)


def hand_in(client: Any, cycle: Any, org: TwoUnits) -> Any:
    """Hand in the cashier's sheet through the review API (征求意见 once, then 提交)."""
    sheet = client.post(
        "/api/review/sheets",
        {"cycle_id": cycle.pk, "subject_kind": "post", "post_id": org.cashier.pk},
        content_type=JSON,
    ).json()
    url = f"/api/review/sheets/{sheet['id']}/moves"
    if sheet["stage"] == "draft":
        client.post(url, {"action": "open_comments"}, content_type=JSON)
    return client.post(url, {"action": "submit"}, content_type=JSON)


# --- measures, submission, evidence ----------------------------------------------------------------------


def test_submit_is_refused_without_a_measure_then_accepted(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post=org.cashier)
    client = token_client(org, WRITE)
    assert assess(client, risk.pk, factors={"probability": "low", "harm": "minor"}).status_code == 201
    refused = hand_in(client, cycle, org)
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        f"出纳岗位廉政风险排查表还不能提交：“{risk.code} 收受服务对象红包”"
        "没有防控措施（每个风险点至少要有一条措施，一对一）"
    )
    person = org_services.create_person(SYSTEM, unit=org.college, name="张会计", staff_no="Z1")
    added = client.post(
        f"/api/risks/{risk.pk}/measures",
        {
            "category": "structure",
            "text": "实行管钱与管账分离",
            "owner_id": person.pk,
            "due_date": "2026-06-30",
            "status": "in_progress",
        },
        content_type=JSON,
    )
    assert added.status_code == 201, added.content
    m = added.json()
    assert (m["risk_id"], m["category"], m["text"], m["status"]) == (
        risk.pk,
        "structure",
        "实行管钱与管账分离",
        "in_progress",
    )
    assert (m["owner_id"], m["owner_name"], m["due_date"], m["evidence"]) == (
        person.pk,
        "张会计",
        "2026-06-30",
        [],
    )
    submitted = hand_in(client, cycle, org)
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["stage"] == "dept_review"
    assert client.get(f"/api/risks/{risk.pk}").json()["status"] == "submitted"
    frozen = client.put(f"/api/risks/{risk.pk}", risk_payload(cycle, org), content_type=JSON)
    assert frozen.status_code == 400 and frozen.json()["detail"] == (
        "风险点“收受服务对象红包”已提交或已审定，不能修改；需先退回"
    )
    last = client.delete(f"/api/risks/measures/{m['id']}")
    assert (
        last.status_code == 400 and last.json()["detail"] == "已提交的风险点至少要保留一条防控措施（一对一）"
    )
    gone = client.delete(f"/api/risks/{risk.pk}")
    assert gone.status_code == 400 and gone.json()["detail"] == "只有本年度新建且未提交的草稿风险点可以删除"
    # Measures stay writable after submission: their status moves all year.
    done = client.put(
        f"/api/risks/measures/{m['id']}",
        {"category": "structure", "text": "实行管钱与管账分离", "status": "done"},
        content_type=JSON,
    )
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["owner_id"] is None


def test_evidence_upload_stores_sha256_and_downloads_identical_bytes(
    org: TwoUnits, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post=org.cashier, measures=("建立支付审批台帐",))
    measure = risk.measures.get()
    content = "支付审批台帐（2026年）\n".encode() + bytes(range(256)) * 40
    client = token_client(org, WRITE)
    uploaded = client.post(
        f"/api/risks/measures/{measure.pk}/evidence", {"file": SimpleUploadedFile("支付台帐.pdf", content)}
    )
    assert uploaded.status_code == 201, uploaded.content
    body = uploaded.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert (body["name"], body["size"]) == ("支付台帐.pdf", len(content))
    evidence = MeasureEvidence.objects.get()
    assert evidence.sha256 == body["sha256"] and services.evidence_intact(evidence)

    detail = client.get(f"/api/risks/{risk.pk}").json()
    listed = detail["measures"][0]["evidence"]
    assert [(e["id"], e["name"], e["sha256"], e["size"]) for e in listed] == [
        (evidence.pk, "支付台帐.pdf", body["sha256"], len(content))
    ]
    download = client.get(f"/api/risks/evidence/{evidence.pk}")
    assert download.status_code == 200
    # Reading the stream to its end closes the response inside the test client, which keeps the database
    # connection; a second close() would fire request_finished and close it (PostgreSQL, in a test atomic).
    assert b"".join(download.streaming_content) == content  # type: ignore[attr-defined]
    assert download["X-Content-SHA256"] == body["sha256"]
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    # Read-only callers may download; an empty file is refused in Chinese.
    reader = token_client(org, READ).get(f"/api/risks/evidence/{evidence.pk}")
    assert reader.status_code == 200
    assert b"".join(reader.streaming_content) == content  # type: ignore[attr-defined]
    empty = client.post(
        f"/api/risks/measures/{measure.pk}/evidence", {"file": SimpleUploadedFile("空.txt", b"")}
    )
    assert empty.status_code == 400 and empty.json()["errors"] == {"file": ["佐证文件为空"]}
    missing = client.post(f"/api/risks/measures/{measure.pk}/evidence", {})
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"file": ["请选择要上传的佐证文件（multipart 字段 file）"]}
    kept = client.delete(f"/api/risks/measures/{measure.pk}")
    assert kept.status_code == 400 and "已有落实佐证" in kept.json()["detail"]


# --- grading ---------------------------------------------------------------------------------------------


def test_grading_matrix_for_building_a_form(org: TwoUnits) -> None:
    make_cycle(org.college)
    client = token_client(org, READ)
    response = client.get("/api/risks/grading/matrix", {"unit_id": org.college.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["unit_id"], body["version"], body["name"]) == (None, 1, "默认等级矩阵")
    definition = body["definition"]
    assert definition["axes"] == ["probability", "harm"]
    assert [f["key"] for f in definition["factors"]] == [
        "probability",
        "harm",
        "power_importance",
        "discretion",
        "public_contact",
        "accountability",
    ]
    assert [o["label"] for o in definition["factors"][0]["options"]] == ["高", "较高", "较小"]
    assert definition["grid"]["fairly_high|minor"] == "medium"
    assert client.get("/api/risks/grading/matrix").json()["id"] == body["id"]  # the only visible unit
    assert client.get("/api/risks/grading/matrix", {"unit_id": org.other.pk}).status_code == 404


def test_assess_with_default_matrix_factors(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post=org.cashier)
    client = token_client(org, WRITE)
    medium = assess(client, risk.pk, factors={"probability": "fairly_high", "harm": "minor"})
    assert medium.status_code == 201, medium.content
    body = medium.json()
    assert (body["level"], body["status"], body["source"], body["matrix_version"]) == (
        "medium",
        "effective",
        "graded",
        1,
    )
    assert body["reasons"] == [
        {
            "source": "grid",
            "key": "probability|harm",
            "label": "发生机率“较高” × 危害程度“一般（在部门或岗位内部很快能解决）”",
            "level": "medium",
        }
    ]
    assert client.get(f"/api/risks/{risk.pk}").json()["level"] == "medium"
    # 就高不就低: an extra factor that says 高 wins over the grid's 中.
    high = assess(
        client,
        risk.pk,
        factors={"probability": "fairly_high", "harm": "minor", "accountability": "criminal"},
    )
    assert high.json()["level"] == "high"
    assert [(r["source"], r["level"]) for r in high.json()["reasons"]] == [
        ("grid", "medium"),
        ("factor", "high"),
    ]
    residual = assess(client, risk.pk, factors={"probability": "low", "harm": "minor"}, residual=True)
    assert (residual.json()["source"], residual.json()["status"]) == ("residual", "effective")
    detail = client.get(f"/api/risks/{risk.pk}").json()
    assert (detail["level"], detail["residual_level"]) == ("high", "low")
    assert [a["level"] for a in detail["assessments"]] == ["medium", "high", "low"]
    wrong = assess(client, risk.pk, factors={"probability": "often"})
    assert wrong.status_code == 400
    assert wrong.json()["errors"] == {
        "factors": ["“发生机率”的取值“often”无效，应为：高、较高、较小；请选择“危害程度”"]
    }


def test_downgrade_from_high_needs_justification_and_the_leadership(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post=org.cashier, measures=("实行管钱与管账分离",))
    client = token_client(org, WRITE)
    assert (
        assess(client, risk.pk, factors={"probability": "high", "harm": "severe"}).json()["level"] == "high"
    )
    low = {"probability": "low", "harm": "minor"}
    refused = assess(client, risk.pk, factors=low)
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "justification": [
            "上次评定为高风险，降低等级必须写明理由，并经领导班子批准（切忌将高等级风险降低等级）"
        ]
    }
    pending = assess(client, risk.pk, factors=low, justification="已实行管钱与管账分离，并每月对账")
    assert pending.status_code == 201, pending.content
    assert (pending.json()["level"], pending.json()["status"]) == ("low", "pending")
    assert pending.json()["justification"] == "已实行管钱与管账分离，并每月对账"
    assert client.get(f"/api/risks/{risk.pk}").json()["level"] == "high"
    blocked = hand_in(client, cycle, org)
    assert blocked.status_code == 400 and blocked.json()["detail"].endswith("降级申请尚待领导班子批准")

    url = f"/api/risks/assessments/{pending.json()['id']}/decide"
    not_leadership = client.post(url, {"approve": True}, content_type=JSON)
    assert not_leadership.status_code == 403
    assert not_leadership.json()["detail"] == "降低高风险等级须由领导班子（主要领导或纪检监察机构登记）批准"
    supervisor = login(user_with_role(Role.SUPERVISOR, org.college, username="jiwei"))
    no_note = supervisor.post(url, {"approve": False}, content_type=JSON)
    assert no_note.status_code == 400 and no_note.json()["errors"] == {"note": ["不批准时请写明意见"]}
    decided = supervisor.post(url, {"approve": True, "note": "经领导班子研究同意"}, content_type=JSON)
    assert decided.status_code == 200, decided.content
    got = decided.json()
    assert (got["status"], got["decided_by"], got["decision_note"]) == (
        "effective",
        "jiwei",
        "经领导班子研究同意",
    )
    assert got["decided_at"] is not None
    assert client.get(f"/api/risks/{risk.pk}").json()["level"] == "low"
    again = supervisor.post(url, {"approve": True}, content_type=JSON)
    assert again.status_code == 400 and again.json()["detail"] == "该评定不是待批准的降级申请"


# --- the library and the responsibility block -----------------------------------------------------------


def test_measure_library(org: TwoUnits) -> None:
    added = load_measure_library()
    assert added > 10
    client = token_client(org, READ)
    everything = client.get("/api/risks/measure-library", {"limit": 1000}).json()
    assert everything["count"] == added
    found = client.get("/api/risks/measure-library", {"category": "technology", "q": "电子监察"}).json()
    assert [t["text"] for t in found["items"]] == [
        "运用电子监察系统盯住要害部位和关键环节，做到“网上留痕迹、全程受监控”"
    ]
    assert found["items"][0]["risk_type"] == "process" and found["items"][0]["source"] == "种子000"
    assert client.get("/api/risks/measure-library", {"q": "电子监察 红包"}).json()["count"] == 0
    bad = client.get("/api/risks/measure-library", {"category": "magic"})
    assert bad.status_code == 422 and bad.json()["errors"] == {"category": ["取值无效"]}


@dataclass(frozen=True)
class _Party:
    role: str
    person: Any


@dataclass(frozen=True)
class _Responsibility:
    level: str
    manager: _Party
    supervisors: tuple[_Party, ...]


def test_detail_shows_responsibility_when_the_module_provides_it(
    org: TwoUnits, monkeypatch: pytest.MonkeyPatch
) -> None:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post=org.cashier)
    client = token_client(org, READ)
    assert "responsibility" not in client.get(f"/api/risks/{risk.pk}").json()

    module = types.ModuleType("fake_responsibility")

    def responsibility_for(r: RiskPoint) -> _Responsibility:
        if not r.level:
            raise ServiceError(f"风险点“{r.name}”尚未评定风险等级，责任随等级确定")
        return _Responsibility(
            r.level, _Party("管理责任人（部门负责人）", org.finance), (_Party("检查措施落实", None),)
        )

    module.responsibility_for = responsibility_for  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_responsibility", module)
    monkeypatch.setattr(api_common, "RESPONSIBILITY_MODULE", "fake_responsibility")
    unassessed = client.get(f"/api/risks/{risk.pk}").json()["responsibility"]
    assert unassessed == {"error": "风险点“收受服务对象红包”尚未评定风险等级，责任随等级确定"}
    services.assess(SYSTEM, risk, {"probability": "low", "harm": "minor"})
    assert client.get(f"/api/risks/{risk.pk}").json()["responsibility"] == {
        "level": "low",
        "manager": {"role": "管理责任人（部门负责人）", "person": {"id": org.finance.pk, "name": "财务处"}},
        "supervisors": [{"role": "检查措施落实", "person": None}],
    }


def test_a_new_matrix_version_grades_from_then_on_and_old_grades_keep_theirs(org: TwoUnits) -> None:
    """Matrix versions: the supervising office publishes a stricter grid; the earlier assessment still
    names version 1 and keeps its level, new assessments use version 2."""
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post=org.cashier)
    office = login(user_with_role(Role.SUPERVISOR, org.college))
    first = assess(office, risk.pk, factors={"probability": "low", "harm": "minor"}).json()
    assert (first["level"], first["matrix_version"]) == ("low", 1)
    definition = office.get("/api/risks/grading/matrix", {"unit_id": org.college.pk}).json()["definition"]
    definition["grid"]["low|minor"] = "medium"
    bad = office.post(
        "/api/risks/grading/matrix",
        {"unit_id": org.college.pk, "definition": {**definition, "grid": {}}},
        content_type=JSON,
    )
    assert bad.status_code == 400 and "definition" in bad.json()["errors"]
    made = office.post(
        "/api/risks/grading/matrix",
        {"unit_id": org.college.pk, "name": "严格矩阵", "definition": definition},
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    assert (made.json()["unit_id"], made.json()["version"], made.json()["name"]) == (
        org.college.pk,
        1,
        "严格矩阵",
    )
    second = assess(office, risk.pk, factors={"probability": "low", "harm": "minor"}).json()
    assert second["level"] == "medium" and second["matrix_name"] != first["matrix_name"]
    history = office.get(f"/api/risks/{risk.pk}").json()["assessments"]
    assert [(a["level"], a["matrix_name"]) for a in history] == [
        ("low", "默认等级矩阵"),
        ("medium", "严格矩阵"),
    ]
    # Only the supervising office publishes matrices: a leader who sees the unit gets 403; a department
    # head, for whom the unit lies outside their scope, and anyone asking for another unit get 404.
    payload = {"unit_id": org.college.pk, "definition": definition}
    leader = login(user_with_role(Role.UNIT_LEADER, org.college))
    assert leader.post("/api/risks/grading/matrix", payload, content_type=JSON).status_code == 403
    head = login(user_with_role(Role.DEPT_HEAD, org.finance))
    assert head.post("/api/risks/grading/matrix", payload, content_type=JSON).status_code == 404
    payload = {"unit_id": org.other.pk, "definition": definition}
    assert office.post("/api/risks/grading/matrix", payload, content_type=JSON).status_code == 404
