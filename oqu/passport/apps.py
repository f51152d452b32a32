from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassportConfig(AppConfig):
    name = "oqu.passport"
    label = "passport"
    verbose_name = _("Child passport")
