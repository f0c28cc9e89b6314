"""Forms of the risk register pages. They parse input; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lianfang.core.ui import DateInput
from lianfang.core.vocabulary import RiskType
from lianfang.org.models import Department, Person, Post
from lianfang.powers.forms import dept_label, post_label
from lianfang.powers.models import FlowStep, Power

from .grading import MatrixDefinition
from .models import MeasureTemplate, RiskStatus
from .vocabulary import Cause, FoundBy, MeasureCategory, MeasureStatus, RiskKind, RiskLevel, SubjectKind

BLANK = [("", _("全部"))]


def _set_queryset(form: forms.Form, name: str, qs: QuerySet[Any] | None) -> None:
    field = form.fields[name]
    field.queryset = qs if qs is not None else field.queryset.none()  # type: ignore[attr-defined]


def _htmx(form: forms.Form, name: str, url: str, target: str) -> None:
    """Choosing a value in `name` redraws the field at `target` (htmx)."""
    form.fields[name].widget.attrs.update(
        {"hx-get": url, "hx-target": target, "hx-swap": "outerHTML", "hx-trigger": "change"}
    )


def step_label(step: FlowStep) -> str:
    return f"{step.code} {step.name}"


def power_label(power: Power) -> str:
    return f"{power.code} {power.name}"


class ValuesMixin:
    def values(self) -> dict[str, Any]:
        """The valid filters (an invalid one counts as not given)."""
        form: forms.Form = self  # type: ignore[assignment]
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        return {name: data.get(name) for name in form.fields if name not in form.errors}


class RegisterFilterForm(ValuesMixin, forms.Form):
    """The register's filters, read from the query string; a value that is not a choice is ignored."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    level = forms.ChoiceField(label=_("等级"), choices=BLANK + RiskLevel.choices, required=False)
    risk_type = forms.ChoiceField(label=_("风险类型"), choices=BLANK + RiskType.choices, required=False)
    risk_kind = forms.ChoiceField(label=_("风险性质"), choices=BLANK + RiskKind.choices, required=False)
    subject_kind = forms.ChoiceField(label=_("风险主体"), choices=BLANK + SubjectKind.choices, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=BLANK + RiskStatus.choices, required=False)
    department = forms.ModelChoiceField(
        label=_("部门"), queryset=Department.objects.none(), required=False, empty_label=_("全部")
    )
    post = forms.ModelChoiceField(
        label=_("岗位"), queryset=Post.objects.none(), required=False, empty_label=_("全部")
    )
    measure_status = forms.ChoiceField(
        label=_("措施状态"), choices=BLANK + MeasureStatus.choices, required=False
    )

    def __init__(
        self,
        *args: Any,
        departments: QuerySet[Department] | None = None,
        posts: QuerySet[Post] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "department", departments)
        _set_queryset(self, "post", posts)
        self.fields["department"].label_from_instance = dept_label  # type: ignore[attr-defined]
        self.fields["post"].label_from_instance = post_label  # type: ignore[attr-defined]


class MeasureFilterForm(ValuesMixin, forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("落实状态"), choices=BLANK + MeasureStatus.choices, required=False)
    category = forms.ChoiceField(label=_("措施类别"), choices=BLANK + MeasureCategory.choices, required=False)
    department = forms.ModelChoiceField(
        label=_("部门"), queryset=Department.objects.none(), required=False, empty_label=_("全部")
    )
    overdue = forms.BooleanField(label=_("只看逾期未落实"), required=False)

    def __init__(self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "department", departments)
        self.fields["department"].label_from_instance = dept_label  # type: ignore[attr-defined]


class RiskForm(forms.Form):
    subject_kind = forms.ChoiceField(
        label=_("风险主体"),
        choices=SubjectKind.choices,
        widget=forms.RadioSelect,
        help_text=_("个人岗位风险点选岗位；部门风险点选部门；单位（领导班子）风险点两者都不选"),
    )
    department = forms.ModelChoiceField(
        label=_("所属部门"), queryset=Department.objects.none(), required=False, empty_label=_("（请选择）")
    )
    post = forms.ModelChoiceField(
        label=_("岗位"), queryset=Post.objects.none(), required=False, empty_label=_("（请选择）")
    )
    code = forms.CharField(
        label=_("编号"), max_length=40, required=False, help_text=_("留空时自动编号，如 R-0001")
    )
    duty = forms.CharField(
        label=_("职责"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("岗位职责或部门职责：风险点从哪项职责中产生"),
    )
    name = forms.CharField(label=_("廉政风险点"), max_length=500)
    risk_type = forms.ChoiceField(label=_("风险类型"), choices=RiskType.choices, initial=RiskType.DUTY)
    risk_kind = forms.ChoiceField(
        label=_("风险性质"), choices=RiskKind.choices, initial=RiskKind.INTEGRITY, widget=forms.RadioSelect
    )
    causes = forms.MultipleChoiceField(
        label=_("原因分析"), choices=Cause.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    cause_note = forms.CharField(
        label=_("其他原因"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    found_by = forms.ChoiceField(label=_("查找方式"), choices=FoundBy.choices, initial=FoundBy.SELF)
    power = forms.ModelChoiceField(
        label=_("所涉职权"), queryset=Power.objects.none(), required=False, empty_label=_("（不涉及）")
    )
    step = forms.ModelChoiceField(
        label=_("流程环节"),
        queryset=FlowStep.objects.none(),
        required=False,
        empty_label=_("（不指定）"),
        help_text=_("所选职权的流程图中的环节"),
    )
    three_important = forms.BooleanField(label=_("涉及“三重一大”事项"), required=False)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(
        self,
        *args: Any,
        kinds: list[str] | None = None,
        departments: QuerySet[Department] | None = None,
        posts: QuerySet[Post] | None = None,
        powers: QuerySet[Power] | None = None,
        steps: QuerySet[FlowStep] | None = None,
        posts_url: str = "",
        steps_url: str = "",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["subject_kind"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in SubjectKind.choices if value in kinds
            ]
        _set_queryset(self, "department", departments)
        _set_queryset(self, "post", posts)
        _set_queryset(self, "power", powers)
        _set_queryset(self, "step", steps)
        self.fields["department"].label_from_instance = dept_label  # type: ignore[attr-defined]
        self.fields["post"].label_from_instance = post_label  # type: ignore[attr-defined]
        self.fields["power"].label_from_instance = power_label  # type: ignore[attr-defined]
        self.fields["step"].label_from_instance = step_label  # type: ignore[attr-defined]
        if posts_url:  # the post already chosen stays chosen when it is in the new department
            _htmx(self, "department", posts_url, "#post-field")
            self.fields["department"].widget.attrs["hx-include"] = "[name=post]"
        if steps_url:
            _htmx(self, "power", steps_url, "#step-field")
            self.fields["power"].widget.attrs["hx-include"] = "[name=step]"

    def clean(self) -> dict[str, Any]:
        # The subject decides where the risk point sits, and so who may write it: ask for it first.
        data = super().clean() or {}
        kind = data.get("subject_kind")
        if kind == SubjectKind.POST and not data.get("post") and "post" not in self.errors:
            self.add_error("post", _("个人岗位风险点必须选择岗位"))
        if kind == SubjectKind.DEPARTMENT and not data.get("department") and "department" not in self.errors:
            self.add_error("department", _("部门风险点必须选择部门"))
        return data


class SubjectPostForm(forms.Form):
    """Only the post select, redrawn when the department changes."""

    post = RiskForm.base_fields["post"]

    def __init__(self, *args: Any, posts: QuerySet[Post] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "post", posts)
        self.fields["post"].label_from_instance = post_label  # type: ignore[attr-defined]


class StepFieldForm(forms.Form):
    """Only the step select, redrawn when the power changes."""

    step = RiskForm.base_fields["step"]

    def __init__(self, *args: Any, steps: QuerySet[FlowStep] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "step", steps)
        self.fields["step"].label_from_instance = step_label  # type: ignore[attr-defined]


class ManifestationForm(forms.Form):
    text = forms.CharField(
        label=_("表现形式"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("如：利用职务之便为亲友谋取利益")}),
    )


ManifestationFormSet = forms.formset_factory(ManifestationForm, extra=1, max_num=50, validate_max=True)


class GradingForm(forms.Form):
    """One select per factor of a matrix version; the level is derived, never typed."""

    justification = forms.CharField(
        label=_("降级理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("上次评定为高风险，降低等级须写明理由，并经领导班子批准"),
    )

    def __init__(self, *args: Any, definition: MatrixDefinition, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.definition = definition
        fields: dict[str, forms.Field] = {}
        for scale in definition.factors:
            axis = scale.key in definition.axes
            fields[f"factor_{scale.key}"] = forms.ChoiceField(
                label=scale.label,
                choices=[("", _("请选择…") if axis else _("（不评）"))]
                + [(o.value, o.label) for o in scale.options],
                required=axis,
            )
        self.fields = {**fields, **self.fields}

    def factor_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("factor_")]

    def factors(self) -> dict[str, str]:
        """The chosen factors, from raw data (the preview grades whatever has been picked so far) or, before
        anything is sent, from the initial values (the last assessment's factors)."""
        out: dict[str, str] = {}
        for scale in self.definition.factors:
            name = f"factor_{scale.key}"
            raw = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
            value = str(raw or "").strip()
            if value:
                out[scale.key] = value
        return out


class MeasureForm(forms.Form):
    category = forms.ChoiceField(label=_("措施类别"), choices=MeasureCategory.choices)
    text = forms.CharField(label=_("防控措施"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    owner = forms.ModelChoiceField(
        label=_("责任人"), queryset=Person.objects.none(), required=False, empty_label=_("（未指定）")
    )
    owner_text = forms.CharField(
        label=_("责任人（文字）"),
        max_length=200,
        required=False,
        help_text=_("责任人不在名单中时填写，如：财务处处长"),
    )
    due_date = forms.DateField(label=_("完成时限"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("落实状态"), choices=MeasureStatus.choices, initial=MeasureStatus.PLANNED
    )
    review_date = forms.DateField(label=_("复查日期"), required=False, widget=DateInput())
    template = forms.ModelChoiceField(
        queryset=MeasureTemplate.objects.filter(active=True), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, persons: QuerySet[Person] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "owner", persons)
        self.fields["owner"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.name}（{p.department.name}）" if p.department_id else p.name
        )


class TemplatePickForm(forms.Form):
    category = forms.ChoiceField(label=_("措施类别"), choices=BLANK + MeasureCategory.choices, required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("佐证文件"))


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("领导班子意见"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text=_("不批准时必须写明意见"),
    )
