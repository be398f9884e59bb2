"""The idle timeout: a session unused for ``SESSION_IDLE_SECONDS`` ends (journaled)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

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
