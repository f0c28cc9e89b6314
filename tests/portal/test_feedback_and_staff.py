"""The internal publication for staff (scoped; another unit's staff get 404) and 意见征集: filing, honeypot,
size limits, throttling, the queue by role and scope, answers, published answers on the page."""

from __future__ import annotations

import pytest
from django.test import Client

from lianfang.accounts.models import Role
from lianfang.accounts.selectors import actor_for_user
from lianfang.core.errors import PermissionDeniedError
from lianfang.portal import selectors
from lianfang.portal.feedback import THROTTLE_COUNT, FeedbackData, answer_feedback, submit_feedback
from lianfang.portal.models import Feedback, FeedbackStatus, Publication
from tests.factories import SYSTEM, user_with_role

from .conftest import INTERNAL_POST, Portal

FEEDBACK_URL = "/public/COLLEGE/powers/P-EXT/feedback/"


def login(client: Client, user: object) -> Client:
    client.force_login(user)  # type: ignore[arg-type]
    return client


def file(
    portal: Portal, code: str = "P-EXT", text: str = "希望缩短办理时限", client: str = "10.0.0.1"
) -> Feedback:
    pub = Publication.objects.get(code=code, is_current=True)
    found = submit_feedback(
        SYSTEM, pub, FeedbackData(text=text, name="王小二", contact="13700000000"), client
    )
    assert found is not None
    return found


def test_staff_see_the_internal_publication_in_scope(client: Client, portal: Portal) -> None:
    login(client, user_with_role(Role.POST_HOLDER, portal.org.finance))
    page = client.get("/public/COLLEGE/internal/").content.decode()
    for shown in ("内部报销审核", "内部报销流程", "违规审批退费", "建立退费台帐", INTERNAL_POST):
        assert shown in page
    assert "涉密经费审批" not in page and "司马光耀" not in page
    power = client.get("/public/COLLEGE/powers/P-INT/")
    assert power.status_code == 200 and "内部公示" in power.content.decode()
    flow = client.get("/public/COLLEGE/flows/FI/").content.decode()
    assert "审核与决定分离" in flow and INTERNAL_POST in flow
    risk = client.get(f"/public/COLLEGE/risks/{portal.risk.code}/").content.decode()
    assert "违规审批退费" in risk and "建立退费台帐" in risk and "司马光耀" not in risk
    api = client.get("/api/public/internal/COLLEGE").json()
    assert {i["code"] for i in api} >= {"P-INT", "FI", portal.risk.code}


def test_staff_outside_the_scope_get_404(client: Client, portal: Portal) -> None:
    login(client, user_with_role(Role.SUPERVISOR, portal.org.other))
    for url in (
        "/public/COLLEGE/internal/",
        "/public/COLLEGE/powers/P-INT/",
        "/public/COLLEGE/flows/FI/",
        f"/public/COLLEGE/risks/{portal.risk.code}/",
        "/api/public/internal/COLLEGE",
        f"/api/public/internal/COLLEGE/risk/{portal.risk.code}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/public/COLLEGE/powers/P-EXT/").status_code == 200  # the public part is public


def test_staff_of_another_department_do_not_see_this_ones_internal_items(
    client: Client, portal: Portal
) -> None:
    login(client, user_with_role(Role.DEPT_HEAD, portal.org.academic))
    page = client.get("/public/COLLEGE/internal/").content.decode()
    assert "违规审批退费" not in page and "内部报销审核" not in page
    assert client.get(f"/public/COLLEGE/risks/{portal.risk.code}/").status_code == 404


def test_anonymous_feedback_reaches_the_department_queue(client: Client, portal: Portal) -> None:
    response = client.post(
        FEEDBACK_URL, {"text": "建议公布退费进度查询方式", "name": "张先生", "contact": "zhang@example.cn"}
    )
    assert response.status_code == 302 and "feedback=sent" in response["Location"]
    item = Feedback.objects.get()
    assert item.status == FeedbackStatus.OPEN and item.path == portal.org.finance_office.path
    assert item.client_hash and "127.0.0.1" not in item.client_hash
    head = actor_for_user(user_with_role(Role.DEPT_HEAD, portal.org.finance))
    assert list(selectors.open_feedback(head)) == [item]


def test_feedback_needs_text_and_respects_limits(client: Client, portal: Portal) -> None:
    assert client.post(FEEDBACK_URL, {"text": "  "}).status_code == 400
    assert client.post(FEEDBACK_URL, {"text": "长" * 2001}).status_code == 400
    assert client.post(FEEDBACK_URL, {"text": "可以", "name": "名" * 51}).status_code == 400
    page = client.post(FEEDBACK_URL, {"text": ""}).content.decode()
    assert "请填写意见内容" in page
    assert not Feedback.objects.exists()
    api = client.post(
        "/api/public/feedback",
        {"unit": "COLLEGE", "kind": "power", "code": "P-EXT", "text": ""},
        content_type="application/json",
    )
    assert api.status_code == 400 and "text" in api.json()["errors"]


def test_honeypot_is_dropped_silently(client: Client, portal: Portal) -> None:
    response = client.post(FEEDBACK_URL, {"text": "买便宜发票", "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Feedback.objects.exists()


def test_feedback_is_throttled_per_client_address(client: Client, portal: Portal) -> None:
    for n in range(THROTTLE_COUNT):
        assert client.post(FEEDBACK_URL, {"text": f"意见{n}"}).status_code == 302
    assert client.post(FEEDBACK_URL, {"text": "再来一条"}).status_code == 429
    other = client.post(FEEDBACK_URL, {"text": "另一个地址"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302
    api = client.post(
        "/api/public/feedback",
        {"unit": "COLLEGE", "kind": "power", "code": "P-EXT", "text": "x"},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert Feedback.objects.count() == THROTTLE_COUNT + 1


def test_no_feedback_on_items_the_reader_cannot_see(client: Client, portal: Portal) -> None:
    assert client.post("/public/COLLEGE/powers/P-INT/feedback/", {"text": "x"}).status_code == 404
    api = client.post(
        "/api/public/feedback",
        {"unit": "COLLEGE", "kind": "power", "code": "P-SEC", "text": "x"},
        content_type="application/json",
    )
    assert api.status_code == 404
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("role", "node", "sees", "answers"),
    [
        (Role.SUPERVISOR, "college", True, True),
        (Role.DEPT_HEAD, "finance", True, True),
        (Role.LIAISON, "finance", True, True),
        (Role.UNIT_LEADER, "college", True, False),
        (Role.DEPT_HEAD, "academic", False, False),
        (Role.POST_HOLDER, "finance", False, False),
        (Role.SUPERVISOR, "other", False, False),
    ],
)
def test_feedback_queue_by_role_and_scope(
    portal: Portal, role: str, node: str, sees: bool, answers: bool
) -> None:
    item = file(portal)
    actor = actor_for_user(user_with_role(role, getattr(portal.org, node)))
    assert (item in selectors.feedback_queue(actor)) is sees
    if answers:
        answer_feedback(actor, item, "已研究采纳", public=False)
        assert Feedback.objects.get().status == FeedbackStatus.ANSWERED
    else:
        with pytest.raises(PermissionDeniedError):
            answer_feedback(actor, item, "已研究采纳", public=False)


def test_queue_page_shows_contact_to_staff_and_answer_is_published(client: Client, portal: Portal) -> None:
    item = file(portal)
    page = client.get("/public/COLLEGE/powers/P-EXT/").content.decode()
    assert "希望缩短办理时限" not in page  # not answered yet
    login(client, user_with_role(Role.DEPT_HEAD, portal.org.finance))
    queue = client.get("/public/feedback/").content.decode()
    assert "希望缩短办理时限" in queue and "王小二" in queue and "13700000000" in queue
    response = client.post(
        f"/public/feedback/{item.pk}/answer/", {"answer": "将压缩至5个工作日", "public": "on"}
    )
    assert response.status_code == 302
    client.logout()
    page = client.get("/public/COLLEGE/powers/P-EXT/").content.decode()
    assert "希望缩短办理时限" in page and "将压缩至5个工作日" in page
    assert "王小二" not in page and "13700000000" not in page
    api = client.get("/api/public/units/COLLEGE/powers/P-EXT").content.decode()
    assert "王小二" not in api


def test_private_answer_stays_off_the_page(client: Client, portal: Portal) -> None:
    item = file(portal)
    answer_feedback(SYSTEM, item, "内部答复：已转相关科室", public=False)
    assert "内部答复" not in client.get("/public/COLLEGE/powers/P-EXT/").content.decode()


def test_api_queue_and_answer(client: Client, portal: Portal) -> None:
    item = file(portal)
    login(client, user_with_role(Role.SUPERVISOR, portal.org.college))
    rows = client.get("/api/public/feedback").json()
    assert [r["id"] for r in rows] == [item.pk] and rows[0]["contact"] == "13700000000"
    answered = client.post(
        f"/api/public/feedback/{item.pk}/answer",
        {"answer": "已采纳", "public": True},
        content_type="application/json",
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    other = Client()
    login(other, user_with_role(Role.SUPERVISOR, portal.org.other))
    assert other.get("/api/public/feedback").json() == []
    assert (
        other.post(
            f"/api/public/feedback/{item.pk}/answer", {"answer": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
