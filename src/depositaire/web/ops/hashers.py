"""Password hashing: argon2id with OWASP's parameters, and a bound on simultaneous hashes.

Django's default argon2 settings (memory 100 MiB, parallelism 8) made a login cost
about half a second of both cores, and fifty simultaneous logins would ask 5 GB. The
OWASP Password Storage Cheat Sheet's first argon2id configuration is m = 19 MiB
(19456 KiB), t = 2, p = 1. The hash keeps Django's ``argon2`` algorithm name, so
existing hashes still verify and are re-hashed with these parameters at the next
successful login (Django's ``must_update``).

At most ``settings.PASSWORD_HASHING_SLOTS`` hashes run at once in one process (a
semaphore): the other logins of that process wait their turn rather than all
competing for memory and CPU together; with gunicorn the bound for the machine is
workers × slots.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

_lock = threading.Lock()
_semaphore: tuple[int, threading.BoundedSemaphore] | None = None
#: How many hashes are running now, and the most seen at once (tests read it).
running = 0
most_at_once = 0


def _slots() -> threading.BoundedSemaphore:
    global _semaphore
    slots = max(1, int(getattr(settings, "PASSWORD_HASHING_SLOTS", 1)))
    with _lock:
        if _semaphore is None or _semaphore[0] != slots:
            _semaphore = (slots, threading.BoundedSemaphore(slots))
        return _semaphore[1]


class _Slot:
    def __enter__(self) -> None:
        global running, most_at_once
        self.semaphore = _slots()
        self.semaphore.acquire()
        with _lock:
            running += 1
            most_at_once = max(most_at_once, running)

    def __exit__(self, *exc: object) -> None:
        global running
        with _lock:
            running -= 1
        self.semaphore.release()


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """argon2id, m = 19 MiB, t = 2, p = 1 (OWASP), at most N at once per process."""

    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        with _Slot():
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with _Slot():
            return super().verify(password, encoded)
