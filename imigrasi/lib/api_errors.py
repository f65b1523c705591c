"""The API's error shapes, and the rule that documents them on every operation.

Every error answer is one of two shapes (imigrasi/api.py's handlers produce them):
``ErrorOut`` {"detail", "code"} and, for bad input, ``ValidationOut`` {"detail", "errors":
[{"field", "code", "message"}]}. Which errors an operation can give follows from how it is
declared — authentication means 401 and 403 (a staff session without its second factor), a
path parameter means 404, any input means 422, a body means 400 (unreadable) — so the rule is
applied once to the generated OpenAPI document instead of being repeated (and forgotten) on
each of the operations. Mobile clients and the fuzzing test rely on the result.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic.json_schema import models_json_schema

_REF = "#/components/schemas/{model}"


class ErrorOut(Schema):
    detail: str
    code: str = ""


class FieldError(Schema):
    field: str
    code: str
    message: str


class ValidationOut(Schema):
    detail: str
    errors: list[FieldError]


def _component_schemas() -> dict[str, Any]:
    _, top = models_json_schema(
        [(ErrorOut, "serialization"), (ValidationOut, "serialization")], ref_template=_REF
    )
    return dict(top.get("$defs", {}))


def _answer(description: str, model: type[Schema]) -> dict[str, Any]:
    ref = _REF.format(model=model.__name__)
    return {"description": description, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _possible_errors(
    operation: dict[str, Any], optional_auth: frozenset[str]
) -> dict[int, tuple[str, type[Schema]]]:
    errors: dict[int, tuple[str, type[Schema]]] = {}
    parameters = operation.get("parameters", [])
    body = operation.get("requestBody")
    if operation.get("security") or operation.get("operationId") in optional_auth:
        errors[401] = ("Not signed in, or the bearer token is invalid or expired", ErrorOut)
    if operation.get("security"):
        errors[403] = ("Signed in, but not allowed (staff need a second factor)", ErrorOut)
    if any(parameter.get("in") == "path" for parameter in parameters):
        errors[404] = ("Not found, or not yours (the two look the same)", ErrorOut)
    if parameters or body:
        errors[422] = ("Missing or invalid input; each error names its field", ValidationOut)
    if body:
        errors[400] = ("The body could not be read (not JSON, or a broken upload)", ValidationOut)
    return errors


def complete_error_responses(
    schema: dict[str, Any], *, optional_auth: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Add the error answers each operation can give but did not declare. ``optional_auth``
    names operations (operationId) that serve anonymous callers but refuse a bad token."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name, definition in _component_schemas().items():
        components.setdefault(name, definition)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, (description, model) in _possible_errors(operation, optional_auth).items():
                if code not in {int(c) for c in responses if str(c).isdigit()}:
                    responses[code] = _answer(description, model)
    return schema
