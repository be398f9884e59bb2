"""The idle timeout: a session unused for ``SESSION_IDLE_SECONDS`` ends (journaled); the
second factor's middleware; NUL characters refused."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import django_otp.middleware
from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from depositaire.web.db.prepared import Prepared

LAST_SEEN = "_depositaire_last_seen"
#: The last-seen time is written at most this often (a write per request is wasted).
RESOLUTION = 30


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            idle = int(getattr(settings, "SESSION_IDLE_SECONDS", 1800))
            if isinstance(last, int) and now - last > idle:
                from depositaire.web.views import journal

                journal(request, "session_idle", target=f"user:{user.pk}")
                logout(request)
            elif not isinstance(last, int) or now - last >= RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class NullCharacterMiddleware:
    """A NUL character is never valid input (PostgreSQL refuses it in text, which gave a
    500 on a search). In a POST or in the query: the values are kept for the forms, which
    answer with a field's error and show the form again (``fields.CheckedTextMixin``; the
    persons' search box, ``fields.query_text``); a view reading a NUL value itself
    (``request.POST.get``, ``request.GET.get``) gets the 400 page (``fields.GuardedPost``).
    A NUL in a name is 400 at once (no field has such a name)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request.GET, values=False):
            return _bad_request(request)
        if _holds_nul(request.GET, values=True):
            from depositaire.web.fields import guarded_post

            # As for a POST: a search or filter form answers with its field's error (QA
            # s11); a view reading such a parameter itself gets the 400 page.
            request.GET = guarded_post(request.GET)  # type: ignore[assignment]
        if request.method == "POST":
            post = request.POST
            if _holds_nul(post, values=False):
                return _bad_request(request)
            if _holds_nul(post, values=True):
                from depositaire.web.fields import guarded_post

                request.POST = guarded_post(post)  # type: ignore[assignment]
        return self.get_response(request)


def _holds_nul(data: Any, *, values: bool) -> bool:
    if values:
        return any("\x00" in value for key in data for value in data.getlist(key))
    return any("\x00" in key for key in data)


def _bad_request(request: HttpRequest) -> HttpResponse:
    from depositaire.web.views import error_view

    return error_view(400)(request)


def _totp_by_id(pk: int) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(id=pk)[:1]


#: The session's TOTP device, compiled once (every page of a verified session loads it).
TOTP_BY_ID = Prepared(_totp_by_id, -1)
TOTP_LABEL = "otp_totp.totpdevice"


class OTPMiddleware(django_otp.middleware.OTPMiddleware):
    """django-otp's middleware (the same checks: the device is the user's and confirmed),
    with the TOTP device of the session loaded by a query compiled once. Other devices
    (static codes, passkeys) are loaded by django-otp as before."""

    def _device_from_persistent_id(self, persistent_id: str) -> Any:
        label, _, number = self._normalize_persistent_id(persistent_id).rpartition("/")
        if label == TOTP_LABEL and number.isascii() and number.isdigit() and len(number) < 19:
            return TOTP_BY_ID.first(int(number))
        return super()._device_from_persistent_id(persistent_id)
