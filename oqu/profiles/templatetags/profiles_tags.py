"""Profile entries in templates, and the profile links of the person card."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

from oqu.access import scope
from oqu.kernel.errors import Forbidden, NotFound
from oqu.people.models import Employment, Enrolment
from oqu.web.actor import actor_of

register = template.Library()


@register.filter
def field_label(section: Any, name: str) -> str:
    return str(section.model._meta.get_field(name).verbose_name)


@register.filter
def field_value(entry: Any, name: str) -> str:
    """A field as shown: choices by their label, categories by name, dates as dd.mm.yyyy."""
    if name == "category":
        return entry.category.name(get_language() or "kk")
    display = getattr(entry, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    value = getattr(entry, name)
    if isinstance(value, dt.date):
        return date_format(value, "d.m.Y")
    return "" if value is None else str(value)


def _may(actor: Any, action: str, person: Any) -> bool:
    try:
        scope.require_person(actor, action, person)
    except (NotFound, Forbidden):  # a refusal only hides the link
        return False
    return True


@register.inclusion_tag("profiles/_person_links.html", takes_context=True)
def profile_links(context: dict[str, Any], person: Any) -> dict[str, Any]:
    """Links to the person's teacher and learner profiles, where the user may open them."""
    request = context.get("request")
    links = {"person": person, "teacher": False, "learner": False}
    if request is None or not request.user.is_authenticated:
        return links
    actor = actor_of(request)
    if Employment.objects.filter(person=person).exists():
        links["teacher"] = _may(actor, "profiles.teacher.view", person)
    if Enrolment.objects.filter(person=person).exists():
        links["learner"] = _may(actor, "profiles.learner.view", person)
    return links


@register.simple_tag(takes_context=True)
def roster_visible(context: dict[str, Any], unit: Any) -> bool:
    """Whether the user may open the school's teachers' profiles (the link is shown then)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return actor_of(request).can_at("profiles.teacher.view", unit.path)
