"""Web pages of homework (SEC-27.11), lesson plans (SEC-27.9) and distance learning (SEC-27.10).

Thin views: selectors read, services change; a refused change shows its kk/ru message, 403/404
pass through to the error pages. The class chat refreshes itself by HTMX polling.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oqu.access import scope
from oqu.kernel.errors import DomainError, NotFound, ValidationError
from oqu.orgs.models import Unit
from oqu.people.models import Guardianship, Person
from oqu.school.models import ClassMembership, Subject
from oqu.web.actions import apply_change
from oqu.web.actor import actor_of
from oqu.web.views import login_required

from . import selectors, services
from .download import file_response
from .selectors import HOMEWORK_MANAGE, PARENT, PLAN_MANAGE, SUPERVISOR, TEACHER

RECENT_DAYS = 14
AHEAD_DAYS = 7


def _today() -> dt.date:
    return timezone.localdate()


def _date(request: HttpRequest, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        raise ValidationError(
            _("Enter a valid date."), code="date_invalid", fields={name: ["invalid"]}
        ) from None


def _optional_int(request: HttpRequest, name: str) -> int | None:
    raw = request.POST.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationError(
            _("Enter a whole number."), code="number_invalid", fields={name: ["invalid"]}
        ) from None


def _optional_points(request: HttpRequest) -> Decimal | None:
    raw = request.POST.get("points", "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            _("Enter a number of points."), code="points_invalid", fields={"points": ["invalid"]}
        ) from None


def _lesson_url(lesson_id: Any) -> str:
    return reverse("lms:lesson", args=[lesson_id])


# -- the start page ----------------------------------------------------------------------------


def _children(person_id: Any) -> list[Person]:
    if not person_id:
        return []
    return [
        g.child
        for g in Guardianship.objects.filter(guardian_id=person_id, end_date__isnull=True)
        .select_related("child")
        .order_by("child__first_name_ru")
    ]


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A teacher's lessons and overdue list; a learner's homework; a parent's children's homework."""
    actor = actor_of(request)
    today = _today()
    teaching = bool(actor.person_id and actor.paths_for(HOMEWORK_MANAGE))
    lessons = (
        list(
            selectors.teacher_lessons(
                actor,
                date_from=today - dt.timedelta(days=RECENT_DAYS),
                date_to=today + dt.timedelta(days=AHEAD_DAYS),
            )
        )
        if teaching
        else []
    )
    overdue = selectors.overdue_for_teacher(actor, today=today) if teaching else []
    is_learner = bool(
        actor.person_id
        and ClassMembership.objects.filter(
            person_id=actor.person_id, end_date__isnull=True
        ).exists()
    )
    own = (
        selectors.homework_for_learner(actor, Person.objects.get(pk=actor.person_id), today=today)
        if is_learner
        else []
    )
    return render(
        request,
        "lms/home.html",
        {
            "section": "lms",
            "teaching": teaching,
            "lessons": lessons,
            "overdue": overdue,
            "is_learner": is_learner,
            "own": own,
            "children": _children(actor.person_id),
            "today": today,
        },
    )


@require_GET
@login_required
def learner_homework(request: HttpRequest, person_id: UUID) -> HttpResponse:
    """A learner's homework with statuses and what is overdue (the learner, a parent read-only)."""
    actor = actor_of(request)
    learner = Person.objects.filter(pk=person_id).first()
    if learner is None:
        raise scope.not_found(actor, selectors.HOMEWORK_VIEW, "people.person", person_id)
    rows = selectors.homework_for_learner(actor, learner, today=_today())
    return render(
        request,
        "lms/learner_homework.html",
        {"section": "lms", "learner": learner, "rows": rows, "today": _today()},
    )


# -- a lesson: homework, plans, distance learning ----------------------------------------------


def _lesson_and_roles(actor: Any, lesson_id: UUID) -> tuple[Any, str | None, str | None]:
    """The lesson with the actor's part in homework and in distance learning (either may be
    missing; both missing is the denial of the homework part)."""
    lesson, homework_role = None, None
    try:
        lesson, homework_role = selectors.lesson_get(actor, lesson_id, "homework")
    except DomainError as homework_denial:
        try:
            lesson, distance_role = selectors.lesson_get(actor, lesson_id, "distance")
        except DomainError:
            raise homework_denial from None
        return lesson, None, distance_role
    try:
        distance_role: str | None = selectors.lesson_role(actor, lesson, "distance")
    except DomainError:
        distance_role = None
    return lesson, homework_role, distance_role


def _my_plans(actor: Any, lesson: Any) -> list[Any]:
    if not actor.person_id:
        return []
    return list(
        selectors.plan_list(actor)
        .filter(author_id=actor.person_id, organization_id=lesson.organization_id)
        .order_by("title")
    )


@require_GET
@login_required
def lesson(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson, homework_role, distance_role = _lesson_and_roles(actor, lesson_id)
    conference = selectors.conference_of(lesson) if distance_role else None
    context = {
        "section": "lms",
        "lesson": lesson,
        "homework_role": homework_role,
        "distance_role": distance_role,
        "is_teacher": TEACHER in (homework_role, distance_role),
        "homework_list": selectors.homework_of_lesson(lesson) if homework_role else [],
        "plans": selectors.plans_of_lesson(lesson)
        if homework_role in (TEACHER, SUPERVISOR)
        else [],
        "my_plans": _my_plans(actor, lesson) if homework_role == TEACHER else [],
        "conference": conference,
        "announcements": selectors.announcements_of(lesson) if distance_role else [],
        "messages_": selectors.chat_messages(lesson) if distance_role else [],
        "archived": selectors.is_archived(lesson, _today()),
        "archive_date": selectors.archive_date(lesson),
        "can_post": distance_role in (TEACHER, selectors.LEARNER),
        "today": _today(),
        "default_due": lesson.date + dt.timedelta(days=2),
    }
    return render(request, "lms/lesson.html", context)


@require_POST
@login_required
def homework_set(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson, _role = selectors.lesson_get(actor, lesson_id, "homework")
    return apply_change(
        request,
        lambda: services.homework_set(
            actor=actor,
            lesson=lesson,
            text=request.POST.get("text", ""),
            due_date=_date(request, "due_date"),
            max_points=_optional_int(request, "max_points"),
            uploads=request.FILES.getlist("files"),
        ),
        _("The homework has been set."),
        _lesson_url(lesson.pk),
    )


@require_POST
@login_required
def recording_set(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson, _role = selectors.lesson_get(actor, lesson_id, "distance")
    return apply_change(
        request,
        lambda: services.recording_set(actor=actor, lesson=lesson, url=request.POST.get("url", "")),
        _("The recording link has been saved."),
        _lesson_url(lesson.pk),
    )


@require_POST
@login_required
def conference_set(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson, _role = selectors.lesson_get(actor, lesson_id, "distance")
    return apply_change(
        request,
        lambda: services.conference_set(
            actor=actor, lesson=lesson, url=request.POST.get("url", "")
        ),
        _("The video-conference link has been saved."),
        _lesson_url(lesson.pk),
    )


@require_POST
@login_required
def announcement_post(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson, _role = selectors.lesson_get(actor, lesson_id, "distance")
    return apply_change(
        request,
        lambda: services.announcement_post(
            actor=actor,
            lesson=lesson,
            text=request.POST.get("text", ""),
            uploads=request.FILES.getlist("files"),
        ),
        _("The announcement has been published."),
        _lesson_url(lesson.pk),
    )


def _chat_panel(request: HttpRequest, lesson: Any, role: str, error: str = "") -> HttpResponse:
    return render(
        request,
        "lms/_chat_box.html",
        {
            "lesson": lesson,
            "distance_role": role,
            "messages_": selectors.chat_messages(lesson),
            "archived": selectors.is_archived(lesson, _today()),
            "can_post": role in (TEACHER, selectors.LEARNER),
            "chat_error": error,
        },
    )


@require_GET
@login_required
def chat(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    """The chat panel (polled by HTMX every few seconds)."""
    actor = actor_of(request)
    lesson, role = selectors.lesson_get(actor, lesson_id, "distance")
    return render(
        request,
        "lms/_chat.html",
        {
            "lesson": lesson,
            "distance_role": role,
            "messages_": selectors.chat_messages(lesson),
            "archived": selectors.is_archived(lesson, _today()),
        },
    )


@require_POST
@login_required
def chat_post(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    lesson, role = selectors.lesson_get(actor, lesson_id, "distance")
    try:
        services.message_post(actor=actor, lesson=lesson, text=request.POST.get("text", ""))
    except DomainError as error:
        if error.status in (403, 404) or not request.htmx:
            raise
        return _chat_panel(request, lesson, role, str(error.message))
    if not request.htmx:
        return redirect(_lesson_url(lesson.pk))
    return _chat_panel(request, lesson, role)


@require_POST
@login_required
def chat_delete(request: HttpRequest, message_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    message, role = selectors.message_get(actor, message_id)
    try:
        services.message_delete(actor=actor, message=message)
    except DomainError as error:
        if error.status in (403, 404) or not request.htmx:
            raise
        return _chat_panel(request, message.lesson, role, str(error.message))
    if not request.htmx:
        return redirect(_lesson_url(message.lesson_id))
    return _chat_panel(request, message.lesson, role)


# -- homework ----------------------------------------------------------------------------------


@require_GET
@login_required
def homework(request: HttpRequest, homework_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    homework, role = selectors.homework_get(actor, homework_id)
    submissions = selectors.submissions_of(homework, role, actor)
    missing: list[Any] = []
    if role in (TEACHER, SUPERVISOR):
        submitted = {s.learner_id for s in submissions}
        missing = list(
            Person.objects.filter(
                pk__in=selectors.learner_ids(homework.assignment) - submitted
            ).order_by("last_name_ru", "first_name_ru")
        )
    own = next((s for s in submissions if s.learner_id == actor.person_id), None)
    return render(
        request,
        "lms/homework.html",
        {
            "section": "lms",
            "homework": homework,
            "role": role,
            "submissions": submissions,
            "missing": missing,
            "own": own,
            "is_parent": role == PARENT,
            "today": _today(),
        },
    )


@require_POST
@login_required
def homework_submit(request: HttpRequest, homework_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    homework, _role = selectors.homework_get(actor, homework_id)
    return apply_change(
        request,
        lambda: services.submission_submit(
            actor=actor,
            homework=homework,
            text=request.POST.get("text", ""),
            uploads=request.FILES.getlist("files"),
        ),
        _("Your work has been submitted."),
        reverse("lms:homework", args=[homework.pk]),
    )


@require_POST
@login_required
def submission_check(request: HttpRequest, submission_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    submission, _role = selectors.submission_get(actor, submission_id)
    return apply_change(
        request,
        lambda: services.submission_check(
            actor=actor,
            submission=submission,
            decision=request.POST.get("decision", ""),
            points=_optional_points(request),
            comment=request.POST.get("comment", ""),
        ),
        _("The check has been saved."),
        reverse("lms:homework", args=[submission.homework_id]),
    )


# -- lesson plans --------------------------------------------------------------------------------


def _plan_schools(actor: Any) -> list[Unit]:
    """The schools where the actor may write lesson plans."""
    return list(
        Unit.objects.filter(path__in=actor.paths_for(PLAN_MANAGE), kind="organization").order_by(
            "name"
        )
    )


def _plan_data(request: HttpRequest, organization: Any) -> dict[str, Any]:
    return {
        "title": request.POST.get("title", ""),
        "subject": services.subject_for(organization, request.POST.get("subject_id") or None),
        "grade": _optional_int(request, "grade"),
        "objectives": request.POST.get("objectives", ""),
        "materials": request.POST.get("materials", ""),
        "body": request.POST.get("body", ""),
        "shared": request.POST.get("shared") == "on",
    }


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    """Own plans, colleagues' shared plans (and every plan for reviewers); a form for a new one."""
    actor = actor_of(request)
    schools = _plan_schools(actor)
    if request.method == "POST":
        school = next((s for s in schools if str(s.pk) == request.POST.get("organization")), None)
        if school is None:
            raise NotFound()
        created: list[Any] = []

        def create() -> None:
            created.append(
                services.plan_create(
                    actor=actor,
                    organization=school,
                    uploads=request.FILES.getlist("files"),
                    **_plan_data(request, school),
                )
            )

        response = apply_change(
            request, create, _("The lesson plan has been saved."), reverse("lms:plans")
        )
        return redirect(reverse("lms:plan", args=[created[0].pk])) if created else response
    rows = list(selectors.plan_list(actor).order_by("-updated_at", "pk")[:200])
    return render(
        request,
        "lms/plans.html",
        {
            "section": "lms",
            "own": [p for p in rows if p.author_id == actor.person_id],
            "others": [p for p in rows if p.author_id != actor.person_id],
            "schools": schools,
            "subjects": list(Subject.objects.filter(organization__in=schools).order_by("code")),
        },
    )


@require_GET
@login_required
def plan(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.plan_get(actor, plan_id)
    today = _today()
    is_author = plan.author_id == actor.person_id
    lessons = (
        list(
            selectors.teacher_lessons(
                actor,
                date_from=today - dt.timedelta(days=RECENT_DAYS),
                date_to=today + dt.timedelta(days=30),
            ).filter(organization_id=plan.organization_id)
        )
        if is_author
        else []
    )
    return render(
        request,
        "lms/plan.html",
        {
            "section": "lms",
            "plan": plan,
            "is_author": is_author,
            "can_copy": actor.can_at(PLAN_MANAGE, plan.organization.path),
            "uses": selectors.plan_uses(plan),
            "lessons": lessons,
            "subjects": list(
                Subject.objects.filter(organization_id=plan.organization_id).order_by("code")
            ),
        },
    )


@require_POST
@login_required
def plan_edit(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.plan_get(actor, plan_id)
    return apply_change(
        request,
        lambda: services.plan_change(
            actor=actor, plan=plan, **_plan_data(request, plan.organization)
        ),
        _("The lesson plan has been saved."),
        reverse("lms:plan", args=[plan.pk]),
    )


@require_POST
@login_required
def plan_copy(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.plan_get(actor, plan_id)
    copy = services.plan_copy(actor=actor, plan=plan, title=request.POST.get("title", ""))
    messages.success(request, _("The lesson plan has been copied."))
    return redirect(reverse("lms:plan", args=[copy.pk]))


@require_POST
@login_required
def plan_attach(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.plan_get(actor, plan_id)
    try:
        lesson_id = UUID(request.POST.get("lesson_id", ""))
    except ValueError:
        messages.error(request, _("Choose a lesson."))
        return redirect(reverse("lms:plan", args=[plan.pk]))
    lesson, _role = selectors.lesson_get(actor, lesson_id, "homework")
    return apply_change(
        request,
        lambda: services.plan_attach(actor=actor, plan=plan, lesson=lesson),
        _("The plan has been attached to the lesson."),
        reverse("lms:plan", args=[plan.pk]),
    )


@require_POST
@login_required
def lesson_plan_attach(request: HttpRequest, lesson_id: UUID) -> HttpResponse:
    """Attach one of the teacher's plans to this lesson (from the lesson page)."""
    actor = actor_of(request)
    lesson, _role = selectors.lesson_get(actor, lesson_id, "homework")
    try:
        plan_id = UUID(request.POST.get("plan_id", ""))
    except ValueError:
        messages.error(request, _("Choose a lesson plan."))
        return redirect(_lesson_url(lesson.pk))
    plan = selectors.plan_get(actor, plan_id)
    return apply_change(
        request,
        lambda: services.plan_attach(actor=actor, plan=plan, lesson=lesson),
        _("The plan has been attached to the lesson."),
        _lesson_url(lesson.pk),
    )


@require_POST
@login_required
def plan_files(request: HttpRequest, plan_id: UUID) -> HttpResponse:
    actor = actor_of(request)
    plan = selectors.plan_get(actor, plan_id)
    return apply_change(
        request,
        lambda: services.attachments_add(actor, plan, request.FILES.getlist("files")),
        _("The files have been attached."),
        reverse("lms:plan", args=[plan.pk]),
    )


# -- files -------------------------------------------------------------------------------------


@require_GET
@login_required
def attachment_download(request: HttpRequest, attachment_id: UUID) -> HttpResponse:
    """A file, only to whoever may read what it is attached to."""
    return file_response(selectors.attachment_get(actor_of(request), attachment_id))
