"""Cards and alerts: every transition with the right and the wrong role and scope, appeals and decisions,
who is notified per level, idempotent issuing, and the API."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from lianfang.accounts.models import Role, User
from lianfang.audit.models import AuditEntry
from lianfang.core.actor import Actor
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.org import services as org_services
from lianfang.org.models import LeadershipKind
from lianfang.powers.models import Flowchart, FlowStep, Power
from lianfang.review.models import Notification
from lianfang.risks.models import RiskPoint
from lianfang.supervision.models import Alert, AlertLevel, AlertState, AppealState, Case, Rule
from lianfang.supervision.services import alerts as services
from tests.conftest import TwoUnits, actor_of
from tests.factories import (
    SYSTEM,
    UserFactory,
    leader_user,
    make_cycle,
    make_flow,
    make_power,
    user_with_role,
)
from tests.risk_factories import make_risk, post_risk_data

DAY = dt.date(2024, 1, 1)
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
_n = itertools.count(1)


@dataclass
class World:
    org: TwoUnits
    flow: Flowchart
    power: Power
    case: Case
    steps: dict[str, FlowStep]
    risk: RiskPoint
    holder: User  # holds the cashier post
    users: dict[str, User]

    def actor(self, name: str) -> Actor:
        return actor_of(self.users[name])

    def alert(self, level: str = AlertLevel.YELLOW, **extra: Any) -> Alert:
        n = next(_n)
        return make_alert(self, level, fingerprint=f"f{n}", **extra)


def make_alert(w: World, level: str, *, case: Case | None = None, **extra: Any) -> Alert:
    case = case or w.case
    dept = extra.pop("department", w.org.finance_office)
    data: dict[str, Any] = {
        "unit": case.unit,
        "case": case,
        "rule": Rule.PROMISED_EXCEEDED,
        "level": level,
        "power": case.power,
        "step_code": "S1",
        "step": w.steps["S1"],
        "department": dept,
        "path": dept.path if dept else case.unit.path,
        "post": w.org.cashier,
        "person": w.holder.person,
        "risk": w.risk,
        "detail": "超过承诺时限2个工作日",
        **extra,
    }
    return Alert.objects.create(**data)


def person_user(w_org: TwoUnits, department: Any = None) -> User:
    n = next(_n)
    person = org_services.create_person(
        SYSTEM, unit=w_org.college, department=department, name=f"人员{n}", staff_no=f"A{n:04d}"
    )
    user: User = UserFactory(person=person)  # type: ignore[assignment]
    return user


def make_case(org: TwoUnits, power: Power, flow: Flowchart, external_id: str = "C1", **extra: Any) -> Case:
    dept = extra.pop("department", org.finance_office)
    return Case.objects.create(
        unit=org.college,
        power=power,
        flow=flow,
        department=dept,
        path=dept.path if dept else org.college.path,
        external_id=external_id,
        title=extra.pop("title", "报销审核"),
        accepted_at=extra.pop("accepted_at", T0),
        **extra,
    )


def build_world(org: TwoUnits) -> World:
    cycle = make_cycle(org.college)
    flow = make_flow(cycle, org.finance_office, post=org.cashier)
    power = make_power(cycle, org.finance_office, flow=flow, name="报销审核")
    steps = {s.code: s for s in FlowStep.objects.filter(flow=flow)}
    risk = make_risk(cycle, post_risk_data(org.cashier, name="违规审批报销", step=steps["S1"], power=power))
    case = make_case(org, power, flow)
    holder = person_user(org, org.finance_office)
    org_services.assign_post(SYSTEM, person=holder.person, post=org.cashier, start_date=DAY)
    deputy = leader_user(org.college, LeadershipKind.DEPUTY, [org.finance], start=DAY)
    other_deputy = leader_user(org.college, LeadershipKind.DEPUTY, [org.academic], start=DAY)
    users = {
        "supervisor": user_with_role(Role.SUPERVISOR, org.college),
        "other_supervisor": user_with_role(Role.SUPERVISOR, org.other),
        "finance_head": user_with_role(Role.DEPT_HEAD, org.finance),
        "office_head": user_with_role(Role.DEPT_HEAD, org.finance_office),
        "academic_head": user_with_role(Role.DEPT_HEAD, org.academic),
        "leader": user_with_role(Role.UNIT_LEADER, org.college),
        "liaison": user_with_role(Role.LIAISON, org.finance),
        "post_holder": user_with_role(Role.POST_HOLDER, org.finance),
        "deputy": deputy,
        "other_deputy": other_deputy,
    }
    return World(org, flow, power, case, steps, risk, holder, users)


@pytest.fixture
def w(org: TwoUnits, settings: Any) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # a dozen logins: fast
    return build_world(org)


def recipients_of(alert: Alert) -> set[int]:
    return set(
        Notification.objects.filter(key__startswith=f"alert:{alert.pk}:").values_list(
            "recipient_id", flat=True
        )
    )


# --- the role × scope matrix ------------------------------------------------------------------------------

# (who, operation) → "ok" | "denied" (403: sees it, may not) | "missing" (404: out of sight)
MATRIX: dict[str, dict[str, str]] = {
    "supervisor": {"issue": "ok", "withdraw": "ok", "escalate": "ok", "appeal": "denied", "decide": "ok"},
    "other_supervisor": {
        "issue": "missing",
        "withdraw": "missing",
        "escalate": "missing",
        "appeal": "missing",
        "decide": "missing",
    },
    "finance_head": {
        "issue": "denied",
        "withdraw": "denied",
        "escalate": "denied",
        "appeal": "ok",
        "decide": "denied",
    },
    "office_head": {
        "issue": "denied",
        "withdraw": "denied",
        "escalate": "denied",
        "appeal": "ok",
        "decide": "denied",
    },
    "academic_head": {
        "issue": "missing",
        "withdraw": "missing",
        "escalate": "missing",
        "appeal": "missing",
        "decide": "missing",
    },
    "leader": {
        "issue": "denied",
        "withdraw": "denied",
        "escalate": "denied",
        "appeal": "denied",
        "decide": "denied",
    },
    "liaison": {
        "issue": "denied",
        "withdraw": "denied",
        "escalate": "denied",
        "appeal": "denied",
        "decide": "denied",
    },
    "post_holder": {
        "issue": "missing",
        "withdraw": "missing",
        "escalate": "missing",
        "appeal": "missing",
        "decide": "missing",
    },
}


def _prepare(w: World, operation: str) -> Alert:
    """An alert in the state the operation starts from."""
    alert = w.alert(AlertLevel.YELLOW)
    if operation == "issue":
        return alert
    alert = services.issue(SYSTEM, alert)
    if operation == "decide":
        alert = services.appeal(w.actor("office_head"), alert, "已在承诺时限内办结，系统时间有误")
    return alert


def _run(actor: Actor, operation: str, alert: Alert) -> Alert:
    if operation == "issue":
        return services.issue(actor, alert)
    if operation == "withdraw":
        return services.withdraw(actor, alert, "误报")
    if operation == "escalate":
        return services.escalate(actor, alert, "限三日内整改")
    if operation == "appeal":
        return services.appeal(actor, alert, "材料齐全，已按时办结")
    return services.decide_appeal(actor, alert, AppealState.REJECTED, "系统时间无误")


@pytest.mark.parametrize(
    ("who", "operation"), [(who, op) for who, ops in MATRIX.items() for op in ops], ids=lambda v: str(v)
)
def test_role_scope_matrix(w: World, who: str, operation: str) -> None:
    alert = _prepare(w, operation)
    before = Alert.objects.get(pk=alert.pk)
    expected = MATRIX[who][operation]
    if expected == "ok":
        _run(w.actor(who), operation, alert)
        assert Alert.objects.get(pk=alert.pk).state != before.state or operation in ("appeal", "decide")
        return
    error = PermissionDeniedError if expected == "denied" else NotFoundError
    with pytest.raises(error) as caught:
        _run(w.actor(who), operation, alert)
    assert caught.type is error
    after = Alert.objects.get(pk=alert.pk)
    assert (after.state, after.appeal_state) == (before.state, before.appeal_state)


# --- transitions -----------------------------------------------------------------------------------------


def test_issue_sets_time_and_is_audited(w: World) -> None:
    alert = w.alert()
    seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    issued = services.issue(w.actor("supervisor"), alert)
    assert issued.state == AlertState.ISSUED and issued.issued_at is not None
    entry = AuditEntry.objects.filter(seq__gt=seq, object_type="supervision.alert").get()
    assert entry.scope_path == alert.path and '"issued"' in entry.after


def test_issue_twice_sends_nothing_twice(w: World) -> None:
    alert = w.alert(AlertLevel.RED)
    services.issue(w.actor("supervisor"), alert)
    count = Notification.objects.count()
    first = Alert.objects.get(pk=alert.pk).issued_at
    services.issue(w.actor("supervisor"), alert)
    assert Notification.objects.count() == count
    assert Alert.objects.get(pk=alert.pk).issued_at == first


def test_withdraw_and_escalate_need_reasons(w: World) -> None:
    alert = services.issue(SYSTEM, w.alert())
    for run in (services.withdraw, services.escalate):
        with pytest.raises(ServiceError) as caught:
            run(w.actor("supervisor"), alert, "  \u3000 ")
        assert "note" in caught.value.field_errors
    done = services.escalate(w.actor("supervisor"), alert, "限期整改")
    assert done.state == AlertState.ESCALATED and done.decision_note == "限期整改"
    with pytest.raises(ServiceError, match="只有已发出的告警可以督办"):
        services.escalate(w.actor("supervisor"), done, "再次督办")
    gone = services.withdraw(w.actor("supervisor"), done, "核实为误报")
    assert gone.state == AlertState.WITHDRAWN
    with pytest.raises(ServiceError, match="已撤销"):
        services.withdraw(w.actor("supervisor"), gone, "再撤")
    with pytest.raises(ServiceError, match="不能发出"):
        services.issue(w.actor("supervisor"), gone)


def test_pending_alert_may_be_withdrawn_before_issue(w: World) -> None:
    alert = w.alert()
    assert services.withdraw(w.actor("supervisor"), alert, "规则参数有误").state == AlertState.WITHDRAWN
    assert not recipients_of(alert)


# --- appeals ---------------------------------------------------------------------------------------------


def test_appeal_needs_reason_and_an_issued_card(w: World) -> None:
    head = w.actor("office_head")
    pending = w.alert()
    with pytest.raises(ServiceError, match="只有已发出的红黄牌可以申诉"):
        services.appeal(head, pending, "理由")
    notice = services.issue(SYSTEM, w.alert(AlertLevel.WARNING))
    with pytest.raises(ServiceError, match="只有黄牌、红牌可以申诉"):
        services.appeal(head, notice, "理由")
    card = services.issue(SYSTEM, w.alert())
    with pytest.raises(ServiceError) as caught:
        services.appeal(head, card, "   ")
    assert caught.value.field_errors == {"reason": ["申诉须写明理由"]}
    appealed = services.appeal(head, card, "已按时办结")
    assert appealed.appeal_state == AppealState.APPEALED and appealed.appeal_reason == "已按时办结"
    assert appealed.appealed_by and appealed.appealed_at
    with pytest.raises(ServiceError, match="已申诉过"):
        services.appeal(head, appealed, "再申诉")
    # An open appeal holds the office's own buttons until it is decided.
    with pytest.raises(ServiceError, match="申诉尚未处理"):
        services.withdraw(w.actor("supervisor"), appealed, "撤销")
    # The office hears of it.
    office = {w.users["supervisor"].pk}
    assert (
        set(
            Notification.objects.filter(key=f"alert:{card.pk}:appealed").values_list(
                "recipient_id", flat=True
            )
        )
        == office
    )


@pytest.mark.parametrize(
    ("decision", "state"),
    [
        (AppealState.UPHELD, AlertState.WITHDRAWN),
        (AppealState.REJECTED, AlertState.ISSUED),
        (AppealState.REPORTED, AlertState.ESCALATED),
    ],
)
def test_decisions(w: World, decision: str, state: str) -> None:
    card = services.issue(SYSTEM, w.alert(AlertLevel.RED))
    services.appeal(w.actor("finance_head"), card, "情况特殊，经批准延期")
    decided = services.decide_appeal(w.actor("supervisor"), card, decision, "经核实")
    assert (decided.state, decided.appeal_state) == (state, decision)
    assert decided.decided_by and decided.decided_at and decided.decision_note == "经核实"
    with pytest.raises(ServiceError, match="没有待处理的申诉"):
        services.decide_appeal(w.actor("supervisor"), decided, decision, "再次")


def test_rejecting_or_reporting_needs_reasons_upholding_not(w: World) -> None:
    card = services.issue(SYSTEM, w.alert())
    services.appeal(w.actor("office_head"), card, "理由")
    for decision in (AppealState.REJECTED, AppealState.REPORTED):
        with pytest.raises(ServiceError) as caught:
            services.decide_appeal(w.actor("supervisor"), card, decision, "")
        assert caught.value.field_errors == {"note": ["驳回或上报须写明理由"]}
    with pytest.raises(ServiceError) as caught:
        services.decide_appeal(w.actor("supervisor"), card, "maybe", "")
    assert "decision" in caught.value.field_errors
    assert (
        services.decide_appeal(w.actor("supervisor"), card, AppealState.UPHELD).state == AlertState.WITHDRAWN
    )


# --- who is told -----------------------------------------------------------------------------------------


def test_yellow_card_tells_the_department_heads_only(w: World) -> None:
    alert = services.issue(w.actor("supervisor"), w.alert(AlertLevel.YELLOW))
    heads = {w.users["finance_head"].pk, w.users["office_head"].pk}  # the department and the one above it
    assert recipients_of(alert) == heads
    n = Notification.objects.filter(key=f"alert:{alert.pk}:issued").first()
    assert n is not None and "黄牌" in n.text and n.link == f"/supervision/alerts/{alert.pk}/"


def test_red_card_tells_heads_deputy_and_office(w: World) -> None:
    alert = services.issue(w.actor("supervisor"), w.alert(AlertLevel.RED))
    expected = {
        w.users["finance_head"].pk,
        w.users["office_head"].pk,
        w.users["deputy"].pk,  # oversees 财务处, the department above 核算科
        w.users["supervisor"].pk,
    }
    assert recipients_of(alert) == expected  # not the other deputy, other unit's office, academic head


def test_notice_and_warning_tell_the_post_holders(w: World) -> None:
    warning = services.issue(SYSTEM, w.alert(AlertLevel.WARNING))
    assert recipients_of(warning) == {w.holder.pk}
    no_post = services.issue(SYSTEM, w.alert(AlertLevel.NOTICE, post=None))
    assert recipients_of(no_post) == set()


def test_ended_deputy_is_not_told(w: World) -> None:
    role = w.users["deputy"].person.leadership_roles.get()  # type: ignore[union-attr]
    org_services.end_leadership(SYSTEM, role, DAY)
    alert = services.issue(SYSTEM, w.alert(AlertLevel.RED))
    assert w.users["deputy"].pk not in recipients_of(alert)


def test_cards_are_emailed_when_smtp_is_configured(
    w: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    w.users["finance_head"].email = "head@example.org"
    w.users["finance_head"].save()
    with django_capture_on_commit_callbacks(execute=True):
        services.issue(SYSTEM, w.alert(AlertLevel.YELLOW))
    assert [m.to for m in mail.outbox] == [["head@example.org"]]
    assert "黄牌" in mail.outbox[0].body


def test_issue_pending_issues_a_units_pending_alerts(w: World) -> None:
    a, b = w.alert(), w.alert(AlertLevel.RED)
    done = w.alert()
    services.withdraw(SYSTEM, done, "误报")
    assert services.issue_pending(w.actor("supervisor"), w.org.college) == 2
    states = dict(Alert.objects.filter(pk__in=[a.pk, b.pk, done.pk]).values_list("pk", "state"))
    assert states == {a.pk: AlertState.ISSUED, b.pk: AlertState.ISSUED, done.pk: AlertState.WITHDRAWN}
    with pytest.raises(PermissionDeniedError):
        services.issue_pending(w.actor("finance_head"), w.org.college)


# --- what an alert names ---------------------------------------------------------------------------------


def test_alert_names_case_step_power_department_post_person_risk(w: World) -> None:
    alert = Alert.objects.select_related("case", "power", "step", "department", "post", "person", "risk").get(
        pk=w.alert().pk
    )
    text = services.describe(alert)
    for part in ("黄牌", "C1", "受理", "报销审核", "核算科", "出纳", w.holder.person.name, "违规审批报销"):  # type: ignore[union-attr]
        assert part in text


# --- the API ---------------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_api_alert_flow(w: World) -> None:
    alert = w.alert(AlertLevel.RED)
    office, head = _client(w.users["supervisor"]), _client(w.users["office_head"])
    listed = office.get("/api/supervision/alerts", {"state": "pending"}).json()
    assert [a["id"] for a in listed["items"]] == [alert.pk]
    one = listed["items"][0]
    assert (one["case_external_id"], one["step_name"], one["post_name"], one["risk_name"]) == (
        "C1",
        "受理",
        "出纳",
        "违规审批报销",
    )
    assert one["actions"] == ["issue", "withdraw"]
    assert office.post(f"/api/supervision/alerts/{alert.pk}/issue").json()["state"] == "issued"
    refused = head.post(
        f"/api/supervision/alerts/{alert.pk}/appeal", {"reason": ""}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["errors"] == {"reason": ["申诉须写明理由"]}
    ok = head.post(
        f"/api/supervision/alerts/{alert.pk}/appeal", {"reason": "已按时"}, content_type="application/json"
    )
    assert ok.json()["appeal_state"] == "appealed"
    assert (
        head.post(
            f"/api/supervision/alerts/{alert.pk}/decide",
            {"decision": "upheld"},
            content_type="application/json",
        ).status_code
        == 403
    )
    decided = office.post(
        f"/api/supervision/alerts/{alert.pk}/decide",
        {"decision": "reported", "note": "情节严重"},
        content_type="application/json",
    )
    assert decided.json()["state"] == "escalated"
    outsider = _client(w.users["academic_head"])
    assert outsider.get(f"/api/supervision/alerts/{alert.pk}").status_code == 404
    assert outsider.get("/api/supervision/alerts").json()["count"] == 0


def test_api_board(w: World) -> None:
    services.issue(SYSTEM, w.alert(AlertLevel.RED))
    body = _client(w.users["supervisor"]).get("/api/supervision/board").json()
    assert body["totals"]["open"] == 1 and body["totals"]["on_time_rate"] == "—"
    assert body["totals"]["cards"] == {"issued": 1, "red": 1}
    assert [r["name"] for r in body["departments"]] == ["核算科"]
    assert body["nearest"][0]["external_id"] == "C1"
