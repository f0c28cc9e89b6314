from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "lianfang.review"
    verbose_name = _("审核与进度")
    default_auto_field = "django.db.models.BigAutoField"
