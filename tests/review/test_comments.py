"""Comments: threading, who may resolve, scope (404), audit, notifications to the thread's participants."""

from __future__ import annotations

import pytest

from lianfang.accounts.models import Role
from lianfang.audit.models import AuditEntry
from lianfang.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from lianfang.cycles.models import Cycle
from lianfang.review import comments_selectors as sel
from lianfang.review.models import Comment, CommentTarget, Notification, NotificationKind
from lianfang.review.services.comments import add_comment, reopen_thread, resolve_thread
from lianfang.risks.models import RiskPoint
from tests.conftest import TwoUnits, actor_of
from tests.factories import make_cycle, make_flow, make_power, user_with_role
from tests.review.test_phases_board import holder_of, make_sheet
from tests.risk_factories import make_risk, post_risk_data


@pytest.fixture
def cycle(org: TwoUnits) -> Cycle:
    return make_cycle(org.college)


@pytest.fixture
def risk(org: TwoUnits, cycle: Cycle) -> RiskPoint:
    return make_risk(cycle, post_risk_data(org.cashier), measure=True)


def test_threads_replies_attach_to_root_and_audit(org: TwoUnits, cycle: Cycle, risk: RiskPoint) -> None:
    holder = holder_of(org.cashier, "cashier1")
    head = user_with_role(Role.DEPT_HEAD, org.finance, "head1")
    before = AuditEntry.objects.count()
    root = add_comment(actor_of(head), CommentTarget.RISK, risk.pk, "  表现形式不完整  ")
    assert (root.body, root.path, root.unit_id, root.author_id) == (
        "表现形式不完整",
        risk.path,
        risk.unit_id,
        head.pk,
    )
    reply = add_comment(actor_of(holder), CommentTarget.RISK, risk.pk, "已补充", parent=root)
    reply_to_reply = add_comment(actor_of(head), CommentTarget.RISK, risk.pk, "好的", parent=reply.pk)
    assert reply.parent_id == root.pk and reply_to_reply.parent_id == root.pk
    assert AuditEntry.objects.count() == before + 3
    assert AuditEntry.objects.filter(object_type="review.comment", action="create").count() == 3
    _target, threads = sel.threads(actor_of(holder), CommentTarget.RISK, risk.pk)
    assert len(threads) == 1 and [c.body for c in threads[0].replies] == ["已补充", "好的"]
    # The post holder heard of the new thread (owner of the post), the head of the reply (participant).
    assert Notification.objects.filter(
        recipient=holder, kind=NotificationKind.COMMENT, key=f"comment:{root.pk}"
    ).exists()
    assert Notification.objects.filter(recipient=head, key=f"comment:{reply.pk}").exists()
    assert not Notification.objects.filter(
        recipient=head, key=f"comment:{root.pk}"
    ).exists()  # not to oneself


def test_every_kind_of_target(org: TwoUnits, cycle: Cycle, risk: RiskPoint) -> None:
    flow = make_flow(cycle, org.finance)
    power = make_power(cycle, org.finance, flow=flow)
    sheet = make_sheet(cycle, org.cashier)
    targets = {
        CommentTarget.RISK: risk.pk,
        CommentTarget.MEASURE: risk.measures.get().pk,
        CommentTarget.POWER: power.pk,
        CommentTarget.FLOW: flow.pk,
        CommentTarget.STEP: flow.steps.first().pk,
        CommentTarget.SHEET: sheet.pk,
    }
    head = actor_of(user_with_role(Role.DEPT_HEAD, org.finance))
    for kind, pk in targets.items():
        c = add_comment(head, kind, pk, f"关于{kind}")
        assert c.path == org.finance_office.path if kind in ("risk", "measure", "sheet") else org.finance.path
    assert Comment.objects.count() == 6


def test_validation(org: TwoUnits, risk: RiskPoint) -> None:
    head = actor_of(user_with_role(Role.DEPT_HEAD, org.finance))
    with pytest.raises(ServiceError) as caught:
        add_comment(head, CommentTarget.RISK, risk.pk, "　 ")
    assert caught.value.field_errors == {"body": ["请填写评论内容"]}
    other = make_risk(risk.cycle, post_risk_data(org.cashier, name="另一个"))
    elsewhere = add_comment(head, CommentTarget.RISK, other.pk, "别处")
    with pytest.raises(ServiceError):
        add_comment(head, CommentTarget.RISK, risk.pk, "回复", parent=elsewhere)
    root = add_comment(head, CommentTarget.RISK, risk.pk, "问题")
    resolve_thread(head, root)
    with pytest.raises(ServiceError) as caught:
        add_comment(head, CommentTarget.RISK, risk.pk, "再回复", parent=root)
    assert "已解决" in caught.value.message


def test_scope_is_404(org: TwoUnits, cycle: Cycle, risk: RiskPoint) -> None:
    outsider = actor_of(user_with_role(Role.DEPT_HEAD, org.academic))
    with pytest.raises(NotFoundError):
        add_comment(outsider, CommentTarget.RISK, risk.pk, "看不到")
    with pytest.raises(NotFoundError):
        sel.threads(outsider, CommentTarget.RISK, risk.pk)
    with pytest.raises(NotFoundError):
        sel.threads(outsider, "nonsense", risk.pk)
    root = add_comment(
        actor_of(user_with_role(Role.DEPT_HEAD, org.finance)), CommentTarget.RISK, risk.pk, "x"
    )
    with pytest.raises(NotFoundError):
        resolve_thread(outsider, root.pk)


def test_who_may_resolve(org: TwoUnits, cycle: Cycle, risk: RiskPoint) -> None:
    author = holder_of(org.cashier, "author")
    other_holder = holder_of(org.cashier, "colleague")  # same post: may edit the risk point
    teacher = holder_of(org.teacher, "teacher", role_node=org.finance)  # sees 财务处, holds no post there
    leader = user_with_role(Role.UNIT_LEADER, org.college)  # a reviewer (CHECK)
    root = add_comment(actor_of(author), CommentTarget.RISK, risk.pk, "我的问题")
    with pytest.raises(PermissionDeniedError):
        resolve_thread(actor_of(teacher), root)
    resolved = resolve_thread(actor_of(author), root)
    assert resolved.resolved_at is not None and resolved.resolved_by
    with pytest.raises(ServiceError):
        resolve_thread(actor_of(author), root.pk)  # already
    reopen_thread(actor_of(leader), root.pk)
    resolve_thread(actor_of(other_holder), root.pk)
    reply = add_comment(actor_of(leader), CommentTarget.RISK, risk.pk, "新问题")
    resolve_thread(actor_of(leader), reply)
    assert AuditEntry.objects.filter(object_type="review.comment", action="update").count() == 4
    root.refresh_from_db()
    assert root.resolved_at is not None
