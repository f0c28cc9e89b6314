"""Views: thin, they call services and selectors."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianfang.core.actor import Actor
from lianfang.core.errors import ServiceError
from lianfang.core.ui import actor as actor_of
from lianfang.core.ui import apply_service_error, flash_service_error, paginate, ui_view
from lianfang.org.models import Department, Person, Status, Unit

from . import services
from .forms import (
    GrantForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    TokenCreateForm,
    UserCreateForm,
)
from .models import ApiToken, RoleGrant, User
from .permissions import Action, ObjectType, can, can_anywhere, scope
from .selectors import actor_for_user


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


# --- signing in and out ---------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        services.record_login(actor_for_user(user), user, success=True, ip=client_ip(self.request))
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        username = str(form.data.get("username", "")).strip()
        user = User.objects.filter(username=username).first() if username else None
        anonymous = actor_of(self.request)
        # An unknown user name is not kept: people type passwords into the wrong box.
        services.record_login(
            anonymous,
            user or User(username=""),
            success=False,
            ip=client_ip(self.request),
            known_user=user is not None,
            locked=bool(getattr(self.request, "axes_locked_out", False)),
        )
        return super().form_invalid(form)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated:
        services.record_logout(actor_of(request), user, ip=client_ip(request))
    auth_logout(request)
    messages.info(request, _("您已安全退出。"))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@never_cache
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(actor_of(request), user, form.cleaned_data["new_password1"])
        except ServiceError as exc:
            apply_service_error(form, exc, {"password": "new_password1"})
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。"))
            return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


# --- accounts -------------------------------------------------------------------


def visible_users(actor: Actor) -> QuerySet[User]:
    return scope(
        actor,
        Action.VIEW,
        ObjectType.ACCOUNT,
        User.objects.select_related("person", "person__unit", "person__department"),
    )


def _require_system_section(actor: Actor) -> None:
    if not (
        can_anywhere(actor, Action.VIEW, ObjectType.ACCOUNT)
        or can_anywhere(actor, Action.VIEW, ObjectType.GRANT)
    ):
        raise PermissionDenied(_("您没有管理账号的权限"))


def _get_user(actor: Actor, pk: int) -> User:
    user = visible_users(actor).filter(pk=pk).first()
    if user is None:
        raise Http404(_("账号不存在或不在您的权限范围内"))
    return user


def account_path(user: User) -> str:
    if user.person is None:
        return ""
    return user.person.department.path if user.person.department else user.person.unit.path


@login_required
@ui_view
def user_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _require_system_section(actor)
    qs = visible_users(actor).order_by("username")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(person__name__icontains=q))
    show_inactive = request.GET.get("inactive") == "1"
    if not show_inactive:
        qs = qs.filter(is_active=True)
    return render(
        request,
        "accounts/user_list.html",
        {
            "page_obj": paginate(request, qs),
            "q": q,
            "show_inactive": show_inactive,
            "may_create": can_anywhere(actor, Action.CREATE, ObjectType.ACCOUNT),
        },
    )


def _creatable(actor: Actor) -> tuple[QuerySet[Person], QuerySet[Unit]]:
    persons = scope(
        actor,
        Action.CREATE,
        ObjectType.ACCOUNT,
        Person.objects.filter(status=Status.ACTIVE, user__isnull=True).select_related("unit"),
        lookups=("unit__path", "department__path"),
    )
    units = scope(
        actor, Action.CREATE, ObjectType.ACCOUNT, Unit.objects.filter(status=Status.ACTIVE), lookups=("path",)
    )
    return persons, units


@login_required
@never_cache
@ui_view
def user_create(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_anywhere(actor, Action.CREATE, ObjectType.ACCOUNT):
        raise PermissionDenied(_("您没有新建账号的权限"))
    persons, units = _creatable(actor)
    initial = {"person": request.GET.get("person")} if request.GET.get("person") else None
    form = UserCreateForm(request.POST or None, initial=initial, persons=persons, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_user(
                actor,
                username=data["username"],
                password=data["new_password1"],
                display_name=data["display_name"],
                person=data["person"],
                scope_unit=data["scope_unit"],
            )
        except ServiceError as exc:
            apply_service_error(form, exc, {"password": "new_password1", "scope_unit": "scope_unit"})
        else:
            messages.success(request, _("账号“%(name)s”已创建。") % {"name": user.username})
            if visible_users(actor).filter(pk=user.pk).exists():
                return redirect("accounts:user_detail", pk=user.pk)
            messages.warning(request, _("该账号未对应人员，需由安全管理员授予角色后才会出现在账号列表中。"))
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form})


def _grant_choices(actor: Actor) -> tuple[list[Unit], list[Department]]:
    units = scope(
        actor, Action.CREATE, ObjectType.GRANT, Unit.objects.filter(status=Status.ACTIVE), lookups=("path",)
    )
    departments = scope(
        actor,
        Action.CREATE,
        ObjectType.GRANT,
        Department.objects.filter(status=Status.ACTIVE).select_related("unit"),
        lookups=("path",),
    )
    return list(units), list(departments.order_by("unit__path", "path"))


@login_required
@ui_view
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    _require_system_section(actor)
    user = _get_user(actor, pk)
    return _render_user_detail(request, actor, user)


def _render_user_detail(
    request: HttpRequest, actor: Actor, user: User, grant_form: GrantForm | None = None, status: int = 200
) -> HttpResponse:
    path = account_path(user)
    grants = []
    for grant in user.grants.select_related("unit", "department", "department__unit").order_by(
        "revoked_at", "-granted_at"
    ):
        grants.append(
            {
                "grant": grant,
                "may_revoke": grant.revoked_at is None
                and can(actor, Action.RETIRE, ObjectType.GRANT, grant.scope_path),
            }
        )
    may_grant = can_anywhere(actor, Action.CREATE, ObjectType.GRANT) and actor.user_id != user.pk
    if may_grant and grant_form is None:
        units, departments = _grant_choices(actor)
        grant_form = GrantForm(units=units, departments=departments)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "grants": grants,
            "grant_form": grant_form if may_grant else None,
            "may_deactivate": user.is_active
            and actor.user_id != user.pk
            and can(actor, Action.RETIRE, ObjectType.ACCOUNT, path),
            "may_activate": not user.is_active and can(actor, Action.EDIT, ObjectType.ACCOUNT, path),
            "may_reset_password": actor.user_id != user.pk
            and can(actor, Action.EDIT, ObjectType.ACCOUNT, path),
        },
        status=status,
    )


@login_required
@require_POST
@ui_view
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    user = _get_user(actor, pk)
    active = request.POST.get("active") == "1"
    if not active and actor.user_id == user.pk:
        raise PermissionDenied(_("不能停用自己的账号"))
    try:
        services.set_user_active(actor, user, active)
    except ServiceError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("账号已启用。") if active else _("账号已停用。"))
    return redirect("accounts:user_detail", pk=user.pk)


@login_required
@never_cache
@ui_view
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    user = _get_user(actor, pk)
    if actor.user_id == user.pk:
        return redirect("accounts:password_change")
    if not can(actor, Action.EDIT, ObjectType.ACCOUNT, account_path(user)):
        raise PermissionDenied(_("您没有重置该账号密码的权限"))
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(actor, user, form.cleaned_data["new_password1"])
        except ServiceError as exc:
            apply_service_error(form, exc, {"password": "new_password1"})
        else:
            messages.success(request, _("已为“%(name)s”设置新密码。") % {"name": user})
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_password.html", {"form": form, "account": user})


@login_required
@require_POST
@ui_view
def grant_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    user = _get_user(actor, pk)
    if not can_anywhere(actor, Action.CREATE, ObjectType.GRANT):
        raise PermissionDenied(_("您没有授权的权限"))
    units, departments = _grant_choices(actor)
    form = GrantForm(request.POST, units=units, departments=departments)
    if form.is_valid():
        unit, department = form.node_objects()
        try:
            services.grant_role(
                actor, user=user, role=form.cleaned_data["role"], unit=unit, department=department
            )
        except ServiceError as exc:
            apply_service_error(form, exc, {"unit": "node", "department": "node"})
        else:
            messages.success(request, _("已授予角色。"))
            return redirect("accounts:user_detail", pk=user.pk)
    return _render_user_detail(request, actor, user, grant_form=form, status=400)


@login_required
@require_POST
@ui_view
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    grant = RoleGrant.objects.select_related("user", "unit", "department").filter(pk=pk).first()
    if grant is None or not visible_users(actor).filter(pk=grant.user_id).exists():
        raise Http404(_("授权不存在或不在您的权限范围内"))
    try:
        services.revoke_role(actor, grant)
    except ServiceError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(request, _("已撤销授权。"))
    return redirect("accounts:user_detail", pk=grant.user_id)


# --- API tokens -------------------------------------------------------------------


def visible_tokens(actor: Actor) -> QuerySet[ApiToken]:
    return scope(
        actor,
        Action.VIEW,
        ObjectType.GRANT,
        ApiToken.objects.select_related("unit", "created_by"),
        lookups=("unit__path",),
    )


@login_required
@ui_view
def token_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not can_anywhere(actor, Action.VIEW, ObjectType.GRANT):
        raise PermissionDenied(_("您没有管理接口令牌的权限"))
    now = timezone.now()
    tokens = [
        {
            "token": t,
            "expired": t.expires_at is not None and t.expires_at <= now,
            "may_revoke": t.revoked_at is None and can(actor, Action.RETIRE, ObjectType.GRANT, t.unit.path),
        }
        for t in visible_tokens(actor)
    ]
    return render(
        request,
        "accounts/token_list.html",
        {
            "tokens": tokens,
            "may_create": can_anywhere(actor, Action.CREATE, ObjectType.GRANT),
        },
    )


@login_required
@never_cache
@ui_view
def token_create(request: HttpRequest) -> HttpResponseBase:
    actor = actor_of(request)
    if not can_anywhere(actor, Action.CREATE, ObjectType.GRANT):
        raise PermissionDenied(_("您没有新建接口令牌的权限"))
    units = scope(
        actor, Action.CREATE, ObjectType.GRANT, Unit.objects.filter(status=Status.ACTIVE), lookups=("path",)
    )
    form = TokenCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires_at = None
        if data["expires_on"]:
            tz = timezone.get_current_timezone()
            expires_at = datetime.combine(data["expires_on"] + timedelta(days=1), time.min, tzinfo=tz)
        try:
            token, secret = services.create_token(
                actor,
                name=data["name"],
                unit=data["unit"],
                scopes=data["scopes"],
                expires_at=expires_at,
                created_by=request.user if isinstance(request.user, User) else None,
            )
        except ServiceError as exc:
            apply_service_error(form, exc, {"expires_at": "expires_on"})
        else:
            # The secret is shown on this response only: never stored, never redirected through a session.
            return render(request, "accounts/token_created.html", {"token": token, "secret": secret})
    return render(request, "accounts/token_form.html", {"form": form})


@login_required
@require_POST
@ui_view
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    token = visible_tokens(actor).filter(pk=pk).first()
    if token is None:
        raise Http404(_("令牌不存在或不在您的权限范围内"))
    try:
        services.revoke_token(actor, token)
    except ServiceError as exc:
        flash_service_error(request, exc)
    else:
        messages.success(
            request, _("令牌“%(name)s”已撤销，使用它的系统将无法再访问接口。") % {"name": token.name}
        )
    return redirect("accounts:token_list")
