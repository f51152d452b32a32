"""People at the service level: one Person per IIN, enrolment, employment, guardianship, personal-data
history, consents (MAP-PASS, G-5.8, G-5.10, G-5.13, G-5.11 groundwork)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import gettext

from oqu.audit.models import ActionRecord
from oqu.kernel import consents
from oqu.kernel.context import RequestInfo, reset_request_info, set_request_info
from oqu.kernel.errors import Conflict, Forbidden, NotFound, ValidationError
from oqu.kernel.models import Consent
from oqu.people import services
from oqu.people.models import Employment, Enrolment, Guardianship, Person
from oqu.tests import factories as f

NAMES = {
    "last_name_kk": "Әлиева",
    "first_name_kk": "Әйгерім",
    "last_name_ru": "Алиева",
    "first_name_ru": "Айгерим",
}


def _state() -> tuple[int, ...]:
    """What a refused call must leave untouched."""
    return (
        Person.objects.count(),
        Person.history.count(),
        Enrolment.objects.count(),
        Employment.objects.count(),
        Guardianship.objects.count(),
        ActionRecord.objects.count(),
    )


@pytest.fixture
def director(org_tree, user_with_role, actor_of):
    return actor_of(user_with_role("school_director", org_tree.school_a1))


@pytest.fixture
def admin(db, actor_of):
    return actor_of(f.make_user("admin", is_superuser=True))


# -- registering people ---------------------------------------------------------------------


def test_map_pass_person_registered_by_iin_gets_birth_date_and_sex_from_it(org_tree, director):
    person = services.person_register(
        actor=director,
        organization=org_tree.school_a1,
        iin=" 061211600012 ",
        **NAMES,
        middle_name_ru=" Ивановна ",
    )
    person.refresh_from_db()
    assert (person.iin, person.birth_date, person.sex, person.needs_verification) == (
        "061211600012",
        dt.date(2006, 12, 11),
        "F",
        False,
    )
    assert (person.last_name_kk, person.last_name_ru, person.middle_name_ru) == (
        "Әлиева",
        "Алиева",
        "Ивановна",
    )
    record = ActionRecord.objects.get(action="people.person.register")
    assert (
        record.actor,
        record.organization_id,
        record.after["iin"],
        record.after["birth_date"],
    ) == (
        director.user,
        org_tree.school_a1.pk,
        "061211600012",
        "2006-12-11",
    )
    assert [(h.history_type, h.history_user) for h in person.history.all()] == [
        ("+", director.user)
    ]


@pytest.mark.parametrize(
    ("iin", "reason"),
    [("760405050511", "iin_century_unknown"), ("990230400001", "iin_date_invalid")],
)
def test_map_pass_iin_that_does_not_tell_the_birth_date_is_accepted_with_typed_values(
    org_tree, director, iin, reason
):
    person = services.person_register(
        actor=director,
        organization=org_tree.school_a1,
        iin=iin,
        birth_date=dt.date(1976, 4, 5),
        sex="M",
        **NAMES,
    )
    assert (
        person.birth_date,
        person.sex,
        person.needs_verification,
        person.verification_reason,
    ) == (
        dt.date(1976, 4, 5),
        "M",
        True,
        reason,
    )


def test_map_pass_iin_that_does_not_tell_the_birth_date_needs_it_typed(org_tree, director):
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.person_register(
            actor=director, organization=org_tree.school_a1, iin="760405050511", **NAMES
        )
    assert (caught.value.code, caught.value.fields) == (
        "identity_fields_required",
        {"birth_date": ["required"], "sex": ["required"]},
    )
    assert _state() == before


@pytest.mark.parametrize(
    ("iin", "extra", "code"),
    [
        ("061211600013", {}, "iin_checksum"),
        ("06121160001", {}, "iin_format"),
        ("06121160001O", {}, "iin_format"),
        ("061211600012", {"birth_date": dt.date(2006, 12, 12)}, "birth_date_mismatch"),
        ("061211600012", {"sex": "M"}, "sex_mismatch"),
        ("760405050511", {"birth_date": dt.date(1976, 4, 5), "sex": "X"}, "sex_unknown"),
        ("061211600012", {"first_name_ru": " "}, "name_required"),
        ("061211600012", {"last_name_kk": ""}, "name_required"),
    ],
)
def test_map_pass_check_digit_and_identity_are_hard_rules(org_tree, director, iin, extra, code):
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.person_register(
            actor=director, organization=org_tree.school_a1, iin=iin, **{**NAMES, **extra}
        )
    assert caught.value.code == code
    assert _state() == before


@pytest.mark.smoke
def test_map_pass_duplicate_iin_is_refused_with_a_clear_error(family, org_tree, director):
    before = _state()
    with pytest.raises(Conflict) as caught:
        services.person_register(
            actor=director,
            organization=org_tree.school_a1,
            iin=f" {family.other_learner.iin}",
            **NAMES,
        )
    assert (caught.value.code, caught.value.fields) == ("iin_duplicate", {"iin": ["duplicate"]})
    assert str(caught.value.message) == gettext("A person with this IIN is already registered.")
    assert _state() == before


@pytest.mark.parametrize(
    ("role", "unit_name", "error"),
    [("school_teacher", "school_a1", Forbidden), ("school_director", "school_b1", NotFound)],
)
def test_g5_10_registering_people_needs_the_right_on_the_organization(
    org_tree, user_with_role, actor_of, role, unit_name, error
):
    actor = actor_of(user_with_role(role, getattr(org_tree, unit_name)))
    before = _state()
    with pytest.raises(error):
        services.person_register(
            actor=actor, organization=org_tree.school_a1, iin="061211600012", **NAMES
        )
    assert _state() == before


# -- changing personal data -----------------------------------------------------------------


@pytest.mark.smoke
def test_g5_13_personal_data_change_is_journaled_with_before_and_after(family, director):
    token = set_request_info(RequestInfo(ip="10.1.2.3", user_agent="pytest-browser"))
    try:
        services.person_change(actor=director, person=family.learner, last_name_ru=" Серикулы ")
    finally:
        reset_request_info(token)
    record = ActionRecord.objects.get(action="people.person.change")
    assert (record.actor, record.target_id, record.before, record.after) == (
        director.user,
        str(family.learner.pk),
        {"last_name_ru": "Серікұлы"},
        {"last_name_ru": "Серикулы"},
    )
    assert (record.ip, record.user_agent) == ("10.1.2.3", "pytest-browser")
    latest = family.learner.history.order_by("-history_date").first()
    assert (latest.history_type, latest.last_name_ru, latest.history_user) == (
        "~",
        "Серикулы",
        director.user,
    )
    assert family.learner.history.order_by("history_date").first().last_name_ru == "Серікұлы"


def test_g5_13_a_change_that_changes_nothing_is_not_journaled(family, director):
    services.person_change(
        actor=director, person=family.learner, first_name_kk=family.learner.first_name_kk
    )
    assert ActionRecord.objects.filter(action="people.person.change").count() == 0


def test_map_pass_corrected_iin_brings_its_birth_date_and_sex(family, director):
    # given a learner registered with a mistyped (but valid) IIN
    learner = family.learner
    # when the school corrects it to the right number
    services.person_change(actor=director, person=learner, iin="061211600012")
    learner.refresh_from_db()
    # then birth date and sex follow the number, and the journal shows all three changes
    assert (learner.iin, learner.birth_date, learner.sex) == (
        "061211600012",
        dt.date(2006, 12, 11),
        "F",
    )
    record = ActionRecord.objects.get(action="people.person.change")
    assert set(record.after) == {"iin", "birth_date", "sex"}


def test_map_pass_flagged_person_is_cleared_by_a_telling_iin(org_tree, director):
    person = services.person_register(
        actor=director,
        organization=org_tree.school_a1,
        iin="760405050511",
        birth_date=dt.date(2006, 12, 11),
        sex="F",
        **NAMES,
    )
    f.enrol(person, org_tree.school_a1, grade=11)
    services.person_change(actor=director, person=person, iin="061211600012")
    person.refresh_from_db()
    assert (person.needs_verification, person.verification_reason, person.birth_date) == (
        False,
        "",
        dt.date(2006, 12, 11),
    )


@pytest.mark.parametrize(
    ("changes", "error", "code"),
    [
        ({"birth_date": dt.date(2012, 3, 5)}, ValidationError, "birth_date_mismatch"),
        ({"sex": "F"}, ValidationError, "sex_mismatch"),
        ({"sex": "X"}, ValidationError, "sex_unknown"),
        ({"iin": "061211600013"}, ValidationError, "iin_checksum"),
        ({"last_name_ru": ""}, ValidationError, "name_required"),
        ({"needs_verification": False}, ValidationError, "field_not_editable"),
    ],
)
def test_map_pass_person_change_keeps_the_identity_rules(family, director, changes, error, code):
    before = (_state(), Person.objects.filter(pk=family.learner.pk).values().get())
    with pytest.raises(error) as caught:
        services.person_change(actor=director, person=family.learner, **changes)
    assert caught.value.code == code
    assert (_state(), Person.objects.filter(pk=family.learner.pk).values().get()) == before


def test_map_pass_iin_cannot_be_changed_to_one_already_registered(family, director):
    before = _state()
    with pytest.raises(Conflict) as caught:
        services.person_change(actor=director, person=family.learner, iin=family.other_learner.iin)
    assert caught.value.code == "iin_duplicate"
    assert _state() == before


def test_map_pass_flagged_person_may_not_get_an_unknown_sex(org_tree, director):
    person = services.person_register(
        actor=director,
        organization=org_tree.school_a1,
        iin="760405050511",
        birth_date=dt.date(1976, 4, 5),
        sex="M",
        **NAMES,
    )
    f.employ(person, org_tree.school_a1)
    with pytest.raises(ValidationError) as caught:
        services.person_change(actor=director, person=person, sex="X")
    assert caught.value.code == "sex_unknown"
    assert Person.objects.get(pk=person.pk).sex == "M"


def test_g5_10_parent_sees_the_child_but_may_not_change_the_data(family, actor_of):
    before = _state()
    with pytest.raises(Forbidden):
        services.person_change(
            actor=actor_of(family.parent_user), person=family.learner, last_name_ru="X"
        )
    assert _state() == before


def test_g5_10_teacher_of_another_school_gets_not_found_for_a_change(
    family, org_tree, user_with_role, actor_of
):
    actor = actor_of(user_with_role("school_director", org_tree.school_b1))
    before = _state()
    with pytest.raises(NotFound):
        services.person_change(actor=actor, person=family.learner, last_name_ru="X")
    assert _state() == before


def test_g5_10_school_corrects_the_data_of_a_learners_parent(family, director):
    services.person_change(actor=director, person=family.parent, first_name_ru="Айгуль")
    assert Person.objects.get(pk=family.parent.pk).first_name_ru == "Айгуль"


# -- enrolment ------------------------------------------------------------------------------


def test_map_pass_one_main_enrolment_per_level(family, org_tree, admin):
    before = _state()
    with pytest.raises(Conflict) as caught:
        services.enrolment_create(
            actor=admin,
            person=family.learner,
            organization=org_tree.school_a2,
            level="school",
            start_date=dt.date(2026, 9, 1),
        )
    assert caught.value.code == "main_enrolment_exists"
    assert _state() == before


def test_map_pass_any_number_of_additional_enrolments(family, org_tree, admin):
    for org in (org_tree.school_a1_other, org_tree.school_a2):
        services.enrolment_create(
            actor=admin,
            person=family.learner,
            organization=org,
            level="additional",
            start_date=dt.date(2026, 9, 1),
        )
    active = Enrolment.objects.filter(person=family.learner, end_date__isnull=True)
    assert sorted((e.level, e.is_main) for e in active) == [
        ("additional", False),
        ("additional", False),
        ("school", True),
    ]


def test_map_pass_adults_are_enrolled_in_additional_education_only(org_tree, admin):
    adult = f.make_person("Ахметов", "Ерлан", dt.date(1980, 1, 15), "M")
    enrolment = services.enrolment_create(
        actor=admin,
        person=adult,
        organization=org_tree.school_a2,
        level="additional",
        start_date=dt.date(2026, 9, 1),
    )
    assert (enrolment.level, enrolment.is_main) == ("additional", False)
    with pytest.raises(ValidationError) as caught:
        services.enrolment_create(
            actor=admin,
            person=adult,
            organization=org_tree.school_a2,
            level="school",
            start_date=dt.date(2026, 9, 1),
        )
    assert caught.value.code == "age_not_allowed"


@pytest.mark.parametrize(
    ("unit_name", "level", "is_main", "code"),
    [
        ("preschool_a1", "school", None, "level_mismatch"),
        ("school_a2", "college", None, "level_mismatch"),
        ("school_a2", "nursery", None, "level_unknown"),
        ("school_a2", "additional", True, "additional_not_main"),
        ("district_a1", "additional", None, "organization_not_open"),
    ],
)
def test_map_pass_enrolment_fits_the_organization(org_tree, admin, unit_name, level, is_main, code):
    person = f.make_person()
    before = _state()
    with pytest.raises(ValidationError) as caught:
        services.enrolment_create(
            actor=admin,
            person=person,
            organization=getattr(org_tree, unit_name),
            level=level,
            is_main=is_main,
            start_date=dt.date(2026, 9, 1),
        )
    assert caught.value.code == code
    assert _state() == before


def test_mon_3_nobody_is_enrolled_in_a_closed_organization(org_tree, admin):
    org_tree.school_a2.status = "closed"
    org_tree.school_a2.save()
    person = f.make_person()
    with pytest.raises(ValidationError) as caught:
        services.enrolment_create(
            actor=admin,
            person=person,
            organization=org_tree.school_a2,
            level="school",
            start_date=dt.date(2026, 9, 1),
        )
    assert caught.value.code == "organization_not_open"
    assert not Enrolment.objects.filter(person=person).exists()


@time_machine.travel(dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False)
def test_map_pass_enrolment_is_created_and_ended_with_its_history(org_tree, director):
    person = f.make_person(birth=dt.date(2015, 2, 1))
    enrolment = services.enrolment_create(
        actor=director,
        person=person,
        organization=org_tree.school_a1,
        level="school",
        grade=5,
        group_name="5А",
        start_date=dt.date(2026, 9, 1),
    )
    with pytest.raises(ValidationError):
        services.enrolment_end(
            actor=director, enrolment=enrolment, end_date=dt.date(2026, 8, 31), reason="x"
        )
    services.enrolment_end(
        actor=director, enrolment=enrolment, end_date=dt.date(2027, 5, 25), reason="transfer"
    )
    with pytest.raises(Conflict):
        services.enrolment_end(
            actor=director, enrolment=enrolment, end_date=dt.date(2027, 5, 26), reason="x"
        )
    assert [(h.history_type, h.end_date) for h in enrolment.history.order_by("history_date")] == [
        ("+", None),
        ("~", dt.date(2027, 5, 25)),
    ]
    actions = ActionRecord.objects.filter(target_id=str(enrolment.pk)).order_by("at")
    assert [(r.action, r.organization_id) for r in actions] == [
        ("people.enrolment.create", org_tree.school_a1.pk),
        ("people.enrolment.end", org_tree.school_a1.pk),
    ]


def test_g5_10_teacher_may_not_enrol(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("school_teacher", org_tree.school_a1))
    person = f.make_person()
    before = _state()
    with pytest.raises(Forbidden):
        services.enrolment_create(
            actor=actor,
            person=person,
            organization=org_tree.school_a1,
            level="school",
            start_date=dt.date(2026, 9, 1),
        )
    assert _state() == before


# -- employment -----------------------------------------------------------------------------


def test_map_pass_a_person_is_employed_in_several_organizations(org_tree, admin):
    person = f.make_person("Жұмабаев", "Асқар", dt.date(1990, 5, 5), "M")
    services.employment_create(
        actor=admin,
        person=person,
        organization=org_tree.school_a1,
        position=" teacher ",
        start_date=dt.date(2020, 9, 1),
    )
    services.employment_create(
        actor=admin,
        person=person,
        organization=org_tree.preschool_a1,
        position="methodologist",
        start_date=dt.date(2024, 9, 1),
        rate="0.5",
    )
    jobs = Employment.objects.filter(person=person).order_by("start_date")
    assert [(j.organization, j.position, str(j.rate)) for j in jobs] == [
        (org_tree.school_a1, "teacher", "1.00"),
        (org_tree.preschool_a1, "methodologist", "0.50"),
    ]


def test_map_pass_employment_needs_a_position_and_ends_once(org_tree, admin):
    person = f.make_person(birth=dt.date(1990, 5, 5))
    with pytest.raises(ValidationError):
        services.employment_create(
            actor=admin,
            person=person,
            organization=org_tree.school_a1,
            position=" ",
            start_date=dt.date(2020, 9, 1),
        )
    job = services.employment_create(
        actor=admin,
        person=person,
        organization=org_tree.school_a1,
        position="teacher",
        start_date=dt.date(2020, 9, 1),
    )
    with pytest.raises(ValidationError):
        services.employment_end(actor=admin, employment=job, end_date=dt.date(2020, 8, 31))
    services.employment_end(actor=admin, employment=job, end_date=dt.date(2026, 6, 30))
    with pytest.raises(Conflict):
        services.employment_end(actor=admin, employment=job, end_date=dt.date(2026, 7, 1))
    assert Employment.objects.get(pk=job.pk).end_date == dt.date(2026, 6, 30)


def test_g5_10_deputy_director_may_not_hire(org_tree, user_with_role, actor_of):
    actor = actor_of(user_with_role("school_deputy_director", org_tree.school_a1))
    person = f.make_person(birth=dt.date(1990, 5, 5))
    before = _state()
    with pytest.raises(Forbidden):
        services.employment_create(
            actor=actor,
            person=person,
            organization=org_tree.school_a1,
            position="teacher",
            start_date=dt.date(2026, 9, 1),
        )
    assert _state() == before


# -- guardianship ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["mother", "father", "guardian", "trustee"])
def test_map_pass_guardianship_kinds(family, director, kind):
    adult = f.make_person("Серіков", "Бақыт", dt.date(1983, 2, 2), "M")
    item = services.guardianship_create(
        actor=director, guardian=adult, child=family.learner, kind=kind
    )
    assert (item.kind, item.start_date, item.end_date) == (kind, timezone.localdate(), None)
    assert ActionRecord.objects.get(action="people.guardianship.create").target_id == str(item.pk)


@pytest.mark.parametrize(
    ("guardian_name", "kind", "error", "code"),
    [
        ("parent", "aunt", ValidationError, "kind_unknown"),
        ("learner", "guardian", ValidationError, "guardian_is_child"),
        ("parent", "father", Conflict, "guardianship_exists"),
    ],
)
def test_map_pass_guardianship_is_validated(family, director, guardian_name, kind, error, code):
    before = _state()
    with pytest.raises(error) as caught:
        services.guardianship_create(
            actor=director, guardian=getattr(family, guardian_name), child=family.learner, kind=kind
        )
    assert caught.value.code == code
    assert _state() == before


def test_g5_10_guardian_is_recorded_only_by_the_childs_school(
    family, org_tree, user_with_role, actor_of
):
    actor = actor_of(user_with_role("school_director", org_tree.school_b1))
    father = f.make_person(birth=dt.date(1980, 1, 1))
    before = _state()
    with pytest.raises(NotFound):
        services.guardianship_create(
            actor=actor, guardian=father, child=family.learner, kind="father"
        )
    assert _state() == before


def test_map_pass_guardianship_ends_after_it_starts_and_once(family, director):
    item = Guardianship.objects.get(guardian=family.parent, child=family.learner)
    with pytest.raises(ValidationError) as caught:
        services.guardianship_end(
            actor=director, guardianship=item, end_date=item.start_date - dt.timedelta(days=1)
        )
    assert caught.value.code == "end_before_start"
    services.guardianship_end(actor=director, guardianship=item, end_date=dt.date(2026, 10, 1))
    with pytest.raises(Conflict):
        services.guardianship_end(actor=director, guardianship=item, end_date=dt.date(2026, 10, 2))
    assert Guardianship.objects.get(pk=item.pk).end_date == dt.date(2026, 10, 1)


# -- consents (G-5.11 groundwork) -----------------------------------------------------------


def test_g5_11_consent_is_recorded_active_until_revoked(family):
    consent = consents.consent_record(
        subject=family.learner,
        given_by=family.parent,
        purpose="mfa_exemption",
        recorded_by=family.parent_user,
    )
    assert consents.consent_active(subject=family.learner, purpose="mfa_exemption") == consent
    assert consents.consent_active(subject=family.learner, purpose="photo") is None
    consents.consent_revoke(consent=consent)
    assert consents.consent_active(subject=family.learner, purpose="mfa_exemption") is None
    with pytest.raises(Conflict):
        consents.consent_revoke(consent=consent)
    assert Consent.objects.get(pk=consent.pk).revoked_at is not None


def test_g5_11_consent_with_an_end_date_lapses(family):
    consents.consent_record(
        subject=family.learner,
        given_by=family.parent,
        purpose="id_card",
        valid_until=dt.date(2027, 5, 31),
    )
    assert (
        consents.consent_active(subject=family.learner, purpose="id_card", on=dt.date(2027, 5, 31))
        is not None
    )
    assert (
        consents.consent_active(subject=family.learner, purpose="id_card", on=dt.date(2027, 6, 1))
        is None
    )
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert consents.consent_active(subject=family.learner, purpose="id_card", on=yesterday) is None


@time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), tick=False)
def test_map_pass_an_end_date_in_the_future_is_refused(org_tree, director):
    # "active" means no end date, so a future end would end the enrolment at once
    enrolment = f.enrol(f.make_person(birth=dt.date(2015, 2, 1)), org_tree.school_a1)
    with pytest.raises(ValidationError) as caught:
        services.enrolment_end(
            actor=director, enrolment=enrolment, end_date=dt.date(2026, 11, 24), reason="transfer"
        )
    assert caught.value.code == "end_in_future"
    enrolment.refresh_from_db()
    assert enrolment.end_date is None
