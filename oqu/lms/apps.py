from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "oqu.lms"
    label = "lms"
    verbose_name = _("Learning: homework, lesson plans, distance learning")
