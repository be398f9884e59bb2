"""Shared view helpers: the one access guard every view uses, the journal, PDF responses.

Access is never a matter of hiding links. Every view is wrapped in :func:`guard`,
which, in this order:

1. requires a logged-in user (otherwise: redirect to the login page);
2. requires one of the view's roles and an organisation (otherwise: 403);
3. loads every object named in the URL through its model's ``visible_to(user)``
   queryset, which always filters on the user's organisation first and then on
   the user's part of the circuit (team, recipient kind, authorship) — an object
   outside it is answered with 404, the same answer as an object that does not exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache

from depositaire.messages import t
from depositaire.web.db.prepared import NotPreparable, Prepared

View = Callable[..., HttpResponse]


Loader = (
    type[models.Model]
    | tuple[type[models.Model], str]
    | tuple[type[models.Model], str, tuple[str, ...]]
)


def guard(
    *roles: str, load: Mapping[str, Loader] | None = None, verified: bool = True
) -> Callable[[View], View]:
    """Login and second factor, then role (403), then organisation and scope of each URL object (404).

    ``verified=False`` only for the pages of the second step itself (and logout): every
    other view needs a session that passed the one-time code.

    ``guard()`` without roles only requires a logged-in user (home page, logout).

    ``load`` maps a URL keyword (``person_id``) to a model whose default manager has
    ``visible_to(user)``; the view receives the object under the keyword without
    ``_id`` (``person``). A ``(model, "method")`` pair uses another scope method of
    the manager (for example ``managed_by``); a third element names relations the page
    shows, joined in the same query (``select_related``: the same object, or the same
    404, with fewer queries after).
    """
    allowed = frozenset(roles)
    loaders = dict(load or {})

    def decorate(view: View) -> View:
        @wraps(view)
        @never_cache
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if verified and not _is_verified(user):
                from django.shortcuts import redirect
                from django.urls import reverse

                return redirect(f"{reverse('accounts:mfa')}?next={request.path}")
            if allowed and (
                getattr(user, "organisation_id", None) is None or user.role not in allowed  # type: ignore[union-attr]
            ):
                if not loaders:
                    raise PermissionDenied
                # A refusal on a person's data is journaled (returned, not raised: a raised
                # error would roll the entry back with the request's transaction).
                model, _, _ = _loader(next(iter(loaders.values())))
                keyword = next(iter(loaders))
                return _refused(request, 403, model, kwargs.get(keyword))
            for keyword, loader in loaders.items():
                model, method, related = _loader(loader)
                pk = kwargs.pop(keyword)
                obj = _load(user, model, method, related, pk)
                if obj is None:
                    return _refused(request, 404, model, pk)
                kwargs[keyword.removesuffix("_id")] = obj
            return view(request, *args, **kwargs)

        wrapper.guard_roles = allowed  # type: ignore[attr-defined]
        # The objects the URL names (their journal target labels are checked by a test).
        wrapper.guard_load = loaders  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _scoped(
    user: Any, model: type[models.Model], method: str, related: tuple[str, ...], pk: Any
) -> Any:
    """``model``'s objects in ``user``'s scope, with ``related`` joined, that one as
    ``.first()`` reads it."""
    manager: Any = model._default_manager
    scope = getattr(manager, method)(user)
    if related:
        scope = scope.select_related(*related)
    found = scope.filter(pk=pk)
    return (found if found.ordered else found.order_by("pk"))[:1]


#: The stand-ins of a scope compiled once: the user's organisation and id, the clock.
_USER_STAND_INS = (-1_000_003, -1_000_033, dt.datetime(1901, 1, 1, tzinfo=dt.UTC))


class Scoped:
    """A query built on a user's scope (``visible_to``, ``managed_by``), compiled once per
    role and connection, then re-bound to each user and each request's time.

    A scope is a function of the user's role, organisation and id, and of the clock
    (``cases.models.scope_now``): ``build(user, *values)`` is called once for a stand-in
    user of that role, with stand-in values (``db.prepared``: the same SQL, checked by a
    second build). A query of another shape, or values of other types, are built by
    Django each time, for the real user."""

    def __init__(
        self, build: Callable[..., Any], *stand_ins: int | str, may_omit: tuple[int, ...] = ()
    ) -> None:
        self.build = build
        self.stand_ins = stand_ins
        self.may_omit = (0, 1, 2, *(3 + n for n in may_omit))
        self._by_role: dict[str, Prepared] = {}

    def _prepared(self, role: str) -> Prepared:
        prepared = self._by_role.get(role)
        if prepared is None:

            def compiled(organisation_id: int, user_id: int, now: dt.datetime, *values: Any) -> Any:
                from depositaire.web.accounts.models import User
                from depositaire.web.cases.models import SCOPE_CLOCK

                stand_in = User(pk=user_id, organisation_id=organisation_id, role=role)
                stand_in._state.adding = False
                token = SCOPE_CLOCK.set(now)
                try:
                    return self.build(stand_in, *values)
                finally:
                    SCOPE_CLOCK.reset(token)

            prepared = self._by_role.setdefault(
                role, Prepared(compiled, *_USER_STAND_INS, *self.stand_ins, may_omit=self.may_omit)
            )
        return prepared

    def fetch(self, user: Any, *values: Any) -> list[Any]:
        """The rows ``build(user, *values)`` gives, in its order."""
        organisation_id, role = getattr(user, "organisation_id", None), getattr(user, "role", None)
        if (
            type(organisation_id) is int
            and type(role) is str
            and type(user.pk) is int
            and len(values) == len(self.stand_ins)
            and all(type(v) is type(s) for v, s in zip(values, self.stand_ins, strict=True))
        ):
            from django.utils import timezone

            try:
                return self._prepared(role).fetch(organisation_id, user.pk, timezone.now(), *values)
            except NotPreparable:
                pass  # a scope of another shape: built by Django each time
        return list(self.build(user, *values))


_SCOPES: dict[tuple[Any, ...], Scoped] = {}


def _scope_query(model: type[models.Model], method: str, related: tuple[str, ...]) -> Scoped:
    """The guard's query for one model, scope and joined relations."""
    key = (model, method, related)
    scoped = _SCOPES.get(key)
    if scoped is None:
        scoped = _SCOPES.setdefault(
            key,
            Scoped(lambda user, pk: _scoped(user, model, method, related, pk), -1_000_333),
        )
    return scoped


def _load(
    user: Any, model: type[models.Model], method: str, related: tuple[str, ...], pk: Any
) -> Any:
    """The URL's object if it is in the user's scope, else ``None`` (one query)."""
    rows = _scope_query(model, method, related).fetch(user, pk)
    return rows[0] if rows else None


def _loader(loader: Loader) -> tuple[type[models.Model], str, tuple[str, ...]]:
    if not isinstance(loader, tuple):
        return loader, "visible_to", ()
    if len(loader) == 2:
        return loader[0], loader[1], ()
    return loader  # type: ignore[return-value]


#: Short target codes for the objects a URL names (labels: ``web.journal.targets.<code>``).
_TARGET_CODES = {
    "informationitem": "item",
    "incomingrequest": "request",
    "requestdocument": "document",
    "committeesession": "session",
    "apitoken": "api_token",
}


def _refused(request: HttpRequest, status: int, model: Any, pk: Any) -> HttpResponse:
    """Journal ``access_denied`` (actor, target, status), then answer 403 or 404 as usual."""
    journal_refusal(request, status, model, pk)
    return error_view(status)(request)


def journal_refusal(request: HttpRequest, status: int, model: Any, pk: Any) -> None:
    """Journal ``access_denied`` for a refused access to an object (pages and API alike).

    The target names the object asked for by its id only. The person it concerns is
    added when that person belongs to the actor's organisation (the DPO can then
    filter the journal on the file); another organisation's ids stay out of the entry.
    """
    user: Any = request.user
    code = _TARGET_CODES.get(model._meta.model_name, model._meta.model_name)
    details: dict[str, Any] = {"denied": "role" if status == 403 else "scope"}
    target = ""
    if isinstance(pk, int) and 0 < pk < 2**63:
        target = f"{code}:{pk}"
        person_id = _person_of(model, pk, getattr(user, "organisation_id", None))
        if person_id is not None:
            details["person_id"] = person_id
            if code != "person":
                target = f"person:{person_id}/{target}"
    journal(request, "access_denied", target=target, details=details)


def refuse(request: HttpRequest, obj: Any) -> HttpResponse:
    """A 403 on an object the user may see but not act on (journaled as ``access_denied``)."""
    return _refused(request, 403, type(obj), obj.pk)


def _person_of(model: Any, pk: int, organisation_id: Any) -> int | None:
    """The id of the person an object is about, if that person is of the organisation."""
    from depositaire.web.cases.models import Person

    if organisation_id is None:
        return None
    if model is Person:
        return (
            pk if Person.objects.filter(pk=pk, organisation_id=organisation_id).exists() else None
        )
    names = {f.name for f in model._meta.concrete_fields}
    if "person" not in names:
        return None
    person_id = model._base_manager.filter(pk=pk).values_list("person_id", flat=True).first()
    if person_id is None:
        return None
    same = Person.objects.filter(pk=person_id, organisation_id=organisation_id).exists()
    return int(person_id) if same else None


def paginate(request: HttpRequest, rows: Any, per_page: int = 50, param: str = "page") -> Any:
    """One page of ``rows`` (Django's paginator): ``?page=N``; a bad number gives the nearest
    page, never an error. Every list is paginated: nothing is cut silently."""
    from django.core.paginator import Paginator

    return Paginator(rows, per_page).get_page(request.GET.get(param))


def query_without_page(request: HttpRequest, param: str = "page") -> str:
    """The current filters as a query string, without the page number (for the pager's links)."""
    from depositaire.web.fields import plain_query, without_controls

    params = plain_query(request.GET).copy()
    params.pop(param, None)
    for key, values in params.lists():
        # A value refused by its form (a control character) is linked to without it.
        params.setlist(key, [without_controls(v) for v in values])
    return params.urlencode()


def _is_verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def public(view: View) -> View:
    """Mark a view that needs no login (the login page, and the health check ``/sante/``)."""
    view.guard_roles = None  # type: ignore[attr-defined]
    return view


def journal(
    request: HttpRequest | None,
    action: str,
    *,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    actor: Any = None,
    organisation: Any = None,
) -> None:
    """Record one action in the journal: ids, counts and hashes only, never text."""
    from depositaire.web.journal.service import record

    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if organisation is None and actor is not None:
        organisation = getattr(actor, "organisation_id", None)
    record(action, actor=actor, organisation=organisation, target=target, details=details or {})


def journal_read(
    request: HttpRequest,
    view: str,
    rows: Any,
    *,
    target: str = "",
    words: int | None = None,
    total: int | None = None,
) -> None:
    """One entry for a page that lists persons' data: which page, how many rows.

    A search is journaled by its number of words only: the terms never reach the journal.
    ``rows`` is a list or a queryset (evaluated here, and cached for the template).
    """
    count = len(rows)
    details: dict[str, Any] = {"view": view, "count": count}
    if words is not None:
        details["search_words_count"] = words
    if total is not None:  # a paginated list: the rows shown, and how many match
        details["total_count"] = total
    journal(request, "list_viewed", target=target, details=details)


def client_address(request: HttpRequest) -> str | None:
    """The peer address (the proxy's header is not trusted here)."""
    return request.META.get("REMOTE_ADDR") or None


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def attachment_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download, never kept in a cache (nosniff is set for every response by settings)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    return attachment_response(pdf, filename, "application/pdf")


#: Per thread: WeasyPrint's font configuration and the parsed print stylesheet, made once
#: (a Pango font map is not to be shared between threads, and a laid-out page holds Pango
#: objects of its thread's font map).
_pdf_tools = threading.local()


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError("external resources are not fetched")


def _stylesheet() -> tuple[Any, Any]:
    tools = getattr(_pdf_tools, "tools", None)
    if tools is None:
        from pathlib import Path

        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        css = Path(__file__).resolve().parent / "static" / "depositaire" / "print.css"
        fonts = FontConfiguration()
        tools = _pdf_tools.tools = (fonts, weasyprint.CSS(filename=str(css), font_config=fonts))
    return tools


def layout_pdf(html: str) -> Any:
    """A WeasyPrint document laid out from complete HTML with the print stylesheet."""
    import weasyprint

    fonts, css = _stylesheet()
    return weasyprint.HTML(string=html, url_fetcher=_no_fetch).render(
        stylesheets=[css], font_config=fonts
    )


def render_pdf(html: str) -> bytes:
    """A PDF from a complete HTML document, styled by the print stylesheet (no network)."""
    return bytes(layout_pdf(html).write_pdf())


def error_view(status: int) -> View:
    def view(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
        return render(
            request,
            "error.html",
            {
                "title": t(f"web.errors.{status}.title"),
                "message": t(f"web.errors.{status}.message"),
            },
            status=status,
        )

    return view


class MethodNotAllowedPageMiddleware:
    """A 405 of a page (``require_POST`` answers GET /deconnexion/ with an empty body): the
    application's error page, in the site's layout, as the 400, 403 and 404 are; the
    ``Allow`` header kept. The API's answers (JSON, for programs) are left as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or getattr(response, "streaming", False) or response.content:
            return response
        match = getattr(request, "resolver_match", None)
        if match is not None and "api" in match.namespaces:
            return response
        page = error_view(405)(request)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent with a token that no longer holds (a page left open across a new login,
    a session ended): the application's page, saying nothing was saved (``CSRF_FAILURE_VIEW``)."""
    return render(
        request,
        "error.html",
        {"title": t("web.errors.csrf.title"), "message": t("web.errors.csrf.message")},
        status=403,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return error_view(500)(request)
