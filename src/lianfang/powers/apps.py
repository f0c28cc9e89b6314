from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowersConfig(AppConfig):
    name = "lianfang.powers"
    label = "powers"
    verbose_name = _("职权目录与流程图")
    default_auto_field = "django.db.models.BigAutoField"
