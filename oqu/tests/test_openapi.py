"""The OpenAPI document of /api/v1/ is valid and honest (G-5.2, G-5.4): every operation names the
errors it can answer in the one error format, every list is paginated, schemas follow the naming."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from openapi_spec_validator import validate

API = "/api/v1"
ERROR_REF = "#/components/schemas/ErrorOut"

# The surface the platform promises (the list); more may exist, none of these may go.
PROMISED = {
    ("get", "/regions"),
    ("get", "/regions/{region_id}"),
    ("get", "/districts"),
    ("post", "/districts"),
    ("get", "/districts/{district_id}"),
    ("patch", "/districts/{district_id}"),
    ("get", "/units/{unit_id}/children"),
    ("get", "/organizations"),
    ("post", "/organizations"),
    ("get", "/organizations/{organization_id}"),
    ("patch", "/organizations/{organization_id}"),
    ("post", "/organizations/{organization_id}/move"),
    ("post", "/organizations/{organization_id}/close"),
    ("post", "/organizations/{organization_id}/reopen"),
    ("get", "/organizations/{organization_id}/attributes"),
    ("put", "/organizations/{organization_id}/attributes/{code}"),
    ("get", "/organizations/{organization_id}/history"),
    ("get", "/organizations/{organization_id}/card"),
    ("get", "/organization-types"),
    ("get", "/attribute-definitions"),
    ("post", "/attribute-definitions"),
    ("get", "/people"),
    ("post", "/people"),
    ("get", "/people/{person_id}"),
    ("patch", "/people/{person_id}"),
    ("get", "/people/{person_id}/history"),
    ("get", "/enrolments"),
    ("post", "/enrolments"),
    ("get", "/enrolments/{enrolment_id}"),
    ("post", "/enrolments/{enrolment_id}/end"),
    ("get", "/employments"),
    ("post", "/employments"),
    ("get", "/employments/{employment_id}"),
    ("post", "/employments/{employment_id}/end"),
    ("get", "/guardianships"),
    ("post", "/guardianships"),
    ("post", "/guardianships/{guardianship_id}/end"),
    ("get", "/roles"),
    ("post", "/roles"),
    ("get", "/roles/{role_id}"),
    ("patch", "/roles/{role_id}"),
    ("get", "/capabilities"),
    ("get", "/grants"),
    ("post", "/grants"),
    ("get", "/grants/{grant_id}"),
    ("post", "/grants/{grant_id}/revoke"),
    ("get", "/grants/{grant_id}/history"),
}


# Operations open to anonymous clients on purpose: parents' self-registration (G-5.7), rate limited.
ANONYMOUS = {
    ("post", "/registration/start"),
    ("post", "/registration/resend"),
    ("post", "/registration/verify"),
    ("post", "/registration/complete"),
}


@pytest.fixture
def document(db: Any, client: Any) -> dict[str, Any]:
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path.removeprefix(API), operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def _response_ref(operation: dict[str, Any], status: str) -> str | None:
    response = operation["responses"].get(status)
    if response is None:
        return None
    # file downloads (XLSX) document their own media type and no JSON schema
    return response["content"].get("application/json", {}).get("schema", {}).get("$ref")


@pytest.mark.smoke
def test_g5_2_openapi_document_is_valid(document):
    # raises OpenAPIValidationError with the offending place when the document is not valid
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Oqu API"


def test_g5_2_openapi_lists_the_promised_endpoints(document):
    present = {(method, path) for method, path, _ in _operations(document)}
    assert sorted(PROMISED - present) == []


def test_g5_4_every_operation_documents_its_errors_in_the_error_format(document):
    undocumented = []
    for method, path, operation in _operations(document):
        needed = ["404", "422"] if (method, path) in ANONYMOUS else ["401", "404", "422"]
        if method != "get":
            needed += ["400", "403", "409"]
        undocumented += [
            (method, path, status)
            for status in needed
            if _response_ref(operation, status) != ERROR_REF
        ]
    assert undocumented == []
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"code", "message", "fields"}


def test_g5_2_every_list_is_paginated_with_cursor_and_limit(document):
    lists = [
        (method, path, operation)
        for method, path, operation in _operations(document)
        if (_response_ref(operation, "200") or "").endswith("Page")
    ]
    assert len(lists) >= 14
    for _, path, operation in lists:
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert {"cursor", "limit"} <= names, path
        page = document["components"]["schemas"][_response_ref(operation, "200").rsplit("/", 1)[1]]
        assert set(page["properties"]) == {"items", "next_cursor"}, path


def test_g5_2_operations_require_session_or_bearer_token(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerAuth"]["type"] == "oauth2"
    assert schemes["BearerAuth"]["flows"]["password"]["tokenUrl"] == "/o/token/"
    assert schemes["SessionAuth"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "sessionid",
        "description": schemes["SessionAuth"]["description"],
    }
    for method, path, operation in _operations(document):
        if (method, path) in ANONYMOUS:
            assert "security" not in operation, (method, path)
            continue
        assert operation["security"] == [{"BearerAuth": []}, {"SessionAuth": []}], (method, path)


def test_g5_2_schemas_follow_the_naming(document):
    suffixes = ("In", "Out", "Patch", "Page", "Filter", "Query", "Choice", "Brief")
    assert (
        sorted(name for name in document["components"]["schemas"] if not name.endswith(suffixes))
        == []
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_g5_4_unknown_path_and_wrong_method_answer_in_the_error_format(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    missing = client.get("/api/v1/no-such-thing")
    wrong_method = client.delete("/api/v1/regions")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")
    assert "GET" in wrong_method["Allow"]
    with translation.override(language):
        assert wrong_method.json()["message"] == gettext("This method is not allowed here.")
