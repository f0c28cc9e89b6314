from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "lianfang.cycles"
    label = "cycles"
    verbose_name = _("年度周期")
    default_auto_field = "django.db.models.BigAutoField"
