"""Fixtures of the signature tests: a test certification authority served on 127.0.0.1, its
root trusted by the platform, and a head of school_a1 with the school's BIN."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from oqu.pki.providers import revocation_cache
from oqu.pki.testing_ca import TestCA, issue_for
from oqu.pki.trust import trust_root
from oqu.tests import factories as f


@pytest.fixture(scope="session")
def test_ca() -> Iterator[TestCA]:
    with TestCA.running() as ca:
        yield ca


@pytest.fixture(scope="session")
def foreign_ca() -> Iterator[TestCA]:
    """A CA the platform does not trust."""
    with TestCA.running(name="FOREIGN CA") as ca:
        yield ca


@pytest.fixture
def ca(db: Any, test_ca: TestCA) -> Iterator[TestCA]:
    """The test CA with its root trusted, the servers answering and the answer cache empty."""
    trust_root(test_ca.root_pem(), name=test_ca.label)
    test_ca.ocsp_available = test_ca.crl_available = True
    revocation_cache().clear()
    yield test_ca
    test_ca.ocsp_available = test_ca.crl_available = True
    revocation_cache().clear()


@pytest.fixture
def head(org_tree: Any) -> Any:
    """The director of school_a1 (BIN 940140000385) with an account."""
    person = f.make_person("Ахметова", "Гүлнар", dt.date(1978, 2, 3), "F")
    f.employ(person, org_tree.school_a1, position="director")
    user = f.make_user("director-a1", person=person)
    f.grant(user, "school_director", org_tree.school_a1)
    return user


def software_signer_with_key(
    settings: Any, folder: Any, ca: TestCA, person: Any, unit: Any
) -> None:
    """Trust `ca`, switch the software signer on with `folder` as its key store, and put the
    person's test key of `unit` there (what `pki_test_ca` does for the demo)."""
    trust_root(ca.root_pem(), name=ca.label)
    revocation_cache().clear()
    settings.OQU_PKI_SOFTWARE_SIGNER_DIR = str(folder)
    settings.OQU_PKI_SOFTWARE_SIGNER_PASSWORD = "browser-test"
    holder = issue_for(ca, person, unit)
    (folder / f"{person.iin}.p12").write_bytes(holder.pkcs12(b"browser-test"))
