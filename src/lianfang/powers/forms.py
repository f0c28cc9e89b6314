"""Forms of the catalog and flowchart pages. They parse input; the services validate and decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from lianfang.core.vocabulary import LimitUnit
from lianfang.org.models import Department, Post, Unit

from .flowspec import DiscretionSpec, StepKind
from .models import ApprovalStatus, Audience, Disposition, Flowchart, PowerCategory, ReviewAction

BLANK = [("", _("全部"))]


def _set_queryset(form: forms.Form, name: str, qs: QuerySet[Any] | None) -> None:
    field = form.fields[name]
    field.queryset = qs if qs is not None else field.queryset.none()  # type: ignore[attr-defined]


def dept_label(dept: Department) -> str:
    """A department with its parent, so that 财务处 › 核算科 reads as a place in the unit."""
    return f"{dept.parent.name} › {dept.name}" if dept.parent_id and dept.parent else dept.name


def post_label(post: Post) -> str:
    return f"{post.name}（{post.department.name}）"


class CatalogFilterForm(forms.Form):
    """The catalog's filters, read from the query string; a value that is not a choice is ignored."""

    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=BLANK + PowerCategory.choices, required=False)
    audience = forms.ChoiceField(label=_("对外/对内"), choices=BLANK + Audience.choices, required=False)
    status = forms.ChoiceField(label=_("审批状态"), choices=BLANK + ApprovalStatus.choices, required=False)
    disposition = forms.ChoiceField(label=_("清理意见"), choices=BLANK + Disposition.choices, required=False)
    department = forms.ModelChoiceField(
        label=_("部门"), queryset=Department.objects.none(), required=False, empty_label=_("全部")
    )

    def __init__(self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "department", departments)
        self.fields["department"].label_from_instance = dept_label  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The valid filters (an invalid one counts as not given)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}


class PowerForm(forms.Form):
    code = forms.CharField(label=_("职权编码"), max_length=40, help_text=_("本年度内唯一，如 JW-001"))
    name = forms.CharField(label=_("职权名称"), max_length=200)
    content = forms.CharField(label=_("具体内容"), widget=forms.Textarea, required=False)
    department = forms.ModelChoiceField(
        label=_("办理部门"), queryset=Department.objects.none(), required=False, empty_label=_("（单位层面）")
    )
    category = forms.ChoiceField(
        label=_("职权类别"), choices=PowerCategory.choices, initial=PowerCategory.OTHER
    )
    audience = forms.ChoiceField(
        label=_("对外/对内"),
        choices=Audience.choices,
        initial=Audience.INTERNAL,
        widget=forms.RadioSelect,
        help_text=_("对外职权经审定后向社会公开；涉密职权只能对内"),
    )
    handler_text = forms.CharField(
        label=_("办理主体"), max_length=300, required=False, help_text=_("如：教务处教学运行科")
    )
    posts = forms.ModelMultipleChoiceField(
        label=_("办理岗位"),
        queryset=Post.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("所选部门（含下级部门）的岗位"),
    )
    disposition = forms.ChoiceField(
        label=_("清理意见"), choices=Disposition.choices, initial=Disposition.KEEP
    )
    disposition_reason = forms.CharField(
        label=_("清理理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("清理意见为调整、废止或新明确时必须填写"),
    )
    is_secret = forms.BooleanField(label=_("涉密（不得公开）"), required=False)
    flow = forms.ModelChoiceField(
        label=_("权力运行流程图"),
        queryset=Flowchart.objects.none(),
        required=False,
        empty_label=_("（未关联）"),
    )
    sort_order = forms.IntegerField(label=_("排序"), min_value=0, initial=0, required=False)

    def __init__(
        self,
        *args: Any,
        departments: QuerySet[Department] | None = None,
        unit_level: bool = False,
        posts: QuerySet[Post] | None = None,
        flows: QuerySet[Flowchart] | None = None,
        posts_url: str = "",
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "department", departments)
        self.fields["department"].label_from_instance = dept_label  # type: ignore[attr-defined]
        _set_queryset(self, "posts", posts)
        if posts_url:  # choosing a department redraws its posts (htmx)
            self.fields["department"].widget.attrs.update(
                {
                    "hx-get": posts_url,
                    "hx-target": "#posts-field",
                    "hx-swap": "outerHTML",
                    "hx-trigger": "change",
                }
            )
        _set_queryset(self, "flow", flows)
        self.fields["department"].required = not unit_level
        self.fields["posts"].label_from_instance = post_label  # type: ignore[attr-defined]
        self.fields["flow"].label_from_instance = lambda f: f"{f.code} {f.name}"  # type: ignore[attr-defined]


class BasisForm(forms.Form):
    document = forms.CharField(
        label=_("依据文件"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：《中华人民共和国高等教育法》")}),
    )
    article = forms.CharField(
        label=_("条款"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：第四十一条")}),
    )


BasisFormSet = forms.formset_factory(BasisForm, extra=1, max_num=50, validate_max=True)


class PowerPostsForm(forms.Form):
    """Only the posts field, re-drawn when the department changes."""

    posts = PowerForm.base_fields["posts"]

    def __init__(self, *args: Any, posts: QuerySet[Post] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "posts", posts)
        self.fields["posts"].label_from_instance = post_label  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), choices=ReviewAction.choices)
    comment = forms.CharField(
        label=_("审核意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_("退回时必须写明理由"),
    )


class LimitFields(forms.Form):
    statutory_limit = forms.IntegerField(label=_("法定时限"), min_value=1, required=False)
    statutory_unit = forms.ChoiceField(
        label=_("法定时限单位"), choices=LimitUnit.choices, initial=LimitUnit.WORKING_DAYS
    )
    promised_limit = forms.IntegerField(
        label=_("承诺时限"), min_value=1, required=False, help_text=_("不能超过法定时限")
    )
    promised_unit = forms.ChoiceField(
        label=_("承诺时限单位"), choices=LimitUnit.choices, initial=LimitUnit.WORKING_DAYS
    )


class FlowForm(LimitFields):
    code = forms.CharField(label=_("流程编号"), max_length=40, help_text=_("本年度内唯一"))
    name = forms.CharField(label=_("流程名称"), max_length=200)
    department = forms.ModelChoiceField(
        label=_("办理部门"), queryset=Department.objects.none(), required=False, empty_label=_("（单位层面）")
    )
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    is_secret = forms.BooleanField(label=_("涉密（不得公开）"), required=False)

    field_order = [
        "code",
        "name",
        "department",
        "description",
        "statutory_limit",
        "statutory_unit",
        "promised_limit",
        "promised_unit",
        "is_secret",
    ]

    def __init__(
        self,
        *args: Any,
        departments: QuerySet[Department] | None = None,
        unit_level: bool = False,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "department", departments)
        self.fields["department"].label_from_instance = dept_label  # type: ignore[attr-defined]
        self.fields["department"].required = not unit_level


class StepForm(forms.Form):
    """One step of the editor. `step` carries the code the step had when the form was drawn."""

    step = forms.CharField(widget=forms.HiddenInput)
    code = forms.CharField(label=_("编号"), max_length=40)
    name = forms.CharField(label=_("环节名称"), max_length=200)
    kind = forms.ChoiceField(label=_("环节类别"), choices=StepKind.choices)
    post = forms.TypedChoiceField(label=_("办理岗位"), coerce=int, empty_value=None, required=False)
    handler = forms.CharField(
        label=_("办理主体"),
        max_length=200,
        required=False,
        help_text=_("没有对应岗位时填写，如：领导班子会议"),
    )
    time_limit = forms.IntegerField(label=_("办理时限"), min_value=1, required=False)
    limit_unit = forms.ChoiceField(label=_("时限单位"), choices=LimitUnit.choices)
    supervision = forms.CharField(
        label=_("监督渠道"), max_length=300, required=False, help_text=_("如：纪委监督、电子监察、公示")
    )
    is_start = forms.BooleanField(label=_("开始环节"), required=False)
    basis = forms.CharField(label=_("依据"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    conditions = forms.CharField(label=_("条件"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    materials = forms.CharField(label=_("所需材料"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    applicant_rights = forms.CharField(
        label=_("相对人权利"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    MAIN = ("code", "name", "kind", "post", "handler", "time_limit", "limit_unit", "supervision", "is_start")
    MORE = ("basis", "conditions", "materials", "applicant_rights")

    def __init__(self, *args: Any, posts: list[tuple[int, str]] | None = None, **kwargs: Any):
        # Choices as a list made once for all the step cards of a page (a queryset would be read per card).
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", _("（不指定岗位）")), *(posts or [])]  # type: ignore[attr-defined]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MORE]


class TransitionForm(forms.Form):
    source = forms.CharField(widget=forms.HiddenInput)
    target = forms.ChoiceField(label=_("下一环节"), choices=())
    label = forms.CharField(
        label=_("条件"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("可选，如：材料不全")}),
    )

    def __init__(self, *args: Any, steps: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("请选择…")), *(steps or [])]  # type: ignore[attr-defined]


class SeparationForm(forms.Form):
    first = forms.ChoiceField(label=_("环节一"), choices=())
    second = forms.ChoiceField(label=_("环节二"), choices=())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, steps: list[tuple[str, str]] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        choices = [("", _("请选择…")), *(steps or [])]
        self.fields["first"].choices = choices  # type: ignore[attr-defined]
        self.fields["second"].choices = choices  # type: ignore[attr-defined]


class DiscretionForm(forms.Form):
    violation = forms.CharField(label=_("违法情形"), max_length=300, required=False)
    circumstance = forms.CharField(label=_("情节"), max_length=300, required=False)
    min_amount = forms.DecimalField(
        label=_("下限金额"), max_digits=14, decimal_places=2, min_value=Decimal(0), required=False
    )
    max_amount = forms.DecimalField(
        label=_("上限金额"), max_digits=14, decimal_places=2, min_value=Decimal(0), required=False
    )
    measure = forms.CharField(label=_("处罚种类/措施"), max_length=300, required=False)
    basis = forms.CharField(label=_("依据"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():  # drawn as a table row: the column heads are the visible labels
            f.widget.attrs.setdefault("aria-label", str(f.label))

    def spec(self) -> DiscretionSpec:
        d = self.cleaned_data
        return DiscretionSpec(
            violation=d.get("violation") or "",
            circumstance=d.get("circumstance") or "",
            min_amount=d.get("min_amount"),
            max_amount=d.get("max_amount"),
            measure=d.get("measure") or "",
            basis=d.get("basis") or "",
        )


DiscretionFormSet = forms.formset_factory(DiscretionForm, extra=1, can_delete=True, max_num=200)


class CycleForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=200, required=False, help_text=_("留空为“某年度”"))

    def __init__(self, *args: Any, units: QuerySet[Unit] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_queryset(self, "unit", units)
