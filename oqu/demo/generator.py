"""Generate a consistent synthetic country as plain row tuples (G-6: data volume at national scale).

Scale 1.0 is the digital transformation map's counts (MAP): 7,982 schools / 3,908,479 learners,
11,853 preschools / 1,009,551 children, 770 colleges / 531,613 students, 3 million children in
additional education, and 100 special (inclusive) organizations / 45,000 children, 36 family support
centres and 13 youth houses. The map gives no count of additional-education organizations: we use one
per 3,000 children (1,000 at scale 1.0). It gives no teacher total either, so staff follow ratios:
one teacher per 11-13 school learners, one educator per ~9 preschool children, one teacher per ~12
college students and per ~20 children of additional education, one head per organization.

Nothing here touches the database. `plan_country` takes what the database holds (regions, types,
attribute definitions, identifiers already issued) as plain values, places every organization and
fixes every count; `CountryPlan.unit_rows` and `CountryPlan.batches` then stream rows, one district
(or one part of a large district, `MAX_PART_PEOPLE` learners) at a time, so memory stays bounded at
any scale. The same seed and inputs give the same rows: every random draw comes from a
`random.Random` seeded from `--seed`.

People: children and learners are grouped into families within their district (siblings share
their parents, surname and patronymic); guardians are the mother and/or the father. School
learners are 6-17 on 1 September (grade = age - 5), preschool children 1-5 (they turn 6 during
the year), college students 15-20 (course 1-4). About 95 % of the places in additional education
go to school learners of the same district (else region), the rest to adults.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from bisect import bisect
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from oqu.kernel.identifiers import check_digit
from oqu.orgs.rules import AttributeValueError, parse_attribute_value

from . import names as nm

MAP_ORGANIZATIONS: dict[str, int] = {
    "school": 7_982,
    "preschool": 11_853,
    "college": 770,
    "additional": 1_000,  # our choice: one per 3,000 children of additional education
    "special": 100,
    "support_centre": 36,
    "youth_house": 13,
}
MAP_PEOPLE: dict[str, int] = {
    "school": 3_908_479,
    "preschool": 1_009_551,
    "college": 531_613,
    "additional": 3_000_000,
    "special": 45_000,
}
ADDITIONAL_ADULT_SHARE = 0.05
SEEDED_TYPES = tuple(MAP_ORGANIZATIONS)
LEVEL_OF_TYPE = {
    "school": "school",
    "special": "school",
    "preschool": "preschool",
    "college": "college",
    "additional": "additional",
}
KATO_VERSION = "2023"
ADULT_AGE = 18
MAX_PART_PEOPLE = 40_000  # learners per batch of rows (a large district is written in parts)

TABLES: dict[str, tuple[str, ...]] = {
    "unit": (
        "id",
        "created_at",
        "updated_at",
        "kind",
        "parent_id",
        "path",
        "depth",
        "name",
        "name_kk",
        "name_ru",
        "kato_code",
        "kato_version",
        "centre",
        "centre_kk",
        "centre_ru",
        "org_type_id",
        "bin",
        "languages",
        "address",
        "is_private",
        "status",
        "opened_on",
        "closed_on",
    ),
    "attribute_value": (
        "id",
        "created_at",
        "updated_at",
        "organization_id",
        "definition_id",
        "value_bool",
        "value_number",
        "value_text",
        "valid_from",
        "valid_to",
    ),
    "person": (
        "id",
        "created_at",
        "updated_at",
        "iin",
        "last_name_kk",
        "first_name_kk",
        "middle_name_kk",
        "last_name_ru",
        "first_name_ru",
        "middle_name_ru",
        "birth_date",
        "sex",
        "needs_verification",
        "verification_reason",
    ),
    "enrolment": (
        "id",
        "created_at",
        "updated_at",
        "organization_id",
        "person_id",
        "level",
        "is_main",
        "grade",
        "group_name",
        "start_date",
        "end_date",
        "end_reason",
    ),
    "employment": (
        "id",
        "created_at",
        "updated_at",
        "organization_id",
        "person_id",
        "position",
        "rate",
        "start_date",
        "end_date",
    ),
    "guardianship": (
        "id",
        "created_at",
        "updated_at",
        "guardian_id",
        "child_id",
        "kind",
        "start_date",
        "end_date",
    ),
}
# The order in which a batch is written (people before the rows that point at them).
TABLE_ORDER = ("unit", "attribute_value", "person", "enrolment", "employment", "guardianship")

Row = tuple[Any, ...]
Batch = dict[str, list[Row]]


def scaled(count: int, scale: float) -> int:
    """round(scale × count), halves rounded up (Python's round() would round 0.5 to even)."""
    return int(math.floor(count * scale + 0.5))


def organization_count(type_code: str, scale: float) -> int:
    """How many organizations of a type the seed makes: round(scale × map count), at least one."""
    return max(1, scaled(MAP_ORGANIZATIONS[type_code], scale)) if scale > 0 else 0


def people_count(kind: str, scale: float) -> int:
    return scaled(MAP_PEOPLE[kind], scale)


def school_year_start(today: dt.date) -> dt.date:
    """1 September that opened the school year `today` belongs to; ages are counted on this day."""
    return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# ---------------------------------------------------------------------------------------------
# Inputs (what the database holds) and identifier allocation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegionIn:
    id: uuid.UUID
    kato: str
    path: str
    name_kk: str
    name_ru: str
    centre_kk: str


@dataclass(frozen=True)
class DistrictIn:
    """A district that already exists (re-used by `--force`)."""

    id: uuid.UUID
    path: str
    name_kk: str
    name_ru: str
    kato_code: str


@dataclass(frozen=True)
class AttributeIn:
    id: uuid.UUID
    code: str
    value_type: str
    choices: tuple[str, ...]
    valid_from: dt.date


@dataclass
class SeedInput:
    seed: int
    scale: float
    school_year: dt.date
    now: dt.datetime
    republic_id: uuid.UUID
    republic_path: str
    regions: list[RegionIn]
    type_ids: dict[str, uuid.UUID]
    attributes: dict[str, list[AttributeIn]] = field(default_factory=dict)
    existing_districts: dict[uuid.UUID, list[DistrictIn]] = field(default_factory=dict)
    existing_authorities: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)
    existing_org_counts: dict[tuple[uuid.UUID, str], int] = field(default_factory=dict)
    taken_paths: set[str] = field(default_factory=set)
    iin_next: dict[str, int] = field(default_factory=dict)
    bin_next: dict[str, int] = field(default_factory=dict)
    salt: str = ""


class IinAllocator:
    """Hand out unique valid IINs: per birth date and sex, the next free 4-digit serial.

    `next_serial` maps the first 7 digits (date and century/sex digit) to the first serial not yet
    used in the database, so a second run never collides with the first. Serials whose check digit
    cannot be formed are skipped; when a day runs out of serials the next day is used.
    """

    def __init__(self, next_serial: dict[str, int] | None = None) -> None:
        self._next = dict(next_serial or {})
        self._prefixes: dict[tuple[int, str], str] = {}

    def _prefix(self, ordinal: int, sex: str) -> str:
        key = (ordinal, sex)
        prefix = self._prefixes.get(key)
        if prefix is None:
            day = dt.date.fromordinal(ordinal)
            century = {18: 1, 19: 3, 20: 5}[day.year // 100] + (0 if sex == "M" else 1)
            prefix = f"{day.year % 100:02d}{day.month:02d}{day.day:02d}{century}"
            self._prefixes[key] = prefix
        return prefix

    def take(self, ordinal: int, sex: str) -> tuple[str, int]:
        """Return (IIN, birth ordinal); the ordinal moves on only if the day is exhausted."""
        while True:
            prefix = self._prefix(ordinal, sex)
            serial = self._next.get(prefix, 1)
            while serial < 10_000:
                head = f"{prefix}{serial:04d}"
                serial += 1
                digit = check_digit(head)
                if digit is not None:
                    self._next[prefix] = serial
                    return head + str(digit), ordinal
            self._next[prefix] = serial
            ordinal += 1


class BinAllocator:
    """Unique valid BINs of resident legal entities (type 4, head unit 0) by registration month."""

    def __init__(self, next_serial: dict[str, int] | None = None) -> None:
        self._next = dict(next_serial or {})

    def take(self, year: int, month: int) -> str:
        while True:
            prefix = f"{year % 100:02d}{month:02d}40"
            serial = self._next.get(prefix, 1)
            while serial < 100_000:
                head = f"{prefix}{serial:05d}"
                serial += 1
                digit = check_digit(head)
                if digit is not None:
                    self._next[prefix] = serial
                    return head + str(digit)
            self._next[prefix] = serial
            month = month % 12 + 1
            year += month == 1


# ---------------------------------------------------------------------------------------------
# The plan: territory and organizations with every count fixed
# ---------------------------------------------------------------------------------------------


@dataclass
class District:
    index: int
    id: uuid.UUID
    path: str
    region: RegionIn
    name_kk: str
    name_ru: str
    genitive_kk: str
    genitive_ru: str
    kato_code: str
    is_city: bool
    is_new: bool
    weight: float = 0.0
    orgs: list[Org] = field(default_factory=list)
    school_learners: int = 0
    additional_quota: list[tuple[Org, int]] = field(default_factory=list)


@dataclass
class Org:
    id: uuid.UUID
    type: str
    parent_id: uuid.UUID
    path: str
    depth: int
    kato_code: str
    district: District | None
    name_kk: str = ""
    name_ru: str = ""
    languages: list[str] = field(default_factory=list)
    rural: bool = False
    small_class: bool = False
    status: str = ""
    kind: str = ""
    profile: int = 0
    size_weight: float = 1.0
    size: int = 0
    adults: int = 0
    staff: dict[str, int] = field(default_factory=dict)
    bin: str = ""
    address: str = ""
    is_private: bool = False
    opened_on: dt.date | None = None
    level_name: str = ""  # "district", "region" or "republic" for authorities

    @property
    def main_language(self) -> str:
        return self.languages[0] if len(self.languages) == 1 else "kk"


def seeded_random(inputs: SeedInput, *stream: object) -> random.Random:
    """An independent random stream per purpose (plan, attributes, each district part), all fixed
    by `--seed`; `salt` differs for a further data set added with --force."""
    key = ":".join(str(part) for part in ("oqu-seed", inputs.seed, inputs.salt, *stream))
    return random.Random(key)  # noqa: S311 (synthetic data, not security)


def _new_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def apportion(total: int, weights: list[float], *, minimum: int = 0) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder), summing exactly."""
    n = len(weights)
    if n == 0:
        return []
    base = [minimum] * n if total >= minimum * n else [0] * n
    rest = total - sum(base)
    weight_sum = sum(weights)
    if weight_sum <= 0:
        weights, weight_sum = [1.0] * n, float(n)
    quotas = [rest * w / weight_sum for w in weights]
    counts = [int(q) for q in quotas]
    left = rest - sum(counts)
    for i in sorted(range(n), key=lambda i: quotas[i] - counts[i], reverse=True)[:left]:
        counts[i] += 1
    return [b + c for b, c in zip(base, counts, strict=True)]


def _ru_genitive(name_ru: str) -> str:
    if name_ru.startswith("город "):
        return "города " + name_ru[len("город ") :]
    if name_ru.startswith("район "):
        return "района " + name_ru[len("район ") :]
    if name_ru.endswith("ий район"):
        return name_ru[: -len("ий район")] + "ого района"
    return name_ru


# Relative number of organizations per inhabitant, (city, rural): many small rural schools,
# colleges and special organizations mostly in cities.
DENSITY: dict[str, tuple[float, float]] = {
    "school": (0.55, 1.6),
    "preschool": (1.0, 1.1),
    "college": (2.5, 0.35),
    "additional": (1.5, 0.8),
    "special": (2.0, 0.5),
    "support_centre": (2.0, 0.3),
    "youth_house": (1.5, 0.5),
}


class CountryPlan:
    """Territory, organizations and counts, fixed before any person is generated."""

    def __init__(self, inputs: SeedInput) -> None:
        self.inputs = inputs
        self.rng = seeded_random(inputs, "plan")
        self.iins = IinAllocator(inputs.iin_next)
        self.bins = BinAllocator(inputs.bin_next)
        self.taken_paths = set(inputs.taken_paths)
        self.districts: list[District] = []
        self.authorities: list[Org] = []
        self.orgs: list[Org] = []
        self._plan_territory()
        self._plan_organizations()
        self._plan_sizes()
        self._plan_additional()
        self._plan_staff()

    # -- territory -------------------------------------------------------------------------

    def _child_path(self, parent_path: str) -> tuple[uuid.UUID, str]:
        while True:
            unit_id = _new_uuid(self.rng)
            path = f"{parent_path}{unit_id.hex[:8]}/"
            if path not in self.taken_paths:
                self.taken_paths.add(path)
                return unit_id, path

    def _plan_territory(self) -> None:
        inputs = self.inputs
        for region in sorted(inputs.regions, key=lambda r: r.kato):
            existing = inputs.existing_districts.get(region.id, [])
            members: list[District] = []
            if existing:
                for d in existing:
                    is_city = "қаласы" in d.name_kk or d.name_ru.startswith("город ")
                    members.append(
                        District(
                            index=len(self.districts) + len(members),
                            id=d.id,
                            path=d.path,
                            region=region,
                            name_kk=d.name_kk,
                            name_ru=d.name_ru,
                            genitive_kk=nm.kazakh_genitive(d.name_kk),
                            genitive_ru=_ru_genitive(d.name_ru),
                            kato_code=d.kato_code,
                            is_city=is_city or region.kato in nm.REPUBLIC_CITIES,
                            is_new=False,
                        )
                    )
            else:
                cities = rural = 0
                for kk_base, ru in nm.DISTRICTS.get(region.kato, []):
                    name_kk, name_ru, genitive_ru, is_city = nm.district_names(kk_base, ru)
                    if is_city:
                        number, cities = 10 + cities, cities + 1
                    else:
                        number, rural = 20 + 2 * rural, rural + 1
                    unit_id, path = self._child_path(region.path)
                    members.append(
                        District(
                            index=len(self.districts) + len(members),
                            id=unit_id,
                            path=path,
                            region=region,
                            name_kk=name_kk,
                            name_ru=name_ru,
                            genitive_kk=nm.kazakh_genitive(name_kk),
                            genitive_ru=genitive_ru,
                            kato_code=f"{region.kato}{number:02d}00000",
                            is_city=is_city or region.kato in nm.REPUBLIC_CITIES,
                            is_new=True,
                        )
                    )
            self._weigh(region, members)
            self.districts.extend(members)
        # Education authorities: the Ministry, a regional administration, a department per district.
        self._authority(
            inputs.republic_id, inputs.republic_path, 0, "", None, "republic", nm.MINISTRY
        )
        for region in inputs.regions:
            name = (
                f"{nm.kazakh_genitive(region.name_kk)} {nm.REGION_AUTHORITY[0]}",
                f"{nm.REGION_AUTHORITY[1]} {nm.REGION_GENITIVE_RU.get(region.kato, region.name_ru)}",
            )
            self._authority(
                region.id, region.path, 1, f"{region.kato}0000000", None, "region", name
            )
        for d in self.districts:
            name = (
                f"{d.genitive_kk} {nm.DISTRICT_AUTHORITY[0]}",
                f"{nm.DISTRICT_AUTHORITY[1]} {d.genitive_ru}",
            )
            self._authority(d.id, d.path, 2, d.kato_code, d, "district", name)

    def _weigh(self, region: RegionIn, members: list[District]) -> None:
        """Population weight of each district: regional centre 25 %, other cities 5 %, rest rural."""
        if not members:
            return
        population = nm.REGION_POPULATION.get(region.kato, 700) * nm.REGION_CHILD_FACTOR.get(
            region.kato, 1.0
        )
        if region.kato in nm.REPUBLIC_CITIES:
            shares = [1.0 / len(members)] * len(members)
        else:
            shares = []
            rural = sum(1 for d in members if not d.is_city)
            centre = region.centre_kk
            fixed = 0.0
            for d in members:
                if d.is_city:
                    share = 0.25 if centre and d.name_kk.startswith(centre + " ") else 0.05
                    fixed += share
                    shares.append(share)
                else:
                    shares.append(-1.0)
            rest = max(0.2, 1.0 - fixed)
            shares = [s if s >= 0 else rest / rural for s in shares]
            total = sum(shares)
            shares = [s / total for s in shares]
        for d, share in zip(members, shares, strict=True):
            d.weight = population * share

    def _authority(
        self,
        parent_id: uuid.UUID,
        parent_path: str,
        parent_depth: int,
        kato: str,
        district: District | None,
        level_name: str,
        name: tuple[str, str],
    ) -> None:
        if parent_id in self.inputs.existing_authorities:
            return  # already in the database (a run with --force): kept as it is
        unit_id, path = self._child_path(parent_path)
        org = Org(
            id=unit_id,
            type="authority",
            parent_id=parent_id,
            path=path,
            depth=parent_depth + 1,
            kato_code=kato,
            district=district,
            name_kk=name[0],
            name_ru=name[1],
            languages=["kk", "ru"],
            level_name=level_name,
        )
        year = self.rng.randint(1997, 2020)
        org.opened_on = dt.date(year, self.rng.randint(1, 12), 1)
        org.bin = self.bins.take(year, org.opened_on.month)
        org.address = self._address()
        self.authorities.append(org)

    # -- organizations ---------------------------------------------------------------------

    def _address(self) -> str:
        return f"{self.rng.choice(nm.STREETS)}, {self.rng.randint(1, 180)}"

    def _languages(self, region_kato: str) -> list[str]:
        share = nm.RUSSIAN_NAME_SHARE.get(region_kato, 0.1)
        kk_only = max(0.2, 0.85 - 1.2 * share)
        ru_only = min(0.4, 0.5 * share + 0.03)
        draw = self.rng.random()
        if draw < kk_only:
            return ["kk"]
        if draw < kk_only + ru_only:
            return ["ru"]
        return ["kk", "ru"]

    def _plan_organizations(self) -> None:
        rng = self.rng
        numbers: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
        numbers.update(self.inputs.existing_org_counts)
        used_names: dict[uuid.UUID, set[str]] = defaultdict(set)
        for type_code in SEEDED_TYPES:
            count = organization_count(type_code, self.inputs.scale)
            city_density, rural_density = DENSITY[type_code]
            weights = [
                d.weight * (city_density if d.is_city else rural_density) for d in self.districts
            ]
            cumulative = list(accumulate(weights))
            for _ in range(count):
                d = self.districts[bisect(cumulative, rng.random() * cumulative[-1])]
                numbers[(d.id, type_code)] += 1
                unit_id, path = self._child_path(d.path)
                org = Org(
                    id=unit_id,
                    type=type_code,
                    parent_id=d.id,
                    path=path,
                    depth=3,
                    kato_code=d.kato_code,
                    district=d,
                    languages=self._languages(d.region.kato),
                    address=self._address(),
                )
                self._describe(org, numbers[(d.id, type_code)], used_names[d.id])
                d.orgs.append(org)
                self.orgs.append(org)

    def _describe(self, org: Org, number: int, used: set[str]) -> None:
        """Name, kind, size weight, ownership, opening date and BIN of a new organization."""
        rng = self.rng
        d = org.district
        if d is None:
            raise ValueError("an organization of a seeded type belongs to a district")
        spread = math.exp(rng.gauss(0.0, 0.35))
        t = org.type
        if t == "school":
            org.rural = not d.is_city and rng.random() < 0.85
            org.small_class = org.rural and rng.random() < 0.30
            org.status = rng.choices(
                [
                    "general",
                    "gymnasium",
                    "lyceum",
                    "specialized",
                    "profile",
                    "international",
                    "evening",
                ],
                [70, 8, 5, 5, 7, 1, 4],
            )[0]
            if org.rural:
                org.status = "general" if org.small_class or rng.random() < 0.8 else org.status
            kk, ru = nm.SCHOOL_NAMES[org.status]
            kk, ru = kk.format(n=number), ru.format(n=number)
            if org.status in ("general", "gymnasium") and rng.random() < 0.2:
                honoree = rng.choice(nm.HONOREES)
                kk, ru = f"{honoree[0]} атындағы {kk}", f"{ru} имени {honoree[1]}"
            org.name_kk, org.name_ru = kk, ru
            if org.small_class:
                org.size_weight = 0.1 * spread
            elif org.rural:
                org.size_weight = 0.7 * spread
            else:
                org.size_weight = (3.0 if d.is_city else 1.5) * spread
            if org.status == "evening":
                org.size_weight *= 0.3
            org.is_private = rng.random() < 0.03
            org.opened_on = dt.date(int(rng.triangular(1930, 2024, 1975)), rng.randint(1, 12), 1)
        elif t == "preschool":
            if d.is_city:
                kinds, weights = (
                    [
                        "nursery_kindergarten",
                        "kindergarten",
                        "mini_centre",
                        "family",
                        "special",
                        "sanatorium",
                    ],
                    [45, 40, 7, 3, 3, 2],
                )
            else:
                kinds, weights = (
                    ["mini_centre", "kindergarten", "nursery_kindergarten", "family"],
                    [45, 25, 25, 5],
                )
            org.kind = rng.choices(kinds, weights)[0]
            quoted = rng.choice(nm.PRESCHOOL_NAMES)
            for _ in range(4):
                if quoted[0] not in used:
                    break
                quoted = rng.choice(nm.PRESCHOOL_NAMES)
            kk, ru = nm.PRESCHOOL_KIND_NAMES[org.kind]
            kk, ru = kk.format(q=quoted[0]), ru.format(q=quoted[1])
            if quoted[0] in used:
                kk, ru = f"№ {number} {kk}", f"{ru} № {number}"
            used.add(quoted[0])
            org.name_kk, org.name_ru = kk, ru
            size = {
                "nursery_kindergarten": 2.5,
                "kindergarten": 2.0,
                "mini_centre": 0.35,
                "family": 0.15,
                "special": 0.8,
                "sanatorium": 1.0,
            }[org.kind]
            org.size_weight = size * (1.0 if d.is_city else 0.6) * spread
            org.is_private = rng.random() < (0.35 if d.is_city else 0.15)
            first = 2008 if org.is_private else 1960
            org.opened_on = dt.date(rng.randint(first, 2025), rng.randint(1, 12), 1)
        elif t == "college":
            org.profile = rng.randrange(len(nm.COLLEGE_PROFILES))
            profile = nm.COLLEGE_PROFILES[org.profile]
            kk, ru = f"{d.genitive_kk} {profile[0]}", f"{profile[1]} {d.genitive_ru}"
            if kk in used:
                kk, ru = f"{kk} № {number}", f"{ru} № {number}"
            used.add(kk)
            org.name_kk, org.name_ru = kk, ru
            org.size_weight = (1.3 if d.is_city else 0.6) * spread
            org.is_private = rng.random() < 0.4
            org.opened_on = dt.date(rng.randint(1930, 2015), rng.randint(1, 12), 1)
        elif t == "additional":
            org.profile = rng.randrange(len(nm.ADDITIONAL_KINDS))
            kind = nm.ADDITIONAL_KINDS[org.profile]
            kk, ru = f"{d.genitive_kk} {kind[0]}", f"{kind[1]} {d.genitive_ru}"
            if kk in used:
                kk, ru = f"{kk} № {number}", f"{ru} № {number}"
            used.add(kk)
            org.name_kk, org.name_ru = kk, ru
            org.size_weight = (1.5 if d.is_city else 0.7) * spread
            org.is_private = rng.random() < 0.2
            org.opened_on = dt.date(rng.randint(1950, 2022), rng.randint(1, 12), 1)
        elif t == "special":
            kk, ru = rng.choice(nm.SPECIAL_KINDS)
            org.name_kk = f"{d.genitive_kk} {kk.format(n=number)}"
            org.name_ru = f"{ru.format(n=number)} {d.genitive_ru}"
            org.size_weight = spread
            org.opened_on = dt.date(rng.randint(1950, 2020), rng.randint(1, 12), 1)
        else:  # support_centre, youth_house
            kk, ru = nm.SUPPORT_CENTRE if t == "support_centre" else nm.YOUTH_HOUSE
            org.name_kk, org.name_ru = f"{d.genitive_kk} {kk}", f"{ru} {d.genitive_ru}"
            if org.name_kk in used:
                org.name_kk, org.name_ru = f"{org.name_kk} № {number}", f"{org.name_ru} № {number}"
            used.add(org.name_kk)
            org.opened_on = dt.date(rng.randint(1995, 2023), rng.randint(1, 12), 1)
        registered = (
            org.opened_on
            if org.opened_on.year >= 1996
            else dt.date(rng.randint(1996, 2008), rng.randint(1, 12), 1)
        )
        org.bin = self.bins.take(registered.year, registered.month)

    # -- counts ----------------------------------------------------------------------------

    def _plan_sizes(self) -> None:
        scale = self.inputs.scale
        for type_code in ("school", "preschool", "college", "special"):
            orgs = [o for o in self.orgs if o.type == type_code]
            total = people_count(type_code, scale)
            for org, size in zip(
                orgs, apportion(total, [o.size_weight for o in orgs], minimum=1), strict=True
            ):
                org.size = size
        for d in self.districts:
            d.school_learners = sum(o.size for o in d.orgs if o.type == "school")

    def _plan_additional(self) -> None:
        """Most children of additional education are school learners of the same district (else of
        the region, else of the country); about 5 % are adults."""
        total = people_count("additional", self.inputs.scale)
        adults = int(math.floor(total * ADDITIONAL_ADULT_SHARE + 0.5))
        learners = total - adults
        all_additional = [o for o in self.orgs if o.type == "additional"]
        school_total = sum(d.school_learners for d in self.districts)
        if learners > school_total:  # only at scales too small to matter: the rest are adults
            adults, learners = adults + learners - school_total, school_total
        by_region: dict[uuid.UUID, list[Org]] = defaultdict(list)
        for o in all_additional:
            if o.district is not None:
                by_region[o.district.region.id].append(o)
        quotas = apportion(learners, [float(d.school_learners) for d in self.districts])
        for d, quota in zip(self.districts, quotas, strict=True):
            if quota == 0:
                continue
            targets = (
                [o for o in d.orgs if o.type == "additional"]
                or by_region.get(d.region.id)
                or all_additional
            )
            for org, share in zip(
                targets, apportion(quota, [o.size_weight for o in targets]), strict=True
            ):
                if share:
                    d.additional_quota.append((org, share))
                    org.size += share
        for org, share in zip(
            all_additional, apportion(adults, [o.size_weight for o in all_additional]), strict=True
        ):
            org.adults = share
            org.size += share

    def _plan_staff(self) -> None:
        rng = self.rng
        for org in self.orgs + self.authorities:
            n, t = org.size, org.type
            if t == "school":
                staff = {
                    "director": 1,
                    "deputy_director": 0 if n < 300 else min(4, 1 + n // 700),
                    "teacher": max(1, round(n / rng.uniform(11, 13))),
                    "methodologist": int(n > 800),
                }
            elif t == "special":
                staff = {
                    "director": 1,
                    "teacher": max(1, round(n / rng.uniform(5, 7))),
                    "methodologist": 1,
                }
            elif t == "preschool":
                staff = {
                    "head": 1,
                    "educator": max(1, round(n / rng.uniform(8, 10))),
                    "methodologist": int(n > 120),
                }
            elif t == "college":
                staff = {
                    "director": 1,
                    "deputy_director": 1 + min(2, n // 1000),
                    "teacher": max(1, round(n / rng.uniform(11, 13))),
                    "methodologist": int(n > 300),
                }
            elif t == "additional":
                staff = {
                    "director": 1,
                    "teacher": max(1, round(n / rng.uniform(18, 22))),
                    "methodologist": int(n > 1000),
                }
            elif t == "support_centre":
                staff = {"director": 1, "methodologist": rng.randint(3, 6)}
            elif t == "youth_house":
                staff = {
                    "director": 1,
                    "educator": rng.randint(5, 12),
                    "teacher": rng.randint(2, 5),
                }
            else:  # authority
                specialists = {
                    "district": rng.randint(2, 4),
                    "region": rng.randint(6, 10),
                    "republic": 12,
                }
                staff = {"head": 1, "methodologist": specialists[org.level_name]}
            org.staff = {k: v for k, v in staff.items() if v}

    # -- rows of the territory and organizations -------------------------------------------

    def expected(self) -> dict[str, int]:
        """Organizations and enrolments by type, as fixed by the plan."""
        counts: dict[str, int] = defaultdict(int)
        for o in self.orgs:
            counts[f"organizations.{o.type}"] += 1
            if o.type in LEVEL_OF_TYPE:
                counts[f"enrolments.{o.type}"] += o.size
        counts["districts.new"] = sum(d.is_new for d in self.districts)
        counts["authorities.new"] = len(self.authorities)
        return dict(counts)

    def unit_rows(self) -> Batch:
        """Districts, authorities and organizations with their attribute values."""
        now = self.inputs.now
        units: list[Row] = []
        for d in self.districts:
            if d.is_new:
                units.append(
                    (
                        d.id,
                        now,
                        now,
                        "district",
                        d.region.id,
                        d.path,
                        2,
                        d.name_kk,
                        d.name_kk,
                        d.name_ru,
                        d.kato_code,
                        KATO_VERSION,
                        "",
                        "",
                        "",
                        None,
                        "",
                        [],
                        "",
                        False,
                        "active",
                        None,
                        None,
                    )
                )
        for o in self.authorities + self.orgs:
            units.append(
                (
                    o.id,
                    now,
                    now,
                    "organization",
                    o.parent_id,
                    o.path,
                    o.depth,
                    o.name_kk,
                    o.name_kk,
                    o.name_ru,
                    o.kato_code,
                    KATO_VERSION if o.kato_code else "",
                    "",
                    "",
                    "",
                    self.inputs.type_ids[o.type],
                    o.bin,
                    sorted(o.languages),
                    o.address,
                    o.is_private,
                    "active",
                    o.opened_on,
                    None,
                )
            )
        return {"unit": units, "attribute_value": self._attribute_rows()}

    def _attribute_rows(self) -> list[Row]:
        rng = seeded_random(self.inputs, "attributes")
        now = self.inputs.now
        rows: list[Row] = []
        for o in self.orgs:
            for definition in self.inputs.attributes.get(o.type, []):
                raw = attribute_value(o, definition, rng)
                if raw is None:
                    continue
                try:
                    typed = parse_attribute_value(
                        definition.value_type, raw, [{"code": c} for c in definition.choices]
                    )
                except AttributeValueError:
                    continue
                rows.append(
                    (
                        _new_uuid(rng),
                        now,
                        now,
                        o.id,
                        definition.id,
                        typed.get("value_bool"),
                        typed.get("value_number"),
                        typed.get("value_text", ""),
                        definition.valid_from,
                        None,
                    )
                )
        return rows

    # -- people, district by district ------------------------------------------------------

    def batches(self) -> Iterator[tuple[str, Batch]]:
        """Yield (label, rows) for the staff of higher authorities, then for each district."""
        builder = PeopleBuilder(self, seeded_random(self.inputs, "authorities"))
        for org in self.authorities:
            if org.district is None:
                builder.add_staff(org)
        yield "authorities", builder.batch()
        for d in self.districts:
            parts = district_parts(d)
            for number, (orgs, quota) in enumerate(parts):
                builder = PeopleBuilder(self, seeded_random(self.inputs, d.index, number))
                builder.add_part(d, orgs, quota, with_authority=number == 0)
                suffix = f" ({number + 1}/{len(parts)})" if len(parts) > 1 else ""
                yield f"{d.region.name_kk} / {d.name_kk}{suffix}", builder.batch()


def district_parts(d: District) -> list[tuple[list[Org], list[tuple[Org, int]]]]:
    """Split a large district into parts of about MAX_PART_PEOPLE learners, so that one batch of
    rows stays small at any scale. Families are formed within a part; the district's places in
    additional education are shared out in proportion to each part's school learners."""
    parts: list[list[Org]] = [[]]
    size = 0
    for org in d.orgs:
        weight = org.adults if org.type == "additional" else org.size
        if parts[-1] and size + weight > MAX_PART_PEOPLE:
            parts.append([])
            size = 0
        parts[-1].append(org)
        size += weight
    learners = [sum(o.size for o in orgs if o.type == "school") for orgs in parts]
    wanted = apportion(sum(count for _, count in d.additional_quota), [float(x) for x in learners])
    queue = [[org, count] for org, count in d.additional_quota]
    result = []
    for orgs, need in zip(parts, wanted, strict=True):
        quota: list[tuple[Org, int]] = []
        while need:
            take = min(need, queue[0][1])
            quota.append((queue[0][0], take))
            need -= take
            queue[0][1] -= take
            if not queue[0][1]:
                queue.pop(0)
        result.append((orgs, quota))
    return result


# ---------------------------------------------------------------------------------------------
# Attribute values (MAP-ENT)
# ---------------------------------------------------------------------------------------------


def attribute_value(org: Org, definition: AttributeIn, rng: random.Random) -> Any:
    """A plausible raw value of one attribute for one organization, or None to leave it unset."""
    code, t, n = definition.code, org.type, org.size
    staff = sum(v for k, v in org.staff.items() if k in ("teacher", "educator"))
    if t == "school":
        values = {
            "status": org.status,
            "small_class": org.small_class,
            "reference_school": org.rural and not org.small_class and rng.random() < 0.08,
            "meals": rng.choices(["own_canteen", "outsourced", "none"], [60, 35, 5])[0],
            "capacity": max(20, round(n * rng.uniform(0.8, 1.3), -1)),
            "computer_classes": rng.randint(0, 1) if org.small_class else rng.randint(1, 4),
            "operating_mode": "one_shift"
            if org.rural
            else rng.choices(["one_shift", "two_shifts", "three_shifts"], [45, 50, 5])[0],
            "sports_facilities": rng.random() < 0.9,
            "initial_military_training": not org.small_class and rng.random() < 0.85,
            "library": rng.random() < 0.95,
        }
    elif t in ("preschool", "special"):
        contract = rng.choice([10, 20, 30, 50, 100])
        values = {
            "kind": org.kind,
            "safe_environment": rng.random() < 0.85,
            "occupancy": rng.randint(70, 120),
            "experimental_site": rng.random() < 0.03,
            "internet_access": rng.random() < 0.95,
            "internet_speed_contract": contract,
            "internet_speed_actual": round(contract * rng.uniform(0.5, 1.0)),
            "inclusive_materials": rng.random() < 0.4,
            "education_form": "short_stay" if org.kind == "mini_centre" else "full_day",
            "security_systems": rng.random() < 0.85,
            "accreditation": rng.choices(["none", "national", "international"], [90, 9, 1])[0],
            "teaching_staff": staff,
            "labs_workshops": rng.random() < 0.5,
        }
    elif t == "college":
        values = {
            "specialties": nm.COLLEGE_PROFILES[org.profile][3],
            "dormitory": rng.random() < 0.5,
            "admission_quota": round(n / rng.uniform(3.2, 4.0)),
            "status": rng.choices(["college", "higher_college", "uchilishe"], [80, 15, 5])[0],
            "dual_training": rng.random() < 0.6,
            "business_patronage": rng.random() < 0.3,
        }
    elif t == "additional":
        values = {"activity_directions": nm.ADDITIONAL_KINDS[org.profile][2]}
    elif t == "youth_house":
        values = {
            "residents": rng.randint(20, 150),
            "correctional": rng.random() < 0.2,
            "orphan_status": rng.random() < 0.6,
            "sports_hall": rng.random() < 0.8,
            "advanced_study": rng.random() < 0.3,
        }
    else:
        values = {}
    if code in values:
        value = values[code]
        return None if value == "" else value
    # An attribute added to the catalogue later: a generic value for about half the organizations.
    if rng.random() < 0.5:
        return None
    if definition.value_type == "bool":
        return rng.random() < 0.6
    if definition.value_type == "number":
        return rng.randint(0, 10)
    if definition.value_type == "choice" and definition.choices:
        return rng.choice(definition.choices)
    return None


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------

Names = tuple[
    str, str, str, str, str, str
]  # last, first, middle (Kazakh); last, first, middle (Russian)

GRADE_WEIGHTS = list(accumulate([1.1, 1.1, 1.05, 1.05, 1.0, 1.0, 1.0, 0.95, 0.95, 0.6, 0.55]))
SMALL_SCHOOL_GRADE_WEIGHTS = GRADE_WEIGHTS[:9]
PRESCHOOL_AGE_WEIGHTS = list(accumulate([0.35, 0.8, 1.0, 1.0, 1.0]))
COURSE_WEIGHTS = list(accumulate([1.1, 1.05, 1.0, 0.7]))
CLASS_SIZE = 25
GROUP_SIZE = 22
RATES = (Decimal("1.00"),) * 6 + (
    Decimal("1.50"),
    Decimal("1.50"),
    Decimal("1.25"),
    Decimal("0.50"),
)

# position -> (share of women, youngest, oldest); heads of preschools are almost all women.
STAFF_PROFILE: dict[str, tuple[float, int, int]] = {
    "teacher": (0.82, 22, 63),
    "educator": (0.97, 20, 60),
    "director": (0.62, 33, 63),
    "head": (0.9, 33, 62),
    "deputy_director": (0.75, 30, 62),
    "methodologist": (0.85, 25, 62),
}


_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect(cumulative, rng.random() * cumulative[-1])


def kazakh_names(rng: random.Random, sex: str, *, ru_patronymic_share: float = 0.75) -> Names:
    """An individual Kazakh name in both forms (staff, adult learners)."""
    first = rng.choice(nm.KAZAKH_MALE if sex == "M" else nm.KAZAKH_FEMALE)
    father = rng.choice(nm.KAZAKH_MALE)
    if rng.random() < 0.1:  # a -ұлы/-қызы surname; such people usually have no patronymic
        return (
            nm.kazakh_patronymic_kk(father[0], sex),
            first[0],
            "",
            nm.kazakh_patronymic_ru_turkic(father[1], sex),
            first[1],
            "",
        )
    stem_kk, stem_ru = rng.choice(nm.KAZAKH_SURNAME_STEMS)
    last_kk, last_ru = nm.ov_surname(stem_kk), nm.ov_surname(stem_ru)
    if sex == "F":
        last_kk, last_ru = nm.feminine_surname(last_kk), nm.feminine_surname(last_ru)
    middle_ru = (
        nm.russian_patronymic(father[1], sex)
        if rng.random() < ru_patronymic_share
        else nm.kazakh_patronymic_ru_turkic(father[1], sex)
    )
    return (
        last_kk,
        first[0],
        nm.kazakh_patronymic_kk(father[0], sex),
        last_ru,
        first[1],
        middle_ru,
    )


def russian_names(rng: random.Random, sex: str) -> Names:
    first = rng.choice(nm.RUSSIAN_MALE if sex == "M" else nm.RUSSIAN_FEMALE)
    last = rng.choice(nm.RUSSIAN_SURNAMES)
    if sex == "F":
        last = nm.feminine_surname(last)
    middle = nm.russian_patronymic(rng.choice(nm.RUSSIAN_MALE), sex)
    return (last, first, middle, last, first, middle)


class PeopleBuilder:
    """Rows of the people of one district (or of the higher authorities)."""

    def __init__(self, plan: CountryPlan, rng: random.Random) -> None:
        self.plan = plan
        self.rng = rng
        self.now = plan.inputs.now
        self.sy = plan.inputs.school_year
        self.ref = self.sy.toordinal()
        self.today = max(self.ref, plan.inputs.now.date().toordinal())
        self.persons: list[Row] = []
        self.enrolments: list[Row] = []
        self.employments: list[Row] = []
        self.guardianships: list[Row] = []
        self._birth_base: dict[int, tuple[int, int]] = {}

    def batch(self) -> Batch:
        return {
            "person": self.persons,
            "enrolment": self.enrolments,
            "employment": self.employments,
            "guardianship": self.guardianships,
        }

    # -- helpers ---------------------------------------------------------------------------

    def _new_id(self) -> str:
        """A random version-4 UUID as 32 hex digits: cheaper to build and to COPY than uuid.UUID,
        and accepted as such by PostgreSQL and by Django's UUIDField."""
        return f"{(self.rng.getrandbits(128) & _V4_CLEAR) | _V4_SET:032x}"

    def birth_for_age(self, age: int) -> int:
        """A birth date (ordinal) of someone exactly `age` full years old on 1 September."""
        window = self._birth_base.get(age)
        if window is None:
            sy = self.sy.year
            first = dt.date(sy - age - 1, 9, 2).toordinal()
            window = (first, dt.date(sy - age, 9, 1).toordinal() - first + 1)
            self._birth_base[age] = window
        return window[0] + self.rng.randrange(window[1])

    def add_person(self, names: Names, birth: int, sex: str) -> tuple[str, int]:
        iin, birth = self.plan.iins.take(birth, sex)
        pid = self._new_id()
        self.persons.append(
            (pid, self.now, self.now, iin, *names, dt.date.fromordinal(birth), sex, False, "")
        )
        return pid, birth

    def _is_russian(self, org: Org | None, share: float) -> bool:
        if org is not None and org.languages == ["kk"]:
            share *= 0.1
        elif org is not None and org.languages == ["ru"]:
            share = min(0.85, share + 0.3)
        return self.rng.random() < share

    # -- staff -----------------------------------------------------------------------------

    def add_staff(self, org: Org) -> None:
        rng = self.rng
        share = nm.RUSSIAN_NAME_SHARE.get(org.kato_code[:2], 0.05)
        for position, count in org.staff.items():
            female, youngest, oldest = STAFF_PROFILE[position]
            if org.type == "authority" and position == "head":
                female = 0.4
            for _ in range(count):
                sex = "F" if rng.random() < female else "M"
                age = rng.randint(youngest, oldest)
                names = (
                    russian_names(rng, sex)
                    if self._is_russian(org, share)
                    else kazakh_names(rng, sex)
                )
                pid, birth = self.add_person(names, self.birth_for_age(age), sex)
                earliest = max(birth + 22 * 365, self.ref - 35 * 365)
                start = rng.randint(earliest, max(earliest, self.ref - 30))
                self.employments.append(
                    (
                        self._new_id(),
                        self.now,
                        self.now,
                        org.id,
                        pid,
                        position,
                        rng.choice(RATES),
                        dt.date.fromordinal(start),
                        None,
                    )
                )

    # -- a district ------------------------------------------------------------------------

    def add_part(
        self, d: District, orgs: list[Org], quota: list[tuple[Org, int]], *, with_authority: bool
    ) -> None:
        """People of (a part of) a district: children and their families, additional education,
        staff of its organizations (and of the district's education department)."""
        share = nm.RUSSIAN_NAME_SHARE.get(d.region.kato, 0.12)
        # Every child, learner and student: [org, level, grade, group, start, birth, sex, russian]
        slots: list[list[Any]] = []
        for org in orgs:
            if org.type in ("school", "special"):
                slots.extend(self._school_slots(org, share))
            elif org.type == "preschool":
                slots.extend(self._preschool_slots(org, share))
            elif org.type == "college":
                slots.extend(self._college_slots(org, share))
        school_learners = self._families(slots)
        self._additional(d, orgs, quota, school_learners)
        for org in orgs:
            self.add_staff(org)
        for org in self.plan.authorities:
            if with_authority and org.district is d:
                self.add_staff(org)

    def _school_slots(self, org: Org, share: float) -> list[list[Any]]:
        rng = self.rng
        weights = SMALL_SCHOOL_GRADE_WEIGHTS if org.small_class else GRADE_WEIGHTS
        grades = [_pick(rng, weights) + 1 for _ in range(org.size)]
        letters = nm.CLASS_LETTERS_KK if org.main_language == "kk" else nm.CLASS_LETTERS_RU
        per_grade: dict[int, int] = defaultdict(int)
        for g in grades:
            per_grade[g] += 1
        seen: dict[int, int] = defaultdict(int)
        slots = []
        for g in grades:
            classes = max(1, min(len(letters), math.ceil(per_grade[g] / CLASS_SIZE)))
            letter = letters[seen[g] % classes]
            seen[g] += 1
            if rng.random() < 0.85:
                start = dt.date(self.sy.year - g + 1, 9, 1).toordinal()
            else:  # moved here from another school
                start = dt.date(self.sy.year - rng.randrange(g), 9, 1).toordinal() + rng.randrange(
                    90
                )
            sex = "M" if rng.random() < 0.51 else "F"
            slots.append(
                [
                    org,
                    "school",
                    g,
                    f"{g}{letter}",
                    start,
                    self.birth_for_age(5 + g),
                    sex,
                    self._is_russian(org, share),
                ]
            )
        return slots

    def _preschool_slots(self, org: Org, share: float) -> list[list[Any]]:
        rng = self.rng
        ages = [_pick(rng, PRESCHOOL_AGE_WEIGHTS) + 1 for _ in range(org.size)]
        per_age: dict[int, int] = defaultdict(int)
        for a in ages:
            per_age[a] += 1
        seen: dict[int, int] = defaultdict(int)
        slots = []
        column = 0 if org.main_language == "kk" else 1
        for a in ages:
            groups = max(1, math.ceil(per_age[a] / GROUP_SIZE))
            number = seen[a] % groups + 1
            seen[a] += 1
            name = nm.PRESCHOOL_GROUPS[a][column]
            if groups > 1:
                name = f"{name} № {number}"
            birth = self.birth_for_age(a)
            start = max(birth + 365, dt.date(self.sy.year - rng.randrange(a), 9, 1).toordinal())
            sex = "M" if rng.random() < 0.51 else "F"
            slots.append(
                [org, "preschool", None, name, start, birth, sex, self._is_russian(org, share)]
            )
        return slots

    def _college_slots(self, org: Org, share: float) -> list[list[Any]]:
        rng = self.rng
        code = nm.COLLEGE_PROFILES[org.profile][2]
        courses = [_pick(rng, COURSE_WEIGHTS) + 1 for _ in range(org.size)]
        per_course: dict[int, int] = defaultdict(int)
        for c in courses:
            per_course[c] += 1
        seen: dict[int, int] = defaultdict(int)
        slots = []
        for c in courses:
            groups = max(1, math.ceil(per_course[c] / CLASS_SIZE))
            admitted = self.sy.year - c + 1
            group = f"{code}-{admitted % 100:02d}-{seen[c] % groups + 1}"
            seen[c] += 1
            age = 14 + c + rng.choice((0, 0, 1, 1, 2))
            sex = "M" if rng.random() < 0.55 else "F"
            slots.append(
                [
                    org,
                    "college",
                    c,
                    group,
                    dt.date(admitted, 9, 1).toordinal(),
                    self.birth_for_age(age),
                    sex,
                    self._is_russian(org, share),
                ]
            )
        return slots

    def _families(self, slots: list[list[Any]]) -> list[str]:
        """Group the district's minors into families, create parents, children and enrolments.

        Returns the ids of the school learners (for additional education)."""
        rng = self.rng
        adult_before = dt.date(self.sy.year - ADULT_AGE, 9, 1).toordinal()  # 18 on 1 September
        minors = [i for i, s in enumerate(slots) if s[5] > adult_before]
        adults = [i for i, s in enumerate(slots) if s[5] <= adult_before]
        school_learners: list[str] = []
        for russian in (False, True):
            pool = [i for i in minors if slots[i][7] == russian]
            rng.shuffle(pool)
            by_year: dict[int, list[int]] = defaultdict(list)
            for i in pool:
                by_year[dt.date.fromordinal(slots[i][5]).year].append(i)
            used: set[int] = set()
            for i in pool:
                if i in used:
                    continue
                used.add(i)
                family = [i]
                size = rng.choices((1, 2, 3, 4), (45, 35, 15, 5))[0]
                year = dt.date.fromordinal(slots[i][5]).year
                for _ in range(6):
                    if len(family) >= size:
                        break
                    bucket = by_year.get(year + rng.choice((-5, -4, -3, -2, 2, 3, 4, 5)))
                    while bucket and bucket[-1] in used:
                        bucket.pop()
                    if bucket:
                        j = bucket.pop()
                        used.add(j)
                        family.append(j)
                self._family(slots, family, russian, school_learners)
        for i in adults:  # college students of 18 and over: no guardians
            org, level, grade, group, start, birth, sex, russian = slots[i]
            names = (
                russian_names(self.rng, sex)
                if russian
                else kazakh_names(self.rng, sex, ru_patronymic_share=0.55)
            )
            pid, _ = self.add_person(names, birth, sex)
            self._enrol(org, pid, level, grade, group, start)
        return school_learners

    def _enrol(
        self,
        org: Org,
        pid: str,
        level: str,
        grade: int | None,
        group: str,
        start: int,
        *,
        main: bool = True,
    ) -> None:
        self.enrolments.append(
            (
                self._new_id(),
                self.now,
                self.now,
                org.id,
                pid,
                level,
                main,
                grade,
                group,
                dt.date.fromordinal(min(start, self.today)),
                None,
                "",
            )
        )

    def _family(
        self,
        slots: list[list[Any]],
        family: list[int],
        russian: bool,
        school_learners: list[str],
    ) -> None:
        rng = self.rng
        births = [slots[i][5] for i in family]
        oldest, youngest = min(births), max(births)
        mother_birth = oldest - rng.randint(20 * 365, 32 * 365)
        mother_birth = max(mother_birth, youngest - 44 * 365)
        father_birth = mother_birth - rng.randint(0, 8 * 365)
        # Who of the parents is recorded: both, the mother only, the father only.
        draw = rng.random()
        with_mother, with_father = draw < 0.92, draw < 0.72 or draw >= 0.92
        if russian:
            father_first = rng.choice(nm.RUSSIAN_MALE)
            family_last = rng.choice(nm.RUSSIAN_SURNAMES)
            father = (
                family_last,
                father_first,
                nm.russian_patronymic(rng.choice(nm.RUSSIAN_MALE), "M"),
            )
            father_names: Names = (father[0], father[1], father[2], father[0], father[1], father[2])
            mother_names = russian_names(rng, "F")
            if rng.random() < 0.85:
                last = nm.feminine_surname(family_last)
                mother_names = (last, *mother_names[1:3], last, *mother_names[4:6])
        else:
            father_first_kk, father_first_ru = rng.choice(nm.KAZAKH_MALE)
            grandfather = rng.choice(nm.KAZAKH_MALE)
            uly_style = rng.random() < 0.12
            if uly_style:
                stem = ("", "")
                father_names = (
                    nm.kazakh_patronymic_kk(grandfather[0], "M"),
                    father_first_kk,
                    "",
                    nm.kazakh_patronymic_ru_turkic(grandfather[1], "M"),
                    father_first_ru,
                    "",
                )
            else:
                stem = rng.choice(nm.KAZAKH_SURNAME_STEMS)
                middle_ru = (
                    nm.russian_patronymic(grandfather[1], "M")
                    if rng.random() < 0.75
                    else nm.kazakh_patronymic_ru_turkic(grandfather[1], "M")
                )
                father_names = (
                    nm.ov_surname(stem[0]),
                    father_first_kk,
                    nm.kazakh_patronymic_kk(grandfather[0], "M"),
                    nm.ov_surname(stem[1]),
                    father_first_ru,
                    middle_ru,
                )
            mother_names = kazakh_names(rng, "F")
            if not uly_style and rng.random() < 0.7:
                mother_names = (
                    nm.feminine_surname(nm.ov_surname(stem[0])),
                    *mother_names[1:3],
                    nm.feminine_surname(nm.ov_surname(stem[1])),
                    *mother_names[4:6],
                )
        guardians: list[tuple[str, str]] = []
        if with_mother:
            guardians.append((self.add_person(mother_names, mother_birth, "F")[0], "mother"))
        if with_father:
            guardians.append((self.add_person(father_names, father_birth, "M")[0], "father"))
        for i in family:
            org, level, grade, group, start, birth, sex, _ = slots[i]
            if russian:
                first = rng.choice(nm.RUSSIAN_MALE if sex == "M" else nm.RUSSIAN_FEMALE)
                last = family_last if sex == "M" else nm.feminine_surname(family_last)
                middle = nm.russian_patronymic(father_first, sex)
                names: Names = (last, first, middle, last, first, middle)
            else:
                first_kk, first_ru = rng.choice(nm.KAZAKH_MALE if sex == "M" else nm.KAZAKH_FEMALE)
                if uly_style:
                    names = (
                        nm.kazakh_patronymic_kk(father_first_kk, sex),
                        first_kk,
                        "",
                        nm.kazakh_patronymic_ru_turkic(father_first_ru, sex),
                        first_ru,
                        "",
                    )
                else:
                    last_kk, last_ru = nm.ov_surname(stem[0]), nm.ov_surname(stem[1])
                    if sex == "F":
                        last_kk, last_ru = (
                            nm.feminine_surname(last_kk),
                            nm.feminine_surname(last_ru),
                        )
                    middle_ru = (
                        nm.russian_patronymic(father_first_ru, sex)
                        if rng.random() < 0.55
                        else nm.kazakh_patronymic_ru_turkic(father_first_ru, sex)
                    )
                    names = (
                        last_kk,
                        first_kk,
                        nm.kazakh_patronymic_kk(father_first_kk, sex),
                        last_ru,
                        first_ru,
                        middle_ru,
                    )
            pid, birth = self.add_person(names, birth, sex)
            self._enrol(org, pid, level, grade, group, start)
            if org.type == "school":
                school_learners.append(pid)
            since = dt.date.fromordinal(birth)
            for guardian_id, kind in guardians:
                self.guardianships.append(
                    (self._new_id(), self.now, self.now, guardian_id, pid, kind, since, None)
                )

    def _additional(
        self,
        d: District,
        orgs: list[Org],
        quota: list[tuple[Org, int]],
        school_learners: list[str],
    ) -> None:
        rng = self.rng
        wanted = sum(count for _, count in quota)
        chosen = rng.sample(school_learners, min(wanted, len(school_learners)))
        position = 0
        start = self.sy.toordinal()
        for org, count in quota:
            column = 0 if org.main_language == "kk" else 1
            for pid in chosen[position : position + count]:
                group = rng.choice(nm.ACTIVITIES)[column]
                self._enrol(
                    org, pid, "additional", None, group, start + rng.randrange(30), main=False
                )
            position += count
        share = nm.RUSSIAN_NAME_SHARE.get(d.region.kato, 0.12)
        for org in orgs:
            if org.type != "additional":
                continue
            column = 0 if org.main_language == "kk" else 1
            for _ in range(org.adults):
                sex = "F" if rng.random() < 0.6 else "M"
                names = (
                    russian_names(rng, sex)
                    if self._is_russian(org, share)
                    else kazakh_names(rng, sex)
                )
                pid, _ = self.add_person(names, self.birth_for_age(rng.randint(ADULT_AGE, 60)), sex)
                group = rng.choice(nm.ACTIVITIES)[column]
                self._enrol(
                    org, pid, "additional", None, group, start + rng.randrange(30), main=False
                )


def plan_country(inputs: SeedInput) -> CountryPlan:
    """Place the territory and organizations and fix every count (no rows are built yet)."""
    return CountryPlan(inputs)
