"""Changes to the preschool queue: applications, places, allocation runs and directions (MAP-QUEUE).

Each change validates, checks the access layer, changes and journals in one transaction. Calls to
the person register are made before the transaction opens. The numbers that the law may change
(ratios, deadlines, stop list, age bands) are read from the rule sets in force on the day.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from oqu.access import scope
from oqu.access.scope import PARENT_ROLE, Actor
from oqu.audit import journal
from oqu.exchange.person_register.client import PersonRegisterClient, RegisterUnavailable
from oqu.exchange.person_register.schemas import RegisterPerson
from oqu.kernel import calendar
from oqu.kernel.errors import Conflict, DomainError, Forbidden, NotFound, ValidationError
from oqu.kernel.identifiers import InvalidIdentifier, parse_iin
from oqu.kernel.rules import rule_value
from oqu.notifications.services import IN_APP, notification_send
from oqu.orgs.models import Unit
from oqu.people import services as people_services
from oqu.people.models import Guardianship, Person
from oqu.pki.outcomes import message_of
from oqu.pki.services import verify_signature
from oqu.preschool import services as preschool_services
from oqu.preschool.models import AgeGroup

from . import allocation
from .models import (
    AllocationRun,
    Application,
    Category,
    Direction,
    Flag,
    Preference,
    Publication,
    SeatCounter,
    StatusChange,
    StopEntry,
    SupportingDocument,
)

logger = logging.getLogger(__name__)

APPLY = "equeue.application.apply"
VIEW = "equeue.application.view"
RUN = "equeue.allocation.run"
CONFIRM = "equeue.priority.confirm"
ENROL = "equeue.direction.enrol"
LIVE = (Application.Status.QUEUED, Application.Status.DIRECTED)
LIVE_DIRECTIONS = (Direction.Status.ISSUED, Direction.Status.ACCEPTED)
APPLICATION_FIELDS = ["status", "category", "category_ground", "desired_date", "language"]


class RegisterNotAnswering(DomainError):
    status = 503
    code = "register_unavailable"


class SignatureInvalid(DomainError):
    """The acceptance was signed with a signature that does not check; `fields` names the outcome."""

    status = 400
    code = "signature_invalid"


# -- rules in force --------------------------------------------------------------------------


def age_in_months(birth: dt.date, on: dt.date) -> int:
    months = (on.year - birth.year) * 12 + (on.month - birth.month)
    return months - 1 if on.day < birth.day else months


def band_fits(kind: str, months: int, bands: dict[str, list[int]]) -> bool:
    band = bands.get(kind)
    return bool(band) and band[0] <= months < band[1]


def ground_ranks(as_of: dt.date) -> dict[str, str]:
    """Grounds of priority whose rank the rules in force set (e.g. a teacher's child, whose rank
    the 2024 rules leave unconfirmed): ground code → category."""
    return dict(rule_value("equeue.ground_ranks", as_of))


def category_of_ground(ground: str, claimed: str, as_of: dt.date, ranks: Any = None) -> str:
    """The category an application stands in on `as_of`: the rules' rank of its ground when they
    set one, else the category claimed."""
    ranks = ground_ranks(as_of) if ranks is None else ranks
    rank = ranks.get((ground or "").strip())
    return rank if rank in Category.values else claimed


def district_for_kato(kato: str) -> Unit | None:
    """The district (or city) unit whose KATO code is the longest prefix of the address's code."""
    kato = (kato or "").strip()
    if len(kato) != 9 or not kato.isdigit():
        return None
    best: Unit | None = None
    best_len = 0
    candidates = Unit.objects.filter(
        kind=Unit.Kind.DISTRICT, kato_code__startswith=kato[:2], status=Unit.Status.ACTIVE
    ).exclude(kato_code="")
    for unit in candidates:
        prefix = unit.kato_code.rstrip("0")
        if prefix and kato.startswith(prefix) and len(prefix) > best_len:
            best, best_len = unit, len(prefix)
    return best


# -- notifications and history -----------------------------------------------------------------


def _status_message(application: Application, reason: str) -> tuple[str, str]:
    status = application.get_status_display()
    subject = _("Preschool queue: %(status)s") % {"status": status}
    body = _("The application for %(child)s is now: %(status)s.") % {
        "child": application.child.full_name(translation.get_language() or "kk"),
        "status": status,
    }
    if reason:
        body = f"{body} {reason}"
    return subject, body


def _notify_applicant(application: Application, reason: str = "") -> None:
    """Every status change tells the parent in the app, in the language of their account."""
    from oqu.identity.models import User

    user = User.objects.filter(person_id=application.applicant_id, is_active=True).first()
    if user is None:
        return
    with translation.override(getattr(user, "language", "") or "kk"):
        subject, body = _status_message(application, reason)
        notification_send(
            user=user,
            topic="equeue.application",
            subject=str(subject),
            body=str(body),
            link=reverse("equeue:application", args=[application.pk]),
            channels=(IN_APP,),
        )


def _set_status(
    actor: Any, application: Application, status: str, reason: str, *, notify: bool = True
) -> None:
    before = {"status": application.status}
    application.status = status
    application.save(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        organization_id=application.organization_id,
        application=application,
        status=status,
        at=timezone.now(),
        reason=reason[:300],
    )
    journal.record(
        actor=actor,
        action="equeue.application.status",
        target=application,
        before=before,
        after={"status": status, "reason": reason},
    )
    if notify:
        _notify_applicant(application, reason)


# -- applying ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterAnswer:
    child: RegisterPerson
    applicant: RegisterPerson | None
    kind: str


def _parent_of(actor: Actor) -> Person:
    if actor.is_anonymous:
        raise NotFound()
    person = Person.objects.filter(pk=actor.person_id).first() if actor.person_id else None
    if person is None or not (actor.is_platform_admin or actor.relation_can(PARENT_ROLE, APPLY)):
        raise Forbidden(
            _("Only a parent or legal representative may put a child in the queue."),
            code="not_a_parent",
        )
    return person


def _valid_iin(iin: str) -> str:
    iin = (iin or "").strip()
    try:
        parse_iin(iin)
    except InvalidIdentifier as exc:
        raise ValidationError(
            _("The IIN is not valid."), code=exc.code, fields={"child_iin": [exc.code]}
        ) from None
    return iin


def ask_register(
    parent: Person, child_iin: str, client: PersonRegisterClient | None = None
) -> RegisterAnswer:
    """The child's age and address and the parent's relation, from the state person register."""
    client = client or PersonRegisterClient.from_settings()
    try:
        child = client.person_lookup(child_iin)
        relations = client.person_relations(child_iin) if child else None
        applicant = client.person_lookup(parent.iin)
    except RegisterUnavailable as exc:
        logger.warning("person register unavailable for a queue application: %s", exc.reason)
        raise RegisterNotAnswering(
            _("The state person register does not answer now. Try again later.")
        ) from None
    if child is None:
        raise ValidationError(
            _("The person register does not know a child with this IIN."),
            code="child_unknown",
            fields={"child_iin": ["unknown"]},
        )
    kind = (
        next((r.kind for r in relations.representatives if r.iin == parent.iin), "")
        if relations
        else ""
    )
    if not kind:
        raise Forbidden(
            _("The person register does not name you as this child's parent or representative."),
            code="not_representative",
        )
    return RegisterAnswer(child=child, applicant=applicant, kind=kind)


def _check_preferences(district: Unit, preschool_ids: list[Any], limit: int) -> list[Unit]:
    ids = [str(p) for p in preschool_ids if str(p).strip()]
    if not ids:
        raise ValidationError(
            _("Choose at least one preschool organization."),
            code="preferences_required",
            fields={"preschools": ["required"]},
        )
    if len(ids) > limit or len(set(ids)) != len(ids):
        raise ValidationError(
            _("Choose up to %(n)s different organizations.") % {"n": limit},
            code="preferences_invalid",
            fields={"preschools": ["invalid"]},
        )
    try:
        units = Unit.objects.filter(
            pk__in=ids,
            kind=Unit.Kind.ORGANIZATION,
            org_type__code="preschool",
            path__startswith=district.path,
            status=Unit.Status.ACTIVE,
        )
        found = {str(u.pk): u for u in units}
    except (ValueError, DjangoValidationError):
        found = {}
    if len(found) != len(ids):
        raise ValidationError(
            _("Every chosen organization must be a preschool in your district of residence."),
            code="preference_outside_district",
            fields={"preschools": ["outside_district"]},
        )
    return [found[i] for i in ids]


def _child_person(actor: Actor, answer: RegisterAnswer, parent: Person) -> Person:
    """The child on the platform, registered from the register's answer when new."""
    child = Person.objects.filter(iin=answer.child.iin).first()
    if child is None:
        names = {
            "last_name_kk": answer.child.last_name,
            "first_name_kk": answer.child.first_name,
            "last_name_ru": answer.child.last_name,
            "first_name_ru": answer.child.first_name,
            "middle_name_kk": answer.child.middle_name,
            "middle_name_ru": answer.child.middle_name,
        }
        child = people_services.person_register_self(
            iin=answer.child.iin, birth_date=answer.child.birth_date, sex=answer.child.sex, **names
        )
        journal.record(
            actor=actor,
            action="people.person.register",
            target=child,
            after={**people_services.person_snapshot(child), "evidence": "person_register:equeue"},
        )
    if not Guardianship.objects.filter(
        guardian=parent, child=child, end_date__isnull=True
    ).exists():
        people_services.guardianship_create_verified(
            actor=actor,
            guardian=parent,
            child=child,
            kind=answer.kind if answer.kind in Guardianship.Kind.values else "guardian",
            evidence="person_register:equeue",
        )
    return child


def _sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _flag(application: Application, code: str, detail: str) -> None:
    Flag.objects.get_or_create(
        application=application,
        code=code,
        defaults={"organization_id": application.organization_id, "detail": detail[:300]},
    )


def _antifraud(
    application: Application, answer: RegisterAnswer, declared_kato: str, today: dt.date
) -> None:
    """Raise the signals district staff look at before directions are confirmed."""
    registered = answer.child.address.kato if answer.child.address else ""
    if declared_kato and declared_kato != registered:
        _flag(application, Flag.Code.ADDRESS_MISMATCH, "declared address differs from the register")
    applicant_address = (
        answer.applicant.address.kato if answer.applicant and answer.applicant.address else ""
    )
    if applicant_address and registered and applicant_address != registered:
        _flag(
            application,
            Flag.Code.ADDRESS_MISMATCH,
            "the applicant lives elsewhere per the register",
        )
    days = int(rule_value("equeue.antifraud", today)["close_birth_days"])
    siblings = (
        Application.objects.filter(applicant_id=application.applicant_id)
        .exclude(child_id=application.child_id)
        .values_list("child__birth_date", flat=True)
    )
    birth = application.child.birth_date
    if birth and any(b and 1 < abs((b - birth).days) < days for b in siblings):
        _flag(application, Flag.Code.CLOSE_BIRTHS, "another child of the applicant born close")


def _store_documents(application: Application, documents: list[Any], max_bytes: int) -> None:
    for upload in documents:
        if upload.size > max_bytes:
            raise ValidationError(
                _("A document is larger than allowed."),
                code="document_too_large",
                fields={"documents": ["too_large"]},
            )
        digest = _sha256(upload)
        SupportingDocument.objects.create(
            organization_id=application.organization_id,
            application=application,
            file=upload,
            name=str(upload.name)[:200],
            sha256=digest,
            size=upload.size,
        )
        reused = SupportingDocument.objects.filter(sha256=digest).exclude(
            application__child_id=application.child_id
        )
        for other in reused.select_related("application"):
            _flag(
                other.application, Flag.Code.DOCUMENT_REUSED, "the same file supports another child"
            )
            _flag(application, Flag.Code.DOCUMENT_REUSED, "the same file supports another child")


def _flag_duplicate(child_iin: str, parent: Person) -> None:
    """Someone else applied for a child already in the queue: tell district staff on that application."""
    with transaction.atomic():
        existing = Application.objects.filter(child__iin=child_iin, status__in=LIVE).first()
        if existing is not None and existing.applicant_id != parent.pk:
            _flag(
                existing, Flag.Code.DUPLICATE_CHILD, "another applicant applied for the same child"
            )


def application_submit(
    *,
    actor: Actor,
    child_iin: str,
    preschool_ids: list[Any],
    desired_date: dt.date,
    language: str = "kk",
    category: str = Category.GENERAL,
    category_ground: str = "",
    documents: list[Any] | None = None,
    declared_kato: str = "",
    client: PersonRegisterClient | None = None,
) -> Application:
    """A parent puts a child in the queue of the district the register says the child lives in."""
    parent = _parent_of(actor)
    child_iin = _valid_iin(child_iin)
    if category not in Category.values:
        raise ValidationError(code="category_unknown", fields={"category": ["unknown"]})
    if language not in ("kk", "ru"):
        raise ValidationError(code="language_unknown", fields={"language": ["unknown"]})
    documents = list(documents or [])
    category = category_of_ground(category_ground, category, timezone.localdate())
    if category != Category.GENERAL and (not category_ground.strip() or not documents):
        raise ValidationError(
            _("A priority needs its ground and at least one supporting document."),
            code="priority_documents_required",
            fields={"documents": ["required"]},
        )
    if Application.objects.filter(child__iin=child_iin, status__in=LIVE).exists():
        _flag_duplicate(child_iin, parent)
        raise Conflict(_("This child is already in the queue."), code="already_queued")
    answer = ask_register(parent, child_iin, client)
    return _store_application(
        actor,
        parent,
        answer,
        preschool_ids,
        desired_date,
        language,
        category,
        category_ground.strip(),
        documents,
        declared_kato.strip(),
    )


@transaction.atomic
def _store_application(
    actor: Actor,
    parent: Person,
    answer: RegisterAnswer,
    preschool_ids: list[Any],
    desired_date: dt.date,
    language: str,
    category: str,
    category_ground: str,
    documents: list[Any],
    declared_kato: str,
) -> Application:
    today = timezone.localdate()
    rules = rule_value("equeue.application", today)
    if age_in_months(answer.child.birth_date, today) >= int(rules["max_age_months"]):
        raise ValidationError(
            _("The child is too old for the preschool queue."),
            code="too_old",
            fields={"child_iin": ["too_old"]},
        )
    if answer.child.birth_date > today:
        raise ValidationError(code="not_born", fields={"child_iin": ["not_born"]})
    address = answer.child.address
    district = district_for_kato(address.kato) if address else None
    if district is None:
        raise ValidationError(
            _("The registered address of the child lies in no district served by the platform."),
            code="no_district",
            fields={"child_iin": ["no_district"]},
        )
    preschools = _check_preferences(district, preschool_ids, int(rules["max_preferences"]))
    child = _child_person(actor, answer, parent)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                organization=district,
                child=child,
                applicant=parent,
                category=category,
                category_ground=category_ground[:40],
                desired_date=desired_date,
                language=language,
                submitted_at=timezone.now(),
                address_kato=address.kato if address else "",
                address_text=(address.text if address else "")[:400],
            )
    except IntegrityError:
        raise Conflict(_("This child is already in the queue."), code="already_queued") from None
    Preference.objects.bulk_create(
        Preference(application=application, preschool=unit, rank=i)
        for i, unit in enumerate(preschools, start=1)
    )
    _store_documents(application, documents, int(rules["document_max_bytes"]))
    _antifraud(application, answer, declared_kato, today)
    StatusChange.objects.create(
        organization=district,
        application=application,
        status=application.status,
        at=application.submitted_at,
        reason="",
    )
    journal.record(
        actor=actor,
        action="equeue.application.submit",
        target=application,
        after={
            **journal.snapshot(application, APPLICATION_FIELDS),
            "preschools": [str(u.pk) for u in preschools],
            "documents": len(documents),
        },
    )
    _notify_applicant(application)
    return application


@transaction.atomic
def application_withdraw(*, actor: Actor, application: Application) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    _require_own(actor, application)
    if application.status != Application.Status.QUEUED:
        raise Conflict(
            _("Only an application waiting in the queue can be withdrawn."), code="not_queued"
        )
    _set_status(actor, application, Application.Status.WITHDRAWN, "")
    return application


def _require_own(actor: Actor, application: Application) -> None:
    if actor.is_platform_admin:
        return
    if application.applicant_id != actor.person_id or not actor.relation_can(PARENT_ROLE, APPLY):
        raise scope.not_found(actor, APPLY, "equeue.application", application.pk)


# -- places ------------------------------------------------------------------------------------


def places_offerable(group: AgeGroup) -> int:
    """Free places of the group not yet published nor held by a live direction."""
    from oqu.preschool.selectors import free_places

    published = sum(
        Publication.objects.filter(group=group, remaining__gt=0).values_list("remaining", flat=True)
    )
    directed = Direction.objects.filter(group=group, status__in=LIVE_DIRECTIONS).count()
    return max(free_places(group) - published - directed, 0)


@transaction.atomic
def places_publish(*, actor: Actor, group: AgeGroup, places: int) -> Publication:
    """Offer free places of an age group to the next allocation run."""
    scope.require(actor, RUN, group.organization, target=group)
    AgeGroup.objects.select_for_update().filter(pk=group.pk).first()
    if not group.is_active:
        raise ValidationError(_("The group is closed."), code="group_closed")
    available = places_offerable(group)
    if places < 1 or places > available:
        raise ValidationError(
            _("You can publish from 1 to %(n)s places in this group.") % {"n": available},
            code="places_invalid",
            fields={"places": ["invalid"]},
        )
    publication = Publication.objects.create(
        organization=group.organization,
        group=group,
        places=places,
        remaining=places,
        published_at=timezone.now(),
    )
    journal.record(
        actor=actor,
        action="equeue.places.publish",
        target=publication,
        after={"group": str(group.pk), "places": places},
    )
    return publication


# -- the allocation run ----------------------------------------------------------------------


@dataclass
class RunInputs:
    applicants: list[allocation.Applicant]
    groups: list[allocation.Group]
    publications: dict[str, list[Publication]]
    ranks: dict[tuple[str, str], int]


def _micros(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def load_inputs(district: Unit, as_of: dt.date) -> RunInputs:
    """Everything a run of `district` depends on, read in a few queries."""
    bands = rule_value("equeue.age_bands", as_of)
    publications: dict[str, list[Publication]] = {}
    pubs = (
        Publication.objects.select_for_update()
        .filter(organization__path__startswith=district.path, remaining__gt=0)
        .order_by("published_at", "id")
    )
    for pub in pubs:
        publications.setdefault(str(pub.group_id), []).append(pub)
    group_rows = {
        str(g.pk): g
        for g in AgeGroup.objects.filter(pk__in=list(publications), is_active=True).order_by(
            "name", "id"
        )
    }
    counters = dict(
        SeatCounter.objects.filter(group_id__in=list(group_rows)).values_list(
            "group_id", "last_sequence"
        )
    )
    room = _room_left(list(group_rows))
    groups = [
        allocation.Group(
            id=gid,
            # published, but never more than the group really has free now
            places=max(0, min(sum(p.remaining for p in publications[gid]), room.get(gid, 0))),
            counter=counters.get(g.pk, 0),
        )
        for gid, g in group_rows.items()
    ]
    by_preschool: dict[str, list[AgeGroup]] = {}
    for g in group_rows.values():
        by_preschool.setdefault(str(g.organization_id), []).append(g)
    stopped = StopEntry.objects.filter(until__gte=as_of).values("application_id")
    apps = (
        Application.objects.filter(
            organization=district, status=Application.Status.QUEUED, desired_date__lte=as_of
        )
        .exclude(pk__in=stopped)
        .values_list(
            "pk", "category", "category_ground", "submitted_at", "language", "child__birth_date"
        )
    )
    rank_of_ground = ground_ranks(as_of)
    prefs: dict[Any, list[tuple[int, str]]] = {}
    for app_id, preschool_id, rank in Preference.objects.filter(
        application__organization=district,
        application__status=Application.Status.QUEUED,
        preschool_id__in=list(by_preschool),
    ).values_list("application_id", "preschool_id", "rank"):
        prefs.setdefault(app_id, []).append((rank, str(preschool_id)))
    applicants = []
    ranks: dict[tuple[str, str], int] = {}
    for app_id, claimed, ground, submitted_at, language, birth in apps:
        category = category_of_ground(ground, claimed, as_of, rank_of_ground)
        if app_id not in prefs or birth is None:
            continue
        months = age_in_months(birth, as_of)
        chosen: list[str] = []
        for rank, preschool_id in sorted(prefs[app_id]):
            for g in by_preschool.get(preschool_id, []):
                if g.language == language and band_fits(g.kind, months, bands):
                    chosen.append(str(g.pk))
                    ranks[(str(app_id), str(g.pk))] = rank
        if chosen:
            applicants.append(
                allocation.Applicant(
                    id=str(app_id),
                    category=category,
                    submitted_at=_micros(submitted_at),
                    preferences=tuple(chosen),
                )
            )
    return RunInputs(applicants=applicants, groups=groups, publications=publications, ranks=ranks)


def _room_left(group_ids: list[str]) -> dict[str, int]:
    """Free places per group now (the norm less the children in it) less the live directions."""
    from oqu.preschool.selectors import groups_with_places

    free = dict(
        groups_with_places(AgeGroup.objects.filter(pk__in=group_ids)).values_list(
            "pk", "free_places"
        )
    )
    directed = dict(
        Direction.objects.filter(group_id__in=group_ids, status__in=LIVE_DIRECTIONS)
        .values_list("group_id")
        .annotate(n=Count("id"))
    )
    return {str(pk): n - directed.get(pk, 0) for pk, n in free.items()}


def pseudonym(seed: str, application_id: Any) -> str:
    """A per-run pseudonym of an application: shows who got a place without personal data."""
    return hashlib.sha256(f"pseudonym:{seed}:{application_id}".encode()).hexdigest()[:10]


def inputs_as_json(inputs: RunInputs) -> dict[str, Any]:
    return {
        "groups": [[g.id, g.places, g.counter] for g in inputs.groups],
        "applicants": [
            [a.id, a.category, a.submitted_at, list(a.preferences)] for a in inputs.applicants
        ],
    }


def inputs_from_json(
    data: dict[str, Any],
) -> tuple[list[allocation.Applicant], list[allocation.Group]]:
    groups = [allocation.Group(id=g[0], places=g[1], counter=g[2]) for g in data["groups"]]
    applicants = [
        allocation.Applicant(id=a[0], category=a[1], submitted_at=a[2], preferences=tuple(a[3]))
        for a in data["applicants"]
    ]
    return applicants, groups


@transaction.atomic
def allocation_run(
    *,
    actor: Actor,
    district: Unit,
    seed: str | None = None,
    as_of: dt.date | None = None,
    notify: bool = True,
) -> AllocationRun:
    """Allocate the published places of a district's preschools to its queue, in one transaction."""
    scope.require(actor, RUN, district, target=district)
    if district.kind != Unit.Kind.DISTRICT:
        raise ValidationError(_("Allocation runs per district."), code="not_a_district")
    Unit.objects.select_for_update().filter(pk=district.pk).first()  # one run at a time
    as_of = as_of or timezone.localdate()
    seed = seed or secrets.token_hex(16)
    every = int(rule_value("equeue.interleave", as_of)["every"])
    inputs = load_inputs(district, as_of)
    result = allocation.allocate(inputs.applicants, inputs.groups, every=every, seed=seed)
    run = AllocationRun.objects.create(
        organization=district,
        run_at=timezone.now(),
        as_of=as_of,
        seed=seed,
        every=every,
        applicants=len(inputs.applicants),
        places=sum(g.places for g in inputs.groups),
        assigned=len(result.assignments),
        inputs_hash=result.inputs_hash,
        result_hash=result.result_hash,
        inputs=inputs_as_json(inputs),
    )
    _store_result(actor, run, inputs, result, as_of, notify=notify)
    journal.record(
        actor=actor,
        action="equeue.allocation.run",
        target=run,
        after={
            "seed": seed,
            "every": every,
            "applicants": run.applicants,
            "places": run.places,
            "assigned": run.assigned,
            "inputs_hash": run.inputs_hash,
            "result_hash": run.result_hash,
        },
    )
    return run


def _store_result(
    actor: Actor,
    run: AllocationRun,
    inputs: RunInputs,
    result: allocation.Result,
    as_of: dt.date,
    *,
    notify: bool,
) -> None:
    terms = rule_value("equeue.direction", as_of)
    accept_by = calendar.add_working_days(as_of, int(terms["accept_working_days"]))
    priority_by = calendar.add_working_days(as_of, int(terms["priority_confirm_working_days"]))
    categories = {a.id: a.category for a in inputs.applicants}
    group_rows = {
        str(g.pk): g for g in AgeGroup.objects.filter(pk__in=[g.id for g in inputs.groups])
    }
    taken_per_group: dict[str, int] = {}
    directions = []
    for app_id, seat in sorted(
        result.assignments.items(), key=lambda kv: (kv[1].group_id, kv[1].sequence)
    ):
        publication = _publication_for(
            inputs.publications[seat.group_id], taken_per_group, seat.group_id
        )
        claimed = categories[app_id] != Category.GENERAL
        group = group_rows[seat.group_id]
        directions.append(
            Direction(
                organization_id=run.organization_id,
                application_id=app_id,
                run=run,
                publication=publication,
                preschool_id=group.organization_id,
                group=group,
                sequence=seat.sequence,
                priority_slot=seat.priority_slot,
                preference_rank=inputs.ranks[(app_id, seat.group_id)],
                lottery=str(result.lottery[app_id]),
                token=pseudonym(run.seed, app_id),
                accept_by=accept_by,
                priority_status=Direction.Priority.PENDING if claimed else Direction.Priority.NONE,
                priority_by=priority_by if claimed else None,
            )
        )
    Direction.objects.bulk_create(directions, batch_size=2000)
    for pubs in inputs.publications.values():
        Publication.objects.bulk_update(pubs, ["remaining"], batch_size=2000)
    _store_counters(inputs, result)
    _mark_directed(actor, run, [d.application_id for d in directions], notify=notify)


def _publication_for(pubs: list[Publication], taken: dict[str, int], group_id: str) -> Publication:
    """The oldest publication of the group with places left; its `remaining` goes down by one."""
    for pub in pubs:
        if pub.remaining > 0:
            pub.remaining -= 1
            taken[group_id] = taken.get(group_id, 0) + 1
            return pub
    raise AssertionError("more seats assigned than published")  # allocate never does this


def _store_counters(inputs: RunInputs, result: allocation.Result) -> None:
    groups = {str(k): g for k, g in AgeGroup.objects.in_bulk([g.id for g in inputs.groups]).items()}
    existing = {str(c.group_id): c for c in SeatCounter.objects.filter(group_id__in=list(groups))}
    new = []
    for group_id, counter in result.counters.items():
        row = existing.get(group_id)
        if row is None:
            group = groups[group_id]
            new.append(
                SeatCounter(
                    organization_id=group.organization_id, group=group, last_sequence=counter
                )
            )
        else:
            row.last_sequence = counter
    SeatCounter.objects.bulk_create(new, batch_size=2000)
    SeatCounter.objects.bulk_update(list(existing.values()), ["last_sequence"], batch_size=2000)


def _mark_directed(
    actor: Actor, run: AllocationRun, application_ids: list[Any], *, notify: bool
) -> None:
    """Applications with a direction leave the waiting list; history rows and notices in bulk."""
    now = timezone.now()
    Application.objects.filter(pk__in=application_ids).update(
        status=Application.Status.DIRECTED, updated_at=now
    )
    reason = _("Allocation run of %(date)s") % {"date": run.as_of.isoformat()}
    StatusChange.objects.bulk_create(
        (
            StatusChange(
                organization_id=run.organization_id,
                application_id=app_id,
                status=Application.Status.DIRECTED,
                at=now,
                reason=str(reason),
            )
            for app_id in application_ids
        ),
        batch_size=2000,
    )
    if notify:
        _notify_many(application_ids, str(reason))


def _notify_many(application_ids: list[Any], reason: str) -> None:
    """Notify the applicants who have an account (one query for the accounts, one per notice)."""
    from oqu.identity.models import User

    rows = Application.objects.filter(pk__in=application_ids).values_list("pk", "applicant_id")
    applicant_of = dict(rows)
    with_account = set(
        User.objects.filter(person_id__in=set(applicant_of.values()), is_active=True).values_list(
            "person_id", flat=True
        )
    )
    wanted = [pk for pk, person in applicant_of.items() if person in with_account]
    for application in Application.objects.filter(pk__in=wanted).select_related("child"):
        _notify_applicant(application, reason)


def run_verify(run: AllocationRun) -> bool:
    """Re-run the algorithm on the stored inputs: the same seed must give the published hash."""
    applicants, groups = inputs_from_json(run.inputs)
    result = allocation.allocate(applicants, groups, every=run.every, seed=run.seed)
    return result.result_hash == run.result_hash


# -- directions --------------------------------------------------------------------------------


def _locked_direction(direction: Direction) -> Direction:
    return (
        Direction.objects.select_for_update()
        .select_related("application", "group", "preschool")
        .get(pk=direction.pk)
    )


def acceptance_statement(direction: Direction) -> bytes:
    """The exact bytes a parent signs to accept a direction: canonical JSON (sorted keys, no
    spaces, UTF-8) of what is accepted — the direction, the preschool by name and BIN, the age
    group, the child's IIN, the deadline and the decision. Recomputed from the stored direction
    when the signature is checked, so a signature over anything else does not accept it."""
    group = direction.group
    statement = {
        "kind": "oqu.equeue.direction.acceptance",
        "version": 1,
        "direction": str(direction.pk),
        "preschool": {"name": direction.preschool.name, "bin": direction.preschool.bin or ""},
        "age_group": {
            "name": group.name,
            "kind": group.kind,
            "language": group.language,
            "school_year": group.school_year,
        },
        "child_iin": direction.application.child.iin,
        "accept_by": direction.accept_by.isoformat(),
        "decision": "accept",
    }
    return json.dumps(statement, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def acceptance_statement_base64(direction: Direction) -> str:
    return base64.b64encode(acceptance_statement(direction)).decode()


def _check_answerable(direction: Direction) -> None:
    if direction.status != Direction.Status.ISSUED:
        raise Conflict(_("This direction has already been answered."), code="already_answered")
    if direction.accept_by < timezone.localdate():
        raise Conflict(_("The time to accept this direction has passed."), code="direction_expired")


def direction_accept(*, actor: Actor, direction: Direction, signature: bytes) -> Direction:
    """The parent accepts the place by signing its statement with their own key (EDS).

    The signature is checked — and the check stored — before the change's transaction, so a
    refused signature leaves its record and changes nothing else; a valid one accepts the
    direction in one transaction that links it to the stored check."""
    _require_own(actor, direction.application)
    _check_answerable(direction)
    if not signature.strip():
        raise ValidationError(
            _("Sign the acceptance with your electronic signature."),
            code="signature_required",
            fields={"signature": ["required"]},
        )
    statement = acceptance_statement(direction)
    verification = verify_signature(
        actor=actor,
        content=statement,
        cms=signature,
        purpose="document",
        expected_person=direction.application.applicant,
    )
    outcome = verification.outcome
    if verification.is_valid and verification.content_sha256 != _digest(statement):
        outcome = "tampered"  # an attached signature over other content
    if outcome != "valid":
        raise SignatureInvalid(
            _("The signature is not accepted: %(why)s") % {"why": message_of(outcome)},
            fields={"signature": [outcome], "verification": [str(verification.pk)]},
        )
    return _accept_signed(actor, direction, verification, statement)


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def _accept_signed(
    actor: Actor, direction: Direction, verification: Any, statement: bytes
) -> Direction:
    direction = _locked_direction(direction)
    _require_own(actor, direction.application)
    _check_answerable(direction)
    if acceptance_statement(direction) != statement:
        raise Conflict(
            _("The direction changed while you were signing. Sign it again."),
            code="direction_changed",
        )
    before = {"status": direction.status, "enrol_by": None}
    direction.status = Direction.Status.ACCEPTED
    direction.decided_at = timezone.now()
    direction.signature = verification
    direction.enrol_by = _enrol_by(direction)
    direction.save(update_fields=["status", "decided_at", "signature", "enrol_by", "updated_at"])
    journal.record(
        actor=actor,
        action="equeue.direction.accept",
        target=direction,
        before=before,
        after={
            "status": direction.status,
            "enrol_by": direction.enrol_by.isoformat(),
            "signature": str(verification.pk),
            "signer_iin": verification.signer_iin,
            "statement_sha256": _digest(statement),
        },
    )
    _notify_applicant(
        direction.application,
        _("You accepted the place. Enrol the child by %(date)s.")
        % {"date": direction.enrol_by.isoformat()},
    )
    return direction


@transaction.atomic
def direction_decline(*, actor: Actor, direction: Direction) -> Direction:
    """The parent declines the place (a plain confirmation, no signature needed)."""
    direction = _locked_direction(direction)
    _require_own(actor, direction.application)
    _check_answerable(direction)
    _cancel(actor, direction, Direction.Status.DECLINED, _("Declined by the parent."), stop=False)
    return direction


# -- the enrolment term ------------------------------------------------------------------------


def issued_on(direction: Direction) -> dt.date:
    """The day the direction was issued and the parent notified: the term counts from it."""
    return timezone.localdate(direction.created_at)


def enrolment_terms(direction: Direction) -> dict[str, int]:
    return rule_value("equeue.enrolment", issued_on(direction))


def latest_enrol_by(direction: Direction) -> dt.date:
    """The latest day an extension may reach: the rules' maximum from the notification."""
    return issued_on(direction) + dt.timedelta(days=int(enrolment_terms(direction)["max_days"]))


def _enrol_by(direction: Direction) -> dt.date:
    """The rules' days from the notification, never before the days to accept by and to confirm
    a claimed priority (the child cannot be enrolled before the priority is confirmed)."""
    term = issued_on(direction) + dt.timedelta(days=int(enrolment_terms(direction)["days"]))
    return max(term, direction.accept_by, direction.priority_by or direction.accept_by)


@transaction.atomic
def direction_extend(
    *, actor: Actor, direction: Direction, until: dt.date, reason: str
) -> Direction:
    """The parent asks for more time to enrol the child, with a reason, up to the maximum term."""
    direction = _locked_direction(direction)
    _require_own(actor, direction.application)
    if direction.status != Direction.Status.ACCEPTED or direction.enrol_by is None:
        raise Conflict(
            _("Only an accepted direction waiting for enrolment can be extended."),
            code="not_accepted",
        )
    if direction.enrol_by < timezone.localdate():
        raise Conflict(_("The time to enrol the child has passed."), code="enrolment_expired")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say why you need more time."),
            code="reason_required",
            fields={"reason": ["required"]},
        )
    latest = latest_enrol_by(direction)
    if until <= direction.enrol_by or until > latest:
        raise ValidationError(
            _("Choose a day after %(current)s and not later than %(latest)s.")
            % {"current": direction.enrol_by.isoformat(), "latest": latest.isoformat()},
            code="extension_invalid",
            fields={"until": ["invalid"]},
        )
    before = {"enrol_by": direction.enrol_by.isoformat(), "reason": direction.extension_reason}
    direction.enrol_by = until
    direction.extension_reason = reason[:300]
    direction.extended_at = timezone.now()
    direction.save(update_fields=["enrol_by", "extension_reason", "extended_at", "updated_at"])
    journal.record(
        actor=actor,
        action="equeue.direction.extend",
        target=direction,
        before=before,
        after={"enrol_by": until.isoformat(), "reason": direction.extension_reason},
    )
    _notify_applicant(
        direction.application,
        _("The term to enrol the child is extended to %(date)s.") % {"date": until.isoformat()},
    )
    return direction


def _journal_direction(actor: Any, direction: Direction, before: dict[str, Any]) -> None:
    journal.record(
        actor=actor,
        action="equeue.direction.change",
        target=direction,
        before=before,
        after={
            "status": direction.status,
            "priority_status": direction.priority_status,
            "reason": direction.reason,
        },
    )


def _cancel(
    actor: Any,
    direction: Direction,
    status: str,
    reason: str,
    *,
    stop: bool,
    downgrade: bool = False,
) -> None:
    """End a direction: its place goes back to the next run; the applicant may be stopped."""
    before = {"status": direction.status, "priority_status": direction.priority_status}
    direction.status = status
    direction.reason = str(reason)[:300]
    direction.decided_at = timezone.now()
    direction.save(update_fields=["status", "reason", "decided_at", "updated_at"])
    publication = Publication.objects.select_for_update().get(pk=direction.publication_id)
    publication.remaining += 1
    publication.save(update_fields=["remaining", "updated_at"])
    _journal_direction(actor, direction, before)
    application = Application.objects.select_for_update().get(pk=direction.application_id)
    if downgrade and application.category != Category.GENERAL:
        application.category = Category.GENERAL
        application.save(update_fields=["category", "updated_at"])
    if status == Direction.Status.DECLINED:
        # The parent does not want this organization: it leaves the list, so the next run does
        # not offer it again; with no choice left the application ends.
        Preference.objects.filter(
            application=application, preschool_id=direction.preschool_id
        ).delete()
        left = Preference.objects.filter(application=application).exists()
        status_after = Application.Status.QUEUED if left else Application.Status.WITHDRAWN
        _set_status(actor, application, status_after, str(reason))
        return
    if stop:
        today = timezone.localdate()
        days = int(rule_value("equeue.stop_list", today)["days"])
        entry = StopEntry.objects.create(
            organization_id=application.organization_id,
            application=application,
            direction=direction,
            until=today + dt.timedelta(days=days),
            reason=str(reason)[:300],
        )
        journal.record(
            actor=actor,
            action="equeue.stop_list.add",
            target=application,
            after={"until": entry.until.isoformat(), "reason": entry.reason},
        )
        reason = _("%(reason)s You are on the stop list until %(until)s.") % {
            "reason": reason,
            "until": entry.until.isoformat(),
        }
    _set_status(actor, application, Application.Status.QUEUED, str(reason))


@transaction.atomic
def priority_decide(
    *, actor: Actor, direction: Direction, confirmed: bool, reason: str = ""
) -> Direction:
    """District staff check the documents of a claimed priority: confirmed, or false → cancelled."""
    direction = _locked_direction(direction)
    scope.require(actor, CONFIRM, direction.organization, target=direction)
    if (
        direction.priority_status != Direction.Priority.PENDING
        or direction.status not in LIVE_DIRECTIONS
    ):
        raise Conflict(
            _("No priority is waiting for confirmation here."), code="nothing_to_confirm"
        )
    if confirmed:
        before = {"priority_status": direction.priority_status}
        direction.priority_status = Direction.Priority.CONFIRMED
        direction.save(update_fields=["priority_status", "updated_at"])
        _journal_direction(actor, direction, before)
        _notify_applicant(direction.application, _("Your priority is confirmed."))
        return direction
    if not reason.strip():
        raise ValidationError(
            _("Say why the priority is rejected."),
            code="reason_required",
            fields={"reason": ["required"]},
        )
    _cancel(
        actor,
        direction,
        Direction.Status.CANCELLED,
        _("The claimed priority was not confirmed: %(reason)s") % {"reason": reason.strip()},
        stop=True,
        downgrade=True,
    )
    return direction


def cancel_overdue(*, today: dt.date | None = None) -> int:
    """The scheduled job: unclaimed directions and unconfirmed priorities past their deadline."""
    today = today or timezone.localdate()
    overdue = Direction.objects.filter(
        Q(status=Direction.Status.ISSUED, accept_by__lt=today)
        | Q(status=Direction.Status.ACCEPTED, enrol_by__lt=today)
        | Q(
            status__in=LIVE_DIRECTIONS,
            priority_status=Direction.Priority.PENDING,
            priority_by__lt=today,
        )
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(overdue)[:10_000]:  # bounded; the next pass takes the rest
        count += _cancel_one_overdue(pk, today)
    return count


@transaction.atomic
def _cancel_one_overdue(pk: Any, today: dt.date) -> int:
    direction = (
        Direction.objects.select_for_update().filter(pk=pk, status__in=LIVE_DIRECTIONS).first()
    )
    if direction is None:
        return 0
    if (
        direction.priority_status == Direction.Priority.PENDING
        and direction.priority_by
        and direction.priority_by < today
    ):
        _cancel(
            None,
            direction,
            Direction.Status.CANCELLED,
            _("The priority was not confirmed with documents in time."),
            stop=True,
            downgrade=True,
        )
        return 1
    if direction.status == Direction.Status.ISSUED and direction.accept_by < today:
        _cancel(
            None,
            direction,
            Direction.Status.CANCELLED,
            _("The direction was not accepted in time."),
            stop=True,
        )
        return 1
    if (
        direction.status == Direction.Status.ACCEPTED
        and direction.enrol_by
        and direction.enrol_by < today
    ):
        _cancel(
            None,
            direction,
            Direction.Status.CANCELLED,
            _("The child was not enrolled in time."),
            stop=True,
        )
        return 1
    return 0


@transaction.atomic
def direction_enrol(*, actor: Actor, direction: Direction, on: dt.date | None = None) -> Direction:
    """The preschool head enrols the child of an accepted direction into the age group."""
    direction = _locked_direction(direction)
    scope.require(actor, ENROL, direction.preschool, target=direction)
    if direction.status != Direction.Status.ACCEPTED:
        raise Conflict(_("Only an accepted direction can be enrolled."), code="not_accepted")
    if direction.priority_status == Direction.Priority.PENDING:
        raise Conflict(_("The claimed priority is not confirmed yet."), code="priority_pending")
    if direction.enrol_by and direction.enrol_by < timezone.localdate():
        raise Conflict(_("The time to enrol the child has passed."), code="enrolment_expired")
    application = Application.objects.select_for_update().get(pk=direction.application_id)
    preschool_services.child_enrol(
        actor=actor,
        group=direction.group,
        child=application.child,
        on=on or timezone.localdate(),
        source=f"equeue.Direction:{direction.pk}",
    )
    before = {"status": direction.status}
    direction.status = Direction.Status.ENROLLED
    direction.decided_at = timezone.now()
    direction.save(update_fields=["status", "decided_at", "updated_at"])
    _journal_direction(actor, direction, before)
    _set_status(actor, application, Application.Status.ENROLLED, direction.group.name)
    return direction
