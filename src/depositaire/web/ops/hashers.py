"""Password hashing: argon2id with OWASP's parameters, and a bound on simultaneous hashes.

Django's default argon2 settings (memory 100 MiB, parallelism 8) made a login cost
about half a second of both cores, and fifty simultaneous logins would ask 5 GB. The
OWASP Password Storage Cheat Sheet's first argon2id configuration is m = 19 MiB
(19456 KiB), t = 2, p = 1. The hash keeps Django's ``argon2`` algorithm name, so
existing hashes still verify and are re-hashed with these parameters at the next
successful login (Django's ``must_update``).

At most ``settings.PASSWORD_HASHING_SLOTS`` hashes run at once in one process (a
semaphore): the other logins of that process wait their turn rather than all
competing for memory and CPU together. Under ``depositaire serve`` the workers also share
a bound for the machine (``settings.PASSWORD_HASHING_MACHINE_SLOTS``, half the cores by
default): a burst of logins (every worker of a team arriving at nine) then leaves the
other cores to the pages. The machine's slots are ``flock`` locks on files of a folder
(:func:`share_between_processes`): the kernel releases a lock when its holder dies, so a
worker killed while hashing never keeps a slot (a POSIX semaphore would).
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

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


#: The machine's slots: one lock file each, in the folder ``share_between_processes``
#: named (``None``: no bound between processes, as under ``runserver`` and the tests).
_machine: list[Path] | None = None


def share_between_processes(folder: Path, slots: int) -> None:
    """Bound the hashes of every process started from this one to ``slots`` at once:
    ``slots`` lock files in ``folder`` (made 0700). Called by ``serve`` before its workers
    start."""
    global _machine
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    paths = [folder / f"hash-slot-{n}.lock" for n in range(max(1, slots))]
    for path in paths:
        path.touch(mode=0o600, exist_ok=True)
    _machine = paths


def _machine_slot() -> int | None:
    """A descriptor holding one of the machine's slots (waiting for one if all are
    taken), or ``None`` when there is no bound between processes."""
    paths = _machine
    if not paths:
        return None
    fds = []
    try:
        for path in paths:  # a free slot first
            fd = os.open(path, os.O_RDWR)
            fds.append(fd)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            fds.remove(fd)
            return fd
        # All taken: wait on one (spread by process) — the kernel wakes one waiter.
        fd = fds.pop(os.getpid() % len(fds))
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd
    finally:
        for other in fds:
            os.close(other)


class _Slot:
    def __enter__(self) -> None:
        global running, most_at_once
        self.semaphore = _slots()
        self.semaphore.acquire()
        try:
            self.machine = _machine_slot()
        except BaseException:
            self.semaphore.release()
            raise
        with _lock:
            running += 1
            most_at_once = max(most_at_once, running)

    def __exit__(self, *exc: object) -> None:
        global running
        with _lock:
            running -= 1
        if self.machine is not None:
            os.close(self.machine)  # closing the descriptor releases its lock
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
