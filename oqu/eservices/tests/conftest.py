"""A parent with a six-year-old and a college student, school A1 with its director and a teacher,
a college and a club organization in district A1, the district head; school B1 with its director."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from oqu.access.scope import actor_for
from oqu.tests import factories as f

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
API = "/api/v1/eservices"


@dataclass
class Svc:
    tree: Any
    college: Any
    club: Any
    parent: Any
    parent_user: Any
    child: Any
    student: Any
    student_user: Any
    director: Any
    teacher: Any
    district_head: Any
    college_head: Any
    b_director: Any
    other_parent_user: Any

    def actor(self, user: Any) -> Any:
        return actor_for(user)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name: str = "doc.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def svc(org_tree: Any, user_with_role: Any) -> Svc:
    tree = org_tree
    college = f.make_unit(tree.district_a1, "organization", "Алматы колледжі", "college")
    club = f.make_unit(tree.district_a1, "organization", "Балалар шығармашылық үйі", "additional")
    parent = f.make_person("Ахметова", "Сәуле", dt.date(1988, 2, 3), "F")
    child = f.make_person("Ахметов", "Ерлан", dt.date(2020, 5, 10), "M")
    f.guard(parent, child, "mother")
    student = f.make_person("Ахметова", "Дана", dt.date(2008, 4, 4), "F")
    f.guard(parent, student, "mother")
    f.enrol(student, college, level="college", grade=2)
    other_parent = f.make_person("Омаров", "Бақыт", dt.date(1980, 1, 1), "M")
    return Svc(
        tree=tree,
        college=college,
        club=club,
        parent=parent,
        parent_user=f.make_user("svc-parent", person=parent),
        child=child,
        student=student,
        student_user=f.make_user("svc-student", person=student),
        director=user_with_role("school_director", tree.school_a1),
        teacher=user_with_role("school_teacher", tree.school_a1),
        district_head=user_with_role("district_head", tree.district_a1),
        college_head=user_with_role("college_director", college),
        b_director=user_with_role("school_director", tree.school_b1),
        other_parent_user=f.make_user("svc-other-parent", person=other_parent),
    )


def submit(
    user: Any,
    service: str,
    organization: Any,
    subject: Any,
    data: dict[str, Any],
    files: dict[str, Any] | None = None,
) -> Any:
    import json

    body: dict[str, Any] = {
        "service": service,
        "organization_id": str(organization.pk),
        "subject_id": str(subject.pk),
        "data": json.dumps(data),
    }
    body.update(files or {})
    return client_for(user).post(f"{API}/applications", body)
