import pytest

from oqu.people.selectors import person_list


@pytest.mark.smoke
def test_g5_10_parent_sees_own_child_and_self_only(family, actor_of):
    actor = actor_of(family.parent_user)
    ids = set(person_list(actor).values_list("pk", flat=True))
    assert ids == {family.learner.pk, family.parent.pk}
