from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "oqu.testing"
    label = "testing"
    verbose_name = _("Testing")
