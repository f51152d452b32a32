from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "oqu.identity"
    label = "identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import mfa_signals

        mfa_signals.connect()
