"""Forms of the organisation pages. They parse input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lianfang.core.ui import DateInput

from .models import Department, DepartmentKind, LeadershipKind, Person, Post, PostLevel, UnitKind


def _set_queryset(form: forms.Form, name: str, qs: QuerySet[Any] | None) -> None:
    field = form.fields[name]
    field.queryset = qs if qs is not None else field.queryset.none()  # type: ignore[attr-defined]


def dept_label(dept: Department) -> str:
    return f"{dept.name}（{dept.unit.short_name or dept.unit.name}）"


def person_label(person: Person) -> str:
    extra = f"，{person.department.name}" if person.department_id and person.department else ""
    return f"{person.name}（{person.staff_no}{extra}）"


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=200)
    short_name = forms.CharField(label=_("简称"), max_length=60, required=False)
    code = forms.CharField(
        label=_("单位代码"), max_length=40, help_text=_("全平台唯一，如统一社会信用代码或内部编码")
    )
    kind = forms.ChoiceField(label=_("单位类型"), choices=UnitKind.choices, initial=UnitKind.INSTITUTION)


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("部门名称"), max_length=200)
    code = forms.CharField(label=_("部门代码"), max_length=40, required=False)
    kind = forms.ChoiceField(
        label=_("部门类型"), choices=DepartmentKind.choices, initial=DepartmentKind.FUNCTIONAL
    )
    parent = forms.ModelChoiceField(
        label=_("上级部门"),
        queryset=Department.objects.none(),
        required=False,
        help_text=_("留空表示单位直属部门"),
    )
    duties = forms.CharField(label=_("部门职责"), widget=forms.Textarea, required=False)
    sort_order = forms.IntegerField(
        label=_("排序"), min_value=0, initial=0, required=False, help_text=_("数字小的排在前面")
    )

    def __init__(self, *args: Any, parents: QuerySet[Department] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "parent", parents)


class PostForm(forms.Form):
    FLAG_CHOICES = [
        ("manages_people", _("管人")),
        ("manages_money", _("管财")),
        ("manages_assets", _("管物")),
        ("manages_approval", _("管审批")),
        ("manages_enforcement", _("管执法")),
    ]

    name = forms.CharField(label=_("岗位名称"), max_length=200)
    code = forms.CharField(label=_("岗位代码"), max_length=40, required=False)
    level = forms.ChoiceField(label=_("岗位层级"), choices=PostLevel.choices, initial=PostLevel.GENERAL)
    headcount = forms.IntegerField(label=_("编制人数"), min_value=1, initial=1)
    flags = forms.MultipleChoiceField(
        label=_("重点岗位类别"),
        choices=FLAG_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("管人、管财、管物、管审批、管执法五类重点岗位"),
    )
    duties = forms.CharField(label=_("岗位职责"), widget=forms.Textarea, required=False)


class PersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=100)
    staff_no = forms.CharField(label=_("工号"), max_length=40)
    department = forms.ModelChoiceField(
        label=_("所在部门"), queryset=Department.objects.none(), required=False
    )
    title = forms.CharField(label=_("职务"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)

    def __init__(self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "department", departments)


class AssignmentForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())
    post = forms.ModelChoiceField(label=_("岗位"), queryset=Post.objects.none())
    start_date = forms.DateField(label=_("任职开始"), widget=DateInput())
    end_date = forms.DateField(
        label=_("任职结束"),
        widget=DateInput(),
        required=False,
        help_text=_("补录已结束的任职时填写；在任留空"),
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        persons: QuerySet[Person] | None = None,
        posts: QuerySet[Post] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "person", persons)
        _set_queryset(self, "post", posts)
        self.fields["person"].label_from_instance = person_label  # type: ignore[attr-defined]
        self.fields["post"].label_from_instance = lambda p: f"{p.name}（{p.department.name}）"  # type: ignore[attr-defined]


class LeadershipForm(forms.Form):
    person = forms.ModelChoiceField(label=_("人员"), queryset=Person.objects.none())
    kind = forms.ChoiceField(label=_("类别"), choices=LeadershipKind.choices)
    title = forms.CharField(label=_("职务"), max_length=100, help_text=_("如：党委书记、副院长、纪委书记"))
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    departments = forms.ModelMultipleChoiceField(
        label=_("分管部门"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("主要领导不直接分管部门"),
    )

    def __init__(
        self,
        *args: Any,
        persons: QuerySet[Person] | None = None,
        departments: QuerySet[Department] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "person", persons)
        _set_queryset(self, "departments", departments)
        self.fields["person"].label_from_instance = person_label  # type: ignore[attr-defined]
        if editing:
            del self.fields["person"]
            del self.fields["start_date"]


class LiaisonForm(forms.Form):
    person = forms.ModelChoiceField(label=_("联络员"), queryset=Person.objects.none())
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())

    def __init__(self, *args: Any, persons: QuerySet[Person] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "person", persons)
        self.fields["person"].label_from_instance = person_label  # type: ignore[attr-defined]
