from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "oqu.access"
    label = "access"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system check)
