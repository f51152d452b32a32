"""The one gate: what an actor may see and do, by role grants on the hierarchy and by relation.

- A grant (user, role, unit, valid from/to) gives the role's capabilities over the unit's subtree.
- Parents reach their children and learners themselves through relation roles (`parent`,
  `learner`), whose capability sets are data like any other role.
- Selectors filter with `visible`; services check with `require`. An object outside the actor's
  scope answers 404 exactly like a missing one; a missing capability on a visible object answers
  403. Each denial carries what is needed to journal it as a failed access (G-5.12).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from oqu.kernel.errors import Forbidden, NotFound

from .capabilities import is_declared

M = TypeVar("M", bound=Model)

PARENT_ROLE = "parent"
LEARNER_ROLE = "learner"


class UndeclaredCapability(LookupError):
    """A service asked for an action code no app declares: a typo fails the first test."""


@dataclass(frozen=True)
class ScopeGrant:
    path: str
    capabilities: frozenset[str]
    role_code: str


@dataclass
class Actor:
    """Who acts, with their active grants loaded once (one query per request)."""

    user: Any
    grants: tuple[ScopeGrant, ...] = ()
    relation_capabilities: dict[str, frozenset[str]] = field(default_factory=dict)
    is_platform_admin: bool = False

    @property
    def person_id(self) -> Any:
        return getattr(self.user, "person_id", None)

    @property
    def is_anonymous(self) -> bool:
        return self.user is None or not self.user.is_authenticated

    def paths_for(self, action: str) -> list[str]:
        _check_declared(action)
        return _minimal_paths(g.path for g in self.grants if action in g.capabilities)

    def can_at(self, action: str, path: str) -> bool:
        _check_declared(action)  # before the administrator shortcut, so a typo fails for them too
        return self.is_platform_admin or any(path.startswith(p) for p in self.paths_for(action))

    def sees_path(self, path: str) -> bool:
        return self.is_platform_admin or any(path.startswith(g.path) for g in self.grants)

    def relation_can(self, relation: str, action: str) -> bool:
        _check_declared(action)
        return action in self.relation_capabilities.get(relation, frozenset())


def _check_declared(action: str) -> None:
    if not is_declared(action):
        raise UndeclaredCapability(action)


def _minimal_paths(paths: Any) -> list[str]:
    """Drop paths covered by a shorter one, so filters stay small."""
    result: list[str] = []
    for path in sorted(set(paths), key=len):
        if not any(path.startswith(p) for p in result):
            result.append(path)
    return result


# The user's active grants and the relation roles, in one round trip: every request of a signed-in
# user pays for this, so it is written once rather than compiled by the ORM on each request.
_ACTOR_SQL = """
SELECT u.path, r.capabilities, r.code
FROM {grant} g JOIN {role} r ON r.id = g.role_id JOIN {unit} u ON u.id = g.unit_id
WHERE g.user_id = %s AND g.valid_from <= %s AND (g.valid_to IS NULL OR g.valid_to > %s)
  AND r.is_active = %s
UNION ALL
SELECT NULL, r.capabilities, r.code FROM {role} r WHERE r.code IN (%s, %s) AND r.is_active = %s
"""


@cache
def _actor_sql() -> str:
    from oqu.orgs.models import Unit

    from .models import Grant, Role

    return _ACTOR_SQL.format(
        grant=Grant._meta.db_table, role=Role._meta.db_table, unit=Unit._meta.db_table
    )


def _capability_set(value: Any) -> frozenset[str]:
    return frozenset(json.loads(value) if isinstance(value, str) else value)


def _actor_params(user_pk: Any) -> list[Any]:
    from .models import Grant

    now = connection.ops.adapt_datetimefield_value(timezone.now())
    user_id = Grant._meta.get_field("user").get_db_prep_value(user_pk, connection)
    return [user_id, now, now, True, PARENT_ROLE, LEARNER_ROLE, True]


# The account and its access rows in one round trip, for the authentication backend
# (`oqu.access.backends`): every signed-in request loads both, one right after the other.
_USER_SQL = """
SELECT {columns}, x.path AS oqu_grant_path, x.capabilities AS oqu_grant_capabilities,
       x.code AS oqu_grant_role
FROM {user} acct LEFT JOIN ({actor}) x ON 1 = 1
WHERE acct.{pk} = %s
"""
ACCESS_ROWS = "_oqu_access_rows"


@cache
def _user_sql() -> str:
    from django.contrib.auth import get_user_model

    model = get_user_model()
    quote = connection.ops.quote_name
    # The columns by name, not `*`: a prepared statement's result must keep its shape when a
    # migration adds a column while the server runs.
    columns = ", ".join(f"acct.{quote(f.column)}" for f in model._meta.concrete_fields)
    return _USER_SQL.format(
        columns=columns,
        user=quote(model._meta.db_table),
        actor=_actor_sql(),
        pk=quote(model._meta.pk.column),
    )


def load_user_with_access(user_pk: Any) -> Any:
    """The account `user_pk` (None if there is none) carrying its active grants and the relation
    roles as read in the same query; the next `actor_for(user)` uses them instead of reading
    them again. Nothing is kept beyond the object: each request loads its own."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    pk = model._meta.pk.get_db_prep_value(model._meta.pk.to_python(user_pk), connection)
    rows = list(model.objects.raw(_user_sql(), [*_actor_params(user_pk), pk]))
    if not rows:
        return None
    user = rows[0]
    access = [
        (row.oqu_grant_path, row.oqu_grant_capabilities, row.oqu_grant_role)
        for row in rows
        if row.oqu_grant_role is not None
    ]
    for name in ("oqu_grant_path", "oqu_grant_capabilities", "oqu_grant_role"):
        delattr(user, name)
    setattr(user, ACCESS_ROWS, access)
    return user


def actor_for(user: Any) -> Actor:
    """Load the user's active grants and the relation roles' capabilities (one query, or none
    when the account was loaded with them by `load_user_with_access` for this request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Actor(user=user)
    rows = getattr(user, ACCESS_ROWS, None)
    if rows is not None:
        delattr(user, ACCESS_ROWS)  # used once: a later call reads afresh
    else:
        with connection.cursor() as cursor:
            cursor.execute(_actor_sql(), _actor_params(user.pk))
            rows = cursor.fetchall()
    grants = tuple(
        ScopeGrant(path, _capability_set(caps), code) for path, caps, code in rows if path
    )
    relation_caps = {code: _capability_set(caps) for path, caps, code in rows if path is None}
    return Actor(
        user=user,
        grants=grants,
        relation_capabilities=relation_caps,
        is_platform_admin=bool(user.is_superuser),
    )


def path_filter(actor: Actor, action: str, via: str) -> Q:
    """A Q that keeps rows whose `via` path lies in a subtree where the actor holds `action`."""
    _check_declared(action)
    if actor.is_platform_admin:
        return Q()
    paths = actor.paths_for(action)
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{via}__startswith": path})
    return query


def visible(
    actor: Actor, action: str, qs: QuerySet[M], via: str = "organization__path"
) -> QuerySet[M]:
    """Filter `qs` to the rows in the actor's subtrees for `action` (selectors start here)."""
    if actor.is_anonymous:
        return qs.none()
    return qs.filter(path_filter(actor, action, via))


def require(
    actor: Actor, action: str, unit: Any, *, target: Any = None, target_visible: bool = False
) -> None:
    """Raise Forbidden (or NotFound when the unit itself is out of sight) unless allowed.

    Services call this first. `unit` is the organization or territorial unit the change is
    about; `target` is the object named in the journal when the denial is recorded.
    `target_visible` says the actor sees the target by other means (reference data such as
    roles, shown to every holder of a grant): a missing capability is then 403, not 404.
    """
    if actor.is_anonymous:
        raise _denied(NotFound, actor, action, target or unit, "anonymous")
    if actor.can_at(action, unit.path):
        return
    if target_visible or actor.sees_path(unit.path):
        raise _denied(Forbidden, actor, action, target or unit, "missing_capability")
    raise _denied(NotFound, actor, action, target or unit, "out_of_scope")


def require_any(actor: Actor, action: str, units: list[Any], *, target: Any = None) -> None:
    """Like `require`, allowed when the actor holds `action` on any of `units`."""
    if actor.is_anonymous:
        raise _denied(NotFound, actor, action, target, "anonymous")
    if any(actor.can_at(action, u.path) for u in units):
        return
    if any(actor.sees_path(u.path) for u in units):
        raise _denied(Forbidden, actor, action, target, "missing_capability")
    raise _denied(NotFound, actor, action, target, "out_of_scope")


def not_found(actor: Actor, action: str, target_type: str, target_id: Any) -> NotFound:
    """The 404 for an id the actor cannot see (or that does not exist), ready to journal."""
    error = NotFound()
    error.denial = Denial(actor, action, target_type, str(target_id), "not_visible")  # type: ignore[attr-defined]
    return error


def get_in(qs: QuerySet[M], pk: Any, actor: Actor, action: str) -> M:
    """The row `pk` of an already scoped `qs`, or the journaled 404 (missing and unseen look alike)."""
    row = qs.filter(pk=pk).first()
    if row is None:
        raise not_found(actor, action, qs.model._meta.label_lower, pk)
    return row


@dataclass(frozen=True)
class Denial:
    actor: Actor
    action: str
    target_type: str
    target_id: str
    reason: str


def _denied(
    error_class: type[Forbidden] | type[NotFound],
    actor: Actor,
    action: str,
    target: Any,
    reason: str,
):  # type: ignore[no-untyped-def]
    error = error_class()
    target_type = (
        target._meta.label_lower if target is not None and hasattr(target, "_meta") else ""
    )
    target_id = str(getattr(target, "pk", "") or "")
    error.denial = Denial(actor, action, target_type, target_id, reason)  # type: ignore[attr-defined]
    return error


# -- people: visible through relations in scope ----------------------------------------------


def person_filter(actor: Actor, action: str) -> Q:
    """Persons the actor may reach for `action`.

    Through an active enrolment or employment in a subtree where the actor holds `action`; a
    parent through an active guardianship; anyone to themselves through the learner role.
    """
    from oqu.people.models import Employment, Enrolment, Guardianship

    if actor.is_platform_admin:
        return Q()
    query = Q(pk__in=[])
    unit_q = path_filter(actor, action, "organization__path")
    if actor.paths_for(action):
        enrolled = Enrolment.objects.filter(unit_q, person=OuterRef("pk"), end_date__isnull=True)
        employed = Employment.objects.filter(unit_q, person=OuterRef("pk"), end_date__isnull=True)
        children_in_scope = Enrolment.objects.filter(unit_q, end_date__isnull=True).values(
            "person_id"
        )
        guarding = Guardianship.objects.filter(
            guardian=OuterRef("pk"), end_date__isnull=True, child_id__in=children_in_scope
        )
        query |= Q(Exists(enrolled)) | Q(Exists(employed)) | Q(Exists(guarding))
    if actor.person_id:
        if actor.relation_can(PARENT_ROLE, action):
            wards = Guardianship.objects.filter(
                guardian_id=actor.person_id, child=OuterRef("pk"), end_date__isnull=True
            )
            query |= Q(Exists(wards))
        if actor.relation_can(LEARNER_ROLE, action):
            query |= Q(pk=actor.person_id)
    return query


def visible_persons(actor: Actor, action: str, qs: QuerySet[M]) -> QuerySet[M]:
    if actor.is_anonymous:
        return qs.none()
    return qs.filter(person_filter(actor, action))


def person_units(person: Any) -> list[Any]:
    """The organizations a person is active in (enrolments and employment), and those where
    the children they are an active guardian of are enrolled."""
    from oqu.orgs.models import Unit
    from oqu.people.models import Employment, Enrolment, Guardianship

    enrolled = Enrolment.objects.filter(person=person, end_date__isnull=True).values(
        "organization_id"
    )
    employed = Employment.objects.filter(person=person, end_date__isnull=True).values(
        "organization_id"
    )
    wards = Guardianship.objects.filter(guardian=person, end_date__isnull=True).values("child_id")
    wards_enrolled = Enrolment.objects.filter(person_id__in=wards, end_date__isnull=True).values(
        "organization_id"
    )
    return list(
        Unit.objects.filter(Q(pk__in=enrolled) | Q(pk__in=employed) | Q(pk__in=wards_enrolled))
    )


def _relation_to(actor: Actor, person: Any) -> str | None:
    """`learner` when the person is the actor, `parent` when the actor is their active guardian."""
    from oqu.people.models import Guardianship

    if actor.is_anonymous or not actor.person_id:
        return None
    if person.pk == actor.person_id:
        return LEARNER_ROLE
    if Guardianship.objects.filter(
        guardian_id=actor.person_id, child=person, end_date__isnull=True
    ).exists():
        return PARENT_ROLE
    return None


def require_person(actor: Actor, action: str, person: Any) -> None:
    """Allow `action` on a person through a relation or a grant covering one of their organizations.

    A person the actor reaches through a relation (themselves, their own child) is visible to
    them, so a missing capability there is 403, not 404.
    """
    relation = _relation_to(actor, person)
    if relation and actor.relation_can(relation, action):
        return
    try:
        require_any(actor, action, person_units(person), target=person)
    except NotFound:
        if relation and actor.relation_can(relation, "people.person.view"):
            raise _denied(Forbidden, actor, action, person, "missing_capability") from None
        raise
