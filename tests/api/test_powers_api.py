"""API of cycles, the power catalog and flowcharts: CRUD, scope, the approval chain, analysis and drawings."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.test import Client

from lianfang.accounts import services as account_services
from lianfang.accounts.models import Role, User
from lianfang.cycles.models import Cycle
from lianfang.org import services as org_services
from lianfang.org.models import Department, LeadershipKind
from lianfang.powers.models import Flowchart, Power, ReviewRecord
from tests.conftest import TwoUnits
from tests.factories import PASSWORD, SYSTEM, leader_user, make_cycle, make_flow, make_power, user_with_role

JSON = "application/json"
SVG = "{http://www.w3.org/2000/svg}"


def svg_texts(content: bytes) -> str:
    root = ET.fromstring(content)  # noqa: S314 (our own server's drawing)
    assert root.tag == f"{SVG}svg"
    return "".join(t.text or "" for t in root.iter(f"{SVG}text"))


def token_client(org: TwoUnits, scopes: list[str]) -> Client:
    _, key = account_services.create_token(SYSTEM, name="业务系统", unit=org.college, scopes=scopes)
    return Client(headers={"Authorization": f"Bearer {key}"})


def writer(org: TwoUnits) -> Client:
    return token_client(org, ["powers:read", "powers:write"])


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def person_user(
    org: TwoUnits, username: str, role: str, node: Any, department: Department | None = None
) -> User:
    """A login belonging to a person of the college, holding one role."""
    person = org_services.create_person(
        SYSTEM, unit=org.college, department=department, name=username, staff_no=username.upper()
    )
    user = account_services.create_user(SYSTEM, username=username, password=PASSWORD, person=person)
    if isinstance(node, Department):
        account_services.grant_role(SYSTEM, user=user, role=role, department=node)
    else:
        account_services.grant_role(SYSTEM, user=user, role=role, unit=node)
    return user


def leader(org: TwoUnits, username: str, kind: str, departments: list[Department]) -> User:
    return leader_user(
        org.college, kind, departments, name=username, staff_no=username.upper(), username=username
    )


CONTENT = {
    "steps": [
        {
            "code": "S1",
            "name": "受理申请",
            "kind": "accept",
            "handler": "窗口",
            "time_limit": 1,
            "supervision": "纪委",
            "is_start": True,
        },
        {
            "code": "S2",
            "name": "审核材料",
            "kind": "check",
            "handler": "科长",
            "time_limit": 2,
            "supervision": "纪委",
        },
        {
            "code": "S3",
            "name": "作出决定",
            "kind": "decide",
            "handler": "分管领导",
            "time_limit": 2,
            "supervision": "纪委",
        },
    ],
    "transitions": [
        {"source": "S1", "target": "S2"},
        {"source": "S2", "target": "S3"},
        {"source": "S2", "target": "S1", "label": "补正"},
    ],
    "separations": [{"first": "S1", "second": "S3", "note": "受理与决定分离"}],
    "discretion": [{"violation": "逾期未报", "min_amount": "100", "max_amount": "500"}],
}


def power_payload(cycle: Cycle, org: TwoUnits, **extra: Any) -> dict[str, Any]:
    return {
        "cycle_id": cycle.pk,
        "code": "CW-001",
        "name": "资金支付审批",
        "content": "审核并支付各类资金",
        "category": "internal",
        "department_id": org.finance.pk,
        "post_ids": [org.cashier.pk],
        "bases": [{"document": "《会计法》", "article": "第十条"}],
        **extra,
    }


# --- auth and scope -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/cycles"),
        ("get", "/api/powers?cycle_id=1"),
        ("get", "/api/powers/1"),
        ("post", "/api/powers"),
        ("post", "/api/powers/1/review"),
        ("get", "/api/flows/1"),
        ("get", "/api/flows/1/analysis"),
        ("get", "/api/flows/1/svg"),
        ("get", "/api/flows/1/pdf"),
    ],
)
def test_anonymous_gets_401(org: TwoUnits, method: str, url: str) -> None:
    cycle = make_cycle(org.college)
    make_power(cycle, org.finance, flow=make_flow(cycle, org.finance))
    response = getattr(Client(), method)(url, {} if method == "get" else {"x": 1}, content_type=JSON)
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效"


def test_read_token_reads_but_gets_403_on_every_write(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance)
    power = make_power(cycle, org.finance, flow=flow)
    client = token_client(org, ["powers:read"])
    assert client.get(f"/api/powers/{power.pk}").json()["allowed_actions"] == []
    assert [p["code"] for p in client.get("/api/powers").json()["items"]] == ["P1"]
    writes = [
        client.post("/api/powers", power_payload(cycle, org), content_type=JSON),
        client.put(f"/api/powers/{power.pk}", power_payload(cycle, org), content_type=JSON),
        client.delete(f"/api/powers/{power.pk}"),
        client.post(f"/api/powers/{power.pk}/review", {"action": "submit"}, content_type=JSON),
        client.post("/api/flows", {"cycle_id": cycle.pk, "code": "F9", "name": "流程"}, content_type=JSON),
        client.put(f"/api/flows/{flow.pk}/content", CONTENT, content_type=JSON),
        client.delete(f"/api/flows/{flow.pk}"),
        client.post(f"/api/cycles/{cycle.pk}/next"),
    ]
    assert [w.status_code for w in writes] == [403] * len(writes)
    assert "权限" in writes[0].json()["detail"]
    assert Power.objects.count() == 1 and Flowchart.objects.count() == 1 and Cycle.objects.count() == 1


def test_out_of_scope_items_are_404(org: TwoUnits) -> None:
    other_cycle = make_cycle(org.other)
    flow = make_flow(other_cycle, org.other_dept)
    power = make_power(other_cycle, org.other_dept, flow=flow, is_secret=True)
    client = writer(org)
    for url in (
        f"/api/powers/{power.pk}",
        f"/api/powers/{power.pk}/compare",
        f"/api/flows/{flow.pk}",
        f"/api/flows/{flow.pk}/analysis",
        f"/api/flows/{flow.pk}/svg",
        f"/api/cycles/{other_cycle.pk}",
        f"/api/powers?cycle_id={other_cycle.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "权限范围" in response.json()["detail"]
    review = client.post(f"/api/powers/{power.pk}/review", {"action": "submit"}, content_type=JSON)
    assert review.status_code == 404
    assert client.put(f"/api/flows/{flow.pk}/content", CONTENT, content_type=JSON).status_code == 404
    # Inside the same unit a department head sees only their department's (secret or not) items.
    cycle = make_cycle(org.college)
    mine = make_power(cycle, org.finance, "P1", is_secret=True)
    theirs = make_power(cycle, org.academic, "P2")
    head = login(user_with_role(Role.DEPT_HEAD, org.finance))
    assert [p["code"] for p in head.get("/api/powers").json()["items"]] == ["P1"]
    assert head.get(f"/api/powers/{mine.pk}").json()["is_secret"] is True
    assert head.get(f"/api/powers/{theirs.pk}").status_code == 404


# --- powers: CRUD and validation ------------------------------------------------------------------------


def test_power_crud_round_trip(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance)
    client = writer(org)
    created = client.post("/api/powers", power_payload(cycle, org, flow_id=flow.pk), content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    pk = body["id"]
    assert body["code"] == "CW-001" and body["status"] == "draft" and body["flow_id"] == flow.pk
    assert body["bases"] == [{"document": "《会计法》", "article": "第十条"}]
    assert body["posts"] == [{"id": org.cashier.pk, "name": "出纳", "department_id": org.finance_office.pk}]
    assert body["post_ids"] == [org.cashier.pk]
    assert body["allowed_actions"] == ["submit"] and body["reviews"] == []

    changed = power_payload(
        cycle, org, name="资金支付审核", post_ids=[], bases=[{"document": "《预算法》"}], flow_id=flow.pk
    )
    updated = client.put(f"/api/powers/{pk}", changed, content_type=JSON)
    assert updated.status_code == 200, updated.content
    assert updated.json()["name"] == "资金支付审核" and updated.json()["posts"] == []
    assert updated.json()["bases"] == [{"document": "《预算法》", "article": ""}]

    make_power(cycle, org.academic, "JW-001", name="排课", category="other")
    listed = client.get("/api/powers", {"q": "资金", "category": "internal"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == pk
    by_dept = client.get("/api/powers", {"cycle_id": cycle.pk, "department_id": org.academic.pk}).json()
    assert [p["code"] for p in by_dept["items"]] == ["JW-001"]
    assert client.get("/api/powers", {"unit_id": org.college.pk}).json()["count"] == 2

    assert client.delete(f"/api/powers/{pk}").status_code == 204
    assert client.get(f"/api/powers/{pk}").status_code == 404
    assert not Power.objects.filter(pk=pk).exists()


def test_power_validation_errors_are_chinese_per_field(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    make_power(cycle, org.finance, "CW-001")
    client = writer(org)
    bad = client.post(
        "/api/powers",
        {"cycle_id": cycle.pk, "code": "X", "category": "bribe", "post_ids": "x"},
        content_type=JSON,
    )
    assert bad.status_code == 422
    errors = bad.json()["errors"]
    assert errors["name"] == ["必填项缺失"] and errors["category"] == ["取值无效"]
    assert errors["post_ids"] == ["应为列表"]
    refused = client.post(
        "/api/powers",
        power_payload(cycle, org, disposition="adjust", is_secret=True, audience="external"),
        content_type=JSON,
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "disposition_reason": ["清理意见为调整、废止或新明确时必须说明理由"],
        "is_secret": ["涉密职权不能对外公开"],
        "code": ["职权编码“CW-001”在本年度已被使用"],
    }
    elsewhere = client.post(
        "/api/powers",
        power_payload(cycle, org, code="X1", department_id=org.other_dept.pk),
        content_type=JSON,
    )
    assert elsewhere.status_code == 400
    assert elsewhere.json()["errors"] == {
        "department_id": [f"部门（ID {org.other_dept.pk}）不属于某职业学院"]
    }
    foreign_post = client.post(
        "/api/powers", power_payload(cycle, org, code="X2", post_ids=[org.other_post.pk]), content_type=JSON
    )
    assert foreign_post.json()["errors"] == {"post_ids": [f"岗位（ID {org.other_post.pk}）不属于某职业学院"]}
    assert Power.objects.count() == 1


def test_power_list_needs_a_cycle_when_several_units_are_visible(org: TwoUnits) -> None:
    make_cycle(org.college)
    make_cycle(org.city)
    client = login(user_with_role(Role.SUPERVISOR, org.city))
    response = client.get("/api/powers")
    assert response.status_code == 400
    assert "cycle_id" in response.json()["errors"]
    assert client.get("/api/powers", {"unit_id": org.college.pk}).status_code == 200


# --- the approval chain -----------------------------------------------------------------------------------


def test_approval_chain_through_the_api(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    power = make_power(cycle, org.finance, flow=make_flow(cycle, org.finance))
    url = f"/api/powers/{power.pk}"
    head = login(person_user(org, "chuzhang", Role.DEPT_HEAD, org.finance, org.finance))
    liaison = login(person_user(org, "lianluo", Role.LIAISON, org.finance, org.finance))
    deputy = login(leader(org, "fuyuanzhang", LeadershipKind.DEPUTY, [org.finance]))
    other_deputy = login(leader(org, "jiaowu", LeadershipKind.DEPUTY, [org.academic]))
    president = login(leader(org, "yuanzhang", LeadershipKind.HEAD, []))
    office = login(user_with_role(Role.SUPERVISOR, org.college))

    def act(client: Client, action: str, comment: str = "") -> Any:
        return client.post(f"{url}/review", {"action": action, "comment": comment}, content_type=JSON)

    refused = act(liaison, "submit")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有本部门负责人可以提交"
    assert head.get(url).json()["allowed_actions"] == ["submit"]
    assert act(head, "submit").json()["status"] == "submitted"

    assert other_deputy.get(url).json()["allowed_actions"] == []
    refused = act(other_deputy, "check")
    assert refused.status_code == 403 and refused.json()["detail"] == "只有分管该部门的校（局）领导可以审核"
    assert deputy.get(url).json()["allowed_actions"] == ["check", "return"]
    no_reason = act(deputy, "return")
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"] == {"comment": ["退回时必须写明理由（责令重新查找、评估的原因）"]}
    assert act(deputy, "return", "依据不全").json()["status"] == "returned"
    assert act(head, "submit").json()["status"] == "submitted"
    assert act(deputy, "check").json()["status"] == "checked"
    assert act(president, "verify").status_code == 403  # 组织审 is the supervising office's
    assert act(office, "verify").json()["status"] == "verified"

    assert act(head, "approve").status_code == 403
    assert act(deputy, "approve").status_code == 403
    approved = act(president, "approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    history = [(r["action"], r["to_status"], r["comment"]) for r in approved.json()["reviews"]]
    assert history == [
        ("submit", "submitted", ""),
        ("return", "returned", "依据不全"),
        ("submit", "submitted", ""),
        ("check", "checked", ""),
        ("verify", "verified", ""),
        ("approve", "approved", ""),
    ]
    assert approved.json()["reviews"][1]["actor_name"] == "fuyuanzhang"
    # Approved items are frozen until revised.
    frozen = head.put(url, power_payload(cycle, org, code="P1"), content_type=JSON)
    assert frozen.status_code == 400 and "不能修改" in frozen.json()["detail"]


def test_flow_chain_tokens_submit_but_never_check_and_supervisor_approves(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance)
    url = f"/api/flows/{flow.pk}/review"
    token = writer(org)
    assert token.post(url, {"action": "submit"}, content_type=JSON).json()["status"] == "submitted"
    assert token.post(url, {"action": "check"}, content_type=JSON).status_code == 403
    deputy = login(leader(org, "fuyuanzhang", LeadershipKind.DEPUTY, [org.finance]))
    assert deputy.post(url, {"action": "check"}, content_type=JSON).json()["status"] == "checked"
    assert token.post(url, {"action": "verify"}, content_type=JSON).status_code == 403
    supervisor = login(user_with_role(Role.SUPERVISOR, org.college))
    assert supervisor.post(url, {"action": "verify"}, content_type=JSON).json()["status"] == "verified"
    assert token.post(url, {"action": "approve"}, content_type=JSON).status_code == 403
    assert supervisor.post(url, {"action": "approve"}, content_type=JSON).json()["status"] == "approved"
    bad = supervisor.post(url, {"action": "bless"}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["errors"] == {"action": ["取值无效"]}
    assert ReviewRecord.objects.filter(flow=flow).count() == 4


# --- flows: content, analysis, drawings ------------------------------------------------------------------


def test_flow_create_with_content_and_replace_it(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    client = writer(org)
    payload = {
        "cycle_id": cycle.pk,
        "code": "F-CW",
        "name": "资金支付流程",
        "department_id": org.finance.pk,
        "statutory_limit": 20,
        "promised_limit": 10,
        "content": CONTENT,
    }
    created = client.post("/api/flows", payload, content_type=JSON)
    assert created.status_code == 201, created.content
    body = created.json()
    assert [s["code"] for s in body["steps"]] == ["S1", "S2", "S3"]
    assert body["transitions"][2] == {"source": "S2", "target": "S1", "label": "补正"}
    assert body["separations"] == [{"first": "S1", "second": "S3", "note": "受理与决定分离"}]
    assert body["discretion"][0]["min_amount"] == "100.00"
    assert body["allowed_actions"] == ["submit"] and body["power_codes"] == []
    pk = body["id"]
    power = make_power(cycle, org.finance, "CW-1", flow=Flowchart.objects.get(pk=pk))
    assert client.get(f"/api/flows/{pk}").json()["power_codes"] == [power.code]

    content = {
        "steps": [
            {"code": "A", "name": "受理", "kind": "accept", "post_id": org.cashier.pk, "is_start": True},
            {"code": "B", "name": "办结", "kind": "decide"},
        ],
        "transitions": [{"source": "A", "target": "B"}],
    }
    replaced = client.put(f"/api/flows/{pk}/content", content, content_type=JSON)
    assert replaced.status_code == 200, replaced.content
    steps = replaced.json()["steps"]
    assert [(s["code"], s["post_id"], s["handler"]) for s in steps] == [
        ("A", org.cashier.pk, "出纳"),
        ("B", None, ""),
    ]
    assert replaced.json()["separations"] == [] and replaced.json()["discretion"] == []

    broken = client.put(
        f"/api/flows/{pk}/content",
        {
            "steps": [{"code": "A", "name": "受理", "post_id": org.other_post.pk}],
            "transitions": [{"source": "A", "target": "Z"}],
        },
        content_type=JSON,
    )
    assert broken.status_code == 400
    assert broken.json()["errors"] == {
        "steps": ["第1个环节的办理岗位不属于本单位或已停用"],
        "transitions": ["流转“A→Z”指向不存在的环节"],
    }
    meta = client.put(
        f"/api/flows/{pk}",
        {"code": "F-CW", "name": "资金支付流程", "statutory_limit": 5, "promised_limit": 10},
        content_type=JSON,
    )
    assert meta.status_code == 400
    assert meta.json()["errors"] == {"promised_limit": ["承诺时限不能超过法定时限"]}
    renamed = client.put(f"/api/flows/{pk}", {"code": "F-CW", "name": "支付流程"}, content_type=JSON)
    assert renamed.status_code == 200 and renamed.json()["name"] == "支付流程"
    assert renamed.json()["department_id"] is None
    in_use = client.delete(f"/api/flows/{pk}")
    assert in_use.status_code == 400 and "不能删除" in in_use.json()["detail"]


def test_analysis_returns_findings_for_a_crafted_flow(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    client = writer(org)
    content = {
        "steps": [
            {
                "code": "S1",
                "name": "受理",
                "kind": "accept",
                "handler": "科长",
                "time_limit": 1,
                "supervision": "纪委",
                "is_start": True,
            },
            {"code": "S2", "name": "决定", "kind": "decide", "handler": "科长", "supervision": "纪委"},
        ],
        "transitions": [{"source": "S1", "target": "S2"}],
    }
    created = client.post(
        "/api/flows",
        {"cycle_id": cycle.pk, "code": "F1", "name": "一人包办", "content": content},
        content_type=JSON,
    )
    findings = client.get(f"/api/flows/{created.json()['id']}/analysis")
    assert findings.status_code == 200
    got = [(f["kind"], f["kind_label"], f["step_codes"]) for f in findings.json()]
    assert got == [
        ("no_time_limit", "未定办理时限", ["S2"]),
        ("single_window", "一口进、一口出", ["S1", "S2"]),
        ("concentrated_control", "权力过于集中", ["S1", "S2"]),
    ]
    first = findings.json()[0]
    assert first["message"] == "环节“决定”未规定办理时限"
    assert first["suggested_risk_type"] == "process" and first["suggested_risk_type_label"] == "业务流程"
    clean = make_flow(cycle, org.finance, "F2")
    assert client.get(f"/api/flows/{clean.pk}/analysis").json() == []


def test_svg_is_parseable_and_names_the_steps(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance)
    response = writer(org).get(f"/api/flows/{flow.pk}/svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    texts = svg_texts(response.content)
    for name in ("受理", "审核", "决定"):
        assert name in texts
    # With findings drawn beside their steps (a flow whose steps have no time limit).
    content = {"steps": [{"code": "A", "name": "登记", "is_start": True}]}
    bare = writer(org).post(
        "/api/flows",
        {"cycle_id": cycle.pk, "code": "F2", "name": "登记", "content": content},
        content_type=JSON,
    )
    marked = writer(org).get(f"/api/flows/{bare.json()['id']}/svg", {"findings": "true"})
    assert "未定办理时限" in svg_texts(marked.content)
    plain = writer(org).get(f"/api/flows/{bare.json()['id']}/svg")
    assert "未定办理时限" not in plain.content.decode()


def test_pdf_is_a_pdf_with_a_utf8_filename(org: TwoUnits) -> None:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance)
    response = writer(org).get(f"/api/flows/{flow.pk}/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "filename*=utf-8''F1-%E6%B5%81%E7%A8%8BF1.pdf" in response["Content-Disposition"]


# --- cycles and comparison -------------------------------------------------------------------------------


def test_cycles_open_next_compare_and_close(org: TwoUnits) -> None:
    supervisor = login(user_with_role(Role.SUPERVISOR, org.college))
    created = supervisor.post("/api/cycles", {"unit_id": org.college.pk, "year": 2025}, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created.json()["title"] == "2025年度" and created.json()["status"] == "open"
    dup = supervisor.post("/api/cycles", {"unit_id": org.college.pk, "year": 2025}, content_type=JSON)
    assert dup.status_code == 400 and dup.json()["errors"] == {"year": ["2025年度周期已存在"]}
    foreign = supervisor.post("/api/cycles", {"unit_id": org.other.pk, "year": 2025}, content_type=JSON)
    assert foreign.status_code == 400 and "unit_id" in foreign.json()["errors"]

    cycle = Cycle.objects.get(pk=created.json()["id"])
    flow = make_flow(cycle, org.finance)
    make_power(cycle, org.finance, "P1", flow=flow)
    make_power(cycle, org.finance, "P2", flow=flow)
    nxt = supervisor.post(f"/api/cycles/{cycle.pk}/next")
    assert nxt.status_code == 201 and nxt.json()["year"] == 2026 and nxt.json()["previous_id"] == cycle.pk
    new_id = nxt.json()["id"]
    p2 = Power.objects.get(cycle_id=new_id, code="P2")
    changed = power_payload(
        Cycle.objects.get(pk=new_id),
        org,
        code="P2",
        name="新名称",
        content="具体内容",
        post_ids=[],
        bases=[{"document": "《中华人民共和国行政许可法》", "article": "第三十二条"}],
        flow_id=Flowchart.objects.get(cycle_id=new_id).pk,
        category="other",
    )
    assert supervisor.put(f"/api/powers/{p2.pk}", changed, content_type=JSON).status_code == 200
    assert supervisor.get(f"/api/powers/{p2.pk}/compare").json() == [
        {"field": "name", "label": "职权名称", "before": "职权P2", "after": "新名称"}
    ]
    comparison = supervisor.get(f"/api/cycles/{new_id}/compare").json()
    assert comparison["previous_id"] == cycle.pk
    assert comparison["added"] == [] and comparison["retired"] == []
    assert [c["power"]["code"] for c in comparison["changed"]] == ["P2"]
    assert comparison["changed"][0]["changes"][0]["after"] == "新名称"
    assert comparison["unchanged_count"] == 1
    assert [c["year"] for c in supervisor.get("/api/cycles").json()["items"]] == [2026, 2025]
    assert supervisor.get("/api/powers", {"unit_id": org.college.pk}).json()["items"][0]["cycle_id"] == new_id

    closed = supervisor.post(f"/api/cycles/{cycle.pk}/close", {"on": "2026-01-31"}, content_type=JSON)
    assert closed.status_code == 200 and closed.json()["closed_on"] == "2026-01-31"
    again = supervisor.post(f"/api/cycles/{cycle.pk}/close", {}, content_type=JSON)
    assert again.status_code == 400 and again.json()["detail"] == "该年度周期已结束"
    head = login(user_with_role(Role.DEPT_HEAD, org.finance))
    assert head.post(f"/api/cycles/{new_id}/close", {}, content_type=JSON).status_code == 403
