"""Kazakh and Russian content fields (G-17); history is registered after translation (STACK-NOTES §4.1)."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .models import AttributeDefinition, OrganizationType, Unit


@register(Unit)
class UnitTranslation(TranslationOptions):
    fields = ("name", "centre")


@register(OrganizationType)
class OrganizationTypeTranslation(TranslationOptions):
    fields = ("name",)


@register(AttributeDefinition)
class AttributeDefinitionTranslation(TranslationOptions):
    fields = ("label",)


register_history(Unit)
