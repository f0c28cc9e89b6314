from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lianfang.audit"
    label = "audit"
    verbose_name = "审计日志"
