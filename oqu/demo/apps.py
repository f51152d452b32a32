from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic national-scale data and demo accounts (`manage.py seed`); no models of its own."""

    name = "oqu.demo"
    label = "demo"
    verbose_name = "Demo data"
    default_auto_field = "django.db.models.BigAutoField"
