"""The catalog, cycle and flowchart pages: scope, forms through the services, review buttons, the editor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.accounts.models import Role
from lianfang.cycles.models import Cycle, CycleStatus
from lianfang.powers import selectors
from lianfang.powers.models import ApprovalStatus, Flowchart, Power, ReviewAction
from lianfang.powers.services import review
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_cycle, make_flow, make_power, user_with_role

from .conftest import Logins, client_for

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "lianfang" / "powers" / "templates"


def html_of(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def main_of(html: str) -> str:
    """The page's content, without the header and navigation (which name the user's unit)."""
    return html[html.index('<main id="main"') :]


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    return make_cycle(org.college, 2026)


@pytest.fixture
def flow(cycle: Cycle, org: TwoUnits) -> Flowchart:
    return make_flow(cycle, org.academic, "F1", post=org.teacher)


@pytest.fixture
def academic_power(cycle: Cycle, org: TwoUnits, flow: Flowchart) -> Power:
    return make_power(cycle, org.academic, "JW-001", name="学籍异动审批", flow=flow, posts=[org.teacher])


@pytest.fixture
def finance_power(cycle: Cycle, org: TwoUnits) -> Power:
    return make_power(cycle, org.finance, "CW-001", name="经费报销审核", category="internal")


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
    client = client_for(logins.supervisor)
    url = reverse("powers:power_detail", args=[academic_power.pk])
    page = html_of(client, url)
    assert 'value="approve"' in page and 'value="return"' in page and 'value="submit"' not in page
    review_url = reverse("powers:power_review", args=[academic_power.pk])
    refused = client.post(review_url, {"action": "return", "comment": "  "})
    assert refused.status_code == 400
    assert "退回时必须写明理由（责令重新查找、评估的原因）" in refused.content.decode()
    assert Power.objects.get(pk=academic_power.pk).status == ApprovalStatus.CHECKED
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


# --- flows ------------------------------------------------------------------------------------------


def test_flow_pages_show_diagram_steps_analysis_and_pdf(
    org: TwoUnits, logins: Logins, flow: Flowchart
) -> None:
    client = client_for(logins.liaison)
    listing = html_of(client, reverse("powers:flow_list"))
    assert "流程F1" in listing
    html = html_of(client, reverse("powers:flow_detail", args=[flow.pk]))
    assert 'class="flowchart"' in html and "20个工作日" in html and "教学秘书（教务处）" in html
    assert "补正" in html and "编辑流程图" in html
    pdf = client.get(reverse("powers:flow_pdf", args=[flow.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_flow_analysis_findings_are_listed_and_drawn_on_request(
    org: TwoUnits, logins: Logins, cycle: Cycle
) -> None:
    from lianfang.powers.flowspec import FlowSpec, StepSpec
    from lianfang.powers.services import FlowData, create_flow

    spec = FlowSpec(code="F9", name="审批", steps=(StepSpec("S1", "受理", "accept", is_start=True),))
    bare = create_flow(SYSTEM, cycle, FlowData(code="F9", name="无时限流程", department=org.academic), spec)
    client = client_for(logins.liaison)
    html = html_of(client, reverse("powers:flow_detail", args=[bare.pk]))
    assert "未定办理时限" in html and "环节“受理”未规定办理时限" in html and "业务流程" in html
    plain = html_of(client, reverse("powers:flow_diagram", args=[bare.pk]))
    marked = html_of(client, reverse("powers:flow_diagram", args=[bare.pk]) + "?markers=1")
    assert "未定办理时限" not in plain and "未定办理时限" in marked


def test_creating_a_flow_leads_into_the_editor(org: TwoUnits, logins: Logins, cycle: Cycle) -> None:
    client = client_for(logins.liaison)
    url = reverse("powers:flow_create") + f"?cycle={cycle.pk}"
    assert 'value="LC001"' in html_of(client, url)
    bad = client.post(
        url,
        {
            "code": "LC001",
            "name": "排课",
            "department": org.academic.pk,
            "statutory_limit": "5",
            "statutory_unit": "working",
            "promised_limit": "9",
            "promised_unit": "working",
        },
    )
    assert bad.status_code == 400 and "承诺时限不能超过法定时限" in bad.content.decode()
    ok = client.post(
        url,
        {
            "code": "LC001",
            "name": "排课",
            "department": org.academic.pk,
            "statutory_limit": "10",
            "statutory_unit": "working",
            "promised_limit": "5",
            "promised_unit": "working",
        },
    )
    created = Flowchart.objects.get(cycle=cycle, code="LC001")
    assert ok.status_code == 302 and ok["Location"] == reverse("powers:flow_editor", args=[created.pk])
    assert "还没有环节" in html_of(client, ok["Location"])


# --- the editor -------------------------------------------------------------------------------------


def step_post(step: str, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {
        "step": step,
        "code": step,
        "name": "",
        "kind": "other",
        "post": "",
        "handler": "",
        "time_limit": "",
        "limit_unit": "working",
        "supervision": "",
        "basis": "",
        "conditions": "",
        "materials": "",
        "applicant_rights": "",
    }
    data.update(fields)
    return data


def test_editor_adds_renames_links_and_deletes_steps(org: TwoUnits, logins: Logins, cycle: Cycle) -> None:
    from lianfang.powers.services import FlowData, create_flow

    flow = create_flow(SYSTEM, cycle, FlowData(code="LC1", name="排课", department=org.academic))
    client = client_for(logins.liaison)
    htmx = {"HTTP_HX_REQUEST": "true"}

    def op(name: str, data: dict[str, object] | None = None) -> str:
        response = client.post(reverse("powers:flow_editor_op", args=[flow.pk, name]), data or {}, **htmx)
        assert response.status_code == 200, response.content.decode()
        return response.content.decode()

    def diagram() -> str:
        return html_of(client, reverse("powers:flow_diagram", args=[flow.pk]))

    part = op("add-step")
    assert 'id="editor-main"' in part and "<html" not in part and "autofocus" in part
    op("add-step")
    op("add-step", {"after": "S1"})  # inserted between S1 and S2
    spec = selectors.flow_spec(flow)
    assert [s.code for s in spec.steps] == ["S1", "S3", "S2"]
    assert [(t.source, t.target) for t in spec.transitions] == [("S1", "S3"), ("S3", "S2")]
    assert spec.steps[0].is_start and not spec.steps[1].is_start

    response = client.post(
        reverse("powers:flow_editor_op", args=[flow.pk, "save-step"]),
        step_post(
            "S1",
            code="SL",
            name="受理排课申请",
            kind="accept",
            post=org.teacher.pk,
            time_limit="2",
            supervision="教务处长",
            is_start="on",
        ),
        **htmx,
    )
    assert response.status_code == 200 and response["HX-Trigger"] == "flow-changed"
    saved = response.content.decode()
    assert 'id="step-card-0"' in saved and "已保存" in saved and 'hx-swap-oob="true"' in saved
    assert "受理排课申请" in diagram()
    spec = selectors.flow_spec(flow)
    assert spec.steps[0].code == "SL" and spec.steps[0].post_id == org.teacher.pk
    assert spec.steps[0].handler == "教学秘书"  # the post's name fills in for the diagram…
    assert flow.steps.get(code="SL").handler == ""  # …but is not written into the step
    assert ("SL", "S3") in [(t.source, t.target) for t in spec.transitions]

    bad = client.post(
        reverse("powers:flow_editor_op", args=[flow.pk, "save-step"]),
        step_post("S3", code="SL", name="审核"),
        **htmx,
    )
    assert "环节编号“SL”已被其他环节使用" in bad.content.decode() and not bad.has_header("HX-Trigger")
    empty = client.post(
        reverse("powers:flow_editor_op", args=[flow.pk, "save-step"]), step_post("S3"), **htmx
    )
    assert "这个字段是必填项。" in empty.content.decode()

    op("add-link", {"source": "S2", "target": "SL", "label": "材料不全"})
    assert ("S2", "SL", "材料不全") in [
        (t.source, t.target, t.label) for t in selectors.flow_spec(flow).transitions
    ]
    assert "材料不全" in diagram()
    op("add-separation", {"first": "SL", "second": "S2", "note": "受理与决定分离"})
    assert len(selectors.flow_spec(flow).separations) == 1
    op("move-step", {"step": "S2", "direction": "up"})
    assert [s.code for s in selectors.flow_spec(flow).steps] == ["SL", "S2", "S3"]

    part = op("remove-step", {"step": "S2"})
    spec = selectors.flow_spec(flow)
    assert [s.code for s in spec.steps] == ["SL", "S3"] and spec.separations == ()
    assert "受理排课申请" in part
    assert [(t.source, t.target) for t in spec.transitions] == [("SL", "S3")]
    op("remove-link", {"source": "SL", "target": "S3", "label": ""})
    assert selectors.flow_spec(flow).transitions == ()

    limits = op(
        "limits",
        {
            "statutory_limit": "10",
            "statutory_unit": "working",
            "promised_limit": "20",
            "promised_unit": "working",
        },
    )
    assert "承诺时限不能超过法定时限" in limits and 'id="editor-limits"' in limits
    op(
        "limits",
        {
            "statutory_limit": "20",
            "statutory_unit": "working",
            "promised_limit": "10",
            "promised_unit": "working",
        },
    )
    flow.refresh_from_db()
    assert (flow.statutory_limit, flow.promised_limit) == (20, 10)

    disc = op(
        "discretion",
        {
            "disc-TOTAL_FORMS": "1",
            "disc-INITIAL_FORMS": "0",
            "disc-0-violation": "逾期",
            "disc-0-min_amount": "500",
            "disc-0-max_amount": "100",
        },
    )
    assert "裁量基准第1行的下限大于上限" in disc
    op(
        "discretion",
        {
            "disc-TOTAL_FORMS": "1",
            "disc-INITIAL_FORMS": "0",
            "disc-0-violation": "逾期",
            "disc-0-min_amount": "100",
            "disc-0-max_amount": "500",
        },
    )
    assert [d.violation for d in selectors.flow_spec(flow).discretion] == ["逾期"]


def test_editor_without_javascript_redirects_back_with_a_message(
    org: TwoUnits, logins: Logins, flow: Flowchart
) -> None:
    client = client_for(logins.liaison)
    response = client.post(reverse("powers:flow_editor_op", args=[flow.pk, "add-step"]), {"after": "S3"})
    assert response.status_code == 302 and response["Location"] == reverse(
        "powers:flow_editor", args=[flow.pk]
    )
    assert [s.code for s in selectors.flow_spec(flow).steps] == ["S1", "S2", "S3", "S4"]
    refused = client.post(
        reverse("powers:flow_editor_op", args=[flow.pk, "save-step"]),
        step_post("S4", code="S1", name="x"),
        follow=True,
    )
    assert "环节编号“S1”已被其他环节使用" in refused.content.decode()


def test_editor_is_closed_once_the_flow_is_submitted(org: TwoUnits, logins: Logins, flow: Flowchart) -> None:
    review(SYSTEM, flow, ReviewAction.SUBMIT)
    client = client_for(logins.liaison)
    response = client.get(reverse("powers:flow_editor", args=[flow.pk]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "powers:flow_detail", args=[flow.pk]
    )
    late = client.post(reverse("powers:flow_editor_op", args=[flow.pk, "add-step"]), HTTP_HX_REQUEST="true")
    assert "不能修改" in late.content.decode() and len(selectors.flow_spec(flow).steps) == 3


# --- CSP ----------------------------------------------------------------------------------------------


def test_templates_have_no_inline_scripts_or_styles() -> None:
    files = list(TEMPLATES.rglob("*.html"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, (path.name, tag)
        assert not re.search(r"<script\b[^>]*>\s*(?!</script>)\S", text), (
            path.name
        )  # no code between the tags
        assert " style=" not in text and "<style" not in text, path.name
        assert not re.search(r"\son[a-z]+=", text), path.name  # no inline event handlers


def test_editor_page_loads_its_script_and_styles_from_static(
    org: TwoUnits, logins: Logins, flow: Flowchart
) -> None:
    client = client_for(logins.liaison)
    html = html_of(client, reverse("powers:flow_editor", args=[flow.pk]))
    assert '<script src="/static/powers/editor.js" defer></script>' in html
    assert '<link rel="stylesheet" href="/static/powers/powers.css">' in html
    assert 'hx-trigger="flow-changed from:body"' in html
    # After a change the diagram and the analysis come back in one response (the analysis out of band).
    preview = html_of(client, reverse("powers:flow_preview", args=[flow.pk]) + "?markers=1")
    assert preview.startswith("<svg")
    assert 'id="flow-analysis" aria-live="polite" hx-swap-oob="true"' in preview
    for url in ("/static/powers/editor.js", "/static/powers/powers.css"):
        response = client.get(url)
        assert response.status_code == 200
        response.close()
