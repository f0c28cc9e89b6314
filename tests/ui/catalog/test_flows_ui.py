"""The flowchart pages and the editor: diagram, steps, analysis, PDF, and every editing action."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from lianfang.cycles.models import Cycle
from lianfang.powers import selectors
from lianfang.powers.models import Flowchart, ReviewAction
from lianfang.powers.services import review
from tests.conftest import TwoUnits
from tests.factories import SYSTEM
from tests.ui.conftest import Logins, client_for
from tests.ui.pages import html_of

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "lianfang" / "powers" / "templates"


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
