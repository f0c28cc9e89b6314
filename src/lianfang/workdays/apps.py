from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "lianfang.workdays"
    verbose_name = _("工作日历")
    default_auto_field = "django.db.models.BigAutoField"
