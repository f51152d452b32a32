from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EdmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oqu.edms"
    verbose_name = _("Documents")
