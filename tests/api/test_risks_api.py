"""API of the risk register: CRUD, validation, scope, token scopes, one-to-one submission, grading and the
downgrade guard, post holders on their own post, evidence files, Chinese search."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role, User
from lianfang.cycles.models import Cycle
from lianfang.org import services as org_services
from lianfang.org.models import Post
from lianfang.risks import services
from lianfang.risks.api import common as api_common
from lianfang.risks.library import load_measure_library
from lianfang.risks.models import Measure, MeasureEvidence, RiskPoint
from tests.conftest import TwoUnits
from tests.factories import PASSWORD, SYSTEM, make_cycle, make_flow, make_power, user_with_role

JSON = "application/json"
READ = ["risks:read"]
WRITE = ["risks:read", "risks:write", "powers:read"]


def token_client(org: TwoUnits, scopes: list[str]) -> Client:
    _, key = account_services.create_token(SYSTEM, name="业务系统", unit=org.college, scopes=scopes)
    return Client(headers={"Authorization": f"Bearer {key}"})


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_risk(
    cycle: Cycle,
    *,
    post: Post | None = None,
    department: Any = None,
    name: str = "收受服务对象红包",
    measures: tuple[str, ...] = (),
) -> RiskPoint:
    kind = "post" if post else "department" if department else "unit"
    data = services.RiskData(
        subject_kind=kind,
        name=name,
        department=department,
        post=post,
        manifestations=["利用职务之便收受红包"],
    )
    risk = services.create_risk(SYSTEM, cycle, data)
    for text in measures:
        services.add_measure(SYSTEM, risk, services.MeasureData(category="rules", text=text))
    return risk


def risk_payload(cycle: Cycle, org: TwoUnits, **extra: Any) -> dict[str, Any]:
    return {
        "cycle_id": cycle.pk,
        "subject_kind": "post",
        "post_id": org.cashier.pk,
        "name": "违规支付资金",
        "duty": "负责资金支付",
        "manifestations": ["未经审批支付", "  ", "虚列支出套取资金"],
        "risk_type": "duty",
        "risk_kind": "integrity",
        "causes": ["oversight_gap", "self_discipline"],
        "cause_note": "审批单据未核对",
        "found_by": "organisation",
        **extra,
    }


def post_holder(org: TwoUnits, username: str, post: Post) -> User:
    """A person holding `post` through an open assignment, with the post-holder role over its department."""
    person = org_services.create_person(
        SYSTEM, unit=org.college, department=post.department, name=username, staff_no=username.upper()
    )
    org_services.assign_post(SYSTEM, person=person, post=post, start_date=dt.date(2024, 1, 1))
    user = account_services.create_user(SYSTEM, username=username, password=PASSWORD, person=person)
    account_services.grant_role(SYSTEM, user=user, role=Role.POST_HOLDER, department=post.department)
    return user


def assess(client: Client, risk_id: int, **body: Any) -> Any:
    return client.post(f"/api/risks/{risk_id}/assess", body, content_type=JSON)


@pytest.fixture(autouse=True)
def _no_responsibility(monkeypatch: pytest.MonkeyPatch) -> None:
    """The responsibility block is another module's; these tests pin it off unless a test plugs one in."""
    monkeypatch.setattr(api_common, "RESPONSIBILITY_MODULE", "lianfang.risks.not_there")


# --- auth, scope, token scopes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/risks?cycle_id=1"),
        ("get", "/api/risks/1"),
        ("post", "/api/risks"),
        ("post", "/api/risks/1/assess"),
        ("get", "/api/risks/grading/matrix"),
        ("get", "/api/risks/evidence/1"),
    ],
)
def test_anonymous_gets_401(org: TwoUnits, method: str, url: str) -> None:
    make_risk(make_cycle(org.college), post=org.cashier)
    response = getattr(Client(), method)(url, {} if method == "get" else {"x": 1}, content_type=JSON)
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效"


def test_read_token_reads_but_gets_403_on_every_write(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post=org.cashier, measures=("建立支付审批台帐",))
    measure = risk.measures.get()
    client = token_client(org, READ)
    assert client.get(f"/api/risks/{risk.pk}").json()["measure_count"] == 1
    assert [r["id"] for r in client.get("/api/risks").json()["items"]] == [risk.pk]
    measure_body = {"category": "rules", "text": "新措施"}
    writes = [
        client.post("/api/risks", risk_payload(cycle, org), content_type=JSON),
        client.put(f"/api/risks/{risk.pk}", risk_payload(cycle, org), content_type=JSON),
        client.delete(f"/api/risks/{risk.pk}"),
        client.post(f"/api/risks/{risk.pk}/submit"),
        client.post(f"/api/risks/{risk.pk}/measures", measure_body, content_type=JSON),
        client.put(f"/api/risks/measures/{measure.pk}", measure_body, content_type=JSON),
        client.delete(f"/api/risks/measures/{measure.pk}"),
        client.post(
            f"/api/risks/measures/{measure.pk}/evidence", {"file": SimpleUploadedFile("a.txt", b"x")}
        ),
        assess(client, risk.pk, factors={"probability": "low", "harm": "minor"}),
    ]
    assert [w.status_code for w in writes] == [403] * len(writes)
    assert writes[0].json()["detail"] == "您没有在此范围内新增风险点与防控措施的权限"
    assert writes[1].json()["detail"] == "您没有在此范围内修改风险点与防控措施的权限"
    assert RiskPoint.objects.count() == 1 and Measure.objects.count() == 1
    assert risk.assessments.count() == 0 and MeasureEvidence.objects.count() == 0


def test_out_of_scope_items_are_404(org: TwoUnits, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    other_cycle = make_cycle(org.other)
    risk = make_risk(other_cycle, department=org.other_dept, measures=("建立台帐",))
    measure = risk.measures.get()
    evidence = services.add_evidence(SYSTEM, measure, name="台帐.txt", content=b"ledger")
    assessment = services.assess(SYSTEM, risk, {"probability": "high", "harm": "severe"})
    client = token_client(org, WRITE)
    measure_body = {"category": "rules", "text": "新措施"}
    responses = {
        "detail": client.get(f"/api/risks/{risk.pk}"),
        "list": client.get("/api/risks", {"cycle_id": other_cycle.pk}),
        "put": client.put(f"/api/risks/{risk.pk}", risk_payload(other_cycle, org), content_type=JSON),
        "delete": client.delete(f"/api/risks/{risk.pk}"),
        "submit": client.post(f"/api/risks/{risk.pk}/submit"),
        "assess": assess(client, risk.pk, factors={"probability": "low", "harm": "minor"}),
        "add measure": client.post(f"/api/risks/{risk.pk}/measures", measure_body, content_type=JSON),
        "put measure": client.put(f"/api/risks/measures/{measure.pk}", measure_body, content_type=JSON),
        "delete measure": client.delete(f"/api/risks/measures/{measure.pk}"),
        "upload": client.post(
            f"/api/risks/measures/{measure.pk}/evidence", {"file": SimpleUploadedFile("a.txt", b"x")}
        ),
        "download": client.get(f"/api/risks/evidence/{evidence.pk}"),
        "decide": client.post(
            f"/api/risks/assessments/{assessment.pk}/decide", {"approve": True}, content_type=JSON
        ),
    }
    assert {k: r.status_code for k, r in responses.items()} == {k: 404 for k in responses}
    assert responses["detail"].json()["detail"] == "风险点不存在或不在您的权限范围内"
    assert responses["put measure"].json()["detail"] == "防控措施不存在或不在您的权限范围内"
    assert responses["download"].json()["detail"] == "落实佐证不存在或不在您的权限范围内"
    assert responses["decide"].json()["detail"] == "风险评定不存在或不在您的权限范围内"
    assert Measure.objects.count() == 1 and MeasureEvidence.objects.count() == 1

    # Inside the unit a department head sees their department's subtree only.
    cycle = make_cycle(org.college)
    mine = make_risk(cycle, post=org.cashier)
    theirs = make_risk(cycle, post=org.teacher, name="违规调整成绩")
    head = login(user_with_role(Role.DEPT_HEAD, org.finance))
    assert [r["id"] for r in head.get("/api/risks").json()["items"]] == [mine.pk]
    assert head.get(f"/api/risks/{theirs.pk}").status_code == 404


def test_post_holder_writes_on_their_own_post_only(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    accountant = org_services.create_post(SYSTEM, department=org.finance_office, name="会计")
    holder = login(post_holder(org, "chuna", org.cashier))
    own = holder.post("/api/risks", risk_payload(cycle, org), content_type=JSON)
    assert own.status_code == 201, own.content
    assert own.json()["post_id"] == org.cashier.pk and own.json()["department_id"] == org.finance_office.pk
    other = holder.post("/api/risks", risk_payload(cycle, org, post_id=accountant.pk), content_type=JSON)
    assert other.status_code == 403
    assert other.json()["detail"] == "岗位人员只能填写和修改本人所在岗位的风险排查表"
    # The colleague's risk is visible (same department) but not writable.
    theirs = make_risk(cycle, post=accountant, name="会计凭证造假")
    assert holder.get(f"/api/risks/{theirs.pk}").status_code == 200
    measure = holder.post(
        f"/api/risks/{theirs.pk}/measures", {"category": "rules", "text": "凭证复核"}, content_type=JSON
    )
    assert measure.status_code == 403
    assert RiskPoint.objects.filter(post=accountant).count() == 1 and Measure.objects.count() == 0


# --- CRUD and validation ---------------------------------------------------------------------------------


def test_risk_crud_round_trip(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance)
    power = make_power(cycle, org.finance, "CW-1", flow=flow)
    step = flow.steps.get(code="S2")
    client = token_client(org, WRITE)
    created = client.post(
        "/api/risks", risk_payload(cycle, org, power_id=power.pk, step_id=step.pk), content_type=JSON
    )
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert body["code"] == "R-0001" and body["status"] == "draft" and body["subject_kind"] == "post"
    assert (body["post_name"], body["department_name"]) == ("出纳", "核算科")
    assert body["manifestations"] == ["未经审批支付", "虚列支出套取资金"]
    assert body["causes"] == ["oversight_gap", "self_discipline"]
    assert body["power"] == {"id": power.pk, "code": "CW-1", "name": "职权CW-1"}
    assert body["step"] == {"id": step.pk, "flow_id": flow.pk, "code": "S2", "name": "审核"}
    assert body["level"] is None and body["residual_level"] is None
    assert body["measures"] == [] and body["assessments"] == [] and body["measure_count"] == 0
    assert "responsibility" not in body

    changed = risk_payload(
        cycle,
        org,
        subject_kind="department",
        department_id=org.finance.pk,
        post_id=None,
        code="CW-R1",
        name="违规审批资金",
        manifestations=["越权审批"],
        causes=[],
    )
    updated = client.put(f"/api/risks/{pk}", changed, content_type=JSON)
    assert updated.status_code == 200, updated.content
    got = updated.json()
    assert (got["code"], got["name"], got["subject_kind"]) == ("CW-R1", "违规审批资金", "department")
    assert (got["department_id"], got["post_id"], got["power"]) == (org.finance.pk, None, None)
    assert got["manifestations"] == ["越权审批"] and got["causes"] == []

    assert client.get(f"/api/risks/{pk}").json()["name"] == "违规审批资金"
    assert client.delete(f"/api/risks/{pk}").status_code == 204
    assert client.get(f"/api/risks/{pk}").status_code == 404
    assert not RiskPoint.objects.filter(pk=pk).exists()


def test_list_filters(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    cashier = make_risk(cycle, post=org.cashier, measures=("建立支付审批台帐",))
    finance = make_risk(cycle, department=org.finance, name="预算执行不严")
    teacher = make_risk(cycle, post=org.teacher, name="违规调整成绩")
    unit = make_risk(cycle, name="重大事项未集体决策")
    services.assess(SYSTEM, cashier, {"probability": "high", "harm": "severe"})
    services.assess(SYSTEM, teacher, {"probability": "low", "harm": "minor"})
    services.update_measure(
        SYSTEM,
        cashier.measures.get(),
        services.MeasureData(category="rules", text="建立支付审批台帐", status="done"),
    )
    client = token_client(org, WRITE)

    def ids(**query: Any) -> list[int]:
        response = client.get("/api/risks", query)
        assert response.status_code == 200, response.content
        return [r["id"] for r in response.json()["items"]]

    assert sorted(ids()) == sorted([cashier.pk, finance.pk, teacher.pk, unit.pk])
    assert ids(level="high") == [cashier.pk]
    assert ids(subject_kind="unit") == [unit.pk]
    assert sorted(ids(department_id=org.finance.pk)) == sorted([cashier.pk, finance.pk])
    assert ids(post_id=org.teacher.pk) == [teacher.pk]
    assert ids(measure_status="done") == [cashier.pk]
    assert ids(status="submitted") == []
    assert len(ids(cycle_id=cycle.pk, unit_id=org.college.pk)) == 4
    listed = client.get("/api/risks", {"level": "high"}).json()
    assert listed["count"] == 1 and listed["items"][0]["level"] == "high"
    assert listed["items"][0]["manifestations"] == ["利用职务之便收受红包"]
    bad = client.get("/api/risks", {"department_id": org.other_dept.pk})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"department_id": [f"部门（ID {org.other_dept.pk}）不属于某职业学院"]}
    wrong = client.get("/api/risks", {"level": "严重"})
    assert wrong.status_code == 422 and wrong.json()["errors"] == {"level": ["取值无效"]}


def test_chinese_search_finds_a_word_in_a_measure(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    case = make_risk(cycle, department=org.finance, name="案件线索处置不及时")
    make_risk(cycle, post=org.teacher, name="违规调整成绩", measures=("成绩录入双人复核",))
    client = token_client(org, WRITE)
    added = client.post(
        f"/api/risks/{case.pk}/measures", {"category": "rules", "text": "建立案件台帐"}, content_type=JSON
    )
    assert added.status_code == 201, added.content
    found = client.get("/api/risks", {"q": "台帐"}).json()
    assert [r["id"] for r in found["items"]] == [case.pk]
    assert client.get("/api/risks", {"q": "复核 成绩"}).json()["count"] == 1
    assert client.get("/api/risks", {"q": "红包"}).json()["count"] == 2  # the manifestations
    assert client.get("/api/risks", {"q": "采购"}).json()["count"] == 0


def test_validation_errors_are_chinese_per_field(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    make_risk(cycle, post=org.cashier)  # R-0001
    client = token_client(org, WRITE)
    bad = client.post(
        "/api/risks",
        {"cycle_id": cycle.pk, "subject_kind": "boss", "risk_type": "x", "causes": ["greed"]},
        content_type=JSON,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"] == {
        "subject_kind": ["取值无效"],
        "name": ["必填项缺失"],
        "risk_type": ["取值无效"],
        "causes.0": ["取值无效"],
    }
    refused = client.post(
        "/api/risks",
        {"cycle_id": cycle.pk, "subject_kind": "post", "name": "  ", "code": "R-0001"},
        content_type=JSON,
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "post_id": ["个人岗位风险点必须选择岗位"],
        "name": ["廉政风险点不能为空"],
        "code": ["编号“R-0001”在本年度已被使用"],
    }
    elsewhere = client.post(
        "/api/risks",
        risk_payload(cycle, org, subject_kind="department", post_id=None, department_id=org.other_dept.pk),
        content_type=JSON,
    )
    assert elsewhere.status_code == 400
    assert elsewhere.json()["errors"] == {
        "department_id": [f"部门（ID {org.other_dept.pk}）不属于某职业学院"]
    }
    foreign_post = client.post(
        "/api/risks", risk_payload(cycle, org, post_id=org.other_post.pk), content_type=JSON
    )
    assert foreign_post.json()["errors"] == {"post_id": [f"岗位（ID {org.other_post.pk}）不属于某职业学院"]}
    other_power = make_power(make_cycle(org.college, 2025), org.finance, "OLD")
    stale = client.post("/api/risks", risk_payload(cycle, org, power_id=other_power.pk), content_type=JSON)
    assert stale.json()["errors"] == {
        "power_id": [f"职权（ID {other_power.pk}）不在该年度周期或不在您的权限范围内"]
    }
    assert RiskPoint.objects.count() == 1

    risk = RiskPoint.objects.get()
    outsider = org_services.create_person(SYSTEM, unit=org.other, name="外人", staff_no="X1")
    measure = client.post(
        f"/api/risks/{risk.pk}/measures",
        {
            "category": "rules",
            "text": " ",
            "owner_id": outsider.pk,
            "due_date": "2026-06-30",
            "review_date": "2026-01-01",
        },
        content_type=JSON,
    )
    assert measure.status_code == 400
    assert measure.json()["errors"] == {"owner_id": [f"人员（ID {outsider.pk}）不属于某职业学院"]}
    measure = client.post(
        f"/api/risks/{risk.pk}/measures",
        {"category": "rules", "text": " ", "due_date": "2026-06-30", "review_date": "2026-01-01"},
        content_type=JSON,
    )
    assert measure.json()["errors"] == {
        "text": ["防控措施内容不能为空"],
        "review_date": ["复查日期不能早于完成时限"],
    }
    shape = client.post(
        f"/api/risks/{risk.pk}/measures", {"category": "prayer", "due_date": "明天"}, content_type=JSON
    )
    assert shape.status_code == 422
    assert shape.json()["errors"] == {
        "category": ["取值无效"],
        "text": ["必填项缺失"],
        "due_date": ["应为日期（YYYY-MM-DD）"],
    }
    assert Measure.objects.count() == 0


# --- measures, submission, evidence ----------------------------------------------------------------------


def test_submit_is_refused_without_a_measure_then_accepted(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    risk = make_risk(cycle, post=org.cashier)
    client = token_client(org, WRITE)
    assert assess(client, risk.pk, factors={"probability": "low", "harm": "minor"}).status_code == 201
    refused = client.post(f"/api/risks/{risk.pk}/submit")
    assert refused.status_code == 400
    assert refused.json()["detail"] == (
        "风险点“收受服务对象红包”还不能提交：没有防控措施（每个风险点至少要有一条措施，一对一）"
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
    submitted = client.post(f"/api/risks/{risk.pk}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted" and submitted.json()["measure_count"] == 1
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
    assert b"".join(download.streaming_content) == content  # type: ignore[attr-defined]
    download.close()
    assert download["X-Content-SHA256"] == body["sha256"]
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    # Read-only callers may download; an empty file is refused in Chinese.
    reader = token_client(org, READ).get(f"/api/risks/evidence/{evidence.pk}")
    assert reader.status_code == 200
    reader.close()
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
    blocked = client.post(f"/api/risks/{risk.pk}/submit")
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
            raise services.assessments.ServiceError(f"风险点“{r.name}”尚未评定风险等级，责任随等级确定")
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
