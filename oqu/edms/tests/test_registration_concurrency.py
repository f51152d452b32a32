"""50 concurrent registrations give 50 distinct consecutive numbers (EDMS-23 p.2)."""

from __future__ import annotations

import importlib
import threading
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection, connections

from oqu.access.reference import add_capabilities, load_roles
from oqu.access.scope import actor_for
from oqu.edms import services
from oqu.edms.kinds import seed_kinds
from oqu.edms.models import Document, RegistrationCounter
from oqu.orgs.reference import load_regions, load_types_and_attributes

from .conftest import draft

THREADS = 50


@pytest.fixture
def reference_data(transactional_db: Any) -> None:
    """The migrations' reference data again (idempotent), as the browser tests do: a browser test
    that ran before in this process flushed it, and the serialized copy cannot be restored then."""
    load_regions(django_apps)
    load_types_and_attributes(django_apps)
    load_roles(django_apps)
    seed_kinds(django_apps)
    edms = importlib.import_module("oqu.edms.migrations.0003_capabilities")
    add_capabilities(django_apps, edms.ADDITIONS)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_edms_23_fifty_concurrent_registrations_give_fifty_consecutive_numbers(
    reference_data, office
):
    # given 50 incoming letters of one school, committed
    documents = [draft(office, "incoming", title=f"Хат {i}") for i in range(THREADS)]
    barrier = threading.Barrier(THREADS, timeout=60)
    errors: list[BaseException] = []

    def register(document: Document) -> None:
        try:
            barrier.wait()
            services.document_register(actor=actor_for(office.deputy), document=document)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    # when each is registered from its own thread (its own connection) at the same moment
    threads = [threading.Thread(target=register, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then every registration succeeded with a distinct number, 1…50 without gaps
    assert errors == []
    numbers = sorted(
        Document.objects.filter(pk__in=[d.pk for d in documents]).values_list("sequence", flat=True)
    )
    assert numbers == list(range(1, THREADS + 1))
    assert RegistrationCounter.objects.get(organization=office.school).last_number == THREADS
