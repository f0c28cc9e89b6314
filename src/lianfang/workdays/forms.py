"""Forms of the calendar page: one day, a new year from the notice, a CSV upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.ui import DateInput

from .models import FIRST_YEAR, LAST_YEAR, DayKind

PLAIN = "plain"


class DayForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput())
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[*DayKind.choices, (PLAIN, _("普通日（按周一至周五上班）"))],
    )
    name = forms.CharField(
        label=_("名称"), max_length=50, required=False, help_text=_("如：春节、国庆节调休")
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    note = forms.CharField(
        label=_("依据"), max_length=300, required=False, help_text=_("如：国办发明电〔2026〕×号")
    )
    days = forms.CharField(
        label=_("特殊日期"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "每行一天：日期 类型 名称，类型为“休”（法定节假日）或“班”（调休上班），如 2027-01-01 休 元旦"
        ),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV 文件"), help_text=_("列：日期,类型,名称；类型为 休 或 班"))
    dry_run = forms.BooleanField(label=_("试运行（只预览变化，不写入）"), required=False, initial=True)
