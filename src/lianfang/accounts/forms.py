"""Forms of the accounts pages. They only parse input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from lianfang.core.ui import DateInput
from lianfang.org.models import Department, Person, Unit

from .models import Role, TokenScope


def _password_help() -> str:
    items = format_html_join("", "<li>{}</li>", ((t,) for t in password_validators_help_texts()))
    return format_html("<ul>{}</ul>", items)


def _person_label(person: Person) -> str:
    return f"{person.name}（{person.staff_no}，{person.unit.name}）"


class LoginForm(AuthenticationForm):
    """Django's form: it passes the request to authenticate(), which django-axes needs."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class NewPasswordMixin(forms.Form):
    new_password1 = forms.CharField(
        label=_("新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password2 = forms.CharField(
        label=_("确认新密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = _password_help()

    def clean_new_password2(self) -> str:
        first = self.cleaned_data.get("new_password1")
        second: str = self.cleaned_data.get("new_password2", "")
        if first and second and first != second:
            raise forms.ValidationError(_("两次输入的密码不一致"))
        return second


class PasswordChangeForm(NewPasswordMixin):
    old_password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def __init__(self, user: Any, *args: Any, **kwargs: Any):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_old_password(self) -> str:
        value: str = self.cleaned_data["old_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("当前密码不正确"))
        return value


class PasswordResetForm(NewPasswordMixin):
    """An administrator setting another account's password."""


class UserCreateForm(NewPasswordMixin):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(
        label=_("显示名称"), max_length=100, required=False, help_text=_("留空则使用人员姓名")
    )
    person = forms.ModelChoiceField(
        label=_("对应人员"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("账号属于哪位在册人员；系统类账号可不选"),
    )
    scope_unit = forms.ModelChoiceField(
        label=_("所属单位"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("不对应人员时，账号归属的单位"),
    )
    field_order = ["username", "display_name", "person", "scope_unit", "new_password1", "new_password2"]

    def __init__(self, *args: Any, persons: Any = None, units: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        person_field: forms.ModelChoiceField = self.fields["person"]  # type: ignore[assignment]
        unit_field: forms.ModelChoiceField = self.fields["scope_unit"]  # type: ignore[assignment]
        person_field.queryset = persons if persons is not None else Person.objects.none()
        person_field.label_from_instance = _person_label  # type: ignore[method-assign,assignment]
        unit_field.queryset = units if units is not None else Unit.objects.none()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not data.get("scope_unit"):
            self.add_error("scope_unit", _("请选择对应人员或所属单位"))
        return data


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    node = forms.ChoiceField(label=_("授权范围"), help_text=_("角色作用于所选单位或部门及其全部下级"))

    def __init__(
        self,
        *args: Any,
        units: list[Unit] | None = None,
        departments: list[Department] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [("", "---------")]
        choices += [(f"U{u.pk}", f"{u.name}") for u in units or []]
        choices += [(f"D{d.pk}", f"{d.unit.name} / {d.name}") for d in departments or []]
        self.fields["node"].choices = choices  # type: ignore[attr-defined]
        self._units = {f"U{u.pk}": u for u in units or []}
        self._departments = {f"D{d.pk}": d for d in departments or []}

    def node_objects(self) -> tuple[Unit | None, Department | None]:
        key = self.cleaned_data["node"]
        return self._units.get(key), self._departments.get(key)


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("令牌名称"), max_length=100, help_text=_("例如：财务系统对接"))
    unit = forms.ModelChoiceField(
        label=_("作用单位"), queryset=Unit.objects.none(), help_text=_("令牌只能访问该单位及其下级的数据")
    )
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"), choices=TokenScope.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(
        label=_("有效期至"), required=False, widget=DateInput(), help_text=_("留空表示长期有效（不建议）")
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        unit_field: forms.ModelChoiceField = self.fields["unit"]  # type: ignore[assignment]
        unit_field.queryset = units if units is not None else Unit.objects.none()


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    inactive = forms.BooleanField(label=_("包括已停用账号"), required=False)
