"""One-time form tokens: a form sent twice stores its record once.

Written here because Django has no built-in idempotency token: its CSRF token is the same
for every form of a session and proves only where a post comes from, not that it is new.
A double click, a resubmission after a slow answer or the back button then "send" would
otherwise store the same information item, consent or request twice.

Each guarded form carries ``{% once_token %}`` (a hidden field): a random value and an HMAC
of it bound to the session key and the view, so a token cannot be made up, nor taken from
another session or another form. The first post consumes it by inserting a
:class:`~depositaire.web.accounts.models.FormSubmission` row whose ``token`` is unique;
a second post with the same token fails on that insert, runs nothing (so nothing is
stored or journaled a second time) and is sent to what the first one created.

Why a row and not a set in the session: the session engine
(:mod:`depositaire.web.accounts.sessions`) loads the session at the start of a request and
writes it whole at the end, so two simultaneous posts would both see the token unused and
both save. The unique index decides exactly one winner on both databases: requests run in
one transaction (``ATOMIC_REQUESTS``); on PostgreSQL the second insert waits for the
first transaction and then fails; on SQLite a post takes the write lock when it begins
(:mod:`depositaire.web.db.sqlite3`), so the second one finds the row committed.

A post that ends without a redirect (a form shown again with its errors, a preview, a
confirmation page) created nothing: its row is removed in the same transaction and the
token stays usable. An error rolls the row back with everything else.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from depositaire.messages import t

FIELD = "form_once"
_SALT = "depositaire.web.once"


def _signature(session_key: str, scope: str, nonce: str) -> str:
    value = f"{scope}|{session_key}|{nonce}"
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()[:32]


def mint(session_key: str, scope: str) -> str:
    """A new token for ``scope`` (a view name) in the session ``session_key``."""
    nonce = secrets.token_urlsafe(18)
    return f"{nonce}.{_signature(session_key, scope, nonce)}"


def is_valid(session_key: str | None, scope: str, token: str) -> bool:
    if not session_key or len(token) > 64 or not token.isascii():
        return False  # (compare_digest refuses a str that is not ASCII)
    nonce, _, signature = token.partition(".")
    if not nonce or not signature:
        return False
    return hmac.compare_digest(signature, _signature(session_key, scope, nonce))


def scope_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else request.path


def session_key_of(request: HttpRequest) -> str:
    session: Any = request.session
    if not session.session_key:
        session.save()
    return str(session.session_key)


def hidden_field(request: HttpRequest, scope: str | None = None) -> str:
    token = mint(session_key_of(request), scope or scope_of(request))
    return str(format_html('<input type="hidden" name="{}" value="{}">', FIELD, token))


def _page(request: HttpRequest, title: str, message: str, status: int) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def _repeat(request: HttpRequest, token: str) -> HttpResponse:
    from depositaire.web.accounts.models import FormSubmission

    row = FormSubmission.objects.filter(token=token).only("result_url").first()
    url = row.result_url if row is not None else ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        messages.info(request, t("web.errors.once.already_sent"))
        return redirect(url)
    return _page(request, t("web.errors.once.title"), t("web.errors.once.pending"), 409)


def once_per_token(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Guard a view whose POST creates a record (place it under ``@guard``)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "POST":
            return view(request, *args, **kwargs)
        from depositaire.web.accounts.models import FormSubmission

        token = request.POST.get(FIELD, "")
        user: Any = request.user
        if not is_valid(request.session.session_key, scope_of(request), token):
            return _page(
                request, t("web.errors.once.invalid_title"), t("web.errors.once.invalid"), 400
            )
        try:
            with transaction.atomic():
                row = FormSubmission.objects.create(
                    token=token, scope=scope_of(request)[:100], user_id=user.pk
                )
        except IntegrityError:
            return _repeat(request, token)
        response = view(request, *args, **kwargs)
        location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
        if location:
            row.result_url = location[:500]
            row.save(update_fields=["result_url"])
        else:
            row.delete()
        # A token lives no longer than its session: older rows can go.
        cutoff = timezone.now() - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        FormSubmission.objects.filter(created_at__lt=cutoff).delete()
        return response

    return wrapped
