"""Changes of the LMS: validate → check who acts → change → journal, in one transaction
(SEC-27.9 lesson plans, SEC-27.10 distance learning, SEC-27.11 homework)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import Conflict, Forbidden, ValidationError
from oqu.people.models import Person
from oqu.school.models import Lesson, Subject

from . import files, roles
from .models import (
    Announcement,
    Attachment,
    ChatMessage,
    Conference,
    Homework,
    HomeworkSubmission,
    LessonPlan,
    LessonPlanUse,
)
from .roles import (
    DISTANCE_MANAGE,
    DISTANCE_POST,
    HOMEWORK_MANAGE,
    HOMEWORK_SUBMIT,
    LEARNER,
    PLAN_MANAGE,
    TEACHER,
)

MAX_TEXT = 10_000
MAX_MESSAGE = 2_000
MAX_POINTS = 100
PLAN_FIELDS = ["title", "subject_id", "grade", "objectives", "materials", "body", "shared"]
SUBMISSION_FIELDS = ["status", "text", "submitted_at", "late", "points", "teacher_comment"]


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str, name: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(
            _("This field is required."), code=f"{name}_required", fields={name: ["required"]}
        )
    if len(value) > limit:
        raise ValidationError(
            _("The text is too long."), code=f"{name}_too_long", fields={name: ["too_long"]}
        )
    return value


def _person(actor: Actor) -> Any:
    if not actor.person_id:
        raise Forbidden(_("Your account is not linked to a person."), code="no_person")
    return actor.person_id


def _not_teacher(actor: Actor, action: str, target: Any) -> Forbidden:
    error = Forbidden(_("Only the teacher of this lesson may do this."), code="not_lesson_teacher")
    error.denial = scope.Denial(  # type: ignore[attr-defined]
        actor, action, target._meta.label_lower, str(target.pk), "not_own_lesson"
    )
    return error


def _require_teacher(actor: Actor, lesson: Lesson, area: str, action: str) -> None:
    if roles.lesson_role(actor, lesson, area) != TEACHER:
        raise _not_teacher(actor, action, lesson)


# -- files ------------------------------------------------------------------------------------


def _attach(
    actor: Actor, uploads: Sequence[Any], *, organization_id: Any, **owner: Any
) -> list[Attachment]:
    """Store checked files for one owner (homework, submission, plan or announcement).

    All files are checked before any is stored. Should the transaction roll back later, a stored
    file stays unreferenced; it is never reachable, files are served only through their row."""
    if not uploads:
        return []
    existing = Attachment.objects.filter(**owner).count()
    if existing + len(uploads) > files.MAX_FILES_PER_OWNER:
        raise ValidationError(
            _("No more than %(count)s files may be attached.")
            % {"count": files.MAX_FILES_PER_OWNER},
            code="too_many_files",
            fields={"file": ["too_many"]},
        )
    checked = [files.check_upload(upload) for upload in uploads]
    stored = []
    for item in checked:
        attachment = Attachment(
            organization_id=organization_id,
            original_name=item.name,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            uploaded_by_id=_person(actor),
            **owner,
        )
        attachment.file.save(item.name, ContentFile(item.content), save=False)
        attachment.save()
        journal.record(
            actor=actor,
            action="lms.attachment.create",
            target=attachment,
            after=journal.snapshot(
                attachment, ["original_name", "content_type", "size", "sha256", *_owner_ids()]
            ),
        )
        stored.append(attachment)
    return stored


def _owner_ids() -> list[str]:
    return [f"{name}_id" for name in Attachment.OWNERS]


def attachments_add(actor: Actor, owner: Any, uploads: Sequence[Any]) -> list[Attachment]:
    """Add files to an existing owner, checking the actor may change it."""
    with transaction.atomic():
        if isinstance(owner, Homework):
            _require_teacher(actor, owner.lesson, "homework", HOMEWORK_MANAGE)
            return _attach(actor, uploads, organization_id=owner.organization_id, homework=owner)
        if isinstance(owner, HomeworkSubmission):
            _require_open_submission(actor, owner)
            return _attach(actor, uploads, organization_id=owner.organization_id, submission=owner)
        if isinstance(owner, LessonPlan):
            _require_author(actor, owner)
            return _attach(actor, uploads, organization_id=owner.organization_id, plan=owner)
        if isinstance(owner, Announcement):
            _require_open_lesson(actor, owner.lesson)
            _require_teacher(actor, owner.lesson, "distance", DISTANCE_MANAGE)
            return _attach(
                actor, uploads, organization_id=owner.organization_id, announcement=owner
            )
    raise TypeError(owner)


# -- homework (SEC-27.11) ---------------------------------------------------------------------


def _check_max_points(max_points: int | None) -> None:
    if max_points is not None and not 1 <= max_points <= MAX_POINTS:
        raise ValidationError(
            _("The maximum must be from 1 to 100 points."),
            code="max_points_range",
            fields={"max_points": ["range"]},
        )


@transaction.atomic
def homework_set(
    *,
    actor: Actor,
    lesson: Lesson,
    text: str,
    due_date: dt.date,
    max_points: int | None = None,
    uploads: Sequence[Any] = (),
) -> Homework:
    """The lesson's teacher sets homework for its class (or subgroup), due on or after the lesson."""
    _require_teacher(actor, lesson, "homework", HOMEWORK_MANAGE)
    text = _text(text, "text")
    if due_date < lesson.date:
        raise ValidationError(
            _("The due date cannot be before the lesson."),
            code="due_before_lesson",
            fields={"due_date": ["before_lesson"]},
        )
    _check_max_points(max_points)
    homework = Homework.objects.create(
        organization_id=lesson.organization_id,
        lesson=lesson,
        assignment_id=lesson.assignment_id,
        text=text,
        due_date=due_date,
        max_points=max_points,
        set_by_id=_person(actor),
    )
    journal.record(
        actor=actor, action="lms.homework.create", target=homework, after=journal.snapshot(homework)
    )
    _attach(actor, uploads, organization_id=lesson.organization_id, homework=homework)
    return homework


@transaction.atomic
def homework_change(
    *,
    actor: Actor,
    homework: Homework,
    text: str,
    due_date: dt.date,
    max_points: int | None = None,
) -> Homework:
    _require_teacher(actor, homework.lesson, "homework", HOMEWORK_MANAGE)
    homework = Homework.objects.select_for_update().get(pk=homework.pk)
    before = journal.snapshot(homework, ["text", "due_date", "max_points"])
    text = _text(text, "text")
    if due_date < homework.lesson.date:
        raise ValidationError(
            _("The due date cannot be before the lesson."),
            code="due_before_lesson",
            fields={"due_date": ["before_lesson"]},
        )
    _check_max_points(max_points)
    checked = homework.submissions.filter(points__isnull=False)
    if max_points is not None and checked.filter(points__gt=max_points).exists():
        raise Conflict(
            _("Some submissions already have more points than this maximum."),
            code="max_points_below_marks",
        )
    homework.text, homework.due_date, homework.max_points = text, due_date, max_points
    homework.save(update_fields=["text", "due_date", "max_points", "updated_at"])
    old, new = journal.changed(before, journal.snapshot(homework, list(before)))
    if new:
        journal.record(
            actor=actor, action="lms.homework.change", target=homework, before=old, after=new
        )
    return homework


def _require_open_submission(actor: Actor, submission: HomeworkSubmission) -> None:
    if submission.learner_id != actor.person_id:
        raise scope.not_found(actor, HOMEWORK_SUBMIT, "lms.homeworksubmission", submission.pk)
    if submission.status == HomeworkSubmission.Status.CHECKED:
        raise Conflict(
            _("The teacher has already checked this work: it can no longer be changed."),
            code="submission_checked",
        )


@transaction.atomic
def submission_submit(
    *, actor: Actor, homework: Homework, text: str = "", uploads: Sequence[Any] = ()
) -> HomeworkSubmission:
    """A learner of the class submits (or resubmits, until it is checked) their own work; after
    the due date the submission is accepted and flagged as late."""
    person_id = _person(actor)
    if roles.lesson_role(actor, homework.lesson, "homework") != LEARNER:
        raise _not_learner(actor, homework)
    learner = Person.objects.get(pk=person_id)
    scope.require_person(actor, HOMEWORK_SUBMIT, learner)
    text = _text(text, "text", required=False)
    if not text and not uploads:
        raise ValidationError(
            _("Write an answer or attach a file."),
            code="answer_required",
            fields={"text": ["required"]},
        )
    now = timezone.now()
    late = timezone.localdate(now) > homework.due_date
    submission = (
        HomeworkSubmission.objects.select_for_update()
        .filter(homework=homework, learner_id=person_id)
        .first()
    )
    if submission is None:
        submission = HomeworkSubmission.objects.create(
            organization_id=homework.organization_id,
            homework=homework,
            learner_id=person_id,
            text=text,
            submitted_at=now,
            late=late,
        )
        journal.record(
            actor=actor,
            action="lms.submission.create",
            target=submission,
            after=journal.snapshot(submission, SUBMISSION_FIELDS),
        )
    else:
        _require_open_submission(actor, submission)
        before = journal.snapshot(submission, SUBMISSION_FIELDS)
        submission.text = text or submission.text
        submission.submitted_at, submission.late = now, late
        submission.status = HomeworkSubmission.Status.SUBMITTED
        submission.save()
        old, new = journal.changed(before, journal.snapshot(submission, SUBMISSION_FIELDS))
        journal.record(
            actor=actor, action="lms.submission.resubmit", target=submission, before=old, after=new
        )
    _attach(actor, uploads, organization_id=homework.organization_id, submission=submission)
    return submission


def _not_learner(actor: Actor, homework: Homework) -> Forbidden:
    error = Forbidden(
        _("Only a learner of this class submits this homework."), code="not_class_learner"
    )
    error.denial = scope.Denial(  # type: ignore[attr-defined]
        actor, HOMEWORK_SUBMIT, "lms.homework", str(homework.pk), "not_class_learner"
    )
    return error


@transaction.atomic
def submission_check(
    *,
    actor: Actor,
    submission: HomeworkSubmission,
    decision: str,
    points: Decimal | None = None,
    comment: str = "",
) -> HomeworkSubmission:
    """The teacher marks the work (points up to the maximum, with a comment) or returns it for
    revision (a comment says what to revise); a returned work may be submitted again."""
    homework = submission.homework
    _require_teacher(actor, homework.lesson, "homework", HOMEWORK_MANAGE)
    submission = HomeworkSubmission.objects.select_for_update().get(pk=submission.pk)
    before = journal.snapshot(submission, SUBMISSION_FIELDS)
    comment = _text(comment, "comment", required=decision == "return")
    if decision == "return":
        if submission.status == HomeworkSubmission.Status.CHECKED:
            raise Conflict(_("This work is already checked."), code="submission_checked")
        submission.status = HomeworkSubmission.Status.RETURNED
        submission.points = None
    elif decision == "mark":
        submission.points = _points(points, homework.max_points)
        submission.status = HomeworkSubmission.Status.CHECKED
    else:
        raise ValidationError(code="decision_invalid", fields={"decision": ["invalid"]})
    submission.teacher_comment = comment
    submission.checked_by_id = _person(actor)
    submission.checked_at = timezone.now()
    submission.save()
    old, new = journal.changed(before, journal.snapshot(submission, SUBMISSION_FIELDS))
    journal.record(
        actor=actor, action=f"lms.submission.{decision}", target=submission, before=old, after=new
    )
    return submission


def _points(points: Decimal | None, maximum: int | None) -> Decimal | None:
    if points is None:
        if maximum is not None:
            raise ValidationError(
                _("Give the points for this work."),
                code="points_required",
                fields={"points": ["required"]},
            )
        return None
    if maximum is None:
        raise ValidationError(
            _("This homework is not marked in points."),
            code="points_not_expected",
            fields={"points": ["not_expected"]},
        )
    if points < 0 or points > maximum or points != points.quantize(Decimal("0.5")):
        raise ValidationError(
            _("Points must be from 0 to %(max)s, in steps of a half point.") % {"max": maximum},
            code="points_range",
            fields={"points": ["range"]},
        )
    return points


# -- lesson plans (SEC-27.9) ------------------------------------------------------------------


def _require_author(actor: Actor, plan: LessonPlan) -> None:
    scope.require(actor, PLAN_MANAGE, plan.organization, target=plan)
    if plan.author_id != actor.person_id:
        error = Forbidden(_("Only the author may change this lesson plan."), code="not_author")
        error.denial = scope.Denial(  # type: ignore[attr-defined]
            actor, PLAN_MANAGE, "lms.lessonplan", str(plan.pk), "not_author"
        )
        raise error


def _plan_values(organization: Any, data: dict[str, Any]) -> dict[str, Any]:
    subject = data.get("subject")
    if subject is not None and subject.organization_id != organization.pk:
        raise ValidationError(code="subject_invalid", fields={"subject_id": ["other_school"]})
    grade = data.get("grade")
    if grade is not None and not 0 <= grade <= 12:
        raise ValidationError(
            _("The grade must be from 0 to 12."), code="grade_range", fields={"grade": ["range"]}
        )
    return {
        "title": _text(data.get("title", ""), "title", limit=200),
        "subject": subject,
        "grade": grade,
        "objectives": _text(data.get("objectives", ""), "objectives", required=False),
        "materials": _text(data.get("materials", ""), "materials", required=False),
        "body": _text(data.get("body", ""), "body", required=False, limit=50_000),
        "shared": bool(data.get("shared", False)),
    }


@transaction.atomic
def plan_create(
    *, actor: Actor, organization: Any, uploads: Sequence[Any] = (), **data: Any
) -> LessonPlan:
    """A teacher's own lesson plan in their school."""
    scope.require(actor, PLAN_MANAGE, organization)
    values = _plan_values(organization, data)
    plan = LessonPlan.objects.create(organization=organization, author_id=_person(actor), **values)
    journal.record(
        actor=actor,
        action="lms.plan.create",
        target=plan,
        after=journal.snapshot(plan, PLAN_FIELDS),
    )
    _attach(actor, uploads, organization_id=organization.pk, plan=plan)
    return plan


@transaction.atomic
def plan_change(*, actor: Actor, plan: LessonPlan, **data: Any) -> LessonPlan:
    _require_author(actor, plan)
    plan = LessonPlan.objects.select_for_update().get(pk=plan.pk)
    before = journal.snapshot(plan, PLAN_FIELDS)
    current = {name: getattr(plan, name) for name in PLAN_FIELDS if name != "subject_id"}
    current["subject"] = plan.subject
    current.update(data)
    for name, value in _plan_values(plan.organization, current).items():
        setattr(plan, name, value)
    plan.save()
    old, new = journal.changed(before, journal.snapshot(plan, PLAN_FIELDS))
    if new:
        journal.record(actor=actor, action="lms.plan.change", target=plan, before=old, after=new)
    return plan


@transaction.atomic
def plan_copy(*, actor: Actor, plan: LessonPlan, title: str = "") -> LessonPlan:
    """A copy for another class or year (of one's own or a shared plan), owned by the actor; its
    files are copied by reference to the same content (new rows, same stored bytes)."""
    scope.require(actor, PLAN_MANAGE, plan.organization, target=plan)
    copy = LessonPlan.objects.create(
        organization_id=plan.organization_id,
        author_id=_person(actor),
        title=_text(title or plan.title, "title", limit=200),
        subject_id=plan.subject_id,
        grade=plan.grade,
        objectives=plan.objectives,
        materials=plan.materials,
        body=plan.body,
        shared=False,
        copied_from=plan,
    )
    for attachment in plan.attachments.all():
        Attachment.objects.create(
            organization_id=copy.organization_id,
            file=attachment.file.name,
            original_name=attachment.original_name,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            uploaded_by_id=attachment.uploaded_by_id,
            plan=copy,
        )
    journal.record(
        actor=actor,
        action="lms.plan.copy",
        target=copy,
        after={**journal.snapshot(copy, PLAN_FIELDS), "copied_from_id": str(plan.pk)},
    )
    return copy


@transaction.atomic
def plan_attach(*, actor: Actor, plan: LessonPlan, lesson: Lesson) -> LessonPlanUse:
    """The author attaches their plan to one of the lessons they teach (any class, any year)."""
    _require_author(actor, plan)
    if lesson.organization_id != plan.organization_id:
        raise ValidationError(code="lesson_other_school", fields={"lesson_id": ["other_school"]})
    if not roles.teaches(actor, lesson):
        raise _not_teacher(actor, PLAN_MANAGE, lesson)
    use, created = LessonPlanUse.objects.get_or_create(
        plan=plan,
        lesson=lesson,
        defaults={"organization_id": plan.organization_id, "attached_by_id": _person(actor)},
    )
    if not created:
        raise Conflict(_("This plan is already attached to the lesson."), code="plan_attached")
    journal.record(
        actor=actor,
        action="lms.plan.attach",
        target=use,
        after={"plan_id": str(plan.pk), "lesson_id": str(lesson.pk)},
    )
    return use


@transaction.atomic
def plan_detach(*, actor: Actor, plan: LessonPlan, lesson: Lesson) -> None:
    _require_author(actor, plan)
    use = LessonPlanUse.objects.filter(plan=plan, lesson=lesson).first()
    if use is None:
        raise scope.not_found(actor, PLAN_MANAGE, "lms.lessonplanuse", lesson.pk)
    journal.record(
        actor=actor,
        action="lms.plan.detach",
        target=use,
        before={"plan_id": str(plan.pk), "lesson_id": str(lesson.pk)},
    )
    use.delete()


# -- distance learning (SEC-27.10) ------------------------------------------------------------


def _require_open_lesson(actor: Actor, lesson: Lesson) -> None:
    roles.lesson_role(actor, lesson, "distance")
    if roles.is_archived(lesson, _today()):
        raise Conflict(
            _("The lesson is archived: its chat and announcements can no longer change."),
            code="lesson_archived",
        )


def _https_url(url: str, message: str = "") -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if (
        len(url) > 500
        or parts.scheme != "https"
        or not parts.hostname
        or "." not in parts.hostname
        or parts.username
        or parts.password
        or any(ch.isspace() for ch in url)
    ):
        raise ValidationError(
            message or _("Enter a video-conference link starting with https://."),
            code="url_invalid",
            fields={"url": ["https"]},
        )
    return url


@transaction.atomic
def conference_set(*, actor: Actor, lesson: Lesson, url: str) -> Conference | None:
    """Set, change or (with an empty link) remove the lesson's video-conference link."""
    _require_open_lesson(actor, lesson)
    _require_teacher(actor, lesson, "distance", DISTANCE_MANAGE)
    current = Conference.objects.select_for_update().filter(lesson=lesson).first()
    before = {"url": current.url} if current else None
    if not (url or "").strip():
        if current is not None and current.recording_url:
            raise Conflict(
                _("The conference has a recording: remove the recording first."),
                code="conference_has_recording",
            )
        if current is not None:
            journal.record(
                actor=actor, action="lms.conference.delete", target=current, before=before
            )
            current.delete()
        return None
    url = _https_url(url)
    if current is None:
        current = Conference.objects.create(
            organization_id=lesson.organization_id, lesson=lesson, url=url, set_by_id=_person(actor)
        )
    else:
        current.url, current.set_by_id = url, _person(actor)
        current.save()
    journal.record(
        actor=actor, action="lms.conference.set", target=current, before=before, after={"url": url}
    )
    return current


@transaction.atomic
def recording_set(*, actor: Actor, lesson: Lesson, url: str) -> Conference:
    """Keep (or with an empty link remove) the link to the recording of the lesson's conference.

    The recording belongs to the conference: the lesson must have one and must have taken place;
    after the archive date it is read-only like the rest of the lesson's distance learning."""
    _require_open_lesson(actor, lesson)
    _require_teacher(actor, lesson, "distance", DISTANCE_MANAGE)
    conference = Conference.objects.select_for_update().filter(lesson=lesson).first()
    if conference is None:
        raise Conflict(
            _("Set the lesson's video-conference link first: the recording is kept with it."),
            code="conference_missing",
        )
    if lesson.date > _today():
        raise ValidationError(
            _("The lesson has not taken place yet: its recording comes after it."),
            code="lesson_in_future",
        )
    before = {"recording_url": conference.recording_url}
    url = (url or "").strip()
    if url:
        url = _https_url(url, _("Enter a recording link starting with https://."))
    if url == conference.recording_url:
        return conference
    conference.recording_url = url
    conference.recording_set_at = timezone.now() if url else None
    conference.recording_set_by_id = _person(actor) if url else None
    conference.save()
    journal.record(
        actor=actor,
        action="lms.conference.recording",
        target=conference,
        before=before,
        after={"recording_url": url},
    )
    return conference


@transaction.atomic
def message_post(*, actor: Actor, lesson: Lesson, text: str) -> ChatMessage:
    """A message in the lesson's class chat, by its teacher or a learner of the class."""
    _require_open_lesson(actor, lesson)
    role = roles.lesson_role(actor, lesson, "distance")
    if role == LEARNER:
        scope.require_person(actor, DISTANCE_POST, Person.objects.get(pk=actor.person_id))
    elif role != TEACHER:
        raise _not_teacher(actor, DISTANCE_POST, lesson)
    message = ChatMessage.objects.create(
        organization_id=lesson.organization_id,
        lesson=lesson,
        author_id=_person(actor),
        text=_text(text, "text", limit=MAX_MESSAGE),
    )
    journal.record(
        actor=actor,
        action="lms.chat.post",
        target=message,
        after=journal.snapshot(message, ["lesson_id", "author_id", "text"]),
    )
    return message


@transaction.atomic
def message_delete(*, actor: Actor, message: ChatMessage) -> ChatMessage:
    """The teacher's moderation: the message is hidden from the chat; the journal keeps its text."""
    _require_open_lesson(actor, message.lesson)
    _require_teacher(actor, message.lesson, "distance", DISTANCE_MANAGE)
    if message.deleted_at is not None:
        return message
    journal.record(
        actor=actor,
        action="lms.chat.delete",
        target=message,
        before=journal.snapshot(message, ["author_id", "text"]),
    )
    message.deleted_at, message.deleted_by_id = timezone.now(), _person(actor)
    message.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return message


@transaction.atomic
def announcement_post(
    *, actor: Actor, lesson: Lesson, text: str, uploads: Sequence[Any] = ()
) -> Announcement:
    _require_open_lesson(actor, lesson)
    _require_teacher(actor, lesson, "distance", DISTANCE_MANAGE)
    announcement = Announcement.objects.create(
        organization_id=lesson.organization_id,
        lesson=lesson,
        author_id=_person(actor),
        text=_text(text, "text"),
    )
    journal.record(
        actor=actor,
        action="lms.announcement.create",
        target=announcement,
        after=journal.snapshot(announcement, ["lesson_id", "text"]),
    )
    _attach(actor, uploads, organization_id=lesson.organization_id, announcement=announcement)
    return announcement


def subject_for(organization: Any, subject_id: Any) -> Subject | None:
    """A subject of the plan's school (a subject of another school is refused as invalid)."""
    if not subject_id:
        return None
    subject = Subject.objects.filter(pk=subject_id, organization=organization).first()
    if subject is None:
        raise ValidationError(code="subject_invalid", fields={"subject_id": ["invalid"]})
    return subject
