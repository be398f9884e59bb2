"""The OpenAPI document, completed: problem responses, PDF responses, the API's own words."""

from __future__ import annotations

from typing import Any

#: Error statuses an operation may answer, each as ``application/problem+json``.
COMMON_ERRORS = (400, 401, 403, 404, 413, 415, 422, 429)
PUBLIC_ERRORS = (400, 404, 422, 429)
#: Operations that answer 409 when the resource's state forbids them (closed request,
#: interview at its first question).
CONFLICTS = {"consultation_back", "requests_examination_answer", "requests_close"}


def problem_ref() -> dict[str, Any]:
    return {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def complete(schema: dict[str, Any], problem_schema: dict[str, Any]) -> dict[str, Any]:
    """Every error answer is a problem; ``x-pdf`` operations answer a PDF."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = problem_schema
    for methods in schema.get("paths", {}).values():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            # ninja's keys are ints, ours strings: one key per status, as JSON needs.
            responses = {str(k): v for k, v in operation["responses"].items()}
            operation["responses"] = responses
            statuses = COMMON_ERRORS if operation.get("security") else PUBLIC_ERRORS
            if operation.get("operationId") in CONFLICTS:
                statuses = (*statuses, 409)
            for status in statuses:
                responses.setdefault(str(status), {"description": str(status)})
            for status, answer in responses.items():
                if str(status).startswith(("4", "5")):
                    answer["content"] = problem_ref()
            if operation.pop("x-pdf", False):
                responses["200"] = {
                    "description": "PDF",
                    "content": {
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
                    },
                }
    return schema
