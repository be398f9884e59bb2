"""Login throttling, counted in the database: per account, and per (address, account).

An address alone never blocks: behind a proxy every user of an organisation shares one
address, and five failures against one account must not lock the others out. The
pair (address, account) stops guessing from one place quickly
(``LOGIN_MAX_FAILURES``); the account alone, from everywhere, more slowly
(``LOGIN_MAX_FAILURES_ACCOUNT``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.utils import timezone

from depositaire.web.accounts.models import LoginFailure


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def failures(username: str, address: str | None) -> tuple[int, int]:
    """Recent failures for this account, and for this account from this address."""
    recent = LoginFailure.objects.filter(at__gte=_since(), username=username.lower()[:150])
    by_name = recent.count()
    by_pair = recent.filter(address=address).count() if address else by_name
    return by_name, by_pair


def blocked(username: str, address: str | None) -> bool:
    by_name, by_pair = failures(username, address)
    return by_pair >= settings.LOGIN_MAX_FAILURES or by_name >= settings.LOGIN_MAX_FAILURES_ACCOUNT


def fail(username: str, address: str | None) -> int:
    """Record one failure; returns the number of recent failures for this account."""
    LoginFailure.objects.create(username=username.lower()[:150], address=address)
    LoginFailure.objects.filter(at__lt=_since()).delete()
    return failures(username, address)[0]


def clear(username: str, address: str | None = None) -> None:
    """After a successful login: forget this pair's failures (others' guesses stay counted)."""
    rows = LoginFailure.objects.filter(username=username.lower())
    if address:
        rows = rows.filter(address=address)
    rows.delete()


def username_hmac(username: str) -> str:
    """The name as it goes into the journal: HMAC-SHA-256 with a key of the key folder.

    Unlike a bare SHA-256, it cannot be matched against a list of names without the key.
    """
    from depositaire.web.crypto import (
        check_private_mode,
        ensure_private_dir,
        write_private_file,
    )

    path = settings.KEY_DIR / "login-name-key"
    if not path.exists():
        import os

        ensure_private_dir(path.parent)
        write_private_file(path, os.urandom(32), exclusive=True)
    check_private_mode(path)
    key = path.read_bytes()
    return hmac.new(key, username.strip().lower().encode(), hashlib.sha256).hexdigest()
