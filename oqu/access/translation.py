"""Role names in Kazakh and Russian; grants and roles keep their history (G-5.8)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import Grant, Role


@register(Role)
class RoleTranslation(TranslationOptions):
    fields = ("name",)


register_history(Role)
register_history(Grant)
