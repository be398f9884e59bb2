"""Structured logs: one JSON object per line, each tagged with the request's id; no personal data.

:class:`RequestLogMiddleware` gives every request an id (the proxy's ``X-Request-ID``
when it is a plain token, else a fresh one), returns it in the response header, and
writes one line per request on the ``depositaire.request`` logger: method, the URL
*pattern* (``personnes/<int:person_id>/``, never the path itself, its ids or its query
string, which may hold a searched name), view name, status, duration, and the user's
numeric id. No name, no form field, no address, no content: what happened to whom is
the journal's business, under its own access rules.

:class:`JsonFormatter` writes every record (Django's, gunicorn's, ours) as JSON with
``request_id`` when one is current.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_TOKEN = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_logger = logging.getLogger("depositaire.request")

#: Record attributes that are standard, not extra fields.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """A record as one line of JSON: time, level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id_var.get()
        if rid:
            body["request_id"] = rid
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in body and not key.startswith("_"):
                body[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            # The exception's type and where it happened; its message may quote input.
            exc_type = record.exc_info[0]
            body["exception"] = exc_type.__name__ if exc_type else ""
            tb = record.exc_info[2]
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                body["where"] = f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}"
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


class RequestLogMiddleware:
    """Request id in, one JSON-ready log line out (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _TOKEN.match(incoming) else secrets.token_hex(8)
        token = request_id_var.set(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = rid
            return response
        finally:
            match = getattr(request, "resolver_match", None)
            user = getattr(request, "user", None)
            request_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "route": match.route if match else "",
                    "view": match.view_name if match else "",
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            request_id_var.reset(token)
