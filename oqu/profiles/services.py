"""Changes to the digital profiles: validate → access check → change → journal, in one transaction.

Profiles are personal data, so every change is journaled with before/after. A teacher's profile is
edited by holders of `profiles.teacher.manage` in a school where the teacher works now; a learner's
by holders of `profiles.learner.manage` where the learner is enrolled now. A teacher may propose a
course for their own profile (the `learner` relation role is "oneself"); it counts once the head
confirms it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import ValidationError
from oqu.people.models import Person

from .models import Attestation, Course
from .rules import GRANTING_RESULTS, valid_until
from .sections import SECTIONS, TEACHER, Section, home_units, section_of

PROPOSE = "profiles.course.propose"
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
# What a certificate file may be: the extension and the first bytes must agree.
FILE_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def max_file_bytes() -> int:
    return int(getattr(settings, "OQU_PROFILE_FILE_MAX_BYTES", DEFAULT_MAX_FILE_BYTES))


def _require_manage(actor: Actor, section: Section, person: Person, target: Any = None) -> Any:
    """The unit the change is made in (the first home unit the actor manages), or 404/403."""
    units = home_units(person, section.profile)
    scope.require_any(actor, section.manage_capability, units, target=target or person)
    return next(u for u in units if actor.can_at(section.manage_capability, u.path))


def _validated(section: Section, data: dict[str, Any], instance: Any = None) -> Any:
    form = section.form_class()(data=data, instance=instance)
    if not form.is_valid():
        raise ValidationError(
            _("Some fields are not valid."),
            code="profile_entry_invalid",
            fields={name: [str(e) for e in errors] for name, errors in form.errors.items()},
        )
    return form.save(commit=False)


def _derive(entry: Any) -> None:
    """What follows from the entered fields: a granted category's validity from its data."""
    if isinstance(entry, Attestation):
        if entry.result not in GRANTING_RESULTS:
            entry.valid_until = None
        elif entry.valid_until is None:
            entry.valid_until = valid_until(entry.held_on, entry.category.validity_years)


def _snapshot(entry: Any) -> dict[str, Any]:
    """The entry's fields for the journal; a file by its stored name."""
    values = journal.snapshot(entry)
    values.pop("created_at", None)
    values.pop("updated_at", None)
    if "attachment" in values:
        values["attachment"] = entry.attachment.name or ""
    return values


@transaction.atomic
def entry_create(*, actor: Actor, section: str, person: Person, data: dict[str, Any]) -> Any:
    """Add an entry to a section of `person`'s profile (by the school's staff)."""
    sec = SECTIONS[section]
    unit = _require_manage(actor, sec, person)
    entry = _validated(sec, data)
    entry.person = person
    entry.organization = unit
    entry.recorded_by_id = actor.person_id
    if sec.certificate_profile:
        entry.profile = sec.certificate_profile
    if isinstance(entry, Course):
        entry.status = Course.Status.CONFIRMED
        entry.decided_by_id = actor.person_id
        entry.decided_at = timezone.now()
    _derive(entry)
    entry.save()
    journal.record(
        actor=actor, action=f"profiles.{section}.create", target=entry, after=_snapshot(entry)
    )
    return entry


@transaction.atomic
def entry_update(*, actor: Actor, entry: Any, data: dict[str, Any]) -> Any:
    """Change the fields of an entry; the fields not given keep their values."""
    sec = section_of(entry)
    _require_manage(actor, sec, entry.person, target=entry)
    before = _snapshot(entry)
    current = {
        name: (getattr(entry, name).code if name == "category" else getattr(entry, name))
        for name in sec.fields
    }
    entry = _validated(sec, {**current, **data}, instance=entry)
    recomputes = {"held_on", "category", "result"} & set(data)
    if isinstance(entry, Attestation) and recomputes and "valid_until" not in data:
        entry.valid_until = None  # follows the new date or category again
    _derive(entry)
    entry.save()
    old, new = journal.changed(before, _snapshot(entry))
    journal.record(
        actor=actor, action=f"profiles.{sec.code}.update", target=entry, before=old, after=new
    )
    return entry


@transaction.atomic
def entry_delete(*, actor: Actor, entry: Any) -> None:
    sec = section_of(entry)
    _require_manage(actor, sec, entry.person, target=entry)
    journal.record(
        actor=actor, action=f"profiles.{sec.code}.delete", target=entry, before=_snapshot(entry)
    )
    attachment = getattr(entry, "attachment", None)
    entry.delete()
    if attachment:
        transaction.on_commit(lambda: attachment.storage.delete(attachment.name))


# -- courses a teacher proposes ----------------------------------------------------------------


@transaction.atomic
def course_propose(*, actor: Actor, person: Person, data: dict[str, Any]) -> Course:
    """A teacher proposes a course they took; it waits for the head's confirmation."""
    scope.require_person(actor, PROPOSE, person)
    units = home_units(person, TEACHER)
    if not units:
        raise ValidationError(
            _("Only a person working in a school can propose a course."), code="not_staff"
        )
    entry = _validated(SECTIONS["course"], data)
    entry.person = person
    entry.organization = units[0]
    entry.recorded_by_id = actor.person_id
    entry.status = Course.Status.PROPOSED
    entry.save()
    journal.record(
        actor=actor, action="profiles.course.propose", target=entry, after=_snapshot(entry)
    )
    return entry


@transaction.atomic
def course_decide(*, actor: Actor, course: Course, approve: bool) -> Course:
    """The head confirms a proposed course (it then counts) or rejects it."""
    _require_manage(actor, SECTIONS["course"], course.person, target=course)
    if course.status != Course.Status.PROPOSED:
        raise ValidationError(
            _("Only a proposed course can be confirmed or rejected."), code="course_not_proposed"
        )
    before = _snapshot(course)
    course.status = Course.Status.CONFIRMED if approve else Course.Status.REJECTED
    course.decided_by_id = actor.person_id
    course.decided_at = timezone.now()
    course.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    old, new = journal.changed(before, _snapshot(course))
    journal.record(
        actor=actor,
        action="profiles.course.confirm" if approve else "profiles.course.reject",
        target=course,
        before=old,
        after=new,
    )
    return course


# -- attachments -------------------------------------------------------------------------------


def check_upload(upload: UploadedFile) -> str:
    """The upload's extension after the size and type checks (refused: a 400 with a code)."""
    if upload.size is None or upload.size == 0:
        raise ValidationError(
            _("The file is empty."), code="file_empty", fields={"file": ["empty"]}
        )
    if upload.size > max_file_bytes():
        raise ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": max_file_bytes() // (1024 * 1024)},
            code="file_too_large",
            fields={"file": ["too_large"]},
        )
    name = (upload.name or "").lower()
    extension = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    head = upload.read(16)
    upload.seek(0)
    if extension not in FILE_SIGNATURES or not head.startswith(FILE_SIGNATURES[extension]):
        raise ValidationError(
            _("Only PDF, JPEG or PNG files are accepted."),
            code="file_type",
            fields={"file": ["type"]},
        )
    return extension


def _digest(upload: UploadedFile) -> str:
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest()


@transaction.atomic
def attachment_set(*, actor: Actor, entry: Any, upload: UploadedFile) -> Any:
    """Attach (or replace) the scan of a certificate, diploma or course certificate."""
    sec = section_of(entry)
    if not sec.has_attachment:
        raise ValidationError(
            _("This kind of entry has no file."), code="no_attachment", fields={"file": ["none"]}
        )
    _require_manage(actor, sec, entry.person, target=entry)
    extension = check_upload(upload)
    digest = _digest(upload)
    old_name = entry.attachment.name or ""
    # A stored name never carries the uploader's file name (personal data, path tricks).
    entry.attachment.save(f"{entry.pk}{extension}", upload, save=False)
    entry.save(update_fields=["attachment", "updated_at"])
    journal.record(
        actor=actor,
        action="profiles.attachment.set",
        target=entry,
        before={"attachment": old_name} if old_name else None,
        after={"attachment": entry.attachment.name, "size": upload.size, "sha256": digest},
    )
    if old_name and old_name != entry.attachment.name:
        storage = entry.attachment.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return entry


# -- reads by other staff, journaled like restricted data reads ---------------------------------


def record_read(
    *, actor: Actor, person: Person, profile: str, entry: Any = None, what: str = "profile"
) -> None:
    """Journal a staff member's read of someone else's digital profile (or one entry or file of
    it), like the reads of restricted personal data: who read whose profile, what, when, from
    where. The person's own reads and a parent's reads of their child (through the relation) are
    not journaled; a read through a grant is, under the organization that grant covers."""
    if actor.person_id and actor.person_id == person.pk:
        return
    action = f"profiles.{profile}.view"
    units = [u for u in scope.person_units(person) if actor.can_at(action, u.path)]
    if not units and not actor.is_platform_admin:
        return
    details: dict[str, Any] = {"profile": profile, "what": what}
    if entry is not None:
        details["entry_id"] = str(entry.pk)
        details["section"] = section_of(entry).code
    journal.record(
        actor=actor,
        action=f"profiles.{profile}.read",
        target=person,
        after=details,
        organization_id=units[0].pk if units else None,
    )


def record_entry_read(*, actor: Actor, entry: Any, what: str = "entry") -> None:
    record_read(
        actor=actor, person=entry.person, profile=section_of(entry).profile, entry=entry, what=what
    )
