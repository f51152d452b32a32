"""Changes to the school structure and contingent: validate → `scope.require` → change → journal,
in one transaction (SEC-27.3/4, SEC-27.6/7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.calendar import is_working_day
from oqu.kernel.errors import Conflict, ValidationError
from oqu.people import services as people_services
from oqu.people.models import Employment, Enrolment, Level, Person

from .models import (
    AcademicYear,
    ClassMembership,
    CurriculumLine,
    CurriculumPart,
    Language,
    Move,
    SchoolClass,
    StudyPeriod,
    Subgroup,
    Subject,
    TeachingAssignment,
    Vacation,
)

STRUCTURE_MANAGE = "school.structure.manage"
CLASS_MANAGE = "school.class.manage"
MAX_YEAR_DAYS = 366
PERIOD_COUNT = {StudyPeriod.Kind.QUARTER: 4, StudyPeriod.Kind.HALF_YEAR: 2}
GRADES = range(0, 13)  # 0 is the pre-school class of a school
GRADUATION_GRADES = (9, 11, 12)
MAX_WEEKLY_HOURS = Decimal(40)
ASSIGNMENT_FIELDS = [
    "teacher_id",
    "school_class_id",
    "subject_id",
    "subgroup_id",
    "hours_per_week",
]


def _check_dates(start: dt.date, end: dt.date) -> None:
    if end <= start:
        raise ValidationError(
            _("The end date must be after the start date."),
            code="dates_order",
            fields={"end_date": ["before_start"]},
        )


def _check_inside_year(year: AcademicYear, start: dt.date, end: dt.date) -> None:
    if start < year.start_date or end > year.end_date:
        raise ValidationError(
            _("The dates must lie inside the academic year (%(start)s – %(end)s).")
            % {"start": year.start_date.isoformat(), "end": year.end_date.isoformat()},
            code="outside_year",
            fields={"start_date": ["outside_year"]},
        )


def _overlapping(qs: Any, start: dt.date, end: dt.date, exclude: Any = None) -> Any:
    qs = qs.filter(start_date__lte=end, end_date__gte=start)
    return qs.exclude(pk=exclude.pk) if exclude is not None else qs


# -- academic years ----------------------------------------------------------------------------


@transaction.atomic
def year_create(
    *, actor: Actor, organization: Any, name: str, start_date: dt.date, end_date: dt.date
) -> AcademicYear:
    """An academic year of a school; years of one school never overlap."""
    scope.require(actor, STRUCTURE_MANAGE, organization)
    if organization.kind != "organization":
        raise ValidationError(code="not_organization", fields={"organization": ["kind"]})
    _check_dates(start_date, end_date)
    if (end_date - start_date).days > MAX_YEAR_DAYS:
        raise ValidationError(
            _("An academic year cannot be longer than a calendar year."),
            code="year_too_long",
            fields={"end_date": ["too_long"]},
        )
    name = name.strip()
    if not name:
        raise ValidationError(code="name_required", fields={"name": ["required"]})
    years = AcademicYear.objects.select_for_update().filter(organization=organization)
    if years.filter(name=name).exists():
        raise Conflict(
            _("This school already has an academic year with this name."), code="year_exists"
        )
    if _overlapping(years, start_date, end_date).exists():
        raise Conflict(
            _("The dates overlap another academic year of this school."), code="year_overlap"
        )
    year = AcademicYear.objects.create(
        organization=organization, name=name, start_date=start_date, end_date=end_date
    )
    journal.record(
        actor=actor, action="school.year.create", target=year, after=journal.snapshot(year)
    )
    return year


@transaction.atomic
def period_create(
    *,
    actor: Actor,
    year: AcademicYear,
    kind: str,
    number: int,
    start_date: dt.date,
    end_date: dt.date,
) -> StudyPeriod:
    """A quarter or a half-year: inside the year, starting on a working day, not overlapping the
    other periods of its kind nor a vacation, and in order (quarter 2 after quarter 1)."""
    scope.require(actor, STRUCTURE_MANAGE, year.organization, target=year)
    if kind not in PERIOD_COUNT:
        raise ValidationError(code="period_kind", fields={"kind": [kind]})
    if not 1 <= number <= PERIOD_COUNT[kind]:
        raise ValidationError(
            _("There is no such period number for this kind of period."),
            code="period_number",
            fields={"number": [str(number)]},
        )
    _check_dates(start_date, end_date)
    _check_inside_year(year, start_date, end_date)
    if not is_working_day(start_date):
        raise ValidationError(
            _("A study period must begin on a working day (%(date)s is a day off).")
            % {"date": start_date.isoformat()},
            code="period_starts_on_day_off",
            fields={"start_date": ["day_off"]},
        )
    AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
    same_kind = StudyPeriod.objects.filter(year=year, kind=kind)
    if same_kind.filter(number=number).exists():
        raise Conflict(_("This period already exists."), code="period_exists")
    if _overlapping(same_kind, start_date, end_date).exists():
        raise ValidationError(
            _("The period overlaps another period of the year."),
            code="period_overlap",
            fields={"start_date": ["overlap"]},
        )
    if _overlapping(Vacation.objects.filter(year=year), start_date, end_date).exists():
        raise ValidationError(
            _("The period overlaps a vacation."),
            code="period_overlaps_vacation",
            fields={"start_date": ["vacation"]},
        )
    out_of_order = same_kind.filter(number__lt=number, end_date__gte=start_date).exists() or (
        same_kind.filter(number__gt=number, start_date__lte=end_date).exists()
    )
    if out_of_order:
        raise ValidationError(
            _("Periods must follow each other in the order of their numbers."),
            code="period_order",
            fields={"number": ["order"]},
        )
    period = StudyPeriod.objects.create(
        organization=year.organization,
        year=year,
        kind=kind,
        number=number,
        start_date=start_date,
        end_date=end_date,
    )
    journal.record(
        actor=actor, action="school.period.create", target=period, after=journal.snapshot(period)
    )
    return period


@transaction.atomic
def period_delete(*, actor: Actor, period: StudyPeriod) -> None:
    scope.require(actor, STRUCTURE_MANAGE, period.organization, target=period)
    before = journal.snapshot(period)
    journal.record(actor=actor, action="school.period.delete", target=period, before=before)
    period.delete()


@transaction.atomic
def vacation_create(
    *,
    actor: Actor,
    year: AcademicYear,
    name_kk: str,
    name_ru: str,
    start_date: dt.date,
    end_date: dt.date,
) -> Vacation:
    """Vacations lie inside the year, between study periods (never overlapping a quarter)."""
    scope.require(actor, STRUCTURE_MANAGE, year.organization, target=year)
    if not name_kk.strip() or not name_ru.strip():
        raise ValidationError(code="name_required", fields={"name_kk": ["required"]})
    if end_date < start_date:
        _check_dates(start_date, end_date)
    _check_inside_year(year, start_date, end_date)
    AcademicYear.objects.select_for_update().filter(pk=year.pk).first()
    if _overlapping(Vacation.objects.filter(year=year), start_date, end_date).exists():
        raise ValidationError(
            _("The vacation overlaps another vacation."),
            code="vacation_overlap",
            fields={"start_date": ["overlap"]},
        )
    quarters = StudyPeriod.objects.filter(year=year, kind=StudyPeriod.Kind.QUARTER)
    if _overlapping(quarters, start_date, end_date).exists():
        raise ValidationError(
            _("The vacation overlaps a quarter."),
            code="vacation_overlaps_period",
            fields={"start_date": ["period"]},
        )
    vacation = Vacation.objects.create(
        organization=year.organization,
        year=year,
        name_kk=name_kk.strip(),
        name_ru=name_ru.strip(),
        start_date=start_date,
        end_date=end_date,
    )
    journal.record(
        actor=actor,
        action="school.vacation.create",
        target=vacation,
        after=journal.snapshot(vacation),
    )
    return vacation


# -- subjects and the curriculum ---------------------------------------------------------------


@transaction.atomic
def subject_create(
    *,
    actor: Actor,
    organization: Any,
    code: str,
    name_kk: str,
    name_ru: str,
    standard_code: str = "",
    level: str = Level.SCHOOL,
) -> Subject:
    scope.require(actor, STRUCTURE_MANAGE, organization)
    code = code.strip()
    if not code or not name_kk.strip() or not name_ru.strip():
        raise ValidationError(code="subject_fields", fields={"code": ["required"]})
    if level not in Level.values:
        raise ValidationError(code="level_unknown", fields={"level": [level]})
    if Subject.objects.filter(organization=organization, code=code).exists():
        raise Conflict(_("A subject with this code already exists."), code="subject_exists")
    subject = Subject.objects.create(
        organization=organization,
        code=code,
        name_kk=name_kk.strip(),
        name_ru=name_ru.strip(),
        standard_code=standard_code.strip(),
        level=level,
    )
    journal.record(
        actor=actor, action="school.subject.create", target=subject, after=journal.snapshot(subject)
    )
    return subject


def _check_grade(grade: int) -> None:
    if grade not in GRADES:
        raise ValidationError(
            _("The grade must be from 0 to 12."), code="grade_range", fields={"grade": [str(grade)]}
        )


def _check_hours(hours: Decimal) -> None:
    if hours < 0 or hours > MAX_WEEKLY_HOURS or (hours * 2) % 1:
        raise ValidationError(
            _("Hours a week must be from 0 to 40, in steps of a half hour."),
            code="hours_range",
            fields={"hours_per_week": [str(hours)]},
        )


@transaction.atomic
def curriculum_set(
    *,
    actor: Actor,
    year: AcademicYear,
    subject: Subject,
    grade: int,
    part: str,
    hours_per_week: Decimal,
) -> CurriculumLine | None:
    """Set the hours of a subject in a grade (0 removes the line); journaled with before/after."""
    scope.require(actor, STRUCTURE_MANAGE, year.organization, target=year)
    if subject.organization_id != year.organization_id:
        raise ValidationError(code="subject_other_school", fields={"subject_id": ["other"]})
    if part not in CurriculumPart.values:
        raise ValidationError(code="part_unknown", fields={"part": [part]})
    _check_grade(grade)
    hours_per_week = Decimal(hours_per_week)
    _check_hours(hours_per_week)
    line = (
        CurriculumLine.objects.select_for_update()
        .filter(year=year, subject=subject, grade=grade, part=part)
        .first()
    )
    before = {"hours_per_week": line.hours_per_week} if line else None
    if hours_per_week == 0:
        if line is None:
            return None
        journal.record(
            actor=actor, action="school.curriculum.remove", target=line, before=before, after=None
        )
        line.delete()
        return None
    if line is None:
        line = CurriculumLine.objects.create(
            organization=year.organization,
            year=year,
            subject=subject,
            grade=grade,
            part=part,
            hours_per_week=hours_per_week,
        )
    else:
        line.hours_per_week = hours_per_week
        line.save(update_fields=["hours_per_week", "updated_at"])
    journal.record(
        actor=actor,
        action="school.curriculum.set",
        target=line,
        before=before,
        after={
            "subject": subject.code,
            "grade": grade,
            "part": part,
            "hours_per_week": hours_per_week,
        },
    )
    return line


# -- classes and subgroups ---------------------------------------------------------------------


def _check_employed(person: Person | None, organization: Any, field: str) -> None:
    if person is None:
        return
    if not Employment.objects.filter(
        person=person, organization=organization, end_date__isnull=True
    ).exists():
        raise ValidationError(
            _("The teacher must be employed in this school."),
            code="not_employed_here",
            fields={field: ["not_employed"]},
        )


CLASS_FIELDS = ["grade", "letter", "language", "shift", "homeroom_teacher_id", "capacity"]


def _check_class_values(grade: int, letter: str, language: str, shift: int, capacity: int) -> None:
    _check_grade(grade)
    if not letter.strip() or len(letter.strip()) > 4:
        raise ValidationError(code="letter_invalid", fields={"letter": [letter]})
    if language not in Language.values:
        raise ValidationError(code="language_unknown", fields={"language": [language]})
    if shift not in (1, 2, 3):
        raise ValidationError(
            _("The shift must be 1, 2 or 3."), code="shift_range", fields={"shift": [str(shift)]}
        )
    if not 1 <= capacity <= 40:
        raise ValidationError(
            _("The capacity of a class must be from 1 to 40."),
            code="capacity_range",
            fields={"capacity": [str(capacity)]},
        )


@transaction.atomic
def class_create(
    *,
    actor: Actor,
    year: AcademicYear,
    grade: int,
    letter: str,
    language: str,
    shift: int = 1,
    capacity: int = 25,
    homeroom_teacher: Person | None = None,
) -> SchoolClass:
    scope.require(actor, CLASS_MANAGE, year.organization, target=year)
    _check_class_values(grade, letter, language, shift, capacity)
    _check_employed(homeroom_teacher, year.organization, "homeroom_teacher_id")
    letter = letter.strip().upper()
    if SchoolClass.objects.filter(year=year, grade=grade, letter=letter).exists():
        raise Conflict(_("This class already exists in this year."), code="class_exists")
    school_class = SchoolClass.objects.create(
        organization=year.organization,
        year=year,
        grade=grade,
        letter=letter,
        language=language,
        shift=shift,
        capacity=capacity,
        homeroom_teacher=homeroom_teacher,
    )
    journal.record(
        actor=actor,
        action="school.class.create",
        target=school_class,
        after=journal.snapshot(school_class, CLASS_FIELDS),
    )
    return school_class


@transaction.atomic
def class_change(*, actor: Actor, school_class: SchoolClass, **changes: Any) -> SchoolClass:
    """Change the language, shift, capacity or homeroom teacher of a class."""
    scope.require(actor, CLASS_MANAGE, school_class.organization, target=school_class)
    allowed = {"language", "shift", "capacity", "homeroom_teacher"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(code="fields_unknown", fields={k: ["unknown"] for k in unknown})
    values = {
        k: changes.get(k, getattr(school_class, k)) for k in ("language", "shift", "capacity")
    }
    _check_class_values(school_class.grade, school_class.letter, **values)
    if "homeroom_teacher" in changes:
        _check_employed(
            changes["homeroom_teacher"], school_class.organization, "homeroom_teacher_id"
        )
    if "capacity" in changes and changes["capacity"] < _active_count(school_class):
        raise ValidationError(
            _("The class already has more learners than this capacity."),
            code="capacity_below_count",
            fields={"capacity": ["below_count"]},
        )
    before = journal.snapshot(school_class, CLASS_FIELDS)
    for key, value in changes.items():
        setattr(school_class, key, value)
    school_class.save()
    old, new = journal.changed(before, journal.snapshot(school_class, CLASS_FIELDS))
    if new:
        journal.record(
            actor=actor, action="school.class.change", target=school_class, before=old, after=new
        )
    return school_class


@transaction.atomic
def subgroup_create(*, actor: Actor, school_class: SchoolClass, name: str) -> Subgroup:
    scope.require(actor, CLASS_MANAGE, school_class.organization, target=school_class)
    name = name.strip()
    if not name or len(name) > 60:
        raise ValidationError(code="name_required", fields={"name": ["required"]})
    if Subgroup.objects.filter(school_class=school_class, name=name).exists():
        raise Conflict(_("This subgroup already exists."), code="subgroup_exists")
    subgroup = Subgroup.objects.create(
        organization=school_class.organization, school_class=school_class, name=name
    )
    journal.record(
        actor=actor, action="school.subgroup.create", target=subgroup, after={"name": name}
    )
    return subgroup


@transaction.atomic
def subgroup_set_learners(*, actor: Actor, subgroup: Subgroup, learner_ids: list[Any]) -> Subgroup:
    """Replace the subgroup's learners; each must be an active learner of the class."""
    school_class = subgroup.school_class
    scope.require(actor, CLASS_MANAGE, subgroup.organization, target=subgroup)
    ids = set(learner_ids)
    active = set(
        ClassMembership.objects.filter(
            school_class=school_class, end_date__isnull=True, person_id__in=ids
        ).values_list("person_id", flat=True)
    )
    if ids - active:
        raise ValidationError(
            _("A subgroup can hold only learners of its class."),
            code="not_in_class",
            fields={"learner_ids": [str(i) for i in sorted(ids - active, key=str)]},
        )
    before = sorted(str(i) for i in subgroup.learners.values_list("pk", flat=True))
    subgroup.learners.set(list(ids))
    journal.record(
        actor=actor,
        action="school.subgroup.learners",
        target=subgroup,
        before={"learners": before},
        after={"learners": sorted(str(i) for i in ids)},
    )
    return subgroup


# -- contingent moves --------------------------------------------------------------------------


def _active_count(school_class: SchoolClass) -> int:
    return ClassMembership.objects.filter(school_class=school_class, end_date__isnull=True).count()


def _check_room(school_class: SchoolClass) -> None:
    if _active_count(school_class) >= school_class.capacity:
        raise Conflict(_("The class is full."), code="class_full")


def _check_move_date(school_class: SchoolClass, on: dt.date) -> None:
    year = school_class.year
    if not year.start_date <= on <= year.end_date:
        raise ValidationError(
            _("The date must lie inside the academic year (%(start)s – %(end)s).")
            % {"start": year.start_date.isoformat(), "end": year.end_date.isoformat()},
            code="outside_year",
            fields={"date": ["outside_year"]},
        )


def _membership_snapshot(m: ClassMembership) -> dict[str, Any]:
    return journal.snapshot(
        m,
        [
            "person_id",
            "school_class_id",
            "start_date",
            "start_move",
            "end_date",
            "end_move",
            "end_reason",
        ],
    )


def _open(
    actor: Actor,
    person: Person,
    school_class: SchoolClass,
    enrolment: Enrolment,
    on: dt.date,
    move: str,
) -> ClassMembership:
    try:
        with transaction.atomic():  # a concurrent enrolment hits the one-active-class index
            membership = ClassMembership.objects.create(
                organization=school_class.organization,
                person=person,
                school_class=school_class,
                enrolment=enrolment,
                start_date=on,
                start_move=move,
            )
    except IntegrityError:
        raise Conflict(
            _("The learner is already in a class; transfer them instead."), code="already_in_class"
        ) from None
    journal.record(
        actor=actor,
        action=f"school.learner.{move}",
        target=membership,
        before=None,
        after=_membership_snapshot(membership),
    )
    return membership


def _close(
    actor: Actor, membership: ClassMembership, on: dt.date, move: str, reason: str
) -> ClassMembership:
    if membership.end_date is not None:
        raise Conflict(_("The learner has already left this class."), code="already_left")
    if on < membership.start_date:
        raise ValidationError(
            _("The date cannot be before the learner joined the class."),
            code="before_start",
            fields={"date": ["before_start"]},
        )
    before = _membership_snapshot(membership)
    membership.end_date = on
    membership.end_move = move
    membership.end_reason = reason
    membership.save()
    old, new = journal.changed(before, _membership_snapshot(membership))
    journal.record(
        actor=actor, action=f"school.learner.{move}", target=membership, before=old, after=new
    )
    return membership


def _sync_group_name(enrolment: Enrolment, school_class: SchoolClass) -> None:
    """The organization-level enrolment shows the learner's current grade and class."""
    enrolment.grade = school_class.grade
    enrolment.group_name = str(school_class)
    enrolment.save(update_fields=["grade", "group_name", "updated_at"])


@transaction.atomic
def learner_enrol(
    *, actor: Actor, school_class: SchoolClass, person: Person, on: dt.date
) -> ClassMembership:
    """Put a learner into a class. The learner's main school enrolment in this school is reused,
    or created through the people services (one active main enrolment per level)."""
    organization = school_class.organization
    scope.require(actor, CLASS_MANAGE, organization, target=school_class)
    _check_move_date(school_class, on)
    if (
        ClassMembership.objects.select_for_update()
        .filter(person=person, end_date__isnull=True)
        .exists()
    ):
        raise Conflict(
            _("The learner is already in a class; transfer them instead."), code="already_in_class"
        )
    _check_room(school_class)
    enrolment = Enrolment.objects.filter(
        person=person, level=Level.SCHOOL, is_main=True, end_date__isnull=True
    ).first()
    if enrolment is not None and enrolment.organization_id != organization.pk:
        raise Conflict(
            _(
                "The learner is enrolled in another school; that school must transfer them out first."
            ),
            code="enrolled_elsewhere",
        )
    if enrolment is None:
        enrolment = people_services.enrolment_create(
            actor=actor,
            person=person,
            organization=organization,
            level=Level.SCHOOL,
            start_date=on,
            grade=school_class.grade,
            group_name=str(school_class),
        )
    else:
        _sync_group_name(enrolment, school_class)
    return _open(actor, person, school_class, enrolment, on, Move.ENROLLED)


@transaction.atomic
def learner_transfer(
    *, actor: Actor, membership: ClassMembership, to_class: SchoolClass, on: dt.date
) -> ClassMembership:
    """Move a learner to another class of the same school: one stay ends, the next begins."""
    scope.require(actor, CLASS_MANAGE, membership.organization, target=membership)
    if to_class.organization_id != membership.organization_id:
        raise ValidationError(
            _("Use a transfer to another school for a class of another school."),
            code="class_other_school",
            fields={"to_class_id": ["other_school"]},
        )
    if to_class.pk == membership.school_class_id:
        raise ValidationError(code="same_class", fields={"to_class_id": ["same"]})
    _check_move_date(to_class, on)
    membership = ClassMembership.objects.select_for_update().get(pk=membership.pk)
    _check_room(to_class)
    _close(actor, membership, on, Move.TRANSFERRED, str(to_class))
    _sync_group_name(membership.enrolment, to_class)
    return _open(actor, membership.person, to_class, membership.enrolment, on, Move.TRANSFERRED)


def _leave_school(
    actor: Actor, membership: ClassMembership, on: dt.date, move: str, reason: str
) -> ClassMembership:
    scope.require(actor, CLASS_MANAGE, membership.organization, target=membership)
    membership = (
        ClassMembership.objects.select_for_update()
        .select_related("enrolment")
        .get(pk=membership.pk)
    )
    _close(actor, membership, on, move, reason)
    people_services.enrolment_end(
        actor=actor, enrolment=membership.enrolment, end_date=on, reason=reason
    )
    return membership


@transaction.atomic
def learner_transfer_out(
    *, actor: Actor, membership: ClassMembership, to_organization_name: str, on: dt.date
) -> ClassMembership:
    """The learner leaves for another school: the stay and the school enrolment end here; the
    receiving school then enrols the learner into one of its classes."""
    name = to_organization_name.strip()
    if not name:
        raise ValidationError(code="destination_required", fields={"to_organization": ["required"]})
    reason = _("Transferred to %(school)s") % {"school": name}
    return _leave_school(actor, membership, on, Move.TRANSFERRED_OUT, reason[:200])


@transaction.atomic
def learner_expel(
    *, actor: Actor, membership: ClassMembership, on: dt.date, reason: str
) -> ClassMembership:
    if not reason.strip():
        raise ValidationError(
            _("Give the reason for the expulsion."),
            code="reason_required",
            fields={"reason": ["required"]},
        )
    return _leave_school(actor, membership, on, Move.EXPELLED, reason.strip()[:200])


@transaction.atomic
def learner_graduate(*, actor: Actor, membership: ClassMembership, on: dt.date) -> ClassMembership:
    """Graduation ends schooling after grade 9 (basic) or 11/12 (general secondary)."""
    if membership.school_class.grade not in GRADUATION_GRADES:
        raise ValidationError(
            _("Learners graduate only from grades 9, 11 and 12."),
            code="not_graduation_grade",
            fields={"grade": [str(membership.school_class.grade)]},
        )
    return _leave_school(actor, membership, on, Move.GRADUATED, _("Graduated"))


# -- teaching assignments ----------------------------------------------------------------------


@transaction.atomic
def assignment_create(
    *,
    actor: Actor,
    school_class: SchoolClass,
    subject: Subject,
    teacher: Person,
    hours_per_week: Decimal,
    subgroup: Subgroup | None = None,
) -> TeachingAssignment:
    """Assign an employed teacher to a class-subject (or one subgroup of it) for the class's year."""
    organization = school_class.organization
    scope.require(actor, CLASS_MANAGE, organization, target=school_class)
    if subject.organization_id != organization.pk:
        raise ValidationError(code="subject_other_school", fields={"subject_id": ["other"]})
    if subgroup is not None and subgroup.school_class_id != school_class.pk:
        raise ValidationError(code="subgroup_other_class", fields={"subgroup_id": ["other"]})
    _check_employed(teacher, organization, "teacher_id")
    hours_per_week = Decimal(hours_per_week)
    _check_hours(hours_per_week)
    if hours_per_week == 0:
        raise ValidationError(code="hours_range", fields={"hours_per_week": ["0"]})
    if TeachingAssignment.objects.filter(
        school_class=school_class, subject=subject, subgroup=subgroup, teacher=teacher
    ).exists():
        raise Conflict(
            _("This teacher is already assigned to this class-subject."), code="assignment_exists"
        )
    assignment = TeachingAssignment.objects.create(
        organization=organization,
        year=school_class.year,
        teacher=teacher,
        school_class=school_class,
        subject=subject,
        subgroup=subgroup,
        hours_per_week=hours_per_week,
    )
    journal.record(
        actor=actor,
        action="school.assignment.create",
        target=assignment,
        after=journal.snapshot(assignment, ASSIGNMENT_FIELDS),
    )
    return assignment


@transaction.atomic
def assignment_delete(*, actor: Actor, assignment: TeachingAssignment) -> None:
    scope.require(actor, CLASS_MANAGE, assignment.organization, target=assignment)
    journal.record(
        actor=actor,
        action="school.assignment.delete",
        target=assignment,
        before=journal.snapshot(assignment, ASSIGNMENT_FIELDS),
    )
    assignment.delete()
