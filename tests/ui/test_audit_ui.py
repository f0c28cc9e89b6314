"""The audit viewer: for the audit administrator only (三员分立), with filters, diff, verification, export."""

from __future__ import annotations

import csv
import io

import pytest
from django.db.models import Q, QuerySet
from django.urls import reverse
from openpyxl import load_workbook

from lianfang.audit.models import AuditEntry
from lianfang.org.services import update_post
from tests.conftest import TwoUnits
from tests.factories import SYSTEM

from .conftest import Logins, client_for

pytestmark = pytest.mark.django_db


def visible(org: TwoUnits) -> QuerySet[AuditEntry]:
    """What an audit administrator of the city sees: its subtree, and the entries with no scope (logins)."""
    return AuditEntry.objects.filter(Q(scope_path__startswith=org.city.path) | Q(scope_path=""))


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "supervisor", "unit_leader", "post_holder"])
def test_everyone_but_the_audit_administrator_is_refused(org: TwoUnits, logins: Logins, role: str) -> None:
    client = client_for(getattr(logins, role))
    for url in (
        reverse("audit:list"),
        reverse("audit:export") + "?format=xlsx",
        reverse("audit:export") + "?format=csv",
        reverse("audit:detail", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 403, (role, url)
        assert "无权访问" in response.content.decode()
    assert client.post(reverse("audit:verify")).status_code == 403


def test_system_administrator_has_no_audit_link(logins: Logins) -> None:
    html = client_for(logins.sysadmin).get(reverse("core:home")).content.decode()
    assert reverse("audit:list") not in html
    assert reverse("audit:list") in client_for(logins.auditadmin).get(reverse("core:home")).content.decode()


def test_list_filters_and_pages(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.auditadmin)
    html = client.get(reverse("audit:list")).content.decode()
    assert "某职业学院" in html and "校验哈希链" in html
    only_posts = client.get(reverse("audit:list") + "?object_type=org.post&action=create").content.decode()
    assert "出纳" in only_posts and "财务处" not in only_posts
    text = client.get(reverse("audit:list") + "?q=核算科").content.decode()
    assert "核算科" in text and "另一单位" not in text
    nobody = client.get(reverse("audit:list") + "?actor=没有这个人").content.decode()
    assert "没有符合条件的记录" in nobody
    bad = client.get(reverse("audit:list") + "?date_from=2025-02-01&date_to=2025-01-01").content.decode()
    assert "截止日期不能早于起始日期" in bad
    first_page = client.get(reverse("audit:list")).context["page_obj"]
    assert first_page.paginator.count == visible(org).count() > 10
    assert visible(org).count() < AuditEntry.objects.count()  # the other unit's entries are not shown


def test_detail_shows_the_change(org: TwoUnits, logins: Logins) -> None:
    update_post(SYSTEM, org.cashier, name="出纳员", level="general", headcount=2)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    html = client_for(logins.auditadmin).get(reverse("audit:detail", args=[entry.seq])).content.decode()
    assert "出纳员" in html and "出纳" in html and "is-changed" in html and entry.hash in html


def test_verify_reports_an_intact_chain(org: TwoUnits, logins: Logins) -> None:
    response = client_for(logins.auditadmin).post(reverse("audit:verify"))
    html = response.content.decode()
    assert response.status_code == 200 and "校验通过" in html
    assert f"共检查 {AuditEntry.objects.count()} 条记录" in html  # the whole chain, not just the visible part


def test_export_xlsx_opens_back_with_the_filtered_rows(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.auditadmin)
    expected = visible(org).filter(object_type="org.post").count()
    response = client.get(reverse("audit:export") + "?object_type=org.post&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "时间", "操作人类型")
    assert len(rows) - 1 == expected == 2
    assert {r[8] for r in rows[1:]} == {"出纳", "教学秘书"}  # not the other unit's 文书
    # The export itself is a security event and goes into the chain.
    assert AuditEntry.objects.filter(object_type="audit.export").count() == 1


def test_export_csv(org: TwoUnits, logins: Logins) -> None:
    response = client_for(logins.auditadmin).get(reverse("audit:export") + "?format=csv&action=create")
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][0] == "序号"
    assert len(rows) - 1 == visible(org).filter(action="create").count()
    assert client_for(logins.auditadmin).get(reverse("audit:export") + "?format=pdf").status_code == 404
