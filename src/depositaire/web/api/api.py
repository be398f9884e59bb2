"""The NinjaAPI instance: routers, throttling, French problem answers, the OpenAPI 3.1 document."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from depositaire.messages import lazy_t, t
from depositaire.web.api import problems
from depositaire.web.api.openapi import complete
from depositaire.web.api.schemas import Problem

logger = logging.getLogger("depositaire.api")


class DepositaireAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in problem.pop("$defs", {}).items():
            schema["components"].setdefault("schemas", {})[name] = definition
        return complete(schema, problem)


class Documentation(Swagger):
    """django-ninja's Swagger UI page, with this project's template (``api/swagger.html``):
    the page's language (``<html lang>``, the project's ``page_language``), its title and a
    notice from the catalogue. The labels of Swagger UI itself (« Authorize », « Try it
    out »…) are in its script, which has no translations: they stay in English, as the
    notice says."""

    template = "api/swagger.html"


class TokenRateThrottle(AuthRateThrottle):
    """Per token (its hash, unique for ever), or per address without a valid token."""

    def get_cache_key(self, request: HttpRequest) -> str:
        token = getattr(request, "auth", None)
        ident = token.key_hash if token is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


#: Per address for calls without a valid token, per token otherwise (django-ninja, in the cache).
THROTTLES = [
    AnonRateThrottle(settings.DEPOSITAIRE_API_ANON_RATE),
    TokenRateThrottle(settings.DEPOSITAIRE_API_RATE),
]

api = DepositaireAPI(
    title=lazy_t("api.title"),
    version="1",
    description=lazy_t("api.description"),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs=Documentation(settings={"persistAuthorization": False}),
    docs_url="/docs",
    throttle=THROTTLES,
)


@api.exception_handler(problems.ApiProblem)
def _problem(request: HttpRequest, exc: problems.ApiProblem) -> HttpResponse:
    return problems.from_problem(request, exc)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return problems.from_validation(request, list(exc.errors))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problems.response(request, "unauthenticated", t("api.errors.unauthenticated"))


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return problems.response(request, "throttled", t("api.errors.throttled"))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        return problems.response(request, "malformed_json", t("api.errors.malformed_json"))
    code = {401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    name = code.get(exc.status_code, "bad_request" if exc.status_code < 500 else "server_error")
    return problems.response(request, name, t(f"api.errors.http.{name}"), status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problems.response(request, "not_found", t("api.errors.not_found"))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problems.response(request, "forbidden", t("api.errors.role"))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, RequestDataTooBig):
        return problems.response(request, "bad_request", t("api.errors.too_big"), status=413)
    logger.exception("API error on %s", request.path)
    return problems.response(request, "server_error", t("api.errors.server"))


from depositaire.web.api.consultations import router as consultations_router  # noqa: E402
from depositaire.web.api.decisions import router as decisions_router  # noqa: E402
from depositaire.web.api.register import router as register_router  # noqa: E402

api.add_router("", decisions_router)
api.add_router("", consultations_router)
api.add_router("", register_router)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any other address under ``/api/``: a problem, not the HTML 404 page."""
    return problems.response(request, "not_found", t("api.errors.no_such_path"))


not_found.guard_roles = None  # type: ignore[attr-defined]
