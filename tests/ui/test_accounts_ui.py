"""Accounts, role grants and API tokens through the pages, each behind its own permission."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lianfang.accounts.models import ApiToken, RoleGrant, User
from lianfang.accounts.selectors import hash_token_key
from tests.conftest import TwoUnits
from tests.factories import PersonFactory, UserFactory

from .conftest import Logins, client_for

pytestmark = pytest.mark.django_db
GOOD = "Qiang-Mima-2027"


def test_user_list_is_scoped(org: TwoUnits, logins: Logins) -> None:
    html = client_for(logins.sysadmin).get(reverse("accounts:user_list")).content.decode()
    assert "supervisor" in html and "leader" in html
    assert "outsider" not in html  # the other unit's administrator
    other = client_for(logins.outsider).get(reverse("accounts:user_list")).content.decode()
    assert "outsider" in other and "supervisor" not in other
    assert (
        client_for(logins.outsider)
        .get(reverse("accounts:user_detail", args=[logins.supervisor.pk]))
        .status_code
        == 404
    )
    for role in ("auditadmin", "supervisor", "post_holder"):
        assert client_for(getattr(logins, role)).get(reverse("accounts:user_list")).status_code == 403


def test_create_account_for_a_person(org: TwoUnits, logins: Logins) -> None:
    person = PersonFactory(department=org.finance, unit=org.college, name="钱七")
    client = client_for(logins.sysadmin)
    url = reverse("accounts:user_create")
    weak = client.post(
        url, {"username": "qianqi", "person": person.pk, "new_password1": "12345", "new_password2": "12345"}
    )
    assert weak.status_code == 200 and "密码太短" in weak.content.decode()
    assert not User.objects.filter(username="qianqi").exists()
    response = client.post(
        url, {"username": "qianqi", "person": person.pk, "new_password1": GOOD, "new_password2": GOOD}
    )
    user = User.objects.get(username="qianqi")
    assert response.status_code == 302 and response.url == reverse("accounts:user_detail", args=[user.pk])  # type: ignore[attr-defined]
    assert user.person == person and user.display_name == "钱七" and user.check_password(GOOD)
    taken = client.post(
        url,
        {"username": "qianqi", "scope_unit": org.college.pk, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert "用户名“qianqi”已存在" in taken.content.decode()
    # The person page now links to the account instead of offering to create one.
    page = client.get(reverse("org:person_detail", args=[person.pk])).content.decode()
    assert reverse("accounts:user_detail", args=[user.pk]) in page


def staff_account(org: TwoUnits) -> User:
    """An account that belongs to a person of the college: it lies in the college's subtree."""
    person = PersonFactory(department=org.academic, unit=org.college, name="孙八")
    return UserFactory(username="sunba", person=person)  # type: ignore[no-any-return]


def test_deactivate_and_activate(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.sysadmin)
    target = staff_account(org)
    url = reverse("accounts:user_set_active", args=[target.pk])
    assert client.post(url, {"active": "0"}).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert client.post(url, {"active": "1"}).status_code == 302
    target.refresh_from_db()
    assert target.is_active
    # Nobody switches themselves off.
    me = reverse("accounts:user_set_active", args=[logins.sysadmin.pk])
    assert client.post(me, {"active": "0"}).status_code == 403


def test_grants_belong_to_the_security_administrator(org: TwoUnits, logins: Logins) -> None:
    target = logins.unit_leader
    detail = reverse("accounts:user_detail", args=[target.pk])
    grant_url = reverse("accounts:grant_create", args=[target.pk])
    sys_page = client_for(logins.sysadmin).get(detail).content.decode()
    assert grant_url not in sys_page  # 三员分立: the system administrator cannot grant
    assert (
        client_for(logins.sysadmin)
        .post(grant_url, {"role": "liaison", "node": f"D{org.finance.pk}"})
        .status_code
        == 403
    )

    sec = client_for(logins.secadmin)
    assert grant_url in sec.get(detail).content.decode()
    assert sec.post(grant_url, {"role": "liaison", "node": f"D{org.finance.pk}"}).status_code == 302
    grant = RoleGrant.objects.get(user=target, role="liaison")
    assert grant.department == org.finance
    again = sec.post(grant_url, {"role": "liaison", "node": f"D{org.finance.pk}"})
    assert again.status_code == 400 and "该账号已有此授权" in again.content.decode()
    outside = sec.post(grant_url, {"role": "liaison", "node": f"U{org.other.pk}"})
    assert outside.status_code == 400  # not a choice the security administrator has
    revoke = reverse("accounts:grant_revoke", args=[grant.pk])
    assert revoke in sec.get(detail).content.decode()
    assert sec.post(revoke).status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_tokens_show_the_secret_once(org: TwoUnits, logins: Logins) -> None:
    assert client_for(logins.sysadmin).get(reverse("accounts:token_list")).status_code == 403
    sec = client_for(logins.secadmin)
    response = sec.post(
        reverse("accounts:token_create"),
        {"name": "财务系统", "unit": org.college.pk, "scopes": ["org:read"], "expires_on": ""},
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    token = ApiToken.objects.get(name="财务系统")
    assert secret in response.content.decode() and hash_token_key(secret) == token.key_hash
    listing = sec.get(reverse("accounts:token_list")).content.decode()
    assert "财务系统" in listing and secret not in listing
    missing = sec.post(reverse("accounts:token_create"), {"name": "", "unit": org.college.pk})
    assert missing.status_code == 200 and "error" in missing.content.decode()
    assert sec.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_admin_password_reset(org: TwoUnits, logins: Logins) -> None:
    client = client_for(logins.sysadmin)
    target = staff_account(org)
    url = reverse("accounts:user_password", args=[target.pk])
    weak = client.post(url, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200 and "密码太短" in weak.content.decode()
    assert client.post(url, {"new_password1": GOOD, "new_password2": GOOD}).status_code == 302
    target.refresh_from_db()
    assert target.check_password(GOOD)
    assert client_for(logins.unit_leader).get(url).status_code == 404  # accounts are not in its view
