from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "lianfang.supervision"
    verbose_name = _("电子监察")
    default_auto_field = "django.db.models.BigAutoField"
