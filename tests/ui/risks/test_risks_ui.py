"""The risk register pages: scope, the filtered register, the risk form through the services, post holders on
their own post only, grading with the live preview and the downgrade guard, measures and their evidence."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lianfang.accounts.models import Role
from lianfang.cycles.models import Cycle
from lianfang.powers.models import Flowchart, Power
from lianfang.risks.models import Assessment, RiskPoint
from lianfang.risks.services import RiskData, assess
from tests.conftest import TwoUnits
from tests.factories import SYSTEM, make_flow, user_with_role
from tests.risk_factories import dept_risk_data, make_risk, post_risk_data
from tests.ui.conftest import Logins, client_for
from tests.ui.pages import html_of, main_of

from .conftest import cashier_holder, risk_post, table_of

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "lianfang" / "risks" / "templates"
HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


# --- navigation, scope -------------------------------------------------------------------------------


def test_navigation_links_the_register_and_measures_for_who_may_see_them(
    org: TwoUnits, logins: Logins
) -> None:
    nav = html_of(client_for(logins.liaison), reverse("core:home"))
    assert f'href="{reverse("risks:register")}"' in nav and f'href="{reverse("risks:measures")}"' in nav
    admin = html_of(client_for(logins.sysadmin), reverse("core:home"))
    assert f'href="{reverse("risks:register")}"' not in admin  # 系统管理员 has no risk rights
    assert re.search(r'is-disabled"[^>]*><span class="side-nav__label">风险点', admin)
    measures = html_of(client_for(logins.liaison), reverse("risks:measures"))
    assert f'is-active" href="{reverse("risks:measures")}"' in measures
    assert f'is-active" href="{reverse("risks:register")}"' not in measures
    register = html_of(client_for(logins.liaison), reverse("risks:register"))
    assert f'is-active" href="{reverse("risks:register")}"' in register
    assert reverse("risks:risk_dashboard:dashboard") == "/risks/dashboard/"
    assert client_for(logins.sysadmin).get(reverse("risks:register")).status_code == 403
    assert client_for(logins.sysadmin).get(reverse("risks:measures")).status_code == 403


def test_register_shows_the_risks_in_each_roles_scope(
    org: TwoUnits, logins: Logins, cashier_risk: RiskPoint, academic_risk: RiskPoint
) -> None:
    seen = {
        "supervisor": {"违规审批报销", "考试成绩违规更改"},
        "unit_leader": {"违规审批报销", "考试成绩违规更改"},
        "dept_head": {"违规审批报销"},
        "liaison": {"考试成绩违规更改"},
        "post_holder": {"违规审批报销"},
    }
    for role, names in seen.items():
        html = main_of(html_of(client_for(getattr(logins, role)), reverse("risks:register")))
        assert {n for n in ("违规审批报销", "考试成绩违规更改") if n in html} == names, role
    page = html_of(client_for(logins.dept_head), reverse("risks:register"))
    assert "2026年度" in page and "登记风险点" in page
    assert "登记风险点" not in html_of(client_for(logins.unit_leader), reverse("risks:register"))


def test_out_of_scope_is_404(
    org: TwoUnits, logins: Logins, cycle: Cycle, cashier_risk: RiskPoint, academic_risk: RiskPoint
) -> None:
    measure = cashier_risk.measures.get()
    outsider = client_for(user_with_role(Role.SUPERVISOR, org.other, "other-jiwei"))
    for url in (
        reverse("risks:detail", args=[cashier_risk.pk]),
        reverse("risks:edit", args=[cashier_risk.pk]),
        reverse("risks:register") + f"?cycle={cycle.pk}",
        reverse("risks:measures") + f"?cycle={cycle.pk}",
        reverse("risks:create") + f"?cycle={cycle.pk}",
        reverse("risks:measure_edit", args=[measure.pk]),
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.get(reverse("review:sheet_of_risk", args=[cashier_risk.pk])).status_code == 404
    for url in (
        reverse("risks:grade_preview", args=[cashier_risk.pk]),
        reverse("risks:measure_remove", args=[measure.pk]),
    ):
        assert outsider.post(url).status_code == 404, url
    head = client_for(logins.dept_head)
    assert head.get(reverse("risks:detail", args=[academic_risk.pk])).status_code == 404
    # The unit leader reads every risk point but writes none.
    leader = client_for(logins.unit_leader)
    page = html_of(leader, reverse("risks:detail", args=[cashier_risk.pk]))
    assert "违规审批报销" in page and reverse("risks:edit", args=[cashier_risk.pk]) not in page
    assert leader.get(reverse("risks:edit", args=[cashier_risk.pk])).status_code == 403


# --- the register list ----------------------------------------------------------------------------------


def test_filters_and_chinese_search_narrow_the_table(
    org: TwoUnits, logins: Logins, cycle: Cycle, cashier_risk: RiskPoint, academic_risk: RiskPoint
) -> None:
    unit_data = RiskData(
        subject_kind="unit",
        name="重大事项决策不民主",
        manifestations=["一把手说了算"],
        risk_type="institution",
    )
    make_risk(cycle, unit_data)
    assess(SYSTEM, cashier_risk, {"probability": "high", "harm": "minor"})
    assess(SYSTEM, academic_risk, {"probability": "low", "harm": "minor"})
    client = client_for(logins.supervisor)
    url = reverse("risks:register") + f"?cycle={cycle.pk}"
    names = ("违规审批报销", "考试成绩违规更改", "重大事项决策不民主")

    def found(query: str, htmx: bool = False) -> set[str]:
        headers = {**HTMX, "HTTP_HX_TARGET": "register-results"} if htmx else {}
        response = client.get(url + query, **headers)
        assert response.status_code == 200
        table = table_of(response.content.decode())
        return {n for n in names if n in table}

    assert found("") == set(names)
    assert found("&level=high") == {"违规审批报销"}
    assert found("&level=low") == {"考试成绩违规更改"}
    assert found("&risk_type=institution") == {"重大事项决策不民主"}
    assert found("&subject_kind=department") == {"考试成绩违规更改"}
    assert found(f"&department={org.finance.pk}") == {"违规审批报销"}  # 核算科 is below 财务处
    assert found(f"&post={org.cashier.pk}") == {"违规审批报销"}
    assert found("&measure_status=planned") == {"违规审批报销"}
    assert found("&status=submitted") == set()
    assert found("&q=台帐") == {"违规审批报销"}  # a word of its measure
    assert found("&q=学生成绩") == {"考试成绩违规更改"}  # words of a manifestation
    assert found("&q=一把手 决策") == {"重大事项决策不民主"}
    assert found("&q=报销 成绩") == set()
    assert found("&level=nonsense") == set(names)  # ignored
    fragment = client.get(url + "&level=high", **HTMX, HTTP_HX_TARGET="register-results")
    text = fragment.content.decode()
    assert "<html" not in text and "共 1 个风险点" in text
    assert '<span class="level level--high">高</span>' in text
    page = html_of(client, url)
    assert 'hx-get="/risks/"' in page and 'hx-target="#register-results"' in page
    assert '<span class="level level--low">低</span>' in page


def test_register_reads_each_page_in_constant_queries(org: TwoUnits, logins: Logins, cycle: Cycle) -> None:
    client = client_for(logins.supervisor)
    url = reverse("risks:register") + f"?cycle={cycle.pk}"
    make_risk(cycle, post_risk_data(org.cashier, name="风险点00"), measure=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, **HTMX, HTTP_HX_TARGET="register-results")
            assert response.status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for n in range(1, 55):
        data = post_risk_data(org.cashier, name=f"风险点{n:02d}") if n % 2 else dept_risk_data(org.academic)
        make_risk(cycle, data, measure=n % 3 == 0)
    assert queries() == few
    html = client.get(url).content.decode()
    assert "共 55 个风险点" in html and "第 1 / 2 页" in html
    assert html.count('class="num no-measure">0</td>') == 50 - 17  # 16 of n=1…49 with n%3==0, and R-0001
    with CaptureQueriesContext(connection) as ctx:
        client.get(url + "&q=风险点", **HTMX, HTTP_HX_TARGET="register-results")
    risk_queries = [q["sql"] for q in ctx.captured_queries if 'FROM "risks_riskpoint"' in q["sql"]]
    assert len(risk_queries) == 2  # the page and its count


# --- the risk form ---------------------------------------------------------------------------------------


def test_department_head_creates_a_risk_and_errors_come_back_in_chinese(
    org: TwoUnits, logins: Logins, cycle: Cycle, power: Power, flow: Flowchart
) -> None:
    client = client_for(logins.dept_head)
    url = reverse("risks:create") + f"?cycle={cycle.pk}"
    form = main_of(html_of(client, url))
    assert "核算科" in form and "教务处" not in form  # only where the head may put a risk point
    assert "出纳（核算科）" in form and "CW-001 经费报销审核" in form
    bad = client.post(url, risk_post(name="", department=org.finance.pk))
    assert bad.status_code == 400 and "这个字段是必填项。" in bad.content.decode()
    bad = client.post(url, risk_post(subject_kind="post", department=org.finance_office.pk))
    assert bad.status_code == 400 and "个人岗位风险点必须选择岗位" in bad.content.decode()
    other_flow = make_flow(cycle, org.finance, "F2")
    wrong_step = other_flow.steps.get(code="S2")
    bad = client.post(url, risk_post(department=org.finance.pk, power=power.pk, step=wrong_step.pk))
    assert bad.status_code == 400 and "选择一个有效的选项" in bad.content.decode()
    assert RiskPoint.objects.count() == 0
    step = flow.steps.get(code="S2")
    good = client.post(
        url,
        risk_post(
            subject_kind="post",
            department=org.finance_office.pk,
            post=org.cashier.pk,
            power=power.pk,
            step=step.pk,
            three_important="on",
        ),
    )
    assert good.status_code == 302
    risk = RiskPoint.objects.get()
    assert good["Location"] == reverse("risks:detail", args=[risk.pk])
    assert (risk.code, risk.subject_kind, risk.post, risk.department) == (
        "R-0001",
        "post",
        org.cashier,
        org.finance_office,
    )
    assert (risk.power, risk.step, risk.three_important) == (power, step, True)
    assert risk.causes == ["system_gap", "self_discipline"] and risk.found_by == "colleagues"
    assert [m.text for m in risk.manifestations.all()] == ["对不合规票据予以报销", "拆分报销规避审批"]
    page = html_of(client, good["Location"])
    assert "风险点“报销审核把关不严”已登记。" in page
    assert "制度缺陷及漏洞、个人自律；报销制度更新不及时" in page
    assert f'href="{reverse("powers:flow_detail", args=[flow.pk])}"' in page and "S2 审核" in page
    # A department the head has no rights over is not a choice.
    refused = client.post(url, risk_post(department=org.academic.pk, name="别处的"))
    assert refused.status_code == 400 and not RiskPoint.objects.filter(name="别处的").exists()


def test_editing_a_risk_goes_through_the_service(
    org: TwoUnits, logins: Logins, cashier_risk: RiskPoint
) -> None:
    client = client_for(logins.dept_head)
    url = reverse("risks:edit", args=[cashier_risk.pk])
    page = html_of(client, url)
    assert (
        'value="违规审批报销"' in page and "票据审核不严" in page and 'name="m-TOTAL_FORMS" value="3"' in page
    )
    response = client.post(
        url,
        risk_post(
            subject_kind="post",
            department=org.finance_office.pk,
            post=org.cashier.pk,
            name="违规审批报销（修订）",
            code="R-0001",
            **{"m-TOTAL_FORMS": "1", "m-0-text": "只保留一种表现"},
        ),
    )
    assert response.status_code == 302
    cashier_risk.refresh_from_db()
    assert cashier_risk.name == "违规审批报销（修订）"
    assert [m.text for m in cashier_risk.manifestations.all()] == ["只保留一种表现"]
    RiskPoint.objects.filter(pk=cashier_risk.pk).update(status="submitted")
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"] == reverse(
        "risks:detail", args=[cashier_risk.pk]
    )
    assert "不能修改" in html_of(client, refused["Location"])


def test_post_holder_is_offered_only_their_own_post(org: TwoUnits, cycle: Cycle) -> None:
    user, other_post = cashier_holder(org)
    theirs = make_risk(cycle, post_risk_data(other_post, name="会计岗位的风险"))
    client = client_for(user)
    url = reverse("risks:create") + f"?cycle={cycle.pk}"
    form = main_of(html_of(client, url))
    assert "出纳（核算科）" in form and "会计（核算科）" not in form
    assert 'value="department"' not in form and 'value="unit"' not in form  # only 个人岗位
    assert f'<option value="{org.cashier.pk}" selected>' in form  # their only post, chosen for them
    refused = client.post(
        url, risk_post(subject_kind="post", department=org.finance_office.pk, post=other_post.pk)
    )
    assert refused.status_code == 400 and "选择一个有效的选项" in refused.content.decode()
    refused = client.post(url, risk_post(subject_kind="department", department=org.finance_office.pk))
    assert refused.status_code == 400
    assert RiskPoint.objects.filter(name="报销审核把关不严").count() == 0
    ok = client.post(
        url, risk_post(subject_kind="post", department=org.finance_office.pk, post=org.cashier.pk)
    )
    assert ok.status_code == 302 and RiskPoint.objects.get(name="报销审核把关不严").post == org.cashier
    # Someone else's post: readable in scope, but no edit button and no edit.
    page = html_of(client, reverse("risks:detail", args=[theirs.pk]))
    assert reverse("risks:edit", args=[theirs.pk]) not in page and "添加防控措施" not in page
    assert client.get(reverse("risks:edit", args=[theirs.pk])).status_code == 403
    posts = html_of(client, reverse("risks:post_field") + f"?cycle={cycle.pk}&department={org.finance.pk}")
    assert "出纳（核算科）" in posts and "会计" not in posts


def test_form_helpers_redraw_posts_steps_and_add_rows(
    org: TwoUnits, logins: Logins, cycle: Cycle, power: Power
) -> None:
    client = client_for(logins.supervisor)
    posts = html_of(client, reverse("risks:post_field") + f"?cycle={cycle.pk}&department={org.finance.pk}")
    assert 'id="post-field"' in posts and "出纳（核算科）" in posts and "教学秘书" not in posts
    steps = html_of(client, reverse("risks:step_field") + f"?cycle={cycle.pk}&power={power.pk}")
    assert 'id="step-field"' in steps and ">S1 受理<" in steps and ">S3 决定<" in steps
    none = html_of(client, reverse("risks:step_field") + f"?cycle={cycle.pk}")
    assert "S1 受理" not in none and "先选择有流程图的所涉职权，再选择其中的环节" in none
    row = html_of(client, reverse("risks:manifestation_row") + "?m-TOTAL_FORMS=3")
    assert (
        'name="m-3-text"' in row and 'name="m-TOTAL_FORMS" value="4"' in row and 'hx-swap-oob="true"' in row
    )


# --- submission, grading ----------------------------------------------------------------------------------


def test_grading_preview_derives_the_level_and_saving_records_it(
    org: TwoUnits, logins: Logins, cashier_risk: RiskPoint
) -> None:
    client = client_for(logins.dept_head)
    detail = html_of(client, reverse("risks:detail", args=[cashier_risk.pk]))
    assert 'name="grade-factor_probability"' in detail and 'name="grade-factor_power_importance"' in detail
    assert f'hx-post="{reverse("risks:grade_preview", args=[cashier_risk.pk])}"' in detail
    assert "选择发生机率、危害程度后，这里显示得出的等级。" in detail
    preview_url = reverse("risks:grade_preview", args=[cashier_risk.pk])
    half = client.post(preview_url, {"grade-factor_probability": "fairly_high"}, **HTMX).content.decode()
    assert "选择危害程度后" in half and "data-level" not in half
    medium = client.post(
        preview_url, {"grade-factor_probability": "fairly_high", "grade-factor_harm": "minor"}, **HTMX
    ).content.decode()
    assert 'data-level="medium"' in medium and "<html" not in medium
    high = client.post(
        preview_url,
        {"grade-factor_probability": "low", "grade-factor_harm": "minor", "grade-factor_discretion": "large"},
        **HTMX,
    ).content.decode()
    assert 'data-level="high"' in high and "自由裁量权大小：大" in high and "降级理由" not in high
    bad = client.post(preview_url, {"grade-factor_probability": "x", "grade-factor_harm": "minor"}, **HTMX)
    assert "“发生机率”的取值“x”无效" in bad.content.decode()
    saved = client.post(
        reverse("risks:assess", args=[cashier_risk.pk]),
        {"grade-factor_probability": "high", "grade-factor_harm": "serious", "grade-factor_discretion": ""},
    )
    assert saved.status_code == 302 and saved["Location"].endswith("#grading")
    cashier_risk.refresh_from_db()
    assert cashier_risk.level == "high"
    a = Assessment.objects.get(risk=cashier_risk)
    assert a.factors == {"probability": "high", "harm": "serious"} and a.matrix is not None
    page = html_of(client, reverse("risks:detail", args=[cashier_risk.pk]))
    assert "发生机率：高" in page and "危害程度：较严重（可能违反党纪政纪、受到处分）" in page
    # Grading again starts from the last factors, and shows the level they give.
    grade_form = page[page.index('id="grade-form"') : page.index('id="residual-form"')]
    assert re.search(
        r'name="grade-factor_probability"[^>]*>.*?<option value="high" selected>', grade_form, re.S
    )
    assert 'data-level="high"' in grade_form
    # Residual, after measures: kept beside the level.
    client.post(
        reverse("risks:assess", args=[cashier_risk.pk]),
        {"residual": "1", "residual-factor_probability": "low", "residual-factor_harm": "minor"},
    )
    cashier_risk.refresh_from_db()
    assert (cashier_risk.level, cashier_risk.residual_level) == ("high", "low")


def test_lowering_a_high_level_needs_a_reason_and_the_leaderships_approval(
    org: TwoUnits, logins: Logins, cashier_risk: RiskPoint
) -> None:
    assess(SYSTEM, cashier_risk, {"probability": "high", "harm": "minor"})
    client = client_for(logins.dept_head)
    low = {"grade-factor_probability": "low", "grade-factor_harm": "minor"}
    preview = client.post(reverse("risks:grade_preview", args=[cashier_risk.pk]), low, **HTMX)
    text = preview.content.decode()
    assert (
        'data-level="low"' in text
        and "上次评定为高，本次为低" in text
        and 'name="grade-justification"' in text
    )
    refused = client.post(reverse("risks:assess", args=[cashier_risk.pk]), low)
    assert refused.status_code == 400
    assert "上次评定为高风险，降低等级必须写明理由" in refused.content.decode()
    asked = client.post(
        reverse("risks:assess", args=[cashier_risk.pk]), {**low, "grade-justification": "已实行双人复核"}
    )
    assert asked.status_code == 302
    pending = Assessment.objects.get(risk=cashier_risk, status="pending")
    cashier_risk.refresh_from_db()
    assert cashier_risk.level == "high"
    assert 'name="decision"' not in html_of(client, reverse("risks:detail", args=[cashier_risk.pk]))
    supervisor = client_for(logins.supervisor)
    page = html_of(supervisor, reverse("risks:detail", args=[cashier_risk.pk]))
    assert 'value="approve"' in page and "已实行双人复核" in page
    decide = reverse("risks:assessment_decide", args=[pending.pk])
    no_note = supervisor.post(decide, {"decision": "reject", "note": ""})
    assert no_note.status_code == 400 and "不批准时请写明意见" in no_note.content.decode()
    assert supervisor.post(decide, {"decision": "approve", "note": "同意"}).status_code == 302
    cashier_risk.refresh_from_db()
    assert cashier_risk.level == "low"
    assert Assessment.objects.get(pk=pending.pk).status == "effective"
