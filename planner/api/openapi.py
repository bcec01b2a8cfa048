"""The error answers every operation can give, written into the OpenAPI schema.

drf-spectacular documents the success answer of each view; a client (and the fuzzer in
tests/planner/api/test_fuzz.py) also needs to know that bad input is a 400 naming the field,
that a missing or wrong credential is a 401, a forbidden act a 403, someone else's object a
404, a body in a format it cannot read a 415, and repeated failed sign-ins a 429. The rules
are the API's own (planner/api/*), applied to every operation here once rather than repeated
on each view.
"""

from __future__ import annotations

from typing import Any

# Operations that slow down repeated wrong passwords (planner.accounts.signin_guard).
THROTTLED = {
    ("/api/v1/auth/login", "post"),
    ("/api/v1/auth/token", "post"),
    ("/api/v1/me", "delete"),
}
WRITES = {"post", "put", "patch", "delete"}

FIELD_ERRORS = {
    "type": "object",
    "description": "Each field that broke a rule, with the rules it broke in words; rules "
    "that concern no single field are under `non_field_errors` or `detail`.",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}
DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


def error(description: str, name: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
    }


def answers(path: str, method: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The error answers of one operation, by status code."""
    parameters = operation.get("parameters", [])
    found: dict[str, dict[str, Any]] = {
        # Any caller who sends a wrong token is refused, whatever the operation.
        "401": error("Not signed in, or the credentials are wrong.", "ErrorDetail"),
    }
    anonymous_allowed = {} in operation.get("security", [{}])
    if method in WRITES or not anonymous_allowed:
        # A role the operation needs, or the CSRF token of a session-signed-in write.
        found["403"] = error("Signed in, but not allowed to do this.", "ErrorDetail")
    if method in WRITES or any(p.get("in") == "query" for p in parameters):
        found["400"] = error("The input broke a rule; each field is named.", "FieldErrors")
    if "requestBody" in operation:
        found["415"] = error("The body is not JSON, the only format the API reads.", "ErrorDetail")
    if any(p.get("in") == "path" for p in parameters):
        found["404"] = error("No such object, or not yours to see.", "ErrorDetail")
    if (path, method) in THROTTLED:
        found["429"] = error("Too many failed attempts: see Retry-After.", "ErrorDetail")
    return found


def add_error_answers(result: dict[str, Any], **_: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["FieldErrors"] = FIELD_ERRORS
    schemas["ErrorDetail"] = DETAIL
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, answer in answers(path, method, operation).items():
                operation["responses"].setdefault(code, answer)
    return result
