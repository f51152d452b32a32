from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "oqu.sso"
    label = "sso"
    verbose_name = _("Single sign-on and privacy")
    default_auto_field = "django.db.models.BigAutoField"
