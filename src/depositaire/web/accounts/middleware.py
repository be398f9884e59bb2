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
    """A NUL character is never valid input: answered 400 (PostgreSQL refuses it in text,
    which gave a 500 on a search). Django's form fields refuse it already; this covers the
    query parameters read by views (search, filters)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for values in (request.GET, request.POST if request.method == "POST" else None):
            if values is not None and any(
                "\x00" in value for key in values for value in values.getlist(key)
            ):
                from depositaire.web.views import error_view

                return error_view(400)(request)
        return self.get_response(request)


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
