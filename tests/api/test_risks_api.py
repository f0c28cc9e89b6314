"""API of the risk register (1/2): scope, token scopes, post holders, CRUD, filters, Chinese search,
validation. Measures, evidence and grading are in test_risks_api_grading.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianfang.accounts.models import Role
from lianfang.org import services as org_services
from lianfang.review.services.sheets import open_sheet
from lianfang.risks import services
from lianfang.risks.api import common as api_common
from lianfang.risks.models import Measure, MeasureEvidence, RiskPoint
from tests.api.risks_support import (
    JSON,
    NO_RESPONSIBILITY,
    READ,
    WRITE,
    assess,
    login,
    make_risk,
    post_holder,
    risk_payload,
    token_client,
)
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_cycle, make_flow, make_power, user_with_role


@pytest.fixture(autouse=True)
def _no_responsibility(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_common, "RESPONSIBILITY_MODULE", NO_RESPONSIBILITY)


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
    sheet = open_sheet(SYSTEM, cycle, "post", post=org.cashier)
    writes = [
        client.post("/api/risks", risk_payload(cycle, org), content_type=JSON),
        client.put(f"/api/risks/{risk.pk}", risk_payload(cycle, org), content_type=JSON),
        client.delete(f"/api/risks/{risk.pk}"),
        client.post(f"/api/review/sheets/{sheet.pk}/moves", {"action": "open_comments"}, content_type=JSON),
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
        "open sheet": client.post(
            "/api/review/sheets",
            {"cycle_id": other_cycle.pk, "subject_kind": "post", "post_id": org.other_post.pk},
            content_type=JSON,
        ),
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
