"""The OpenAPI document is complete enough to generate a client: a walk over every operation."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

SIGNED_IN_ERRORS = {"401", "403", "404", "409", "412", "422", "429"}
PUBLIC_ERRORS = {"429"}
ERROR_REF = "#/components/schemas/ErrorResponse"


@pytest.fixture
def schema(db: None) -> dict[str, Any]:
    """The document as clients read it, from /api/v1/openapi.json."""
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _has_example(schema: dict[str, Any], node: dict[str, Any], depth: int = 0) -> bool:
    node = _resolve(schema, node)
    if "examples" in node or "example" in node or depth > 4:
        return "examples" in node or "example" in node
    children = list(node.get("properties", {}).values())
    children += [node["items"]] if "items" in node else []
    children += node.get("anyOf", []) + node.get("allOf", []) + node.get("oneOf", [])
    return any(_has_example(schema, child, depth + 1) for child in children)


def _operations(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def test_it_is_openapi_3_1_with_both_auth_schemes(schema: dict[str, Any]) -> None:
    assert schema["openapi"].startswith("3.1")
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["scheme"] == "bearer"
    assert schemes["SessionAuth"]["in"] == "cookie"
    assert all(details.get("description") for details in schemes.values())
    assert _has_example(schema, {"$ref": ERROR_REF})


def test_every_operation_is_documented_completely(schema: dict[str, Any]) -> None:
    problems: list[str] = []
    for name, operation in _operations(schema):
        if not operation.get("summary"):
            problems.append(f"{name}: no summary")
        if not operation.get("tags"):
            problems.append(f"{name}: no tags")
        if not operation.get("operationId"):
            problems.append(f"{name}: no operationId")
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        if not success:
            problems.append(f"{name}: no success response")
        for code in success:
            content = responses[code].get("content", {})
            if not content:
                problems.append(f"{name}: {code} has no schema")
            for media, body in content.items():
                if media == "application/json" and not _has_example(schema, body["schema"]):
                    problems.append(f"{name}: {code} response schema has no example")
        signed_in = bool(operation.get("security"))
        if signed_in:
            used = {scheme for requirement in operation["security"] for scheme in requirement}
            if used != {"TokenAuth", "SessionAuth"}:
                problems.append(f"{name}: auth schemes {used}")
        for code in SIGNED_IN_ERRORS if signed_in else PUBLIC_ERRORS:
            ref = responses.get(code, {}).get("content", {}).get("application/json", {}).get("schema", {})
            if ref.get("$ref") != ERROR_REF:
                problems.append(f"{name}: no error schema for {code}")
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        if name.startswith("PATCH") and "If-Match" not in headers:
            problems.append(f"{name}: an update without the If-Match header")
        if signed_in and "201" in responses and "Idempotency-Key" not in headers:
            problems.append(f"{name}: a creating POST without the Idempotency-Key header")
        body = operation.get("requestBody", {}).get("content", {})
        for media, content in body.items():
            if not _has_example(schema, content["schema"]):
                problems.append(f"{name}: {media} request body has no example")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_interactive_docs_load_only_local_assets() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
