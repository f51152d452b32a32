"""The demo teacher's and learner's profiles (MAP-PASS, SEC-27.1)."""

from __future__ import annotations

from oqu.access import scope
from oqu.demo.profiles import ensure_demo_profiles
from oqu.profiles import selectors
from oqu.profiles.models import Achievement, Education


def test_map_pass_demo_profiles_are_filled_once_and_readable(world):
    organization = world.teacher.employments.get().organization
    ensure_demo_profiles(organization, world.teacher, world.learner)
    ensure_demo_profiles(organization, world.teacher, world.learner)
    assert Education.objects.filter(person=world.teacher).count() == 1
    assert Achievement.objects.filter(person=world.learner).count() == 1
    profile = selectors.teacher_profile(scope.actor_for(world.teacher_user), world.teacher)
    assert profile.category is not None
    assert profile.category.category.code == "moderator"
    assert profile.confirmed_course_hours == 72
    parent = scope.actor_for(world.parent_user)
    assert len(selectors.learner_certificates(parent, world.learner)) == 1
