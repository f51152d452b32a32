"""IDOR sweep (G-5.8, G-5.10, G-5.12): a user of organization A gets no object of organization B.

The probes are generated, not hand-picked: every GET operation of the OpenAPI schema and every web
URL whose parameters are UUIDs is called with the ids owned by organization B (school B1 of
region B) of the kind its parameter names (learned by asking who sees B's objects; every id when
that is unknown), by users of region A holding roles from the school up to the region, by a parent
and by a learner. Lists are fetched whole and must not name any of B's ids; details must answer 404,
exactly like a missing id. Writes (POST/PATCH/PUT/DELETE with an id in the path) must change nothing.

So that a probe cannot pass vacuously, B's own head must get 200 from every detail endpoint for at
least one of the ids; an endpoint that no id of the fixture reaches must be listed in
`NOT_REACHED_BY_FIXTURE` with the reason, which makes a new endpoint fail here until its objects are
added to the fixture.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from oqu.access import scope
from oqu.api import api
from oqu.audit import usage
from oqu.audit.models import ActionRecord
from oqu.orgs import services as org_services
from oqu.people import services as people_services
from oqu.registration import services as registration_services
from oqu.tests import factories as f

API_PREFIX = "/api/v1"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Detail endpoints that the fixture's ids cannot reach, with the reason.
NOT_REACHED_BY_FIXTURE: dict[str, str] = {
    "/api/v1/regions/{region_id}": "regions are public reference data; B is a school",
    "/api/v1/roles/{role_id}": "roles are reference data shared by every organization",
    "/api/v1/ops/integrity-checks/{check_id}": "platform level: the platform administrator's only",
    "/api/v1/sso/clients/{client_id}": "platform level: the platform administrator's only",
}
# URL namespaces that are not domain pages (sign-in screens, OAuth endpoints, admin, the API).
SKIPPED_URL_PREFIXES = ("api/", "accounts/", "o/", "admin/", "i18n/")


@dataclass
class World:
    b_ids: set[str] = field(default_factory=set)
    ids_by_label: dict[str, list[str]] = field(default_factory=dict)
    b_head: Any = None
    b_insiders: list[Any] = field(default_factory=list)
    probers: dict[str, Any] = field(default_factory=dict)
    root: Any = None


def _own(world: World, *objects: Any) -> None:
    for obj in objects:
        world.b_ids.add(str(obj.pk))
        world.ids_by_label.setdefault(obj._meta.label_lower, []).append(str(obj.pk))


@pytest.fixture
def world(org_tree: Any, family: Any, user_with_role: Any) -> World:
    """Organization B (school B1) with staff, learners, parents, grants and history of changes."""
    tree = org_tree
    w = World()
    w.b_head = user_with_role("school_director", tree.school_b1)
    w.b_insiders = [w.b_head, user_with_role("district_head", tree.district_b1)]
    head = scope.actor_for(w.b_head)

    teacher = f.make_person("Бекова", "Сауле", dt.date(1980, 2, 3), "F")
    learner = family.other_learner
    parent = f.make_person("Иванова", "Мария", dt.date(1984, 4, 5), "F")
    employment = f.employ(teacher, tree.school_b1)
    enrolment = learner.enrolments.get()
    guardianship = f.guard(parent, learner, "mother")
    teacher_user = f.make_user("b-teacher", person=teacher)
    teacher_grant = f.grant(teacher_user, "school_teacher", tree.school_b1)
    parent_user = f.make_user("b-parent", person=parent)

    # A parent of B asking to be linked to B's learner, and a usage report B's head saved.
    claimant = f.make_person("Иванов", "Сергей", dt.date(1983, 3, 3), "M")
    claimant_user = f.make_user("b-claimant", person=claimant)
    link = registration_services.link_request_create(
        actor=scope.actor_for(claimant_user), child_iin=learner.iin, kind="father"
    )
    report = usage.usage_report_save(
        actor=head,
        name="B",
        grouping="subsystem",
        date_from=dt.date(2026, 1, 1),
        date_to=dt.date(2026, 12, 31),
    )
    w.b_insiders.append(claimant_user)
    w.b_insiders.append(parent_user)  # the cabinet of B's learner opens to their parent only
    _own(w, claimant, claimant_user, link, report)

    # Changes through the services, so that B owns history and journal rows too.
    people_services.person_change(actor=head, person=learner, first_name_ru="Пётр Иванович")
    value = org_services.attribute_value_set(
        actor=head, organization=tree.school_b1, code="small_class", value=True
    )
    _own(w, tree.school_b1, tree.district_b1, teacher, learner, parent, value)
    school_objects = _school_objects(head, tree.school_b1, teacher, learner)
    _own(w, *school_objects)
    _own(w, *_timetable_objects(head, school_objects[0], school_objects[-1]))
    _own(w, *_journal_objects(school_objects, teacher, learner))
    _own(w, *_lms_objects(teacher_user, learner))
    _own(w, *_testing_and_feedback_objects(head, tree.school_b1, school_objects[-1], learner))
    _own(w, *_profile_objects(head, teacher, learner))
    _own(w, *_cabinet_lesson_objects(school_objects, teacher))
    preschool_head, preschool_objects = _preschool_objects(tree.district_b1)
    w.b_insiders.append(preschool_head)
    _own(w, preschool_head, *preschool_objects)
    _own(w, *_eservice_objects(parent_user, learner, tree.school_b1))
    _own(w, *_edms_objects(head, tree.school_b1))
    _own(w, employment, enrolment, guardianship, teacher_grant, teacher_user, parent_user)
    _own(w, *w.b_head.grants.all(), w.b_head)
    _own(w, _pki_verification(head, tree.school_b1))
    _own(w, *_queue_objects(w.b_insiders[1], tree.district_b1))
    _own(w, *ActionRecord.objects.filter(organization=tree.school_b1))
    w.root = f.make_user("sweep-root", is_superuser=True)

    w.probers = {
        "school_director@A1": user_with_role("school_director", tree.school_a1),
        "school_teacher@A1": user_with_role("school_teacher", tree.school_a1),
        "district_head@A1": user_with_role("district_head", tree.district_a1),
        "region_head@A": user_with_role("region_head", tree.region_a),
        "region_specialist@A": user_with_role("region_specialist", tree.region_a),
        "parent@A1": family.parent_user,
        "learner@A1": family.learner_user,
    }
    return w


def _pki_verification(head: Any, school: Any) -> Any:
    """A signature verification recorded for school B1 (an unreadable signature: no CA needed)."""
    from oqu.pki.services import verify_signature

    return verify_signature(
        actor=head,
        content=b"B1",
        cms=b"not a signature",
        purpose="document",
        expected_organization=school,
    )


def _queue_objects(district_head: Any, district: Any) -> list[Any]:
    """B's district queue: a preschool with an age group, an application, a run and its direction."""
    from oqu.equeue import services as queue_services
    from oqu.equeue.models import Application, Direction, Preference
    from oqu.preschool.models import AgeGroup

    actor = scope.actor_for(district_head)
    preschool = f.make_unit(district, "organization", "Б бөбекжайы", "preschool")
    group = AgeGroup.objects.create(
        organization=preschool, school_year="2026-2027", name="Б кіші", kind="junior", capacity=2
    )
    today = dt.date.today()
    child = f.make_person("Б", "Бала", today - dt.timedelta(days=900), "M")
    applicant = f.make_person("Б", "Ана", dt.date(1990, 1, 1), "F")
    application = Application.objects.create(
        organization=district,
        child=child,
        applicant=applicant,
        desired_date=today - dt.timedelta(days=1),
        submitted_at=dt.datetime.now(tz=dt.UTC),
    )
    Preference.objects.create(application=application, preschool=preschool, rank=1)
    queue_services.places_publish(actor=actor, group=group, places=1)
    run = queue_services.allocation_run(actor=actor, district=district, seed="b", notify=False)
    return [preschool, application, run, Direction.objects.get(run=run)]


def _school_objects(head: Any, school: Any, teacher: Any, learner: Any) -> list[Any]:
    """B's academic year, period, subject, class, class stay, subgroup and teacher assignment."""
    from oqu.school import services as school_services

    year = school_services.year_create(
        actor=head,
        organization=school,
        name="2025-2026",
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2026, 5, 31),
    )
    period = school_services.period_create(
        actor=head,
        year=year,
        kind="quarter",
        number=1,
        start_date=dt.date(2025, 9, 1),
        end_date=dt.date(2025, 10, 24),
    )
    subject = school_services.subject_create(
        actor=head, organization=school, code="MATH", name_kk="Математика", name_ru="Математика"
    )
    school_class = school_services.class_create(
        actor=head, year=year, grade=9, letter="А", language="ru", homeroom_teacher=teacher
    )
    stay = school_services.learner_enrol(
        actor=head, school_class=school_class, person=learner, on=dt.date(2025, 9, 1)
    )
    subgroup = school_services.subgroup_create(actor=head, school_class=school_class, name="1")
    assignment = school_services.assignment_create(
        actor=head,
        school_class=school_class,
        subject=subject,
        teacher=teacher,
        hours_per_week=5,
        subgroup=subgroup,
    )
    return [
        year,
        period,
        subject,
        school_class,
        stay,
        subgroup,
        assignment,
    ]


def _timetable_objects(head: Any, year: Any, assignment: Any) -> list[Any]:
    """B's room, bell, timetable entry and a lesson generated from it (with a substitute)."""
    from oqu.school import timetable as timetable_services

    room = timetable_services.room_create(actor=head, organization=year.organization, name="101")
    bell = timetable_services.bell_set(
        actor=head, year=year, shift=1, number=1, starts_at=dt.time(8), ends_at=dt.time(8, 45)
    )
    entry = timetable_services.entry_place(
        actor=head,
        assignment=assignment,
        weekday=1,
        lesson_number=1,
        room=room,
        on=dt.date(2025, 9, 1),
    ).entry
    timetable_services.lessons_generate(
        actor=head, year=year, date_from=dt.date(2025, 9, 1), date_to=dt.date(2025, 9, 1)
    )
    lesson = entry.lessons.get()
    return [room, bell, entry, lesson]


def _cabinet_lesson_objects(school_objects: list[Any], teacher: Any) -> list[Any]:
    """A lesson of B's whole class (no subgroup), so the parent of B's learner reaches it from
    the cabinet; the lesson's video conference with a recording (SEC-27.10)."""
    from oqu.lms.models import Conference
    from oqu.school.models import Lesson, Subject, TeachingAssignment

    year, school_class = school_objects[0], school_objects[3]
    org = school_class.organization
    subject = Subject.objects.create(
        organization=org, code="KAZ", name_kk="Қазақ тілі", name_ru="Казахский язык"
    )
    assignment = TeachingAssignment.objects.create(
        organization=org,
        year=year,
        teacher=teacher,
        school_class=school_class,
        subject=subject,
        hours_per_week=3,
    )
    lesson = Lesson.objects.create(
        organization=org,
        assignment=assignment,
        date=dt.date(2025, 9, 3),
        lesson_number=2,
        teacher=teacher,
    )
    conference = Conference.objects.create(
        organization=org,
        lesson=lesson,
        url="https://meet.example.kz/b",
        set_by=teacher,
        recording_url="https://video.example.kz/b",
    )
    return [subject, assignment, lesson, conference]


def _journal_objects(school_objects: list[Any], teacher: Any, learner: Any) -> list[Any]:
    """A lesson of B's class-subject with attendance, an assessment, a mark, a period mark and a
    reopening (rows the journal services make; written directly to need no edit window)."""
    from django.utils import timezone

    from oqu.journal.models import Assessment, Attendance, Mark, PeriodMark, Reopening
    from oqu.school.models import Lesson

    period, assignment = school_objects[1], school_objects[-1]
    org = assignment.organization
    lesson = Lesson.objects.create(
        organization=org,
        assignment=assignment,
        period=period,
        date=dt.date(2025, 9, 2),
        lesson_number=1,
        teacher=teacher,
    )
    attendance = Attendance.objects.create(
        organization=org, lesson=lesson, learner=learner, status="sick"
    )
    assessment = Assessment.objects.create(
        organization=org, lesson=lesson, period=period, kind="sor", max_points=10
    )
    mark = Mark.objects.create(organization=org, assessment=assessment, learner=learner, points=7)
    period_mark = PeriodMark.objects.create(
        organization=org,
        assignment=assignment,
        learner=learner,
        period=period,
        computed_mark=4,
        computed_at=timezone.now(),
    )
    reopening = Reopening.objects.create(
        organization=org, lesson=lesson, granted_by=teacher, reason="B", until=timezone.now()
    )
    return [lesson, attendance, assessment, mark, period_mark, reopening]


def _lms_objects(teacher_user: Any, learner: Any) -> list[Any]:
    """B's lesson with homework, a submission, a lesson plan, an announcement, a chat message and
    their files (SEC-27.9, SEC-27.10, SEC-27.11)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from oqu.lms import services as lms_services
    from oqu.lms.models import HomeworkSubmission
    from oqu.school.models import Lesson, TeachingAssignment

    assignment = TeachingAssignment.objects.get(teacher=teacher_user.person)
    lesson = Lesson.objects.create(
        organization=assignment.organization,
        assignment=assignment,
        date=timezone.localdate(),
        lesson_number=1,
        teacher=assignment.teacher,
    )
    teacher = scope.actor_for(teacher_user)
    homework = lms_services.homework_set(
        actor=teacher,
        lesson=lesson,
        text="B",
        due_date=lesson.date,
        uploads=[SimpleUploadedFile("b.txt", b"B")],
    )
    submission = HomeworkSubmission.objects.create(
        organization=lesson.organization,
        homework=homework,
        learner=learner,
        text="B",
        submitted_at=timezone.now(),
    )
    plan = lms_services.plan_create(actor=teacher, organization=lesson.organization, title="B")
    announcement = lms_services.announcement_post(actor=teacher, lesson=lesson, text="B")
    message = lms_services.message_post(actor=teacher, lesson=lesson, text="B")
    attachment = homework.attachments.get()
    return [lesson, homework, submission, plan, announcement, message, attachment]


def _testing_and_feedback_objects(
    head: Any, school: Any, assignment: Any, learner: Any
) -> list[Any]:
    """B's bank question, test, a learner's attempt at it, and a survey with a question."""
    from django.utils import timezone

    from oqu.feedback import services as feedback_services
    from oqu.testing import services as testing_services
    from oqu.testing.models import Attempt

    question = testing_services.question_create(
        actor=head,
        subject=assignment.subject,
        grade=9,
        topic="Алгебра",
        kind="short",
        text="2 + 2 = ?",
        choices=[],
        correct=["4"],
    )
    now = timezone.now()
    test = testing_services.control_test_create(
        actor=head,
        assignment=assignment,
        title="B",
        mode="fixed",
        question_ids=[question.pk],
        time_limit_minutes=30,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
    )
    attempt = Attempt.objects.create(
        organization=school,
        test=test,
        learner=learner,
        seed=1,
        question_ids=[str(question.pk)],
        session_token_hash=testing_services.token_hash("b-token"),
        started_at=now,
        deadline=now + dt.timedelta(minutes=30),
        max_score=1,
    )
    survey = feedback_services.survey_create(
        actor=head, organization=school, title="B", target_roles=["school_teacher"]
    )
    survey_question = feedback_services.survey_question_add(
        actor=head, survey=survey, kind="text", text="?"
    )
    return [question, test, attempt, survey, survey_question]


def _edms_objects(head: Any, school: Any) -> list[Any]:
    """B's registered incoming letter with an attachment (first), and a draft on its route."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oqu.edms import services as edms_services
    from oqu.edms.models import DocumentKind

    kinds = {k.code: k for k in DocumentKind.objects.all()}
    letter = edms_services.document_create(
        actor=head, organization=school, kind=kinds["incoming"], title="B", correspondent="B"
    )
    attachment = edms_services.attachment_add(
        actor=head, document=letter, upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 B")
    )
    edms_services.document_register(actor=head, document=letter)
    memo = edms_services.document_create(
        actor=head,
        organization=school,
        kind=kinds["internal"],
        title="B",
        fields={"addressee": "B"},
    )
    edms_services.route_start(actor=head, document=memo, stages=[[{"assignee_id": head.user.pk}]])
    return [letter, attachment, memo, *memo.steps.all()]


def _profile_objects(head: Any, teacher: Any, learner: Any) -> list[Any]:
    """B's digital-profile entries: a learner's certificate with its file first (the entry kind
    the `entry_id` endpoints are probed with), a teacher's education, a learner's olympiad."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oqu.profiles import services as profile_services

    certificate = profile_services.entry_create(
        actor=head,
        section="learner_certificate",
        person=learner,
        data={"kind": "diploma", "title": "B", "issuer": "B", "issued_on": "2025-05-01"},
    )
    profile_services.attachment_set(
        actor=head, entry=certificate, upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 B")
    )
    education = profile_services.entry_create(
        actor=head,
        section="education",
        person=teacher,
        data={
            "level": "bachelor",
            "institution": "B",
            "speciality": "B",
            "graduation_year": 2005,
        },
    )
    olympiad = profile_services.entry_create(
        actor=head,
        section="achievement",
        person=learner,
        data={
            "kind": "olympiad",
            "title": "B",
            "level": "school",
            "result": "first",
            "held_on": "2025-02-01",
        },
    )
    return [certificate, education, olympiad]


def _preschool_objects(district: Any) -> tuple[Any, list[Any]]:
    """A kindergarten of B's district with its head, a group, a child with a status, medical data,
    attendance and a photo, an activity, a catalogue item and a yearly move (PRE-25, PRE-26)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oqu.people.models import RestrictedRecord
    from oqu.preschool import services as preschool_services
    from oqu.preschool.models import TransitionBatch, TransitionLine

    kindergarten = f.make_unit(district, "organization", "Б балабақшасы", "preschool")
    head_person = f.make_person("Бмеңгеруші", "Айжан", dt.date(1980, 1, 1), "F")
    f.employ(head_person, kindergarten, "head")
    head_user = f.make_user("b-preschool-head", person=head_person)
    f.grant(head_user, "preschool_head", kindergarten)
    head = scope.actor_for(head_user)
    group = preschool_services.group_create(
        actor=head,
        organization=kindergarten,
        school_year="2025-2026",
        name="B",
        kind="middle",
        capacity=10,
        educator=head_person,
    )
    child = f.make_person("Ббала", "Дана", dt.date(2021, 4, 4), "F")
    membership = preschool_services.child_enrol(
        actor=head, group=group, child=child, on=dt.date(2025, 9, 1)
    )
    activity = preschool_services.activity_add(
        actor=head, group=group, weekday=1, starts_at=dt.time(9), ends_at=dt.time(9, 25), title="B"
    )
    (attendance,) = preschool_services.attendance_mark(
        actor=head, group=group, day=dt.date(2025, 10, 1), marks={str(child.pk): ("sick", "B")}
    )
    status = preschool_services.status_add(
        actor=head, child=child, kind="social", code="large_family", since=dt.date(2025, 9, 1)
    )
    preschool_services.medical_set(actor=head, child=child, health_group="II", allergies="B")
    medical = RestrictedRecord.objects.get(person=child)
    work = preschool_services.work_add(
        actor=head,
        child=child,
        title="B",
        upload=SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16),
    )
    item = preschool_services.catalogue_add(
        actor=head,
        organization=kindergarten,
        kind="manual",
        title="B",
        upload=SimpleUploadedFile("b.pdf", b"%PDF-1.4 B"),
    )
    batch = TransitionBatch.objects.create(
        organization=kindergarten,
        from_year="2025-2026",
        to_year="2026-2027",
        move_date=dt.date(2026, 8, 20),
    )
    line = TransitionLine.objects.create(
        organization=kindergarten, batch=batch, membership=membership, child=child
    )
    objects = [kindergarten, head_person, group, child, membership, activity, attendance]
    return head_user, [*objects, status, medical, work, item, batch, line]


def _eservice_objects(parent_user: Any, learner: Any, school: Any) -> list[Any]:
    """B's parent's home-schooling application to school B1 for B's learner, with its document
    (the learner's passport is reached through the learner, already in the fixture)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from oqu.eservices import services as eservice_services
    from oqu.eservices.models import Service

    application = eservice_services.application_submit(
        actor=scope.actor_for(parent_user),
        service=Service.objects.get(code="home_schooling"),
        organization=school,
        subject=learner,
        data={"start_date": "2026-12-01", "form": "online"},
        uploads={"medical_conclusion": [SimpleUploadedFile("b.pdf", b"%PDF-1.4 B")]},
    )
    return [application, application.documents.get()]


# ---------------------------------------------------------------------------------------------------
# What to probe: generated from the API schema and the URL configuration


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # template with {param}
    params: tuple[str, ...]

    def url(self, value: str) -> str:
        url = self.path
        for name in self.params:
            url = url.replace("{" + name + "}", value)
        return url


def _api_operations() -> list[Operation]:
    """Operations whose path parameters are all UUIDs (the others address reference data by code)."""
    schema = api.get_openapi_schema()
    operations = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            path_params = [p for p in spec.get("parameters", []) if p["in"] == "path"]
            if any(p["schema"].get("format") != "uuid" for p in path_params):
                continue
            operations.append(Operation(method, path, tuple(p["name"] for p in path_params)))
    return operations


def _web_patterns(
    resolver: URLResolver | None = None, prefix: str = ""
) -> Iterator[tuple[str, list[str]]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_URL_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            yield from _web_patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, list(entry.pattern.converters.items())


def _web_detail_routes() -> list[Operation]:
    routes = []
    for route, converters in _web_patterns():
        if not converters or any(type(c).__name__ != "UUIDConverter" for _, c in converters):
            continue
        names = tuple(name for name, _ in converters)
        template = "/" + re.sub(r"<uuid:(\w+)>", r"{\1}", route)
        routes.append(Operation("get", template, names))
    return routes


API_OPERATIONS = _api_operations()
API_LISTS = [op for op in API_OPERATIONS if op.method == "get" and not op.params]
API_DETAILS = [op for op in API_OPERATIONS if op.method == "get" and op.params]
API_WRITES = [op for op in API_OPERATIONS if op.method != "get" and op.params]


def _text(response: Any) -> str:
    """The response as text; a spreadsheet download as the text of all its cells."""
    if response.get("Content-Type", "").startswith(XLSX) and response.status_code == 200:
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return response.content.decode()


def _leaked(body: str, world: World, probed: str = "") -> set[str]:
    """B's ids named in `body`, apart from the probed id itself (pages echo their own URL)."""
    return {pk for pk in world.b_ids if pk in body and pk != probed}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Which kind of object a path parameter names (`person_id` → people.person), learned once per
# process by asking who can see B's objects: probing a class endpoint with a person's id proves
# nothing, and the cross product of every id with every endpoint would take minutes.
_LABELS_OF_PARAM: dict[tuple[str, str], list[str]] = {}


def _key(param: str, op: Operation) -> tuple[str, str]:
    """A parameter name means one kind of object within an area (`entry_id` is a timetable entry
    under /school/ and a profile entry under /profiles/), the same in the API and the pages."""
    path = op.path.removeprefix("/api/v1")
    return param, path.strip("/").split("/")[0]


def _likely_first(param: str, labels: list[str]) -> list[str]:
    stem = param.removesuffix("_id").replace("_", "")
    return sorted(labels, key=lambda label: stem not in label.replace("_", ""))


def _labels_of(param: str, op: Operation, world: World) -> list[str]:
    key = _key(param, op)
    if key not in _LABELS_OF_PARAM:
        seers = [_client(user) for user in (world.root, *world.b_insiders)]
        found = []
        for label in _likely_first(param, list(world.ids_by_label)):
            candidates = world.ids_by_label[label][:3]
            if any(c.get(op.url(pk)).status_code == 200 for c in seers for pk in candidates):
                found.append(label)
                break  # one kind of object per parameter name
        _LABELS_OF_PARAM[key] = found
    return _LABELS_OF_PARAM[key]


def _probe_ids(op: Operation, world: World) -> list[str]:
    """B's ids of the kind the operation's last parameter names; every id when unknown."""
    labels = _LABELS_OF_PARAM.get(_key(op.params[-1], op)) if op.params else None
    if not labels:
        return sorted(world.b_ids)
    return sorted(pk for label in labels for pk in world.ids_by_label[label])


# ---------------------------------------------------------------------------------------------------


def test_g5_10_sweep_covers_every_detail_endpoint_of_the_api():
    """The generated probe set is not empty and names every UUID-addressed endpoint of the schema."""
    assert len(API_DETAILS) >= 10
    assert len(API_LISTS) >= 8
    assert len(API_WRITES) >= 8
    assert set(NOT_REACHED_BY_FIXTURE) <= {op.path for op in API_DETAILS}


@pytest.mark.django_db
def test_g5_10_b_head_reaches_every_probed_detail_endpoint(world: World):
    """Positive control: each detail probe can hit an existing object of B (else it proves nothing).

    B's insiders are its school director, its district head (districts are seen from above) and a
    parent of B who asked to be linked to a learner (the request is the parent's).
    """
    clients = [_client(user) for user in world.b_insiders]
    unreached = []
    for op in API_DETAILS:
        if op.path in NOT_REACHED_BY_FIXTURE:
            continue
        _labels_of(op.params[-1], op, world)
        ids = _probe_ids(op, world)
        if not any(c.get(op.url(pk)).status_code == 200 for c in clients for pk in ids):
            unreached.append(op.path)
    assert unreached == [], f"add objects of these endpoints to the fixture: {unreached}"


@pytest.mark.django_db
def test_g5_10_lists_never_name_an_object_of_another_organization(world: World):
    for who, user in world.probers.items():
        client = _client(user)
        for op in API_LISTS:
            response = client.get(op.path, {"limit": 200})
            assert response.status_code < 500, (who, op.path)
            assert _leaked(_text(response), world) == set(), (who, op.path)


@pytest.mark.django_db
def test_g5_10_details_of_another_organization_answer_404(world: World):
    for op in API_DETAILS:
        _labels_of(op.params[-1], op, world)
    for who, user in world.probers.items():
        client = _client(user)
        for op in API_DETAILS:
            for pk in _probe_ids(op, world):
                response = client.get(op.url(pk))
                assert response.status_code == 404, (who, op.path, pk, response.status_code)
                assert _leaked(_text(response), world, pk) == set(), (who, op.path)


@pytest.mark.django_db
def test_g5_10_writes_on_another_organizations_objects_change_nothing(world: World):
    for op in API_DETAILS:
        _labels_of(op.params[-1], op, world)
    journal_before = ActionRecord.objects.count()
    user = world.probers["school_director@A1"]
    client = _client(user)
    for op in API_WRITES:
        for pk in _probe_ids(op, world):
            response = getattr(client, op.method)(op.url(pk), {}, content_type="application/json")
            # 422: the body is checked before any lookup, so nothing about B is revealed either.
            assert response.status_code in (404, 422), (op.method, op.path, pk)
            assert _leaked(_text(response), world, pk) == set(), (op.method, op.path)
    assert ActionRecord.objects.count() == journal_before


@pytest.mark.django_db
def test_g5_10_web_pages_of_another_organizations_objects_answer_404(world: World):
    """GET pages answer 404; POST-only actions (revoke, release, …) answer a POST and change nothing.

    Every answer about B's object is the answer about a missing id: 404 on a page B's head
    reaches, or the same 403 a user without the capability gets for any id at all.
    """
    routes = _web_detail_routes()
    assert routes, "the web UI has UUID-addressed pages"
    head = _client(world.b_head)
    post_only = {
        r.path for r in routes if head.get(r.url(next(iter(world.b_ids)))).status_code == 405
    }
    # each page is probed with B's ids of the kind its parameter names (learned from the API)
    for op in API_DETAILS:
        _labels_of(op.params[-1], op, world)
    for r in routes:
        if r.path not in post_only:
            _labels_of(r.params[-1], r, world)
    # a parameter naming no kind of B's objects is probed with a sample of B's ids
    ids_of = {
        r.path: _probe_ids(r, world)
        if _LABELS_OF_PARAM.get(_key(r.params[-1], r))
        else sorted(world.b_ids)[:5]
        for r in routes
    }
    assert any(
        head.get(r.url(pk)).status_code == 200
        for r in routes
        if r.path not in post_only
        for pk in ids_of[r.path][:3]
    ), "B's head reaches B's pages"
    journal_before = ActionRecord.objects.count()
    missing = str(uuid.uuid4())

    def call(client: Client, route: Operation, pk: str) -> Any:
        if route.path in post_only:
            return client.post(route.url(pk), {})
        return client.get(route.url(pk))

    # pages render the same templates for every role: one prober per level is enough here
    web_probers = ("school_teacher@A1", "district_head@A1", "region_head@A", "parent@A1")
    for who in (*web_probers, "learner@A1"):
        client = _client(world.probers[who])
        for route in routes:
            as_missing = call(client, route, missing).status_code
            assert as_missing in (403, 404), (who, route.path)
            for pk in ids_of[route.path]:
                response = call(client, route, pk)
                assert response.status_code == as_missing, (who, route.path, pk)
                assert _leaked(_text(response), world, pk) == set(), (who, route.path)
    assert ActionRecord.objects.count() == journal_before
