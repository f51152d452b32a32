"""Web pages of the digital profiles: a teacher's, a learner's, a school's attestation calendar.

Thin views: selectors read, services change. Forms post with HTMX and get the changed section
back in place; without JavaScript they post and come back to the page. A refused change shows its
message; 403/404 pass through to the error pages.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.kernel.errors import DomainError
from oqu.orgs.selectors import unit_get
from oqu.people.models import Employment, Enrolment, Guardianship
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services
from .downloads import attachment_response
from .models import Level
from .sections import LEARNER, LEARNER_SECTIONS, SECTIONS, TEACHER, TEACHER_SECTIONS, section_of


def _language() -> str:
    return "kk" if (get_language() or "kk").startswith("kk") else "ru"


def _page_url(profile: str, person_id: Any) -> str:
    name = "profiles:teacher" if profile == TEACHER else "profiles:learner"
    return reverse(name, args=[person_id])


def _edit_form(section: Any, entry: Any, forms: dict[str, Any]) -> Any:
    """The entry's edit form: the refused one with its errors, or one filled from the entry."""
    return forms.get(f"edit:{entry.pk}") or section.form_class()(
        instance=entry, auto_id=f"edit-{entry.pk}-%s"
    )


def _blocks(
    profile_sections: list[Any],
    entries: dict[str, list[Any]],
    forms: dict[str, Any],
    can_manage: bool = False,
) -> list[dict[str, Any]]:
    return [
        {
            "section": section,
            "entries": entries[section.code],
            "rows": [
                {"entry": e, "form": _edit_form(section, e, forms) if can_manage else None}
                for e in entries[section.code]
            ],
            "form": forms.get(section.code) or section.form_class()(auto_id=f"{section.code}-%s"),
        }
        for section in profile_sections
    ]


def _teacher_context(
    request: HttpRequest, person: Any, forms: dict[str, Any] | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    profile = selectors.teacher_profile(actor, person)
    forms = forms or {}
    return {
        "section": "people",
        "person": person,
        "profile": profile,
        "kind": TEACHER,
        "language": _language(),
        "blocks": _blocks(TEACHER_SECTIONS, profile.sections, forms, profile.can_manage),
        "can_manage": profile.can_manage,
        "propose_form": forms.get("propose")
        or SECTIONS["course"].form_class()(auto_id="propose-%s"),
        "can_propose": profile.can_propose,
    }


def _learner_context(
    request: HttpRequest, person: Any, forms: dict[str, Any] | None = None
) -> dict[str, Any]:
    actor = actor_of(request)
    profile = selectors.learner_profile(actor, person)
    return {
        "section": "people",
        "person": person,
        "profile": profile,
        "kind": LEARNER,
        "language": _language(),
        "blocks": _blocks(LEARNER_SECTIONS, profile.sections, forms or {}, profile.can_manage),
        "can_manage": profile.can_manage,
        "levels": [
            (label, profile.counts_by_level[code])
            for code, label in Level.choices
            if code in profile.counts_by_level
        ],
    }


@require_GET
@login_required
def teacher_page(request: HttpRequest, person_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.person_for_profile(actor, person_id, TEACHER)
    context = _teacher_context(request, person)
    services.record_read(actor=actor, person=person, profile=TEACHER)
    return render(request, "profiles/teacher.html", context)


@require_GET
@login_required
def learner_page(request: HttpRequest, person_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.person_for_profile(actor, person_id, LEARNER)
    context = _learner_context(request, person)
    services.record_read(actor=actor, person=person, profile=LEARNER)
    return render(request, "profiles/learner.html", context)


@require_GET
@login_required
def my_profile(request: HttpRequest) -> HttpResponse:
    """One's own profile: a learner's when enrolled, a teacher's when employed, and for a parent
    their child's (the first, by name; the child's card links the others)."""
    person_id = getattr(request.user, "person_id", None)
    if person_id is None:
        raise Http404
    if Enrolment.objects.filter(person_id=person_id, end_date__isnull=True).exists():
        return redirect(_page_url(LEARNER, person_id))
    if not Employment.objects.filter(person_id=person_id, end_date__isnull=True).exists():
        ward = (
            Guardianship.objects.filter(guardian_id=person_id, end_date__isnull=True)
            .order_by("child__last_name_ru", "child__first_name_ru", "child_id")
            .values_list("child_id", flat=True)
            .first()
        )
        if ward is not None:
            return redirect(_page_url(LEARNER, ward))
    return redirect(_page_url(TEACHER, person_id))


def _after_change(
    request: HttpRequest, person: Any, profile: str, forms: dict[str, Any] | None = None
) -> HttpResponse:
    """HTMX: the profile's sections again (with a refused form's errors); else back to the page."""
    if getattr(request, "htmx", False):
        if profile == TEACHER:
            context = _teacher_context(request, person, forms)
        else:
            context = _learner_context(request, person, forms)
        return render(request, "profiles/_sections.html", context)
    return redirect(_page_url(profile, person.pk))


def _refused(request: HttpRequest, error: DomainError) -> None:
    if error.status in (403, 404):
        raise error
    messages.error(request, str(error.message))


def _bound_form(section_code: str, request: HttpRequest, error: DomainError, prefix: str) -> Any:
    form = SECTIONS[section_code].form_class()(data=request.POST, auto_id=f"{prefix}-%s")
    form.is_valid()
    if not form.errors:
        form.add_error(None, str(error.message))
    return form


@require_POST
@login_required
def entry_add(request: HttpRequest, person_id: UUID, section: str) -> HttpResponse:
    if section not in SECTIONS:
        raise Http404
    actor = actor_of(request)
    sec = SECTIONS[section]
    person = selectors.person_for_profile(actor, person_id, sec.profile)
    forms: dict[str, Any] = {}
    try:
        entry = services.entry_create(
            actor=actor, section=section, person=person, data=request.POST.dict()
        )
        upload = request.FILES.get("file")
        if upload and sec.has_attachment:
            services.attachment_set(actor=actor, entry=entry, upload=upload)
    except DomainError as error:
        _refused(request, error)
        forms[section] = _bound_form(section, request, error, section)
    else:
        messages.success(request, _("Saved."))
    return _after_change(request, person, sec.profile, forms)


@require_POST
@login_required
def course_propose(request: HttpRequest, person_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    person = selectors.person_for_profile(actor, person_id, TEACHER)
    forms: dict[str, Any] = {}
    try:
        services.course_propose(actor=actor, person=person, data=request.POST.dict())
    except DomainError as error:
        _refused(request, error)
        forms["propose"] = _bound_form("course", request, error, "propose")
    else:
        messages.success(
            request, _("The course is proposed; it counts once the school confirms it.")
        )
    return _after_change(request, person, TEACHER, forms)


@require_POST
@login_required
def entry_edit(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = selectors.entry_get(actor, entry_id)
    section = section_of(entry)
    person = entry.person
    forms: dict[str, Any] = {}
    try:
        services.entry_update(actor=actor, entry=entry, data=request.POST.dict())
    except DomainError as error:
        _refused(request, error)
        form = section.form_class()(
            data=request.POST,
            instance=selectors.entry_get(actor, entry_id),
            auto_id=f"edit-{entry_id}-%s",
        )
        form.is_valid()
        forms[f"edit:{entry_id}"] = form
    else:
        messages.success(request, _("Saved."))
    return _after_change(request, person, section.profile, forms)


@require_POST
@login_required
def entry_delete(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = selectors.entry_get(actor, entry_id)
    person, profile = entry.person, section_of(entry).profile
    try:
        services.entry_delete(actor=actor, entry=entry)
    except DomainError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Deleted."))
    return _after_change(request, person, profile)


@require_POST
@login_required
def course_decide(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    course = selectors.course_get(actor, entry_id)
    try:
        services.course_decide(
            actor=actor, course=course, approve=request.POST.get("approve") == "1"
        )
    except DomainError as error:
        _refused(request, error)
    back = request.POST.get("back", "")
    if back == "roster":
        return redirect("profiles:roster", course.organization_id)
    return _after_change(request, course.person, TEACHER)


@require_POST
@login_required
def attachment_upload(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = selectors.entry_get(actor, entry_id)
    try:
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
        else:
            services.attachment_set(actor=actor, entry=entry, upload=upload)
            messages.success(request, _("The file is attached."))
    except DomainError as error:
        _refused(request, error)
    return _after_change(request, entry.person, section_of(entry).profile)


@require_GET
@login_required
def attachment_download(request: HttpRequest, entry_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    entry = selectors.attachment_get(actor, entry_id)
    services.record_entry_read(actor=actor, entry=entry, what="file")
    return attachment_response(entry)


@require_GET
@login_required
def roster(request: HttpRequest, unit_id: UUID) -> HttpResponse:
    """The school's staff: categories, next attestations, courses waiting for confirmation."""
    actor = actor_of(request)
    unit = unit_get(actor, unit_id)
    rows = selectors.teacher_roster(actor, unit)
    return render(
        request,
        "profiles/roster.html",
        {
            "section": "home",
            "unit": unit,
            "rows": rows,
            "today": selectors.today(),
            "language": _language(),
            "proposed": list(selectors.proposed_courses(actor, unit)),
        },
    )
