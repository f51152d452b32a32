"""Changes to people and their relations. Every change of personal data is journaled with
before/after (G-5.13) and kept in the row history (G-5.8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import Actor
from oqu.audit import journal
from oqu.kernel.errors import Conflict, ValidationError
from oqu.kernel.identifiers import InvalidIdentifier, parse_iin

from .models import MAIN_LEVELS, Employment, Enrolment, Guardianship, Level, Person, Sex
from .rules import age_on, level_accepts_age

NAME_FIELDS = (
    "last_name_kk",
    "first_name_kk",
    "middle_name_kk",
    "last_name_ru",
    "first_name_ru",
    "middle_name_ru",
)
PERSON_FIELDS = (*NAME_FIELDS, "birth_date", "sex")


def _iin_error(code: str) -> ValidationError:
    messages = {
        "iin_format": _("The IIN must be exactly 12 digits."),
        "iin_checksum": _(
            "The IIN check digit does not match: the number is mistyped or never issued."
        ),
    }
    return ValidationError(
        messages.get(code, _("The IIN is not valid.")), code=code, fields={"iin": [code]}
    )


def _identity_from_iin(iin: str, birth_date: dt.date | None, sex: str | None) -> dict[str, Any]:
    """Derive birth date and sex from the IIN, or accept typed ones and flag for verification."""
    try:
        info = parse_iin(iin)
    except InvalidIdentifier as exc:
        raise _iin_error(exc.code) from None
    if not info.needs_verification:
        if birth_date and birth_date != info.birth_date:
            raise ValidationError(
                _("The birth date does not match the IIN."),
                code="birth_date_mismatch",
                fields={"birth_date": ["mismatch"]},
            )
        if sex and sex != info.sex:
            raise ValidationError(
                _("The sex does not match the IIN."),
                code="sex_mismatch",
                fields={"sex": ["mismatch"]},
            )
        return {
            "birth_date": info.birth_date,
            "sex": info.sex,
            "needs_verification": False,
            "verification_reason": "",
        }
    missing = {
        name: ["required"]
        for name, value in (("birth_date", birth_date), ("sex", sex))
        if not value
    }
    if missing:
        raise ValidationError(
            _("This IIN does not show the birth date or sex: type them in."),
            code="identity_fields_required",
            fields=missing,
        )
    return {
        "birth_date": birth_date,
        "sex": sex,
        "needs_verification": True,
        "verification_reason": info.warnings[0],
    }


def _tells_identity(iin: str) -> bool:
    """Whether a valid IIN shows its holder's birth date and sex."""
    try:
        return not parse_iin(iin).needs_verification
    except InvalidIdentifier:
        return False


def _check_sex(sex: str | None) -> None:
    if sex and sex not in Sex.values:
        raise ValidationError(code="sex_unknown", fields={"sex": [sex]})


def _check_organization(organization: Any) -> None:
    """People learn and work in open organizations, not in territorial units or closed ones."""
    if organization.kind != "organization" or organization.status != "active":
        raise ValidationError(
            _("This is not an open organization."),
            code="organization_not_open",
            fields={"organization": [str(organization.pk)]},
        )


def _check_names(values: dict[str, Any]) -> None:
    missing = {
        name: ["required"]
        for name in ("last_name_kk", "first_name_kk", "last_name_ru", "first_name_ru")
        if not str(values.get(name) or "").strip()
    }
    if missing:
        raise ValidationError(
            _("Last and first names are required in Kazakh and in Russian."),
            code="name_required",
            fields=missing,
        )


def _check_end_date(start_date: dt.date, end_date: dt.date) -> None:
    """A relation ends on a past or present day, never before it began.

    "Active" means no end date, so a future end would end it at once; ends are recorded when
    they happen.
    """
    if end_date < start_date:
        raise ValidationError(
            _("The end date is before the start date."),
            code="end_before_start",
            fields={"end_date": ["before_start"]},
        )
    if end_date > timezone.localdate():
        raise ValidationError(
            _("The end date cannot be in the future."),
            code="end_in_future",
            fields={"end_date": ["future"]},
        )


def _new_person(
    iin: str,
    names: dict[str, str],
    birth_date: dt.date | None,
    sex: str | None,
    *,
    history_user: Any = None,
) -> Person:
    """Validate and store a new person; a duplicate IIN (even a concurrent one) is a Conflict."""
    iin = (iin or "").strip()
    _check_sex(sex)
    identity = _identity_from_iin(iin, birth_date, sex)
    _check_names(names)
    try:
        with transaction.atomic():
            person = Person(iin=iin, **{k: (v or "").strip() for k, v in names.items()}, **identity)
            if history_user is not None:
                person._history_user = history_user
            person.save()
    except IntegrityError:
        raise Conflict(
            _("A person with this IIN is already registered."),
            code="iin_duplicate",
            fields={"iin": ["duplicate"]},
        ) from None
    return person


@transaction.atomic
def person_register(
    *,
    actor: Actor,
    organization: Any,
    iin: str,
    last_name_kk: str,
    first_name_kk: str,
    last_name_ru: str,
    first_name_ru: str,
    middle_name_kk: str = "",
    middle_name_ru: str = "",
    birth_date: dt.date | None = None,
    sex: str | None = None,
) -> Person:
    """Register a person by IIN for an organization that will enrol or employ them (MAP-PASS)."""
    scope.require(actor, "people.person.manage", organization)
    person = _new_person(
        iin,
        {
            "last_name_kk": last_name_kk,
            "first_name_kk": first_name_kk,
            "middle_name_kk": middle_name_kk,
            "last_name_ru": last_name_ru,
            "first_name_ru": first_name_ru,
            "middle_name_ru": middle_name_ru,
        },
        birth_date,
        sex,
        history_user=actor.user,
    )
    journal.record(
        actor=actor,
        action="people.person.register",
        target=person,
        organization_id=organization.pk,
        after=journal.snapshot(person, ["iin", *PERSON_FIELDS, "needs_verification"]),
    )
    return person


def _journal_organization_id(person: Person) -> Any:
    """The organization whose journal chain records a change to a person: one they are active in.

    Person rows have no organization; without this every change would queue on the platform
    chain at national scale.
    """
    units = scope.person_units(person)
    return min((u.pk for u in units), key=str, default=None)


@transaction.atomic
def person_change(*, actor: Actor, person: Person, **changes: Any) -> Person:
    """Change personal data; the IIN may be corrected only to another valid, unused IIN."""
    scope.require_person(actor, "people.person.manage", person)
    allowed = {*PERSON_FIELDS, "iin"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(
            code="field_not_editable", fields={k: ["not_editable"] for k in unknown}
        )
    before = journal.snapshot(person, ["iin", *PERSON_FIELDS, "needs_verification"])
    _check_sex(changes.get("sex"))
    merged = {**{f: getattr(person, f) for f in allowed}, **changes}
    merged["iin"] = (merged["iin"] or "").strip()
    _check_names(merged)
    if {"iin", "birth_date", "sex"} & set(changes):
        birth_date, sex = merged["birth_date"], merged["sex"]
        if merged["iin"] != person.iin and _tells_identity(merged["iin"]):
            # birth date and sex follow a corrected IIN; values typed with it must match it
            birth_date, sex = changes.get("birth_date"), changes.get("sex")
        identity = _identity_from_iin(merged["iin"], birth_date, sex)
        merged.update(identity)
    if merged["iin"] != person.iin and Person.objects.filter(iin=merged["iin"]).exists():
        raise Conflict(
            _("A person with this IIN is already registered."),
            code="iin_duplicate",
            fields={"iin": ["duplicate"]},
        )
    for field, value in merged.items():
        setattr(person, field, value.strip() if isinstance(value, str) else value)
    person._history_user = actor.user
    person.save()
    old, new = journal.changed(before, journal.snapshot(person, list(before)))
    if new:
        journal.record(
            actor=actor,
            action="people.person.change",
            target=person,
            before=old,
            after=new,
            organization_id=_journal_organization_id(person),
        )
    return person


@transaction.atomic
def enrolment_create(
    *,
    actor: Actor,
    person: Person,
    organization: Any,
    level: str,
    start_date: dt.date,
    grade: int | None = None,
    group_name: str = "",
    is_main: bool | None = None,
) -> Enrolment:
    """Enrol a person: one active main enrolment per level; any number in additional education."""
    scope.require(actor, "people.enrolment.manage", organization, target=person)
    _check_organization(organization)
    if level not in Level.values:
        raise ValidationError(code="level_unknown", fields={"level": [level]})
    org_level = organization.org_type.level if organization.org_type_id else ""
    if level != Level.ADDITIONAL and org_level != level:
        raise ValidationError(
            _("This organization does not teach at this level."),
            code="level_mismatch",
            fields={"level": [level]},
        )
    is_main = (level in MAIN_LEVELS) if is_main is None else is_main
    if level == Level.ADDITIONAL and is_main:
        raise ValidationError(code="additional_not_main", fields={"is_main": ["additional"]})
    if not level_accepts_age(level, age_on(person.birth_date, start_date)):
        raise ValidationError(
            _("The person's age does not fit this level of education."),
            code="age_not_allowed",
            fields={"person": ["age"]},
        )
    if (
        is_main
        and Enrolment.objects.filter(
            person=person, level=level, is_main=True, end_date__isnull=True
        ).exists()
    ):
        raise Conflict(
            _("The person already has an active main enrolment at this level."),
            code="main_enrolment_exists",
        )
    enrolment = Enrolment.objects.create(
        organization=organization,
        person=person,
        level=level,
        is_main=is_main,
        grade=grade,
        group_name=group_name,
        start_date=start_date,
    )
    journal.record(
        actor=actor,
        action="people.enrolment.create",
        target=enrolment,
        after=journal.snapshot(enrolment),
    )
    return enrolment


@transaction.atomic
def enrolment_end(
    *, actor: Actor, enrolment: Enrolment, end_date: dt.date, reason: str
) -> Enrolment:
    """End an enrolment (graduation, transfer, expulsion); the record stays in the history."""
    scope.require(actor, "people.enrolment.manage", enrolment.organization, target=enrolment)
    if enrolment.end_date is not None:
        raise Conflict(_("This enrolment has already ended."), code="already_ended")
    _check_end_date(enrolment.start_date, end_date)
    enrolment.end_date = end_date
    enrolment.end_reason = reason
    enrolment.save()
    journal.record(
        actor=actor,
        action="people.enrolment.end",
        target=enrolment,
        before={"end_date": None},
        after={"end_date": end_date, "end_reason": reason},
    )
    return enrolment


@transaction.atomic
def employment_create(
    *,
    actor: Actor,
    person: Person,
    organization: Any,
    position: str,
    start_date: dt.date,
    rate: Any = 1,
) -> Employment:
    """Employ a person; a person may hold positions in any number of organizations."""
    scope.require(actor, "people.employment.manage", organization, target=person)
    _check_organization(organization)
    if not position.strip():
        raise ValidationError(code="position_required", fields={"position": ["required"]})
    employment = Employment.objects.create(
        organization=organization,
        person=person,
        position=position.strip(),
        start_date=start_date,
        rate=rate,
    )
    journal.record(
        actor=actor,
        action="people.employment.create",
        target=employment,
        after=journal.snapshot(employment),
    )
    return employment


@transaction.atomic
def employment_end(*, actor: Actor, employment: Employment, end_date: dt.date) -> Employment:
    scope.require(actor, "people.employment.manage", employment.organization, target=employment)
    if employment.end_date is not None:
        raise Conflict(_("This employment has already ended."), code="already_ended")
    _check_end_date(employment.start_date, end_date)
    employment.end_date = end_date
    employment.save()
    journal.record(
        actor=actor,
        action="people.employment.end",
        target=employment,
        before={"end_date": None},
        after={"end_date": end_date},
    )
    return employment


@transaction.atomic
def guardianship_create(
    *, actor: Actor, guardian: Person, child: Person, kind: str, start_date: dt.date | None = None
) -> Guardianship:
    """Record a parent or legal representative of a child the actor's organization teaches."""
    scope.require_person(actor, "people.guardianship.manage", child)
    if kind not in Guardianship.Kind.values:
        raise ValidationError(code="kind_unknown", fields={"kind": [kind]})
    if guardian.pk == child.pk:
        raise ValidationError(_("A person cannot be their own guardian."), code="guardian_is_child")
    if Guardianship.objects.filter(guardian=guardian, child=child, end_date__isnull=True).exists():
        raise Conflict(_("This guardianship is already recorded."), code="guardianship_exists")
    item = Guardianship.objects.create(
        guardian=guardian, child=child, kind=kind, start_date=start_date or timezone.localdate()
    )
    journal.record(
        actor=actor,
        action="people.guardianship.create",
        target=item,
        after=journal.snapshot(item),
        organization_id=_journal_organization_id(child),
    )
    return item


@transaction.atomic
def guardianship_end(
    *, actor: Actor, guardianship: Guardianship, end_date: dt.date
) -> Guardianship:
    scope.require_person(actor, "people.guardianship.manage", guardianship.child)
    if guardianship.end_date is not None:
        raise Conflict(_("This guardianship has already ended."), code="already_ended")
    _check_end_date(guardianship.start_date, end_date)
    guardianship.end_date = end_date
    guardianship.save()
    journal.record(
        actor=actor,
        action="people.guardianship.end",
        target=guardianship,
        before={"end_date": None},
        after={"end_date": end_date},
        organization_id=_journal_organization_id(guardianship.child),
    )
    return guardianship


# -- self-service paths (parents' self-registration, G-5.7) ------------------------------------


@transaction.atomic
def person_register_self(
    *,
    iin: str,
    last_name_kk: str,
    first_name_kk: str,
    last_name_ru: str,
    first_name_ru: str,
    middle_name_kk: str = "",
    middle_name_ru: str = "",
    birth_date: dt.date | None = None,
    sex: str | None = None,
) -> Person:
    """Register the person who has just proved control of a phone for this IIN (G-5.7).

    No grant is checked: the caller (`oqu.registration.services`) has verified a one-time code
    sent to the phone. The journal row is written by that caller once the account exists, so it
    names the new account as the actor.
    """
    return _new_person(
        iin,
        {
            "last_name_kk": last_name_kk,
            "first_name_kk": first_name_kk,
            "middle_name_kk": middle_name_kk,
            "last_name_ru": last_name_ru,
            "first_name_ru": first_name_ru,
            "middle_name_ru": middle_name_ru,
        },
        birth_date,
        sex,
    )


def person_snapshot(person: Person) -> dict[str, Any]:
    """The journaled fields of a person (for callers that journal a registration themselves)."""
    return journal.snapshot(person, ["iin", *PERSON_FIELDS, "needs_verification"])


@transaction.atomic
def guardianship_create_verified(
    *, actor: Actor, guardian: Person, child: Person, kind: str, evidence: str
) -> Guardianship:
    """Record a guardianship the state person register has confirmed (G-5.7).

    No grant is checked: the register's answer is the authority. `actor` is the parent whose
    request triggered the check; `evidence` says which register answer it rests on.
    """
    if kind not in Guardianship.Kind.values:
        raise ValidationError(code="kind_unknown", fields={"kind": [kind]})
    if guardian.pk == child.pk:
        raise ValidationError(_("A person cannot be their own guardian."), code="guardian_is_child")
    if Guardianship.objects.filter(guardian=guardian, child=child, end_date__isnull=True).exists():
        raise Conflict(_("This guardianship is already recorded."), code="guardianship_exists")
    item = Guardianship.objects.create(
        guardian=guardian, child=child, kind=kind, start_date=timezone.localdate()
    )
    journal.record(
        actor=actor,
        action="people.guardianship.create",
        target=item,
        after={**journal.snapshot(item), "evidence": evidence},
        organization_id=_journal_organization_id(child),
    )
    return item
