"""Pages and API of the review progress: board, phases form, the comment widget (htmx), notifications."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from lianfang.accounts.models import Role, User
from lianfang.cycles.models import Cycle
from lianfang.review.models import Comment, CyclePhase, Notification, NotificationKind, SheetStage
from lianfang.risks.models import RiskPoint
from tests.conftest import TwoUnits
from tests.factories import make_cycle, make_flow, make_power, user_with_role
from tests.review.test_phases_board import make_sheet, with_phases
from tests.risk_factories import make_risk, post_risk_data
from tests.ui.pages import html_of, main_of

JSON = "application/json"
HTMX = {"HX-Request": "true"}


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    return make_cycle(org.college)


@pytest.fixture
def risk(org: TwoUnits, cycle: Cycle) -> RiskPoint:
    return make_risk(cycle, post_risk_data(org.cashier), measure=True)


def test_board_page_and_filters(org: TwoUnits, cycle: Cycle) -> None:
    with_phases(cycle)
    make_sheet(cycle, org.cashier, SheetStage.RETURNED)
    client = login(user_with_role(Role.SUPERVISOR, org.college))
    page = main_of(html_of(client, f"/review/board/?cycle={cycle.pk}"))
    assert "出纳" in page and "教学秘书" in page and "已退回" in page and "未开始" in page
    partial = client.get(
        f"/review/board/?cycle={cycle.pk}&stage=returned", headers={"HX-Target": "board-results", **HTMX}
    )
    text = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in text and "出纳" in text and "教学秘书" not in text
    # A department head sees only 财务处; someone without risk view gets 403; another unit's cycle 404.
    head_page = main_of(
        html_of(login(user_with_role(Role.DEPT_HEAD, org.finance)), f"/review/board/?cycle={cycle.pk}")
    )
    assert "出纳" in head_page and "教学秘书" not in head_page
    assert login(user_with_role(Role.AUDITADMIN, org.city)).get("/review/board/").status_code == 403
    other = make_cycle(org.other)
    assert client.get(f"/review/board/?cycle={other.pk}").status_code == 404


def test_phases_form(org: TwoUnits, cycle: Cycle) -> None:
    supervisor = login(user_with_role(Role.SUPERVISOR, org.college))
    url = f"/review/phases/?cycle={cycle.pk}"
    assert "设置工作阶段" in html_of(supervisor, url)
    bad = supervisor.post(url, {"mobilise_starts_on": "2026-03-10", "mobilise_ends_on": "2026-03-01"})
    assert bad.status_code == 400 and "截止日期不能早于开始日期" in bad.content.decode()
    ok = supervisor.post(
        url,
        {
            "mobilise_starts_on": "2026-03-01",
            "mobilise_ends_on": "2026-03-31",
            "investigate_starts_on": "2026-04-01",
            "investigate_ends_on": "2026-05-31",
            "investigate_note": "报送排查表",
        },
    )
    assert ok.status_code == 302
    assert list(CyclePhase.objects.filter(cycle=cycle).values_list("phase", flat=True)) == [
        "mobilise",
        "investigate",
    ]
    page = html_of(supervisor, url)
    assert "tl-width-" in page and "2026-05-31" in page
    # A department head sees the timeline, not the form, and may not post it.
    head = login(user_with_role(Role.DEPT_HEAD, org.finance))
    assert "设置工作阶段" not in html_of(head, url)
    assert (
        head.post(url, {"mobilise_starts_on": "2026-03-01", "mobilise_ends_on": "2026-03-02"}).status_code
        == 403
    )


def test_comment_widget_on_risk_page_and_htmx_post(org: TwoUnits, risk: RiskPoint) -> None:
    client = login(user_with_role(Role.DEPT_HEAD, org.finance))
    page = html_of(client, f"/risks/{risk.pk}/")
    assert f'id="comments-risk-{risk.pk}"' in page and 'name="csrfmiddlewaretoken"' in page
    assert f"/review/comments/measure/{risk.measures.get().pk}/" in page  # the lazy widget of the measure
    url = f"/review/comments/risk/{risk.pk}/add/"
    posted = client.post(url, {"body": "请补充表现形式"}, headers=HTMX)
    text = posted.content.decode()
    assert posted.status_code == 200 and "<html" not in text and "请补充表现形式" in text
    root = Comment.objects.get()
    empty = client.post(url, {"body": " ", "parent": root.pk}, headers=HTMX)
    assert empty.status_code == 200 and "请填写评论内容" in empty.content.decode()
    resolved = client.post(f"/review/comments/{root.pk}/resolve/", headers=HTMX)
    assert "已解决" in resolved.content.decode()
    root.refresh_from_db()
    assert root.resolved_at is not None
    # Without htmx: a redirect to the thread's own page.
    assert client.post(f"/review/comments/{root.pk}/reopen/").status_code == 302
    assert "请补充表现形式" in html_of(client, f"/review/comments/risk/{risk.pk}/")
    outsider = login(user_with_role(Role.DEPT_HEAD, org.academic))
    assert outsider.get(f"/review/comments/risk/{risk.pk}/").status_code == 404
    assert outsider.post(url, {"body": "x"}).status_code == 404


def test_widgets_on_power_and_flow_pages(org: TwoUnits, cycle: Cycle) -> None:
    flow = make_flow(cycle, org.finance)
    power = make_power(cycle, org.finance, flow=flow)
    client = login(user_with_role(Role.DEPT_HEAD, org.finance))
    assert f'id="comments-power-{power.pk}"' in html_of(client, f"/powers/{power.pk}/")
    flow_page = html_of(client, f"/powers/flows/{flow.pk}/")
    assert f'id="comments-flow-{flow.pk}"' in flow_page
    assert f"/review/comments/step/{flow.steps.first().pk}/" in flow_page


def test_notifications_page(org: TwoUnits) -> None:
    user = user_with_role(Role.DEPT_HEAD, org.finance)
    note = Notification.objects.create(
        recipient=user, kind=NotificationKind.OVERDUE, text="已逾期：出纳", key="k1"
    )
    client = login(user)
    assert "已逾期：出纳" in html_of(client, "/review/notifications/")
    assert client.post("/review/notifications/read/", {"id": note.pk}).status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    stranger = login(user_with_role(Role.DEPT_HEAD, org.academic))
    assert stranger.post("/review/notifications/read/", {"id": note.pk}).status_code == 404


def test_api(org: TwoUnits, cycle: Cycle, risk: RiskPoint) -> None:
    supervisor = login(user_with_role(Role.SUPERVISOR, org.college))
    body = {
        "phases": [
            {"phase": "investigate", "starts_on": "2026-04-01", "ends_on": "2026-05-31"},
            {"phase": "assess", "starts_on": "2026-06-01", "ends_on": "2026-06-30", "note": "评定等级"},
        ]
    }
    put = supervisor.put(f"/api/review/cycles/{cycle.pk}/phases", json.dumps(body), content_type=JSON)
    assert put.status_code == 200 and [p["phase"] for p in put.json()] == ["investigate", "assess"]
    bad = supervisor.put(
        f"/api/review/cycles/{cycle.pk}/phases",
        json.dumps({"phases": [{"phase": "assess", "starts_on": "2026-06-02", "ends_on": "2026-06-01"}]}),
        content_type=JSON,
    )
    assert bad.status_code == 400 and "assess" in bad.json()["errors"]
    head = login(user_with_role(Role.DEPT_HEAD, org.finance))
    assert (
        head.put(f"/api/review/cycles/{cycle.pk}/phases", json.dumps(body), content_type=JSON).status_code
        == 403
    )
    assert len(head.get(f"/api/review/cycles/{cycle.pk}/phases").json()) == 2

    board = head.get(f"/api/review/board?cycle_id={cycle.pk}").json()
    assert board["unit"] is None and [d["department"]["name"] for d in board["departments"]] == [
        "财务处",
        "核算科",
    ]
    assert board["totals"]["subjects"] == 1 and board["departments"][0]["rollup"]["risks"] == 1

    made = head.post(
        "/api/review/comments",
        json.dumps({"target_kind": "risk", "target_id": risk.pk, "body": "意见"}),
        content_type=JSON,
    )
    assert made.status_code == 201
    cid = made.json()["id"]
    listed = head.get(f"/api/review/comments?target_kind=risk&target_id={risk.pk}").json()
    assert listed["threads"][0]["root"]["body"] == "意见"
    assert head.post(f"/api/review/comments/{cid}/resolve").json()["resolved_at"] is not None
    assert head.post(f"/api/review/comments/{cid}/reopen").json()["resolved_at"] is None
    outsider = login(user_with_role(Role.DEPT_HEAD, org.academic))
    assert outsider.get(f"/api/review/comments?target_kind=risk&target_id={risk.pk}").status_code == 404
    assert outsider.post(f"/api/review/comments/{cid}/resolve").status_code == 404

    Notification.objects.create(
        recipient_id=head_user_id(head), kind=NotificationKind.COMMENT, text="新评论", key="k"
    )
    assert head.get("/api/review/notifications/unread-count").json() == {"unread": 1}
    assert head.post("/api/review/notifications/read", json.dumps({}), content_type=JSON).json() == {
        "unread": 0
    }


def head_user_id(client: Client) -> int:
    return int(client.session["_auth_user_id"])


def test_cli(org: TwoUnits, cycle: Cycle) -> None:
    with_phases(cycle)
    make_sheet(cycle, org.cashier, SheetStage.DEPT_REVIEW)
    out = StringIO()
    call_command("review", "phases", "--cycle", str(cycle.pk), stdout=out)
    assert "宣传动员" in out.getvalue() and "2026-12-15" in out.getvalue()
    out = StringIO()
    call_command("review", "board", "--cycle", str(cycle.pk), "--today", "2026-06-01", stdout=out)
    text = out.getvalue()
    assert "出纳" in text and "待部门负责人审核" in text and "逾期" in text
    out = StringIO()
    call_command("review", "remind", "--today", "2026-06-01", stdout=out)
    assert "已逾期" in out.getvalue()
