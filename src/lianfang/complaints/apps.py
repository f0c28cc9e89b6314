from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "lianfang.complaints"
    verbose_name = _("举报箱")
    default_auto_field = "django.db.models.BigAutoField"
