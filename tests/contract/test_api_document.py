"""The public API document (scripts/api_document.py): current, and what a client generator
needs: an id people would write, a tag and the security of every operation, one Problem
component behind every error answer, a valid example of every request body."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import api_document
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import ticketing_client
from ticketing.web.reference import DOCUMENT

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
SESSION: list[dict[str, list[str]]] = [
    {"bearerToken": []},
    {"sessionToken": []},
    {"sessionCookie": []},
]
CAMEL_CASE = re.compile(r"^[a-z]+([A-Z][a-z0-9]*)*$")
METHODS = {"get", "put", "post", "delete", "patch"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    built = api_document.build()
    assert (
        api_document.render(built) == DOCUMENT.read_text()
    ), f"{DOCUMENT} is stale: run ./pants run scripts:api_document"
    return built


def operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert method in METHODS, (path, method)
            yield f"{method.upper()} {path}", operation


def test_the_document_is_one_openapi_3_1_document_of_every_api_service(
    document: dict[str, Any],
) -> None:
    assert document["openapi"] == "3.1.0"
    prefixes = {path.split("/")[2] for path in document["paths"]}
    assert prefixes == {"users", "tickets", "orders", "payments", "moderations"}
    assert not [path for path in document["paths"] if "schema" in path or "healthz" in path]


def test_every_operation_has_an_id_people_would_write_and_a_tag(document: dict[str, Any]) -> None:
    ids = {label: op.get("operationId", "") for label, op in operations(document)}
    assert [label for label, id_ in ids.items() if not CAMEL_CASE.match(id_)] == []
    assert len(set(ids.values())) == len(ids)
    assert ids["GET /api/tickets"] == "listTickets"
    assert ids["POST /api/orders"] == "placeOrder"
    assert ids["POST /api/payments"] == "pay"
    assert ids["POST /api/users/signup"] == "signUp"
    declared = {tag["name"] for tag in document["tags"]}
    for label, operation in operations(document):
        assert operation.get("tags"), label
        assert set(operation["tags"]) <= declared, label


def test_every_error_answer_is_the_one_problem_component(document: dict[str, Any]) -> None:
    assert "Problem" in document["components"]["schemas"]
    for label, operation in operations(document):
        errors = {s: r for s, r in operation["responses"].items() if int(s) >= 400}
        assert {"400", "503"} <= set(errors), label
        for status, response in errors.items():
            assert response.get("content") == PROBLEM, f"{label} {status}"


def test_operations_that_need_a_session_declare_it_and_its_refusals(
    document: dict[str, Any],
) -> None:
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerToken"]["description"],
    }
    assert schemes["sessionCookie"]["in"] == "cookie"
    assert schemes["sessionCookie"]["name"] == "session_token"
    guarded = {label for label, op in operations(document) if op.get("security") == SESSION}
    for label, operation in operations(document):
        # A stranger is refused (401) exactly where the session is required.
        assert ("401" in operation["responses"]) == (label in guarded) or label.endswith(
            "/signin"  # a wrong password is 401 too, for anyone
        ), label
    assert "GET /api/orders/{order_id}" in guarded
    assert "POST /api/tickets" in guarded
    assert "GET /api/tickets" not in guarded  # the list is public
    for label in ("GET /api/moderations", "POST /api/tickets/admissions"):  # groups only
        assert label in guarded
        assert "403" in dict(operations(document))[label]["responses"]
    optional = dict(operations(document))["GET /api/users/currentuser"]["security"]
    assert optional == [{}, *SESSION]


def test_every_request_body_has_an_example_its_schema_accepts(document: dict[str, Any]) -> None:
    registry: Registry[Any] = Registry().with_resource(
        "urn:api", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    bodies = 0
    for label, operation in operations(document):
        for media in operation.get("requestBody", {}).get("content", {}).values():
            assert "example" in media, label
            ref = "urn:api" + media["schema"]["$ref"]
            Draft202012Validator({"$ref": ref}, registry=registry).validate(media["example"])
            bodies += 1
    assert bodies >= 14


def test_every_reference_resolves(document: dict[str, Any]) -> None:
    text = json.dumps(document)
    for name in set(re.findall(r'"#/components/schemas/([^"]+)"', text)):
        assert name in document["components"]["schemas"], name


def test_the_posts_that_create_things_take_an_idempotency_key(document: dict[str, Any]) -> None:
    keyed = {
        label
        for label, operation in operations(document)
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    assert keyed >= {"POST /api/tickets", "POST /api/orders", "POST /api/payments"}
    for label in keyed:
        operation = dict(operations(document))[label]
        assert {"409", "422"} <= set(operation["responses"]), label


def test_the_python_client_is_generated_from_the_current_document(tmp_path: Path) -> None:
    committed = Path(ticketing_client.__file__).parent
    fresh = tmp_path / committed.name
    api_document.generate_client(DOCUMENT, fresh)
    assert (
        api_document.differences(committed, fresh) == []
    ), "clients/python is stale: run ./pants run scripts:api_document"


def test_single_resource_reads_are_conditional(document: dict[str, Any]) -> None:
    reads = {"getTicket", "getOrder", "getPayment", "getModerationCase"}
    for _, operation in operations(document):
        if operation["operationId"] in reads:
            reads.remove(operation["operationId"])
            assert "304" in operation["responses"]
            names = [p["name"] for p in operation.get("parameters", [])]
            assert "If-None-Match" in names
    assert reads == set()
