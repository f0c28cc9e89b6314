"""Labels that come from the models (roles, levels, kinds, statuses, field names) follow the chosen language.

The Chinese text is the source language: in Chinese the pages read as before; in English every such label
is translated. Workbooks and exports stay Chinese whichever language the reader chose.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lianfang.core.errors import PermissionDeniedError
from lianfang.core.importing import Choices
from lianfang.org.models import PostLevel
from lianfang.org.services import create_leadership, create_post
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM, PersonFactory, PostFactory

from .conftest import Logins, client_for

pytestmark = pytest.mark.django_db


def in_english(client: Client) -> Client:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def html_of(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_shown(html: str, present: tuple[str, ...], absent: tuple[str, ...]) -> None:
    for text in present:
        assert text in html, text
    for text in absent:
        assert text not in html, text


@pytest.fixture
def leadership(org: TwoUnits) -> None:
    head = PersonFactory(department=None, unit=org.college, name="书记甲")
    create_leadership(
        SYSTEM, unit=org.college, person=head, kind="head", title="党委书记", start_date=dt.date(2024, 1, 1)
    )
    deputy = PersonFactory(department=None, unit=org.college, name="副院长乙")
    create_leadership(
        SYSTEM,
        unit=org.college,
        person=deputy,
        kind="deputy",
        title="副院长",
        start_date=dt.date(2024, 1, 1),
        departments=[org.finance],
    )


# --- English ---------------------------------------------------------------------------------------------


def test_tree_and_unit_page_in_english(org: TwoUnits, logins: Logins, leadership: None) -> None:
    # The post holder's tree opens on 核算科 with its posts; the supervisor's loads them branch by branch.
    tree = html_of(in_english(client_for(logins.post_holder)), reverse("org:tree"))
    assert_shown(tree, ("出纳", "General post"), ("一般岗位",))
    client = in_english(client_for(logins.supervisor))
    children = html_of(client, reverse("org:department_children", args=[org.finance_office.pk]))
    assert_shown(children, ("出纳", "General post"), ("一般岗位",))

    unit = html_of(client, reverse("org:unit_detail", args=[org.college.pk]))
    assert_shown(
        unit,
        ("Principal leader", "Leader in charge", "Higher education institution", "Active"),
        ("主要领导", "分管领导", "高等院校", "在用"),
    )


def test_post_page_in_english(org: TwoUnits, logins: Logins) -> None:
    client = in_english(client_for(logins.supervisor))
    post = PostFactory(department=org.finance, name="处长", level=PostLevel.LEADER)
    page = html_of(client, reverse("org:post_detail", args=[post.pk]))
    assert_shown(page, ("Leadership post", "Post level"), ("领导岗位", "岗位层级"))
    dept = html_of(client, reverse("org:department_detail", args=[org.finance_office.pk]))
    assert_shown(dept, ("General post", "Functional department"), ("一般岗位", "职能部门"))


def test_user_page_and_dashboard_in_english(org: TwoUnits, logins: Logins) -> None:
    client = in_english(client_for(logins.secadmin))
    user = html_of(client, reverse("accounts:user_detail", args=[logins.supervisor.pk]))
    # The grant table shows the role; the security administrator's grant form offers every role.
    assert_shown(
        user,
        ("Discipline inspection office", "System administrator", "Post holder", "Department head"),
        ("纪委/防控办", "系统管理员", "岗位人员", "部门负责人"),
    )
    home = html_of(in_english(client_for(logins.dept_head)), reverse("core:home"))
    assert_shown(home, ("Department head",), ("部门负责人",))


def test_forms_in_english(org: TwoUnits, logins: Logins) -> None:
    client = in_english(client_for(logins.supervisor))
    form = html_of(client, reverse("org:department_create") + f"?unit={org.college.pk}")
    assert_shown(
        form,
        ("Department name", "Department type", "Functional department", "Teaching department"),
        ("部门名称", "部门类型", "职能部门", "教学系部"),
    )
    post_form = html_of(client, reverse("org:post_create") + f"?department={org.finance.pk}")
    assert_shown(
        post_form,
        ("Post level", "Leadership post", "Middle-management post", "General post"),
        ("岗位层级", "领导岗位", "中层岗位", "一般岗位"),
    )
    account_form = html_of(in_english(client_for(logins.sysadmin)), reverse("accounts:user_create"))
    assert_shown(
        account_form, ("The password must contain both letters and digits",), ("密码必须同时包含字母和数字",)
    )


def test_audit_pages_in_english(org: TwoUnits, logins: Logins) -> None:
    client = in_english(client_for(logins.auditadmin))
    page = html_of(client, reverse("audit:list"))
    assert ">Create<" in page and ">新增<" not in page


def test_same_chinese_word_other_english_by_context() -> None:
    """提示 and 撤销 name different things in different places; English needs a word for each."""
    from django.template.loader import render_to_string

    from lianfang.audit.models import AuditAction
    from lianfang.risks.models import Assessment
    from lianfang.supervision.models import AlertLevel, AlertState

    buttons = "supervision/_office_buttons.html"
    context = {"may": {"withdraw": True}, "a": {"pk": 1}, "next": "/"}
    with translation.override("en"):
        assert AlertLevel.NOTICE.label == "Notice"
        assert str(Assessment._meta.get_field("warnings").verbose_name) == "Warnings"
        assert AlertState.WITHDRAWN.label == "Withdrawn"
        assert AuditAction.REVOKE.label == "Revoke"
        assert ">Withdraw</button>" in render_to_string(buttons, context)
    with translation.override("zh-hans"):
        assert (AlertLevel.NOTICE.label, AlertState.WITHDRAWN.label) == ("提示", "撤销")
        assert ">撤销</button>" in render_to_string(buttons, context)


# --- Chinese, the default ----------------------------------------------------------------------------------


def test_chinese_is_unchanged(org: TwoUnits, logins: Logins, leadership: None) -> None:
    tree = html_of(client_for(logins.post_holder), reverse("org:tree"))
    assert_shown(tree, ("出纳", "一般岗位"), ("General post",))
    supervisor = client_for(logins.supervisor)
    children = html_of(supervisor, reverse("org:department_children", args=[org.finance_office.pk]))
    assert_shown(children, ("一般岗位",), ("General post",))
    unit = html_of(supervisor, reverse("org:unit_detail", args=[org.college.pk]))
    assert_shown(unit, ("主要领导", "分管领导", "高等院校", "在用"), ("Principal leader", "Active"))
    post = html_of(supervisor, reverse("org:post_detail", args=[org.cashier.pk]))
    assert_shown(post, ("一般岗位", "岗位层级"), ("General post", "Post level"))
    form = html_of(supervisor, reverse("org:department_create") + f"?unit={org.college.pk}")
    assert_shown(form, ("部门名称", "部门类型", "职能部门"), ("Department name", "Functional department"))

    user = html_of(client_for(logins.secadmin), reverse("accounts:user_detail", args=[logins.supervisor.pk]))
    assert_shown(
        user, ("纪委/防控办", "系统管理员"), ("Discipline inspection office", "System administrator")
    )
    home = html_of(client_for(logins.dept_head), reverse("core:home"))
    assert_shown(home, ("部门负责人",), ("Department head",))


# --- what stays Chinese in English --------------------------------------------------------------------------


def test_workbook_choices_and_export_stay_chinese_in_english(org: TwoUnits, logins: Logins) -> None:
    with translation.override("en"):
        assert PostLevel.LEADER.label == "Leadership post"
        levels = Choices.of("岗位层级", PostLevel.choices)
        assert levels.labels == ("领导岗位", "中层岗位", "一般岗位")
        assert levels.parse("中层岗位") == "middle"

    client = in_english(client_for(logins.auditadmin))
    response = client.get(reverse("audit:export") + "?format=csv&action=create")
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][5] == "操作" and len(rows) > 1
    assert {row[5] for row in rows[1:]} == {"新增"}


def test_service_messages_stay_chinese_in_english(org: TwoUnits, logins: Logins) -> None:
    with translation.override("en"), pytest.raises(PermissionDeniedError) as refused:
        create_post(actor_of(logins.post_holder), department=org.finance_office, name="会计")
    assert refused.value.message == "您没有在此范围内新增岗位的权限"
