"""Forms of the complaint box: the public filing form, the follow-up form and the office's handling forms.
They parse input only; every rule is in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.org.models import Unit

from . import selectors
from .models import Category, ComplaintStatus, TargetKind

# The honeypot's name looks like a field a robot would fill in.
HONEYPOT = "website"


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.department.name} · {obj.name}"


class PowerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class FilingForm(forms.Form):
    """Fields are optional here: the filing service checks them all at once, with its own messages."""

    unit = forms.ModelChoiceField(
        label=_("被举报单位"), queryset=Unit.objects.none(), required=False, empty_label=_("请选择单位")
    )
    target_kind = forms.ChoiceField(
        label=_("举报对象"), choices=TargetKind.choices, initial=TargetKind.UNIT, widget=forms.RadioSelect
    )
    department = forms.ModelChoiceField(
        label=_("部门"), queryset=Unit.objects.none(), required=False, empty_label=_("（不指定）")
    )
    post = PostChoiceField(label=_("岗位"), queryset=Unit.objects.none(), required=False, empty_label="—")
    power = PowerChoiceField(
        label=_("职权事项"), queryset=Unit.objects.none(), required=False, empty_label="—"
    )
    target_name = forms.CharField(
        label=_("被举报人姓名及职务"),
        max_length=200,
        required=False,
        help_text=_("举报人员时填写；也可补充说明举报对象。"),
    )
    category = forms.ChoiceField(label=_("问题类别"), choices=[("", "—"), *Category.choices], required=False)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    body = forms.CharField(
        label=_("举报内容"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("请写明时间、地点、经过和涉及的人和事，便于核实。"),
    )
    is_anonymous = forms.BooleanField(
        label=_("匿名举报"),
        required=False,
        help_text=_("匿名举报不保存您的任何个人信息；实名举报的信息加密保存，仅纪检监察机构可查阅。"),
    )
    name = forms.CharField(label=_("姓名"), max_length=200, required=False)
    id_number = forms.CharField(label=_("身份证号码"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=200, required=False)
    email = forms.CharField(label=_("电子邮箱"), max_length=200, required=False)
    address = forms.CharField(label=_("通信地址"), max_length=200, required=False)
    website = forms.CharField(label=_("网站"), required=False)

    def __init__(self, *args: Any, unit: Unit | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = selectors.public_units()
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["title"].widget.attrs["placeholder"] = _("一句话概括所反映的问题")
        if unit is None and units.count() == 1:
            unit = units.first()
        self.chosen_unit = unit
        if unit is not None:
            self.initial.setdefault("unit", unit.pk)
            self.fields["department"].queryset = selectors.public_departments(unit)  # type: ignore[attr-defined]
            self.fields["post"].queryset = selectors.public_posts(unit)  # type: ignore[attr-defined]
            self.fields["power"].queryset = selectors.public_powers(unit)  # type: ignore[attr-defined]

    def clean_is_anonymous(self) -> bool:
        return bool(self.cleaned_data.get("is_anonymous"))


class FollowForm(forms.Form):
    receipt_code = forms.CharField(label=_("受理编号"), max_length=40)
    secret = forms.CharField(
        label=_("查询密码"), max_length=60, widget=forms.PasswordInput(attrs={"autocomplete": "off"})
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    status = forms.ChoiceField(
        label=_("办理状态"), choices=[("", _("全部")), *ComplaintStatus.choices], required=False
    )
    category = forms.ChoiceField(
        label=_("问题类别"), choices=[("", _("全部")), *Category.choices], required=False
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=ComplaintStatus.choices)
    reply = forms.CharField(
        label=_("答复举报人"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("举报人凭受理编号和查询密码可以看到这段答复；办结或不予受理时必填。"),
    )
    note = forms.CharField(
        label=_("内部办理记录"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["status"].choices = choices  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("办理记录"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
