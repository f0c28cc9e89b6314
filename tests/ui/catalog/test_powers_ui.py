"""The catalog, cycle and flowchart pages: scope, forms through the services, review buttons, the editor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.accounts.models import Role
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.powers.models import ApprovalStatus, Flowchart, Power, ReviewAction
from lianfang.powers.services import review
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_flow, make_power, user_with_role
from tests.ui.conftest import Logins, client_for
from tests.ui.pages import html_of, main_of

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "lianfang" / "powers" / "templates"


# --- navigation, scope -------------------------------------------------------------------------------


def test_navigation_links_the_catalog_and_flows_for_who_may_see_them(org: TwoUnits, logins: Logins) -> None:
    nav = html_of(client_for(logins.liaison), reverse("core:home"))
    assert f'href="{reverse("powers:catalog")}"' in nav and f'href="{reverse("powers:flow_list")}"' in nav
    admin = html_of(client_for(logins.sysadmin), reverse("core:home"))
    assert f'href="{reverse("powers:catalog")}"' not in admin  # 系统管理员 has no catalog rights
    assert re.search(r'is-disabled"[^>]*><span class="side-nav__label">职权目录', admin)
    flows = html_of(client_for(logins.liaison), reverse("powers:flow_list"))
    assert f'is-active" href="{reverse("powers:flow_list")}"' in flows
    assert f'is-active" href="{reverse("powers:catalog")}"' not in flows


def test_catalog_shows_the_powers_in_each_roles_scope(
    org: TwoUnits, logins: Logins, academic_power: Power, finance_power: Power
) -> None:
    seen = {
        "supervisor": ["学籍异动审批", "经费报销审核"],
        "unit_leader": ["学籍异动审批", "经费报销审核"],
        "dept_head": ["经费报销审核"],
        "liaison": ["学籍异动审批"],
    }
    for role, names in seen.items():
        html = main_of(html_of(client_for(getattr(logins, role)), reverse("powers:catalog")))
        for name in ("学籍异动审批", "经费报销审核"):
            assert (name in html) == (name in names), (role, name)
    # The cycle is picked for the user's unit without asking.
    assert "2026年度" in html_of(client_for(logins.dept_head), reverse("powers:catalog"))


def test_out_of_scope_is_404_and_no_rights_is_403(
    org: TwoUnits, logins: Logins, cycle: Cycle, academic_power: Power, flow: Flowchart
) -> None:
    other_supervisor = client_for(user_with_role(Role.SUPERVISOR, org.other, "other-jiwei"))
    for url in (
        reverse("powers:power_detail", args=[academic_power.pk]),
        reverse("powers:power_edit", args=[academic_power.pk]),
        reverse("powers:flow_detail", args=[flow.pk]),
        reverse("powers:flow_editor", args=[flow.pk]),
        reverse("powers:flow_pdf", args=[flow.pk]),
        reverse("powers:flow_diagram", args=[flow.pk]),
        reverse("powers:catalog") + f"?cycle={cycle.pk}",
        reverse("powers:power_create") + f"?cycle={cycle.pk}",
    ):
        assert other_supervisor.get(url).status_code == 404, url
    response = other_supervisor.post(
        reverse("powers:power_review", args=[academic_power.pk]), {"action": "submit"}
    )
    assert response.status_code == 404
    # The finance head does not see 教务处's power at all.
    head = client_for(logins.dept_head)
    assert head.get(reverse("powers:power_detail", args=[academic_power.pk])).status_code == 404
    # Visible but not editable: 岗位人员 may read, not edit; 系统管理员 may not read the catalog.
    holder = client_for(logins.post_holder)
    assert holder.get(reverse("powers:catalog")).status_code == 200
    assert client_for(logins.sysadmin).get(reverse("powers:catalog")).status_code == 403
    finance_flow = make_flow(cycle, org.finance_office, "F2")
    assert holder.get(reverse("powers:flow_detail", args=[finance_flow.pk])).status_code == 200
    assert holder.get(reverse("powers:flow_editor", args=[finance_flow.pk])).status_code == 403
    assert (
        holder.post(reverse("powers:flow_editor_op", args=[finance_flow.pk, "add-step"])).status_code == 403
    )


# --- the catalog list --------------------------------------------------------------------------------


def test_filters_narrow_the_table_and_htmx_gets_only_the_table(
    org: TwoUnits, logins: Logins, cycle: Cycle, academic_power: Power, finance_power: Power
) -> None:
    make_power(cycle, org.academic, "JW-002", name="教材选用", audience="external", category="licensing")
    client = client_for(logins.supervisor)
    url = reverse("powers:catalog") + f"?cycle={cycle.pk}"

    def names(query: str, htmx: bool = False) -> set[str]:
        headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "catalog-results"} if htmx else {}
        response = client.get(url + query, **headers)
        assert response.status_code == 200
        html = response.content.decode()
        table = html[html.index('<table class="data catalog-table">') :]
        return {n for n in ("学籍异动审批", "经费报销审核", "教材选用") if n in table}

    assert names("") == {"学籍异动审批", "经费报销审核", "教材选用"}
    assert names("&category=internal") == {"经费报销审核"}
    assert names("&audience=external") == {"教材选用"}
    assert names(f"&department={org.academic.pk}") == {"学籍异动审批", "教材选用"}
    assert names("&q=学籍") == {"学籍异动审批"}
    assert names("&q=行政许可法") == {"学籍异动审批", "经费报销审核", "教材选用"}  # the basis is searched
    assert names("&status=approved") == set()
    assert names("&category=nonsense") == {"学籍异动审批", "经费报销审核", "教材选用"}  # ignored
    fragment = client.get(
        url + "&category=internal", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalog-results"
    )
    text = fragment.content.decode()
    assert "<html" not in text and "经费报销审核" in text and "共 1 项职权" in text
    page = html_of(client, url)
    assert (
        'hx-get="/powers/"' in page
        and 'hx-target="#catalog-results"' in page
        and 'hx-push-url="true"' in page
    )


def test_catalog_page_reads_each_page_in_constant_queries(
    org: TwoUnits, logins: Logins, cycle: Cycle, flow: Flowchart
) -> None:
    client = client_for(logins.supervisor)
    url = reverse("powers:catalog") + f"?cycle={cycle.pk}"
    make_power(cycle, org.academic, "A-000", flow=flow)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalog-results")
            assert response.status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for n in range(1, 55):
        make_power(
            cycle, org.academic if n % 2 else org.finance, f"A-{n:03d}", flow=flow, is_secret=n % 7 == 0
        )
    assert queries() == few
    html = client.get(url).content.decode()
    assert "共 55 项职权" in html and "第 1 / 2 页" in html
    assert html.count('<span class="badge badge--danger">涉密</span>') == 7  # A-007 … A-049 on page one
    assert f'href="{reverse("powers:flow_detail", args=[flow.pk])}">F1</a>' in html


def test_export_streams_the_catalog_workbook_and_pdf(
    org: TwoUnits, logins: Logins, cycle: Cycle, academic_power: Power
) -> None:
    client = client_for(logins.supervisor)
    response = client.get(reverse("powers:catalog_export") + f"?cycle={cycle.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"
    assert "attachment; filename*=UTF-8''" in response["Content-Disposition"]
    pdf = client.get(reverse("powers:catalog_export") + f"?cycle={cycle.pk}&format=pdf&audience=external")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


# --- one power --------------------------------------------------------------------------------------


def power_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "JW-009",
        "name": "课程考核成绩更改",
        "content": "因登分错误申请更改成绩",
        "category": "internal",
        "audience": "internal",
        "handler_text": "教务处考务科",
        "disposition": "keep",
        "disposition_reason": "",
        "sort_order": "0",
        "bases-TOTAL_FORMS": "2",
        "bases-INITIAL_FORMS": "0",
        "bases-MIN_NUM_FORMS": "0",
        "bases-MAX_NUM_FORMS": "50",
        "bases-0-document": "《普通高等学校学生管理规定》",
        "bases-0-article": "第十五条",
        "bases-1-document": "",
        "bases-1-article": "",
    }
    data.update(overrides)
    return data


def test_liaison_creates_a_power_and_errors_come_back_in_chinese(
    org: TwoUnits, logins: Logins, cycle: Cycle, flow: Flowchart, academic_power: Power
) -> None:
    client = client_for(logins.liaison)
    url = reverse("powers:power_create") + f"?cycle={cycle.pk}"
    form = html_of(client, url)
    assert "教务处" in form and "财务处" not in main_of(form)  # only where the liaison may create
    bad = client.post(
        url,
        power_post(
            department=org.academic.pk,
            code="JW-001",
            name="",
            disposition="adjust",
            audience="external",
            is_secret="on",
            **{"bases-1-article": "第三条"},
        ),
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "这个字段是必填项。" in html  # the empty name, caught by the form
    assert Power.objects.filter(cycle=cycle).count() == 1
    bad = client.post(
        url,
        power_post(
            department=org.academic.pk,
            code="JW-001",
            disposition="adjust",
            audience="external",
            is_secret="on",
            **{"bases-1-article": "第三条"},
        ),
    )
    html = bad.content.decode()
    assert bad.status_code == 400
    for message in (
        "职权编码“JW-001”在本年度已被使用",
        "清理意见为调整、废止或新明确时必须说明理由",
        "涉密职权不能对外公开",
        "每条依据都要写明依据文件",
    ):
        assert message in html, message
    good = client.post(
        url,
        power_post(
            department=org.academic.pk,
            posts=[org.teacher.pk],
            flow=flow.pk,
            disposition="new",
            disposition_reason="新增业务",
        ),
    )
    assert good.status_code == 302
    power = Power.objects.get(cycle=cycle, code="JW-009")
    assert good["Location"] == reverse("powers:power_detail", args=[power.pk])
    assert (power.department, power.flow, power.disposition) == (org.academic, flow, "new")
    assert [(b.document, b.article) for b in power.bases.all()] == [
        ("《普通高等学校学生管理规定》", "第十五条")
    ]
    assert list(power.posts.all()) == [org.teacher]
    # A department the liaison may not create in is not a choice.
    refused = client.post(url, power_post(department=org.finance.pk, code="JW-010"))
    assert refused.status_code == 400 and not Power.objects.filter(code="JW-010").exists()


def test_editing_a_power_goes_through_the_service(
    org: TwoUnits, logins: Logins, academic_power: Power, flow: Flowchart
) -> None:
    client = client_for(logins.liaison)
    url = reverse("powers:power_edit", args=[academic_power.pk])
    page = html_of(client, url)
    assert 'value="学籍异动审批"' in page and 'value="《中华人民共和国行政许可法》"' in page
    response = client.post(
        url,
        power_post(
            department=org.academic.pk,
            code="JW-001",
            name="学籍异动审核",
            flow=flow.pk,
            **{"bases-TOTAL_FORMS": "1", "bases-0-document": "《学籍管理办法》", "bases-0-article": ""},
        ),
    )
    assert response.status_code == 302
    academic_power.refresh_from_db()
    assert academic_power.name == "学籍异动审核"
    assert [b.document for b in academic_power.bases.all()] == ["《学籍管理办法》"]
    # Once submitted, the form is not offered: the page says why.
    review(SYSTEM, academic_power, ReviewAction.SUBMIT)
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"] == reverse(
        "powers:power_detail", args=[academic_power.pk]
    )
    assert "不能修改" in html_of(client, refused["Location"])


def test_form_helpers_redraw_posts_and_add_basis_rows(org: TwoUnits, logins: Logins, cycle: Cycle) -> None:
    client = client_for(logins.supervisor)
    posts = html_of(
        client, reverse("powers:power_posts_field") + f"?cycle={cycle.pk}&department={org.finance.pk}"
    )
    assert (
        'id="posts-field"' in posts and "出纳（核算科）" in posts and "教学秘书" not in posts
    )  # sub-departments too
    row = html_of(client, reverse("powers:power_basis_row") + "?bases-TOTAL_FORMS=3")
    assert 'name="bases-3-document"' in row
    assert 'name="bases-TOTAL_FORMS" value="4"' in row and 'hx-swap-oob="true"' in row


def test_power_page_shows_bases_flow_diagram_history_and_changes(
    org: TwoUnits, logins: Logins, academic_power: Power, flow: Flowchart
) -> None:
    html = html_of(client_for(logins.liaison), reverse("powers:power_detail", args=[academic_power.pk]))
    assert "《中华人民共和国行政许可法》 第三十二条" in html
    assert "教学秘书（教务处）" in html
    assert "<svg" in html and 'class="flowchart"' in html and "受理" in html
    assert "本年度新增的职权" in html and "尚无审批记录" in html


def test_review_buttons_follow_the_role(
    org: TwoUnits, logins: Logins, academic_power: Power, finance_power: Power
) -> None:
    submit = 'name="action" value="submit"'
    head_page = html_of(client_for(logins.dept_head), reverse("powers:power_detail", args=[finance_power.pk]))
    assert submit in head_page and "提交审核" in head_page
    liaison_page = html_of(
        client_for(logins.liaison), reverse("powers:power_detail", args=[academic_power.pk])
    )
    assert submit not in liaison_page and 'name="action"' not in liaison_page
    assert "修改" in liaison_page  # the liaison may still edit the draft
    response = client_for(logins.dept_head).post(
        reverse("powers:power_review", args=[finance_power.pk]), {"action": "submit", "comment": ""}
    )
    # The finance power has no flow yet: the service says what is missing.
    assert response.status_code == 400 and "未关联权力运行流程图" in response.content.decode()


def test_return_needs_a_reason(org: TwoUnits, logins: Logins, academic_power: Power) -> None:
    review(SYSTEM, academic_power, ReviewAction.SUBMIT)
    review(SYSTEM, academic_power, ReviewAction.CHECK)
    review(SYSTEM, academic_power, ReviewAction.VERIFY)
    client = client_for(logins.supervisor)
    url = reverse("powers:power_detail", args=[academic_power.pk])
    page = html_of(client, url)
    assert 'value="approve"' in page and 'value="return"' in page and 'value="submit"' not in page
    review_url = reverse("powers:power_review", args=[academic_power.pk])
    refused = client.post(review_url, {"action": "return", "comment": "  "})
    assert refused.status_code == 400
    assert "退回时必须写明理由（责令重新查找、评估的原因）" in refused.content.decode()
    assert Power.objects.get(pk=academic_power.pk).status == ApprovalStatus.VERIFIED
    done = client.post(review_url, {"action": "return", "comment": "依据不全"})
    assert done.status_code == 302
    assert Power.objects.get(pk=academic_power.pk).status == ApprovalStatus.RETURNED
    history = html_of(client, url)
    assert "依据不全" in history and "待领导班子审定 → 已退回" in history


def test_compare_page_lists_added_changed_and_retired(
    org: TwoUnits, logins: Logins, cycle: Cycle, academic_power: Power, finance_power: Power
) -> None:
    from lianfang.cycles.services import open_next_cycle
    from lianfang.powers.services import PowerData, update_power

    nxt = open_next_cycle(SYSTEM, cycle)
    moved = Power.objects.get(cycle=nxt, code="JW-001")
    update_power(
        SYSTEM,
        moved,
        PowerData(
            code="JW-001",
            name="学籍异动审核",
            content="具体内容",
            department=org.academic,
            bases=[("《中华人民共和国行政许可法》", "第三十二条")],
        ),
    )
    Power.objects.filter(cycle=nxt, code="CW-001").delete()  # gone this year (bypassing the services)
    make_power(nxt, org.academic, "JW-100", name="转专业审批")
    html = html_of(client_for(logins.supervisor), reverse("powers:catalog_compare") + f"?cycle={nxt.pk}")
    added = html[html.index('id="added"') : html.index('id="changed"')]
    changed = html[html.index('id="changed"') : html.index('id="retired"')]
    retired = html[html.index('id="retired"') :]
    assert "转专业审批" in added
    assert "学籍异动审批" in changed and "学籍异动审核" in changed and "职权名称" in changed
    assert "经费报销审核" in retired


# --- cycles ---------------------------------------------------------------------------------------


def test_supervisor_starts_opens_and_closes_cycles(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.supervisor)
    page = html_of(client, reverse("powers:cycle_list"))
    assert "开启第一个年度周期" in page
    bad = client.post(reverse("powers:cycle_create"), {"unit": org.college.pk, "year": "1999"})
    assert bad.status_code == 400 and "确保该值大于或等于2000" in bad.content.decode()
    assert (
        client.post(reverse("powers:cycle_create"), {"unit": org.college.pk, "year": "2025"}).status_code
        == 302
    )
    first = Cycle.objects.get(unit=org.college, year=2025)
    page = html_of(client, reverse("powers:cycle_list"))
    assert "开启第一个年度周期" not in page and "开启下一年度" in page
    assert client.post(reverse("powers:cycle_open_next", args=[first.pk])).status_code == 302
    assert Cycle.objects.get(unit=org.college, year=2026).previous == first
    assert client.post(reverse("powers:cycle_close", args=[first.pk])).status_code == 302
    assert Cycle.objects.get(pk=first.pk).status == CycleStatus.CLOSED
    again = client.post(reverse("powers:cycle_open_next", args=[first.pk]), follow=True)
    assert "2026年度周期已经开启" in again.content.decode()
    # A department head sees the cycles but no buttons, and cannot press them.
    head = client_for(logins.dept_head)
    head_page = html_of(head, reverse("powers:cycle_list"))
    assert "2026年度" in head_page and "开启下一年度" not in head_page and "结束</button>" not in head_page
    assert head.post(reverse("powers:cycle_close", args=[first.pk])).status_code == 403
