from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PkiConfig(AppConfig):
    name = "oqu.pki"
    label = "pki"
    verbose_name = _("Electronic signatures")

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the production settings check
