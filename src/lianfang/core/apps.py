from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianfang.core"
    label = "core"
    verbose_name = "核心"
