"""The synthetic country (`manage.py seed`) and the demo accounts (G-6, MAP scale counts)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import uuid
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone

from oqu.access.models import Grant
from oqu.demo import accounts
from oqu.demo import generator as g
from oqu.demo import names as n
from oqu.identity import mfa
from oqu.identity.models import User
from oqu.kernel.identifiers import parse_iin, validate_bin
from oqu.orgs.models import AttributeValue, Unit
from oqu.orgs.reference import ATTRIBUTES, REGIONS, REPUBLIC_ID, path_segment, region_id
from oqu.people.models import Employment, Enrolment, Guardianship, Person

SCALE = 0.0005
KAZAKH_ONLY_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def seed(*args: str, scale: float = SCALE) -> str:
    out = io.StringIO()
    call_command("seed", "--scale", str(scale), *args, stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "persons": Person.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "employments": Employment.objects.count(),
        "guardianships": Guardianship.objects.count(),
        "attributes": AttributeValue.objects.count(),
    }


@pytest.mark.smoke
@pytest.mark.django_db
def test_g6_seed_builds_a_consistent_country_at_tiny_scale(monkeypatch):
    # given an empty installation (regions and types from the migrations), and batches so small
    # that large districts are written in parts, as at national scale
    monkeypatch.setattr(g, "MAX_PART_PEOPLE", 300)
    # when the country is seeded at 1/2000 of the national counts
    seed()
    ref = g.school_year_start(timezone.localdate())

    # then the organizations and main enrolments follow round(scale × map count)
    orgs = Counter(
        Unit.objects.filter(kind="organization").values_list("org_type__code", flat=True)
    )
    for code in g.SEEDED_TYPES:
        assert orgs[code] == g.organization_count(code, SCALE)
    enrolled = Counter(Enrolment.objects.values_list("organization__org_type__code", flat=True))
    for code in ("school", "preschool", "college", "special", "additional"):
        assert enrolled[code] == g.people_count(code, SCALE)
    assert orgs["authority"] == 1 + 20 + Unit.objects.filter(kind="district").count()

    # every enrolment sits in an organization whose type teaches that level
    mismatched = Enrolment.objects.exclude(organization__org_type__level=F("level"))
    assert not mismatched.exists()
    assert not Enrolment.objects.filter(level="additional", is_main=True).exists()

    # every IIN is valid, unique and tells the person's birth date and sex
    people = list(Person.objects.values_list("iin", "birth_date", "sex"))
    assert len({iin for iin, _, _ in people}) == len(people)
    for iin, birth, sex in people:
        info = parse_iin(iin)
        assert (info.birth_date, info.sex, info.warnings) == (birth, sex, ())

    # every organization has a valid unique BIN
    bins = list(Unit.objects.filter(kind="organization").values_list("bin", flat=True))
    assert len(set(bins)) == len(bins)
    assert all(validate_bin(b) == b for b in bins)

    # ages fit the levels, grades follow the age
    rows = Enrolment.objects.filter(is_main=True).values_list(
        "level", "grade", "person__birth_date"
    )
    for level, grade, birth in rows:
        age = g.age_on(birth, ref)
        if level == "preschool":
            assert 1 <= age <= 6
        elif level == "school":
            assert 6 <= age <= 17
            assert grade == age - 5
        else:
            assert 15 <= age <= 20
            assert 1 <= grade <= 4

    # every minor learner has a guardian at least 18 years older
    minors = {
        pid
        for pid, birth in Enrolment.objects.filter(is_main=True).values_list(
            "person_id", "person__birth_date"
        )
        if g.age_on(birth, ref) < 18
    }
    guarded = set(Guardianship.objects.values_list("child_id", flat=True))
    assert minors <= guarded
    for child_birth, guardian_birth in Guardianship.objects.values_list(
        "child__birth_date", "guardian__birth_date"
    ):
        assert g.age_on(guardian_birth, child_birth) >= 18

    # additional education: mostly school learners of the country, about 5 % adults
    extra = list(Enrolment.objects.filter(level="additional").values_list("person_id", flat=True))
    learners = set(
        Enrolment.objects.filter(level="school", organization__org_type__code="school").values_list(
            "person_id", flat=True
        )
    )
    assert sum(pid in learners for pid in extra) / len(extra) >= 0.9

    # one head per organization; teachers at the ratio of the brief
    heads = Counter(
        Employment.objects.filter(position__in=["director", "head"]).values_list(
            "organization_id", flat=True
        )
    )
    assert set(heads.values()) == {1}
    assert len(heads) == Unit.objects.filter(kind="organization").count()
    teachers = Employment.objects.filter(
        position="teacher", organization__org_type__code="school"
    ).count()
    assert 10 <= enrolled["school"] / teachers <= 14

    # the tree: paths from ids, depth, KATO codes, districts per region
    parents = {u.id: u for u in Unit.objects.all()}
    for unit in parents.values():
        if unit.parent_id:
            parent = parents[unit.parent_id]
            assert unit.path == f"{parent.path}{unit.id.hex[:8]}/"
            assert unit.depth == parent.depth + 1
    for district in Unit.objects.filter(kind="district").select_related("parent"):
        assert district.parent.kind == "region"
        assert district.kato_code[:2] == district.parent.kato_code[:2]
        assert district.kato_code.endswith("00000")
        assert len(district.kato_code) == 9
        assert district.kato_version == "2023"
        assert district.name_kk
        assert district.name_ru
        assert district.name == district.name_kk
    per_region = Counter(Unit.objects.filter(kind="district").values_list("parent_id", flat=True))
    assert len(per_region) == 20
    assert all(5 <= count <= 18 for count in per_region.values())

    # names: Kazakh letters only in the Kazakh forms; some Russian-ethnic names
    names = list(
        Person.objects.values_list(
            "last_name_kk", "first_name_kk", "last_name_ru", "first_name_ru", "middle_name_ru"
        )
    )
    assert not any(KAZAKH_ONLY_LETTERS & set("".join(row[2:])) for row in names)
    assert any(KAZAKH_ONLY_LETTERS & set(row[0] + row[1]) for row in names)
    assert any(row[2].removesuffix("а") in n.RUSSIAN_SURNAMES for row in names)

    # attribute values belong to the organization's type
    assert AttributeValue.objects.exists()
    assert not AttributeValue.objects.exclude(
        definition__org_type=F("organization__org_type")
    ).exists()


@pytest.mark.django_db
def test_g6_seed_again_without_force_adds_nothing_and_force_adds_a_second_set():
    seed()
    before = table_counts()
    districts = Unit.objects.filter(kind="district").count()

    # without --force: nothing is added
    assert "nothing was seeded" in seed()
    assert table_counts() == before

    # with --force and another seed: a second set in the same districts, identifiers still unique
    seed("--force", "--seed", "7")
    after = table_counts()
    assert Unit.objects.filter(kind="district").count() == districts
    assert after["persons"] > before["persons"]
    orgs = Counter(
        Unit.objects.filter(kind="organization").values_list("org_type__code", flat=True)
    )
    assert orgs["school"] == 2 * g.organization_count("school", SCALE)
    assert orgs["authority"] == 1 + 20 + districts
    iins = list(Person.objects.values_list("iin", flat=True))
    bins = list(Unit.objects.exclude(bin="").values_list("bin", flat=True))
    assert len(set(iins)) == len(iins)
    assert len(set(bins)) == len(bins)


@pytest.mark.django_db
def test_g6_demo_accounts_are_bound_to_their_places_and_log_in(client):
    out = seed("--demo-accounts")
    users = {
        u.username: u for u in User.objects.filter(username__in=[a[0] for a in accounts.ACCOUNTS])
    }
    assert set(users) == {a[0] for a in accounts.ACCOUNTS}
    assert accounts.DEMO_PASSWORD in out
    assert all(name in out for name in users)

    def grant_of(username: str) -> Grant:
        (only,) = Grant.objects.filter(user=users[username]).select_related(
            "role", "unit", "unit__org_type"
        )
        return only

    assert (grant_of("minister").role.code, grant_of("minister").unit_id) == (
        "ministry_head",
        REPUBLIC_ID,
    )
    assert (grant_of("admin").role.code, grant_of("admin").unit_id) == (
        "platform_admin",
        REPUBLIC_ID,
    )
    assert users["admin"].is_superuser
    assert (grant_of("region").role.code, grant_of("region").unit.kind) == ("region_head", "region")
    assert (grant_of("district").role.code, grant_of("district").unit.kind) == (
        "district_head",
        "district",
    )
    school = grant_of("director").unit
    assert (grant_of("director").role.code, school.org_type.code) == ("school_director", "school")
    assert grant_of("teacher").unit == school
    assert Employment.objects.filter(
        person=users["teacher"].person, organization=school, position="teacher"
    ).exists()
    assert Employment.objects.filter(
        person=users["director"].person, organization=school, position="director"
    ).exists()
    assert Enrolment.objects.filter(
        person=users["learner"].person, organization=school, level="school"
    ).exists()
    assert Guardianship.objects.filter(
        guardian=users["parent"].person, child=users["learner"].person
    ).exists()
    kindergarten = grant_of("kindergarten")
    assert (kindergarten.role.code, kindergarten.unit.org_type.code) == (
        "preschool_head",
        "preschool",
    )
    assert Employment.objects.filter(
        person=users["kindergarten"].person, organization=kindergarten.unit, position="head"
    ).exists()
    assert {u.language for u in users.values()} == {"kk", "ru"}
    assert all(u.person_id for u in users.values())
    for username in users:
        assert client.login(username=username, password=accounts.DEMO_PASSWORD)
    # every account has the authenticator app, its secret and codes printed (G-5.11), except the
    # learner (grade 5, under 16), exempt on the demo parent's consent
    second_factors = out.split("Two-factor authentication (G-5.11)")[1].splitlines()
    lines = {line.split()[0]: line for line in second_factors[1:] if line.strip()}
    assert mfa.exemption_for(users["learner"]).given_by == users["parent"].person
    assert "exempt" in lines["learner"]
    for username in set(users) - {"learner"}:
        assert f"TOTP secret {totp_secret_of(users[username])}" in lines[username]
        assert len(lines[username].split("recovery codes ")[1].split()) == 10

    # running again lists the same accounts and duplicates nothing
    grants = Grant.objects.count()
    again = seed("--demo-accounts")
    assert again.split("Demo accounts")[1] == out.split("Demo accounts")[1]
    assert User.objects.count() == len(users)
    assert Grant.objects.count() == grants


def totp_secret_of(user: User) -> str:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.get(user=user, type="totp").data["secret"]


@pytest.mark.django_db
def test_g6_seed_refuses_a_scale_out_of_range():
    with pytest.raises(CommandError):
        seed(scale=0)
    assert not Person.objects.exists()


def pure_inputs(seed_value: int) -> g.SeedInput:
    """What the database holds after migrations, built from the reference data (no database)."""
    regions = [
        g.RegionIn(
            id=region_id(kato),
            kato=kato,
            path=f"KZ/{path_segment(region_id(kato))}/",
            name_kk=kk,
            name_ru=ru,
            centre_kk=centre,
        )
        for kato, kk, ru, centre, _ in REGIONS
    ]
    types = {code: uuid.uuid5(REPUBLIC_ID, code) for code in (*g.SEEDED_TYPES, "authority")}
    attributes = {
        code: [
            g.AttributeIn(
                uuid.uuid5(REPUBLIC_ID, f"{code}.{a[0]}"),
                a[0],
                a[3],
                tuple(c["code"] for c in a[4]),
                dt.date(2026, 1, 1),
            )
            for a in items
        ]
        for code, items in ATTRIBUTES.items()
    }
    return g.SeedInput(
        seed=seed_value,
        scale=SCALE,
        school_year=dt.date(2026, 9, 1),
        now=dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC),
        republic_id=REPUBLIC_ID,
        republic_path="KZ/",
        regions=regions,
        type_ids=types,
        attributes=attributes,
    )


def test_g6_generator_is_deterministic_for_a_seed():
    first = g.plan_country(pure_inputs(1))
    again = g.plan_country(pure_inputs(1))
    other = g.plan_country(pure_inputs(2))
    assert first.unit_rows() == again.unit_rows()
    assert list(itertools.islice(first.batches(), 4)) == list(itertools.islice(again.batches(), 4))
    assert first.unit_rows() != other.unit_rows()


def test_g6_iin_allocator_never_repeats_and_moves_to_the_next_day_when_full():
    allocator = g.IinAllocator({"1201015": 9990})
    day = dt.date(2012, 1, 1).toordinal()
    taken = [allocator.take(day, "M") for _ in range(20)]
    iins = [iin for iin, _ in taken]
    assert len(set(iins)) == 20
    assert all(parse_iin(iin).sex == "M" and not parse_iin(iin).warnings for iin in iins)
    assert taken[0][1] == day
    assert taken[-1][1] == day + 1
    assert parse_iin(iins[-1]).birth_date == dt.date(2012, 1, 2)


@pytest.mark.parametrize(
    ("father", "sex", "expected"),
    [
        ("Нурлан", "M", "Нурланович"),
        ("Нурлан", "F", "Нурлановна"),
        ("Жумабай", "M", "Жумабаевич"),
        ("Али", "F", "Алиевна"),
        ("Юрий", "M", "Юрьевич"),
        ("Игорь", "F", "Игоревна"),
        ("Сергей", "M", "Сергеевич"),
        ("Илья", "F", "Ильинична"),
        ("Никита", "M", "Никитич"),
    ],
)
def test_g6_russian_patronymics(father, sex, expected):
    assert n.russian_patronymic(father, sex) == expected


def test_g6_kazakh_surname_and_patronymic_forms():
    assert (n.ov_surname("Нұрлан"), n.ov_surname("Нурлан")) == ("Нұрланов", "Нурланов")
    assert n.feminine_surname(n.ov_surname("Ахмет")) == "Ахметова"
    assert n.ov_surname("Жұмабай") == "Жұмабаев"
    assert n.ov_surname("Қали") == "Қалиев"
    assert n.kazakh_patronymic_kk("Нұрлан", "M") == "Нұрланұлы"
    assert n.kazakh_patronymic_kk("Нұрлан", "F") == "Нұрланқызы"
    assert n.kazakh_patronymic_ru_turkic("Нурлан", "M") == "Нурланулы"
    assert len(n.KAZAKH_MALE) >= 60
    assert len(n.KAZAKH_FEMALE) >= 60
    assert len(n.KAZAKH_SURNAME_STEMS) >= 80
    assert n.district_names("Алмалы", "Алмалинский") == (
        "Алмалы ауданы",
        "Алмалинский район",
        "Алмалинского района",
        False,
    )
    assert n.district_names("Семей", "город Семей") == (
        "Семей қаласы",
        "город Семей",
        "города Семей",
        True,
    )


def test_g6_large_districts_are_split_without_losing_places(monkeypatch):
    inputs = pure_inputs(1)
    inputs.scale = 0.01
    plan = g.plan_country(inputs)
    district = max(plan.districts, key=lambda d: (len(d.orgs), d.school_learners))
    assert district.additional_quota
    assert len(g.district_parts(district)) == 1
    monkeypatch.setattr(g, "MAX_PART_PEOPLE", 200)
    parts = g.district_parts(district)
    assert len(parts) > 1
    assert sorted(o.path for orgs, _ in parts for o in orgs) == sorted(
        o.path for o in district.orgs
    )
    given: Counter[str] = Counter()
    for orgs, quota in parts:
        assert sum(c for _, c in quota) <= sum(o.size for o in orgs if o.type == "school")
        for org, count in quota:
            given[org.path] += count
    assert given == Counter({org.path: count for org, count in district.additional_quota})
