"""The audit viewer's filter form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lianfang.core.ui import DateInput

from .models import AuditAction

OBJECT_TYPES = [
    ("org.unit", _("单位")),
    ("org.department", _("部门")),
    ("org.post", _("岗位")),
    ("org.person", _("人员")),
    ("org.postassignment", _("任职")),
    ("org.leadershiprole", _("领导职务")),
    ("org.liaison", _("联络员")),
    ("accounts.user", _("账号")),
    ("accounts.rolegrant", _("角色授权")),
    ("accounts.apitoken", _("接口令牌")),
    ("audit.export", _("审计导出")),
]


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("操作人"), required=False, max_length=100)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AuditAction.choices]
    )
    object_type = forms.ChoiceField(
        label=_("对象类型"), required=False, choices=[("", _("全部")), *OBJECT_TYPES]
    )
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    q = forms.CharField(label=_("关键字"), required=False, max_length=100)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return data
