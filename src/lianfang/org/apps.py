from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "lianfang.org"
    label = "org"
    verbose_name = "组织机构"
