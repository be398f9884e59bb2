"""Login throttling: failed attempts counted in the database, per username and per address."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from depositaire.web.accounts.models import LoginFailure


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def failures(username: str, address: str | None) -> tuple[int, int]:
    """Recent failures for this username and for this address."""
    recent = LoginFailure.objects.filter(at__gte=_since())
    by_name = recent.filter(username=username.lower()).count()
    by_address = recent.filter(address=address).count() if address else 0
    return by_name, by_address


def blocked(username: str, address: str | None) -> bool:
    by_name, by_address = failures(username, address)
    return max(by_name, by_address) >= settings.LOGIN_MAX_FAILURES


def fail(username: str, address: str | None) -> int:
    """Record one failure; returns the number of recent failures for this username."""
    LoginFailure.objects.create(username=username.lower()[:150], address=address)
    LoginFailure.objects.filter(at__lt=_since()).delete()
    return failures(username, address)[0]


def clear(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()
