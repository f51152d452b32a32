from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "oqu.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .login_journal import connect as connect_login_journal

        connect_login_journal()
