"""Who sees which person: through an active enrolment, employment or guardianship in scope, or
through the parent and learner relations (G-5.10, MAP-PASS)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from oqu.access import scope
from oqu.kernel.errors import NotFound
from oqu.people import selectors
from oqu.people.models import Enrolment, Guardianship
from oqu.tests import factories as f


@pytest.fixture
def teacher_a1(org_tree, user_with_role, actor_of):
    return actor_of(user_with_role("school_teacher", org_tree.school_a1))


# -- staff of a school ----------------------------------------------------------------------


@pytest.mark.smoke
def test_g5_10_teacher_of_one_school_gets_404_for_a_learner_of_another(
    family, org_tree, teacher_a1
):
    with pytest.raises(NotFound):
        selectors.person_get(teacher_a1, family.other_learner.pk)
    other_enrolment = Enrolment.objects.get(person=family.other_learner)
    with pytest.raises(NotFound):
        selectors.enrolment_get(teacher_a1, other_enrolment.pk)
    with pytest.raises(NotFound):
        scope.require_person(teacher_a1, "people.person.view", family.other_learner)
    # and the learner of the sibling school of the same district is out of sight as well
    sibling = f.make_person("Сейітов", "Нұрбек", dt.date(2013, 1, 1), "M")
    f.enrol(sibling, org_tree.school_a1_other)
    with pytest.raises(NotFound):
        selectors.person_get(teacher_a1, sibling.pk)


def test_g5_10_teacher_sees_learners_staff_and_learners_parents_of_the_school(
    family, org_tree, teacher_a1
):
    colleague = f.make_person("Оспанова", "Гүлнар", dt.date(1979, 9, 9), "F")
    f.employ(colleague, org_tree.school_a1)
    teacher_person_elsewhere = f.make_person("Бекова", "Дана", dt.date(1988, 8, 8), "F")
    f.employ(teacher_person_elsewhere, org_tree.school_a2)
    assert set(selectors.person_list(teacher_a1)) == {family.learner, family.parent, colleague}
    assert selectors.person_get(teacher_a1, family.parent.pk) == family.parent
    scope.require_person(teacher_a1, "people.person.view", family.parent)


def test_g5_10_learner_who_left_is_no_longer_visible_to_the_school(family, teacher_a1):
    Enrolment.objects.filter(person=family.learner).update(end_date=dt.date(2026, 5, 25))
    assert set(selectors.person_list(teacher_a1)) == set()
    with pytest.raises(NotFound):
        selectors.person_get(teacher_a1, family.learner.pk)
    # the ended enrolment stays in the record for the school, on request
    assert list(selectors.enrolment_list(teacher_a1, active_only=True)) == []
    assert [e.person for e in selectors.enrolment_list(teacher_a1, active_only=False)] == [
        family.learner
    ]


def test_g5_10_district_specialist_sees_staff_of_the_districts_schools(
    org_tree, user_with_role, actor_of
):
    actor = actor_of(user_with_role("district_specialist", org_tree.district_a1))
    inside = f.make_person(birth=dt.date(1980, 1, 1))
    outside = f.make_person(birth=dt.date(1981, 1, 1))
    job = f.employ(inside, org_tree.preschool_a1)
    f.employ(outside, org_tree.school_a2)
    assert list(selectors.employment_list(actor)) == [job]
    assert set(selectors.person_list(actor)) == {inside}
    with pytest.raises(NotFound):
        selectors.employment_get(actor, outside.employments.get().pk)


def test_map_pass_person_search_by_iin_prefix_name_and_organization(
    family, org_tree, user_with_role, actor_of
):
    actor = actor_of(user_with_role("region_specialist", org_tree.region_a))
    assert list(selectors.person_list(actor, search=family.learner.iin[:6])) == [family.learner]
    assert list(selectors.person_list(actor, search="Серік Нұр")) == [family.learner]
    assert set(selectors.person_list(actor, search="Серік")) == {family.parent, family.learner}
    assert list(selectors.person_list(actor, search=family.other_learner.iin)) == []
    assert list(selectors.person_list(actor, organization=org_tree.school_a1)) == [family.learner]


# -- parents and learners -------------------------------------------------------------------


@pytest.mark.smoke
def test_g5_10_parent_reads_only_their_own_children(family, org_tree, actor_of):
    actor = actor_of(family.parent_user)
    assert selectors.person_get(actor, family.learner.pk) == family.learner
    with pytest.raises(NotFound):
        selectors.person_get(actor, family.other_learner.pk)
    assert [e.person for e in selectors.enrolment_list(actor)] == [family.learner]
    assert [(g.guardian, g.child) for g in selectors.guardianship_list(actor)] == [
        (family.parent, family.learner)
    ]
    assert list(selectors.children_of(actor)) == [family.learner]
    # a parent is no member of staff: no employment records, no schoolmates
    assert list(selectors.employment_list(actor)) == []
    assert list(selectors.person_list(actor, organization=org_tree.school_b1)) == []


def test_g5_10_parent_loses_the_child_when_the_guardianship_ends(family, actor_of):
    Guardianship.objects.filter(guardian=family.parent).update(end_date=dt.date(2026, 10, 1))
    actor = actor_of(family.parent_user)
    assert list(selectors.person_list(actor)) == [family.parent]
    assert list(selectors.children_of(actor)) == []
    with pytest.raises(NotFound):
        selectors.person_get(actor, family.learner.pk)


def test_g5_10_learner_reads_only_themselves(family, actor_of):
    actor = actor_of(family.learner_user)
    assert list(selectors.person_list(actor)) == [family.learner]
    assert [e.person for e in selectors.enrolment_list(actor)] == [family.learner]
    with pytest.raises(NotFound):
        selectors.person_get(actor, family.parent.pk)
    # the learner role does not show guardianships
    assert list(selectors.guardianship_list(actor)) == []


def test_g5_10_user_without_person_or_grant_sees_nobody(family, actor_of):
    nobody = actor_of(f.make_user("nobody"))
    anonymous = actor_of(AnonymousUser())
    assert [selectors.person_list(a).count() for a in (nobody, anonymous)] == [0, 0]
    assert [selectors.enrolment_list(a).count() for a in (nobody, anonymous)] == [0, 0]
    assert [selectors.guardianship_list(a).count() for a in (nobody, anonymous)] == [0, 0]


def test_g5_10_platform_administrator_sees_every_enrolment_and_guardianship(
    family, org_tree, actor_of
):
    # given a child with a guardian but no enrolment yet
    toddler = f.make_person("Кішкентай", "Әли", dt.date(2025, 1, 1), "M")
    f.guard(family.parent, toddler, "mother")
    admin = actor_of(f.make_user("admin", is_superuser=True))
    assert set(selectors.enrolment_list(admin)) == set(Enrolment.objects.all())
    assert set(selectors.guardianship_list(admin)) == set(Guardianship.objects.all())
    assert selectors.person_get(admin, toddler.pk) == toddler


def test_g5_10_guardianships_are_visible_through_the_childs_school(
    family, org_tree, user_with_role, actor_of
):
    own_school = actor_of(user_with_role("school_teacher", org_tree.school_a1))
    other_school = actor_of(user_with_role("school_teacher", org_tree.school_b1))
    item = Guardianship.objects.get(child=family.learner)
    assert selectors.guardianship_get(own_school, item.pk) == item
    with pytest.raises(NotFound):
        selectors.guardianship_get(other_school, item.pk)
