"""Signing in and out, lock-out, idle timeout and the password rules, through the real pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lianfang.accounts.models import User
from lianfang.audit.models import AuditAction, AuditEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
HOME = reverse("core:home")


@pytest.fixture
def user() -> User:
    return UserFactory(username="zhangsan")  # type: ignore[no-any-return]


def sign_in(client: Client, username: str, password: str) -> object:
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_then_logout(client: Client, user: User) -> None:
    assert client.get(HOME).url.startswith(LOGIN)  # type: ignore[attr-defined]
    response = sign_in(client, "zhangsan", PASSWORD)
    assert response.status_code == 302 and response.url == HOME  # type: ignore[attr-defined]
    page = client.get(HOME)
    assert page.status_code == 200 and "zhangsan" in page.content.decode()
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN, object_id=str(user.pk)).count() == 1

    assert client.get(reverse("accounts:logout")).status_code == 405  # logging out takes a POST
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == LOGIN  # type: ignore[attr-defined]
    assert client.get(HOME).status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.LOGOUT, object_id=str(user.pk)).count() == 1


def test_login_honours_next(client: Client, user: User) -> None:
    response = client.post(
        LOGIN + "?next=/org/", {"username": "zhangsan", "password": PASSWORD, "next": "/org/"}
    )
    assert response.url == "/org/"  # type: ignore[attr-defined]


def test_failed_login_is_audited_and_shows_a_chinese_error(client: Client, user: User) -> None:
    response = sign_in(client, "zhangsan", "wrong-password-1")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()  # Django's own message, in Chinese
    failed = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert failed.count() == 1 and failed.get().object_id == str(user.pk)
    # An unknown user name is counted but never written down: it may be a password typed in the wrong box.
    sign_in(client, "Secret-typed-here-1", "x")
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("-seq").first()
    assert entry is not None and entry.object_id == "" and "Secret-typed-here-1" not in entry.after


def test_lockout_after_five_failures_even_with_the_right_password(
    client: Client, user: User, settings
) -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(client, "zhangsan", "wrong-password-1").status_code == 200
    fifth = sign_in(client, "zhangsan", "wrong-password-1")
    assert fifth.status_code == 429
    response = sign_in(client, "zhangsan", PASSWORD)
    html = response.content.decode()
    assert response.status_code == 429
    assert "账号已锁定" in html and "锁定 30 分钟" in html
    assert client.get(HOME).status_code == 302  # not signed in
    # Another account is not affected: the lock is on the account, not on the shared address.
    UserFactory(username="lisi")
    assert sign_in(client, "lisi", PASSWORD).status_code == 302


def test_session_is_renewed_on_each_request_and_expires_when_idle(
    client: Client, user: User, settings
) -> None:
    settings.SESSION_COOKIE_AGE = 600
    sign_in(client, "zhangsan", PASSWORD)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    session = Session.objects.get(session_key=key)
    # Pretend the user was idle until 5 seconds before expiry; one request pushes the expiry back out.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(seconds=5))
    assert client.get(HOME).status_code == 200
    session = Session.objects.get(session_key=key)
    assert session.expire_date > timezone.now() + timedelta(seconds=590)
    # Idle past the limit: the session is gone and the next page asks for a login.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)  # type: ignore[attr-defined]


def test_weak_passwords_are_refused_in_chinese(client: Client, user: User) -> None:
    client.force_login(user)
    url = reverse("accounts:password_change")
    for weak, expected in (
        ("12345678", "密码太短，至少需要 10 个字符"),
        ("1234567890", "密码必须同时包含字母和数字"),
        ("password12", "这个密码太常见了"),
        ("abcdefghijk", "密码必须同时包含字母和数字"),
    ):
        response = client.post(url, {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak})
        html = response.content.decode()
        assert response.status_code == 200, weak
        assert expected in html, (weak, html[html.find('class="error"') - 200 :][:600])
        assert "This password" not in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change(client: Client, user: User) -> None:
    client.force_login(user)
    url = reverse("accounts:password_change")
    wrong_old = client.post(
        url, {"old_password": "nope", "new_password1": "Qiang-Mima-2027", "new_password2": "Qiang-Mima-2027"}
    )
    assert "当前密码不正确" in wrong_old.content.decode()
    mismatch = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "Qiang-Mima-2027", "new_password2": "Qiang-Mima-2028"},
    )
    assert "两次输入的密码不一致" in mismatch.content.decode()
    ok = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "Qiang-Mima-2027", "new_password2": "Qiang-Mima-2027"},
    )
    assert ok.status_code == 302
    assert client.get(HOME).status_code == 200  # still signed in after the change
    user.refresh_from_db()
    assert user.check_password("Qiang-Mima-2027") and user.password_changed_at is not None
