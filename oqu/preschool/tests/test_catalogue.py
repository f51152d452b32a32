"""The catalogue of standard and variable programs, curricula and methodological materials:
methodologists publish, others read; the ministry's items reach every kindergarten (PRE-26)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from oqu.access.scope import actor_for
from oqu.audit.models import ActionRecord
from oqu.kernel.errors import Forbidden, NotFound, ValidationError
from oqu.preschool import selectors, services
from oqu.tests import factories as f

PDF = b"%PDF-1.4 program"


def _file(name: str = "program.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_pre26_methodologist_publishes_educators_read(kg: Any) -> None:
    item = services.catalogue_add(
        actor=actor_for(kg.methodologist),
        organization=kg.org,
        kind="teaching_kit",
        title="Ертегілер әлемі",
        authors="Әдіскерова Ә.",
        year=2026,
        age_group="senior",
        upload=_file(),
    )
    assert ActionRecord.objects.filter(action="preschool.catalogue.add", target_id=str(item.pk))
    assert list(selectors.catalogue_list(actor_for(kg.educator))) == [item]
    with pytest.raises(Forbidden):
        services.catalogue_add(
            actor=actor_for(kg.educator),
            organization=kg.org,
            kind="manual",
            title="X",
            upload=_file(),
        )
    with pytest.raises(NotFound):
        selectors.catalogue_get(actor_for(kg.foreign_head), item.pk)
    with pytest.raises(NotFound):
        selectors.catalogue_get(actor_for(kg.parent), item.pk)
    with pytest.raises(ValidationError):
        services.catalogue_add(
            actor=actor_for(kg.methodologist),
            organization=kg.org,
            kind="manual",
            title="X",
            upload=_file("x.pdf", b"<html>"),
        )
    services.catalogue_update(actor=actor_for(kg.methodologist), item=item, is_active=False)
    assert list(selectors.catalogue_list(actor_for(kg.educator))) == []


def test_pre26_standard_programs_of_the_ministry_reach_every_kindergarten(
    kg: Any, org_tree: Any
) -> None:
    ministry = f.make_user("ministry")
    f.grant(ministry, "ministry_head", org_tree.republic)
    program = services.catalogue_add(
        actor=actor_for(ministry),
        organization=org_tree.republic,
        kind="standard_program",
        title="Типовая учебная программа дошкольного воспитания и обучения",
        upload=_file(),
    )
    assert program in selectors.catalogue_list(actor_for(kg.educator))
    assert program in selectors.catalogue_list(actor_for(kg.foreign_head))
    with pytest.raises(Forbidden):
        services.catalogue_update(actor=actor_for(kg.methodologist), item=program, title="X")
