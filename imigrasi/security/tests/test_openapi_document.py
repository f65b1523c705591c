"""The OpenAPI document names every error an operation can give (clients and fuzzing rely on it)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def operations(client):
    document = client.get("/api/v1/openapi.json").json()
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_signed_in_operations_document_401_and_403(operations):
    for name, operation in operations:
        if operation.get("security"):
            assert {"401", "403"} <= set(operation["responses"]), name


def test_operations_with_a_path_parameter_document_404(operations):
    for name, operation in operations:
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in operation["responses"], name


def test_operations_with_input_document_422_with_the_field_errors(operations):
    for name, operation in operations:
        if operation.get("parameters") or operation.get("requestBody"):
            answer = operation["responses"]["422"]
            schema = answer["content"]["application/json"]["schema"]
            assert schema["$ref"].endswith("/ValidationOut"), name


def test_the_assistant_documents_401_for_a_bad_token_though_it_serves_everyone(operations):
    ask = dict(operations)["POST /api/v1/assistant/ask"]
    assert "401" in ask["responses"] and not ask.get("security")
