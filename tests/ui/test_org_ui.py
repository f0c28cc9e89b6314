"""The organisation pages: the tree in each role's scope, and every write through the UI forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from lianfang.accounts.models import User
from lianfang.org.models import (
    Department,
    LeadershipRole,
    Liaison,
    Person,
    Post,
    PostAssignment,
    Status,
    Unit,
)
from lianfang.org.services import assign_post
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, PersonFactory

from .conftest import Logins, client_for

pytestmark = pytest.mark.django_db
TODAY = dt.date.today().isoformat()


def html_of(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


# --- the tree -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "seen", "unseen"),
    [
        ("sysadmin", ["某市纪委监委", "某职业学院"], ["另一单位"]),
        ("secadmin", ["某市纪委监委", "某职业学院"], ["另一单位"]),
        ("supervisor", ["某职业学院", "财务处", "教务处"], ["某市纪委监委", "另一单位"]),
        ("unit_leader", ["某职业学院", "财务处"], ["某市纪委监委", "另一单位"]),
        ("dept_head", ["财务处", "核算科"], ["某职业学院", "教务处", "另一单位"]),
        ("liaison", ["教务处", "教学秘书"], ["某职业学院", "财务处", "另一单位"]),
        ("post_holder", ["核算科", "出纳"], ["财务处", "教务处", "另一单位"]),
        ("outsider", ["另一单位", "办公室"], ["某市纪委监委", "某职业学院"]),
    ],
)
def test_tree_shows_only_the_nodes_in_scope(
    org: TwoUnits, logins: Logins, role: str, seen: list[str], unseen: list[str]
) -> None:
    client = client_for(getattr(logins, role))
    page = html_of(client, reverse("org:tree"))
    html = page[page.index('<ul class="tree">') :]  # the header names the user's own unit: look at the tree
    # Roots are shown with their first level; deeper levels come from the htmx partials.
    for unit in Unit.objects.all():
        if unit.name in seen:
            html += html_of(client, reverse("org:unit_children", args=[unit.pk]))
    for dept in Department.objects.all():
        if dept.name in seen:
            html += html_of(client, reverse("org:department_children", args=[dept.pk]))
    for name in seen:
        assert name in html, (role, name)
    for name in unseen:
        assert name not in html, (role, name)


def test_tree_is_forbidden_without_organisation_rights(logins: Logins) -> None:
    assert client_for(logins.auditadmin).get(reverse("org:tree")).status_code == 403


def test_tree_children_partial_is_a_fragment_that_loads_on_toggle(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.sysadmin)
    page = html_of(client, reverse("org:tree"))
    assert f'hx-get="{reverse("org:unit_children", args=[org.college.pk])}"' in page
    assert 'hx-trigger="toggle once"' in page
    fragment = client.get(reverse("org:unit_children", args=[org.college.pk]), HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text and "财务处" in text and "教务处" in text
    # Out-of-scope children are a 404 like every other page.
    assert client.get(reverse("org:unit_children", args=[org.other.pk])).status_code == 404


def test_retired_nodes_are_hidden_unless_asked_for(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.sysadmin)
    response = client.post(reverse("org:post_retire", args=[org.teacher.pk]), {"date": "2025-01-31"})
    assert response.status_code == 302
    children = reverse("org:department_children", args=[org.academic.pk])
    assert "教学秘书" not in html_of(client, children)
    shown = html_of(client, children + "?retired=1")
    assert "教学秘书" in shown and "is-retired" in shown


# --- scope: 404 outside, 403 without the right ------------------------------------------------------------


def test_out_of_scope_objects_are_404(org: TwoUnits, logins: Logins) -> None:
    outsider = client_for(logins.outsider)
    for url in (
        reverse("org:unit_detail", args=[org.college.pk]),
        reverse("org:unit_edit", args=[org.college.pk]),
        reverse("org:department_detail", args=[org.finance.pk]),
        reverse("org:department_create") + f"?unit={org.college.pk}",
        reverse("org:post_detail", args=[org.cashier.pk]),
        reverse("org:post_retire", args=[org.cashier.pk]),
    ):
        assert outsider.get(url).status_code == 404, url
    response = outsider.post(reverse("org:post_retire", args=[org.cashier.pk]), {"date": TODAY})
    assert response.status_code == 404
    assert Post.objects.get(pk=org.cashier.pk).status == Status.ACTIVE
    head = client_for(logins.dept_head)
    assert head.get(reverse("org:department_detail", args=[org.academic.pk])).status_code == 404


def test_visible_but_not_permitted_is_403_and_no_button(org: TwoUnits, logins: Logins) -> None:
    leader = client_for(logins.unit_leader)  # reads everything in the college, writes nothing
    page = html_of(leader, reverse("org:department_detail", args=[org.finance.pk]))
    assert reverse("org:department_edit", args=[org.finance.pk]) not in page
    assert reverse("org:post_create") not in page
    assert leader.get(reverse("org:department_edit", args=[org.finance.pk])).status_code == 403
    response = leader.post(
        reverse("org:post_edit", args=[org.cashier.pk]), {"name": "改名", "level": "general", "headcount": 1}
    )
    assert response.status_code == 403
    assert Post.objects.get(pk=org.cashier.pk).name == "出纳"
    liaison = client_for(logins.liaison)  # may create and edit posts, not retire them
    assert liaison.post(reverse("org:post_retire", args=[org.teacher.pk]), {"date": TODAY}).status_code == 403
    assert "403" in html_of(liaison, reverse("org:post_retire", args=[org.teacher.pk]), status=403)


def test_buttons_follow_permissions(org: TwoUnits, logins: Logins) -> None:
    supervisor = html_of(
        client_for(logins.supervisor), reverse("org:department_detail", args=[org.finance.pk])
    )
    assert reverse("org:department_edit", args=[org.finance.pk]) in supervisor
    assert reverse("org:department_retire", args=[org.finance.pk]) in supervisor
    unit_page = html_of(client_for(logins.supervisor), reverse("org:unit_detail", args=[org.college.pk]))
    assert reverse("org:unit_edit", args=[org.college.pk]) in unit_page  # 纪委 may edit the unit…
    assert reverse("org:unit_retire", args=[org.college.pk]) not in unit_page  # …but not retire it


# --- writes through the forms -----------------------------------------------------------------------------


def test_unit_create_edit_retire(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.sysadmin)
    url = reverse("org:unit_create") + f"?parent={org.city.pk}"
    response = client.post(
        url, {"name": "某区纪委", "code": "DISTRICT", "kind": "party_gov", "short_name": ""}
    )
    unit = Unit.objects.get(code="DISTRICT")
    assert response.status_code == 302 and response.url == reverse("org:unit_detail", args=[unit.pk])  # type: ignore[attr-defined]
    assert unit.parent == org.city
    clash = client.post(url, {"name": "重复", "code": "DISTRICT", "kind": "party_gov"})
    assert clash.status_code == 400 and "单位代码“DISTRICT”已被使用" in clash.content.decode()

    edit = reverse("org:unit_edit", args=[unit.pk])
    assert (
        client.post(
            edit, {"name": "某区纪委监委", "code": "DISTRICT", "kind": "party_gov", "short_name": "区纪委"}
        ).status_code
        == 302
    )
    unit.refresh_from_db()
    assert unit.name == "某区纪委监委" and unit.short_name == "区纪委"

    retire = reverse("org:unit_retire", args=[unit.pk])
    assert "停用日期" in html_of(client, retire)
    assert client.post(retire, {"date": "2025-06-30"}).status_code == 302
    unit.refresh_from_db()
    assert unit.status == Status.RETIRED and unit.retired_on == dt.date(2025, 6, 30)
    # A unit with departments cannot be retired: the service's reason is shown on the form.
    refused = client.post(reverse("org:unit_retire", args=[org.college.pk]), {"date": TODAY})
    assert refused.status_code == 400 and "请先停用" in refused.content.decode()


def test_department_create_edit_retire(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.supervisor)
    url = reverse("org:department_create") + f"?unit={org.college.pk}"
    response = client.post(
        url, {"name": "审计处", "kind": "functional", "code": "", "duties": "内部审计", "sort_order": 3}
    )
    assert response.status_code == 302
    dept = Department.objects.get(name="审计处")
    assert dept.unit == org.college and dept.parent is None and dept.sort_order == 3
    duplicate = client.post(url, {"name": "财务处", "kind": "functional"})
    assert duplicate.status_code == 400 and "本单位已有名为“财务处”的部门" in duplicate.content.decode()

    edit = reverse("org:department_edit", args=[dept.pk])
    moved = client.post(
        edit, {"name": "审计科", "kind": "functional", "parent": org.finance.pk, "sort_order": 0}
    )
    assert moved.status_code == 302
    dept.refresh_from_db()
    assert dept.name == "审计科" and dept.parent == org.finance and dept.path.startswith(org.finance.path)

    assert client.post(reverse("org:department_retire", args=[dept.pk]), {"date": TODAY}).status_code == 302
    dept.refresh_from_db()
    assert dept.status == Status.RETIRED
    refused = client.post(reverse("org:department_retire", args=[org.finance.pk]), {"date": TODAY})
    assert refused.status_code == 400 and "请先停用其下级部门" in refused.content.decode()


def test_post_create_edit_retire(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.dept_head)  # 部门负责人 of 财务处 runs its posts
    url = reverse("org:post_create") + f"?department={org.finance_office.pk}"
    response = client.post(
        url,
        {
            "name": "会计",
            "level": "general",
            "headcount": 2,
            "flags": ["manages_money", "manages_approval"],
            "duties": "记账",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(name="会计")
    assert post.manages_money and post.manages_approval and not post.manages_people and post.headcount == 2
    duplicate = client.post(url, {"name": "出纳", "level": "general", "headcount": 1})
    assert duplicate.status_code == 400
    assert "“核算科”已有名为“出纳”的岗位" in duplicate.content.decode()

    edit = reverse("org:post_edit", args=[post.pk])
    page = html_of(client, edit)
    assert 'value="manages_money" ' in page and "checked" in page
    assert (
        client.post(edit, {"name": "会计", "level": "middle", "headcount": 1, "flags": []}).status_code == 302
    )
    post.refresh_from_db()
    assert post.level == "middle" and not post.manages_money

    assert client.post(reverse("org:post_retire", args=[post.pk]), {"date": TODAY}).status_code == 302
    post.refresh_from_db()
    assert post.status == Status.RETIRED
    # Out of the department head's scope: 教务处's post.
    assert client.get(reverse("org:post_edit", args=[org.teacher.pk])).status_code == 404


def test_person_create_edit_retire(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.supervisor)
    url = reverse("org:person_create") + f"?department={org.finance.pk}"
    response = client.post(
        url, {"name": "王五", "staff_no": "2001", "department": org.finance.pk, "title": "科员", "phone": ""}
    )
    assert response.status_code == 302
    person = Person.objects.get(staff_no="2001")
    assert person.unit == org.college and person.department == org.finance
    clash = client.post(url, {"name": "王六", "staff_no": "2001", "department": org.finance.pk})
    assert clash.status_code == 400 and "工号“2001”已被使用" in clash.content.decode()

    edit = reverse("org:person_edit", args=[person.pk])
    assert (
        client.post(
            edit, {"name": "王五", "staff_no": "2001", "department": org.academic.pk, "title": "教务员"}
        ).status_code
        == 302
    )
    person.refresh_from_db()
    assert person.department == org.academic and person.title == "教务员"

    assign_post(SYSTEM, person=person, post=org.teacher, start_date=dt.date(2024, 9, 1))
    assert (
        client.post(reverse("org:person_retire", args=[person.pk]), {"date": "2025-07-01"}).status_code == 302
    )
    person.refresh_from_db()
    assert person.status == Status.RETIRED
    assignment = PostAssignment.objects.get(person=person)
    assert assignment.end_date == dt.date(2025, 7, 1)  # the open post ended with the person
    detail = html_of(client, reverse("org:person_detail", args=[person.pk]))
    assert "教学秘书" in detail and "2025-07-01" in detail
    # The other unit's system administrator cannot reach this person at all.
    assert client_for(logins.outsider).get(reverse("org:person_edit", args=[person.pk])).status_code == 404


def test_assignment_record_and_end(org: TwoUnits, logins: Logins) -> None:
    person = PersonFactory(department=org.finance_office, unit=org.college, name="赵六")
    client = client_for(logins.dept_head)
    url = reverse("org:assignment_create") + f"?post={org.cashier.pk}"
    response = client.post(url, {"person": person.pk, "post": org.cashier.pk, "start_date": "2024-02-01"})
    assert response.status_code == 302
    assignment = PostAssignment.objects.get(person=person, post=org.cashier)
    again = client.post(url, {"person": person.pk, "post": org.cashier.pk, "start_date": "2024-03-01"})
    assert again.status_code == 400 and "已在任" in again.content.decode()
    post_page = html_of(client, reverse("org:post_detail", args=[org.cashier.pk]))
    assert "赵六" in post_page and reverse("org:assignment_end", args=[assignment.pk]) in post_page

    end = reverse("org:assignment_end", args=[assignment.pk])
    early = client.post(end, {"date": "2023-01-01"})
    assert early.status_code == 400 and "任职结束日期不能早于开始日期" in early.content.decode()
    assert client.post(end, {"date": "2025-01-31"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.end_date == dt.date(2025, 1, 31)
    # A liaison of 教务处 cannot record an assignment to 财务处's post.
    assert client_for(logins.liaison).get(url).status_code == 404


def test_leadership_and_liaison(org: TwoUnits, logins: Logins) -> None:
    head = PersonFactory(department=None, unit=org.college, name="书记甲")
    deputy = PersonFactory(department=None, unit=org.college, name="副院长乙")
    client = client_for(logins.supervisor)
    url = reverse("org:leadership_create", args=[org.college.pk])
    refused = client.post(
        url,
        {
            "person": head.pk,
            "kind": "head",
            "title": "党委书记",
            "start_date": "2024-01-01",
            "departments": [org.finance.pk],
        },
    )
    assert refused.status_code == 400 and "一把手不直接分管" in refused.content.decode()
    assert (
        client.post(
            url, {"person": head.pk, "kind": "head", "title": "党委书记", "start_date": "2024-01-01"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url,
            {
                "person": deputy.pk,
                "kind": "deputy",
                "title": "副院长",
                "start_date": "2024-01-01",
                "departments": [org.finance.pk, org.academic.pk],
            },
        ).status_code
        == 302
    )
    role = LeadershipRole.objects.get(person=deputy)
    assert set(role.departments.all()) == {org.finance, org.academic}
    unit_page = html_of(client, reverse("org:unit_detail", args=[org.college.pk]))
    assert "书记甲" in unit_page and "副院长乙" in unit_page and "财务处" in unit_page

    edit = reverse("org:leadership_edit", args=[role.pk])
    assert (
        client.post(
            edit, {"kind": "deputy", "title": "常务副院长", "departments": [org.finance.pk]}
        ).status_code
        == 302
    )
    role.refresh_from_db()
    assert role.title == "常务副院长" and list(role.departments.all()) == [org.finance]
    assert (
        client.post(reverse("org:leadership_end", args=[role.pk]), {"date": "2025-01-01"}).status_code == 302
    )
    role.refresh_from_db()
    assert role.end_date == dt.date(2025, 1, 1)

    designate = reverse("org:liaison_designate", args=[org.finance.pk])
    assert client.post(designate, {"person": deputy.pk, "start_date": "2024-05-01"}).status_code == 302
    liaison = Liaison.objects.get(department=org.finance, end_date__isnull=True)
    assert liaison.person == deputy
    assert "副院长乙" in html_of(client, reverse("org:department_detail", args=[org.finance.pk]))
    assert (
        client.post(reverse("org:liaison_end", args=[liaison.pk]), {"date": "2025-02-01"}).status_code == 302
    )
    liaison.refresh_from_db()
    assert liaison.end_date == dt.date(2025, 2, 1)
    # The department head reads the leadership but may not designate.
    assert client_for(logins.dept_head).get(designate).status_code == 403


def test_every_write_above_is_audited_with_the_ui_user(org: TwoUnits, logins: Logins) -> None:
    from lianfang.audit.models import AuditEntry

    user: User = logins.supervisor
    client_for(user).post(
        reverse("org:department_create") + f"?unit={org.college.pk}", {"name": "宣传部", "kind": "functional"}
    )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None and entry.object_repr == "宣传部" and entry.actor_id == f"user:{user.pk}"
