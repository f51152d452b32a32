"""The state person register adapter over the wire, against the simulated peer process (G-5.7).

The lookup is what the preschool queue will reuse later: age on a date and the registered address.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from oqu.exchange.person_register.client import PersonRegisterClient, RegisterUnavailable

from .conftest import API_KEY

CHILD = {
    "iin": "150304500019",
    "last_name": "Ахметов",
    "first_name": "Арман",
    "middle_name": "Серікұлы",
    "birth_date": "2015-03-04",
    "sex": "M",
    "address": {"kato": "751110000", "text": "Алматы қ., Абай даңғылы, 1"},
    "representatives": [
        {"iin": "860910400021", "kind": "mother", "since": "2015-03-04"},
        {"iin": "850101300011", "kind": "foster_carer"},
    ],
}


def _client(base_url: str, **extra: Any) -> PersonRegisterClient:
    return PersonRegisterClient(base_url=base_url, api_key=API_KEY, **{"timeout": 3.0, **extra})


def test_g5_7_person_lookup_gives_names_age_and_registered_address(person_register: Any) -> None:
    peer = person_register(persons=[CHILD])
    person = _client(peer.base_url).person_lookup(CHILD["iin"])
    assert person is not None
    assert (person.last_name, person.first_name, person.middle_name) == (
        "Ахметов",
        "Арман",
        "Серікұлы",
    )
    assert person.sex == "M"
    assert person.age_on(dt.date(2026, 3, 3)) == 10
    assert person.age_on(dt.date(2026, 3, 4)) == 11
    assert person.address is not None
    assert person.address.kato == "751110000"


def test_g5_7_relations_keep_only_known_kinds(person_register: Any) -> None:
    peer = person_register(persons=[CHILD])
    relations = _client(peer.base_url).person_relations(CHILD["iin"])
    assert relations is not None
    assert [(r.iin, r.kind) for r in relations.representatives] == [("860910400021", "mother")]
    assert relations.has("860910400021", "mother")
    assert not relations.has("860910400021", "father")


def test_g5_7_unknown_person_is_none_not_an_error(person_register: Any) -> None:
    peer = person_register(persons=[CHILD])
    client = _client(peer.base_url)
    assert client.person_lookup("990101300012") is None
    assert client.person_relations("990101300012") is None


@pytest.mark.parametrize(
    ("setup", "reason"),
    [
        ("wrong_key", "unauthorized"),
        ("slow", "timeout"),
        ("stopped", "unreachable"),
        ("not_configured", "not_configured"),
    ],
)
def test_g5_7_register_failures_are_unavailable(
    person_register: Any, setup: str, reason: str
) -> None:
    extra = {"delay_seconds": 2} if setup == "slow" else {}
    peer = person_register(persons=[CHILD], **extra)
    client = _client(peer.base_url, **({"timeout": 0.3} if setup == "slow" else {}))
    if setup == "wrong_key":
        client.api_key = "not-the-key"
    if setup == "stopped":
        peer.stop()
    if setup == "not_configured":
        client = PersonRegisterClient(base_url="")
    with pytest.raises(RegisterUnavailable) as raised:
        client.person_lookup(CHILD["iin"])
    assert raised.value.reason == reason
