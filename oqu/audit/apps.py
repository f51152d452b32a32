from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "oqu.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .login_journal import connect as connect_login_journal
        from .signals import on_user_logged_in

        user_logged_in.connect(on_user_logged_in, dispatch_uid="oqu.audit.user_logged_in")
        connect_login_journal()
