"""Pages of electronic supervision: the board's figures on crafted cases, the case page with its path on the
flowchart, the alert list and appeal queue with their buttons, and 404 out of scope."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from lianfang.accounts.models import User
from lianfang.powers.selectors import flow_spec
from lianfang.supervision import board as board_module
from lianfang.supervision.models import AlertLevel, AlertState, AppealState, CaseStatus, Event
from lianfang.supervision.render_case import case_path, mark_walked, walked
from lianfang.supervision.services import alerts as services
from tests.conftest import TwoUnits, actor_of
from tests.factories import SYSTEM
from tests.supervision.test_alerts import T0, World, build_world, make_case
from tests.ui.pages import html_of, main_of

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def w(org: TwoUnits, settings: Any) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world(org)


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def completed(w: World, external_id: str, done: dt.datetime, promised: dt.date | None, **extra: Any) -> Any:
    return make_case(
        w.org,
        w.power,
        w.flow,
        external_id,
        status=CaseStatus.COMPLETED,
        completed_at=done,
        promised_due=promised,
        **extra,
    )


# --- the board -------------------------------------------------------------------------------------------


def test_on_time_rate_on_crafted_cases(w: World) -> None:
    due = dt.date(2026, 3, 16)
    completed(w, "ON1", dt.datetime(2026, 3, 16, 23, 30, tzinfo=TZ), due)  # the last evening, local time
    completed(w, "LATE", dt.datetime(2026, 3, 17, 8, 0, tzinfo=TZ), due)
    completed(w, "STAT", dt.datetime(2026, 3, 20, 9, 0, tzinfo=TZ), None, statutory_due=dt.date(2026, 3, 30))
    completed(w, "NODUE", dt.datetime(2026, 3, 20, 9, 0, tzinfo=TZ), None)
    completed(w, "ACAD", dt.datetime(2026, 3, 1, 9, 0, tzinfo=TZ), due, department=w.org.academic)
    found = board_module.build(actor_of(w.users["supervisor"]))
    assert (found.totals.open, found.totals.completed, found.totals.on_time) == (1, 5, 3)
    assert found.totals.rate == "60.0%"
    office = {r.name: r for r in found.departments}
    assert (office["核算科"].completed, office["核算科"].on_time, office["核算科"].rate) == (4, 2, "50.0%")
    assert office["教务处"].rate == "100.0%"
    # A department head sees only under their department; the filter narrows to a department's subtree.
    head = board_module.build(actor_of(w.users["academic_head"]))
    assert (head.totals.completed, head.totals.open, [r.name for r in head.departments]) == (1, 0, ["教务处"])
    narrowed = board_module.build(actor_of(w.users["supervisor"]), department=w.org.finance)
    assert narrowed.totals.completed == 4


def test_rate_is_a_dash_without_completed_cases(w: World) -> None:
    found = board_module.build(actor_of(w.users["supervisor"]))
    assert found.totals.rate == "—" and found.departments[0].rate == "—"


def test_cards_by_state_and_level_and_nearest_limits(w: World) -> None:
    services.issue(SYSTEM, w.alert(AlertLevel.RED))
    w.alert(AlertLevel.YELLOW)
    soon = make_case(w.org, w.power, w.flow, "SOON", promised_due=dt.date(2026, 3, 3))
    later = make_case(w.org, w.power, w.flow, "LATER", promised_due=dt.date(2026, 4, 3))
    found = board_module.build(actor_of(w.users["supervisor"]))
    assert dict((v, n) for v, _l, n in found.by_state) == {
        "pending": 1,
        "issued": 1,
        "withdrawn": 0,
        "escalated": 0,
    }
    assert dict((v, n) for v, _l, n in found.by_level)["red"] == 1
    assert [n.case.pk for n in found.nearest] == [soon.pk, later.pk, w.case.pk]  # no limit: last
    power_row = found.powers[0]
    assert power_row.level_cells == [0, 0, 1, 1] and power_row.state_cells == [1, 1, 0, 0]


def test_board_page(w: World) -> None:
    completed(w, "ON1", dt.datetime(2026, 3, 2, 10, 0, tzinfo=TZ), dt.date(2026, 3, 16))
    html = main_of(html_of(client_of(w.users["supervisor"]), "/supervision/"))
    assert "电子监察看板" in html and "按时办结率" in html
    assert 'data-stat="rate">100.0%<' in html
    assert f'href="/supervision/cases/{w.case.pk}/"' in html  # the open case, among the nearest
    partial = client_of(w.users["supervisor"]).get(
        f"/supervision/?department={w.org.academic.pk}",
        headers={"HX-Request": "true", "HX-Target": "board-results"},
    )
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_board_needs_a_supervision_role(w: World, org: TwoUnits) -> None:
    from lianfang.accounts.models import Role
    from tests.factories import user_with_role

    client = client_of(user_with_role(Role.SYSADMIN, org.college))
    assert client.get("/supervision/").status_code == 403
    assert client.get("/supervision/alerts/").status_code == 403


# --- the case page ---------------------------------------------------------------------------------------


def _events(w: World) -> None:
    for i, (code, hours) in enumerate([("S1", 0), ("S2", 5), ("S3", 30)]):
        Event.objects.create(
            case=w.case,
            key=f"e{i}",
            activity=code,
            step=w.steps[code],
            timestamp=T0 + dt.timedelta(hours=hours),
            person=w.holder.person if code == "S1" else None,
            amount=1200 if code == "S3" else None,
        )
    Event.objects.create(case=w.case, key="x", activity="ZZ", timestamp=T0 + dt.timedelta(hours=1))


def test_case_path_is_pure_and_ordered(w: World) -> None:
    spec = flow_spec(w.flow)
    visits = case_path(
        spec, [("S2", T0 + dt.timedelta(hours=2)), ("S1", T0), ("ZZ", T0 + dt.timedelta(hours=1))]
    )
    assert [(v.number, v.code, v.known) for v in visits] == [
        (1, "S1", True),
        (2, "ZZ", False),
        (3, "S2", True),
    ]
    assert walked(visits) == {("S1", "S2")}
    svg = '<g id="flow-F1-t0" class="transition"></g><g id="flow-F1-t1" class="transition"></g>'
    assert mark_walked(svg, spec, {("S1", "S2")}) == (
        '<g id="flow-F1-t0" class="transition walked"></g><g id="flow-F1-t1" class="transition"></g>'
    )


def test_case_page_draws_the_path(w: World) -> None:
    _events(w)
    services.issue(SYSTEM, w.alert(AlertLevel.RED))
    html = main_of(html_of(client_of(w.users["office_head"]), f"/supervision/cases/{w.case.pk}/"))
    assert 'class="flowchart case-path"' in html
    drawn = html[html.index('id="case-path"') :]
    # The steps gone through are highlighted, each with its numbered visit beside it.
    assert len(re.findall(r'<g id="[^"]+" class="step highlight" data-step="S[123]"', drawn)) == 3
    assert "①" in drawn and "③" in drawn and "④" in drawn  # ② is the unknown activity, not on the chart
    # The walked transitions S1 → S2 → S3 are marked; the way back (补正) is not.
    assert drawn.count('class="transition walked"') == 2
    assert "红牌：超过承诺时限（黄牌）" in drawn  # the card beside its step
    # The timeline: events in time order, the unknown activity flagged, person and amount shown.
    timeline = html[html.index('id="timeline"') :]
    order = [timeline.index(x) for x in ("受理", "ZZ", "审核", "决定")]
    assert order == sorted(order)
    assert w.holder.person.name in timeline and "1200" in timeline and "未知环节" in timeline  # type: ignore[union-attr]
    assert "style=" not in html  # CSP: no inline styles


def test_case_page_is_404_out_of_scope(w: World) -> None:
    assert client_of(w.users["academic_head"]).get(f"/supervision/cases/{w.case.pk}/").status_code == 404
    assert client_of(w.users["other_supervisor"]).get(f"/supervision/cases/{w.case.pk}/").status_code == 404
    assert client_of(w.users["supervisor"]).get("/supervision/cases/999999/").status_code == 404


# --- alerts and appeals ----------------------------------------------------------------------------------


def test_alert_list_filters_and_office_buttons(w: World) -> None:
    pending = w.alert(AlertLevel.YELLOW)
    red = services.issue(SYSTEM, w.alert(AlertLevel.RED))
    office = main_of(html_of(client_of(w.users["supervisor"]), "/supervision/alerts/?state=pending"))
    assert f'data-alert="{pending.pk}"' in office and f'data-alert="{red.pk}"' not in office
    assert f"/supervision/alerts/{pending.pk}/issue/" in office
    head = main_of(html_of(client_of(w.users["office_head"]), "/supervision/alerts/?level=red"))
    assert f'data-alert="{red.pk}"' in head and "/issue/" not in head and "/withdraw/" not in head
    assert "没有符合条件的告警" in main_of(
        html_of(client_of(w.users["academic_head"]), "/supervision/alerts/")
    )


def test_issue_and_withdraw_from_the_list(w: World) -> None:
    alert = w.alert(AlertLevel.YELLOW)
    office = client_of(w.users["supervisor"])
    response = office.post(f"/supervision/alerts/{alert.pk}/issue/", {"next": "/supervision/alerts/"})
    assert response.status_code == 302 and response["Location"] == "/supervision/alerts/"
    alert.refresh_from_db()
    assert alert.state == AlertState.ISSUED
    refused = office.post(f"/supervision/alerts/{alert.pk}/withdraw/", {"note": ""}, follow=True)
    assert "撤销告警须说明理由" in refused.content.decode()
    office.post(f"/supervision/alerts/{alert.pk}/withdraw/", {"note": "误报"})
    alert.refresh_from_db()
    assert alert.state == AlertState.WITHDRAWN
    assert client_of(w.users["office_head"]).post(f"/supervision/alerts/{alert.pk}/issue/").status_code == 403
    assert (
        client_of(w.users["academic_head"]).post(f"/supervision/alerts/{alert.pk}/issue/").status_code == 404
    )
    assert office.post(f"/supervision/alerts/{alert.pk}/explode/").status_code == 404
    assert office.get(f"/supervision/alerts/{alert.pk}/issue/").status_code == 405


def test_appeal_from_the_alert_page_and_decide_in_the_queue(w: World) -> None:
    card = services.issue(SYSTEM, w.alert(AlertLevel.YELLOW))
    head = client_of(w.users["office_head"])
    page = main_of(html_of(head, f"/supervision/alerts/{card.pk}/"))
    for part in ("C1", "受理", "报销审核", "核算科", "出纳", "违规审批报销"):
        assert part in page
    assert 'id="appeal"' in page and 'id="decide"' not in page
    head.post(f"/supervision/alerts/{card.pk}/appeal/", {"reason": "已在时限内办结"})
    card.refresh_from_db()
    assert card.appeal_state == AppealState.APPEALED
    queue = main_of(html_of(client_of(w.users["supervisor"]), "/supervision/appeals/"))
    assert "已在时限内办结" in queue and f"/supervision/alerts/{card.pk}/decide/" in queue
    assert "/decide/" not in main_of(html_of(head, "/supervision/appeals/"))
    client_of(w.users["supervisor"]).post(
        f"/supervision/alerts/{card.pk}/decide/", {"decision": "rejected", "note": "系统记录无误"}
    )
    card.refresh_from_db()
    assert (card.state, card.appeal_state) == (AlertState.ISSUED, AppealState.REJECTED)
    decided = main_of(html_of(client_of(w.users["supervisor"]), "/supervision/appeals/"))
    assert "没有待处理的申诉" in decided and "系统记录无误" in decided


def test_alert_page_is_404_out_of_scope(w: World) -> None:
    alert = w.alert()
    for who in ("academic_head", "other_supervisor", "post_holder"):
        assert client_of(w.users[who]).get(f"/supervision/alerts/{alert.pk}/").status_code == 404
