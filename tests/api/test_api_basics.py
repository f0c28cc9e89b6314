"""API: tokens bound to a unit and scopes, session auth with CSRF, Chinese error bodies, OpenAPI docs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from lianfang.accounts import services as account_services
from lianfang.audit.models import AuditEntry
from lianfang.org.models import Department
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, user_with_role


def token_client(org: TwoUnits, scopes: list[str], **kwargs: object) -> Client:
    _, key = account_services.create_token(SYSTEM, name="业务系统", unit=org.college, scopes=scopes, **kwargs)
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_anonymous_gets_401_in_chinese(org: TwoUnits) -> None:
    response = Client().get("/api/org/units")
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效"
    bad = Client(headers={"Authorization": "Bearer lf_not-a-real-token"}).get("/api/org/units")
    assert bad.status_code == 401


def test_read_token_sees_only_its_unit_subtree(org: TwoUnits) -> None:
    client = token_client(org, ["org:read"])
    names = {d["name"] for d in client.get("/api/org/departments").json()["items"]}
    assert names == {"财务处", "核算科", "教务处"}
    assert client.get(f"/api/org/departments/{org.other_dept.pk}").status_code == 404
    me = client.get("/api/me").json()
    assert (
        me["kind"] == "token" and me["token_scopes"] == ["org:read"] and me["token_path"] == org.college.path
    )


def test_read_token_cannot_write(org: TwoUnits) -> None:
    client = token_client(org, ["org:read"])
    response = client.post(
        "/api/org/departments", {"unit_id": org.college.pk, "name": "新部门"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "权限" in response.json()["detail"]


def test_write_token_creates_with_an_audit_entry_naming_the_token(org: TwoUnits) -> None:
    client = token_client(org, ["org:read", "org:write"])
    response = client.post(
        "/api/org/posts",
        {"department_id": org.finance.pk, "name": "会计", "level": "general", "flags": ["manages_money"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["manages_money"] is True
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.actor_kind == "token" and "业务系统" in entry.actor_name
    # Outside its unit the same token is refused.
    outside = client.post(
        "/api/org/posts",
        {"department_id": org.other_dept.pk, "name": "会计"},
        content_type="application/json",
    )
    assert outside.status_code == 400 and "权限范围" in outside.json()["detail"]


def test_revoked_and_expired_tokens_are_refused(org: TwoUnits) -> None:
    token, key = account_services.create_token(SYSTEM, name="旧系统", unit=org.college, scopes=["org:read"])
    client = Client(headers={"Authorization": f"Bearer {key}"})
    assert client.get("/api/org/units").status_code == 200
    account_services.revoke_token(SYSTEM, token)
    assert client.get("/api/org/units").status_code == 401
    soon = token_client(org, ["org:read"], expires_at=timezone.now() + dt.timedelta(seconds=1))
    assert soon.get("/api/org/units").status_code == 200
    from lianfang.accounts.models import ApiToken

    ApiToken.objects.filter(name="业务系统").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert soon.get("/api/org/units").status_code == 401


def test_validation_errors_are_chinese_and_per_field(org: TwoUnits) -> None:
    client = token_client(org, ["org:read", "org:write"])
    response = client.post(
        "/api/org/posts", {"department_id": "abc", "level": "boss"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "请求数据格式有误"
    assert body["errors"]["name"] == ["必填项缺失"]
    assert body["errors"]["department_id"] == ["应为整数"]
    assert "level" in body["errors"]
    dup = client.post(
        "/api/org/departments", {"unit_id": org.college.pk, "name": "财务处"}, content_type="application/json"
    )
    assert dup.status_code == 400
    assert dup.json()["errors"]["name"] == ["本单位已有名为“财务处”的部门"]
    assert Department.objects.filter(name="财务处").count() == 1


def test_session_writes_need_csrf(org: TwoUnits) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user_with_role("sysadmin", org.college))
    assert client.get("/api/org/units").status_code == 200
    response = client.post(
        "/api/org/departments", {"unit_id": org.college.pk, "name": "新部门"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Department.objects.filter(name="新部门").exists()


@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
def test_docs_are_served_locally(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "cdn" not in text.lower()
    if url.endswith(".json"):
        paths = response.json()["paths"]
        assert "/api/org/units" in paths and "/api/org/assignments" in paths
        assert "bearer" in str(response.json()["components"]["securitySchemes"]).lower()
