"""RFC 9457 problem details (``application/problem+json``), in French, for every API error.

Each problem names what went wrong (``detail``, one French sentence like the command
line's), the field concerned and, where a list of values is accepted, that list
(``errors``: one entry per refused field). No traceback ever leaves: an unexpected
error is logged and answered with a plain 500 problem. Every error response also
rolls the request's transaction back (``ATOMIC_REQUESTS``), so nothing is stored
half-written.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from depositaire.messages import t

logger = logging.getLogger("depositaire.api")

CONTENT_TYPE = "application/problem+json"

#: Problem codes and their HTTP status (titles: ``api.problems.<code>.title``).
STATUS = {
    "bad_request": 400,
    "malformed_json": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "scope": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "unsupported_media_type": 415,
    "invalid": 422,
    "throttled": 429,
    "server_error": 500,
}


class ApiProblem(Exception):
    """Raised by an endpoint: answered as a problem (``code`` from :data:`STATUS`)."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        status: int | None = None,
        journaled: bool = False,
    ) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.errors = errors or []
        #: A refusal raised before anything was written, whose ``access_denied`` entry must
        #: stay: the request's transaction is then committed, not rolled back.
        self.journaled = journaled
        self.status = status or STATUS[code]


def field_error(field: str, detail: str, accepted: list[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"field": field, "detail": detail}
    if accepted is not None:
        out["accepted"] = accepted
    return out


def body(
    code: str,
    detail: str,
    *,
    status: int | None = None,
    errors: list[dict[str, Any]] | None = None,
    instance: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": f"urn:depositaire:probleme:{code}",
        "title": t(f"api.problems.{code}"),
        "status": status or STATUS[code],
        "detail": detail,
    }
    if instance:
        out["instance"] = instance
    if errors:
        out["errors"] = errors
    return out


def response(
    request: HttpRequest | None,
    code: str,
    detail: str,
    *,
    status: int | None = None,
    errors: list[dict[str, Any]] | None = None,
    keep: bool = False,
) -> HttpResponse:
    status = status or STATUS[code]
    if status >= 400 and not keep and transaction.get_autocommit() is False:
        transaction.set_rollback(True)
    payload = body(
        code,
        detail,
        status=status,
        errors=errors,
        instance=request.path if request is not None else None,
    )
    out = HttpResponse(
        json.dumps(payload, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    out["Cache-Control"] = "no-store"
    if status == 401:
        out["WWW-Authenticate"] = 'Bearer realm="depositaire"'
    return out


def from_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return response(
        request, exc.code, exc.detail, status=exc.status, errors=exc.errors, keep=exc.journaled
    )


# -- pydantic / ninja validation errors, in French -----------------------------------

_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def _field(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _LOCATIONS:
        where = parts.pop(0)
        if where in {"body", "form", "file"} and parts and parts[0] == "payload":
            parts.pop(0)
    return ".".join(parts) or "corps"


def _accepted(ctx: dict[str, Any]) -> list[str] | None:
    expected = ctx.get("expected")
    if not isinstance(expected, str):
        return None
    words = expected.replace(" or ", ", ").split(", ")
    return [w.strip().strip("'\"") for w in words if w.strip()]


def translate(error: dict[str, Any]) -> dict[str, Any]:
    """One pydantic error as a French field error (the field, the problem, accepted values)."""
    field = _field(error.get("loc") or ())
    kind = str(error.get("type", ""))
    ctx = dict(error.get("ctx") or {})
    value = error.get("input")
    shown = value if isinstance(value, str | int | float | bool) else json.dumps(value)[:60]
    if kind in {"literal_error", "enum"}:
        accepted = _accepted(ctx) or []
        detail = t("error.unknown_value", path=field, value=shown, accepted=", ".join(accepted))
        return field_error(field, detail, accepted)
    if kind == "missing":
        return field_error(field, t("api.errors.missing", field=field))
    if kind == "extra_forbidden":
        return field_error(field, t("api.errors.extra", field=field))
    if kind in {"bool_type", "bool_parsing"}:
        return field_error(field, t("error.not_boolean", path=field, value=shown))
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return field_error(field, t("api.errors.integer", field=field, value=shown))
    if kind in {"string_type", "string_unicode"}:
        return field_error(field, t("api.errors.text", field=field))
    if kind in {"list_type", "tuple_type", "set_type"}:
        return field_error(field, t("error.not_list", path=field, value=shown))
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return field_error(field, t("error.group_not_mapping", path=field))
    if kind in {"string_too_long", "too_long"}:
        limit = ctx.get("max_length", "?")
        return field_error(field, t("api.errors.too_long", field=field, limit=limit))
    if kind in {"string_too_short", "too_short"}:
        limit = ctx.get("min_length", "?")
        return field_error(field, t("api.errors.too_short", field=field, limit=limit))
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        return field_error(field, t("api.errors.out_of_range", field=field, value=shown))
    if kind in {"date_parsing", "date_type", "date_from_datetime_parsing"}:
        return field_error(field, t("error.bad_date", path=field, value=shown))
    if kind in {"uuid_parsing", "uuid_type"}:
        return field_error(field, t("api.errors.uuid", field=field, value=shown))
    if kind == "json_invalid":
        return field_error(field, t("api.errors.malformed_json"))
    if kind == "value_error":
        message = str(ctx.get("error", "")) or str(error.get("msg", ""))
        return field_error(field, message)
    return field_error(field, t("api.errors.refused", field=field))


def from_validation(request: HttpRequest, errors: list[dict[str, Any]]) -> HttpResponse:
    items = [translate(e) for e in errors] or [field_error("corps", t("api.errors.malformed_json"))]
    if any(e.get("type") == "json_invalid" for e in errors):
        return response(request, "malformed_json", items[0]["detail"], errors=items)
    return response(request, "invalid", items[0]["detail"], errors=items)
