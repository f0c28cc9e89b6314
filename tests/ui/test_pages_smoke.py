"""Every page renders inside the shell for a user allowed to see it, with CSP-safe markup only."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from lianfang.org.models import LeadershipKind
from lianfang.org.services import assign_post, create_leadership, designate_liaison
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, PersonFactory

from .conftest import Logins, client_for

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 1)


def assert_csp_safe(html: str) -> None:
    """CSP allows scripts and styles from our own files only: no inline code may slip into a page."""
    assert "style=" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def get_ok(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert_csp_safe(html)
    return html


def test_every_org_page_renders(org: TwoUnits, logins: Logins) -> None:
    person = PersonFactory(department=org.finance_office, unit=org.college, name="张三")
    assignment = assign_post(SYSTEM, person=person, post=org.cashier, start_date=DAY)
    role = create_leadership(
        SYSTEM,
        unit=org.college,
        person=person,
        kind=LeadershipKind.DEPUTY,
        title="副院长",
        start_date=DAY,
        departments=[org.finance],
    )
    liaison = designate_liaison(SYSTEM, department=org.finance, person=person, start_date=DAY)
    client = client_for(logins.sysadmin)
    urls = [
        reverse("core:home"),
        reverse("org:tree"),
        reverse("org:tree") + "?retired=1",
        reverse("org:unit_children", args=[org.college.pk]),
        reverse("org:department_children", args=[org.finance.pk]),
        reverse("org:unit_detail", args=[org.college.pk]),
        reverse("org:unit_create") + f"?parent={org.city.pk}",
        reverse("org:unit_edit", args=[org.college.pk]),
        reverse("org:unit_retire", args=[org.college.pk]),
        reverse("org:department_detail", args=[org.finance.pk]),
        reverse("org:department_create") + f"?unit={org.college.pk}",
        reverse("org:department_create") + f"?parent={org.finance.pk}",
        reverse("org:department_edit", args=[org.finance_office.pk]),
        reverse("org:department_retire", args=[org.finance.pk]),
        reverse("org:post_detail", args=[org.cashier.pk]),
        reverse("org:post_create") + f"?department={org.finance.pk}",
        reverse("org:post_edit", args=[org.cashier.pk]),
        reverse("org:post_retire", args=[org.cashier.pk]),
        reverse("org:person_list"),
        reverse("org:person_list") + f"?unit={org.college.pk}&q=张&retired=1",
        reverse("org:person_detail", args=[person.pk]),
        reverse("org:person_create") + f"?department={org.finance.pk}",
        reverse("org:person_edit", args=[person.pk]),
        reverse("org:person_retire", args=[person.pk]),
        reverse("org:assignment_create") + f"?post={org.cashier.pk}",
        reverse("org:assignment_create") + f"?person={person.pk}",
        reverse("org:assignment_end", args=[assignment.pk]),
        reverse("org:leadership_create", args=[org.college.pk]),
        reverse("org:leadership_edit", args=[role.pk]),
        reverse("org:leadership_end", args=[role.pk]),
        reverse("org:liaison_designate", args=[org.finance.pk]),
        reverse("org:liaison_end", args=[liaison.pk]),
        reverse("accounts:user_list"),
        reverse("accounts:user_create"),
        reverse("accounts:user_detail", args=[logins.supervisor.pk]),
        reverse("accounts:password_change"),
    ]
    for url in urls:
        get_ok(client, url)
    html = get_ok(client, reverse("org:department_detail", args=[org.finance.pk]))
    assert "张三" in html and "副院长" in html  # liaison, and the deputy in charge
    html = get_ok(client, reverse("org:department_detail", args=[org.finance_office.pk]))
    assert "出纳" in html and "张三" in html  # the post with its current holder


def test_security_and_audit_pages_render(org: TwoUnits, logins: Logins) -> None:
    sec = client_for(logins.secadmin)
    for url in (
        reverse("accounts:user_list"),
        reverse("accounts:user_detail", args=[logins.supervisor.pk]),
        reverse("accounts:token_list"),
        reverse("accounts:token_create"),
    ):
        get_ok(sec, url)
    audit = client_for(logins.auditadmin)
    get_ok(audit, reverse("audit:list"))
    get_ok(audit, reverse("audit:list") + "?action=create&object_type=org.unit&q=学院")
    get_ok(audit, reverse("audit:detail", args=[1]))
    response = audit.post(reverse("audit:verify"))
    assert response.status_code == 200
    assert_csp_safe(response.content.decode())


def test_login_page_renders_for_anonymous(client: Client) -> None:
    html = get_ok(client, reverse("accounts:login"))
    assert "登录" in html
