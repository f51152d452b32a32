"""Homework, lesson plans, distance learning and their files over HTTP, under /api/v1/lms/
(SEC-27.9, SEC-27.10, SEC-27.11). Thin: selectors read, services change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from oqu.access import scope
from oqu.apikit import (
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    PageQuery,
    actor,
    page_of,
    paginate,
)
from oqu.orgs.selectors import unit_get
from oqu.people.models import Person

from . import selectors, services
from .download import file_response
from .models import Attachment, LessonPlan

router = Router(tags=["lms"])


# -- schemas ---------------------------------------------------------------------------------


class AttachmentOut(Schema):
    id: UUID
    original_name: str
    content_type: str
    size: int
    sha256: str
    url: str

    @staticmethod
    def resolve_url(obj: Attachment) -> str:
        return f"/api/v1/lms/attachments/{obj.pk}"


class HomeworkIn(Schema):
    text: str = Field(..., min_length=1, max_length=10_000)
    due_date: dt.date
    max_points: int | None = Field(None, ge=1, le=100)


class HomeworkOut(Schema):
    id: UUID
    lesson_id: UUID
    lesson_date: dt.date
    class_name: str
    subject_code: str
    text: str
    due_date: dt.date
    max_points: int | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_lesson_date(obj: Any) -> dt.date:
        return obj.lesson.date

    @staticmethod
    def resolve_class_name(obj: Any) -> str:
        return str(obj.assignment.school_class)

    @staticmethod
    def resolve_subject_code(obj: Any) -> str:
        return obj.assignment.subject.code

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())


class SubmissionIn(Schema):
    text: str = Field("", max_length=10_000)


class SubmissionOut(Schema):
    id: UUID
    homework_id: UUID
    learner_id: UUID
    text: str
    submitted_at: dt.datetime
    late: bool
    status: str
    points: Decimal | None
    teacher_comment: str
    checked_at: dt.datetime | None
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())


class CheckIn(Schema):
    decision: Literal["mark", "return"]
    points: Decimal | None = Field(None, ge=0, le=100, max_digits=4, decimal_places=1)
    comment: str = Field("", max_length=10_000)


class HomeworkDetailOut(HomeworkOut):
    role: str = Field(..., description="teacher, supervisor, learner or parent")
    submissions: list[SubmissionOut]

    @staticmethod
    def resolve_submissions(obj: Any) -> list[Any]:
        return obj.visible_submissions


class LearnerHomeworkOut(Schema):
    homework: HomeworkOut
    submission: SubmissionOut | None
    overdue: bool


class OverdueLearnerOut(Schema):
    id: UUID
    name: str


class OverdueOut(Schema):
    homework: HomeworkOut
    missing: list[OverdueLearnerOut]


class PlanIn(Schema):
    organization_id: UUID
    title: str = Field(..., min_length=1, max_length=200)
    subject_id: UUID | None = None
    grade: int | None = Field(None, ge=0, le=12)
    objectives: str = Field("", max_length=10_000)
    materials: str = Field("", max_length=10_000)
    body: str = Field("", max_length=50_000)
    shared: bool = False


class PlanPatch(Schema):
    title: str = Field(None, min_length=1, max_length=200)
    subject_id: UUID | None = Field(None)
    grade: int | None = Field(None, ge=0, le=12)
    objectives: str = Field(None, max_length=10_000)
    materials: str = Field(None, max_length=10_000)
    body: str = Field(None, max_length=50_000)
    shared: bool = Field(None)


class PlanOut(Schema):
    id: UUID
    organization_id: UUID
    author_id: UUID
    title: str
    subject_id: UUID | None
    grade: int | None
    objectives: str
    materials: str
    body: str
    shared: bool
    copied_from_id: UUID | None


class PlanDetailOut(PlanOut):
    attachments: list[AttachmentOut]
    lesson_ids: list[UUID]


class PlanCopyIn(Schema):
    title: str = Field("", max_length=200)


class PlanAttachIn(Schema):
    lesson_id: UUID


class ConferenceIn(Schema):
    url: str = Field("", max_length=500, description="https link; empty removes it")


class RecordingIn(Schema):
    url: str = Field(
        "", max_length=500, description="https link to the recording; empty removes it"
    )


class MessageIn(Schema):
    text: str = Field(..., min_length=1, max_length=2_000)


class MessageOut(Schema):
    id: UUID
    author_id: UUID
    text: str
    created_at: dt.datetime
    deleted: bool

    @staticmethod
    def resolve_text(obj: Any) -> str:
        return "" if obj.deleted_at else obj.text

    @staticmethod
    def resolve_deleted(obj: Any) -> bool:
        return obj.deleted_at is not None


class AnnouncementIn(Schema):
    text: str = Field(..., min_length=1, max_length=10_000)


class AnnouncementOut(Schema):
    id: UUID
    lesson_id: UUID
    author_id: UUID
    text: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachments.all())


class DistanceOut(Schema):
    lesson_id: UUID
    role: str
    conference_url: str | None
    recording_url: str | None
    recording_set_at: dt.datetime | None
    archived: bool
    archive_date: dt.date
    announcements: list[AnnouncementOut]
    messages: list[MessageOut]


def _today() -> dt.date:
    return timezone.localdate()


# -- files -----------------------------------------------------------------------------------


FILE_RESPONSE = {
    "description": "The file, as a download under its original name.",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get(
    "/lms/attachments/{attachment_id}",
    response={200: None, **READ_ERRORS},
    openapi_extra={"responses": {"200": FILE_RESPONSE}},
)
def attachment_download(request: HttpRequest, attachment_id: UUID) -> Any:
    """The file, to whoever may read what it is attached to (never a public media URL)."""
    attachment = selectors.attachment_get(actor(request), attachment_id)
    return file_response(attachment)


# -- homework --------------------------------------------------------------------------------


@router.get("/lms/lessons/{lesson_id}/homework", response={200: list[HomeworkOut], **LIST_ERRORS})
def lesson_homework(request: HttpRequest, lesson_id: UUID) -> Any:
    lesson, _role = selectors.lesson_get(actor(request), lesson_id, "homework")
    return selectors.homework_of_lesson(lesson)


@router.post("/lms/lessons/{lesson_id}/homework", response={201: HomeworkOut, **WRITE_ERRORS})
def homework_set(request: HttpRequest, lesson_id: UUID, payload: HomeworkIn) -> Any:
    """The lesson's teacher sets homework (files: POST …/homework/{id}/attachments)."""
    who = actor(request)
    lesson, _role = selectors.lesson_get(who, lesson_id, "homework")
    return 201, services.homework_set(actor=who, lesson=lesson, **payload.model_dump())


class HomeworkFilter(Schema):
    class_id: UUID | None = Field(None, alias="class")
    due_from: dt.date | None = None
    due_to: dt.date | None = None


@router.get("/lms/homework", response={200: page_of(HomeworkOut), **LIST_ERRORS})
def homework_list(
    request: HttpRequest, filters: Query[HomeworkFilter], page: Query[PageQuery]
) -> Any:
    """Homework a member of staff sees: every homework of the school for supervisors, their own
    lessons' for teachers (newest due date first); learners and parents use
    `/lms/learners/{id}/homework`."""
    qs = selectors.homework_list(actor(request))
    if filters.class_id:
        qs = qs.filter(assignment__school_class_id=filters.class_id)
    if filters.due_from:
        qs = qs.filter(due_date__gte=filters.due_from)
    if filters.due_to:
        qs = qs.filter(due_date__lte=filters.due_to)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="-due_date")


@router.get("/lms/homework/{homework_id}", response={200: HomeworkDetailOut, **READ_ERRORS})
def homework_get(request: HttpRequest, homework_id: UUID) -> Any:
    """The homework with the submissions the actor may see (all, their own or their child's)."""
    who = actor(request)
    homework, role = selectors.homework_get(who, homework_id)
    homework.role = role
    homework.visible_submissions = selectors.submissions_of(homework, role, who)
    return homework


@router.put("/lms/homework/{homework_id}", response={200: HomeworkOut, **WRITE_ERRORS})
def homework_change(request: HttpRequest, homework_id: UUID, payload: HomeworkIn) -> Any:
    who = actor(request)
    homework, _role = selectors.homework_get(who, homework_id)
    return services.homework_change(actor=who, homework=homework, **payload.model_dump())


@router.post(
    "/lms/homework/{homework_id}/attachments",
    response={201: list[AttachmentOut], **WRITE_ERRORS},
)
def homework_attach(
    request: HttpRequest, homework_id: UUID, files: File[list[UploadedFile]]
) -> Any:
    who = actor(request)
    homework, _role = selectors.homework_get(who, homework_id)
    return 201, services.attachments_add(who, homework, files)


@router.post(
    "/lms/homework/{homework_id}/submission", response={200: SubmissionOut, **WRITE_ERRORS}
)
def submission_submit(request: HttpRequest, homework_id: UUID, payload: SubmissionIn) -> Any:
    """The learner submits or resubmits their answer (files: POST /lms/submissions/{id}/attachments)."""
    who = actor(request)
    homework, _role = selectors.homework_get(who, homework_id)
    return services.submission_submit(actor=who, homework=homework, text=payload.text)


@router.get("/lms/submissions/{submission_id}", response={200: SubmissionOut, **READ_ERRORS})
def submission_get(request: HttpRequest, submission_id: UUID) -> Any:
    submission, _role = selectors.submission_get(actor(request), submission_id)
    return submission


@router.post(
    "/lms/submissions/{submission_id}/attachments",
    response={201: list[AttachmentOut], **WRITE_ERRORS},
)
def submission_attach(
    request: HttpRequest, submission_id: UUID, files: File[list[UploadedFile]]
) -> Any:
    who = actor(request)
    submission, _role = selectors.submission_get(who, submission_id)
    return 201, services.attachments_add(who, submission, files)


@router.post(
    "/lms/submissions/{submission_id}/check", response={200: SubmissionOut, **WRITE_ERRORS}
)
def submission_check(request: HttpRequest, submission_id: UUID, payload: CheckIn) -> Any:
    """The teacher marks (points ≤ the maximum) or returns the work for revision, with a comment."""
    who = actor(request)
    submission, _role = selectors.submission_get(who, submission_id)
    return services.submission_check(actor=who, submission=submission, **payload.model_dump())


@router.get("/lms/overdue", response={200: list[OverdueOut], **LIST_ERRORS})
def overdue(request: HttpRequest) -> Any:
    """The teacher's homework past due, with the learners who have not submitted it."""
    language = "kk" if (get_language() or "kk").startswith("kk") else "ru"
    rows = selectors.overdue_for_teacher(actor(request), today=_today())
    return [
        {
            "homework": row.homework,
            "missing": [{"id": p.pk, "name": p.full_name(language)} for p in row.missing],
        }
        for row in rows
    ]


@router.get(
    "/lms/learners/{person_id}/homework", response={200: list[LearnerHomeworkOut], **LIST_ERRORS}
)
def learner_homework(request: HttpRequest, person_id: UUID, overdue: bool = False) -> Any:
    """A learner's homework with their submission and the overdue flag (the learner, a parent
    read-only, the school's staff); `overdue=true` keeps only what is overdue."""
    who = actor(request)
    learner = Person.objects.filter(pk=person_id).first()
    if learner is None:
        raise scope.not_found(who, selectors.HOMEWORK_VIEW, "people.person", person_id)
    return selectors.homework_for_learner(who, learner, today=_today(), overdue_only=overdue)


# -- lesson plans ----------------------------------------------------------------------------


def _plan_detail(plan: LessonPlan) -> dict[str, Any]:
    return {
        **PlanOut.from_orm(plan).model_dump(),
        "attachments": list(plan.attachments.all()),
        "lesson_ids": [use.lesson_id for use in selectors.plan_uses(plan)],
    }


@router.get("/lms/plans", response={200: page_of(PlanOut), **LIST_ERRORS})
def plan_list(request: HttpRequest, page: Query[PageQuery], mine: bool = False) -> Any:
    """Own plans, colleagues' shared plans and, for reviewers, every plan of the school (newest
    first)."""
    who = actor(request)
    qs = selectors.plan_list(who)
    if mine:
        qs = qs.filter(author_id=who.person_id)
    return paginate(qs, cursor=page.cursor, limit=page.limit, order_field="-created_at")


@router.post("/lms/plans", response={201: PlanDetailOut, **WRITE_ERRORS})
def plan_create(request: HttpRequest, payload: PlanIn) -> Any:
    who = actor(request)
    organization = unit_get(who, payload.organization_id)
    data = payload.model_dump(exclude={"organization_id", "subject_id"})
    data["subject"] = services.subject_for(organization, payload.subject_id)
    plan = services.plan_create(actor=who, organization=organization, **data)
    return 201, _plan_detail(plan)


@router.get("/lms/plans/{plan_id}", response={200: PlanDetailOut, **READ_ERRORS})
def plan_get(request: HttpRequest, plan_id: UUID) -> Any:
    return _plan_detail(selectors.plan_get(actor(request), plan_id))


@router.patch("/lms/plans/{plan_id}", response={200: PlanDetailOut, **WRITE_ERRORS})
def plan_change(request: HttpRequest, plan_id: UUID, payload: PlanPatch) -> Any:
    who = actor(request)
    plan = selectors.plan_get(who, plan_id)
    data = payload.model_dump(exclude_unset=True)
    if "subject_id" in data:
        data["subject"] = services.subject_for(plan.organization, data.pop("subject_id"))
    return _plan_detail(services.plan_change(actor=who, plan=plan, **data))


@router.post("/lms/plans/{plan_id}/copy", response={201: PlanDetailOut, **WRITE_ERRORS})
def plan_copy(request: HttpRequest, plan_id: UUID, payload: PlanCopyIn) -> Any:
    who = actor(request)
    plan = selectors.plan_get(who, plan_id)
    return 201, _plan_detail(services.plan_copy(actor=who, plan=plan, title=payload.title))


@router.post("/lms/plans/{plan_id}/lessons", response={201: PlanDetailOut, **WRITE_ERRORS})
def plan_attach(request: HttpRequest, plan_id: UUID, payload: PlanAttachIn) -> Any:
    """Attach the plan to a lesson the author teaches (the same plan may serve many lessons)."""
    who = actor(request)
    plan = selectors.plan_get(who, plan_id)
    lesson, _role = selectors.lesson_get(who, payload.lesson_id, "homework")
    services.plan_attach(actor=who, plan=plan, lesson=lesson)
    return 201, _plan_detail(plan)


@router.delete("/lms/plans/{plan_id}/lessons/{lesson_id}", response={204: None, **WRITE_ERRORS})
def plan_detach(request: HttpRequest, plan_id: UUID, lesson_id: UUID) -> Any:
    who = actor(request)
    plan = selectors.plan_get(who, plan_id)
    lesson, _role = selectors.lesson_get(who, lesson_id, "homework")
    services.plan_detach(actor=who, plan=plan, lesson=lesson)
    return 204, None


@router.post(
    "/lms/plans/{plan_id}/attachments", response={201: list[AttachmentOut], **WRITE_ERRORS}
)
def plan_attach_files(request: HttpRequest, plan_id: UUID, files: File[list[UploadedFile]]) -> Any:
    who = actor(request)
    plan = selectors.plan_get(who, plan_id)
    return 201, services.attachments_add(who, plan, files)


# -- distance learning -----------------------------------------------------------------------


def _distance(who: Any, lesson: Any, role: str) -> dict[str, Any]:
    conference = selectors.conference_of(lesson)
    return {
        "lesson_id": lesson.pk,
        "role": role,
        "conference_url": conference.url if conference else None,
        "recording_url": (conference.recording_url or None) if conference else None,
        "recording_set_at": conference.recording_set_at if conference else None,
        "archived": selectors.is_archived(lesson, _today()),
        "archive_date": selectors.archive_date(lesson),
        "announcements": selectors.announcements_of(lesson),
        "messages": selectors.chat_messages(lesson),
    }


@router.get("/lms/lessons/{lesson_id}/distance", response={200: DistanceOut, **READ_ERRORS})
def distance_get(request: HttpRequest, lesson_id: UUID) -> Any:
    """The lesson's conference link, announcements and chat, and whether it is archived."""
    who = actor(request)
    lesson, role = selectors.lesson_get(who, lesson_id, "distance")
    return _distance(who, lesson, role)


@router.put("/lms/lessons/{lesson_id}/conference", response={200: DistanceOut, **WRITE_ERRORS})
def conference_set(request: HttpRequest, lesson_id: UUID, payload: ConferenceIn) -> Any:
    who = actor(request)
    lesson, role = selectors.lesson_get(who, lesson_id, "distance")
    services.conference_set(actor=who, lesson=lesson, url=payload.url)
    return _distance(who, lesson, role)


@router.put("/lms/lessons/{lesson_id}/recording", response={200: DistanceOut, **WRITE_ERRORS})
def recording_set(request: HttpRequest, lesson_id: UUID, payload: RecordingIn) -> Any:
    """The link to the conference's recording, kept with the conference (set after the lesson,
    read-only once the lesson is archived); the class's learners and parents see it."""
    who = actor(request)
    lesson, role = selectors.lesson_get(who, lesson_id, "distance")
    services.recording_set(actor=who, lesson=lesson, url=payload.url)
    return _distance(who, lesson, role)


@router.get("/lms/lessons/{lesson_id}/chat", response={200: list[MessageOut], **LIST_ERRORS})
def chat_list(request: HttpRequest, lesson_id: UUID, after: dt.datetime | None = None) -> Any:
    """The chat's messages (deleted ones without their text), those after `after` when given."""
    lesson, _role = selectors.lesson_get(actor(request), lesson_id, "distance")
    return selectors.chat_messages(lesson, after=after)


@router.post("/lms/lessons/{lesson_id}/chat", response={201: MessageOut, **WRITE_ERRORS})
def chat_post(request: HttpRequest, lesson_id: UUID, payload: MessageIn) -> Any:
    who = actor(request)
    lesson, _role = selectors.lesson_get(who, lesson_id, "distance")
    return 201, services.message_post(actor=who, lesson=lesson, text=payload.text)


@router.delete("/lms/chat/{message_id}", response={204: None, **WRITE_ERRORS})
def chat_delete(request: HttpRequest, message_id: UUID) -> Any:
    """The teacher's moderation (journaled with the deleted text)."""
    who = actor(request)
    message, _role = selectors.message_get(who, message_id)
    services.message_delete(actor=who, message=message)
    return 204, None


@router.post(
    "/lms/lessons/{lesson_id}/announcements", response={201: AnnouncementOut, **WRITE_ERRORS}
)
def announcement_post(request: HttpRequest, lesson_id: UUID, payload: AnnouncementIn) -> Any:
    who = actor(request)
    lesson, _role = selectors.lesson_get(who, lesson_id, "distance")
    return 201, services.announcement_post(actor=who, lesson=lesson, text=payload.text)


@router.get("/lms/announcements/{announcement_id}", response={200: AnnouncementOut, **READ_ERRORS})
def announcement_get(request: HttpRequest, announcement_id: UUID) -> Any:
    row, _role = selectors.announcement_get(actor(request), announcement_id)
    return row


@router.post(
    "/lms/announcements/{announcement_id}/attachments",
    response={201: list[AttachmentOut], **WRITE_ERRORS},
)
def announcement_attach(
    request: HttpRequest, announcement_id: UUID, files: File[list[UploadedFile]]
) -> Any:
    who = actor(request)
    row, _role = selectors.announcement_get(who, announcement_id)
    return 201, services.attachments_add(who, row, files)
